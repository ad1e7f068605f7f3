package spe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/trace"
)

// tickComps is a three-turn task with one fx/tick effect in each of the
// first two turns.
var tickComps = map[string]string{
	"main/1": `'(!call-now a (fx/tick 1)))))`,
	"main/2": `'(!call-now b (fx/tick 2)))))`,
	"main/3": `(str (:n a) "|" (:n b)))))`,
}

// failingTracer is the test hook for a trace that fails mid-run (a full
// disk): from the first event fail accepts, it writes the head of that
// event's line (a torn line) and then fails every write with ENOSPC.
type failingTracer struct {
	*trace.Writer
	fail   func(ev string, f map[string]any) bool
	failed bool
}

func (f *failingTracer) Event(ev string, fields map[string]any) error {
	if !f.failed && f.fail(ev, fields) {
		f.failed = true
		log, err := os.OpenFile(filepath.Join(f.Dir(), trace.EventsFile), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		_, _ = log.WriteString(`{"v":1,"t":"2026-12-05T20:00:00.000000Z","ev":"` + ev[:len(ev)-2])
		log.Close()
	}
	if f.failed {
		return &trace.WriteError{Err: &os.PathError{Op: "write", Path: trace.EventsFile, Err: syscall.ENOSPC}}
	}
	return f.Writer.Event(ev, fields)
}

// tickRun runs the tick task with its trace in dir (a resumed run when
// resume is set) and returns the value, the error, the effects executed
// and the prompts the model was asked.
func tickRun(t *testing.T, dir string, resume *Resume, comps map[string]string, wrap func(*trace.Writer) Tracer) (value.Value, error, int, map[string]string) {
	t.Helper()
	var w *trace.Writer
	var err error
	if resume == nil {
		w, err = trace.Create(dir, nil)
	} else {
		w, err = trace.Append(dir, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	var tr Tracer = w
	if wrap != nil {
		tr = wrap(w)
	}
	p := &scripted{completions: comps, prompts: map[string]string{}}
	var calls int
	rt := New(Options{Provider: p, Recover: true, Limits: DefaultLimits, Trace: tr, Resume: resume})
	rt.opts.Namespaces = map[string]*value.Map{"fx": counterNS(&rt, &calls)}
	if resume == nil {
		_ = tr.Event(trace.RunStart("r1", "test", nil, "", "", "scripted", "base", nil, 1, "tick", ""))
	}
	v, runErr := rt.Run(context.Background(), "<task>", []byte(Task("tick")))
	rt.EndReplay()
	status, val, msg := trace.StatusOK, value.PrStr(v), ""
	if runErr != nil {
		status, val, msg = trace.StatusError, "", runErr.Error()
	}
	_ = tr.Event(trace.RunEnd(status, val, msg, nil, 0, 0))
	_ = w.Close()
	return v, runErr, calls, p.prompts
}

// cutLog keeps the lines of events.jsonl before the first line keep
// rejects, and appends tail.
func cutLog(t *testing.T, dir string, keep func(i int, line string) bool, tail string) {
	t.Helper()
	log := filepath.Join(dir, trace.EventsFile)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	n := 0
	for n < len(lines) && keep(n, lines[n]) {
		n++
	}
	if err := os.WriteFile(log, []byte(strings.Join(lines[:n], "")+tail), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nthEvent returns a keep function that stops at the n-th line holding ev.
func nthEvent(ev string, n int) func(int, string) bool {
	seen := 0
	return func(_ int, line string) bool {
		if strings.Contains(line, `"ev":"`+ev+`"`) {
			seen++
			if seen == n {
				return false
			}
		}
		return true
	}
}

func countEvents(t *testing.T, dir, ev string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, trace.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), `"ev":"`+ev+`"`)
}

// TestTraceWriteFailureStopsRun (issue 8 item 5): a failed trace write
// stops the run before the next effect, with the write error; the torn
// last line it leaves is an unknown outcome to resume, never "not done".
func TestTraceWriteFailureStopsRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	// The disk fills while the second effect's effect.begin is written.
	begins := 0
	_, err, calls, _ := tickRun(t, dir, nil, tickComps, func(w *trace.Writer) Tracer {
		return &failingTracer{Writer: w, fail: func(ev string, _ map[string]any) bool {
			if ev == trace.EvEffectBegin {
				begins++
			}
			return begins == 2
		}}
	})
	if err == nil || !eval.IsFatal(err) || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("run error %v, want the fatal trace write error", err)
	}
	if calls != 1 {
		t.Fatalf("%d effects executed, want 1: the effect whose beginning was not recorded must not run", calls)
	}
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.TornLine() == 0 {
		t.Fatal("the torn effect.begin line is not reported")
	}
	// Space freed: the resume replays effect 1 and does not run effect 2,
	// whose outcome the log cannot tell.
	v, err, calls, prompts := tickRun(t, dir, r, map[string]string{"main/3": tickComps["main/3"]}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Fatalf("resumed run executed %d effects, want 0", calls)
	}
	if v != "1|" || len(prompts) != 1 {
		t.Fatalf("resumed value %s, model asked for %v", value.PrStr(v), prompts)
	}
	// The unknown outcome is now recorded: a second resume agrees.
	if n := countEvents(t, dir, trace.EvRunResume); n != 1 {
		t.Fatalf("%d run.resume events", n)
	}
}

// TestTraceWriteFailureAfterEffect: the effect ran but its effect.end was
// lost; the run stops at once and a resume treats it as interrupted.
func TestTraceWriteFailureAfterEffect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	_, err, calls, _ := tickRun(t, dir, nil, tickComps, func(w *trace.Writer) Tracer {
		return &failingTracer{Writer: w, fail: func(ev string, _ map[string]any) bool { return ev == trace.EvEffectEnd }}
	})
	if err == nil || calls != 1 || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("run error %v after %d effects", err, calls)
	}
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.TornLine() != 0 {
		t.Fatal("a torn effect.end is not the next effect's beginning")
	}
	v, err, calls, _ := tickRun(t, dir, r, tickComps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || v != "|2" {
		t.Fatalf("resumed: value %s, %d effects (want only effect 2 run)", value.PrStr(v), calls)
	}
}

// TestTraceWriteFailureAtEnd: a trace that fails after the last effect
// still fails the run (a run whose trace is incomplete is not a success).
func TestTraceWriteFailureAtEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	_, err, calls, _ := tickRun(t, dir, nil, tickComps, func(w *trace.Writer) Tracer {
		return &failingTracer{Writer: w, fail: func(ev string, f map[string]any) bool {
			return ev == trace.EvEvalValue && f[trace.KeyTurn] == 3
		}}
	})
	if err == nil || calls != 2 || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("run error %v after %d effects", err, calls)
	}
}

// TestResumeTornNonEffect: a torn line that shows another event is not an
// effect's beginning: the next effect runs.
func TestResumeTornNonEffect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir, nil, tickComps, nil)
	cutLog(t, dir, nthEvent(trace.EvModelCompletion, 2), `{"v":1,"t":"2026-12-05T20:00:00.000000Z","ev":"model.completion","handle":"ma`)
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.TornLine() != 0 {
		t.Fatal("torn model.completion taken for an effect")
	}
	v, err, calls, prompts := tickRun(t, dir, r, tickComps, nil)
	if err != nil || v != "1|2" || calls != 1 || len(prompts) != 2 {
		t.Fatalf("resumed: %s %v, %d effects, prompts %v", value.PrStr(v), err, calls, prompts)
	}
}

// TestResumeCrashMidEffect: effect.begin without effect.end is not run
// again; it returns the outcome-unknown envelope (runtime.md §14.3).
func TestResumeCrashMidEffect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir, nil, tickComps, nil)
	cutLog(t, dir, nthEvent(trace.EvEffectEnd, 2), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	comps := map[string]string{"main/3": `(str (:n a) "|" (:err b)))))`}
	v, err, calls, _ := tickRun(t, dir, r, comps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 0 || v != "1|interrupted by a crash; outcome unknown" {
		t.Fatalf("resumed: %s, %d effects", value.PrStr(v), calls)
	}
}

// TestResumeRecordedError: an effect that failed is replayed as the same
// catchable error, not run again.
func TestResumeRecordedError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{
		"main/1": `'(!call-now a (try (fx/tick nil) (catch e (str "caught: " (:message e))))))))`,
		"main/2": `a)))`,
	}
	v, err, calls, _ := tickRun(t, dir, nil, comps, nil)
	if err != nil || calls != 1 || !strings.HasSuffix(v.(string), "tick needs a value") {
		t.Fatalf("first run: %s %v %d", value.PrStr(v), err, calls)
	}
	cutLog(t, dir, nthEvent(trace.EvModelCompletion, 2), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err, calls, _ = tickRun(t, dir, r, comps, nil)
	if err != nil || calls != 0 || !strings.HasSuffix(v.(string), "tick needs a value") {
		t.Fatalf("resumed: %s %v, %d effects", value.PrStr(v), err, calls)
	}
}

// TestResumeDivergence (issue 8 item 11): a recorded effect whose function
// or arguments differ from the re-executed call is a resume error.
func TestResumeDivergence(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"args", `"args":["1"]`, `"args":["7"]`, "effect 1 of turn 1 (fx/tick) has different arguments than recorded"},
		{"arity", `"args":["1"]`, `"args":["1","2"]`, "effect 1 of turn 1 was fx/tick, now fx/tick: the run diverged"},
		{"function", `"fn":"fx/tick","handle":"main","k":1,"turn":1`, `"fn":"fx/tock","handle":"main","k":1,"turn":1`, "effect 1 of turn 1 was fx/tock, now fx/tick: the run diverged from its log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			tickRun(t, dir, nil, tickComps, nil)
			cutLog(t, dir, nthEvent(trace.EvModelCompletion, 2), "")
			log := filepath.Join(dir, trace.EventsFile)
			data, _ := os.ReadFile(log)
			if !strings.Contains(string(data), tc.from) {
				t.Fatalf("log has no %s", tc.from)
			}
			_ = os.WriteFile(log, []byte(strings.Replace(string(data), tc.from, tc.to, 1)), 0o644)
			r, err := LoadResume(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			_, err, calls, _ := tickRun(t, dir, r, tickComps, nil)
			if err == nil || !eval.IsFatal(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("resume error %v, want %q", err, tc.want)
			}
			if calls != 0 {
				t.Fatalf("a diverged resume ran %d effects", calls)
			}
		})
	}
}

// TestResumeLogsOnlyNewEvents (issue 8 item 7): a resumed run does not
// append the turns it replays; it continues the log after run.resume.
func TestResumeLogsOnlyNewEvents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir, nil, tickComps, nil)
	cutLog(t, dir, nthEvent(trace.EvModelCompletion, 2), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	tickRun(t, dir, r, tickComps, nil)
	if n := countEvents(t, dir, trace.EvTurnStart); n != 3 {
		t.Errorf("%d turn.start events for 3 turns", n)
	}
	if n := countEvents(t, dir, trace.EvEffectBegin); n != 2 {
		t.Errorf("%d effect.begin events for 2 effects", n)
	}
	run, err := trace.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	events, err := run.Events()
	if err != nil {
		t.Fatal(err)
	}
	var evs []string
	for _, ev := range events {
		evs = append(evs, ev.Ev)
	}
	got := strings.Join(evs, " ")
	if !strings.Contains(got, "effect.end eval.value turn.start model.call run.resume model.call model.completion program effect.begin effect.end eval.value turn.start") {
		t.Errorf("events: %s", got)
	}
}

// TestResumeCompletedRefused (issue 8 item 7): a run that ended with a
// value has nothing to resume.
func TestResumeCompletedRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir, nil, tickComps, nil)
	if _, err := LoadResume(dir, ""); !errors.Is(err, ErrCompleted) {
		t.Fatalf("LoadResume of a completed run: %v", err)
	}
	// A run that stopped with an error can be resumed (with raised limits).
	dir2 := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir2, nil, map[string]string{"main/1": tickComps["main/1"]}, nil)
	if _, err := LoadResume(dir2, ""); err != nil {
		t.Fatalf("LoadResume of a failed run: %v", err)
	}
}

// TestResumeRedacted: [REDACTED] in a recorded program is reported.
func TestResumeRedacted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{"main/1": `'(!call-now a (fx/tick "[REDACTED]")))))`, "main/2": `a)))`}
	tickRun(t, dir, nil, comps, nil)
	cutLog(t, dir, nthEvent(trace.EvModelCompletion, 2), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Redacted {
		t.Fatal("[REDACTED] in a recorded completion not reported")
	}
	dir2 := filepath.Join(t.TempDir(), "run")
	tickRun(t, dir2, nil, tickComps, nil)
	cutLog(t, dir2, nthEvent(trace.EvModelCompletion, 2), "")
	if r, _ := LoadResume(dir2, ""); r.Redacted {
		t.Fatal("Redacted set without the marker")
	}
}

// leafProvider answers leaf calls with a fixed text and records requests.
type leafProvider struct {
	scripted
	reqs []provider.Request
}

func (p *leafProvider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	p.reqs = append(p.reqs, *req)
	return p.scripted.Complete(ctx, req)
}

// TestLeafLLM: leaf-llm is one plain-text model call of the handle: call
// number, kind leaf, the leaf system prompt, the text transport, its
// NNNN.txt file and turn.start kind leaf; a resume serves it from the log.
func TestLeafLLM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{
		"main/1": `'(!call-now s (leaf-llm (str "Summarise: " "abc"))))))`,
		"main/2": `(  a summary.  `,
		"main/3": `(str "got " s))))`,
	}
	run := func(resume *Resume) (*leafProvider, value.Value, error) {
		var w *trace.Writer
		var err error
		if resume == nil {
			w, err = trace.Create(dir, nil)
		} else {
			w, err = trace.Append(dir, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		p := &leafProvider{scripted: scripted{completions: comps, prompts: map[string]string{}}}
		rt := New(Options{Provider: p, Transport: provider.Prefill, System: "SELF", LeafSystem: "LEAF", Recover: true, Limits: DefaultLimits, Trace: w, Resume: resume})
		if resume == nil {
			_ = w.Event(trace.RunStart("r1", "test", nil, "", "", "scripted", "base", nil, 1, "leaf", ""))
		}
		v, err := rt.Run(context.Background(), "<task>", []byte(Task("leaf")))
		return p, v, err
	}
	p, v, err := run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "got (  a summary.  " {
		t.Fatalf("value %s", value.PrStr(v))
	}
	leaf := p.reqs[1]
	if leaf.Kind != provider.KindLeaf || leaf.CallNumber != 2 || leaf.System != "LEAF" || leaf.Transport != provider.Text || leaf.Prefix != "Summarise: abc" {
		t.Fatalf("leaf request %+v", leaf)
	}
	if p.reqs[2].PreviousPrefix != p.reqs[0].Prefix {
		t.Error("a leaf call changed the handle's previous prefix")
	}
	run0, _ := trace.Open(dir, "")
	prompt, resp, err := run0.Leaf(2)
	if err != nil || prompt != "Summarise: abc" || resp != "(  a summary.  " {
		t.Fatalf("leaf file: %q %q %v", prompt, resp, err)
	}
	turns, err := run0.Turns()
	if err != nil || len(turns) != 3 || turns[1].Kind != "leaf" || turns[1].PromptFile != "0002.txt" || turns[1].Parent != 1 {
		t.Fatalf("turns %v %+v", err, turns[1])
	}
	// Resume after the leaf call: it is served from the log.
	cutLog(t, dir, nthEvent(trace.EvModelCompletion, 3), "")
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	p, v, err = run(r)
	if err != nil || v != "got (  a summary.  " || len(p.reqs) != 1 || p.reqs[0].CallNumber != 3 {
		t.Fatalf("resumed: %s %v, requests %d", value.PrStr(v), err, len(p.reqs))
	}
}

// TestLeafLLMErrors: without a model, and past the turn limit, a leaf call
// fails without a request.
func TestLeafLLMErrors(t *testing.T) {
	rt := New(Options{Limits: DefaultLimits})
	_, err := rt.Run(context.Background(), "<eval>", []byte(`(eval '(leaf-llm "x"))`))
	if err == nil || !strings.Contains(err.Error(), "No model configured") {
		t.Fatalf("no model: %v", err)
	}
	p := &leafProvider{scripted: scripted{completions: map[string]string{"main/1": "one"}, prompts: map[string]string{}}}
	rt = New(Options{Provider: p, Limits: Limits{MaxTurns: 1, MaxConsecutiveErrors: 3}})
	_, err = rt.Run(context.Background(), "<eval>", []byte(`(eval '(str (leaf-llm "a") (leaf-llm "b")))`))
	if err == nil || !strings.Contains(err.Error(), "Turn limit exceeded: 1 model calls") || len(p.reqs) != 1 {
		t.Fatalf("turn limit: %v after %d requests", err, len(p.reqs))
	}
}
