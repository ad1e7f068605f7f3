package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"testing"

	"github.com/spell-go/spell/eval/catalog"
)

// plainForms are the special forms and macros whose arguments the
// linter's walker analyses as plain expressions (the default branch of
// walker.special): they bind nothing and quote nothing.
var plainForms = []string{
	"!compact", "!describe", "!extend", "!print", "first-line", "print", "reopen-eval",
}

// TestSpecialFormsPaired pairs the linter's binding rules for special
// forms and macros (the cases of walker.special in resolve.go, plus the
// plain forms above) with the catalogue's list, so that a form added to one
// and not the other fails here.
func TestSpecialFormsPaired(t *testing.T) {
	rules := map[string]bool{}
	for _, name := range plainForms {
		rules[name] = true
	}
	for _, name := range specialCases(t) {
		if rules[name] {
			t.Errorf("%s has a case in walker.special and is listed in plainForms", name)
		}
		rules[name] = true
	}
	forms := map[string]bool{}
	for _, e := range catalog.All() {
		if e.Kind == catalog.SpecialForm || e.Kind == catalog.Macro {
			forms[e.Name] = true
		}
	}
	for _, name := range sorted(forms) {
		if !rules[name] {
			t.Errorf("the catalogue's %s %q has no linter rule: add a case to walker.special (lint/resolve.go) or list it in plainForms", catalogKind(name), name)
		}
	}
	for _, name := range sorted(rules) {
		if !forms[name] {
			t.Errorf("the linter has a rule for %q, which is not a special form or macro of the catalogue", name)
		}
	}
}

func catalogKind(name string) catalog.Kind {
	e, _ := catalog.Lookup(name)
	return e.Kind
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// specialCases returns the string labels of the top-level switch of
// walker.special.
func specialCases(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "resolve.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "special" || fd.Recv == nil {
			continue
		}
		for _, st := range fd.Body.List {
			sw, ok := st.(*ast.SwitchStmt)
			if !ok {
				continue
			}
			for _, c := range sw.Body.List {
				for _, x := range c.(*ast.CaseClause).List {
					if lit, ok := x.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						names = append(names, s)
					}
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no switch cases found in walker.special (lint/resolve.go)")
	}
	return names
}
