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
	if best := closest(name, cands); best != "" {
		return "did you mean " + best + "?"
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

// closest returns the candidate nearest to name within the threshold.
func closest(name string, cands []string) string {
	sort.Strings(cands)
	best, bestD := "", 1<<30
	ln := strings.ToLower(name)
	// About a third of the characters may differ; names of one or two
	// characters get no suggestion (everything is that close to them).
	limit := len([]rune(name)) / 3
	if limit == 0 {
		return ""
	}
	for _, c := range cands {
		if c == name {
			continue
		}
		d := editDistance(ln, strings.ToLower(c), limit)
		if d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, giving up above limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			// A swap of two neighbouring characters counts as one edit.
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func sortStrings(s []string) { sort.Strings(s) }
