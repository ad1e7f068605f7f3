package syntax

import (
	"bytes"
	"math"
	"slices"
	"sort"
)

// Incremental reading (issue 11). A turn's program is mostly the text of
// the previous program of its handle again (its prompt, the program so
// far) and the model's new text after it. Reading is a left-to-right
// pass whose state between two forms is small: the lists still open, the
// forms they hold so far, the sanitiser's paren depth. ReadCompletionAfter
// takes that state from the previous reading at the end of the last form
// both texts share whole, and reads only the rest: the result is
// ReadCompletion's, with the shared forms' nodes taken over.

// Resumed is a completion read after an earlier one.
type Resumed struct {
	C *Completion
	// Path are the lists open where reading resumed, outermost first (new
	// nodes: the outermost is C's form); Prev are the previous reading's
	// nodes they stand for, and Keep[i] is how many of Path[i]'s first
	// kids are Prev[i]'s, taken over as they were.
	Path, Prev []*Node
	Keep       []int
	// Cut is the offset (in both texts) where reading resumed.
	Cut int
	// PrevIntact is how many of the first kids of the previous reading's
	// long child list (its program body: the node it handed over) still
	// hold what that reading read: this reading extended the list in
	// place, writing its own kids after the ones it kept (math.MaxInt:
	// it did not). See KidsIntact.
	PrevIntact int
	undo       func()
}

// Discard gives the previous reading back the kids this one took over
// (PrevIntact), for a caller that does not use this reading: the
// previous reading is then intact and can be resumed from again. The
// reading itself must not be used after.
func (r *Resumed) Discard() {
	if r != nil && r.undo != nil {
		r.undo()
		r.undo = nil
	}
}

// handed is a long child list a resumed reading handed over to its node
// (parser.handOver): node.Kids is arr[off:], and arr's capacity goes on
// after it. The next resumed reading that keeps node's first kids takes
// arr over, kids and capacity, and appends its own kids after the ones it
// keeps: the program body's kid list is not copied every turn (8 bytes a
// form). That overwrites the kids of node after those it keeps, so node
// (and the reading that made it) is stale from then on: arena.gen moves
// on, and gen no longer matches it. A stale reading is not resumed from
// again, and KidsIntact tells holders of its nodes (the incremental plan)
// not to trust node's kids past the kept ones.
type handed struct {
	arr   []*Node
	off   int
	node  *Node
	arena *kidArena
	gen   int
}

// kidArena counts the readings that took over one lineage of kid arrays.
type kidArena struct{ gen int }

func (h *handed) stale() bool { return h != nil && h.arena != nil && h.gen != h.arena.gen }

// KidsIntact reports whether every node c read still has the kids it was
// read with. It is false once a later resumed reading extended c's
// program body in place (Resumed.PrevIntact): the body node's kids after
// those that reading kept are that reading's.
func (c *Completion) KidsIntact() bool { return c == nil || !c.body.stale() }

// ReadCompletionAfter reads text as ReadCompletion(name, text) does, taking
// over the reading prev made of the bytes text shares with prev's text. It
// returns nil when it cannot (no shared form, a code fence, an error or a
// repaired escape in the shared part): the caller then reads text whole.
//
// It never changes text's bytes, but the repaired text may be text itself
// with the balancing parentheses appended in text's spare capacity
// (text[len(text):cap(text)]): a caller that shares that capacity with
// other data passes text[:len(text):len(text)].
func ReadCompletionAfter(prev *Completion, name string, text []byte) *Resumed {
	return ReadCompletionAfterKnown(prev, name, text, 0)
}

// ReadCompletionAfterKnown is ReadCompletionAfter for a text whose first
// known bytes the caller knows to be those of prev's original text (the
// runtime does when a turn's prompt extends the last one): only the
// bytes after them are compared.
func ReadCompletionAfterKnown(prev *Completion, name string, text []byte, known int) *Resumed {
	return ReadCompletionAfterUpTo(prev, name, text, known, math.MaxInt)
}

// ReadCompletionAfterUpTo is ReadCompletionAfterKnown for a caller that
// cannot use a reading resumed after maxCut (the evaluator's reader: a
// #( before the cut numbers its parameters by reading order). It returns
// nil before it changes anything of prev's (the body's kid array it
// takes over) when the cut would lie after maxCut.
func ReadCompletionAfterUpTo(prev *Completion, name string, text []byte, known, maxCut int) *Resumed {
	if prev == nil || prev.base != 0 || prev.File == nil || prev.File.Truncated || len(prev.File.Forms) == 0 || len(text) > math.MaxInt32 || prev.body.stale() {
		return nil
	}
	if _, _, _, fenced := StripFence(text); fenced {
		return nil
	}
	known = max(min(known, len(text), len(prev.Original)), 0)
	d := known + SharedPrefix(prev.Original[known:], text[known:])
	// Descend through the lists open at d: keep the kids that end before
	// d (the byte after each is shared too, so it ends in text as well).
	var prevPath []*Node
	var keep []int
	for n := prev.File.Forms[0]; ; {
		if n.Kind != List || int(n.OpenEnd) >= d {
			break
		}
		kids := n.Kids
		j := sort.Search(len(kids), func(i int) bool { return int(kids[i].End) >= d })
		prevPath, keep = append(prevPath, n), append(keep, j)
		if j < len(kids) && kids[j].Kind == List && int(kids[j].OpenEnd) < d {
			n = kids[j]
			continue
		}
		break
	}
	if len(prevPath) == 0 {
		return nil
	}
	last, j := prevPath[len(prevPath)-1], keep[len(keep)-1]
	cut := int(last.OpenEnd)
	if j > 0 {
		cut = int(last.Kids[j-1].End)
	}
	if cut > maxCut {
		return nil
	}
	for _, e := range prev.File.Errors {
		if int(e.Off) < cut {
			return nil
		}
	}
	if len(prev.ins) > 0 && prev.ins[0] < cut {
		return nil
	}
	c := &Completion{Original: text}
	for _, r := range prev.Repairs {
		if r.Off < cut && r.Kind == RepairCommentMarker {
			c.Repairs = append(c.Repairs, r)
		}
	}
	c.Text = c.sanitiseAfter(prev, text, cut, len(prevPath))

	f := &File{Name: name, Src: c.Text}
	for _, dn := range prev.File.Discards {
		if int(dn.Start) < cut {
			f.Discards = append(f.Discards, dn)
		}
	}
	f.lines = linesAfter(prev.File.lines, c.Text, cut)
	if f.lines != nil {
		// (c.Text's first cut bytes are prev.Text's.)
		f.wide = prev.File.wide.after(c.Text, cut)
	}
	// Small blocks: the nodes of the forms read here are taken over by
	// later readings and keep their blocks alive.
	p := &parser{f: f, src: c.Text, pos: cut, triviaStart: int32(cut), slabN: 16, kidSlabN: 64, handOver: true}
	path := make([]*Node, len(prevPath))
	kept := 0
	for _, k := range keep {
		kept += k
	}
	// The kids of the open lists go on the parser's scratch, outermost
	// first. When prev handed over the kid list of one of them (its body)
	// and the kids before it on prev's scratch are those of the lists
	// around it, prev's array already holds them all: take it over
	// (handed).
	intact := math.MaxInt
	arena := &kidArena{}
	var undo func() // gives prev its kids back (a reading that fails)
	if h, at := takeOver(prev.body, prevPath, keep); h != nil {
		p.scratch = h.arr[:h.off+keep[at]]
		p.lent = len(p.scratch)
		intact, arena = keep[at], h.arena
		from, saved, gen := h.off+keep[at], slices.Clone(h.arr[h.off+keep[at]:h.off+len(h.node.Kids)]), arena.gen
		undo = func() { copy(h.arr[from:], saved); arena.gen = gen }
		arena.gen++ // prev is stale from here on
	} else {
		p.scratch = make([]*Node, 0, kept+64)
	}
	for i, pn := range prevPath {
		// The open lists are nodes of their own (not carved from a block
		// that kept nodes share), so this reading's tree goes when the
		// next reading replaces it.
		n := &Node{Kind: pn.Kind, Lead: pn.Lead, Start: pn.Start, OpenEnd: pn.OpenEnd, CloseStart: -1, End: pn.OpenEnd}
		at := 0
		for _, k := range keep[:i] {
			at += k
		}
		p.stack = append(p.stack, frame{node: n, kids: at})
		if at+keep[i] > len(p.scratch) {
			p.scratch = append(p.scratch, pn.Kids[:keep[i]]...)
		}
		path[i] = n
	}
	p.run()
	if h := p.handed; h != nil {
		h.arena, h.gen = arena, arena.gen
		c.body = h
	}
	for _, n := range path {
		// Likewise their kid lists: copied out of the shared block, and
		// the block's copy cleared (a long list's kids are a slice of
		// their own already).
		if len(n.Kids) > ownKids {
			continue
		}
		kids := make([]*Node, len(n.Kids))
		copy(kids, n.Kids)
		clear(n.Kids)
		n.Kids = kids
	}
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Off < f.Errors[j].Off })
	sort.Slice(f.Discards, func(i, j int) bool { return f.Discards[i].Start < f.Discards[j].Start })
	c.File = f
	c.first()
	if c.Form != path[0] || (undo != nil && c.Err != nil) {
		// (A reading with an error is not kept: the caller reads the
		// text whole and reports the error, and prev stays as it was,
		// for the turn after.)
		if undo != nil {
			undo()
		}
		return nil
	}
	return &Resumed{C: c, Path: path, Prev: prevPath, Keep: keep, Cut: cut, PrevIntact: intact, undo: undo}
}

// takeOver returns h when a reading that resumes in the open lists path,
// keeping keep[i] kids of each, can take h's array over: h is not stale,
// its node is path[at], and h.arr[:h.off] holds the kept kids of the
// lists before it (a few: the wrapper's head), in order.
func takeOver(h *handed, path []*Node, keep []int) (*handed, int) {
	if h == nil || h.stale() {
		return nil, 0
	}
	off := 0
	for at, pn := range path {
		if pn == h.node {
			if off != h.off || keep[at] > len(pn.Kids) || len(pn.Kids) == 0 || &h.arr[h.off] != &pn.Kids[0] {
				return nil, 0
			}
			return h, at
		}
		if off+keep[at] > h.off || off+keep[at] > 64 {
			return nil, 0
		}
		for i, k := range pn.Kids[:keep[at]] {
			if h.arr[off+i] != k {
				return nil, 0
			}
		}
		off += keep[at]
	}
	return nil, 0
}

// sanitiseAfter is the repaired text of text, whose first cut bytes are
// those of prev's original text and repaired as prev.Text's (the reading
// resumes there, between forms: at line content with one open paren per
// open list). Only the bytes after cut are sanitised. When neither part
// was changed by a repair other than the balancing parentheses at the end
// (the usual turn: the program ends inside its open wrapper), the result
// is text itself with those parentheses appended in text's spare capacity
// when it has room: a turn does not copy the whole program.
func (c *Completion) sanitiseAfter(prev *Completion, text []byte, cut, depth int) []byte {
	// (A repair before cut is a comment marker: an inserted byte there
	// refuses to resume.)
	carried, n0 := len(c.Repairs), len(c.ins)
	tail := c.sanitiseFrom(text, cut, make([]byte, 0, len(text)-cut+16+depth), depth, false, true)
	for i := n0; i < len(c.ins); i++ {
		c.ins[i] += cut
	}
	clean := carried == 0
	for _, r := range c.Repairs[carried:] {
		clean = clean && r.Kind == RepairBalance
	}
	if k := len(text) - cut; clean && len(tail) >= k && bytes.Equal(tail[:k], text[cut:]) {
		return append(text, tail[k:]...)
	}
	out := make([]byte, 0, cut+len(tail))
	out = append(out, prev.Text[:cut]...)
	return append(out, tail...)
}

// linesAfter is the line table of src, whose first cut bytes are those
// of the text whose line table is prev (nil: not made yet, made when
// needed).
func linesAfter(prev []int32, src []byte, cut int) []int32 {
	if prev == nil {
		return nil
	}
	k := sort.Search(len(prev), func(i int) bool { return int(prev[i]) > cut })
	lines := make([]int32, k, k+(len(src)-cut)/32+1)
	copy(lines, prev[:k])
	for i := cut; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return lines
		}
		i += j + 1
		lines = append(lines, int32(i))
	}
}

// SharedPrefix is the length of the longest common prefix of a and b:
// where a text read before and its new version start to differ
// (incremental reading, incremental turns, trace deltas). It compares
// 4 KB and then 8 bytes at a time, since the texts are long and mostly
// equal.
func SharedPrefix[T ~string | ~[]byte](a, b T) int {
	n := min(len(a), len(b))
	i := 0
	for i+4096 <= n && string(a[i:i+4096]) == string(b[i:i+4096]) {
		i += 4096
	}
	for i+8 <= n && string(a[i:i+8]) == string(b[i:i+8]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}
