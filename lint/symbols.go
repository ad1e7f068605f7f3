package lint

import (
	"sort"

	"github.com/spell-go/spell/syntax"
)

// SymbolKind classifies a document symbol.
type SymbolKind uint8

const (
	SymbolFunction SymbolKind = iota // defn, (def f (fn …))
	SymbolVariable                   // def, define, persist
	SymbolMacro                      // defmacro
	SymbolQuine                      // quine name (completion, prompt, …)
	SymbolThink                      // think / rethink label
	SymbolTrailing                   // the wrapper's trailing expression
)

func (k SymbolKind) String() string {
	return [...]string{"function", "variable", "macro", "quine", "think", "trailing"}[k]
}

// DocSymbol is a document symbol (tooling.md §5): a definition, a quine
// name, a think label or the trailing expression. Start and End span the
// whole form; SelStart and SelEnd the name (or label).
type DocSymbol struct {
	Name             string
	Kind             SymbolKind
	Start, End       int32
	SelStart, SelEnd int32
	Children         []*DocSymbol
	Binding          *Binding // nil for think labels and the trailing expression
}

// Symbols returns the document symbols, nested by containment (the
// definitions, thinks and trailing expression of a wrapper are children of
// its quine name), in source order.
func (a *Analysis) Symbols() []*DocSymbol {
	src := a.File.Src
	var flat []*DocSymbol
	for _, b := range a.Bindings {
		if !b.Kind.IsDefinition() || b.Form == nil {
			continue
		}
		s := &DocSymbol{Name: b.Name, Start: b.Form.Start, End: b.Form.End, SelStart: b.Start, SelEnd: b.End, Binding: b}
		switch {
		case b.Kind == BindQuine:
			s.Kind = SymbolQuine
		case b.Kind == BindDefmacro:
			s.Kind = SymbolMacro
		case b.Kind == BindDefn || b.Fn != nil:
			s.Kind = SymbolFunction
		default:
			s.Kind = SymbolVariable
		}
		flat = append(flat, s)
	}
	for _, n := range a.Thinks {
		args := n.Kids[1:]
		if len(args) > 0 && args[0].Kind == syntax.Number && headName(n, src) == "rethink" {
			args = args[1:]
		}
		if len(args) == 0 {
			continue
		}
		lab := args[0]
		name := string(src[lab.Start:lab.End])
		if lab.Kind == syntax.String {
			if s, err := syntax.UnquoteString(name); err == nil {
				name = s
			}
		}
		flat = append(flat, &DocSymbol{Name: abbrev(name, 60), Kind: SymbolThink, Start: n.Start, End: n.End, SelStart: lab.Start, SelEnd: lab.End})
	}
	if w := a.Wrapper; w != nil && w.Trailing != nil {
		t := w.Trailing
		flat = append(flat, &DocSymbol{Name: abbrev(string(src[t.Start:t.End]), 60), Kind: SymbolTrailing,
			Start: t.Start, End: t.End, SelStart: t.Start, SelEnd: t.End})
	}
	sort.SliceStable(flat, func(i, j int) bool {
		if flat[i].Start != flat[j].Start {
			return flat[i].Start < flat[j].Start
		}
		return flat[i].End > flat[j].End
	})
	// Nest by containment. A quine's own span holds its whole program.
	var roots, stack []*DocSymbol
	for _, s := range flat {
		for len(stack) > 0 && !(stack[len(stack)-1].Start <= s.Start && s.End <= stack[len(stack)-1].End) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, s)
		} else {
			p := stack[len(stack)-1]
			p.Children = append(p.Children, s)
		}
		stack = append(stack, s)
	}
	return roots
}
