package temporal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// driveByRef runs the steps of a run as the protocol 2 workflow does: each
// input names the log (LogRef), and the step goes to the stepper pick
// chooses; a stepper that does not keep the run loads the log. It returns
// the log, each step's input size in bytes, and the loads of a non-empty
// log.
func driveByRef(t *testing.T, spec RunSpec, pick func(step int) *Stepper) (log Log, inputs []int, loads int, verbose []byte) {
	t.Helper()
	load := func(context.Context) (Log, error) {
		if len(log.Events) > 0 {
			loads++
		}
		return Log{Events: bytes.Clone(log.Events), Files: maps.Clone(log.Files)}, nil
	}
	for step := 1; step < 1000; step++ {
		in := StepInput{RunID: "ref", Protocol: Protocol, Step: step, Spec: spec, Ref: &LogRef{Events: int64(len(log.Events)), Digest: Digest(log.Events)}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, len(b))
		out, err := pick(step).Step(context.Background(), in, StepHooks{Load: load})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		log.Append(out.Delta)
		verbose = append(verbose, out.Verbose...)
		if out.Digest != Digest(log.Events) {
			t.Fatalf("step %d: digest %s, the log's is %s", step, out.Digest, Digest(log.Events))
		}
		if out.Done {
			return log, inputs, loads, verbose
		}
	}
	t.Fatal("no end after 1000 steps")
	return
}

// spitProgram is a program of n io/spit effects: a run of n steps (one
// live effect each; the last one ends the run).
func spitProgram(t *testing.T, root string, n int) RunSpec {
	spec := fxSpec(t, root)
	var b strings.Builder
	b.WriteString("(do\n")
	for i := range n {
		fmt.Fprintf(&b, "  (eval '(io/spit \"n.log\" (str \"%03d \" (apply str (repeat 400 \"x\")) \"\\n\") {:append true}))\n", i)
	}
	b.WriteString("  \"done\")\n")
	spec.Task, spec.ProgramName, spec.Program, spec.Model = "", "n.spl", []byte(b.String()), ""
	return spec
}

// A step's input names the log instead of carrying it: its size does not
// grow with the run (the protocol 1 input carried the whole log), and a
// run that stays on the worker that keeps it never loads its log.
func TestStepInputBounded(t *testing.T) {
	root := t.TempDir()
	w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: time.Minute}
	defer w.Close()
	const n = 60
	log, inputs, loads, _ := driveByRef(t, spitProgram(t, root, n), func(int) *Stepper { return w })
	if len(inputs) != n {
		t.Fatalf("%d steps, want %d", len(inputs), n)
	}
	t.Logf("%d steps: step input %d bytes first, %d last; the log %d bytes (protocol 1 carried it in the last step's input)", n, inputs[0], inputs[len(inputs)-1], log.Size())
	// The digits of LogRef.Events are all that may grow.
	if first, last := inputs[0], inputs[len(inputs)-1]; last > first+8 {
		t.Errorf("step inputs grew from %d to %d bytes over %d steps", first, last, n)
	}
	if log.Size() < 5*inputs[len(inputs)-1] {
		t.Errorf("the log (%d bytes) is not much larger than a step's input (%d bytes): the test shows nothing", log.Size(), inputs[len(inputs)-1])
	}
	if loads != 0 || w.Replays() != 1 {
		t.Errorf("%d loads and %d replays, want 0 and 1 (the run stays kept)", loads, w.Replays())
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "n.log")); bytes.Count(fx, []byte("\n")) != n {
		t.Errorf("n.log has %d lines, want %d", bytes.Count(fx, []byte("\n")), n)
	}
}

// A run whose steps alternate between two workers loads and replays its
// log at each move, and each effect still happens once.
func TestStepMovesLoadTheLog(t *testing.T) {
	root := t.TempDir()
	a := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: time.Minute}
	b := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: time.Minute}
	defer a.Close()
	defer b.Close()
	const n = 6
	_, _, loads, _ := driveByRef(t, spitProgram(t, root, n), func(step int) *Stepper {
		if step%2 == 0 {
			return b
		}
		return a
	})
	if loads != n-1 || a.Replays()+b.Replays() != n {
		t.Errorf("%d loads and %d replays, want %d and %d: one per move", loads, a.Replays()+b.Replays(), n-1, n)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "n.log")); bytes.Count(fx, []byte("\n")) != n {
		t.Errorf("n.log has %d lines, want %d", bytes.Count(fx, []byte("\n")), n)
	}
}

// The steps' -v texts add up to a local run's -v output: each turn's
// prompt and completion once, in order, whether a step replays the log
// or goes on with the kept run.
func TestStepVerboseMatchesLocalRun(t *testing.T) {
	spec := fxSpec(t, t.TempDir())
	cfg := spec.config()
	cfg.TraceDir = filepath.Join(t.TempDir(), "local")
	cfg.Providers = builtin.Registry()
	var local bytes.Buffer
	cfg.Verbose = &local
	sess, err := spe.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sess.Run(context.Background())
	if cerr := sess.Close(v, err); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	if !strings.Contains(local.String(), "--- main/4 completion ---") {
		t.Fatalf("local -v output:\n%s", local.String())
	}
	for _, keep := range []time.Duration{0, time.Minute} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			spec := fxSpec(t, t.TempDir())
			spec.Verbose = true
			w := &Stepper{TempDir: t.TempDir(), Providers: builtin.Registry(), Keep: keep}
			defer w.Close()
			_, _, _, verbose := driveByRef(t, spec, func(int) *Stepper { return w })
			if string(verbose) != local.String() {
				t.Errorf("steps' -v text:\n%s\nlocal run's:\n%s", verbose, local.String())
			}
		})
	}
}
