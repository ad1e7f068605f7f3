// Command vsnative compares whole processes: `spell run` of the bench
// programs against bench/native doing the same work, in one run, each pair
// run alternately so that both see the same machine. It prints, per
// workload, the least and the median CPU time (user + system, from the
// child's resource usage) of each side and their ratio.
//
//	go build -o /tmp/spell ./cmd/spell && go build -o /tmp/native ./bench/native
//	go run ./bench/vsnative -spell /tmp/spell -native /tmp/native -runs 7
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

type workload struct {
	name   string
	native []string // arguments of the native binary
	prog   string   // the Spell program run by `spell run`
	want   string   // both print this
}

var workloads = []workload{
	{"fib 30", []string{"fib", "30"}, "(do\n  (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n  (fib 30))\n", "832040"},
	{"loop/recur 10M", []string{"loop", "10000000"}, "(loop [i 0 acc 0]\n  (if (< i 10000000) (recur (inc i) (+ acc i)) acc))\n", "49999995000000"},
}

func main() {
	spell := flag.String("spell", "spell", "the spell binary")
	native := flag.String("native", "native", "the bench/native binary")
	runs := flag.Int("runs", 7, "runs of each side per workload")
	flag.Parse()
	dir, err := os.MkdirTemp("", "vsnative")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	fmt.Printf("%-16s %12s %12s %12s %12s %8s %8s\n", "workload", "native min", "native med", "spell min", "spell med", "min ×", "med ×")
	for _, w := range workloads {
		prog := filepath.Join(dir, strings.NewReplacer(" ", "_", "/", "_").Replace(w.name)+".spl")
		if err := os.WriteFile(prog, []byte(w.prog), 0o644); err != nil {
			fail(err)
		}
		var nt, st []time.Duration
		for i := 0; i < *runs; i++ {
			nt = append(nt, cpu(w.want, *native, w.native...))
			st = append(st, cpu(w.want, *spell, "run", "--no-trace", prog))
		}
		slices.Sort(nt)
		slices.Sort(st)
		nmin, nmed, smin, smed := nt[0], nt[len(nt)/2], st[0], st[len(st)/2]
		fmt.Printf("%-16s %12s %12s %12s %12s %8.1f %8.1f\n", w.name, ms(nmin), ms(nmed), ms(smin), ms(smed),
			float64(smin)/float64(nmin), float64(smed)/float64(nmed))
	}
}

// cpu runs a command and returns its CPU time; its output must be want.
func cpu(want, name string, args ...string) time.Duration {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String()))
	}
	if got := strings.TrimSpace(out.String()); got != want {
		fail(fmt.Errorf("%s %s printed %q, want %q", name, strings.Join(args, " "), got, want))
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vsnative:", err)
	os.Exit(1)
}
