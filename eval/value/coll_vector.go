package value

import "sync/atomic"

// Vector is a persistent vector: a 32-way trie plus a tail (Clojure's
// PersistentVector design). Conj is amortised O(1) (the tail is extended in
// place when no other vector has claimed the next slot), Nth and Assoc are
// O(log32 n).
//
// FirstLine and Segments carry the `:spell/first-line` / `:spell/segments`
// metadata of §2.5 (FirstLine 0 = none). Metadata never affects equality,
// hashing or pr-str. Assoc keeps it; Conj, Pop and other derivations drop it;
// Sub shifts it.
type Vector struct {
	cnt   int
	shift uint
	root  *vnode
	tail  *vtail // elements [tailoff(), cnt)
	hash  uint64 // cached Hash (0 = not computed); accessed atomically

	FirstLine int64
	Segments  []Segment
	entry     bool
}

// Segment is one `[start count]` entry of `:spell/segments`; Start 0 means nil
// (synthetic rows without line numbers).
type Segment struct {
	Start int64
	Count int64
}

type vnode struct {
	kids []*vnode   // branch nodes
	vals *[32]Value // leaf nodes
}

type vtail struct {
	n   atomic.Int32 // slots of arr claimed by some vector
	arr []Value      // len(arr) == cap(arr) ≤ 32
}

var emptyNode = &vnode{}

// EmptyVector is `[]`.
var EmptyVector = &Vector{shift: 5, root: emptyNode, tail: &vtail{}}

// NewVector builds a vector from items. It TAKES OWNERSHIP of items: the
// caller must not modify the slice afterwards.
func NewVector(items []Value) *Vector {
	n := len(items)
	if n == 0 {
		return EmptyVector
	}
	tailoff := 0
	if n > 32 {
		tailoff = ((n - 1) >> 5) << 5
	}
	t := &vtail{arr: items[tailoff:n:n]}
	t.n.Store(int32(n - tailoff))
	v := &Vector{cnt: n, shift: 5, root: emptyNode, tail: t}
	if tailoff == 0 {
		return v
	}
	nodes := make([]*vnode, tailoff>>5)
	leaves := make([]vnode, len(nodes))
	for i := range nodes {
		leaves[i].vals = (*[32]Value)(items[i*32 : i*32+32])
		nodes[i] = &leaves[i]
	}
	for len(nodes) > 32 {
		parents := make([]*vnode, (len(nodes)+31)/32)
		for j := range parents {
			hi := min((j+1)*32, len(nodes))
			parents[j] = &vnode{kids: nodes[j*32 : hi : hi]}
		}
		nodes = parents
		v.shift += 5
	}
	v.root = &vnode{kids: nodes}
	return v
}

// VectorOf builds a vector from a copy of items.
func VectorOf(items ...Value) *Vector {
	return NewVector(append([]Value(nil), items...))
}

// NewMapEntry returns a map entry: a 2-vector [k v] flagged as an entry.
func NewMapEntry(k, v Value) *Vector {
	t := &vtail{arr: []Value{k, v}}
	t.n.Store(2)
	return &Vector{cnt: 2, shift: 5, root: emptyNode, tail: t, entry: true}
}

// IsEntry reports whether v is a map entry.
func (v *Vector) IsEntry() bool { return v.entry }

// Key returns element 0 (of a map entry).
func (v *Vector) Key() Value { x, _ := v.Nth(0); return x }

// Val returns element 1 (of a map entry).
func (v *Vector) Val() Value { x, _ := v.Nth(1); return x }

// Count returns the number of elements.
func (v *Vector) Count() int { return v.cnt }

func (v *Vector) tailoff() int {
	if v.cnt <= 32 {
		return 0
	}
	return ((v.cnt - 1) >> 5) << 5
}

// HasLineMeta reports whether v carries :spell/first-line metadata.
func (v *Vector) HasLineMeta() bool { return v.FirstLine != 0 || len(v.Segments) > 0 }

// WithLines returns v with first-line metadata (segments may be nil).
func (v *Vector) WithLines(firstLine int64, segs []Segment) *Vector {
	nv := *v
	nv.FirstLine = firstLine
	nv.Segments = segs
	nv.entry = false
	return &nv
}

// Plain returns v without metadata and entry flag.
func (v *Vector) Plain() *Vector {
	if !v.HasLineMeta() && !v.entry {
		return v
	}
	nv := *v
	nv.FirstLine, nv.Segments, nv.entry = 0, nil, false
	return &nv
}

// Nth returns element i.
func (v *Vector) Nth(i int) (Value, bool) {
	if uint(i) >= uint(v.cnt) {
		return nil, false
	}
	if to := v.tailoff(); i >= to {
		return v.tail.arr[i-to], true
	}
	node := v.root
	for level := v.shift; level > 0; level -= 5 {
		node = node.kids[(i>>level)&31]
	}
	return node.vals[i&31], true
}

// chunk returns the 32-element (or tail) block containing index i and the
// index of its first element.
func (v *Vector) chunk(i int) ([]Value, int) {
	to := v.tailoff()
	if i >= to {
		return v.tail.arr[:v.cnt-to], to
	}
	node := v.root
	for level := v.shift; level > 0; level -= 5 {
		node = node.kids[(i>>level)&31]
	}
	return node.vals[:], i &^ 31
}

// Range calls f for each element in order until f returns false.
func (v *Vector) Range(f func(i int, x Value) bool) {
	for i := 0; i < v.cnt; {
		c, base := v.chunk(i)
		for j := i - base; j < len(c); j++ {
			if !f(i, c[j]) {
				return
			}
			i++
		}
	}
}

// All iterates over the elements (for range-over-func).
func (v *Vector) All() func(yield func(int, Value) bool) {
	return func(yield func(int, Value) bool) { v.Range(yield) }
}

// Slice returns the elements as a new slice.
func (v *Vector) Slice() []Value {
	out := make([]Value, v.cnt)
	for i := 0; i < v.cnt; {
		c, _ := v.chunk(i)
		i += copy(out[i:], c)
	}
	return out
}

// Conj returns v with x appended (metadata dropped).
func (v *Vector) Conj(x Value) *Vector {
	to := v.tailoff()
	tl := v.cnt - to
	if tl < 32 {
		t := v.tail
		if tl < len(t.arr) && t.n.CompareAndSwap(int32(tl), int32(tl+1)) {
			t.arr[tl] = x
			return &Vector{cnt: v.cnt + 1, shift: v.shift, root: v.root, tail: t}
		}
		c := len(t.arr)
		if tl >= c {
			c = min(32, max(4, 2*c))
		}
		if v.cnt >= 32 {
			c = 32
		}
		arr := make([]Value, c)
		copy(arr, t.arr[:tl])
		arr[tl] = x
		nt := &vtail{arr: arr}
		nt.n.Store(int32(tl + 1))
		return &Vector{cnt: v.cnt + 1, shift: v.shift, root: v.root, tail: nt}
	}
	leaf := &vnode{vals: (*[32]Value)(v.tail.arr)}
	shift := v.shift
	var root *vnode
	if (v.cnt >> 5) > (1 << v.shift) {
		root = &vnode{kids: []*vnode{v.root, newPath(v.shift, leaf)}}
		shift += 5
	} else {
		root = v.pushTail(v.shift, v.root, leaf)
	}
	arr := make([]Value, 32)
	arr[0] = x
	nt := &vtail{arr: arr}
	nt.n.Store(1)
	return &Vector{cnt: v.cnt + 1, shift: shift, root: root, tail: nt}
}

func newPath(level uint, node *vnode) *vnode {
	if level == 0 {
		return node
	}
	return &vnode{kids: []*vnode{newPath(level-5, node)}}
}

func (v *Vector) pushTail(level uint, parent, leaf *vnode) *vnode {
	sub := ((v.cnt - 1) >> level) & 31
	kids := make([]*vnode, max(sub+1, len(parent.kids)))
	copy(kids, parent.kids)
	switch {
	case level == 5:
		kids[sub] = leaf
	case sub < len(parent.kids):
		kids[sub] = v.pushTail(level-5, parent.kids[sub], leaf)
	default:
		kids[sub] = newPath(level-5, leaf)
	}
	return &vnode{kids: kids}
}

// Assoc returns v with element i replaced by x; i == Count() appends.
// ok is false when i is out of range. Line metadata is kept (except on append).
func (v *Vector) Assoc(i int, x Value) (*Vector, bool) {
	if i == v.cnt {
		return v.Conj(x), true
	}
	if uint(i) >= uint(v.cnt) {
		return nil, false
	}
	nv := &Vector{cnt: v.cnt, shift: v.shift, root: v.root, tail: v.tail, FirstLine: v.FirstLine, Segments: v.Segments}
	if to := v.tailoff(); i >= to {
		tl := v.cnt - to
		arr := make([]Value, len(v.tail.arr))
		copy(arr, v.tail.arr[:tl])
		arr[i-to] = x
		nt := &vtail{arr: arr}
		nt.n.Store(int32(tl))
		nv.tail = nt
		return nv, true
	}
	nv.root = doAssoc(v.shift, v.root, i, x)
	return nv, true
}

func doAssoc(level uint, node *vnode, i int, x Value) *vnode {
	if level == 0 {
		vals := *node.vals
		vals[i&31] = x
		return &vnode{vals: &vals}
	}
	kids := make([]*vnode, len(node.kids))
	copy(kids, node.kids)
	sub := (i >> level) & 31
	kids[sub] = doAssoc(level-5, kids[sub], i, x)
	return &vnode{kids: kids}
}

// Pop returns v without its last element (ok false when v is empty).
func (v *Vector) Pop() (*Vector, bool) {
	switch v.cnt {
	case 0:
		return nil, false
	case 1:
		return EmptyVector, true
	}
	to := v.tailoff()
	if v.cnt-to > 1 {
		return &Vector{cnt: v.cnt - 1, shift: v.shift, root: v.root, tail: v.tail}, true
	}
	c, _ := v.chunk(v.cnt - 2)
	nt := &vtail{arr: c}
	nt.n.Store(32)
	root := v.popTail(v.shift, v.root)
	shift := v.shift
	if root == nil {
		root = emptyNode
	}
	if shift > 5 && len(root.kids) == 1 {
		root = root.kids[0]
		shift -= 5
	}
	return &Vector{cnt: v.cnt - 1, shift: shift, root: root, tail: nt}, true
}

func (v *Vector) popTail(level uint, node *vnode) *vnode {
	sub := ((v.cnt - 2) >> level) & 31
	if level > 5 {
		child := v.popTail(level-5, node.kids[sub])
		if child == nil && sub == 0 {
			return nil
		}
		kids := make([]*vnode, sub+1)
		copy(kids, node.kids[:sub+1])
		if child == nil {
			kids = kids[:sub]
		} else {
			kids[sub] = child
		}
		return &vnode{kids: kids}
	}
	if sub == 0 {
		return nil
	}
	kids := make([]*vnode, sub)
	copy(kids, node.kids[:sub])
	return &vnode{kids: kids}
}

// Sub returns elements [start, end) as a new vector (subvec), shifting the
// line metadata. ok is false when the range is invalid.
func (v *Vector) Sub(start, end int) (*Vector, bool) {
	if start < 0 || end > v.cnt || start > end {
		return nil, false
	}
	var nv *Vector
	if start == 0 && end == v.cnt {
		nv = v.Plain()
	} else {
		out := make([]Value, end-start)
		for i := start; i < end; {
			c, base := v.chunk(i)
			i += copy(out[i-start:], c[i-base:min(len(c), end-base)])
		}
		nv = NewVector(out)
	}
	if !v.HasLineMeta() {
		return nv, true
	}
	if len(v.Segments) == 0 {
		return nv.WithLines(v.FirstLine+int64(start), nil), true
	}
	var segs []Segment
	pos := int64(0)
	for _, s := range v.Segments {
		lo, hi := max(pos, int64(start)), min(pos+s.Count, int64(end))
		if lo < hi {
			ns := Segment{Count: hi - lo}
			if s.Start != 0 {
				ns.Start = s.Start + (lo - pos)
			}
			segs = append(segs, ns)
		}
		pos += s.Count
	}
	first := int64(0)
	if len(segs) > 0 {
		first = segs[0].Start
	}
	if segs == nil {
		segs = []Segment{}
		first = v.FirstLine + int64(start)
	}
	return nv.WithLines(first, segs), true
}

// LineSegments returns the numbered segments of v: Segments if present, else
// one segment starting at FirstLine covering every element.
func (v *Vector) LineSegments() []Segment {
	if len(v.Segments) > 0 {
		return v.Segments
	}
	return []Segment{{Start: v.FirstLine, Count: int64(v.cnt)}}
}
