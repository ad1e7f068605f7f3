package eval

import (
	"math"
	"testing"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// TestFastPathsMatchBuiltins: where a fast path answers, it answers what
// the builtin does, at the overflow edges too; and setting the fast paths
// allocates nothing (issue 11, start-up: they were closures over two maps).
func TestFastPathsMatchBuiltins(t *testing.T) {
	loadBuiltins()
	vals := []value.Value{int64(0), int64(1), int64(-1), int64(41), int64(math.MaxInt64), int64(math.MinInt64), 1.5, "x", nil}
	c := &Call{In: New(nil, Options{})}
	for _, name := range []string{"+", "-", "<", ">", "<=", ">=", "=", "inc", "dec"} {
		b, ok := builtinNamed(name)
		if !ok || (b.fast1 == nil) == (b.fast2 == nil) {
			t.Fatalf("%s: no fast path", name)
		}
		for _, x := range vals {
			if b.fast1 != nil {
				if v, ok := b.fast1(x); ok {
					if w, err := b.Fn(c, []value.Value{x}); err != nil || !value.Equal(v, w) {
						t.Errorf("(%s %v): fast %v, builtin %v %v", name, x, v, w, err)
					}
				}
				continue
			}
			for _, y := range vals {
				if v, ok := b.fast2(x, y); ok {
					if w, err := b.Fn(c, []value.Value{x, y}); err != nil || !value.Equal(v, w) {
						t.Errorf("(%s %v %v): fast %v, builtin %v %v", name, x, y, v, w, err)
					}
				}
			}
		}
	}
	plus, _ := catalog.Index("+")
	if n := testing.AllocsPerRun(10, func() { setFastPaths(builtinGroup[plus]) }); n != 0 {
		t.Errorf("setFastPaths allocates %v times", n)
	}
}
