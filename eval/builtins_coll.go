package eval

// Collection builtins (language.md §9.6) and the helpers shared by the
// collection, map, sequence and combinator builtins (prefix co).

import (
	"math"
	"math/big"

	"github.com/spell-go/spell/eval/value"
)

// registerCollections is part of loadBuiltins.
func registerCollections() {
	register("list", coList)
	register("vector", coVector)
	register("set", coSetFn)
	register("first", coFirstFn)
	register("second", coSecondFn)
	register("last", coLastFn)
	register("ffirst", coFfirstFn)
	register("rest", coRestFn)
	register("next", coNextFn)
	register("cons", coConsFn)
	register("conj", coConjFn)
	register("get", coGetFn)
	register("assoc", coAssocFn)
	register("count", coCountFn)
	register("reverse", coReverseFn)
	register("nth", coNthFn)
	register("keys", coKeysFn)
	register("vals", coValsFn)
	register("key", coKeyFn)
	register("val", coValFn)
	register("into", coIntoFn)
	register("concat", coConcatFn)
	register("peek", coPeekFn)
	register("pop", coPopFn)
	register("butlast", coButlastFn)
	register("subvec", coSubvecFn)
	register("vec", coVecFn)
	register("not-empty", coNotEmptyFn)
	register("find", coFindFn)
	register("list*", coListStarFn)
	register("seq", coSeqFn)
	register("contains?", coContainsFn)
	register("disj", coDisjFn)
	register("empty?", coEmptyFn)
}

// ---------------------------------------------------------------- helpers

// coStep charges one evaluation step (limits and cancellation) in loops
// that do not call back into Spell.
func coStep(c *Call) error {
	if c == nil || c.In == nil {
		return nil
	}
	return c.Step()
}

// coCheck fails with the output limit when a collection of n elements would
// exceed it; call it before allocating.
func coCheck(c *Call, n int) error {
	if c == nil || c.In == nil {
		if n < 0 || n > 10_000_000 {
			return Errorf("Output limit exceeded: collection of %d elements", n)
		}
		return nil
	}
	return c.CheckCount(n)
}

// coEndless is the failure of a collection that would never end (an
// endless range, partition step 0, …): it exceeds any output limit.
func coEndless(c *Call) error { return coCheck(c, math.MaxInt) }

// coVec builds a vector owning items.
func coVec(items []value.Value) *value.Vector {
	if len(items) == 0 {
		return value.EmptyVector
	}
	return value.NewVector(items)
}

// coSeqOrNil builds a seq-kind sequence, or nil when items is empty.
func coSeqOrNil(items []value.Value) value.Value {
	if len(items) == 0 {
		return nil
	}
	return value.NewSeq(items)
}

// coNotNumber is the error for a non-numeric argument where a number is needed.
func coNotNumber(v value.Value) error {
	return Errorf("Expected a number, got: %s", value.TypeName(v))
}

// coIndex converts an index argument to an int: integers as they are,
// other numbers truncated toward zero (Clojure's intValue). Out-of-range
// values saturate.
func coIndex(v value.Value) (int, error) {
	switch x := v.(type) {
	case int64:
		return int(x), nil
	case *big.Int:
		if x.IsInt64() {
			return int(x.Int64()), nil
		}
		if x.Sign() < 0 {
			return math.MinInt, nil
		}
		return math.MaxInt, nil
	}
	f, ok := value.ToFloat64(v)
	if !ok {
		return 0, coNotNumber(v)
	}
	return coSaturate(math.Trunc(f)), nil
}

// coAmount converts a count argument (take, drop, partition sizes, …) to an
// int. Non-integral numbers round up, as Clojure's count-down loops with
// (pos? n) do; NaN counts as 0.
func coAmount(v value.Value) (int, error) {
	switch v.(type) {
	case int64, *big.Int:
		return coIndex(v)
	}
	f, ok := value.ToFloat64(v)
	if !ok {
		return 0, coNotNumber(v)
	}
	return coSaturate(math.Ceil(f)), nil
}

func coSaturate(f float64) int {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt
	case f <= math.MinInt64:
		return math.MinInt
	}
	return int(f)
}

// coIntKey returns v as an int when it is an integer value (vector keys).
func coIntKey(v value.Value) (int, bool) {
	n, ok := value.ToInt64(v)
	return int(n), ok
}

// coMapLike is the read interface of maps, sorted maps and Spell functions.
type coMapLike interface {
	Count() int
	Get(k value.Value) (value.Value, bool)
	Range(f func(k, v value.Value) bool)
}

// coAsMap returns v as a readable map when it is one.
func coAsMap(v value.Value) (coMapLike, bool) {
	switch m := v.(type) {
	case *value.Map:
		return m, true
	case *value.SortedMap:
		return m, true
	case *value.SpellFn:
		return m, true
	}
	return nil, false
}

// coFirstN returns up to n leading elements of a seqable value without
// materialising the rest.
func coFirstN(v value.Value, n int) ([]value.Value, error) {
	var out []value.Value
	if n <= 0 {
		if !IsSeqable(v) {
			_, err := Seq(v)
			return nil, err
		}
		return nil, nil
	}
	switch x := v.(type) {
	case *value.List:
		x.Range(func(_ int, e value.Value) bool { out = append(out, e); return len(out) < n })
		return out, nil
	case *value.Vector:
		for i := 0; i < n && i < x.Count(); i++ {
			e, _ := x.Nth(i)
			out = append(out, e)
		}
		return out, nil
	case string:
		for _, r := range x {
			if len(out) >= n {
				break
			}
			out = append(out, value.Char(r))
		}
		return out, nil
	case *value.Map:
		x.Range(func(k, e value.Value) bool { out = append(out, value.NewMapEntry(k, e)); return len(out) < n })
		return out, nil
	case *value.SortedMap:
		x.Range(func(k, e value.Value) bool { out = append(out, value.NewMapEntry(k, e)); return len(out) < n })
		return out, nil
	case *value.Set:
		x.Range(func(e value.Value) bool { out = append(out, e); return len(out) < n })
		return out, nil
	case *value.SortedSet:
		x.Range(func(e value.Value) bool { out = append(out, e); return len(out) < n })
		return out, nil
	}
	all, err := Seq(v)
	if err != nil {
		return nil, err
	}
	if len(all) > n {
		all = all[:n]
	}
	return all, nil
}

// coFirst is `first`.
func coFirst(v value.Value) (value.Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case *value.List:
		return x.First(), nil
	case *value.Vector:
		e, _ := x.Nth(0)
		return e, nil
	}
	xs, err := coFirstN(v, 1)
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	return xs[0], nil
}

// coCount is `count`.
func coCount(v value.Value) (int, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case string:
		return value.StrCount(x), nil
	case *value.List:
		return x.Count(), nil
	case *value.Vector:
		return x.Count(), nil
	case *value.Map:
		return x.Count(), nil
	case *value.Set:
		return x.Count(), nil
	case *value.SortedMap:
		return x.Count(), nil
	case *value.SortedSet:
		return x.Count(), nil
	case *value.SpellFn:
		return x.Count(), nil
	}
	return 0, Errorf("count not supported on this type: %s", value.TypeName(v))
}

// coLookup is `get` with a found flag: maps by key, vectors and strings by
// integer index, sets by membership; anything else finds nothing.
func coLookup(coll, k value.Value) (value.Value, bool) {
	switch x := coll.(type) {
	case *value.Map:
		return x.Get(k)
	case *value.SpellFn:
		return x.Get(k)
	case *value.SortedMap:
		return x.Get(k)
	case *value.Vector:
		if i, ok := coIntKey(k); ok {
			return x.Nth(i)
		}
	case string:
		if i, ok := coIntKey(k); ok {
			if ch, ok := value.StrNth(x, i); ok {
				return ch, true
			}
		}
	case *value.Set:
		return x.Get(k)
	case *value.SortedSet:
		if x.Contains(k) {
			return k, true
		}
	}
	return nil, false
}

// coGet is `get` with a default.
func coGet(coll, k, notFound value.Value) value.Value {
	if v, ok := coLookup(coll, k); ok {
		return v
	}
	return notFound
}

// coAssoc is `assoc` of one key: maps (nil makes a map), vectors (index up
// to the count).
func coAssoc(coll, k, v value.Value) (value.Value, error) {
	switch x := coll.(type) {
	case nil:
		return value.NewMap(k, v), nil
	case *value.Map:
		return x.Assoc(k, v), nil
	case *value.SpellFn:
		return x.AsMap().Assoc(k, v), nil
	case *value.SortedMap:
		return x.Assoc(k, v)
	case *value.Vector:
		i, ok := coIntKey(k)
		if !ok {
			return nil, Errorf("Key must be integer")
		}
		nv, ok := x.Assoc(i, v)
		if !ok {
			return nil, Errorf("Index %d out of bounds (count %d)", i, x.Count())
		}
		return nv, nil
	}
	return nil, Errorf("assoc not supported on this type: %s", value.TypeName(coll))
}

// coDissoc removes one key from a map.
func coDissoc(coll, k value.Value) (value.Value, error) {
	switch x := coll.(type) {
	case nil:
		return nil, nil
	case *value.Map:
		return x.Dissoc(k), nil
	case *value.SpellFn:
		return x.AsMap().Dissoc(k), nil
	case *value.SortedMap:
		return x.Dissoc(k)
	}
	return nil, Errorf("dissoc not supported on this type: %s", value.TypeName(coll))
}

// coConj is `conj` of one element.
func coConj(coll, x value.Value) (value.Value, error) {
	switch t := coll.(type) {
	case nil:
		return value.NewList(x), nil
	case *value.List:
		return t.Conj(x), nil
	case *value.Vector:
		return t.Conj(x), nil
	case *value.Set:
		return t.Conj(x), nil
	case *value.SortedSet:
		return t.Conj(x)
	case *value.Map, *value.SortedMap, *value.SpellFn:
		return coConjMap(coll, x)
	}
	return nil, Errorf("conj not supported on this type: %s", value.TypeName(coll))
}

// coConjMap adds a [k v] pair or all entries of a map to a map.
func coConjMap(m, x value.Value) (value.Value, error) {
	switch e := x.(type) {
	case nil:
		return m, nil
	case *value.Vector:
		if e.Count() != 2 {
			return nil, Errorf("Vector arg to map conj must be a pair")
		}
		k, _ := e.Nth(0)
		v, _ := e.Nth(1)
		return coAssoc(m, k, v)
	}
	src, ok := coAsMap(x)
	if !ok {
		return nil, Errorf("Don't know how to conj a %s onto a map", value.TypeName(x))
	}
	var err error
	src.Range(func(k, v value.Value) bool {
		m, err = coAssoc(m, k, v)
		return err == nil
	})
	return m, err
}

// coEmpty reports whether a seqable value has no elements.
func coEmpty(v value.Value) (bool, error) {
	if !IsSeqable(v) {
		_, err := Seq(v)
		return false, err
	}
	n, err := coCount(v)
	return n == 0, err
}

// ---------------------------------------------------------------- builtins

func coList(_ *Call, args []value.Value) (value.Value, error) {
	return value.NewList(args...), nil
}

func coVector(_ *Call, args []value.Value) (value.Value, error) {
	return value.VectorOf(args...), nil
}

func coSetFn(_ *Call, args []value.Value) (value.Value, error) {
	if s, ok := args[0].(*value.Set); ok {
		return s, nil
	}
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	return value.NewSet(xs...), nil
}

func coFirstFn(_ *Call, args []value.Value) (value.Value, error) { return coFirst(args[0]) }

func coSecondFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := coFirstN(args[0], 2)
	if err != nil || len(xs) < 2 {
		return nil, err
	}
	return xs[1], nil
}

func coLastFn(_ *Call, args []value.Value) (value.Value, error) {
	switch x := args[0].(type) {
	case *value.Vector:
		e, _ := x.Nth(x.Count() - 1)
		return e, nil
	}
	xs, err := Seq(args[0])
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	return xs[len(xs)-1], nil
}

func coFfirstFn(_ *Call, args []value.Value) (value.Value, error) {
	f, err := coFirst(args[0])
	if err != nil {
		return nil, err
	}
	return coFirst(f)
}

// coRest is `rest`: lists keep their kind, everything else becomes a seq.
func coRest(v value.Value) (*value.List, error) {
	switch x := v.(type) {
	case nil:
		return value.EmptySeq, nil
	case *value.List:
		return x.Rest(), nil
	}
	xs, err := Seq(v)
	if err != nil {
		return nil, err
	}
	if len(xs) <= 1 {
		return value.EmptySeq, nil
	}
	return value.NewSeq(xs[1:]), nil
}

func coRestFn(_ *Call, args []value.Value) (value.Value, error) { return coRest(args[0]) }

func coNextFn(_ *Call, args []value.Value) (value.Value, error) {
	r, err := coRest(args[0])
	if err != nil || r.Empty() {
		return nil, err
	}
	return r, nil
}

func coConsFn(_ *Call, args []value.Value) (value.Value, error) {
	switch x := args[1].(type) {
	case nil:
		return value.Cons(args[0], nil), nil
	case *value.List:
		return value.Cons(args[0], x), nil
	}
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	return value.Cons(args[0], value.NewSeq(xs)), nil
}

func coConjFn(_ *Call, args []value.Value) (value.Value, error) {
	if len(args) == 0 {
		return value.EmptyVector, nil
	}
	coll := args[0]
	var err error
	for _, x := range args[1:] {
		if coll, err = coConj(coll, x); err != nil {
			return nil, err
		}
	}
	return coll, nil
}

func coGetFn(_ *Call, args []value.Value) (value.Value, error) {
	var nf value.Value
	if len(args) > 2 {
		nf = args[2]
	}
	return coGet(args[0], args[1], nf), nil
}

func coAssocFn(_ *Call, args []value.Value) (value.Value, error) {
	if len(args)%2 == 0 {
		return nil, Errorf("assoc expects even number of arguments after map/vector, found odd number")
	}
	coll := args[0]
	var err error
	for i := 1; i+1 < len(args); i += 2 {
		if coll, err = coAssoc(coll, args[i], args[i+1]); err != nil {
			return nil, err
		}
	}
	return coll, nil
}

func coCountFn(_ *Call, args []value.Value) (value.Value, error) {
	n, err := coCount(args[0])
	if err != nil {
		return nil, err
	}
	return int64(n), nil
}

func coReverseFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
	return coVec(xs), nil
}

func coNthFn(_ *Call, args []value.Value) (value.Value, error) {
	i, err := coIndex(args[1])
	if err != nil {
		return nil, err
	}
	var (
		v  value.Value
		ok bool
	)
	switch x := args[0].(type) {
	case nil:
		return nil, nil
	case *value.Vector:
		v, ok = x.Nth(i)
	case *value.List:
		v, ok = x.Nth(i)
	case string:
		var ch value.Char
		ch, ok = value.StrNth(x, i)
		v = ch
	default:
		return nil, Errorf("nth not supported on this type: %s", value.TypeName(args[0]))
	}
	if ok {
		return v, nil
	}
	if len(args) > 2 {
		return args[2], nil
	}
	return nil, Errorf("index %d out of bounds", i)
}

func coKeysOrVals(v value.Value, keys bool) (value.Value, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := coAsMap(v)
	if !ok {
		return nil, Errorf("%s expects a map, got: %s", map[bool]string{true: "keys", false: "vals"}[keys], value.TypeName(v))
	}
	out := make([]value.Value, 0, m.Count())
	m.Range(func(k, x value.Value) bool {
		if keys {
			out = append(out, k)
		} else {
			out = append(out, x)
		}
		return true
	})
	return coSeqOrNil(out), nil
}

func coKeysFn(_ *Call, args []value.Value) (value.Value, error) { return coKeysOrVals(args[0], true) }
func coValsFn(_ *Call, args []value.Value) (value.Value, error) { return coKeysOrVals(args[0], false) }

func coEntry(v value.Value, what string) (*value.Vector, error) {
	if e, ok := v.(*value.Vector); ok && e.IsEntry() {
		return e, nil
	}
	return nil, Errorf("%s expects a map entry, got: %s", what, value.TypeName(v))
}

func coKeyFn(_ *Call, args []value.Value) (value.Value, error) {
	e, err := coEntry(args[0], "key")
	if err != nil {
		return nil, err
	}
	return e.Key(), nil
}

func coValFn(_ *Call, args []value.Value) (value.Value, error) {
	e, err := coEntry(args[0], "val")
	if err != nil {
		return nil, err
	}
	return e.Val(), nil
}

func coIntoFn(c *Call, args []value.Value) (value.Value, error) {
	to := args[0]
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	if n, err := coCount(to); err == nil {
		if err := coCheck(c, n+len(xs)); err != nil {
			return nil, err
		}
	}
	if v, ok := to.(*value.Vector); ok {
		to = v.Plain()
	}
	for _, x := range xs {
		if to, err = coConj(to, x); err != nil {
			return nil, err
		}
	}
	return to, nil
}

func coConcatFn(c *Call, args []value.Value) (value.Value, error) {
	var out []value.Value
	for _, a := range args {
		xs, err := Seq(a)
		if err != nil {
			return nil, err
		}
		if err := coCheck(c, len(out)+len(xs)); err != nil {
			return nil, err
		}
		out = append(out, xs...)
	}
	return value.NewSeq(out), nil
}

func coPeekFn(_ *Call, args []value.Value) (value.Value, error) {
	switch x := args[0].(type) {
	case nil:
		return nil, nil
	case *value.Vector:
		e, _ := x.Nth(x.Count() - 1)
		return e, nil
	case *value.List:
		if !x.IsSeq() {
			return x.First(), nil
		}
	}
	return nil, Errorf("peek not supported on this type: %s", value.TypeName(args[0]))
}

func coPopFn(_ *Call, args []value.Value) (value.Value, error) {
	switch x := args[0].(type) {
	case nil:
		return nil, nil
	case *value.Vector:
		nv, ok := x.Pop()
		if !ok {
			return nil, Errorf("Can't pop empty vector")
		}
		return nv, nil
	case *value.List:
		if !x.IsSeq() {
			if x.Empty() {
				return nil, Errorf("Can't pop empty list")
			}
			return x.Rest(), nil
		}
	}
	return nil, Errorf("pop not supported on this type: %s", value.TypeName(args[0]))
}

func coButlastFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil || len(xs) <= 1 {
		return nil, err
	}
	return value.NewSeq(xs[:len(xs)-1]), nil
}

func coSubvecFn(_ *Call, args []value.Value) (value.Value, error) {
	v, ok := args[0].(*value.Vector)
	if !ok {
		return nil, Errorf("subvec expects a vector, got: %s", value.TypeName(args[0]))
	}
	start, err := coIndex(args[1])
	if err != nil {
		return nil, err
	}
	end := v.Count()
	if len(args) > 2 {
		if end, err = coIndex(args[2]); err != nil {
			return nil, err
		}
	}
	sub, ok := v.Sub(start, end)
	if !ok {
		return nil, Errorf("index out of bounds: subvec %d %d of a vector of %d elements", start, end, v.Count())
	}
	return sub, nil
}

func coVecFn(_ *Call, args []value.Value) (value.Value, error) {
	if v, ok := args[0].(*value.Vector); ok {
		return v.Plain(), nil
	}
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	return coVec(xs), nil
}

func coNotEmptyFn(_ *Call, args []value.Value) (value.Value, error) {
	empty, err := coEmpty(args[0])
	if err != nil || empty {
		return nil, err
	}
	return args[0], nil
}

// coFind is `find`: the map entry of k, or nil.
func coFind(coll, k value.Value) (value.Value, error) {
	switch x := coll.(type) {
	case nil:
		return nil, nil
	case *value.Map:
		if key, v, ok := x.Find(k); ok {
			return value.NewMapEntry(key, v), nil
		}
		return nil, nil
	case *value.SortedMap, *value.SpellFn:
		if v, ok := coLookup(x, k); ok {
			return value.NewMapEntry(k, v), nil
		}
		return nil, nil
	case *value.Vector:
		if i, ok := coIntKey(k); ok {
			if v, ok := x.Nth(i); ok {
				return value.NewMapEntry(k, v), nil
			}
		}
		return nil, nil
	}
	return nil, Errorf("find not supported on this type: %s", value.TypeName(coll))
}

func coFindFn(_ *Call, args []value.Value) (value.Value, error) { return coFind(args[0], args[1]) }

func coListStarFn(c *Call, args []value.Value) (value.Value, error) {
	last := args[len(args)-1]
	xs, err := Seq(last)
	if err != nil {
		return nil, err
	}
	if len(args) == 1 {
		return coSeqOrNil(xs), nil
	}
	if err := coCheck(c, len(args)-1+len(xs)); err != nil {
		return nil, err
	}
	out := make([]value.Value, 0, len(args)-1+len(xs))
	out = append(out, args[:len(args)-1]...)
	out = append(out, xs...)
	return value.NewSeq(out), nil
}

func coSeqFn(_ *Call, args []value.Value) (value.Value, error) {
	if l, ok := args[0].(*value.List); ok {
		if l.Empty() {
			return nil, nil
		}
		return l.AsSeq(), nil
	}
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	return coSeqOrNil(xs), nil
}

func coContainsFn(_ *Call, args []value.Value) (value.Value, error) {
	coll, k := args[0], args[1]
	switch x := coll.(type) {
	case nil:
		return false, nil
	case *value.Map, *value.SortedMap, *value.SpellFn, *value.Set:
		_, ok := coLookup(x, k)
		return ok, nil
	case *value.SortedSet:
		ok, err := x.Lookup(k)
		return ok, err
	case *value.Vector:
		i, ok := coIntKey(k)
		return ok && i >= 0 && i < x.Count(), nil
	case string:
		i, ok := coIntKey(k)
		return ok && i >= 0 && i < value.StrCount(x), nil
	}
	return nil, Errorf("contains? not supported on type: %s", value.TypeName(coll))
}

func coDisjFn(_ *Call, args []value.Value) (value.Value, error) {
	switch s := args[0].(type) {
	case nil:
		return nil, nil
	case *value.Set:
		for _, x := range args[1:] {
			s = s.Disj(x)
		}
		return s, nil
	case *value.SortedSet:
		var err error
		for _, x := range args[1:] {
			if s, err = s.Disj(x); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, Errorf("disj not supported on this type: %s", value.TypeName(args[0]))
}

func coEmptyFn(_ *Call, args []value.Value) (value.Value, error) {
	empty, err := coEmpty(args[0])
	if err != nil {
		return nil, err
	}
	return empty, nil
}
