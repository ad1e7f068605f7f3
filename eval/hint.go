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
	cands = append(cands, specialFormNames[:]...)
	cands = append(cands, macroNames[:]...)
	if best := catalog.Hint(name, cands); best != "" {
		return "did you mean " + best + "?"
	}
	return ""
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
