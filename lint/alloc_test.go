package lint

import (
	"runtime"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// Analysing a small file allocates little (spell lint's start-up, issue
// 11): the slabs of references, calls and bindings start small and
// double (a 512-reference slab alone was 72 kB).
func TestAnalyzeSmallAllocatesLittle(t *testing.T) {
	f := syntax.Parse("small.spl", []byte("(let [x 41]\n  (+ x 1))\n"))
	Analyze(f, Options{}) // tables built once per process
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Analyze(f, Options{})
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 24<<10 {
		t.Errorf("analysing a two-line file allocated %d bytes, want at most 24 kB", n)
	}
}
