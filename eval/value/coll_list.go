package value

import "math"

// List is a persistent singly-linked list with a cached count. A node is of
// the "list" kind (list? true) or the "seq" kind (list? false, seq? true);
// both print as ( … ). The empty list has count 0 and no elements.
//
// A long list that a resumed reading builds again every turn (a program's
// body: the previous body's forms and a few new ones) is a view instead
// (view true): its elements are a persistent vector's (which the next
// turn's body shares but for the last few elements), the node stands for
// the element count places from the end, and rest is not the next node
// but the view's anchor (first: the *Vector; seq: the kind of the nodes
// after the head). The next nodes are made when asked for (next), so
// building the list costs what changed, not a node per element; Range,
// Slice, Nth and Drop read the vector.
type List struct {
	first Value
	rest  *List // nil at the end; a view's anchor when view
	count int
	seq   bool
	view  bool
}

// EmptyList is the empty list `()` (list kind).
var EmptyList = &List{}

// EmptySeq is an empty sequence of the seq kind (prints as `()`).
var EmptySeq = &List{seq: true}

// NewList builds a list (list kind) of items.
func NewList(items ...Value) *List { return buildList(items, false) }

// NewSeq builds a sequence (seq kind) of items. The slice is not retained.
func NewSeq(items []Value) *List { return buildList(items, true) }

func buildList(items []Value, seq bool) *List {
	if len(items) == 0 {
		if seq {
			return EmptySeq
		}
		return EmptyList
	}
	nodes := make([]List, len(items)) // one allocation for all nodes
	var next *List
	for i := len(items) - 1; i >= 0; i-- {
		n := &nodes[i]
		n.first = items[i]
		n.rest = next
		n.count = len(items) - i
		n.seq = seq
		next = n
	}
	return &nodes[0]
}

// viewMin is the length from which NewListAfter builds a view.
const viewMin = 64

// NewListAfter builds a list (list kind) of l's first keep items followed
// by more (a resumed reading takes the kept forms of the previous
// program's body over this way). l is not changed; keep must not exceed
// l's count. A long list is a view (see List): when l is one, the new
// list shares its vector but for the elements after keep, so a body that
// grows by a form costs O(log n), not n nodes.
func NewListAfter(l *List, keep int, more []Value) *List {
	n := keep + len(more)
	if n == 0 {
		return EmptyList
	}
	if n >= viewMin {
		return viewAfter(l, keep, more)
	}
	nodes := make([]List, n)
	l.Range(func(i int, v Value) bool {
		if i >= keep {
			return false
		}
		nodes[i].first = v
		return true
	})
	for i, v := range more {
		nodes[keep+i].first = v
	}
	for i := range nodes {
		nodes[i].count = n - i
		if i+1 < n {
			nodes[i].rest = &nodes[i+1]
		}
	}
	return &nodes[0]
}

// viewAfter is NewListAfter's result as a view.
func viewAfter(l *List, keep int, more []Value) *List {
	var v *Vector
	if l.view && l.count == l.vec().cnt && l.count-keep <= viewMin {
		// l is its vector's whole list: pop what is not kept.
		v = l.vec()
		for v.cnt > keep {
			v, _ = v.Pop()
		}
	} else {
		items := make([]Value, 0, keep+len(more))
		l.Range(func(i int, x Value) bool {
			if i >= keep {
				return false
			}
			items = append(items, x)
			return true
		})
		v = NewVector(items)
	}
	for _, x := range more {
		v = v.Conj(x)
	}
	return viewOf(v, false)
}

// viewOf is the list of v's elements (of the seq kind when seq), as a view.
func viewOf(v *Vector, seq bool) *List {
	if v.cnt == 0 {
		if seq {
			return EmptySeq
		}
		return EmptyList
	}
	x, _ := v.Nth(0)
	return &List{first: x, rest: &List{first: v, seq: seq}, count: v.cnt, seq: seq, view: true}
}

// vec is a view's vector.
func (l *List) vec() *Vector { return l.rest.first.(*Vector) }

// next is the node after l, nil at the end (a new node for a view).
func (l *List) next() *List {
	if !l.view {
		return l.rest
	}
	if l.count <= 1 {
		return nil
	}
	return l.viewAt(1)
}

// viewAt is the node k places after view node l (0 < k < l.count).
func (l *List) viewAt(k int) *List {
	v := l.vec()
	x, _ := v.Nth(v.cnt - l.count + k)
	return &List{first: x, rest: l.rest, count: l.count - k, seq: l.rest.seq, view: true}
}

// Cons returns a seq-kind sequence with x in front of l (nil l means empty).
func Cons(x Value, l *List) *List {
	if l == nil || l.count == 0 {
		return &List{first: x, count: 1, seq: true}
	}
	return &List{first: x, rest: l, count: l.count + 1, seq: true}
}

// Conj returns l with x added at the front, keeping l's kind (`conj`).
func (l *List) Conj(x Value) *List {
	if l.count == 0 {
		return &List{first: x, count: 1, seq: l.seq}
	}
	return &List{first: x, rest: l, count: l.count + 1, seq: l.seq}
}

// IsSeq reports whether l is of the seq kind (list? false).
func (l *List) IsSeq() bool { return l.seq }

// Count returns the number of elements (O(1)).
func (l *List) Count() int { return l.count }

// Empty reports whether l has no elements.
func (l *List) Empty() bool { return l.count == 0 }

// First returns the first element or nil.
func (l *List) First() Value {
	if l.count == 0 {
		return nil
	}
	return l.first
}

// Rest returns the list after the first element (an empty list/seq if none).
func (l *List) Rest() *List {
	if l.rest != nil && !l.view {
		return l.rest
	}
	if l.view && l.count > 1 {
		return l.viewAt(1)
	}
	if l.view {
		if l.rest.seq {
			return EmptySeq
		}
		return EmptyList
	}
	if l.seq {
		return EmptySeq
	}
	return EmptyList
}

// Next returns the list after the first element, or nil if there is none.
func (l *List) Next() *List { return l.next() }

// Nth returns element i (O(i); O(log n) for a view).
func (l *List) Nth(i int) (Value, bool) {
	if i < 0 || i >= l.count {
		return nil, false
	}
	for ; i > 0; i-- {
		if l.view {
			v := l.vec()
			return v.Nth(v.cnt - l.count + i)
		}
		l = l.rest
	}
	return l.first, true
}

// Drop returns the list after the first k elements (k at most the count;
// O(k), O(log n) for a view).
func (l *List) Drop(k int) *List {
	for ; k > 0 && l.count > 0; k-- {
		if l.view && k < l.count {
			return l.viewAt(k)
		}
		l = l.Rest()
	}
	return l
}

// Slice returns the elements as a new slice.
func (l *List) Slice() []Value {
	out := make([]Value, 0, l.count)
	l.Range(func(_ int, v Value) bool {
		out = append(out, v)
		return true
	})
	return out
}

// Range calls f for each element in order until f returns false.
func (l *List) Range(f func(i int, v Value) bool) {
	i := 0
	for n := l; n != nil && n.count > 0; n = n.rest {
		if n.view {
			// (A list may link nodes in front of a view.)
			v := n.vec()
			off := v.cnt - n.count - i
			for k := v.cnt - n.count; k < v.cnt; {
				c, base := v.chunk(k)
				for j := k - base; j < len(c) && k < v.cnt; j++ {
					if !f(k-off, c[j]) {
						return
					}
					k++
				}
			}
			return
		}
		if !f(i, n.first) {
			return
		}
		i++
	}
}

// All iterates over the elements (for range-over-func).
func (l *List) All() func(yield func(int, Value) bool) {
	return func(yield func(int, Value) bool) { l.Range(yield) }
}

// AsSeq returns l with its head node of the seq kind (shares the tail).
func (l *List) AsSeq() *List {
	if l.seq {
		return l
	}
	if l.count == 0 {
		return EmptySeq
	}
	return &List{first: l.first, rest: l.rest, count: l.count, seq: true, view: l.view}
}

// CommonPrefix is how many of the leading elements of a and b, at most
// limit, are pairwise same, in order (the first that is not ends the
// run). same must hold for a value and itself: two views whose vectors
// share a block (a body and the body of the turn before) take the
// block's elements as the same without calling it, so comparing a long
// body with the previous one costs O(n/32) rather than n calls.
func CommonPrefix(a, b *List, limit int, same func(x, y Value) bool) int {
	ca, cb := listCursor{n: a}, listCursor{n: b}
	n := 0
	if a.view && b.view {
		// Skip the trie's shared subtrees at once: O(log n).
		va, vb := a.vec(), b.vec()
		if off := va.cnt - a.count; off == vb.cnt-b.count {
			n = min(max(sharedLen(va, vb)-off, 0), limit, a.count, b.count)
			ca.v, ca.k, cb.v, cb.k = va, off+n, vb, off+n
		}
	}
	for n < limit {
		xa, ya, oka := ca.block()
		xb, yb, okb := cb.block()
		if !oka || !okb {
			return n
		}
		if xa == nil || xb == nil {
			// A linked node on either side: one element.
			if xa != nil {
				ya = xa[0]
			}
			if xb != nil {
				yb = xb[0]
			}
			if !same(ya, yb) {
				return n
			}
			ca.advance(1)
			cb.advance(1)
			n++
			continue
		}
		m := min(len(xa), len(xb), limit-n)
		if &xa[0] != &xb[0] {
			for j := 0; j < m; j++ {
				if !same(xa[j], xb[j]) {
					return n + j
				}
			}
		}
		ca.advance(m)
		cb.advance(m)
		n += m
	}
	return n
}

// sharedLen is how many leading elements a and b hold in the same
// memory (so they are the same values), at least: the trie nodes both
// point to are taken whole, O(log n).
func sharedLen(a, b *Vector) int {
	if a.shift != b.shift {
		return 0
	}
	ta, tb := a.tailoff(), b.tailoff()
	n := min(sharedNode(a.root, b.root, a.shift), ta, tb)
	if n == ta && ta == tb && a.cnt > ta && b.cnt > tb && &a.tail.arr[0] == &b.tail.arr[0] {
		n += min(a.cnt, b.cnt) - ta
	}
	return n
}

// sharedNode is how many leading elements (1<<level each kid) trie nodes
// x and y share.
func sharedNode(x, y *vnode, level uint) int {
	if x == y {
		return math.MaxInt
	}
	if level == 0 || x == nil || y == nil {
		if x != nil && y != nil && x.vals != nil && x.vals == y.vals {
			return 32
		}
		return 0
	}
	n := 0
	for i := 0; i < len(x.kids) && i < len(y.kids); i++ {
		if x.kids[i] != y.kids[i] {
			return n + sharedNode(x.kids[i], y.kids[i], level-5)
		}
		n += 1 << level
	}
	return n
}

// listCursor walks a list a block at a time: a view's elements a vector
// block at a time, linked nodes one by one, without making nodes.
type listCursor struct {
	n *List   // the next linked node (v nil)
	v *Vector // a view's vector, from element k on
	k int
}

// block is the elements at the cursor: a run of a view's vector (xs), or
// one linked node's element (x, xs nil); ok is false at the end.
func (c *listCursor) block() (xs []Value, x Value, ok bool) {
	if c.v == nil {
		if c.n == nil || c.n.count == 0 {
			return nil, nil, false
		}
		if !c.n.view {
			return nil, c.n.first, true
		}
		c.v, c.k = c.n.vec(), c.n.vec().cnt-c.n.count
	}
	if c.k >= c.v.cnt {
		return nil, nil, false
	}
	blk, base := c.v.chunk(c.k)
	end := min(len(blk), c.v.cnt-base)
	return blk[c.k-base : end], nil, true
}

// advance moves the cursor m elements on (m within the last block).
func (c *listCursor) advance(m int) {
	if c.v != nil {
		c.k += m
		return
	}
	for ; m > 0; m-- {
		c.n = c.n.rest
	}
}
