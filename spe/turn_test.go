package spe

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/trace"
)

// nestedComps: turn 1 makes a nested (non-tail) self-call, turn 2 runs at
// depth 1 with an effect of its own, then turn 1 runs an effect and
// extends to turn 3.
var nestedComps = map[string]string{
	"main/1": `'(!call-now x (str (!llm-self "sub") (:n (fx/tick 1)))))))`,
	"main/2": `'(:n (fx/tick 2)))))`,
	"main/3": `x)))`,
}

type turnFacts struct{ n, depth, parent int }

// checkTurnFields checks that every event of the log names the handle,
// call number and depth of its turn, as turn.start gave them (issue 9
// item 1), and returns the turns and the (turn, K) of each fx/tick.
func checkTurnFields(t *testing.T, dir string) (map[int]turnFacts, map[string][2]int) {
	t.Helper()
	run, err := trace.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	events, err := run.Events()
	if err != nil {
		t.Fatal(err)
	}
	turns := map[int]turnFacts{0: {}} // the root program: n 0, depth 0
	ticks := map[string][2]int{}
	for _, ev := range events {
		if ev.Ev == trace.EvTurnStart {
			turns[ev.Turn()] = turnFacts{ev.Int(trace.KeyN), ev.Int(trace.KeyDepth), ev.Int(trace.KeyParentTurn)}
		}
	}
	for _, ev := range events {
		if !ev.Has(trace.KeyTurn) || ev.Ev == trace.EvRunResume {
			continue
		}
		f, ok := turns[ev.Turn()]
		if !ok {
			t.Errorf("line %d: %s names turn %d, which never started", ev.Line, ev.Ev, ev.Turn())
			continue
		}
		if ev.Handle() != "main" {
			t.Errorf("line %d: %s handle %q", ev.Line, ev.Ev, ev.Handle())
		}
		if ev.Has(trace.KeyN) && ev.Int(trace.KeyN) != f.n {
			t.Errorf("line %d: %s of turn %d has n %d, want %d", ev.Line, ev.Ev, ev.Turn(), ev.Int(trace.KeyN), f.n)
		}
		if ev.Has(trace.KeyDepth) && ev.Int(trace.KeyDepth) != f.depth {
			t.Errorf("line %d: %s of turn %d has depth %d, want %d", ev.Line, ev.Ev, ev.Turn(), ev.Int(trace.KeyDepth), f.depth)
		}
		if ev.Ev == trace.EvEffectBegin {
			args, _ := ev.Fields[trace.KeyArgs].([]any)
			ticks[args[0].(string)] = [2]int{ev.Turn(), ev.Int(trace.KeyK)}
		}
	}
	return turns, ticks
}

// TestNestedTurnEvents: after a nested !llm-self returns, the caller's
// effects and value are logged under the caller's turn, call number and
// depth, and the next turn's parent is the caller (issue 9 item 1); a
// resume of that run replays the caller's effect by its own (turn, K).
func TestNestedTurnEvents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	v, err, calls, _ := tickRun(t, dir, nil, nestedComps, nil)
	if err != nil || v != "21" || calls != 2 {
		t.Fatalf("run: %s %v, %d effects", value.PrStr(v), err, calls)
	}
	turns, ticks := checkTurnFields(t, dir)
	want := map[int]turnFacts{0: {}, 1: {1, 0, 0}, 2: {2, 1, 1}, 3: {3, 0, 1}}
	for seq, w := range want {
		if turns[seq] != w {
			t.Errorf("turn %d: %+v, want %+v", seq, turns[seq], w)
		}
	}
	if ticks["1"] != [2]int{1, 1} || ticks["2"] != [2]int{2, 1} {
		t.Errorf("effects (turn, K): %v, want tick 1 at (1,1) and tick 2 at (2,1)", ticks)
	}

	// Crash after the nested turn's effect: the resume replays it and runs
	// the caller's effect live.
	cutLog(t, dir, nthEvent(trace.EvEffectBegin, 2), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err, calls, prompts := tickRun(t, dir, r, nestedComps, nil)
	if err != nil || v != "21" || calls != 1 || len(prompts) != 1 {
		t.Fatalf("resumed: %s %v, %d effects, prompts %v", value.PrStr(v), err, calls, prompts)
	}
	turns, ticks = checkTurnFields(t, dir)
	if len(turns) != 4 || ticks["1"] != [2]int{1, 1} {
		t.Errorf("after resume: turns %v, ticks %v", turns, ticks)
	}
}

// TestRootValueEvent: a program run's own eval.value is turn 0, call 0,
// depth 0 even after a nested call (it was logged with the inner turn's).
func TestRootValueEvent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	w, err := trace.Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &scripted{completions: map[string]string{"main/1": `"hi")))`}, prompts: map[string]string{}}
	rt := New(Options{Provider: p, Recover: true, Limits: DefaultLimits, Trace: w})
	v, err := rt.Run(t.Context(), "<eval>", []byte(`(str "Hello " (eval '(!llm-self "Say hi")))`))
	w.Close()
	if err != nil || v != "Hello hi" {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
	checkTurnFields(t, dir)
	run, _ := trace.Open(dir, "")
	events, _ := run.Events()
	last := events[len(events)-1]
	if last.Ev != trace.EvEvalValue || last.Turn() != 0 || last.Int(trace.KeyN) != 0 || last.Int(trace.KeyDepth) != 0 {
		t.Errorf("root value event %+v", last)
	}
}

// TestTurnKinds: turn.start kinds name recovery turns and the two
// compaction stages (runtime.md §14.2).
func TestTurnKinds(t *testing.T) {
	self := &turn{kind: provider.KindSelf}
	stageB := &turn{kind: provider.KindCompactB}
	for _, tc := range []struct {
		from       *turn
		recovering bool
		prefix     string
		want       provider.Kind
	}{
		{self, false, "(quine completion (eval (do ", provider.KindSelf},
		{self, true, "(quine completion (eval (do ", provider.KindRecovery},
		{self, false, "(quine completion (eval (do " + eval.CompactTail, provider.KindCompactB},
		{stageB, false, "(quine completion (eval (do (quine task \"t\") ", provider.KindCompactC},
	} {
		if got := selfKind(tc.from, tc.recovering, tc.prefix); got != tc.want {
			t.Errorf("selfKind(%s, %v, …) = %s, want %s", tc.from.kind, tc.recovering, got, tc.want)
		}
	}
	// A trailing failure's recovery program makes a recovery turn.
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{
		"main/1": `'(!call-now a (/ 1 0)))))`,
		"main/2": `:ok)))`,
	}
	v, err, _, _ := tickRun(t, dir, nil, comps, nil)
	if err != nil || v != value.Kw("ok") {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
	run, _ := trace.Open(dir, "")
	turns, _ := run.Turns()
	var kinds []string
	for _, tu := range turns {
		kinds = append(kinds, tu.Kind)
	}
	if got := strings.Join(kinds, " "); got != "self recovery" {
		t.Errorf("turn kinds %q, want \"self recovery\"", got)
	}
}

// TestCompactionKinds: !compact's two model calls are logged as compact-b
// and compact-c turns.
func TestCompactionKinds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{
		"main/1": `(def a 1) '(!compact))))`,
		"main/2": `'(quine prompt "tick") '(def a 1)`,
		"main/3": `a`,
	}
	v, err, _, _ := tickRun(t, dir, nil, comps, nil)
	if err != nil || v != int64(1) {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
	run, _ := trace.Open(dir, "")
	turns, _ := run.Turns()
	var kinds []string
	for _, tu := range turns {
		kinds = append(kinds, tu.Kind)
	}
	if got := strings.Join(kinds, " "); got != "self compact-b compact-c" {
		t.Errorf("turn kinds %q, want \"self compact-b compact-c\"", got)
	}
}
