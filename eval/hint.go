package eval

import (
	"sort"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// suggest returns a did-you-mean hint for an unbound name (catalog.Hint
// over the bound names, builtins, special forms and macros).
func (in *Interp) suggest(name string, env *Env) string {
	var cands []string
	env.Range(func(s *value.Symbol, _ value.Value) { cands = append(cands, symText(s)) })
	have := make(map[string]bool, len(in.table.m))
	for s := range in.table.m {
		have[symText(s)] = true
		cands = append(cands, symText(s))
	}
	if in.table.pure || in.table.isEffect {
		for _, name := range pureNames() {
			if !have[name] {
				cands = append(cands, name)
			}
		}
	}
	cands = appendFormNames(cands)
	if best := catalog.Hint(name, cands); best != "" {
		return "did you mean " + best + "?"
	}
	return ""
}

// appendFormNames appends the names of the special forms and built-in
// macros, as the catalog lists them (catch and reopen-eval are clauses of
// try and reopen, not forms of their own).
func appendFormNames(cands []string) []string {
	for i := range catalog.All() {
		switch e := &catalog.All()[i]; e.Kind {
		case catalog.Macro:
			cands = append(cands, e.Name)
		case catalog.SpecialForm:
			if e.Name != "catch" && e.Name != "reopen-eval" {
				cands = append(cands, e.Name)
			}
		}
	}
	return cands
}

func (in *Interp) memberHint(root *value.Symbol, env *Env, member string) string {
	v, ok := env.Lookup(root)
	if !ok {
		v, _ = in.table.lookup(root)
	}
	var cands []string
	switch m := v.(type) {
	case *value.Map:
		m.Range(func(k, _ value.Value) bool {
			if kw, ok := k.(*value.Keyword); ok {
				cands = append(cands, kw.Name)
			}
			return true
		})
	}
	if best := closest(member, cands); best != "" {
		return "did you mean " + symText(root) + "/" + best + "?"
	}
	return ""
}

// closest returns the candidate nearest to name (catalog.Suggest).
func closest(name string, cands []string) string {
	return catalog.Suggest(name, cands)
}

func sortStrings(s []string) { sort.Strings(s) }
