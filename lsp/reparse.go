package lsp

import (
	"bytes"

	"github.com/spell-go/spell/syntax"
)

// Re-reading after an edit (issue 11). A keystroke changes one form of a
// 10,000-line document; reading the whole text again cost about a fifth
// of an edit's analysis. reparse reads only the smallest form around the
// changed bytes that can be read on its own, and builds the new file from
// the old one: the nodes before the change are the old ones (a node is
// never modified once read, and their offsets have not moved), the nodes
// after it are copies moved by the change in length, and the forms on the
// way from the top to the re-read one are new nodes with new kid lists.
// TestReparseMatchesParse checks the result against syntax.Parse after
// every one of a seeded random sequence of edits.

// reparse returns syntax.Parse(old.Name, text), given that old is the
// reading of a text that has the same first pre and last suf bytes as
// text, or nil when it does not read incrementally (the caller parses).
// With whole set (old is a whole reading, whose blocks interleave all its
// forms), the nodes before the change are copied too, so that the new
// reading does not keep all of old alive.
func reparse(old *syntax.File, text []byte, pre, suf int, whole bool) *syntax.File {
	if old == nil || len(old.Errors) > 0 || old.Truncated {
		return nil
	}
	oldLen, newLen := len(old.Src), len(text)
	pre = min(pre, oldLen, newLen)
	suf = min(suf, min(oldLen, newLen)-pre)
	if !bytes.Equal(old.Src[:pre], text[:pre]) || !bytes.Equal(old.Src[oldLen-suf:], text[newLen-suf:]) {
		return nil
	}
	lo, hi := int32(pre), int32(oldLen-suf) // the changed bytes of the old text
	delta := int32(newLen - oldLen)

	// The path from a top-level form down to the form k to re-read, each
	// a list or vector (their children can be read on their own: no
	// duplicate-key checks, no #() nesting rule, no prefix waiting).
	var path []*syntax.Node
	var idx []int // idx[i]: the index in path[i-1]'s kids (top level: in Forms) of path[i]
	kids := old.Forms
	for {
		i := containing(kids, lo, hi)
		if i < 0 {
			break
		}
		k := kids[i]
		if !boundarySafe(old.Src, text, kids, i, delta) {
			break
		}
		path = append(path, k)
		idx = append(idx, i)
		if k.Kind != syntax.List && k.Kind != syntax.Vector || k.Unclosed() {
			break
		}
		// Go deeper only when the change is inside k's children.
		kids = k.Kids
	}
	// Re-read the deepest candidate that reads as one form; try the
	// enclosing ones if it does not.
	for len(path) > 0 {
		k := path[len(path)-1]
		if f := rebuild(old, text, path, idx, k, delta, whole); f != nil {
			return f
		}
		path, idx = path[:len(path)-1], idx[:len(idx)-1]
	}
	return nil
}

// containing returns the index of the node of kids whose text with its
// leading trivia, [Lead, End], holds the changed bytes [lo, hi), or -1.
// A change at a boundary belongs to the node after it (it is in that
// node's leading trivia).
func containing(kids []*syntax.Node, lo, hi int32) int {
	// The last node whose text starts at or before lo.
	l, r := 0, len(kids)
	for l < r {
		m := (l + r) / 2
		if kids[m].Lead <= lo {
			l = m + 1
		} else {
			r = m
		}
	}
	if i := l - 1; i >= 0 && hi <= kids[i].End {
		return i
	}
	return -1
}

// boundarySafe reports whether the new text of kids[i] cannot join the
// tokens around it: what comes before it ends with a delimiter or it
// starts with white space, and what follows it starts with one.
func boundarySafe(oldSrc, text []byte, kids []*syntax.Node, i int, delta int32) bool {
	k := kids[i]
	if i > 0 {
		p := kids[i-1]
		closed := p.Kind.IsComposite() && !p.Unclosed() || p.Kind == syntax.String || p.Kind == syntax.Regex
		if !closed && (int(k.Lead) >= len(text) || !isSpace(text[k.Lead])) {
			return false
		}
	}
	if int(k.End) < len(oldSrc) {
		switch oldSrc[k.End] {
		case ' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', ';':
		default:
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' }

// rebuild reads the new text of k (the last node of path) on its own and
// returns the new file, or nil when that text is not exactly one form
// without errors.
func rebuild(old *syntax.File, text []byte, path []*syntax.Node, idx []int, k *syntax.Node, delta int32, whole bool) *syntax.File {
	start, end := k.Lead, k.End+delta
	if start < 0 || end < start || int(end) > len(text) || end-start > maxReread {
		return nil
	}
	sub := syntax.Parse(old.Name, text[start:end])
	if len(sub.Errors) > 0 || sub.Truncated || len(sub.Forms) != 1 {
		return nil
	}
	nk := sub.Forms[0]
	if nk.Lead != 0 || nk.End != end-start || sub.TrailStart != end-start {
		return nil
	}
	if len(path)+depth(nk)+2 >= syntax.MaxNesting {
		return nil
	}
	c := &copier{}
	c.shiftInPlace(nk, start)
	// before returns a kid before the change: itself, or a copy.
	before := func(n *syntax.Node) *syntax.Node {
		if whole {
			return c.copyTree(n, 0)
		}
		return n
	}
	// The path, bottom up: new nodes with new kid lists.
	repl := nk
	for i := len(path) - 2; i >= 0; i-- {
		p := path[i]
		np := c.node()
		*np = *p
		if np.CloseStart >= 0 {
			np.CloseStart += delta
		}
		np.End += delta
		j := idx[i+1]
		nkids := make([]*syntax.Node, len(p.Kids))
		for m := range j {
			nkids[m] = before(p.Kids[m])
		}
		nkids[j] = repl
		c.shiftedAll(nkids[j+1:], p.Kids[j+1:], delta)
		np.Kids = nkids
		repl = np
	}
	f := &syntax.File{Name: old.Name, Src: text, TrailStart: old.TrailStart + delta}
	j := idx[0]
	f.Forms = make([]*syntax.Node, len(old.Forms))
	for m := range j {
		f.Forms[m] = before(old.Forms[m])
	}
	f.Forms[j] = repl
	c.shiftedAll(f.Forms[j+1:], old.Forms[j+1:], delta)
	// Discards: those before k's text stay, those in it are the new
	// reading's, those after it move.
	for _, d := range old.Discards {
		if d.End <= start {
			f.Discards = append(f.Discards, before(d))
		}
	}
	for _, d := range sub.Discards {
		c.shiftInPlace(d, start)
		f.Discards = append(f.Discards, d)
	}
	for _, d := range old.Discards {
		if d.Start >= k.End {
			f.Discards = append(f.Discards, c.shifted(d, delta))
		}
	}
	return f
}

// maxReread bounds the text reparse reads again: the nodes of one reading
// are allocated in blocks that interleave its forms, so a later reading
// that shares one of them keeps the whole reading alive; a large one is
// read whole instead (a whole reading shares nothing).
const maxReread = 16 << 10

// depth returns how deeply n's forms nest (1 for an atom).
func depth(n *syntax.Node) int {
	type item struct {
		n *syntax.Node
		d int
	}
	deepest := 0
	stack := []item{{n, 1}}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		deepest = max(deepest, x.d)
		for _, k := range x.n.Kids {
			stack = append(stack, item{k, x.d + 1})
		}
	}
	return deepest
}

// copier makes moved copies of nodes. The copy of each tree it moves is
// allocated in blocks of its own: a later reading keeps some of these
// trees (those before its change), and a block kept for one of them must
// not hold nodes of other trees (their kid lists would keep those alive,
// and so on down the readings).
type copier struct {
	stack []*syntax.Node // scratch
}

// node returns a new node (for the forms on the path to the change, which
// hold nodes of earlier readings: each is allocated alone).
func (c *copier) node() *syntax.Node { return new(syntax.Node) }

// shifted returns the tree n with every offset moved by d: a copy, or n
// itself when d is 0.
func (c *copier) shifted(n *syntax.Node, d int32) *syntax.Node {
	if d == 0 {
		return n // unchanged offsets: the tree itself
	}
	return c.copyTree(n, d)
}

// copyTree returns a copy of the tree n with every offset moved by d.
func (c *copier) copyTree(n *syntax.Node, d int32) *syntax.Node {
	var out [1]*syntax.Node
	c.copyGroup(out[:], []*syntax.Node{n}, d)
	return out[0]
}

// copyGroup is the number of sibling trees copied into one pair of
// blocks: a block kept for one of them keeps the others' copies (not
// more: each copy refers only to its own nodes), and fewer blocks cost
// less to allocate.
const copyGroup = 32

// shiftedAll sets out[i] to ns[i] moved by d (copies in blocks shared by
// copyGroup trees; ns themselves when d is 0).
func (c *copier) shiftedAll(out, ns []*syntax.Node, d int32) {
	if d == 0 {
		copy(out, ns)
		return
	}
	for i := 0; i < len(ns); i += copyGroup {
		k := min(i+copyGroup, len(ns))
		c.copyGroup(out[i:k], ns[i:k], d)
	}
}

// copyGroup sets out[i] to a copy of the tree ns[i] moved by d, all in
// one pair of blocks.
func (c *copier) copyGroup(out, ns []*syntax.Node, d int32) {
	nodes, kids := 0, 0
	stack := append(c.stack[:0], ns...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nodes++
		kids += len(x.Kids)
		stack = append(stack, x.Kids...)
	}
	c.stack = stack[:0]
	t := treeCopy{slab: make([]syntax.Node, nodes), d: d}
	if kids > 0 {
		t.kids = make([]*syntax.Node, kids)
	}
	for i, n := range ns {
		out[i] = t.copy(n)
	}
}

// treeCopy is the copy of one tree, in two blocks.
type treeCopy struct {
	slab []syntax.Node
	kids []*syntax.Node
	d    int32
}

func (t *treeCopy) copy(n *syntax.Node) *syntax.Node {
	m := &t.slab[0]
	t.slab = t.slab[1:]
	*m = *n
	move(m, t.d)
	if k := len(n.Kids); k > 0 {
		m.Kids = t.kids[:k:k]
		t.kids = t.kids[k:]
		for i, x := range n.Kids {
			m.Kids[i] = t.copy(x)
		}
	}
	return m
}

// shiftInPlace moves the offsets of the tree n (fresh nodes) by d.
func (c *copier) shiftInPlace(n *syntax.Node, d int32) {
	if d == 0 {
		return
	}
	stack := []*syntax.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		move(x, d)
		stack = append(stack, x.Kids...)
	}
}

func move(n *syntax.Node, d int32) {
	n.Lead += d
	n.Start += d
	n.OpenEnd += d
	if n.CloseStart >= 0 {
		n.CloseStart += d
	}
	n.End += d
}
