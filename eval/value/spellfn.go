package value

import "sync/atomic"

// SpellFn is a Spell function. It IS the map
// {:spell/fn true, :params Params, :body Body} for printing, equality,
// hashing, get, keys and count. Extra is a cache slot for the evaluator and
// is ignored by equality and printing; it is atomic because futures call
// the same function on several goroutines.
type SpellFn struct {
	Params Value
	Body   *List
	Extra  atomic.Value
}

func (f *SpellFn) body() *List {
	if f.Body == nil {
		return EmptyList
	}
	return f.Body
}

// AsMap returns the map form {:spell/fn true, :params P, :body B}.
func (f *SpellFn) AsMap() *Map {
	return &Map{kvs: []Value{KwSpellFn, true, KwParams, f.Params, KwBody, f.body()}}
}

// Count is 3 (the number of map entries).
func (f *SpellFn) Count() int { return 3 }

// Get looks up a key of the map form.
func (f *SpellFn) Get(k Value) (Value, bool) {
	switch k {
	case Value(KwSpellFn):
		return true, true
	case Value(KwParams):
		return f.Params, true
	case Value(KwBody):
		return f.body(), true
	}
	return nil, false
}

// Range calls fn for each entry of the map form in order.
func (f *SpellFn) Range(fn func(k, v Value) bool) {
	_ = fn(KwSpellFn, true) && fn(KwParams, f.Params) && fn(KwBody, f.body())
}
