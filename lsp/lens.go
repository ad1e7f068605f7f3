package lsp

import (
	"context"
	"encoding/json"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// Command ids of the code lenses; the editor extension registers them
// (tooling.md §5: code lens "Run"; issue 13 item 6). Each gets one
// argument: the document URI as a string.
const (
	cmdRunFile  = "spell.runFile"
	cmdRunTests = "spell.runTests"
)

// CodeLens puts "Run" and "Test" above the file's first form.
func (s *Server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil || snap.tooLarge || len(snap.file.Forms) == 0 {
		return nil, nil
	}
	p := snap.mapper().position(int(snap.file.Forms[0].Start))
	r := protocol.Range{Start: p, End: p}
	arg, err := json.Marshal(string(params.TextDocument.URI))
	if err != nil {
		return nil, err
	}
	runTip, testTip := "Run this file with spell run", "Run spell test on this file"
	return []protocol.CodeLens{
		{Range: r, Command: protocol.Command{Title: "▶ Run", Tooltip: &runTip, Command: cmdRunFile, Arguments: []protocol.LSPAny{arg}}},
		{Range: r, Command: protocol.Command{Title: "Test", Tooltip: &testTip, Command: cmdRunTests, Arguments: []protocol.LSPAny{arg}}},
	}, nil
}

// InlayHint shows parameter names before the literal arguments of calls of
// functions defined in the file (tooling.md §5 inlay hints):
// (greet "Ada" 3) reads (greet who: "Ada" times: 3).
func (s *Server) InlayHint(ctx context.Context, params *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil || snap.tooLarge {
		return nil, nil
	}
	m := snap.mapper()
	start, end := m.offset(params.Range.Start), m.offset(params.Range.End)
	la := snap.lintAnalysis()
	calls := la.Calls
	i := sort.Search(len(calls), func(i int) bool { return int(calls[i].Node.Start) >= start })
	yes := true
	out := []protocol.InlayHint{}
	for n := 0; i < len(calls) && int(calls[i].Node.Start) <= end; i, n = i+1, n+1 {
		if n%256 == 0 {
			if err := checkCtx(ctx); err != nil {
				return nil, err
			}
		}
		c := calls[i]
		names := paramNames(snap.text, c)
		if names == nil {
			continue
		}
		for k, arg := range c.Node.Kids[1:] {
			if k >= len(names) {
				break
			}
			if names[k] == "" || !isLiteral(arg) || int(arg.Start) < start || int(arg.Start) > end {
				continue
			}
			out = append(out, protocol.InlayHint{
				Position:     m.position(int(arg.Start)),
				Label:        protocol.String(names[k] + ":"),
				Kind:         protocol.InlayHintKindParameter,
				PaddingRight: &yes,
			})
		}
	}
	return out, nil
}

// paramNames returns the parameter names of the function a call calls
// when it is a fn or defn of the file with one parameter vector (every
// definition of a global name alike), "" for a destructured parameter; nil
// when there is nothing to show.
func paramNames(src []byte, c *lint.Call) []string {
	if c.Head == nil || c.Threaded || c.Kind != lint.CallUser {
		return nil
	}
	var defs []*lint.Binding
	if c.Head.Lexical != nil {
		defs = []*lint.Binding{c.Head.Lexical}
	} else {
		defs = c.Head.Candidates
	}
	if len(defs) == 0 {
		return nil
	}
	var params *syntax.Node
	for _, d := range defs {
		if d.Fn == nil || d.Fn.Params == nil {
			return nil
		}
		if params != nil && params.Text(src) != d.Fn.Params.Text(src) {
			return nil // definitions disagree
		}
		params = d.Fn.Params
	}
	var names []string
	for _, p := range params.Kids {
		if p.Kind != syntax.Symbol {
			names = append(names, "")
			continue
		}
		name := p.Text(src)
		if name == "&" {
			break
		}
		names = append(names, name)
	}
	return names
}

// isLiteral reports whether an argument is written as a literal value.
func isLiteral(n *syntax.Node) bool {
	switch n.Kind {
	case syntax.Number, syntax.String, syntax.Char, syntax.Keyword, syntax.Nil, syntax.Bool, syntax.Regex,
		syntax.Vector, syntax.Map, syntax.Set:
		return true
	}
	return false
}
