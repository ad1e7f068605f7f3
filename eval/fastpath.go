package eval

import (
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Fast paths for binary long arithmetic and comparison: the results are
// exactly those of the builtins (overflow and every non-long operand go
// the general way, which reports errors). They are plain functions, not
// closures over a table, so setting them allocates nothing (issue 11,
// start-up).
// setFastPaths sets the fast paths of group g's builtins, once it is
// registered (ensureGroup).
func setFastPaths(g uint8) {
	for _, f := range [...]struct {
		name string
		fn   func(x, y value.Value) (value.Value, bool)
	}{
		{"+", fastAdd}, {"-", fastSub}, {"<", fastLT}, {">", fastGT},
		{"<=", fastLE}, {">=", fastGE}, {"=", fastEq},
	} {
		if i, ok := catalog.Index(f.name); ok && builtinGroup[i] == g {
			builtins[i].fast2 = f.fn
		}
	}
	for _, f := range [...]struct {
		name string
		fn   func(x value.Value) (value.Value, bool)
	}{{"inc", fastInc}, {"dec", fastDec}} {
		if i, ok := catalog.Index(f.name); ok && builtinGroup[i] == g {
			builtins[i].fast1 = f.fn
		}
	}
}

// longs returns x and y as longs, ok false unless both are.
func longs(x, y value.Value) (a, b int64, ok bool) {
	a, ok1 := x.(int64)
	b, ok2 := y.(int64)
	return a, b, ok1 && ok2
}

func fastAdd(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	c := a + b
	if (c > a) != (b > 0) {
		return nil, false
	}
	return c, true
}

func fastSub(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	c := a - b
	if (c < a) != (b > 0) {
		return nil, false
	}
	return c, true
}

func fastLT(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	return a < b, true
}

func fastGT(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	return a > b, true
}

func fastLE(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	return a <= b, true
}

func fastGE(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	return a >= b, true
}

func fastEq(x, y value.Value) (value.Value, bool) {
	a, b, ok := longs(x, y)
	if !ok {
		return nil, false
	}
	return a == b, true
}

func fastInc(x value.Value) (value.Value, bool) {
	a, ok := x.(int64)
	if !ok || a == 1<<63-1 {
		return nil, false
	}
	return a + 1, true
}

func fastDec(x value.Value) (value.Value, bool) {
	a, ok := x.(int64)
	if !ok || a == -1<<63 {
		return nil, false
	}
	return a - 1, true
}
