package value

// List is a persistent singly-linked list with a cached count. A node is of
// the "list" kind (list? true) or the "seq" kind (list? false, seq? true);
// both print as ( … ). The empty list has count 0 and no elements.
type List struct {
	first Value
	rest  *List // nil at the end
	count int
	seq   bool
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

// NewListAfter builds a list (list kind) of l's first keep items followed
// by more, in one allocation and without an intermediate slice (a resumed
// reading takes the kept forms of the previous program's body over this
// way). l is not changed; keep must not exceed l's count.
func NewListAfter(l *List, keep int, more []Value) *List {
	n := keep + len(more)
	if n == 0 {
		return EmptyList
	}
	nodes := make([]List, n)
	x := l
	for i := 0; i < keep; i++ {
		nodes[i].first = x.first
		x = x.rest
	}
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
	if l.rest != nil {
		return l.rest
	}
	if l.seq {
		return EmptySeq
	}
	return EmptyList
}

// Next returns the list after the first element, or nil if there is none.
func (l *List) Next() *List { return l.rest }

// Nth returns element i (O(i)).
func (l *List) Nth(i int) (Value, bool) {
	if i < 0 || i >= l.count {
		return nil, false
	}
	for ; i > 0; i-- {
		l = l.rest
	}
	return l.first, true
}

// Slice returns the elements as a new slice.
func (l *List) Slice() []Value {
	out := make([]Value, 0, l.count)
	for n := l; n != nil && n.count > 0; n = n.rest {
		out = append(out, n.first)
	}
	return out
}

// Range calls f for each element in order until f returns false.
func (l *List) Range(f func(i int, v Value) bool) {
	i := 0
	for n := l; n != nil && n.count > 0; n = n.rest {
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
	return &List{first: l.first, rest: l.rest, count: l.count, seq: true}
}
