package temporal

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// BenchmarkRunSteps runs every step of a run of n effects on one worker,
// as the workflow does (docs/temporal.md, "Replay cost"): with keep=0
// each step loads and replays the whole log, as a step that moved to
// another worker does (O(n²) in all); with keep the worker keeps the run
// between steps and each step does only its own action (O(n)).
// ns/action is the cost of one step's work, without the server (the load
// is a copy of the log in memory, not a read of the history).
func BenchmarkRunSteps(b *testing.B) {
	for _, n := range []int{100, 200, 400} {
		for _, keep := range []time.Duration{0, time.Minute} {
			b.Run(fmt.Sprintf("actions=%d/keep=%v", n, keep), func(b *testing.B) {
				program := fmt.Sprintf(`(loop [i 0] (when (< i %d) (eval '(io/spit "f" "x" {:append true})) (recur (inc i))))`, n)
				for i := 0; i < b.N; i++ {
					root := b.TempDir()
					spec := RunSpec{ProgramName: "p.spl", Program: []byte(program), Limits: spe.DefaultLimits, EvalLimits: eval.DefaultLimits,
						Seed: 1, Root: root, Cwd: root, Version: "bench", ContextMaxChars: eval.DefaultContextMaxChars}
					w := &Stepper{TempDir: b.TempDir(), Providers: builtin.Registry(), Keep: keep}
					var log Log
					load := func(context.Context) (Log, error) {
						return Log{Events: bytes.Clone(log.Events), Files: maps.Clone(log.Files)}, nil
					}
					digest := Digest(nil)
					for step := 1; ; step++ {
						ref := &LogRef{Events: int64(len(log.Events)), Digest: digest}
						out, err := w.Step(context.Background(), StepInput{RunID: "bench", Protocol: Protocol, Step: step, Spec: spec, Ref: ref}, StepHooks{Load: load})
						if err != nil {
							b.Fatalf("step %d: %v", step, err)
						}
						log.Append(out.Delta)
						digest = out.Digest
						if out.Done {
							break
						}
					}
					w.Close()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/action")
			})
		}
	}
}
