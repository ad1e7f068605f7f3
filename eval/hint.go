package eval

import (
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// suggest returns a did-you-mean hint for an unbound name: the closest
// bound name, builtin, special form or macro (case-insensitive edit
// distance; roughly half the characters may differ).
func (in *Interp) suggest(name string, env *Env) string {
	var cands []string
	env.Range(func(s *value.Symbol, _ value.Value) { cands = append(cands, symText(s)) })
	for s := range in.table.m {
		cands = append(cands, symText(s))
	}
	for s := range specialForms {
		cands = append(cands, symText(s))
	}
	for s := range builtinMacros {
		cands = append(cands, symText(s))
	}
	if f := foreignNames[name]; f != "" {
		return "did you mean " + f + "?"
	}
	if best := closest(name, cands); best != "" {
		return "did you mean " + best + "?"
	}
	// Names from other languages (possibly misspelt): length → count.
	var known []string
	for k := range foreignNames {
		known = append(known, k)
	}
	if k := catalog.Nearest(name, known, catalog.RuneLen(name)/3); k != "" || foreignNames[name] != "" {
		if k == "" {
			k = name
		}
		return "did you mean " + foreignNames[k] + "?"
	}
	// A unique namespace member of that name: `trim` → `strings/trim`.
	var members []string
	for _, e := range catalog.Entries {
		if e.Namespace == "strings" || e.Namespace == "math" {
			if strings.TrimPrefix(e.Name, e.Namespace+"/") == name {
				members = append(members, e.Name)
			}
		}
	}
	if len(members) == 1 {
		return "did you mean " + members[0] + "?"
	}
	return ""
}

func (in *Interp) memberHint(root *value.Symbol, env *Env, member string) string {
	v, ok := env.Lookup(root)
	if !ok {
		v = in.table.m[root]
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

// closest returns the candidate nearest to name: about a third of the
// characters may differ; names of one or two characters get no suggestion
// (everything is that close to them).
func closest(name string, cands []string) string {
	return catalog.Nearest(name, cands, catalog.RuneLen(name)/3)
}

func sortStrings(s []string) { sort.Strings(s) }

// foreignNames maps names models and people bring from other languages to
// the Spell builtin that does the job.
var foreignNames = map[string]string{
	"length": "count", "len": "count", "size": "count", "strlen": "count",
	"substring": "subs", "substr": "subs", "append": "conj", "push": "conj",
	"includes": "strings/includes?", "lower": "strings/lower-case", "upper": "strings/upper-case",
	"toLowerCase": "strings/lower-case", "toUpperCase": "strings/upper-case", "strip": "strings/trim",
	"foldl": "reduce", "fold": "reduce", "forEach": "map", "println": "str",
}
