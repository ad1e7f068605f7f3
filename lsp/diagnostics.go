package lsp

import (
	"context"
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
// included), or only the syntax errors when linting is disabled.
func (s *Server) findings(ctx context.Context, snap *snapshot) []finding {
	if s.lintOn && ctx.Err() == nil {
		return lintFindings(snap, s.lintConfig)
	}
	return syntaxFindings(snap.file)
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
	for _, f := range fs {
		out = append(out, s.toDiagnostic(snap, f))
	}
	return out
}

// diagnoser publishes diagnostics per document, debounced: a change
// (re)starts the document's timer and only the newest version is published.
type diagnoser struct {
	s       *Server
	mu      sync.Mutex
	timers  map[uri.URI]*time.Timer
	stopped bool
}

func newDiagnoser(s *Server) *diagnoser {
	return &diagnoser{s: s, timers: make(map[uri.URI]*time.Timer)}
}

func (d *diagnoser) schedule(u uri.URI, delay time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if t := d.timers[u]; t != nil {
		t.Stop()
	}
	if delay < 0 {
		delay = 0
	}
	d.timers[u] = time.AfterFunc(delay, func() { d.publish(u) })
}

func (d *diagnoser) publish(u uri.URI) {
	s := d.s
	ctx := s.ctx
	if ctx.Err() != nil {
		return
	}
	snap, err := s.store.get(u)
	if err != nil {
		return
	}
	diags := s.diagnostics(ctx, snap)
	// A newer version is on its way: let its own timer publish.
	if cur, err := s.store.get(u); err != nil || cur != snap {
		return
	}
	d.mu.Lock()
	stopped := d.stopped
	d.mu.Unlock()
	if stopped {
		return
	}
	_ = s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{
		URI:         u,
		Version:     protocol.NewOptional(snap.version),
		Diagnostics: diags,
	})
}

// clear stops pending work for a closed document and clears its
// diagnostics in the client.
func (d *diagnoser) clear(u uri.URI) {
	d.mu.Lock()
	if t := d.timers[u]; t != nil {
		t.Stop()
		delete(d.timers, u)
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
	for u, t := range d.timers {
		t.Stop()
		delete(d.timers, u)
	}
}
