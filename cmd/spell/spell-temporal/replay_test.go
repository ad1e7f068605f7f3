package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	stemporal "github.com/spell-go/spell/spe/temporal"
)

// alterWorker makes this process a worker whose code differs from the
// code the tests' runs start with (SPELL_TEMPORAL_TEST_ALTER):
//
//   - "workflow": the run workflow waits on a timer before its loop, a
//     change made without workflow.GetVersion. Replaying a history
//     recorded by the real workflow is non-deterministic for Temporal.
//   - "steps": the step activity reads the run's log differently (the
//     recorded io/spit effects read as io/rm): a release whose replay
//     differs without a new step protocol. The runtime's replay finds
//     the log does not match what the run does (spe.ErrDiverged).
func alterWorker(what string) {
	switch what {
	case "workflow":
		registerWorkflow = func(w worker.Registry) {
			w.RegisterWorkflowWithOptions(func(ctx workflow.Context, in stemporal.RunInput) (stemporal.RunOutput, error) {
				if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
					return stemporal.RunOutput{}, err
				}
				return stemporal.RunWorkflow(ctx, in)
			}, workflow.RegisterOptions{Name: stemporal.WorkflowName})
		}
	case "steps":
		registerSteps = func(w worker.Registry, a *stemporal.Activity) {
			load := a.Load
			alter := func(l stemporal.Log) stemporal.Log {
				l.Events = bytes.ReplaceAll(l.Events, []byte(`"fn":"io/spit"`), []byte(`"fn":"io/rm"`))
				return l
			}
			a.Load = func(ctx context.Context, id, runID string) (stemporal.Log, error) {
				l, err := load(ctx, id, runID)
				return alter(l), err
			}
			w.RegisterActivityWithOptions(func(ctx context.Context, in stemporal.StepInput) (stemporal.StepOutput, error) {
				in.Log = alter(in.Log)
				if in.Ref != nil {
					// The altered log is the log the workflow names.
					in.Ref = nil
					l, err := a.Load(ctx, activity.GetInfo(ctx).WorkflowExecution.ID, activity.GetInfo(ctx).WorkflowExecution.RunID)
					if err != nil {
						return stemporal.StepOutput{}, err
					}
					in.Log = l
				}
				return a.Step(ctx, in)
			}, activity.RegisterOptions{Name: stemporal.StepName})
		}
	}
}

// killWorkerAtStep4 submits the fx task, lets a worker do two model
// calls and the first effect, and kills it at the second effect (step 4).
// It returns the run id and the run's io root.
func killWorkerAtStep4(t *testing.T, e *env) (id, root string) {
	t.Helper()
	root = t.TempDir()
	held := filepath.Join(e.dir, "held")
	first, _ := e.worker([]string{"SPELL_TEMPORAL_HOLD=4:" + held}, "--identity", "first")
	stdout, stderr, code := e.spell(root, []string{"SPELL_TEMPORAL_HEARTBEAT_TIMEOUT=3s"}, append([]string{"run", "--engine", "temporal", "--detach"}, fxTask(t)...)...)
	if code != 0 {
		t.Fatalf("submit: exit %d\n%s", code, stderr)
	}
	id = strings.TrimSpace(stdout)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := os.Stat(held); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first worker never reached step 4")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\n" {
		t.Fatalf("before the kill fx.log = %q, want the first effect only", fx)
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	return id, root
}

// moveRunToAlteredWorker kills a run's worker at step 4 and starts a
// worker altered by alter in its place.
func moveRunToAlteredWorker(t *testing.T, e *env, alter string) (id, root string) {
	t.Helper()
	id, root = killWorkerAtStep4(t, e)
	e.worker([]string{"SPELL_TEMPORAL_TEST_ALTER=" + alter}, "--identity", "altered")
	return id, root
}

// finishLocally resumes the run's trace (written by spell result on this
// machine) with a local spell run --resume: the log the failed run left
// is whole, and the run ends as it would have, each effect done once.
func finishLocally(t *testing.T, e *env, trace, root string) {
	t.Helper()
	stdout, stderr, code := e.spell(e.dir, nil, "run", "--resume", trace)
	if code != 0 || stdout != "done 2: a\nb\n\n" {
		t.Errorf("spell run --resume of the failed run's trace: exit %d\n%s%s", code, stdout, stderr)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("fx.log = %q after the local resume: want each effect once", fx)
	}
}

// A worker whose workflow code is not the code a run started with (a
// change without workflow.GetVersion) takes over a run: Temporal detects
// the non-determinism on replay and the run fails with a clear error that
// names it, instead of running on with a corrupted history. Nothing is
// done twice, and the trace on the submitting machine is a whole log.
func TestNonDeterministicWorkflowCode(t *testing.T) {
	e := newEnv(t)
	id, root := moveRunToAlteredWorker(t, e, "workflow")
	trace := filepath.Join(e.dir, "trace")
	_, stderr, code := e.spell(e.dir, nil, "result", "--trace-dir", trace, id)
	if code != 1 || !strings.Contains(stderr, "Error: run "+id+": the workflow code of a worker is not the code the run started with (non-deterministic") || !strings.Contains(stderr, "[TMPRL1100]") {
		t.Fatalf("result: exit %d\n%s", code, stderr)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" && string(fx) != "a\n" {
		t.Fatalf("fx.log = %q: an effect ran twice", fx)
	}
	finishLocally(t, e, trace, root)
}

// A worker whose replay of the log differs from the run (a release that
// changed replay without a new step protocol) takes over a run: the step
// finds the log does not match, does not run its effect, and the run
// fails at once with an error naming the run and the step.
func TestNonDeterministicReplay(t *testing.T) {
	e := newEnv(t)
	id, root := moveRunToAlteredWorker(t, e, "steps")
	trace := filepath.Join(e.dir, "trace")
	_, stderr, code := e.spell(e.dir, nil, "result", "--trace-dir", trace, id)
	if code != 1 || !strings.Contains(stderr, "Error: non-deterministic replay: run "+id+", step 4:") {
		t.Fatalf("result: exit %d\n%s", code, stderr)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\n" {
		t.Fatalf("fx.log = %q: the diverged step ran its effect", fx)
	}
	finishLocally(t, e, trace, root)
}
