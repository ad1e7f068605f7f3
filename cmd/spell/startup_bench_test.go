package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// buildStartupBins builds the spell command, a trivial Go program
// (package main, an empty func main), bench/fmtcore and bench/evalcore
// into dir.
func buildStartupBins(dir string) ([4]string, error) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	spell := filepath.Join(dir, "spell")
	if out, err := exec.Command(goCmd, "build", "-o", spell, ".").CombinedOutput(); err != nil {
		return [4]string{}, &buildError{err, out}
	}
	fmtCore, evalCore := filepath.Join(dir, "fmtcore"), filepath.Join(dir, "evalcore")
	if out, err := exec.Command(goCmd, "build", "-o", fmtCore, "../../bench/fmtcore").CombinedOutput(); err != nil {
		return [4]string{}, &buildError{err, out}
	}
	if out, err := exec.Command(goCmd, "build", "-o", evalCore, "../../bench/evalcore").CombinedOutput(); err != nil {
		return [4]string{}, &buildError{err, out}
	}
	triv := filepath.Join(dir, "trivial")
	src := filepath.Join(dir, "trivial-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return [4]string{}, err
	}
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module trivial\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	cmd := exec.Command(goCmd, "build", "-o", triv, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return [4]string{}, &buildError{err, out}
	}
	return [4]string{spell, triv, fmtCore, evalCore}, nil
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// BenchmarkStartup execs the built spell command and a trivial Go binary
// (an empty func main, built by the same toolchain in the same run)
// alternately, b.N times each, and reports per command the medians of
// the process CPU time (user+sys) and of the wall time of both, and their
// ratios (cpu-ratio, wall-ratio: spell over the trivial binary; issue 11
// aims at ≤ 2). Medians of alternating runs keep a loaded machine's
// bursts out of the comparison; run it on a quiet machine anyway:
//
//	go test ./cmd/spell -run XXX -bench Startup -benchtime 30x
//
// The sub-benchmarks: version (spell --version: package initialisation
// and flag parsing only, the floor of every command), run-e
// (spell run --no-trace -e '(+ 1 2)'), fmt and lint of a two-line file,
// and two programs that link only the language core: fmt-core
// (bench/fmtcore formats the same file with the syntax and format
// packages) and run-e-core (bench/evalcore evaluates (+ 1 2) with syntax
// and eval). Their cpu-ratio is what the core of spell fmt and spell run
// -e costs; the rest of spell's is the SPE runtime, the command line and
// what every spell command links and initialises.
// The binaries are built as go install builds them, so with cgo when a C
// compiler is present; CGO_ENABLED=0 in the environment builds both
// statically linked (README, Start-up).
//
// SPELL_STARTUP_BASE=PATH also execs the spell binary at PATH (an older
// build, say) in the same alternation and reports its median CPU time
// and ratio (base-cpu-ms, base-cpu-ratio): a before/after from one run.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bins, err := buildStartupBins(dir)
	if err != nil {
		b.Fatal(err)
	}
	spell, triv, fmtCore, evalCore := bins[0], bins[1], bins[2], bins[3]
	base := os.Getenv("SPELL_STARTUP_BASE")
	small := filepath.Join(dir, "small.spl")
	if err := os.WriteFile(small, []byte("(let [x 41]\n  (+ x 1))\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		bin  string // spell unless set
		args []string
	}{
		{"version", "", []string{"--version"}},
		{"run-e", "", []string{"run", "--no-trace", "-e", "(+ 1 2)"}},
		{"fmt", "", []string{"fmt", small}},
		{"lint", "", []string{"lint", small}},
		{"fmt-core", fmtCore, []string{small}},
		{"run-e-core", evalCore, []string{"(+ 1 2)"}},
	} {
		bin := spell
		if c.bin != "" {
			bin = c.bin
		}
		b.Run(c.name, func(b *testing.B) {
			var spellCPU, trivCPU, spellWall, trivWall, baseCPU []time.Duration
			for i := 0; i < b.N; i++ {
				cpu, wall := execOnce(b, dir, triv)
				trivCPU, trivWall = append(trivCPU, cpu), append(trivWall, wall)
				cpu, wall = execOnce(b, dir, bin, c.args...)
				spellCPU, spellWall = append(spellCPU, cpu), append(spellWall, wall)
				if base != "" && c.bin == "" {
					cpu, _ = execOnce(b, dir, base, c.args...)
					baseCPU = append(baseCPU, cpu)
				}
			}
			sc, tc, sw, tw := median(spellCPU), median(trivCPU), median(spellWall), median(trivWall)
			b.ReportMetric(ms(sc), "spell-cpu-ms")
			b.ReportMetric(ms(tc), "go-cpu-ms")
			b.ReportMetric(ms(sw), "spell-wall-ms")
			b.ReportMetric(ms(tw), "go-wall-ms")
			if tc > 0 {
				b.ReportMetric(float64(sc)/float64(tc), "cpu-ratio")
			}
			if tw > 0 {
				b.ReportMetric(float64(sw)/float64(tw), "wall-ratio")
			}
			if base != "" && c.bin == "" {
				bc := median(baseCPU)
				b.ReportMetric(ms(bc), "base-cpu-ms")
				if tc > 0 {
					b.ReportMetric(float64(bc)/float64(tc), "base-cpu-ratio")
				}
			}
		})
	}
}

// median returns the middle value of ds (the mean of the two middle ones
// for an even count); ds is sorted in place.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
