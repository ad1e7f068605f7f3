package spe

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/transcript"
)

// growRun replays n turns that each add one form, then :done, and returns
// the runtime and the lengths of the prompts the provider saw (in order).
func growRun(t *testing.T, n int) (*Runtime, []int) {
	return growRunProbe(t, n, nil)
}

// growRunProbe is growRun with a progress hook.
func growRunProbe(t *testing.T, n int, progress func(bool, ProgressInfo)) (*Runtime, []int) {
	return growRunProbeOpts(t, n, progress, false)
}

// growRunProbeOpts is growRunProbe; full evaluates every turn whole
// (Options.FullTurns).
func growRunProbeOpts(t *testing.T, n int, progress func(bool, ProgressInfo), full bool) (*Runtime, []int) {
	t.Helper()
	var a strings.Builder
	for i := 1; i < n; i++ {
		fmt.Fprintf(&a, "-- main/%d.completion --\n(def v%d {:n %d :name \"item %d\"}) '(!extend)\n", i, i, i, i)
	}
	fmt.Fprintf(&a, "-- main/%d.completion --\n:done\n", n)
	tr, err := transcript.Parse("grow.txtar", []byte(a.String()))
	if err != nil {
		t.Fatal(err)
	}
	p := replay.New(tr, true)
	p.Update = false
	rec := &promptLog{}
	lim := DefaultLimits
	lim.MaxTurns, lim.Budget = n+1, 0
	rt := New(Options{Provider: p, Transport: "pf", Limits: lim, Virtual: true, Trace: rec, Record: rec.record, Progress: progress, FullTurns: full})
	v, err := rt.Run(context.Background(), "<task>", []byte(Task("count")))
	if err != nil || value.PrStr(v) != ":done" {
		t.Fatalf("value %v, error %v", v, err)
	}
	return rt, rec.prompts
}

// promptLog is a Tracer that keeps nothing and a Record hook that keeps
// the prompts' lengths.
type promptLog struct{ prompts []int }

func (*promptLog) Event(string, map[string]any) error            { return nil }
func (*promptLog) WriteProgram(int, string) (string, error)      { return "", nil }
func (*promptLog) WriteLeaf(int, string, string) (string, error) { return "", nil }
func (*promptLog) Sync() error                                   { return nil }
func (l *promptLog) record(_ string, _ int, prompt, _ string) error {
	l.prompts = append(l.prompts, len(prompt))
	return nil
}

// TestPromptSHAIncremental: turn.start's prompt hash costs each turn the
// bytes the prompt added, not the whole prompt again (2,000 turns hashed
// 90 MB before).
func TestPromptSHAIncremental(t *testing.T) {
	const n = 200
	rt, prompts := growRun(t, n)
	total := 0
	for _, p := range prompts {
		total += p
	}
	last := prompts[len(prompts)-1]
	hashed := rt.hashers["main"].Hashed
	t.Logf("%d prompts, %d bytes in all, the last %d; hashed %d", len(prompts), total, last, hashed)
	if hashed > 3*last {
		t.Errorf("hashed %d bytes for %d prompts of %d bytes in all (the last is %d)", hashed, len(prompts), total, last)
	}
}

// TestPromptPrintingIncremental: a turn that appends one form prints
// (value.PrefixCache) only the forms the previous prompt did not hold:
// reading resumes from the previous program's reading and keeps its
// values, so the printer recognises them (before: every prompt printed
// every form, 2,000 turns printed 2 million forms).
func TestPromptPrintingIncremental(t *testing.T) {
	const n = 200
	rt, prompts := growRun(t, n)
	printed := rt.printers["main 0"].Printed
	t.Logf("%d prompts printed %d body forms", len(prompts), printed)
	if printed > 4*n {
		t.Errorf("%d prompts printed %d body forms (at most %d: the new ones)", len(prompts), printed, 4*n)
	}
}

// TestGrowingRunHeapLinear: while the program grows by one form a turn,
// the heap grows with the program, not with the sum of its past versions:
// the readings taken over, their spans and syntax nodes, the prompt
// printer's and hasher's state keep no earlier turn's program alive. The
// heap added from turn 500 to 1,000 is about twice that from 250 to 500
// when it is linear, four times when each turn keeps its program; and it
// is some tens of bytes per byte of program (a parser block of 12-32 KB
// kept alive per turn made it 700).
func TestGrowingRunHeapLinear(t *testing.T) {
	const n = 1000
	heap := map[int]int64{}
	probe := func(pending bool, p ProgressInfo) {
		if pending && (p.Turn == n/4 || p.Turn == n/2 || p.Turn == n) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap[p.Turn] = int64(ms.HeapAlloc)
		}
	}
	// With incremental turns (the kept snapshots bind the quine name
	// through a cell emptied at the end of each turn, eval/incr.go).
	_, prompts := growRunProbeOpts(t, n, probe, false)
	first, second := heap[n/2]-heap[n/4], heap[n]-heap[n/2]
	added := int64(prompts[n-1] - prompts[n/2-1])
	t.Logf("heap %d B at turn %d, %d B at %d, %d B at %d: +%d B, then +%d B", heap[n/4], n/4, heap[n/2], n/2, heap[n], n, first, second)
	if second > 3*first {
		t.Errorf("the heap grew %d B from turn %d to %d but %d B from %d to %d: more than linear", first, n/4, n/2, second, n/2, n)
	}
	// A form's values, syntax nodes and spans take some tens of bytes per
	// byte of its text; a parser block kept per turn costs far more.
	if second > 120*added {
		t.Errorf("the heap grew %d B while the program grew %d B (%d B a byte)", second, added, second/added)
	}
}
