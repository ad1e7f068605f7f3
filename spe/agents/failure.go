package agents

import (
	"github.com/spell-go/spell/eval/value"
)

// Phase is where a child failed (effects.md §3.8).
type Phase string

const (
	PhaseStartup          Phase = "startup"
	PhaseLifecycle        Phase = "lifecycle"
	PhaseCompletionSource Phase = "completion-source"
	PhaseOnboarding       Phase = "onboarding"
)

// Failure describes the exception of a failed child.
type Failure struct {
	Class   string // "<kind>", e.g. "eval-error"
	Message string
	Data    Value // nil or Spell data
	Cause   *Failure
}

// Bounds of child-failure data (effects.md §3.8).
const (
	failureMaxDepth = 8
	failureMaxItems = 100
)

var (
	kwChildFailure = value.KwNS("spell", "child-failure")
	kwPhase        = value.Kw("phase")
	kwException    = value.Kw("exception")
	kwSpellExc     = value.KwNS("spell", "exception")
	kwClass        = value.Kw("class")
	kwMessage      = value.Kw("message")
	kwData         = value.Kw("data")
	kwCause        = value.Kw("cause")
)

// ChildFailure builds {:spell/child-failure true :handle :h :phase :p
// :exception {:spell/exception true :class … :message … :data {…} :cause
// {…}}}: only reader-safe Spell data, depth ≤ 8 (the whole value), at most
// 100 items per collection.
func ChildFailure(h Handle, phase Phase, f Failure) Value {
	return value.NewMap(kwChildFailure, true, kwHandle, kw(h), kwPhase, value.Kw(string(phase)),
		kwException, exceptionMap(&f, 2))
}

// IsChildFailure reports whether v is child-failure data.
func IsChildFailure(v Value) bool {
	m, ok := v.(*value.Map)
	if !ok {
		return false
	}
	x, ok := m.Get(kwChildFailure)
	return ok && x == true
}

// exceptionMap builds the exception map at depth d (the map itself is at
// depth d; its values at d+1).
func exceptionMap(f *Failure, d int) Value {
	if d > failureMaxDepth {
		return "…"
	}
	kvs := []Value{kwSpellExc, true, kwClass, f.Class, kwMessage, f.Message}
	data := f.Data
	if data == nil {
		data = value.EmptyMap
	}
	kvs = append(kvs, kwData, bound(data, d+1))
	if f.Cause != nil {
		kvs = append(kvs, kwCause, exceptionMap(f.Cause, d+1))
	}
	return value.NewMap(kvs...)
}

// bound makes v, which sits at nesting level d (the child-failure map is
// level 1), reader-safe data: no collection deeper than failureMaxDepth and
// at most failureMaxItems items per collection (the first ones are kept).
// Anything that is not plain data, and a collection that would sit too
// deep, becomes its printed text (at most 200 characters).
func bound(v Value, d int) Value {
	switch v.(type) {
	case *value.Vector, *value.List, *value.Map, *value.Set:
		if d > failureMaxDepth {
			return short(v)
		}
	}
	switch x := v.(type) {
	case nil, bool, int64, float64, float32, string, value.Char, *value.Keyword, *value.Symbol, value.BigDec:
		return v
	case *value.Vector:
		n := min(x.Count(), failureMaxItems)
		items := make([]Value, n)
		for i := 0; i < n; i++ {
			it, _ := x.Nth(i)
			items[i] = bound(it, d+1)
		}
		return value.NewVector(items)
	case *value.List:
		var items []Value
		x.Range(func(_ int, it Value) bool {
			items = append(items, bound(it, d+1))
			return len(items) < failureMaxItems
		})
		return value.NewList(items...)
	case *value.Map:
		kvs := make([]Value, 0, 2*min(x.Count(), failureMaxItems))
		x.Range(func(k, val Value) bool {
			kvs = append(kvs, bound(k, d+1), bound(val, d+1))
			return len(kvs) < 2*failureMaxItems
		})
		return value.NewMap(kvs...)
	case *value.Set:
		var items []Value
		x.Range(func(it Value) bool {
			items = append(items, bound(it, d+1))
			return len(items) < failureMaxItems
		})
		return value.NewSet(items...)
	}
	return short(v)
}

// short is v's printed text, at most 200 characters.
func short(v Value) string {
	s := value.PrStr(v)
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
