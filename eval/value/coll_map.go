package value

// smallMax is the number of entries up to which maps and sets use a flat array.
const smallMax = 8

// Map is a persistent, insertion-ordered map. Up to 8 entries it is a flat
// key/value array; beyond that a hash trie (key → slot) plus an append-only
// order vector of key/value slots with tombstones for removed entries.
// Assoc of an existing key keeps its position; Dissoc removes it.
// All operations are O(log n) (amortised for the order compaction).
type Map struct {
	kvs   []Value // small form: k0, v0, k1, v1, … (when order == nil)
	index hamt    // large form: key → slot (order positions 2i, 2i+1)
	order *Vector // large form (nil when small); removed slots hold tombstones
	hash  uint64
}

type tomb struct{ _ byte }

var tombstone Value = &tomb{}

func isTomb(v Value) bool { _, ok := v.(*tomb); return ok }

// EmptyMap is `{}`.
var EmptyMap = &Map{}

// NewMap builds a map from alternating keys and values (later duplicates
// replace the value and keep the first position). The slice is not retained.
func NewMap(kvs ...Value) *Map {
	if len(kvs)/2 <= smallMax {
		m := EmptyMap
		for i := 0; i+1 < len(kvs); i += 2 {
			m = m.Assoc(kvs[i], kvs[i+1])
		}
		return m
	}
	var b hamt
	order := make([]Value, 0, len(kvs))
	for i := 0; i+1 < len(kvs); i += 2 {
		if slot, ok := b.get(kvs[i]); ok {
			order[2*slot+1] = kvs[i+1]
			continue
		}
		b = b.set(kvs[i], len(order)/2)
		order = append(order, kvs[i], kvs[i+1])
	}
	if len(order)/2 <= smallMax {
		return &Map{kvs: order}
	}
	return &Map{index: b, order: NewVector(order)}
}

// identityKey reports whether k can be compared with == against any key
// (its equality is identity/byte equality and no other type equals it).
func identityKey(k Value) bool {
	switch k.(type) {
	case *Keyword, *Symbol, string, bool, nil, Char:
		return true
	}
	return false
}

func (m *Map) smallIndex(k Value) int {
	kvs := m.kvs
	if identityKey(k) {
		for i := 0; i < len(kvs); i += 2 {
			if kvs[i] == k {
				return i
			}
		}
		return -1
	}
	for i := 0; i < len(kvs); i += 2 {
		if Equal(kvs[i], k) {
			return i
		}
	}
	return -1
}

// Count returns the number of entries.
func (m *Map) Count() int {
	if m.order != nil {
		return m.index.count
	}
	return len(m.kvs) / 2
}

// Get returns the value for k.
func (m *Map) Get(k Value) (Value, bool) {
	if m.order == nil {
		if i := m.smallIndex(k); i >= 0 {
			return m.kvs[i+1], true
		}
		return nil, false
	}
	slot, ok := m.index.get(k)
	if !ok {
		return nil, false
	}
	v, _ := m.order.Nth(2*slot + 1)
	return v, true
}

// Find returns the stored key equal to k, its value and whether it exists.
func (m *Map) Find(k Value) (key, val Value, ok bool) {
	if m.order == nil {
		if i := m.smallIndex(k); i >= 0 {
			return m.kvs[i], m.kvs[i+1], true
		}
		return nil, nil, false
	}
	slot, ok := m.index.get(k)
	if !ok {
		return nil, nil, false
	}
	key, _ = m.order.Nth(2 * slot)
	val, _ = m.order.Nth(2*slot + 1)
	return key, val, true
}

// Contains reports whether k is a key of m.
func (m *Map) Contains(k Value) bool { _, ok := m.Get(k); return ok }

// Assoc returns m with k mapped to v.
func (m *Map) Assoc(k, v Value) *Map {
	if m.order == nil {
		if i := m.smallIndex(k); i >= 0 {
			kvs := make([]Value, len(m.kvs))
			copy(kvs, m.kvs)
			kvs[i+1] = v
			return &Map{kvs: kvs}
		}
		if len(m.kvs) < 2*smallMax {
			kvs := make([]Value, len(m.kvs), len(m.kvs)+2)
			copy(kvs, m.kvs)
			return &Map{kvs: append(kvs, k, v)}
		}
		var b hamt
		order := make([]Value, len(m.kvs), 64)
		copy(order, m.kvs)
		for i := 0; i < len(order); i += 2 {
			b = b.set(order[i], i/2)
		}
		b = b.set(k, len(order)/2)
		order = append(order, k, v)
		return &Map{index: b, order: NewVector(order)}
	}
	bm := m
	if slot, ok := bm.index.get(k); ok {
		order, _ := bm.order.Assoc(2*slot+1, v)
		return &Map{index: bm.index, order: order}
	}
	slot := bm.order.Count() / 2
	return &Map{
		index: bm.index.set(k, slot),
		order: bm.order.Conj(k).Conj(v),
	}
}

// Dissoc returns m without key k.
func (m *Map) Dissoc(k Value) *Map {
	if m.order == nil {
		i := m.smallIndex(k)
		if i < 0 {
			return m
		}
		if len(m.kvs) == 2 {
			return EmptyMap
		}
		kvs := make([]Value, 0, len(m.kvs)-2)
		kvs = append(kvs, m.kvs[:i]...)
		kvs = append(kvs, m.kvs[i+2:]...)
		return &Map{kvs: kvs}
	}
	bm := m
	slot, ok := bm.index.get(k)
	if !ok {
		return m
	}
	index := bm.index.del(k)
	order, _ := bm.order.Assoc(2*slot, tombstone)
	order, _ = order.Assoc(2*slot+1, tombstone)
	n := index.count
	if n <= smallMax || order.Count()/2 > 2*n+32 {
		return NewMap(liveSlots(order)...)
	}
	return &Map{index: index, order: order}
}

func liveSlots(order *Vector) []Value {
	out := make([]Value, 0, order.Count())
	order.Range(func(_ int, x Value) bool {
		if !isTomb(x) {
			out = append(out, x)
		}
		return true
	})
	return out
}

// Range calls f for each entry in insertion order until f returns false.
func (m *Map) Range(f func(k, v Value) bool) {
	if m.order == nil {
		kvs := m.kvs
		for i := 0; i < len(kvs); i += 2 {
			if !f(kvs[i], kvs[i+1]) {
				return
			}
		}
		return
	}
	var key Value
	m.order.Range(func(i int, x Value) bool {
		if i&1 == 0 {
			key = x
			return true
		}
		if isTomb(key) {
			return true
		}
		return f(key, x)
	})
}

// All iterates over the entries in insertion order (range-over-func).
func (m *Map) All() func(yield func(k, v Value) bool) {
	return func(yield func(k, v Value) bool) { m.Range(yield) }
}

// Keys returns the keys in insertion order.
func (m *Map) Keys() []Value {
	out := make([]Value, 0, m.Count())
	m.Range(func(k, _ Value) bool { out = append(out, k); return true })
	return out
}

// Vals returns the values in insertion order.
func (m *Map) Vals() []Value {
	out := make([]Value, 0, m.Count())
	m.Range(func(_, v Value) bool { out = append(out, v); return true })
	return out
}

// Entries returns the entries as map-entry vectors in insertion order.
func (m *Map) Entries() []Value {
	out := make([]Value, 0, m.Count())
	m.Range(func(k, v Value) bool { out = append(out, NewMapEntry(k, v)); return true })
	return out
}
