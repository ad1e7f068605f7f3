package eval

// Sequence builtins (language.md §9.8). Most results are vectors.

import (
	"errors"
	"math"
	"slices"

	"github.com/spell-go/spell/eval/value"
)

// registerSequences is part of loadBuiltins.
func registerSequences() {
	register("map", coMapFn)
	register("map-indexed", coMapIndexedFn)
	register("filter", coFilterFn)
	register("remove", coRemoveFn)
	register("keep", coKeepFn)
	register("keep-indexed", coKeepIndexedFn)
	register("mapcat", coMapcatFn)
	register("reduce", coReduceFn)
	register("reductions", coReductionsFn)
	register("some", coSomeFn)
	register("find-first", coFindFirstFn)
	register("every?", coEveryFn)
	register("not-any?", coNotAnyFn)
	register("not-every?", coNotEveryFn)
	register("take", coTakeFn)
	register("drop", coDropFn)
	register("take-last", coTakeLastFn)
	register("take-while", coTakeWhileFn)
	register("drop-while", coDropWhileFn)
	register("take-nth", coTakeNthFn)
	register("drop-last", coDropLastFn)
	register("split-at", coSplitAtFn)
	register("split-with", coSplitWithFn)
	register("range", coRangeFn)
	register("repeat", coRepeatFn)
	register("repeatedly", coRepeatedlyFn)
	register("sort", coSortFn)
	register("sort-by", coSortByFn)
	register("distinct", coDistinctFn)
	register("dedupe", coDedupeFn)
	register("flatten", coFlattenFn)
	register("shuffle", coShuffleFn)
	register("random-sample", coRandomSampleFn)
	register("partition", coPartitionFn)
	register("partition-all", coPartitionAllFn)
	register("partition-by", coPartitionByFn)
	register("interleave", coInterleaveFn)
	register("interpose", coInterposeFn)
	register("tree-seq", coTreeSeqFn)
	register("rand-nth", coRandNthFn)
	register("distinct?", coDistinctPFn)
	register("reduced", coReducedFn)
	register("apply", coApplyFn)
}

// coEach calls f for each element of a seqable value in order, without
// copying vectors and lists first (a large copy cannot be cancelled).
func coEach(v value.Value, f func(x value.Value) error) error {
	var err error
	switch x := v.(type) {
	case *value.Vector:
		x.Range(func(_ int, e value.Value) bool { err = f(e); return err == nil })
		return err
	case *value.List:
		x.Range(func(_ int, e value.Value) bool { err = f(e); return err == nil })
		return err
	}
	xs, err := Seq(v)
	if err != nil {
		return err
	}
	for _, x := range xs {
		if err := f(x); err != nil {
			return err
		}
	}
	return nil
}

// errCoStop ends a coEach iteration early without failing.
var errCoStop = errors.New("stop") // Errorf("stop") without fmt at package initialisation

// coFilterBy keeps the elements whose (pred x) truthiness equals keep.
func coFilterBy(c *Call, pred, coll value.Value, keep bool) (value.Value, error) {
	var out []value.Value
	err := coEach(coll, func(x value.Value) error {
		r, err := c.Apply(pred, x)
		if err != nil {
			return err
		}
		if value.Truthy(r) == keep {
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return coVec(out), nil
}

// coPrefixWhile returns the length of the leading run of xs for which
// pred is truthy.
func coPrefixWhile(c *Call, pred value.Value, xs []value.Value) (int, error) {
	for i, x := range xs {
		r, err := c.Apply(pred, x)
		if err != nil {
			return 0, err
		}
		if !value.Truthy(r) {
			return i, nil
		}
	}
	return len(xs), nil
}

// coCapped returns xs[lo:hi] with its capacity capped, so that vectors
// built from overlapping parts of one slice never write into each other.
func coCapped(xs []value.Value, lo, hi int) []value.Value {
	return xs[lo:hi:hi]
}

func coMapFn(c *Call, args []value.Value) (value.Value, error) {
	f := args[0]
	if len(args) == 2 {
		xs, err := Seq(args[1])
		if err != nil {
			return nil, err
		}
		for i, x := range xs {
			if xs[i], err = c.Apply(f, x); err != nil {
				return nil, err
			}
		}
		return coVec(xs), nil
	}
	colls := make([][]value.Value, len(args)-1)
	n := math.MaxInt
	for i, a := range args[1:] {
		xs, err := Seq(a)
		if err != nil {
			return nil, err
		}
		colls[i] = xs
		n = min(n, len(xs))
	}
	out := make([]value.Value, n)
	for i := range out {
		callArgs := make([]value.Value, len(colls))
		for j, xs := range colls {
			callArgs[j] = xs[i]
		}
		r, err := c.Apply(f, callArgs...)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return coVec(out), nil
}

func coMapIndexedFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	for i, x := range xs {
		if xs[i], err = c.Apply(args[0], int64(i), x); err != nil {
			return nil, err
		}
	}
	return coVec(xs), nil
}

func coFilterFn(c *Call, args []value.Value) (value.Value, error) {
	return coFilterBy(c, args[0], args[1], true)
}

func coRemoveFn(c *Call, args []value.Value) (value.Value, error) {
	return coFilterBy(c, args[0], args[1], false)
}

func coKeepGeneric(c *Call, f, coll value.Value, indexed bool) (value.Value, error) {
	xs, err := Seq(coll)
	if err != nil {
		return nil, err
	}
	out := xs[:0]
	for i, x := range xs {
		var r value.Value
		if indexed {
			r, err = c.Apply(f, int64(i), x)
		} else {
			r, err = c.Apply(f, x)
		}
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return coVec(out), nil
}

func coKeepFn(c *Call, args []value.Value) (value.Value, error) {
	return coKeepGeneric(c, args[0], args[1], false)
}

func coKeepIndexedFn(c *Call, args []value.Value) (value.Value, error) {
	return coKeepGeneric(c, args[0], args[1], true)
}

func coMapcatFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	var out []value.Value
	for _, x := range xs {
		r, err := c.Apply(args[0], x)
		if err != nil {
			return nil, err
		}
		part, err := Seq(r)
		if err != nil {
			return nil, err
		}
		if err := coCheck(c, len(out)+len(part)); err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return coVec(out), nil
}

func coReduceFn(c *Call, args []value.Value) (value.Value, error) {
	f, coll := args[0], args[len(args)-1]
	var acc value.Value
	started := false
	if len(args) == 3 {
		acc, started = args[1], true
	}
	err := coEach(coll, func(x value.Value) error {
		if !started {
			acc, started = x, true
			return nil
		}
		r, err := c.Apply(f, acc, x)
		if err != nil {
			return err
		}
		if red, ok := r.(value.Reduced); ok {
			acc = red.Val
			return errCoStop
		}
		acc = r
		return nil
	})
	if err != nil && err != errCoStop {
		return nil, err
	}
	if !started {
		return c.Apply(f) // (reduce f []) calls (f) (D4)
	}
	return acc, nil
}

func coReductionsFn(c *Call, args []value.Value) (value.Value, error) {
	f := args[0]
	xs, err := Seq(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	var acc value.Value
	if len(args) == 3 {
		acc = args[1]
	} else {
		if len(xs) == 0 {
			r, err := c.Apply(f)
			if err != nil {
				return nil, err
			}
			return value.VectorOf(r), nil
		}
		acc, xs = xs[0], xs[1:]
	}
	if red, ok := acc.(value.Reduced); ok {
		return value.VectorOf(red.Val), nil
	}
	out := make([]value.Value, 0, len(xs)+1)
	out = append(out, acc)
	for _, x := range xs {
		r, err := c.Apply(f, acc, x)
		if err != nil {
			return nil, err
		}
		if red, ok := r.(value.Reduced); ok {
			out = append(out, red.Val)
			break
		}
		acc = r
		out = append(out, acc)
	}
	return coVec(out), nil
}

func coSomeFn(c *Call, args []value.Value) (value.Value, error) {
	_, r, err := coFirstMatch(c, args[0], args[1])
	return r, err
}

func coFindFirstFn(c *Call, args []value.Value) (value.Value, error) {
	x, _, err := coFirstMatch(c, args[0], args[1])
	return x, err
}

// coFirstMatch returns the first element x of coll with a truthy
// (pred x), and that result; nils when there is none.
func coFirstMatch(c *Call, pred, coll value.Value) (x, r value.Value, err error) {
	err = coEach(coll, func(e value.Value) error {
		v, err := c.Apply(pred, e)
		if err != nil {
			return err
		}
		if value.Truthy(v) {
			x, r = e, v
			return errCoStop
		}
		return nil
	})
	if err != nil && err != errCoStop {
		return nil, nil, err
	}
	return x, r, nil
}

// coAllMatch reports whether (pred x) has truthiness want for every x.
func coAllMatch(c *Call, pred, coll value.Value, want bool) (bool, error) {
	all := true
	err := coEach(coll, func(x value.Value) error {
		r, err := c.Apply(pred, x)
		if err != nil {
			return err
		}
		if value.Truthy(r) != want {
			all = false
			return errCoStop
		}
		return nil
	})
	if err != nil && err != errCoStop {
		return false, err
	}
	return all, nil
}

func coEveryFn(c *Call, args []value.Value) (value.Value, error) {
	ok, err := coAllMatch(c, args[0], args[1], true)
	if err != nil {
		return nil, err
	}
	return ok, nil
}

func coNotAnyFn(c *Call, args []value.Value) (value.Value, error) {
	ok, err := coAllMatch(c, args[0], args[1], false)
	if err != nil {
		return nil, err
	}
	return ok, nil
}

func coNotEveryFn(c *Call, args []value.Value) (value.Value, error) {
	ok, err := coAllMatch(c, args[0], args[1], true)
	if err != nil {
		return nil, err
	}
	return !ok, nil
}

// coNSeq parses the (n coll) arguments of take/drop-like builtins.
func coNSeq(args []value.Value) (int, []value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return 0, nil, err
	}
	xs, err := Seq(args[1])
	if err != nil {
		return 0, nil, err
	}
	return max(n, 0), xs, nil
}

func coTakeFn(_ *Call, args []value.Value) (value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		if _, err := Seq(args[1]); err != nil {
			return nil, err
		}
		return value.EmptyVector, nil
	}
	xs, err := coFirstN(args[1], n)
	if err != nil {
		return nil, err
	}
	return coVec(xs), nil
}

func coDropFn(_ *Call, args []value.Value) (value.Value, error) {
	n, xs, err := coNSeq(args)
	if err != nil {
		return nil, err
	}
	return coVec(xs[min(n, len(xs)):]), nil
}

func coTakeLastFn(_ *Call, args []value.Value) (value.Value, error) {
	n, xs, err := coNSeq(args)
	if err != nil {
		return nil, err
	}
	return coVec(xs[len(xs)-min(n, len(xs)):]), nil
}

func coTakeWhileFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	n, err := coPrefixWhile(c, args[0], xs)
	if err != nil {
		return nil, err
	}
	return coVec(xs[:n]), nil
}

func coDropWhileFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	n, err := coPrefixWhile(c, args[0], xs)
	if err != nil {
		return nil, err
	}
	return coVec(xs[n:]), nil
}

func coTakeNthFn(c *Call, args []value.Value) (value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return nil, err
	}
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return value.EmptyVector, nil
	}
	if n <= 0 {
		return nil, coEndless(c) // (take-nth 0 coll) repeats the first element forever
	}
	out := make([]value.Value, 0, (len(xs)+n-1)/n)
	for i := 0; i < len(xs); i += n {
		out = append(out, xs[i])
	}
	return coVec(out), nil
}

func coDropLastFn(_ *Call, args []value.Value) (value.Value, error) {
	n := 1
	if len(args) == 2 {
		var err error
		if n, err = coAmount(args[0]); err != nil {
			return nil, err
		}
	}
	xs, err := Seq(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	return coVec(xs[:len(xs)-min(max(n, 0), len(xs))]), nil
}

func coSplitAtFn(_ *Call, args []value.Value) (value.Value, error) {
	n, xs, err := coNSeq(args)
	if err != nil {
		return nil, err
	}
	n = min(n, len(xs))
	return value.VectorOf(coVec(coCapped(xs, 0, n)), coVec(xs[n:])), nil
}

func coSplitWithFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	n, err := coPrefixWhile(c, args[0], xs)
	if err != nil {
		return nil, err
	}
	return value.VectorOf(coVec(coCapped(xs, 0, n)), coVec(xs[n:])), nil
}

// ---------------------------------------------------------------- range

func coRangeFn(c *Call, args []value.Value) (value.Value, error) {
	var start, end, step value.Value = int64(0), nil, int64(1)
	switch len(args) {
	case 1:
		end = args[0]
	case 2:
		start, end = args[0], args[1]
	default:
		start, end, step = args[0], args[1], args[2]
	}
	for _, v := range []value.Value{start, end, step} {
		if !value.IsNumber(v) {
			return nil, coNotNumber(v)
		}
	}
	s, ok1 := start.(int64)
	e, ok2 := end.(int64)
	st, ok3 := step.(int64)
	if ok1 && ok2 && ok3 {
		return coRangeLong(c, s, e, st)
	}
	return coRangeNum(c, start, end, step)
}

// coRangeLong is range over longs; the size is known, and checked against
// the output limit, before anything is allocated.
func coRangeLong(c *Call, s, e, st int64) (value.Value, error) {
	var n uint64
	switch {
	case st > 0:
		if e <= s {
			return value.EmptyVector, nil
		}
		n = (uint64(e)-uint64(s)-1)/uint64(st) + 1
	case st < 0:
		if e >= s {
			return value.EmptyVector, nil
		}
		n = (uint64(s)-uint64(e)-1)/(-uint64(st)) + 1
	default:
		if s == e {
			return value.EmptyVector, nil
		}
		return nil, coEndless(c)
	}
	if err := coCheck(c, int(min(n, math.MaxInt64))); err != nil {
		return nil, err
	}
	out := make([]value.Value, n)
	x := s
	for i := range out {
		if err := coStep(c); err != nil {
			return nil, err
		}
		out[i] = x
		x += st
	}
	return coVec(out), nil
}

// coRangeNum is range over any numbers: repeated addition of step, as
// Clojure's Range does. The size is estimated and checked first.
func coRangeNum(c *Call, start, end, step value.Value) (value.Value, error) {
	sgn := value.Sign(step)
	gt := func(a, b value.Value) bool { r, _ := value.NumGT(a, b); return r }
	if eq, _ := value.NumEqual(start, end); eq || (sgn > 0 && gt(start, end)) || (sgn < 0 && gt(end, start)) {
		return value.EmptyVector, nil
	}
	if sgn == 0 {
		return nil, coEndless(c)
	}
	fs, _ := value.ToFloat64(start)
	fe, _ := value.ToFloat64(end)
	fst, _ := value.ToFloat64(step)
	est := math.Ceil((fe - fs) / fst)
	n := max(coSaturate(est), 0)
	if err := coCheck(c, n); err != nil {
		return nil, err
	}
	out := make([]value.Value, 0, n)
	x := start
	for {
		var more bool
		if sgn > 0 {
			more, _ = value.NumLT(x, end)
		} else {
			more = gt(x, end)
		}
		if !more {
			break
		}
		if len(out) >= n {
			if err := coCheck(c, len(out)+1); err != nil {
				return nil, err
			}
		}
		if err := coStep(c); err != nil {
			return nil, err
		}
		out = append(out, x)
		var err error
		if x, err = value.Add(x, step); err != nil {
			return nil, err
		}
	}
	return coVec(out), nil
}

func coRepeatFn(c *Call, args []value.Value) (value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return nil, err
	}
	n = max(n, 0)
	if err := coCheck(c, n); err != nil {
		return nil, err
	}
	out := make([]value.Value, n)
	for i := range out {
		if err := coStep(c); err != nil {
			return nil, err
		}
		out[i] = args[1]
	}
	return coVec(out), nil
}

func coRepeatedlyFn(c *Call, args []value.Value) (value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return nil, err
	}
	n = max(n, 0)
	if err := coCheck(c, n); err != nil {
		return nil, err
	}
	out := make([]value.Value, n)
	for i := range out {
		if out[i], err = c.Apply(args[1]); err != nil {
			return nil, err
		}
	}
	return coVec(out), nil
}

// ---------------------------------------------------------------- sorting

// coSortStable sorts xs stably by compare on keys (parallel to xs).
func coSortStable(xs, keys []value.Value) error {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	var err error
	slices.SortStableFunc(idx, func(a, b int) int {
		if err != nil {
			return 0
		}
		r, e := value.Compare(keys[a], keys[b])
		if e != nil {
			err = e
		}
		return r
	})
	if err != nil {
		return err
	}
	sorted := make([]value.Value, len(xs))
	for i, j := range idx {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
	return nil
}

func coSortFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	var cerr error
	slices.SortStableFunc(xs, func(a, b value.Value) int {
		if cerr != nil {
			return 0
		}
		r, e := value.Compare(a, b)
		if e != nil {
			cerr = e
		}
		return r
	})
	if cerr != nil {
		return nil, cerr
	}
	return coVec(xs), nil
}

func coSortByFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	keys := make([]value.Value, len(xs))
	for i, x := range xs {
		if keys[i], err = c.Apply(args[0], x); err != nil {
			return nil, err
		}
	}
	if err := coSortStable(xs, keys); err != nil {
		return nil, err
	}
	return coVec(xs), nil
}

// ---------------------------------------------------------------- shapes

func coDistinctFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	seen := value.EmptySet
	out := xs[:0]
	for _, x := range xs {
		if seen.Contains(x) {
			continue
		}
		seen = seen.Conj(x)
		out = append(out, x)
	}
	return coVec(out), nil
}

func coDedupeFn(_ *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	out := xs[:0]
	for i, x := range xs {
		if i > 0 && value.Equal(x, xs[i-1]) {
			continue
		}
		out = append(out, x)
	}
	// out aliases xs: the comparison above reads xs[i-1] before out can
	// overwrite it, because len(out) <= i at every step.
	return coVec(out), nil
}

func coFlattenFn(c *Call, args []value.Value) (value.Value, error) {
	if !value.IsSequential(args[0]) {
		return value.EmptyVector, nil
	}
	type frame struct {
		xs []value.Value
		i  int
	}
	top, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	stack := []frame{{xs: top}}
	var out []value.Value
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.i >= len(f.xs) {
			stack = stack[:len(stack)-1]
			continue
		}
		x := f.xs[f.i]
		f.i++
		if err := coStep(c); err != nil {
			return nil, err
		}
		if value.IsSequential(x) {
			inner, err := Seq(x)
			if err != nil {
				return nil, err
			}
			stack = append(stack, frame{xs: inner})
			continue
		}
		if err := coCheck(c, len(out)+1); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return coVec(out), nil
}

func coShuffleFn(c *Call, args []value.Value) (value.Value, error) {
	switch args[0].(type) {
	case *value.List, *value.Vector, *value.Set, *value.SortedSet:
	default:
		return nil, Errorf("shuffle expects a collection, got: %s", value.TypeName(args[0]))
	}
	xs, err := Seq(args[0])
	if err != nil {
		return nil, err
	}
	c.Rand().Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return coVec(xs), nil
}

func coRandomSampleFn(c *Call, args []value.Value) (value.Value, error) {
	prob, ok := value.ToFloat64(args[0])
	if !ok {
		return nil, coNotNumber(args[0])
	}
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	out := xs[:0]
	for _, x := range xs {
		if c.Rand().Float64() < prob {
			out = append(out, x)
		}
	}
	return coVec(out), nil
}

// coPartition implements partition (all false) and partition-all (all
// true) with n elements per part and step between part starts.
func coPartition(c *Call, args []value.Value, all bool) (value.Value, error) {
	n, err := coAmount(args[0])
	if err != nil {
		return nil, err
	}
	step := n
	if len(args) == 3 {
		if step, err = coAmount(args[1]); err != nil {
			return nil, err
		}
	}
	xs, err := Seq(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	var out []value.Value
	for i := 0; i < len(xs); {
		size := min(max(n, 0), len(xs)-i)
		if !all && size != n {
			break
		}
		if step <= 0 {
			return nil, coEndless(c) // the same part forever
		}
		if err := coStep(c); err != nil {
			return nil, err
		}
		out = append(out, coVec(coCapped(xs, i, i+size)))
		if step > len(xs)-i {
			break
		}
		i += step
	}
	return coVec(out), nil
}

func coPartitionFn(c *Call, args []value.Value) (value.Value, error) {
	return coPartition(c, args, false)
}

func coPartitionAllFn(c *Call, args []value.Value) (value.Value, error) {
	return coPartition(c, args, true)
}

func coPartitionByFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	var out []value.Value
	start := 0
	var prev value.Value
	for i, x := range xs {
		k, err := c.Apply(args[0], x)
		if err != nil {
			return nil, err
		}
		if i > 0 && !value.Equal(k, prev) {
			out = append(out, coVec(coCapped(xs, start, i)))
			start = i
		}
		prev = k
	}
	if start < len(xs) {
		out = append(out, coVec(coCapped(xs, start, len(xs))))
	}
	return coVec(out), nil
}

func coInterleaveFn(c *Call, args []value.Value) (value.Value, error) {
	if len(args) == 0 {
		return value.EmptyVector, nil
	}
	colls := make([][]value.Value, len(args))
	n := math.MaxInt
	for i, a := range args {
		xs, err := Seq(a)
		if err != nil {
			return nil, err
		}
		colls[i] = xs
		n = min(n, len(xs))
	}
	if err := coCheck(c, n*len(colls)); err != nil {
		return nil, err
	}
	out := make([]value.Value, 0, n*len(colls))
	for i := 0; i < n; i++ {
		for _, xs := range colls {
			out = append(out, xs[i])
		}
	}
	return coVec(out), nil
}

func coInterposeFn(c *Call, args []value.Value) (value.Value, error) {
	xs, err := Seq(args[1])
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return value.EmptyVector, nil
	}
	if err := coCheck(c, 2*len(xs)-1); err != nil {
		return nil, err
	}
	out := make([]value.Value, 0, 2*len(xs)-1)
	for i, x := range xs {
		if i > 0 {
			out = append(out, args[0])
		}
		out = append(out, x)
	}
	return coVec(out), nil
}

func coTreeSeqFn(c *Call, args []value.Value) (value.Value, error) {
	branch, children := args[0], args[1]
	stack := []value.Value{args[2]}
	var out []value.Value
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := coCheck(c, len(out)+1); err != nil {
			return nil, err
		}
		if err := coStep(c); err != nil {
			return nil, err
		}
		out = append(out, node)
		b, err := c.Apply(branch, node)
		if err != nil {
			return nil, err
		}
		if !value.Truthy(b) {
			continue
		}
		kids, err := c.Apply(children, node)
		if err != nil {
			return nil, err
		}
		ks, err := Seq(kids)
		if err != nil {
			return nil, err
		}
		for i := len(ks) - 1; i >= 0; i-- {
			stack = append(stack, ks[i])
		}
	}
	return coVec(out), nil
}

func coRandNthFn(c *Call, args []value.Value) (value.Value, error) {
	n, err := coCount(args[0])
	if err != nil {
		return nil, err
	}
	i := 0
	if n > 0 {
		i = c.Rand().Intn(n)
	}
	return coNthFn(c, []value.Value{args[0], int64(i)})
}

func coDistinctPFn(_ *Call, args []value.Value) (value.Value, error) {
	seen := value.EmptySet
	for _, x := range args {
		if seen.Contains(x) {
			return false, nil
		}
		seen = seen.Conj(x)
	}
	return true, nil
}

func coReducedFn(_ *Call, args []value.Value) (value.Value, error) {
	return value.Reduced{Val: args[0]}, nil
}

func coApplyFn(c *Call, args []value.Value) (value.Value, error) {
	spread, err := Seq(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	callArgs := make([]value.Value, 0, len(args)-2+len(spread))
	callArgs = append(callArgs, args[1:len(args)-1]...)
	callArgs = append(callArgs, spread...)
	return c.Apply(args[0], callArgs...)
}
