package value

import "github.com/benbjohnson/immutable"

// Comparator orders two values (negative, zero, positive) or fails.
type Comparator func(a, b Value) (int, error)

type cmpAdapter struct{ f Comparator }

type cmpPanic struct{ err error }

func (c cmpAdapter) Compare(a, b Value) int {
	r, err := c.f(a, b)
	if err != nil {
		panic(cmpPanic{err})
	}
	return r
}

func catchCmp(err *error) {
	if r := recover(); r != nil {
		if cp, ok := r.(cmpPanic); ok {
			*err = cp.err
			return
		}
		panic(r)
	}
}

// SortedMap is a persistent map ordered by a comparator (default Compare).
type SortedMap struct {
	m    *immutable.SortedMap[Value, Value]
	cmp  Comparator
	hash uint64
}

// NewSortedMap returns an empty sorted map ordered by cmp (nil → Compare).
func NewSortedMap(cmp Comparator) *SortedMap {
	if cmp == nil {
		cmp = Compare
	}
	return &SortedMap{m: immutable.NewSortedMap[Value, Value](cmpAdapter{cmp}), cmp: cmp}
}

// Comparator returns the ordering function of m.
func (m *SortedMap) Comparator() Comparator { return m.cmp }

// Count returns the number of entries.
func (m *SortedMap) Count() int { return m.m.Len() }

// Lookup returns the value for k, failing when k is incomparable with the keys.
func (m *SortedMap) Lookup(k Value) (v Value, ok bool, err error) {
	defer catchCmp(&err)
	v, ok = m.m.Get(k)
	return v, ok, nil
}

// Get returns the value for k (an incomparable k is simply absent).
func (m *SortedMap) Get(k Value) (Value, bool) {
	v, ok, err := m.Lookup(k)
	if err != nil {
		return nil, false
	}
	return v, ok
}

// Assoc returns m with k mapped to v.
func (m *SortedMap) Assoc(k, v Value) (res *SortedMap, err error) {
	defer catchCmp(&err)
	return &SortedMap{m: m.m.Set(k, v), cmp: m.cmp}, nil
}

// Dissoc returns m without k.
func (m *SortedMap) Dissoc(k Value) (res *SortedMap, err error) {
	defer catchCmp(&err)
	return &SortedMap{m: m.m.Delete(k), cmp: m.cmp}, nil
}

// Range calls f for each entry in key order until f returns false.
func (m *SortedMap) Range(f func(k, v Value) bool) {
	it := m.m.Iterator()
	for !it.Done() {
		k, v, _ := it.Next()
		if !f(k, v) {
			return
		}
	}
}

// Keys returns the keys in order.
func (m *SortedMap) Keys() []Value {
	out := make([]Value, 0, m.Count())
	m.Range(func(k, _ Value) bool { out = append(out, k); return true })
	return out
}

// Vals returns the values in key order.
func (m *SortedMap) Vals() []Value {
	out := make([]Value, 0, m.Count())
	m.Range(func(_, v Value) bool { out = append(out, v); return true })
	return out
}

// SortedSet is a persistent set ordered by a comparator (default Compare).
type SortedSet struct {
	m    *immutable.SortedMap[Value, struct{}]
	cmp  Comparator
	hash uint64
}

// NewSortedSet returns an empty sorted set ordered by cmp (nil → Compare).
func NewSortedSet(cmp Comparator) *SortedSet {
	if cmp == nil {
		cmp = Compare
	}
	return &SortedSet{m: immutable.NewSortedMap[Value, struct{}](cmpAdapter{cmp}), cmp: cmp}
}

// Comparator returns the ordering function of s.
func (s *SortedSet) Comparator() Comparator { return s.cmp }

// Count returns the number of elements.
func (s *SortedSet) Count() int { return s.m.Len() }

// Lookup reports membership, failing when x is incomparable with the elements.
func (s *SortedSet) Lookup(x Value) (ok bool, err error) {
	defer catchCmp(&err)
	_, ok = s.m.Get(x)
	return ok, nil
}

// Contains reports membership (an incomparable x is absent).
func (s *SortedSet) Contains(x Value) bool { ok, _ := s.Lookup(x); return ok }

// Conj returns s with x added.
func (s *SortedSet) Conj(x Value) (res *SortedSet, err error) {
	defer catchCmp(&err)
	if _, ok := s.m.Get(x); ok {
		return s, nil
	}
	return &SortedSet{m: s.m.Set(x, struct{}{}), cmp: s.cmp}, nil
}

// Disj returns s without x.
func (s *SortedSet) Disj(x Value) (res *SortedSet, err error) {
	defer catchCmp(&err)
	return &SortedSet{m: s.m.Delete(x), cmp: s.cmp}, nil
}

// Range calls f for each element in order until f returns false.
func (s *SortedSet) Range(f func(x Value) bool) {
	it := s.m.Iterator()
	for !it.Done() {
		k, _, _ := it.Next()
		if !f(k) {
			return
		}
	}
}

// Slice returns the elements in order.
func (s *SortedSet) Slice() []Value {
	out := make([]Value, 0, s.Count())
	s.Range(func(x Value) bool { out = append(out, x); return true })
	return out
}
