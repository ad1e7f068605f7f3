package temporal

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/spell-go/spell/spe/provider/builtin"
	"github.com/spell-go/spell/spe/trace"
)

// runInTestEnv runs the workflow in the SDK's test environment (no server)
// with the real step activity and returns its error and the log the steps
// built. prior is the log before this execution (a continue-as-new's):
// the steps load it and the log the steps add (the test environment has
// no history to load it from).
func runInTestEnv(t *testing.T, in RunInput, prior Log) (*testsuite.TestWorkflowEnvironment, Log) {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quiet{})
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(RunWorkflow, workflow.RegisterOptions{Name: WorkflowName})
	log := Log{Events: bytes.Clone(prior.Events), Files: maps.Clone(prior.Files)}
	log.Append(in.Log)
	a := &Activity{Stepper: &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry()}, Protocol: Protocol,
		Load: func(context.Context, string, string) (Log, error) {
			return Log{Events: bytes.Clone(log.Events), Files: maps.Clone(log.Files)}, nil
		}}
	env.RegisterActivityWithOptions(a.Step, activity.RegisterOptions{Name: StepName})
	env.SetOnActivityCompletedListener(func(_ *activity.Info, result converter.EncodedValue, err error) {
		var out StepOutput
		if err == nil && result.Get(&out) == nil {
			log.Append(out.Delta)
		}
	})
	env.ExecuteWorkflow(WorkflowName, in)
	return env, log
}

func TestWorkflowRunsTheTask(t *testing.T) {
	root := t.TempDir()
	env, log := runInTestEnv(t, RunInput{RunID: "wf-1", Protocol: Protocol, TaskQueue: "q", Spec: fxSpec(t, root)}, Log{})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var out RunOutput
	if err := env.GetWorkflowResult(&out); err != nil || out.Steps != 7 {
		t.Errorf("steps %d (%v), want 7: one per model call and effect", out.Steps, err)
	}
	if !strings.Contains(string(log.Events), `"ev":"run.end"`) || string(log.Files[trace.ResultFile]) == "" {
		t.Errorf("no run.end / result in the log: %s", log.Events)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("fx.log = %q", fx)
	}
}

// Above the history limit the workflow continues as new with a reference
// to the log so far (not the log); the new execution finishes the run
// without repeating a step.
func TestWorkflowContinuesAsNew(t *testing.T) {
	root := t.TempDir()
	spec := fxSpec(t, root)
	spec.HistoryBytes = 1 // after every step
	in := RunInput{RunID: "wf-2", Protocol: Protocol, TaskQueue: "q", Spec: spec}
	var prior Log
	for i := 0; i < 20; i++ {
		env, log := runInTestEnv(t, in, prior)
		err := env.GetWorkflowError()
		if err == nil {
			if i == 0 {
				t.Fatal("no continue-as-new")
			}
			if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
				t.Errorf("fx.log = %q: an effect ran twice or not at all", fx)
			}
			if n := strings.Count(string(log.Events), `"ev":"model.completion"`); n != 4 {
				t.Errorf("%d model completions in the log, want 4", n)
			}
			return
		}
		var can *workflow.ContinueAsNewError
		if !errors.As(err, &can) {
			t.Fatalf("execution %d: %v", i, err)
		}
		next := in
		if err := converterFromPayloads(can, &next); err != nil {
			t.Fatal(err)
		}
		if next.Steps != in.Steps+1 || next.Log.Size() != 0 || next.Prev == "" || next.Events != int64(len(log.Events)) || next.Digest != Digest(log.Events) {
			t.Fatalf("continue-as-new carries steps %d, %d log bytes, prev %q, a log of %d bytes (%s); want %d, 0, the execution, %d (%s)",
				next.Steps, next.Log.Size(), next.Prev, next.Events, next.Digest, in.Steps+1, len(log.Events), Digest(log.Events))
		}
		in, prior = next, log
	}
	t.Fatal("no end after 20 executions")
}

// A diverged replay fails the run at once (no retry) with the run id.
func TestWorkflowFailsOnNonDeterministicReplay(t *testing.T) {
	root := t.TempDir()
	spec := fxSpec(t, root)
	w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry()}
	log, _ := drive(t, w, "wf-3", spec)
	// Keep the log up to the first effect's end, with another function.
	cut := strings.Index(string(log.Events), `"ev":"eval.value","consecutive_errors":0,"depth":0,"handle":"main","n":1`)
	prefix := log.Events[:strings.LastIndex(string(log.Events[:cut]), "\n")+1]
	bad := Log{Events: []byte(strings.Replace(string(prefix), `"fn":"io/spit"`, `"fn":"io/rm"`, 2)), Files: log.Files}
	delete(bad.Files, trace.ResultFile)
	env, _ := runInTestEnv(t, RunInput{RunID: "wf-3", Protocol: Protocol, TaskQueue: "q", Spec: spec, Log: bad, Steps: 2}, Log{})
	err := env.GetWorkflowError()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != TypeNonDeterministic || !strings.Contains(app.Message(), "wf-3") {
		t.Fatalf("got %v, want a %s failure naming wf-3", err, TypeNonDeterministic)
	}
}

// A step's heartbeats are sent at least HeartbeatGap apart (wider than
// the SDK's throttle, which would batch a closer one to the end of its
// window), so the marker of an effect is sent before the effect runs;
// the ticker's heartbeats carry the last marker recorded.
func TestHeartbeatsNeverBatched(t *testing.T) {
	var clock time.Time
	var sent []time.Time
	var markers []Marker
	h := &heartbeats{m: Marker{Step: 3}, gap: HeartbeatGap, now: func() time.Time { return clock },
		sleep: func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
		send:  func(m Marker) { sent = append(sent, clock); markers = append(markers, m) }}
	ctx := context.Background()
	h.record(ctx, nil)                                 // a tick at 0: sent at once
	clock = clock.Add(HeartbeatThrottle / 2)           // an effect begins within the window
	h.record(ctx, &Marker{Step: 3, Effect: "io/spit"}) // waits for the gap
	clock = clock.Add(10 * time.Second)                // a tick long after
	h.record(ctx, nil)
	h.record(ctx, nil) // a tick right after: waits
	for i := 1; i < len(sent); i++ {
		if d := sent[i].Sub(sent[i-1]); d < HeartbeatGap {
			t.Errorf("heartbeats %d and %d sent %v apart, less than %v", i-1, i, d, HeartbeatGap)
		}
	}
	want := []Marker{{Step: 3}, {Step: 3, Effect: "io/spit"}, {Step: 3, Effect: "io/spit"}, {Step: 3, Effect: "io/spit"}}
	if !reflect.DeepEqual(markers, want) {
		t.Errorf("sent %v, want %v", markers, want)
	}
	if HeartbeatGap <= HeartbeatThrottle {
		t.Errorf("gap %v not wider than the throttle %v", HeartbeatGap, HeartbeatThrottle)
	}
}
