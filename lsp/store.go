package lsp

import (
	"errors"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// snapshot is one immutable version of an open document. The CST is built
// when the snapshot is made; the analysis is computed on first use.
type snapshot struct {
	uri     uri.URI
	version int32
	text    []byte
	file    *syntax.File
	lines   *syntax.LineTable
	utf8    bool

	once   sync.Once
	la     *lint.Analysis
	anOnce sync.Once
	an     *analysis
}

func newSnapshot(u uri.URI, version int32, text []byte, utf8 bool) *snapshot {
	f := syntax.Parse(docName(u), text)
	return &snapshot{uri: u, version: version, text: text, file: f, lines: f.LineTable(), utf8: utf8}
}

func (s *snapshot) mapper() mapper { return mapper{lt: s.lines, utf8: s.utf8} }

// analysis returns the server's binding model of the snapshot, built on
// first use from the lint analysis.
func (s *snapshot) analysis() *analysis {
	s.anOnce.Do(func() { s.an = fromLint(s.file, s.lintAnalysis()) })
	return s.an
}

// lintAnalysis returns the lint package's analysis of the snapshot.
func (s *snapshot) lintAnalysis() *lint.Analysis {
	s.once.Do(func() { s.la = lint.Analyze(s.file, lint.Options{}) })
	return s.la
}

// store maps document URIs to their latest snapshot.
type store struct {
	mu   sync.RWMutex
	docs map[uri.URI]*snapshot
}

func newStore() *store { return &store{docs: make(map[uri.URI]*snapshot)} }

var errNoDocument = errors.New("document is not open")

func (st *store) get(u uri.URI) (*snapshot, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	s, ok := st.docs[u]
	if !ok {
		return nil, errNoDocument
	}
	return s, nil
}

func (st *store) all() []*snapshot {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]*snapshot, 0, len(st.docs))
	for _, s := range st.docs {
		out = append(out, s)
	}
	return out
}

func (st *store) open(s *snapshot) {
	st.mu.Lock()
	st.docs[s.uri] = s
	st.mu.Unlock()
}

func (st *store) close(u uri.URI) {
	st.mu.Lock()
	delete(st.docs, u)
	st.mu.Unlock()
}

// change applies content changes to the document when version is newer than
// the stored one. It reports the new snapshot, or nil when the change was
// ignored (unknown document or stale version). Notifications of one document
// are serialised by the ordering middleware, so the read-modify-write here
// never races with another change of the same document.
func (st *store) change(u uri.URI, version int32, changes []protocol.TextDocumentContentChangeEvent, utf8 bool) *snapshot {
	old, err := st.get(u)
	if err != nil || version <= old.version {
		return nil
	}
	text := old.text
	lt := old.lines
	for _, ch := range changes {
		switch c := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = []byte(c.Text)
		case *protocol.TextDocumentContentChangePartial:
			if lt == nil {
				lt = syntax.NewLineTable(text)
			}
			m := mapper{lt: lt, utf8: utf8}
			start, end := m.offset(c.Range.Start), m.offset(c.Range.End)
			if end < start {
				start, end = end, start
			}
			var b strings.Builder
			b.Grow(len(text) - (end - start) + len(c.Text))
			b.Write(text[:start])
			b.WriteString(c.Text)
			b.Write(text[end:])
			text = []byte(b.String())
		}
		lt = nil
	}
	s := newSnapshot(u, version, text, utf8)
	st.mu.Lock()
	defer st.mu.Unlock()
	if cur, ok := st.docs[u]; !ok || version <= cur.version {
		return nil
	}
	st.docs[u] = s
	return s
}

// docName is the name used for a document in messages: its file path for a
// file URI, else the URI itself.
func docName(u uri.URI) string {
	if u.IsFile() {
		return u.FsPath()
	}
	return string(u)
}
