package eval

// Map builtins (language.md §9.7).

import (
	"errors"

	"github.com/spell-go/spell/eval/value"
)

// registerMaps is part of loadBuiltins.
func registerMaps() {
	register("merge", coMergeFn)
	register("merge-with", coMergeWithFn)
	register("update", coUpdateFn)
	register("update-in", coUpdateInFn)
	register("get-in", coGetInFn)
	register("assoc-in", coAssocInFn)
	register("dissoc", coDissocFn)
	register("select-keys", coSelectKeysFn)
	register("zipmap", coZipmapFn)
	register("reduce-kv", coReduceKVFn)
	register("update-keys", coUpdateKeysFn)
	register("update-vals", coUpdateValsFn)
	register("frequencies", coFrequenciesFn)
	register("group-by", coGroupByFn)
	register("sorted-map", coSortedMapFn)
	register("sorted-set", coSortedSetFn)
	register("sorted-map-by", coSortedMapByFn)
	register("sorted-set-by", coSortedSetByFn)
}

// coAllNil reports whether every value is nil (merge of nothing is nil).
func coAllNil(xs []value.Value) bool {
	for _, x := range xs {
		if x != nil {
			return false
		}
	}
	return true
}

// coRangeMap iterates over the entries of a map-like value; nil has none.
func coRangeMap(v value.Value, what string, f func(k, x value.Value) error) error {
	if v == nil {
		return nil
	}
	m, ok := coAsMap(v)
	if !ok {
		return Errorf("%s expects a map, got: %s", what, value.TypeName(v))
	}
	var err error
	m.Range(func(k, x value.Value) bool {
		err = f(k, x)
		return err == nil
	})
	return err
}

func coMergeFn(_ *Call, args []value.Value) (value.Value, error) {
	if coAllNil(args) {
		return nil, nil
	}
	var acc value.Value
	for _, m := range args {
		if m == nil {
			continue
		}
		if acc == nil {
			acc = m
			continue
		}
		var err error
		if acc, err = coConj(acc, m); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func coMergeWithFn(c *Call, args []value.Value) (value.Value, error) {
	f, maps := args[0], args[1:]
	if coAllNil(maps) {
		return nil, nil
	}
	var acc value.Value
	for _, m := range maps {
		if m == nil {
			continue
		}
		if acc == nil {
			acc = m
			if _, ok := coAsMap(m); !ok {
				return nil, Errorf("merge-with expects maps, got: %s", value.TypeName(m))
			}
			continue
		}
		err := coRangeMap(m, "merge-with", func(k, v value.Value) error {
			var err error
			if old, ok := coLookup(acc, k); ok {
				if v, err = c.Apply(f, old, v); err != nil {
					return err
				}
			}
			acc, err = coAssoc(acc, k, v)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// coApplyWith calls f with x followed by extra arguments.
func coApplyWith(c *Call, f, x value.Value, extra []value.Value) (value.Value, error) {
	callArgs := make([]value.Value, 0, 1+len(extra))
	callArgs = append(callArgs, x)
	callArgs = append(callArgs, extra...)
	return c.Apply(f, callArgs...)
}

func coUpdateFn(c *Call, args []value.Value) (value.Value, error) {
	m, k, f := args[0], args[1], args[2]
	nv, err := coApplyWith(c, f, coGet(m, k, nil), args[3:])
	if err != nil {
		return nil, err
	}
	return coAssoc(m, k, nv)
}

// coPath returns the key path of update-in/assoc-in; an empty path acts as
// [nil], as Clojure's destructuring of [k & ks] does.
func coPath(ks value.Value) ([]value.Value, error) {
	path, err := Seq(ks)
	if err != nil {
		return nil, err
	}
	if len(path) == 0 {
		path = []value.Value{nil}
	}
	return path, nil
}

func coUpdateIn(c *Call, m value.Value, path []value.Value, f value.Value, extra []value.Value) (value.Value, error) {
	k := path[0]
	old := coGet(m, k, nil)
	var (
		nv  value.Value
		err error
	)
	if len(path) > 1 {
		nv, err = coUpdateIn(c, old, path[1:], f, extra)
	} else {
		nv, err = coApplyWith(c, f, old, extra)
	}
	if err != nil {
		return nil, err
	}
	return coAssoc(m, k, nv)
}

func coUpdateInFn(c *Call, args []value.Value) (value.Value, error) {
	path, err := coPath(args[1])
	if err != nil {
		return nil, err
	}
	return coUpdateIn(c, args[0], path, args[2], args[3:])
}

func coGetInFn(_ *Call, args []value.Value) (value.Value, error) {
	path, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	m := args[0]
	if len(args) == 2 {
		for _, k := range path {
			m = coGet(m, k, nil)
		}
		return m, nil
	}
	for _, k := range path {
		v, ok := coLookup(m, k)
		if !ok {
			return args[2], nil
		}
		m = v
	}
	return m, nil
}

func coAssocIn(m value.Value, path []value.Value, v value.Value) (value.Value, error) {
	k := path[0]
	if len(path) > 1 {
		inner, err := coAssocIn(coGet(m, k, nil), path[1:], v)
		if err != nil {
			return nil, err
		}
		v = inner
	}
	return coAssoc(m, k, v)
}

func coAssocInFn(_ *Call, args []value.Value) (value.Value, error) {
	path, err := coPath(args[1])
	if err != nil {
		return nil, err
	}
	return coAssocIn(args[0], path, args[2])
}

func coDissocFn(_ *Call, args []value.Value) (value.Value, error) {
	m := args[0]
	if len(args) == 1 {
		return m, nil
	}
	var err error
	for _, k := range args[1:] {
		if m, err = coDissoc(m, k); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func coSelectKeysFn(_ *Call, args []value.Value) (value.Value, error) {
	ks, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	out := value.EmptyMap
	for _, k := range ks {
		e, err := coFind(args[0], k)
		if err != nil {
			return nil, err
		}
		if e, ok := e.(*value.Vector); ok {
			out = out.Assoc(e.Key(), e.Val())
		}
	}
	return out, nil
}

func coZipmapFn(_ *Call, args []value.Value) (value.Value, error) {
	ks, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	vs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	n := min(len(ks), len(vs))
	kvs := make([]value.Value, 0, 2*n)
	for i := 0; i < n; i++ {
		kvs = append(kvs, ks[i], vs[i])
	}
	return value.NewMap(kvs...), nil
}

func coReduceKVFn(c *Call, args []value.Value) (value.Value, error) {
	f, acc, coll := args[0], args[1], args[2]
	if v, ok := coll.(*value.Vector); ok {
		for i := 0; i < v.Count(); i++ {
			x, _ := v.Nth(i)
			r, err := c.Apply(f, acc, int64(i), x)
			if err != nil {
				return nil, err
			}
			if red, ok := r.(value.Reduced); ok {
				return red.Val, nil
			}
			acc = r
		}
		return acc, nil
	}
	done := false
	err := coRangeMap(coll, "reduce-kv", func(k, x value.Value) error {
		r, err := c.Apply(f, acc, k, x)
		if err != nil {
			return err
		}
		if red, ok := r.(value.Reduced); ok {
			acc, done = red.Val, true
			return errStopRange
		}
		acc = r
		return nil
	})
	if err != nil && !(done && err == errStopRange) {
		return nil, err
	}
	return acc, nil
}

// errStopRange stops a coRangeMap iteration early without failing.
var errStopRange = errors.New("stop") // Errorf("stop") without fmt at package initialisation

func coUpdateKeysFn(c *Call, args []value.Value) (value.Value, error) {
	out := value.EmptyMap
	err := coRangeMap(args[0], "update-keys", func(k, x value.Value) error {
		nk, err := c.Apply(args[1], k)
		if err != nil {
			return err
		}
		out = out.Assoc(nk, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func coUpdateValsFn(c *Call, args []value.Value) (value.Value, error) {
	out := value.EmptyMap
	err := coRangeMap(args[0], "update-vals", func(k, x value.Value) error {
		nv, err := c.Apply(args[1], x)
		if err != nil {
			return err
		}
		out = out.Assoc(k, nv)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func coFrequenciesFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	out := value.EmptyMap
	for _, x := range xs {
		n := int64(0)
		if old, ok := out.Get(x); ok {
			n = old.(int64)
		}
		out = out.Assoc(x, n+1)
	}
	return out, nil
}

func coGroupByFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	out := value.EmptyMap
	for _, x := range xs {
		k, err := c.Apply(args[0], x)
		if err != nil {
			return nil, err
		}
		group := value.EmptyVector
		if old, ok := out.Get(k); ok {
			group = old.(*value.Vector)
		}
		out = out.Assoc(k, group.Conj(x))
	}
	return out, nil
}

// coComparator turns a Spell comparator function into a value.Comparator:
// a number result gives the order (Clojure's intValue), a boolean result
// means "a before b" (and b before a is asked to tell greater from equal).
func coComparator(c *Call, f value.Value) value.Comparator {
	return func(a, b value.Value) (int, error) {
		r, err := c.Apply(f, a, b)
		if err != nil {
			return 0, err
		}
		return coComparatorResult(c, f, a, b, r)
	}
}

func coComparatorResult(c *Call, f, a, b, r value.Value) (int, error) {
	switch x := r.(type) {
	case bool:
		if x {
			return -1, nil
		}
		r2, err := c.Apply(f, b, a)
		if err != nil {
			return 0, err
		}
		if value.Truthy(r2) {
			return 1, nil
		}
		return 0, nil
	}
	if !value.IsNumber(r) {
		return 0, Errorf("Comparator must return a number or a boolean, got: %s", value.TypeName(r))
	}
	n, err := coIndex(r)
	if err != nil {
		return 0, err
	}
	switch {
	case n < 0:
		return -1, nil
	case n > 0:
		return 1, nil
	}
	return 0, nil
}

func coSortedMapOf(cmp value.Comparator, kvs []value.Value) (value.Value, error) {
	if len(kvs)%2 != 0 {
		return nil, Errorf("No value supplied for key: %s", shown(kvs[len(kvs)-1]))
	}
	m := value.NewSortedMap(cmp)
	var err error
	for i := 0; i < len(kvs); i += 2 {
		if m, err = m.Assoc(kvs[i], kvs[i+1]); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func coSortedSetOf(cmp value.Comparator, xs []value.Value) (value.Value, error) {
	s := value.NewSortedSet(cmp)
	var err error
	for _, x := range xs {
		if s, err = s.Conj(x); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func coSortedMapFn(_ *Call, args []value.Value) (value.Value, error) {
	return coSortedMapOf(nil, args)
}

func coSortedSetFn(_ *Call, args []value.Value) (value.Value, error) {
	return coSortedSetOf(nil, args)
}

func coSortedMapByFn(c *Call, args []value.Value) (value.Value, error) {
	return coSortedMapOf(coComparator(c, args[0]), args[1:])
}

func coSortedSetByFn(c *Call, args []value.Value) (value.Value, error) {
	return coSortedSetOf(coComparator(c, args[0]), args[1:])
}
