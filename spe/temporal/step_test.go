package temporal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
	"github.com/spell-go/spell/spe/trace"
)

// fxSpec is the four-turn replayed task of testdata/fx.txtar: two io/spit
// effects append to fx.log under root, one io/slurp reads it back.
func fxSpec(t *testing.T, root string) RunSpec {
	t.Helper()
	tx, err := filepath.Abs("testdata/fx.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return RunSpec{Task: "Append lines", Model: "replay:" + tx, Limits: spe.DefaultLimits,
		EvalLimits: eval.DefaultLimits, Seed: 1, Root: root, Cwd: root, Version: "test", Argv: []string{"spell", "run"},
		ContextMaxChars: eval.DefaultContextMaxChars}
}

func localRun(t *testing.T, spec RunSpec, dir string) {
	t.Helper()
	cfg := spec.config()
	cfg.TraceDir = dir
	cfg.Providers = builtin.Registry()
	sess, err := spe.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sess.Run(context.Background())
	if cerr := sess.Close(v, err); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
}

// drive runs every step of a run in turn, as the workflow does.
func drive(t *testing.T, w *Stepper, runID string, spec RunSpec) (Log, []string) {
	t.Helper()
	var log Log
	var actions []string
	for step := 1; step < 100; step++ {
		out, err := w.Step(context.Background(), StepInput{RunID: runID, Protocol: Protocol, Step: step, Spec: spec, Log: log}, StepHooks{})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		log.Append(out.Delta)
		actions = append(actions, out.Action)
		if out.Done {
			return log, actions
		}
	}
	t.Fatal("no end after 100 steps")
	return log, nil
}

// comparable drops what differs between two runs of the same thing: the
// time and durations of each event, the run id.
func comparable(t *testing.T, events []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(events), []byte("\n")) {
		var f map[string]any
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("bad event line %q: %v", line, err)
		}
		for _, k := range []string{"t", "duration_ms", "latency_ms", "run_id", "cwd", "root"} {
			delete(f, k)
		}
		out = append(out, f)
	}
	return out
}

// The steps of a run, each replaying the log or (kept) going on with the
// run the worker kept from the step before, add up to a local run's log.
func TestStepsMatchLocalRun(t *testing.T) {
	for _, keep := range []time.Duration{0, time.Minute} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: keep}
			defer w.Close()
			stepsMatchLocalRun(t, w)
			want := int64(7) // one replay per step
			if keep > 0 {
				want = 1 // the first step's run goes on to the end
			}
			if n := w.Replays(); n != want {
				t.Errorf("%d runs opened by replay, want %d", n, want)
			}
		})
	}
}

func stepsMatchLocalRun(t *testing.T, w *Stepper) {
	localRoot, stepRoot := t.TempDir(), t.TempDir()
	localDir := filepath.Join(t.TempDir(), "local")
	localRun(t, fxSpec(t, localRoot), localDir)

	log, actions := drive(t, w, "run-1", fxSpec(t, stepRoot))
	want := []string{"model call of main", "effect io/spit", "model call of main", "effect io/spit", "model call of main", "effect io/slurp", "model call of main"}
	if !reflect.DeepEqual(actions, want) {
		t.Errorf("actions per step:\n got %q\nwant %q", actions, want)
	}
	localEvents, err := os.ReadFile(filepath.Join(localDir, trace.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	got, exp := comparable(t, log.Events), comparable(t, localEvents)
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("stepped log differs from the local run's:\n got %d events %v\nwant %d events %v", len(got), got, len(exp), exp)
	}
	localFiles, err := snapshot(localDir)
	if err != nil {
		t.Fatal(err)
	}
	if names, exp := sortedNames(log.Files), sortedNames(localFiles); !reflect.DeepEqual(names, exp) {
		t.Errorf("files: got %v, want %v", names, exp)
	}
	for name, b := range localFiles {
		if !bytes.Equal(log.Files[name], b) {
			t.Errorf("%s: got %q, want %q", name, log.Files[name], b)
		}
	}
	fx, _ := os.ReadFile(filepath.Join(stepRoot, "fx.log"))
	if string(fx) != "a\nb\n" {
		t.Errorf("effects side-file fx.log = %q, want each effect once", fx)
	}
}

// A step whose earlier attempt began an effect and was lost does not run
// it again: the effect gets the outcome-unknown result.
func TestStepAfterLostEffectAttempt(t *testing.T) {
	root := t.TempDir()
	w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry()}
	spec := fxSpec(t, root)
	out, err := w.Step(context.Background(), StepInput{RunID: "r", Protocol: Protocol, Step: 1, Spec: spec}, StepHooks{})
	if err != nil || out.Action != "model call of main" {
		t.Fatal(out.Action, err)
	}
	log := out.Delta
	var began []Marker
	out, err = w.Step(context.Background(), StepInput{RunID: "r", Protocol: Protocol, Step: 2, Spec: spec, Log: log},
		StepHooks{Marker: &Marker{Step: 2, Effect: "io/spit"}, Began: func(m Marker) { began = append(began, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(began) != 1 || began[0].Effect != "io/spit" {
		t.Errorf("began: %v", began)
	}
	if _, err := os.Stat(filepath.Join(root, "fx.log")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the effect ran again: %v", err)
	}
	if !strings.Contains(string(out.Delta.Events), "outcome unknown") {
		t.Errorf("no outcome-unknown result in %s", out.Delta.Events)
	}
	if bytes.Contains(out.Delta.Events, []byte(`"effect.begin"`+"\n")) {
		t.Errorf("torn marker line kept: %s", out.Delta.Events)
	}
}

// A log that no longer matches what the run does is a non-deterministic
// replay, reported with the run id, not run.
func TestStepDivergedLog(t *testing.T) {
	root := t.TempDir()
	w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry()}
	spec := fxSpec(t, root)
	var log Log
	for step := 1; step <= 2; step++ {
		out, err := w.Step(context.Background(), StepInput{RunID: "run-x", Protocol: Protocol, Step: step, Spec: spec, Log: log}, StepHooks{})
		if err != nil {
			t.Fatal(err)
		}
		log.Append(out.Delta)
	}
	log.Events = bytes.ReplaceAll(log.Events, []byte(`"fn":"io/spit"`), []byte(`"fn":"io/rm"`))
	_, err := w.Step(context.Background(), StepInput{RunID: "run-x", Protocol: Protocol, Step: 3, Spec: spec, Log: log}, StepHooks{})
	if !errors.Is(err, ErrNonDeterministic) || !strings.Contains(err.Error(), "run-x") {
		t.Fatalf("got %v, want a non-deterministic replay error naming run-x", err)
	}
}

// A kept run goes on only with the log it wrote: a step that brings
// another log (a retried step's, another worker's) replays it, and the
// kept run is dropped; nothing is done twice.
func TestKeptRunNeedsItsOwnLog(t *testing.T) {
	root := t.TempDir()
	spec := fxSpec(t, root)
	w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: time.Minute}
	defer w.Close()
	step := func(n int, log Log) StepOutput {
		t.Helper()
		out, err := w.Step(context.Background(), StepInput{RunID: "k", Protocol: Protocol, Step: n, Spec: spec, Log: log}, StepHooks{})
		if err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		return out
	}
	var log, log2 Log
	for n := 1; n <= 3; n++ {
		if n == 3 {
			log2 = Log{Events: bytes.Clone(log.Events), Files: log.Files}
		}
		log.Append(step(n, log).Delta)
	}
	if w.Replays() != 1 {
		t.Fatalf("%d replays after 3 steps, want 1", w.Replays())
	}
	// Step 3 again, as after its result was lost: a replay of log2.
	if out := step(3, log2); out.Action != "model call of main" {
		t.Errorf("retried step 3 did %q", out.Action)
	}
	// Step 4 with the log step 3 first wrote: not the retried run's log.
	for n := 4; ; n++ {
		out := step(n, log)
		log.Append(out.Delta)
		if out.Done {
			break
		}
	}
	if w.Replays() != 3 {
		t.Errorf("%d replays, want 3: the first step, the retried step 3, step 4", w.Replays())
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("fx.log = %q, want each effect once", fx)
	}
	if n := bytes.Count(log.Events, []byte(`"ev":"model.completion"`)); n != 4 || !bytes.Contains(log.Events, []byte(`"ev":"run.end"`)) {
		t.Errorf("%d completions in the log, want 4 and a run.end", n)
	}
}
