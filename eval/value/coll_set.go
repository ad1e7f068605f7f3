package value

// Set is a persistent, insertion-ordered set (same design as Map: flat array
// up to 8 elements, then hash trie element → slot plus an order vector).
type Set struct {
	elems []Value // small form (when order == nil)
	index hamt    // large form: element → slot
	order *Vector // large form (nil when small); removed slots hold tombstones
	hash  uint64
}

// EmptySet is `#{}`.
var EmptySet = &Set{}

// NewSet builds a set of items (duplicates ignored). The slice is not retained.
func NewSet(items ...Value) *Set {
	if len(items) <= smallMax {
		s := EmptySet
		for _, x := range items {
			s = s.Conj(x)
		}
		return s
	}
	var b hamt
	order := make([]Value, 0, len(items))
	for _, x := range items {
		if _, ok := b.get(x); ok {
			continue
		}
		b = b.set(x, len(order))
		order = append(order, x)
	}
	if len(order) <= smallMax {
		return &Set{elems: order}
	}
	return &Set{index: b, order: NewVector(order)}
}

func (s *Set) smallIndex(x Value) int {
	if identityKey(x) {
		for i, e := range s.elems {
			if e == x {
				return i
			}
		}
		return -1
	}
	for i, e := range s.elems {
		if Equal(e, x) {
			return i
		}
	}
	return -1
}

// Count returns the number of elements.
func (s *Set) Count() int {
	if s.order != nil {
		return s.index.count
	}
	return len(s.elems)
}

// Contains reports whether x is in s.
func (s *Set) Contains(x Value) bool {
	if s.order == nil {
		return s.smallIndex(x) >= 0
	}
	_, ok := s.index.get(x)
	return ok
}

// Get returns the stored element equal to x.
func (s *Set) Get(x Value) (Value, bool) {
	if s.order == nil {
		if i := s.smallIndex(x); i >= 0 {
			return s.elems[i], true
		}
		return nil, false
	}
	slot, ok := s.index.get(x)
	if !ok {
		return nil, false
	}
	return s.order.Nth(slot)
}

// Conj returns s with x added (at the end of the order if new).
func (s *Set) Conj(x Value) *Set {
	if s.order == nil {
		if s.smallIndex(x) >= 0 {
			return s
		}
		if len(s.elems) < smallMax {
			el := make([]Value, len(s.elems), len(s.elems)+1)
			copy(el, s.elems)
			return &Set{elems: append(el, x)}
		}
		var b hamt
		order := make([]Value, len(s.elems), 32)
		copy(order, s.elems)
		for i, e := range order {
			b = b.set(e, i)
		}
		b = b.set(x, len(order))
		order = append(order, x)
		return &Set{index: b, order: NewVector(order)}
	}
	if _, ok := s.index.get(x); ok {
		return s
	}
	return &Set{
		index: s.index.set(x, s.order.Count()),
		order: s.order.Conj(x),
	}
}

// Disj returns s without x.
func (s *Set) Disj(x Value) *Set {
	if s.order == nil {
		i := s.smallIndex(x)
		if i < 0 {
			return s
		}
		if len(s.elems) == 1 {
			return EmptySet
		}
		el := make([]Value, 0, len(s.elems)-1)
		el = append(el, s.elems[:i]...)
		return &Set{elems: append(el, s.elems[i+1:]...)}
	}
	slot, ok := s.index.get(x)
	if !ok {
		return s
	}
	index := s.index.del(x)
	order, _ := s.order.Assoc(slot, tombstone)
	n := index.count
	if n <= smallMax || order.Count() > 2*n+32 {
		return NewSet(liveSlots(order)...)
	}
	return &Set{index: index, order: order}
}

// Range calls f for each element in insertion order until f returns false.
func (s *Set) Range(f func(x Value) bool) {
	if s.order == nil {
		for _, e := range s.elems {
			if !f(e) {
				return
			}
		}
		return
	}
	s.order.Range(func(_ int, x Value) bool {
		if isTomb(x) {
			return true
		}
		return f(x)
	})
}

// All iterates over the elements in insertion order (range-over-func).
func (s *Set) All() func(yield func(Value) bool) {
	return func(yield func(Value) bool) { s.Range(yield) }
}

// Slice returns the elements in insertion order.
func (s *Set) Slice() []Value {
	out := make([]Value, 0, s.Count())
	s.Range(func(x Value) bool { out = append(out, x); return true })
	return out
}
