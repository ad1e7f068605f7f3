package lsp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/format"
	"github.com/spell-go/spell/syntax"
)

// errSyntax marks a formatting request refused because the file has
// syntax errors.
var errSyntax = errors.New("the file has syntax errors")

// formatEdits formats the snapshot and returns minimal edits in byte
// offsets. A file with syntax errors gets no edits but an error wrapping
// errSyntax that names the first one (file:line:col: message); a formatter
// result that does not parse is refused (guard against formatter bugs).
func formatEdits(snap *snapshot) ([]edit, error) {
	out, err := format.File(snap.file)
	if err != nil {
		var se *format.SyntaxErrors
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: cannot format %s", errSyntax, se.Error())
		}
		return nil, err
	}
	if string(out) == string(snap.text) {
		return nil, nil
	}
	if f := syntax.Parse("formatted", out); len(f.Errors) > 0 {
		return nil, errors.New("formatter produced text that does not parse; no edits")
	}
	return diffEdits(snap.text, out), nil
}

// formatError is the answer to a formatting request that cannot be
// served: a RequestFailed error whose message the editor shows (a file
// with syntax errors must not be silently left as it is).
func formatError(err error) error {
	msg := err.Error()
	if errors.Is(err, errSyntax) {
		msg = strings.TrimPrefix(msg, errSyntax.Error()+": ") + " (fix the syntax error first)"
	}
	return jsonrpc2.NewError(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed), msg)
}

func isGap(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f' || c == '\v'
}

// diffEdits computes small edits turning a into b. The formatter changes
// only whitespace and commas, so both texts are the same sequence of
// non-gap bytes separated by gaps; each differing gap becomes one edit
// (trimmed to its differing middle). Should the texts ever differ
// elsewhere, the rest is replaced by one edit bounded by the common suffix.
func diffEdits(a, b []byte) []edit {
	var out []edit
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i < len(a) && j < len(b) && a[i] == b[j] && !isGap(a[i]) {
			i++
			j++
			continue
		}
		gi, gj := i, j
		for i < len(a) && isGap(a[i]) {
			i++
		}
		for j < len(b) && isGap(b[j]) {
			j++
		}
		if gi == i && gj == j {
			// Non-gap bytes differ: replace the rest, keeping the common suffix.
			ea, eb := len(a), len(b)
			for ea > i && eb > j && a[ea-1] == b[eb-1] {
				ea--
				eb--
			}
			out = append(out, edit{Start: i, End: ea, NewText: string(b[j:eb])})
			return out
		}
		ga, gb := a[gi:i], b[gj:j]
		if string(ga) == string(gb) {
			continue
		}
		p := 0
		for p < len(ga) && p < len(gb) && ga[p] == gb[p] {
			p++
		}
		s := 0
		for s < len(ga)-p && s < len(gb)-p && ga[len(ga)-1-s] == gb[len(gb)-1-s] {
			s++
		}
		out = append(out, edit{Start: gi + p, End: i - s, NewText: string(gb[p : len(gb)-s])})
	}
	return out
}

func toTextEdits(snap *snapshot, es []edit) []protocol.TextEdit {
	m := snap.mapper()
	out := make([]protocol.TextEdit, 0, len(es))
	for _, e := range es {
		out = append(out, protocol.TextEdit{Range: m.rng(e.Start, e.End), NewText: e.NewText})
	}
	return out
}

// Formatting formats the whole document (tooling.md §3) as minimal edits.
func (s *Server) Formatting(ctx context.Context, params *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	es, err := formatEdits(snap)
	if err != nil {
		return nil, formatError(err)
	}
	return toTextEdits(snap, es), nil
}

// RangeFormatting formats the document and keeps the edits that touch the
// range.
func (s *Server) RangeFormatting(ctx context.Context, params *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	es, err := formatEdits(snap)
	if err != nil {
		return nil, formatError(err)
	}
	m := snap.mapper()
	start, end := m.offset(params.Range.Start), m.offset(params.Range.End)
	var keep []edit
	for _, e := range es {
		if e.End >= start && e.Start <= end {
			keep = append(keep, e)
		}
	}
	return toTextEdits(snap, keep), nil
}

// OnTypeFormatting indents the new line after "\n": the edits of the whole
// file's formatting that fall on the cursor's line.
func (s *Server) OnTypeFormatting(ctx context.Context, params *protocol.DocumentOnTypeFormattingParams) ([]protocol.TextEdit, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	es, err := formatEdits(snap)
	if err != nil || len(es) == 0 {
		return nil, nil
	}
	line := int(params.Position.Line)
	start, end := snap.lines.LineStart(line), snap.lines.LineEnd(line)
	var keep []edit
	for _, e := range es {
		if e.Start >= start && e.Start <= end && e.End <= end {
			keep = append(keep, e)
		}
	}
	return toTextEdits(snap, keep), nil
}
