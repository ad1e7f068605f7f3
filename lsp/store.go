package lsp

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// DefaultMaxDocumentSize is the largest document the server analyses
// (2 MiB). A larger document is kept in sync but gets only a single
// diagnostic saying so; every other feature answers nothing for it.
const DefaultMaxDocumentSize = 2 << 20

// snapshot is one immutable version of an open document. Snapshots are
// made on demand — when a request or the diagnostics worker asks for the
// latest version — never per change, so a burst of edits costs one
// snapshot. The CST is built once per snapshot (build), the analysis on
// first use.
type snapshot struct {
	uri     uri.URI
	version int32
	text    []byte
	utf8    bool
	// tooLarge: the document is over the size limit; text and file are
	// empty and size is its real length.
	tooLarge bool
	size     int
	st       *store
	// inc is the document's incremental analysis (nil: analyse from
	// scratch).
	inc *lint.Incremental
	// base is the previous snapshot of the document, whose text has the
	// same first pre and last suf bytes: build reads only what changed
	// (reparse). gen counts the incremental readings since the last whole
	// one.
	base     *snapshot
	pre, suf int
	gen      int

	buildOnce sync.Once
	file      *syntax.File
	lines     *syntax.LineTable

	once   sync.Once
	la     *lint.Analysis
	anOnce sync.Once
	an     *analysis
}

// newSnapshot makes a parsed snapshot of text (used for documents that are
// not open, e.g. workspace files, and by tests).
func newSnapshot(u uri.URI, version int32, text []byte, utf8 bool) *snapshot {
	s := &snapshot{uri: u, version: version, text: text, utf8: utf8}
	s.build()
	return s
}

// maxReparses is how many incremental readings follow each other before
// a whole one: the nodes of a reading are allocated in blocks, and each
// incremental reading keeps the blocks of the unchanged nodes it shares;
// a whole reading now and then lets the others go.
const maxReparses = 32

// build parses the snapshot once.
func (s *snapshot) build() {
	s.buildOnce.Do(func() {
		if s.st != nil {
			s.st.parses.Add(1)
		}
		if b := s.base; b != nil && !b.tooLarge && !s.tooLarge && b.gen < maxReparses {
			b.build()
			s.file = reparse(b.file, s.text, s.pre, s.suf, b.gen == 0)
			s.gen = b.gen + 1
			if s.file != nil && s.st != nil {
				s.st.reparses.Add(1)
			}
		}
		s.base = nil
		if s.file == nil {
			s.file = syntax.Parse(docName(s.uri), s.text)
			s.gen = 0
		}
		s.lines = s.file.LineTable()
	})
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
	s.once.Do(func() {
		if s.st != nil {
			s.st.analyses.Add(1)
			if h := s.st.analyzeHook; h != nil {
				h(s)
			}
		}
		s.la = s.inc.Analyze(s.file, lint.Options{})
	})
	return s.la
}

// document is the editable state of one open document. Its notifications
// are serialised by the ordering middleware; mu guards it against the
// requests and the diagnostics worker that read it concurrently.
type document struct {
	mu      sync.Mutex
	uri     uri.URI
	version int32
	buf     *textBuffer
	utf8    bool
	snap    *snapshot // of version, or nil until one is asked for
	warned  bool      // the over-the-limit message was shown
	// last is the last snapshot made; the text has the same first pre
	// and last suf bytes as its text.
	last     *snapshot
	pre, suf int
	// inc keeps the walk of each top-level or wrapper body form of the
	// analysed versions: the next analysis walks only the forms whose text
	// changed (lint.Incremental).
	inc *lint.Incremental
}

// store maps document URIs to their editable state.
type store struct {
	mu      sync.RWMutex
	docs    map[uri.URI]*document
	maxSize int

	// Counters of the work done (read by tests and benchmarks); reparses
	// counts the parses that read only what changed.
	parses, analyses, reparses atomic.Int64
	// analyzeHook, when set (tests), runs before each analysis.
	analyzeHook func(*snapshot)
}

func newStore(maxSize int) *store {
	if maxSize <= 0 {
		maxSize = DefaultMaxDocumentSize
	}
	return &store{docs: make(map[uri.URI]*document), maxSize: maxSize}
}

var errNoDocument = errors.New("document is not open")

func (st *store) doc(u uri.URI) *document {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.docs[u]
}

// get returns the snapshot of the latest version of u, parsed.
func (st *store) get(u uri.URI) (*snapshot, error) {
	d := st.doc(u)
	if d == nil {
		return nil, errNoDocument
	}
	d.mu.Lock()
	s := d.snap
	if s == nil {
		s = &snapshot{uri: u, version: d.version, utf8: d.utf8, st: st, size: d.buf.Len(), inc: d.inc,
			base: d.last, pre: d.pre, suf: d.suf}
		if s.size > st.maxSize {
			s.tooLarge = true
		} else {
			s.text = d.buf.Bytes()
		}
		d.snap = s
		d.last, d.pre, d.suf = s, math.MaxInt, math.MaxInt
	}
	d.mu.Unlock()
	s.build()
	return s, nil
}

// version returns the latest version of u and whether it is open.
func (st *store) version(u uri.URI) (int32, bool) {
	d := st.doc(u)
	if d == nil {
		return 0, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.version, true
}

// all returns the latest snapshots of every open document.
func (st *store) all() []*snapshot {
	st.mu.RLock()
	us := make([]uri.URI, 0, len(st.docs))
	for u := range st.docs {
		us = append(us, u)
	}
	st.mu.RUnlock()
	out := make([]*snapshot, 0, len(us))
	for _, u := range us {
		if s, err := st.get(u); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// open stores a document; it reports whether the document is over the
// size limit and had not been reported as such.
func (st *store) open(u uri.URI, version int32, text []byte, utf8 bool) (newlyTooLarge bool) {
	d := &document{uri: u, version: version, buf: newTextBuffer(text), utf8: utf8, inc: lint.NewIncremental(),
		pre: math.MaxInt, suf: math.MaxInt}
	if d.buf.Len() > st.maxSize {
		d.warned = true
		newlyTooLarge = true
	}
	st.mu.Lock()
	st.docs[u] = d
	st.mu.Unlock()
	return newlyTooLarge
}

func (st *store) close(u uri.URI) {
	st.mu.Lock()
	delete(st.docs, u)
	st.mu.Unlock()
}

// change applies content changes to the document when version is newer
// than the stored one; it reports whether they were applied and, when the
// document has just grown over the size limit, its size (else 0). Range edits are applied
// to the text buffer in place: their cost is proportional to the edit, not
// to the document.
func (st *store) change(u uri.URI, version int32, changes []protocol.TextDocumentContentChangeEvent, utf8 bool) (applied bool, newlyTooLarge int) {
	d := st.doc(u)
	if d == nil {
		return false, 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if version <= d.version {
		return false, 0
	}
	for _, ch := range changes {
		switch c := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			d.buf.reset([]byte(c.Text))
			d.pre, d.suf = 0, 0
		case *protocol.TextDocumentContentChangePartial:
			b := d.buf
			start := b.offset(int(c.Range.Start.Line), int(c.Range.Start.Character), utf8)
			end := b.offset(int(c.Range.End.Line), int(c.Range.End.Character), utf8)
			start, end = min(start, end), max(start, end)
			d.pre, d.suf = min(d.pre, start), min(d.suf, b.Len()-end)
			b.replace(start, end, c.Text)
		}
	}
	d.version = version
	d.snap = nil
	large := d.buf.Len() > st.maxSize
	if large && !d.warned {
		newlyTooLarge = d.buf.Len()
	}
	d.warned = large
	return true, newlyTooLarge
}

// docName is the name used for a document in messages: its file path for a
// file URI, else the URI itself.
func docName(u uri.URI) string {
	if u.IsFile() {
		return u.FsPath()
	}
	return string(u)
}
