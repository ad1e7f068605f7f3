package trace

import (
	"strings"

	"github.com/aymanbagabas/go-udiff/lcs"
)

// OpKind is what an Op does to its text.
type OpKind int

const (
	OpEq OpKind = iota
	OpDel
	OpIns
)

// Op is one step of a token diff: text kept, deleted or inserted.
type Op struct {
	Kind OpKind
	Text string
}

// tokenize splits Spell text into tokens whose concatenation is the text:
// comments, strings, delimiters and atoms, each with the white space
// (and commas) that follows it, so that a diff never aligns on blanks.
func tokenize(s string) []string {
	var toks []string
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' }
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i > 0 {
		toks = append(toks, s[:i])
	}
	for i < len(s) {
		j := i + 1
		c := s[i]
		switch {
		case c == ';':
			for j < len(s) && s[j] != '\n' {
				j++
			}
		case c == '"':
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(s) {
				j++
			}
			if j > len(s) {
				j = len(s)
			}
		case strings.IndexByte("()[]{}'`~@^#", c) >= 0:
		default:
			for j < len(s) && !isSpace(s[j]) && strings.IndexByte(";\"()[]{}'`~@^", s[j]) < 0 {
				j++
			}
		}
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

// maxExactCells bounds the table of the exact token LCS; larger middles
// (after the common prefix and suffix are stripped) use the linear-space
// heuristic of the lcs package.
const maxExactCells = 4 << 20

// TokenDiff is a token-level diff from a to b, adjacent ops of one kind
// merged.
func TokenDiff(a, b string) []Op {
	ta, tb := tokenize(a), tokenize(b)
	var ops []Op
	add := func(k OpKind, toks []string) {
		if len(toks) == 0 {
			return
		}
		text := strings.Join(toks, "")
		if n := len(ops); n > 0 && ops[n-1].Kind == k {
			ops[n-1].Text += text
			return
		}
		ops = append(ops, Op{k, text})
	}
	pre := 0
	for pre < len(ta) && pre < len(tb) && ta[pre] == tb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ta)-pre && suf < len(tb)-pre && ta[len(ta)-1-suf] == tb[len(tb)-1-suf] {
		suf++
	}
	add(OpEq, ta[:pre])
	ma, mb := ta[pre:len(ta)-suf], tb[pre:len(tb)-suf]
	var diffs []lcs.Diff
	if (len(ma)+1)*(len(mb)+1) <= maxExactCells {
		diffs = exactDiff(ma, mb)
	} else {
		diffs = lcs.DiffLines(ma, mb)
	}
	ai := 0
	for _, d := range diffs {
		add(OpEq, ma[ai:d.Start])
		add(OpDel, ma[d.Start:d.End])
		add(OpIns, mb[d.ReplStart:d.ReplEnd])
		ai = d.End
	}
	add(OpEq, ma[ai:])
	add(OpEq, ta[len(ta)-suf:])
	return cleanupOps(ops)
}

// exactDiff is a longest-common-subsequence diff by dynamic programming.
func exactDiff(a, b []string) []lcs.Diff {
	n, m := len(a), len(b)
	w := m + 1
	tab := make([]int32, (n+1)*w) // tab[i*w+j] = LCS of a[i:], b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				tab[i*w+j] = tab[(i+1)*w+j+1] + 1
			} else {
				tab[i*w+j] = max(tab[(i+1)*w+j], tab[i*w+j+1])
			}
		}
	}
	var diffs []lcs.Diff
	i, j := 0, 0
	var cur *lcs.Diff
	flush := func() {
		if cur != nil {
			diffs = append(diffs, *cur)
			cur = nil
		}
	}
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			flush()
			i++
			j++
			continue
		case j < m && (i == n || tab[i*w+j+1] >= tab[(i+1)*w+j]):
			if cur == nil {
				cur = &lcs.Diff{Start: i, End: i, ReplStart: j, ReplEnd: j}
			}
			j++
			cur.ReplEnd = j
		default:
			if cur == nil {
				cur = &lcs.Diff{Start: i, End: i, ReplStart: j, ReplEnd: j}
			}
			i++
			cur.End = i
		}
	}
	flush()
	return diffs
}

// cleanupOps makes a token diff read as whole forms: a change that starts
// just after an opening delimiter it also ends with is slid left so that it
// starts at the form's opener, equalities of only delimiters and blanks
// caught between changes are absorbed into them, and each run of changes
// becomes one deletion followed by one insertion.
func cleanupOps(ops []Op) []Op {
	for i := 1; i+1 < len(ops); i++ {
		prev, cur, next := &ops[i-1], &ops[i], &ops[i+1]
		if prev.Kind != OpEq || cur.Kind == OpEq || next.Kind != OpEq {
			continue
		}
		// Slide the change left over the suffix it shares with the
		// equality before it, to the position that reads best.
		k := 0
		for k < len(prev.Text) && k < len(cur.Text) && prev.Text[len(prev.Text)-1-k] == cur.Text[len(cur.Text)-1-k] {
			k++
		}
		best, bestScore := 0, -1
		for sh := 0; sh <= k; sh++ {
			before := prev.Text[:len(prev.Text)-sh]
			edit := prev.Text[len(prev.Text)-sh:] + cur.Text[:len(cur.Text)-sh]
			if sc := boundaryScore(before, edit); sc > bestScore || sc == bestScore && sh > best {
				best, bestScore = sh, sc
			}
		}
		if best > 0 {
			moved := cur.Text[len(cur.Text)-best:]
			cur.Text = prev.Text[len(prev.Text)-best:] + cur.Text[:len(cur.Text)-best]
			prev.Text = prev.Text[:len(prev.Text)-best]
			next.Text = moved + next.Text
		}
	}
	ops = groupChanges(ops)
	for i := 1; i+1 < len(ops); i++ {
		if ops[i].Kind == OpEq && ops[i-1].Kind != OpEq && ops[i+1].Kind != OpEq && trivialText(ops[i].Text) {
			eq := ops[i].Text
			ops = append(ops[:i], append([]Op{{OpDel, eq}, {OpIns, eq}}, ops[i+1:]...)...)
		}
	}
	return groupChanges(ops)
}

// boundaryScore rates a change placed after the text before: best when it
// starts a form after a blank and ends with a blank.
func boundaryScore(before, edit string) int {
	sc := 0
	if edit == "" {
		return 0
	}
	if before == "" || strings.IndexByte(" \t\r\n,([{", before[len(before)-1]) >= 0 {
		sc++
		if strings.IndexByte("([{'#\"", edit[0]) >= 0 {
			sc++
		}
	}
	if strings.IndexByte(" \t\r\n,", edit[len(edit)-1]) >= 0 {
		sc++
	}
	return sc
}

// trivialText reports whether s holds only delimiters, quotes and blanks.
func trivialText(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("()[]{}'#@^ \t\r\n,", s[i]) < 0 {
			return false
		}
	}
	return true
}

// groupChanges merges each run of deletions and insertions into one
// deletion and one insertion.
func groupChanges(ops []Op) []Op {
	var out []Op
	for i := 0; i < len(ops); {
		if ops[i].Kind == OpEq {
			if ops[i].Text == "" {
				i++
				continue
			}
			if n := len(out); n > 0 && out[n-1].Kind == OpEq {
				out[n-1].Text += ops[i].Text
				i++
				continue
			}
			out = append(out, ops[i])
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(ops) && ops[i].Kind != OpEq; i++ {
			if ops[i].Kind == OpDel {
				del.WriteString(ops[i].Text)
			} else {
				ins.WriteString(ops[i].Text)
			}
		}
		if del.Len() > 0 {
			out = append(out, Op{OpDel, del.String()})
		}
		// An empty equality left by sliding is dropped.
		if ins.Len() > 0 {
			out = append(out, Op{OpIns, ins.String()})
		}
	}
	return out
}

// SameContext reports whether a diff relates an extension to its
// predecessor (most of the new prompt is kept text) rather than a fresh
// context such as a sub-task, whose prompt shares little.
func SameContext(ops []Op) bool {
	eq, ins := 0, 0
	for _, op := range ops {
		n := len(strings.TrimSpace(op.Text))
		switch op.Kind {
		case OpEq:
			eq += n
		case OpIns:
			ins += n
		}
	}
	return eq > 0 && eq >= ins
}
