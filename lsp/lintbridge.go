package lsp

import (
	"slices"
	"sort"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// This file adapts the lint package — the one analysis engine of the
// toolchain (tooling.md §1.3) — to the language server: lint.Analyze's
// bindings and references become the server's binding model, and lint.Check's
// diagnostics become findings.

// lintFindings runs every lint rule (syntax included) over a snapshot.
func lintFindings(snap *snapshot, la *lint.Analysis, cfg lint.Config) []finding {
	ds := lint.CheckAnalysis(snap.file, la, cfg)
	out := make([]finding, 0, len(ds))
	for _, d := range ds {
		f := finding{Rule: d.Rule, Level: d.Level.String(), Start: int(d.Start), End: int(d.End), Message: d.Message}
		if f.End <= f.Start {
			f.End = min(f.Start+1, len(snap.text))
		}
		for _, r := range d.Related {
			f.Related = append(f.Related, related{Start: int(r.Start), End: int(r.End), Message: r.Message})
		}
		for _, fx := range d.Fixes {
			x := fix{Title: fx.Message}
			for _, e := range fx.Edits {
				x.Edits = append(x.Edits, edit{Start: int(e.Start), End: int(e.End), NewText: e.NewText})
			}
			f.Fixes = append(f.Fixes, x)
		}
		out = append(out, f)
	}
	return out
}

// fromLint builds the server's binding model from the lint analysis.
func fromLint(f *syntax.File, la *lint.Analysis) *analysis {
	src := f.Src
	an := &analysis{src: src, globals: map[string]*binding{}, lint: la}
	byLint := map[*lint.Binding]*binding{}
	for _, lb := range la.Bindings {
		if lb.Node == nil {
			continue // implicit #() parameters have no symbol
		}
		var b *binding
		if lb.Kind.IsDefinition() {
			b = an.globals[lb.Name]
			if b == nil {
				b = &binding{name: lb.Name, kind: bindDef}
				an.globals[lb.Name] = b
			}
			switch lb.Kind {
			case lint.BindDefn:
				b.kind = bindDefn
			case lint.BindDefmacro:
				b.kind = bindMacro
			case lint.BindQuine:
				if b.kind == bindDef && len(b.defs) == 0 {
					b.kind = bindQuine
				}
			}
			b.defs = append(b.defs, lb.Node)
			b.forms = append(b.forms, lb.Form)
		} else {
			kind := bindLocal
			if lb.Kind == lint.BindParam || lb.Kind == lint.BindFnLitParam {
				kind = bindParam
			}
			b = &binding{name: lb.Name, kind: kind, defs: []*syntax.Node{lb.Node}, forms: []*syntax.Node{nil},
				scopeStart: lb.Start, scopeEnd: lb.End, destructured: lb.Destructured}
			if lb.Scope != nil {
				b.scopeEnd = lb.Scope.End
			}
			an.locals = append(an.locals, b)
		}
		if lb.Fn != nil && lb.Fn.Params != nil {
			b.params = append(b.params, lb.Fn.Params.Text(src))
		}
		byLint[lb] = b
		b.refs = append(b.refs, lb.Node)
		an.occs = append(an.occs, occurrence{node: lb.Node, b: b})
	}
	// The binding occurrences and the reference occurrences each come in
	// (nearly always) source order: sort each only if need be, then merge
	// them; a reference at a binding's own symbol is the binding.
	byStart := func(a, b occurrence) int { return int(a.node.Start) - int(b.node.Start) }
	defOccs := an.occs
	refOccs := make([]occurrence, 0, len(la.References))
	for _, r := range la.References {
		if r.Node == nil {
			continue
		}
		var b *binding
		if r.Root == "" {
			switch {
			case r.Lexical != nil:
				b = byLint[r.Lexical]
			case len(r.Candidates) > 0 && r.Candidates[0].Kind.IsDefinition():
				b = an.globals[r.Name]
			case len(r.Candidates) > 0:
				b = byLint[r.Candidates[0]]
			}
		}
		refOccs = append(refOccs, occurrence{node: r.Node, b: b})
	}
	if !slices.IsSortedFunc(defOccs, byStart) {
		slices.SortStableFunc(defOccs, byStart)
	}
	if !slices.IsSortedFunc(refOccs, byStart) {
		slices.SortStableFunc(refOccs, byStart)
	}
	occs := make([]occurrence, 0, len(defOccs)+len(refOccs))
	i := 0
	for _, r := range refOccs {
		for i < len(defOccs) && defOccs[i].node.Start <= r.node.Start {
			occs = append(occs, defOccs[i])
			i++
		}
		if i > 0 && defOccs[i-1].node == r.node || i < len(defOccs) && defOccs[i].node == r.node {
			continue // the binding's own symbol
		}
		if r.b != nil {
			r.b.refs = append(r.b.refs, r.node)
		}
		occs = append(occs, r)
	}
	an.occs = append(occs, defOccs[i:]...)
	for _, b := range an.globals {
		sortNodes(b.refs)
	}
	for _, b := range an.locals {
		sortNodes(b.refs)
	}
	if w := la.Wrapper; w != nil && w.Do != nil && w.Name != nil {
		an.wrapper = &wrapperInfo{quine: w.Quine, name: w.Name, do: w.Do}
	}
	return an
}

// fileKeywords returns the distinct keywords of the file, sorted (for
// completion after ":"), computed on first use.
func (an *analysis) fileKeywords(f *syntax.File) []string {
	an.kwOnce.Do(func() {
		kws := map[string]bool{}
		for _, top := range f.Forms {
			syntax.Walk(top, func(n *syntax.Node) bool {
				if n.Kind == syntax.Keyword {
					kws[n.Text(an.src)] = true
				}
				return true
			})
		}
		for k := range kws {
			an.keywords = append(an.keywords, k)
		}
		sort.Strings(an.keywords)
	})
	return an.keywords
}
