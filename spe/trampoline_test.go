package spe

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
)

// chainProvider answers `(prune 1) '(!extend)` n-1 times, then `:done`,
// and samples the Go stack depth and heap as it goes.
type chainProvider struct {
	n       int
	depths  []int
	heap    []uint64
	samples map[int]bool
}

func (p *chainProvider) Name() string { return "chain" }

func (p *chainProvider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	if p.samples[req.CallNumber] {
		pcs := make([]uintptr, 4096)
		p.depths = append(p.depths, runtime.Callers(0, pcs))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		p.heap = append(p.heap, ms.HeapInuse)
	}
	if req.CallNumber >= p.n {
		return &provider.Response{Suffix: ":done"}, nil
	}
	return &provider.Response{Suffix: `(prune 1) '(!extend)`}, nil
}

// TestTrampoline10000Turns: a 10,000-turn chain of tail self-calls keeps
// the Go stack and the heap flat (runtime.md §3.4).
func TestTrampoline10000Turns(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 turns take a few seconds; skipped in -short mode")
	}
	const n = 10000
	p := &chainProvider{n: n, samples: map[int]bool{100: true, 1000: true, 5000: true, 9999: true}}
	rt := New(Options{Provider: p, Recover: true, Limits: Limits{MaxTurns: 0, MaxDepth: 64, MaxConsecutiveErrors: 3}})
	v, err := rt.Run(context.Background(), "<task>", []byte(Task("chain")))
	if err != nil {
		t.Fatal(err)
	}
	if v != value.Kw("done") || rt.Stats().Calls["main"] != n || rt.Stats().MaxDepth != 0 {
		t.Fatalf("value %v, calls %d, depth %d", v, rt.Stats().Calls["main"], rt.Stats().MaxDepth)
	}
	for i := 1; i < len(p.depths); i++ {
		if p.depths[i] != p.depths[0] {
			t.Fatalf("Go stack depth grew over the chain: %v", p.depths)
		}
	}
	// Heap in use must not grow with the number of turns: allow noise, not growth.
	if first, last := p.heap[0], p.heap[len(p.heap)-1]; last > first+(4<<20) {
		t.Fatalf("heap grew from %d to %d bytes between turn 100 and turn 9999", first, last)
	}
}

// programOfSize builds a task transcript whose prefix is about size bytes
// of defs and thinks, for the per-turn overhead benchmark.
func programOfSize(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `(def v%d {:name "item %d" :tags ["alpha" "beta"] :n %d}) (think "looked at item %d") `, i, i, i, i)
	}
	return b.String()
}

// BenchmarkTurnOverhead measures everything a turn costs except the model
// call: reading prefix+suffix, evaluating the program again, editing and
// printing the next prefix. The provider answers at once.
func BenchmarkTurnOverhead(b *testing.B) {
	for _, size := range []int{10 << 10, 100 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			body := programOfSize(size)
			p := &scripted{completions: map[string]string{}, prompts: map[string]string{}}
			p.completions["main/1"] = body + `'(!extend)`
			for i := 2; i <= b.N+2; i++ {
				p.completions[fmt.Sprintf("main/%d", i)] = `(prune 1) '(!extend)`
			}
			p.completions[fmt.Sprintf("main/%d", b.N+2)] = `:done`
			rt := New(Options{Provider: p, Recover: false, Limits: Limits{MaxDepth: 64, MaxConsecutiveErrors: 3}})
			b.SetBytes(int64(size))
			b.ResetTimer()
			if _, err := rt.Run(context.Background(), "<task>", []byte(Task("bench"))); err != nil {
				b.Fatal(err)
			}
		})
	}
}
