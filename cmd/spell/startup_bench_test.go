package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// buildStartupBins builds the spell command and a trivial Go program
// (package main, an empty func main) into dir.
func buildStartupBins(dir string) ([2]string, error) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	spell := filepath.Join(dir, "spell")
	if out, err := exec.Command(goCmd, "build", "-o", spell, ".").CombinedOutput(); err != nil {
		return [2]string{}, &buildError{err, out}
	}
	triv := filepath.Join(dir, "trivial")
	src := filepath.Join(dir, "trivial-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return [2]string{}, err
	}
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module trivial\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	cmd := exec.Command(goCmd, "build", "-o", triv, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return [2]string{}, &buildError{err, out}
	}
	return [2]string{spell, triv}, nil
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// BenchmarkStartup execs the built spell command and a trivial Go binary
// alternately and reports, per command, the process CPU time (user+sys,
// less disturbed by a loaded machine than wall time) and wall time of
// each, and their ratio (cpu-ratio: spell's CPU time over the trivial
// binary's; issue 11 aims at ≤ 2). Run it on a quiet machine:
//
//	go test ./cmd/spell -run XXX -bench Startup -benchtime 50x
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bins, err := buildStartupBins(dir)
	if err != nil {
		b.Fatal(err)
	}
	spell, triv := bins[0], bins[1]
	small := filepath.Join(dir, "small.spl")
	if err := os.WriteFile(small, []byte("(let [x 41]\n  (+ x 1))\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"run-e", []string{"run", "--no-trace", "-e", "(+ 1 2)"}},
		{"fmt", []string{"fmt", small}},
		{"lint", []string{"lint", small}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var spellCPU, trivCPU, spellWall, trivWall time.Duration
			for i := 0; i < b.N; i++ {
				cpu, wall := execOnce(b, dir, triv)
				trivCPU, trivWall = trivCPU+cpu, trivWall+wall
				cpu, wall = execOnce(b, dir, spell, c.args...)
				spellCPU, spellWall = spellCPU+cpu, spellWall+wall
			}
			n := float64(b.N)
			b.ReportMetric(float64(spellCPU.Microseconds())/n/1000, "spell-cpu-ms")
			b.ReportMetric(float64(trivCPU.Microseconds())/n/1000, "go-cpu-ms")
			b.ReportMetric(float64(spellWall.Microseconds())/n/1000, "spell-wall-ms")
			b.ReportMetric(float64(trivWall.Microseconds())/n/1000, "go-wall-ms")
			if trivCPU > 0 {
				b.ReportMetric(float64(spellCPU)/float64(trivCPU), "cpu-ratio")
			}
		})
	}
}

// execOnce runs one process to completion and returns its CPU and wall
// time. An exit status other than 0 fails the benchmark.
func execOnce(b *testing.B, dir, bin string, args ...string) (cpu, wall time.Duration) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	wall = time.Since(start)
	ps := cmd.ProcessState
	return ps.UserTime() + ps.SystemTime(), wall
}
