package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// finding is one diagnostic in byte offsets: a syntax error or a lint
// finding.
type finding struct {
	Rule    string
	Level   string // error, warning, info
	Start   int
	End     int
	Message string
	Related []related
	Fixes   []fix
}

type related struct {
	Start, End int
	Message    string
}

// fix is one quick fix: a titled set of edits of the document.
type fix struct {
	Title string
	Edits []edit
}

type edit struct {
	Start, End int
	NewText    string
}

// syntaxFindings converts the reader's errors; an unclosed form points to
// where it was opened.
func syntaxFindings(f *syntax.File) []finding {
	out := make([]finding, 0, len(f.Errors))
	n := len(f.Src)
	for _, e := range f.Errors {
		start, end := int(e.Off), int(e.End)
		if start > n {
			start = n
		}
		if end <= start {
			end = min(start+1, n)
		}
		fd := finding{Rule: "syntax", Level: "error", Start: start, End: end, Message: e.Msg}
		if e.Related >= 0 && int(e.Related) < n {
			r := int(e.Related)
			fd.Related = append(fd.Related, related{Start: r, End: r + 1, Message: "opened here"})
		}
		out = append(out, fd)
	}
	return out
}

// findings returns every diagnostic of a snapshot: the lint rules (syntax
// included), or only the syntax errors when linting is disabled. It gives
// up (nil) as soon as ctx is cancelled: a newer version has arrived.
func (s *Server) findings(ctx context.Context, snap *snapshot) []finding {
	if snap.tooLarge {
		return []finding{{Rule: "too-large", Level: "warning", Message: tooLargeMessage(docName(snap.uri), snap.size, s.store.maxSize)}}
	}
	if !s.lintOn {
		return syntaxFindings(snap.file)
	}
	la := snap.lintAnalysis()
	if ctx.Err() != nil {
		return nil
	}
	return lintFindings(snap, la, s.lintConfig)
}

// tooLargeMessage is the one diagnostic of a document over the size limit.
func tooLargeMessage(name string, size, limit int) string {
	return fmt.Sprintf("%s is %s, over the %s limit: spell-lsp does not analyse it (no diagnostics, hover, completion or other features; the text stays in sync)",
		filepath.Base(name), humanSize(size), humanSize(limit))
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

func severity(level string) protocol.DiagnosticSeverity {
	switch level {
	case "error":
		return protocol.DiagnosticSeverityError
	case "warning":
		return protocol.DiagnosticSeverityWarning
	case "info":
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityHint
}

func (s *Server) toDiagnostic(snap *snapshot, f finding) protocol.Diagnostic {
	m := snap.mapper()
	d := protocol.Diagnostic{
		Range:    m.rng(f.Start, f.End),
		Severity: severity(f.Level),
		Code:     protocol.String(f.Rule),
		Source:   protocol.NewOptional("spell"),
		Message:  protocol.String(f.Message),
	}
	for _, r := range f.Related {
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: snap.uri, Range: m.rng(r.Start, r.End)},
			Message:  r.Message,
		})
	}
	return d
}

func (s *Server) diagnostics(ctx context.Context, snap *snapshot) []protocol.Diagnostic {
	fs := s.findings(ctx, snap)
	out := make([]protocol.Diagnostic, 0, len(fs))
	for i, f := range fs {
		if i%256 == 0 && ctx.Err() != nil {
			return nil
		}
		out = append(out, s.toDiagnostic(snap, f))
	}
	return out
}

// diagnoser publishes diagnostics per document, debounced and coalesced: a
// change (re)starts the document's timer and cancels the publication in
// progress; at most one publication per document runs at a time, and when
// it ends a new one starts only if changes arrived meanwhile, for the
// latest version. So a burst of edits is analysed about once, and analysis
// of version N is abandoned (at its next stage boundary: parse, analysis,
// rules, conversion) when N+1 arrives.
type diagnoser struct {
	s       *Server
	mu      sync.Mutex
	docs    map[uri.URI]*diagState
	stopped bool
}

type diagState struct {
	timer   *time.Timer
	running bool
	dirty   bool               // changes arrived while running
	cancel  context.CancelFunc // cancels the running publication
}

func newDiagnoser(s *Server) *diagnoser {
	return &diagnoser{s: s, docs: make(map[uri.URI]*diagState)}
}

func (d *diagnoser) schedule(u uri.URI, delay time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	st := d.docs[u]
	if st == nil {
		st = &diagState{}
		d.docs[u] = st
	}
	if st.cancel != nil {
		st.cancel()
	}
	if st.timer != nil {
		st.timer.Stop()
	}
	if delay < 0 {
		delay = 0
	}
	st.timer = time.AfterFunc(delay, func() { d.run(u, st) })
}

// run publishes u's diagnostics until no change is pending.
func (d *diagnoser) run(u uri.URI, st *diagState) {
	d.mu.Lock()
	if d.stopped || d.docs[u] != st {
		d.mu.Unlock()
		return
	}
	if st.running {
		st.dirty = true
		d.mu.Unlock()
		return
	}
	st.running = true
	for {
		st.dirty = false
		ctx, cancel := context.WithCancel(d.s.ctx)
		st.cancel = cancel
		d.mu.Unlock()
		d.publish(ctx, u)
		cancel()
		d.mu.Lock()
		if !st.dirty || d.stopped || d.docs[u] != st {
			break
		}
	}
	st.running = false
	d.mu.Unlock()
}

func (d *diagnoser) publish(ctx context.Context, u uri.URI) {
	s := d.s
	if ctx.Err() != nil {
		return
	}
	snap, err := s.store.get(u)
	if err != nil || ctx.Err() != nil {
		return
	}
	diags := s.diagnostics(ctx, snap)
	// A newer version is on its way: let its own run publish.
	if ctx.Err() != nil {
		return
	}
	if v, ok := s.store.version(u); !ok || v != snap.version {
		return
	}
	d.mu.Lock()
	stopped := d.stopped
	d.mu.Unlock()
	if stopped {
		return
	}
	_ = s.client.PublishDiagnostics(s.ctx, &protocol.PublishDiagnosticsParams{
		URI:         u,
		Version:     protocol.NewOptional(snap.version),
		Diagnostics: diags,
	})
}

// clear stops pending work for a closed document and clears its
// diagnostics in the client.
func (d *diagnoser) clear(u uri.URI) {
	d.mu.Lock()
	if st := d.docs[u]; st != nil {
		if st.timer != nil {
			st.timer.Stop()
		}
		if st.cancel != nil {
			st.cancel()
		}
		delete(d.docs, u)
	}
	stopped := d.stopped
	d.mu.Unlock()
	if !stopped {
		_ = d.s.client.PublishDiagnostics(d.s.ctx, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}})
	}
}

func (d *diagnoser) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for u, st := range d.docs {
		if st.timer != nil {
			st.timer.Stop()
		}
		if st.cancel != nil {
			st.cancel()
		}
		delete(d.docs, u)
	}
}
