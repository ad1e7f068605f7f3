package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
	stemporal "github.com/spell-go/spell/spe/temporal"
)

// BenchmarkDrain queues replayed tasks (examples/hello-world.txtar: one
// model call each; 1,000 unless SPELL_TEMPORAL_BENCH_RUNS says otherwise)
// on a fresh task queue with no worker, then starts 1, 2 or 4 worker
// processes and measures how fast they drain the queue: runs/s.
//
//	SPELL_TEMPORAL_DEVSERVER=/tmp/devserver go test ./cmd/spell/spell-temporal -run '^$' -bench Drain -benchtime 1x
func BenchmarkDrain(b *testing.B) {
	addr, ns := server(b)
	runs := 1000
	if v, err := strconv.Atoi(os.Getenv("SPELL_TEMPORAL_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	tx, err := filepath.Abs("../../../examples/hello-world.txtar")
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				drain(b, addr, ns, tx, runs, workers, fmt.Sprintf("bench-%d-%d-%d", workers, i, time.Now().UnixNano()))
			}
		})
	}
}

func drain(b *testing.B, addr, ns, tx string, runs, workers int, queue string) {
	b.StopTimer()
	ctx := context.Background()
	cl, err := stemporal.Dial(ctx, addr, ns)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	root := b.TempDir()
	spec := stemporal.RunSpec{Task: "Say hello", Model: "replay:" + tx, Limits: spe.DefaultLimits, EvalLimits: eval.DefaultLimits,
		ContextMaxChars: eval.DefaultContextMaxChars, Seed: 1, Root: root, Cwd: root, Version: "bench"}
	ids := make([]string, runs)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-run-%04d", queue, i)
		if _, err := stemporal.Submit(ctx, cl, stemporal.RunInput{RunID: ids[i], Protocol: stemporal.Protocol, TaskQueue: queue, Spec: spec}); err != nil {
			b.Fatal(err)
		}
	}
	exe := filepath.Join(bin(b), "spell-temporal")
	var procs []*exec.Cmd
	b.StartTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		cmd := exec.Command(exe, "worker", "--address", addr, "--namespace", ns, "--task-queue", queue)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+b.TempDir())
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGINT)
			_ = p.Wait()
		}
	}()
	for _, id := range ids {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
		var out stemporal.RunOutput
		err := cl.GetWorkflow(wctx, id, "").Get(wctx, &out)
		cancel()
		if err != nil {
			b.Fatalf("%s: %v", id, err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(runs)/elapsed.Seconds(), "runs/s")
	b.ReportMetric(float64(runs), "runs")
}
