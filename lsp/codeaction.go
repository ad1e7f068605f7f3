package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// CodeAction offers the quick fixes of the findings in the range: the lint
// rules' own fixes (did-you-mean, qualify with a namespace, prefix an
// unused binding with _), inserting missing closers for unclosed forms, and
// suppressing a rule with #_{:spell/ignore [:rule]}.
func (s *Server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	m := snap.mapper()
	start, end := m.offset(params.Range.Start), m.offset(params.Range.End)
	out := []protocol.CommandOrCodeAction{}
	quick := protocol.CodeActionKindQuickFix
	action := func(title string, d protocol.Diagnostic, es []edit, preferred bool) {
		ca := &protocol.CodeAction{
			Title:       title,
			Kind:        &quick,
			Diagnostics: []protocol.Diagnostic{d},
			Edit:        &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{snap.uri: toTextEdits(snap, es)}},
		}
		if preferred {
			yes := true
			ca.IsPreferred = &yes
		}
		out = append(out, ca)
	}
	closersOffered := false
	for _, f := range s.findings(ctx, snap) {
		if f.End < start || f.Start > end {
			continue
		}
		d := s.toDiagnostic(snap, f)
		for i, fx := range f.Fixes {
			action(fx.Title, d, fx.Edits, i == 0)
		}
		if f.Rule == "syntax" {
			if !closersOffered && strings.HasPrefix(f.Message, "unclosed") {
				if e, ok := closersEdit(snap.file); ok {
					action("Insert missing closers "+e.NewText, d, []edit{e}, true)
					closersOffered = true
				}
			}
			continue
		}
		if e, ok := ignoreEdit(snap, f); ok {
			action("Suppress "+f.Rule+" here with #_{:spell/ignore [:"+f.Rule+"]}", d, []edit{e}, false)
		}
	}
	return out, nil
}

// closersEdit appends the closers of every unclosed form at the end of the
// text (innermost first).
func closersEdit(f *syntax.File) (edit, bool) {
	var unclosed []*syntax.Node
	for _, top := range f.Forms {
		syntax.Walk(top, func(n *syntax.Node) bool {
			if n.Kind.IsComposite() && n.Unclosed() {
				unclosed = append(unclosed, n)
			}
			return true
		})
	}
	if len(unclosed) == 0 {
		return edit{}, false
	}
	var b strings.Builder
	for i := len(unclosed) - 1; i >= 0; i-- {
		b.WriteByte(unclosed[i].Kind.Closer())
	}
	at := len(f.Src)
	for at > 0 && syntax.IsSpace(f.Src[at-1]) {
		at--
	}
	// Keep a trailing comment on its own line: close after it, on a new line.
	line := f.LineTable().Line(at)
	text := b.String()
	if ls := f.LineTable().LineStart(line); strings.Contains(string(f.Src[ls:at]), ";") {
		text = "\n" + text
	}
	return edit{Start: at, End: at, NewText: text}, true
}

// ignoreEdit inserts #_{:spell/ignore [:rule]} before the innermost form
// containing the finding.
func ignoreEdit(snap *snapshot, f finding) (edit, bool) {
	path := nodePath(snap.file, f.Start)
	if len(path) == 0 {
		return edit{}, false
	}
	target := path[len(path)-1]
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Kind == syntax.List {
			target = path[i]
			break
		}
	}
	return edit{Start: int(target.Start), End: int(target.Start), NewText: "#_{:spell/ignore [:" + f.Rule + "]} "}, true
}
