package eval

import (
	"testing"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// TestCatalogImplemented cross-checks the one table of names with the
// evaluator: every core builtin, strings/ and math/ member, special form
// and built-in macro of the catalog has an implementation, and the
// namespace maps expose exactly the catalog's members.
func TestCatalogImplemented(t *testing.T) {
	New(nil, Options{}) // sets the symbols' slots; run alone, no test made one
	for _, e := range catalog.All() {
		switch e.Kind {
		case catalog.Builtin, catalog.NamespaceMember:
			if _, ok := builtinNamed(e.Name); !ok {
				t.Errorf("%s (%s): no implementation registered", e.Name, e.Kind)
			}
		case catalog.SpecialForm:
			if e.Name == "catch" || e.Name == "reopen-eval" {
				continue // clauses, meaningful only inside try / reopen
			}
			if specialForm(e.Name) == nil || value.Sym(e.Name).Eval == nil {
				t.Errorf("special form %s: not implemented", e.Name)
			}
		case catalog.Macro:
			if ns, name := value.SplitName(e.Name); builtinMacro(ns, name) == nil || value.Sym(e.Name).Eval == nil {
				t.Errorf("macro %s: not implemented", e.Name)
			}
		}
	}
	macros := 0
	for _, e := range catalog.All() {
		if e.Kind == catalog.Macro {
			macros++
		}
	}
	if macros != 33 {
		t.Errorf("%d built-in macros, the spec lists 33", macros)
	}
	for _, ns := range []string{"strings", "math"} {
		m, ok := forceNS(value.Sym(ns).Pure).(*value.Map)
		if !ok {
			t.Fatalf("namespace %s is not bound to a map", ns)
		}
		for _, e := range catalog.Namespace(ns) {
			key := value.Kw(e.Name[len(ns)+1:])
			if _, ok := m.Get(key); !ok {
				t.Errorf("%s: missing from the %s namespace map", e.Name, ns)
			}
		}
	}
	for _, removed := range []string{"stored", "deep-truncate", "expand", "uneval", "memo", "prune-and-reopen", "call-now", "llm", "await", "pmap", "atom", "println", "slurp"} {
		if _, err := EvalString(removed); err == nil {
			t.Errorf("%s must stay unbound", removed)
		}
	}
}
