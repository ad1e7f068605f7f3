package eval

import "github.com/spell-go/spell/eval/value"

// Env is the immutable environment: a chain of bindings with periodic
// flattening into a map, so lookups stay cheap however many defs a program
// makes. A nil *Env is the empty environment.
type Env struct {
	sym  *value.Symbol
	val  value.Value
	next *Env
	// run is the number of chain frames above the nearest flat frame.
	run int32
	// flat, when non-nil, holds every binding visible at this frame
	// (this frame's and everything below); next is then nil.
	flat map[*value.Symbol]value.Value
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

func (e *Env) flatten() *Env {
	// Collect chain frames down to the nearest flat frame.
	var frames []*Env
	x := e
	for x != nil && x.flat == nil {
		frames = append(frames, x)
		x = x.next
	}
	size := len(frames)
	if x != nil {
		size += len(x.flat)
	}
	m := make(map[*value.Symbol]value.Value, size)
	if x != nil {
		for k, v := range x.flat {
			m[k] = v
		}
	}
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].val == unbound {
			delete(m, frames[i].sym)
		} else {
			m[frames[i].sym] = frames[i].val
		}
	}
	return &Env{flat: m}
}

// Lookup finds sym in the environment.
func (e *Env) Lookup(sym *value.Symbol) (value.Value, bool) {
	if !sym.EverBound() {
		return nil, false
	}
	for x := e; x != nil; x = x.next {
		if x.flat != nil {
			v, ok := x.flat[sym]
			return v, ok
		}
		if x.sym == sym {
			if x.val == unbound {
				return nil, false
			}
			return x.val, true
		}
	}
	return nil, false
}

// Contains reports whether sym is bound.
func (e *Env) Contains(sym *value.Symbol) bool { _, ok := e.Lookup(sym); return ok }

// Since returns the bindings made on top of base, oldest first. It is used
// where defs made in an inner environment must be replayed onto another
// (loop inits). ok is false if base is not an ancestor of e.
func (e *Env) Since(base *Env) (syms []*value.Symbol, vals []value.Value, ok bool) {
	var frames []*Env
	x := e
	for x != base {
		if x == nil || x.flat != nil {
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
	all := e.flatten().flat
	for k, v := range all {
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
	for k, v := range e.flatten().flat {
		fn(k, v)
	}
}
