package spe

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/transcript"
)

// growRun replays n turns that each add one form, then :done, and returns
// the runtime and the prompts the provider saw (in order).
func growRun(t *testing.T, n int) (*Runtime, []string) {
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
	rt := New(Options{Provider: p, Transport: "pf", Limits: lim, Virtual: true, Trace: rec, Record: rec.record})
	v, err := rt.Run(context.Background(), "<task>", []byte(Task("count")))
	if err != nil || value.PrStr(v) != ":done" {
		t.Fatalf("value %v, error %v", v, err)
	}
	return rt, rec.prompts
}

// promptLog is a Tracer that keeps nothing and a Record hook that keeps
// the prompts.
type promptLog struct{ prompts []string }

func (*promptLog) Event(string, map[string]any) error            { return nil }
func (*promptLog) WriteProgram(int, string) (string, error)      { return "", nil }
func (*promptLog) WriteLeaf(int, string, string) (string, error) { return "", nil }
func (*promptLog) Sync() error                                   { return nil }
func (l *promptLog) record(_ string, _ int, prompt, _ string) error {
	l.prompts = append(l.prompts, prompt)
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
		total += len(p)
	}
	last := len(prompts[len(prompts)-1])
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
