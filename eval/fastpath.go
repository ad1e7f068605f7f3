package eval

import "github.com/spell-go/spell/eval/value"

// Fast paths for binary long arithmetic and comparison: the results are
// exactly those of the builtins (overflow and every non-long operand go
// the general way, which reports errors).
// setFastPaths is part of loadBuiltins.
func setFastPaths() {
	fast := map[string]func(a, b int64) (value.Value, bool){
		"+": func(a, b int64) (value.Value, bool) {
			c := a + b
			if (c > a) != (b > 0) {
				return nil, false
			}
			return c, true
		},
		"-": func(a, b int64) (value.Value, bool) {
			c := a - b
			if (c < a) != (b > 0) {
				return nil, false
			}
			return c, true
		},
		"<":  func(a, b int64) (value.Value, bool) { return a < b, true },
		">":  func(a, b int64) (value.Value, bool) { return a > b, true },
		"<=": func(a, b int64) (value.Value, bool) { return a <= b, true },
		">=": func(a, b int64) (value.Value, bool) { return a >= b, true },
		"=":  func(a, b int64) (value.Value, bool) { return a == b, true },
	}
	unary := map[string]func(a int64) (value.Value, bool){
		"inc": func(a int64) (value.Value, bool) {
			if a == 1<<63-1 {
				return nil, false
			}
			return a + 1, true
		},
		"dec": func(a int64) (value.Value, bool) {
			if a == -1<<63 {
				return nil, false
			}
			return a - 1, true
		},
	}
	for name, op := range unary {
		b, ok := registered(name)
		if !ok {
			continue
		}
		op := op
		b.fast1 = func(x value.Value) (value.Value, bool) {
			a, ok := x.(int64)
			if !ok {
				return nil, false
			}
			return op(a)
		}
	}
	for name, op := range fast {
		b, ok := registered(name)
		if !ok {
			continue
		}
		op := op
		b.fast2 = func(x, y value.Value) (value.Value, bool) {
			a, ok1 := x.(int64)
			c, ok2 := y.(int64)
			if !ok1 || !ok2 {
				return nil, false
			}
			return op(a, c)
		}
	}
}
