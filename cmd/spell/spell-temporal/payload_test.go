package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	stemporal "github.com/spell-go/spell/spe/temporal"
	"github.com/spell-go/spell/spe/trace"
)

// replayable reads the history of run id from the server and checks that
// this release's workflow code replays it without non-determinism.
func replayable(t *testing.T, e *env, id string) *historypb.History {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := stemporal.Dial(ctx, e.addr, e.ns)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var h historypb.History
	it := cl.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(stemporal.RunWorkflow, workflow.RegisterOptions{Name: stemporal.WorkflowName})
	if err := r.ReplayWorkflowHistory(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), &h); err != nil {
		t.Errorf("the history of %s does not replay: %v", id, err)
	}
	return &h
}

func payloadBytes(p *commonpb.Payloads) int {
	n := 0
	for _, x := range p.GetPayloads() {
		n += len(x.GetData())
		for k, v := range x.GetMetadata() {
			n += len(k) + len(v)
		}
	}
	return n
}

// A long run on the server, with two workers polling: each step's input
// payload stays the same size while the log grows (protocol 1 carried the
// whole log in every step's input: a run's last input was its log, and a
// long run hit the server's 2 MB payload limit), each step's result is
// that step's delta, and the run stays on the worker that keeps it: no
// step after the first replays the log. The history replays with this
// release's workflow code.
func TestLongRunPayloadsBounded(t *testing.T) {
	e := newEnv(t)
	e.worker(nil, "--identity", "w1")
	e.worker(nil, "--identity", "w2")
	const n = 40
	var b strings.Builder
	b.WriteString("(do\n")
	for i := range n {
		fmt.Fprintf(&b, "  (eval '(io/spit \"n.log\" (str \"%03d \" (apply str (repeat 2000 \"x\")) \"\\n\") {:append true}))\n", i)
	}
	b.WriteString("  \"done\")\n")
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "n.spl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := filepath.Join(e.dir, "long")
	stdout, stderr, code := e.spell(root, nil, "run", "--engine", "temporal", "--trace-dir", tr, "n.spl")
	if code != 0 || stdout != "done\n" {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	events, err := os.ReadFile(filepath.Join(tr, trace.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	var inputs, results []int
	replays := 0
	for _, ev := range replayable(t, e, filepath.Base(tr)).GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			inputs = append(inputs, payloadBytes(ev.GetActivityTaskScheduledEventAttributes().GetInput()))
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			p := ev.GetActivityTaskCompletedEventAttributes().GetResult()
			results = append(results, payloadBytes(p))
			var out stemporal.StepOutput
			if err := converter.GetDefaultDataConverter().FromPayloads(p, &out); err != nil {
				t.Fatal(err)
			}
			if out.Replayed && len(results) > 1 {
				replays++
			}
		}
	}
	if len(inputs) != n || len(results) != n {
		t.Fatalf("%d steps scheduled, %d completed, want %d: one per effect (no step moved)", len(inputs), len(results), n)
	}
	maxIn, maxOut := 0, 0
	for i := range inputs {
		maxIn, maxOut = max(maxIn, inputs[i]), max(maxOut, results[i])
	}
	t.Logf("%d steps: step input %d bytes first, %d at most; step result %d bytes at most; the log %d bytes (protocol 1's last step input)", n, inputs[0], maxIn, maxOut, len(events))
	if maxIn > inputs[0]+8 {
		t.Errorf("step inputs grew from %d to %d bytes", inputs[0], maxIn)
	}
	// Each result is one step's delta: a few KB, whatever the run's length.
	if maxOut > len(events)/8 {
		t.Errorf("a step result of %d bytes for a log of %d", maxOut, len(events))
	}
	if len(events) < 4*maxIn {
		t.Errorf("the log (%d bytes) is not much larger than a step input (%d): the test shows nothing", len(events), maxIn)
	}
	if replays != 0 {
		t.Errorf("%d steps after the first replayed the log: the run moved between workers", replays)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "n.log")); strings.Count(string(fx), "\n") != n {
		t.Errorf("n.log has %d lines, want %d", strings.Count(string(fx), "\n"), n)
	}
}

// A run that continues as new after every step, on a worker that keeps
// no run (every step loads the log from the history, across the chain of
// executions): each effect once, and spell result, following the last
// execution, writes the whole log (read back through the chain) as the
// submitter's trace.
func TestContinueAsNewOnTheServer(t *testing.T) {
	e := newEnv(t)
	e.worker(nil, "--keep", "0")
	root := t.TempDir()
	trace1, trace2 := filepath.Join(e.dir, "t1"), filepath.Join(e.dir, "t2")
	stdout, stderr, code := e.spell(root, []string{"SPELL_TEMPORAL_HISTORY_BYTES=1"}, append([]string{"run", "--engine", "temporal", "--json", "--trace-dir", trace1}, fxTask(t)...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if r := decodeRun(t, stdout); r.Value == nil || *r.Value != `"done 2: a\nb\n"` || r.Calls["main"] != 4 {
		t.Errorf("value %v, calls %v", r.Value, r.Calls)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("fx.log = %q, want each effect once", fx)
	}
	id := filepath.Base(trace1)
	stdout, stderr, code = e.spell(e.dir, nil, "result", "--json", "--trace-dir", trace2, id)
	if code != 0 {
		t.Fatalf("result: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, want := normalized(t, trace2), normalized(t, trace1); !reflect.DeepEqual(got, want) {
		t.Errorf("spell result's trace differs from the run's:\n%v\n%v", got, want)
	}
	// Seven executions, one step each: the last one's input names the
	// one before, and carries no log.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := stemporal.Dial(ctx, e.addr, e.ns)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	it := cl.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	ev, err := it.Next()
	if err != nil {
		t.Fatal(err)
	}
	var in stemporal.RunInput
	if err := converter.GetDefaultDataConverter().FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in); err != nil {
		t.Fatal(err)
	}
	if in.Steps != 6 || in.Prev == "" || in.Log.Size() != 0 {
		t.Errorf("the last execution starts after %d steps, prev %q, with %d log bytes; want 6, the execution before, 0", in.Steps, in.Prev, in.Log.Size())
	}
}
