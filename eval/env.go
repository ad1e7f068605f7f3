package eval

import "github.com/spell-go/spell/eval/value"

// Env is the immutable environment: a short chain of recent bindings over
// a log-structured stack of maps (levels). Every flattenAfter bindings the
// chain is folded into a new level, and levels of similar size are merged
// (a binary counter), so binding is amortised O(log n), lookup walks at
// most flattenAfter frames plus O(log n) maps, and old environments are
// never mutated. A nil *Env is the empty environment.
type Env struct {
	sym  *value.Symbol
	val  value.Value
	next *Env
	// run is the number of chain frames down to the nearest level frame.
	run int32
	// levels, on a level frame (next == nil), hold every binding visible
	// here, newest level first; a newer level shadows older ones.
	levels []map[*value.Symbol]value.Value
}

// unbound marks a removed binding (try removes the catch symbol).
type unboundMarker struct{}

var unbound value.Value = &unboundMarker{}

const flattenAfter = 48

// Bind returns env plus sym → v.
func (e *Env) Bind(sym *value.Symbol, v value.Value) *Env {
	sym.MarkBound()
	run := int32(1)
	if e != nil {
		run = e.run + 1
	}
	n := &Env{sym: sym, val: v, next: e, run: run}
	if run >= flattenAfter {
		return n.flatten()
	}
	return n
}

// Unbind returns env with sym removed.
func (e *Env) Unbind(sym *value.Symbol) *Env {
	if _, ok := e.Lookup(sym); !ok {
		return e
	}
	return e.Bind(sym, unbound)
}

// flatten folds the chain into a new level and merges levels of similar
// size.
func (e *Env) flatten() *Env {
	var frames []*Env
	x := e
	for x != nil && x.levels == nil {
		frames = append(frames, x)
		x = x.next
	}
	top := make(map[*value.Symbol]value.Value, len(frames))
	for i := len(frames) - 1; i >= 0; i-- {
		top[frames[i].sym] = frames[i].val
	}
	var older []map[*value.Symbol]value.Value
	if x != nil {
		older = x.levels
	}
	levels := make([]map[*value.Symbol]value.Value, 0, len(older)+1)
	levels = append(levels, top)
	rest := older
	for len(rest) > 0 && len(levels[len(levels)-1]) >= len(rest[0])/2 {
		// Merge the newest level with the next older one (newer wins).
		merged := make(map[*value.Symbol]value.Value, len(levels[len(levels)-1])+len(rest[0]))
		for k, v := range rest[0] {
			merged[k] = v
		}
		for k, v := range levels[len(levels)-1] {
			merged[k] = v
		}
		levels[len(levels)-1] = merged
		rest = rest[1:]
	}
	levels = append(levels, rest...)
	if len(levels) == 1 {
		// The oldest level needs no tombstones.
		for k, v := range levels[0] {
			if v == unbound {
				delete(levels[0], k)
			}
		}
	}
	return &Env{levels: levels}
}

// Lookup finds sym in the environment.
func (e *Env) Lookup(sym *value.Symbol) (value.Value, bool) {
	if !sym.EverBound() {
		return nil, false
	}
	for x := e; x != nil; x = x.next {
		if x.levels != nil {
			for _, m := range x.levels {
				if v, ok := m[sym]; ok {
					if v == unbound {
						return nil, false
					}
					if sym.Indirect() {
						return deref(v), true
					}
					return v, true
				}
			}
			return nil, false
		}
		if x.sym == sym {
			if x.val == unbound {
				return nil, false
			}
			if sym.Indirect() {
				return deref(x.val), true
			}
			return x.val, true
		}
	}
	return nil, false
}

// Contains reports whether sym is bound.
func (e *Env) Contains(sym *value.Symbol) bool { _, ok := e.Lookup(sym); return ok }

// all returns every visible binding as one map (slow path).
func (e *Env) all() map[*value.Symbol]value.Value {
	out := map[*value.Symbol]value.Value{}
	var frames []*Env
	x := e
	for x != nil && x.levels == nil {
		frames = append(frames, x)
		x = x.next
	}
	if x != nil {
		for i := len(x.levels) - 1; i >= 0; i-- {
			for k, v := range x.levels[i] {
				out[k] = v
			}
		}
	}
	for i := len(frames) - 1; i >= 0; i-- {
		out[frames[i].sym] = frames[i].val
	}
	for k, v := range out {
		if v == unbound {
			delete(out, k)
		}
	}
	return out
}

// Since returns the bindings made on top of base, oldest first. It is used
// where defs made in an inner environment must be replayed onto another
// (loop inits). ok is false if base is not an ancestor of e.
func (e *Env) Since(base *Env) (syms []*value.Symbol, vals []value.Value, ok bool) {
	var frames []*Env
	x := e
	for x != base {
		if x == nil || x.levels != nil {
			return nil, nil, false
		}
		frames = append(frames, x)
		x = x.next
	}
	for i := len(frames) - 1; i >= 0; i-- {
		syms = append(syms, frames[i].sym)
		vals = append(vals, frames[i].val)
	}
	return syms, vals, true
}

// Diff returns the bindings of e that differ from base (slow path used when
// Since cannot walk the chain because a flattening happened).
func (e *Env) Diff(base *Env) (syms []*value.Symbol, vals []value.Value) {
	for k, v := range e.all() {
		if bv, ok := base.Lookup(k); !ok || !sameValue(bv, v) {
			syms = append(syms, k)
			vals = append(vals, v)
		}
	}
	return syms, vals
}

func sameValue(a, b value.Value) bool {
	defer func() { _ = recover() }()
	return a == b
}

// Range calls fn for every visible binding (order unspecified).
func (e *Env) Range(fn func(*value.Symbol, value.Value)) {
	if e == nil {
		return
	}
	for k, v := range e.all() {
		fn(k, v)
	}
}
