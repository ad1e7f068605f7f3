package lint

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/catalog"
)

// Closest returns the candidate nearest to name by case-insensitive edit
// distance (a swap of neighbours counts as one edit), when roughly half the
// characters or fewer differ; "" when none is close enough. Names shorter
// than three characters get no suggestion. Ties go to the candidate with
// the longer common prefix, then to the one that sorts first.
func Closest(name string, cands []string) string {
	n := utf8.RuneCountInString(name)
	if n < 3 {
		return ""
	}
	limit := n / 2
	sorted := append([]string(nil), cands...)
	sort.Strings(sorted)
	best, bestD, bestP := "", limit+1, 0
	ln := strings.ToLower(name)
	for _, c := range sorted {
		if c == name || c == "" {
			continue
		}
		lc := strings.ToLower(c)
		d := editDistance(ln, lc, limit)
		if d > limit {
			continue
		}
		// Ties go to the longer common prefix, then to sort order.
		p := commonPrefix(ln, lc)
		if d < bestD || d == bestD && p > bestP {
			best, bestD, bestP = c, d, p
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance, giving up above limit.
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

// coreNames are the unqualified catalogue names (special forms, macros,
// builtins, effect builtins).
var coreNames = func() []string {
	var out []string
	for _, e := range catalog.Entries {
		if e.Namespace == "" {
			out = append(out, e.Name)
		}
	}
	return out
}()

// uniqueMember returns ns/name when name is a member of exactly one pure
// namespace (strings, math), as the runtime's fix-up does: trim →
// strings/trim.
func uniqueMember(name string) string {
	found := ""
	for _, ns := range []string{"strings", "math"} {
		if en, ok := catalog.Lookup(ns + "/" + name); ok && en.Kind != catalog.Constant {
			if found != "" {
				return ""
			}
			found = en.Name
		}
	}
	return found
}
