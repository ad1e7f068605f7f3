package catalog

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Did-you-mean suggestions over names: the one implementation behind the
// evaluator's hints, the linter's messages, `spell doc` and the
// configuration decoder (eval/config). Callers choose how many edits they
// allow.

// EditDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbouring runes each
// count as one edit. It gives up early and returns limit+1 once the
// distance must exceed limit.
func EditDistance(a, b string, limit int) int {
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

// Nearest returns the candidate closest to name (case-insensitive) within
// limit edits, or "" when none is. name itself never counts. Ties go to
// the candidate sharing the longer prefix with name, then to the one that
// sorts first.
func Nearest(name string, cands []string, limit int) string {
	if limit <= 0 {
		return ""
	}
	sorted := append([]string(nil), cands...)
	sort.Strings(sorted)
	best, bestD, bestP := "", limit+1, 0
	ln := strings.ToLower(name)
	for _, c := range sorted {
		if c == name || c == "" {
			continue
		}
		lc := strings.ToLower(c)
		d := EditDistance(ln, lc, limit)
		if d > limit {
			continue
		}
		p := commonPrefix(ln, lc)
		if d < bestD || d == bestD && p > bestP {
			best, bestD, bestP = c, d, p
		}
	}
	return best
}

// RuneLen is the number of code points of s (the unit suggestion limits
// are expressed in).
func RuneLen(s string) int { return utf8.RuneCountInString(s) }

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
