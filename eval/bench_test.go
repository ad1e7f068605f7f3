package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/bench/cputime"
	"github.com/spell-go/spell/eval/value"
)

func fibGo(n int64) int64 {
	if n < 2 {
		return n
	}
	return fibGo(n-1) + fibGo(n-2)
}

// benchProgram runs a program once per iteration.
func benchProgram(b *testing.B, src string, want string) {
	benchProgramLimits(b, src, want, Limits{})
}

// benchProgramLimits is benchProgram with explicit limits (the 10-million
// loop needs more than the default step budget).
func benchProgramLimits(b *testing.B, src string, want string, lim Limits) {
	b.Helper()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, res, err := RunProgram(context.Background(), "bench.spl", []byte(src), Options{Limits: lim})
		if err != nil {
			b.Fatal(err)
		}
		if want != "" && value.PrStr(res.Value) != want {
			b.Fatalf("got %s, want %s", value.PrStr(res.Value), want)
		}
	}
}

const fibDef = "(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))"

// benchVsGo runs the Spell program src once per iteration and, in the same
// iteration (timer stopped), goFn: ns/op, B/op and allocs/op are Spell's;
// go-ns/op is the Go function's time and x-go the ratio of the two, both
// measured in this one run, interleaved, so that the ratio means something
// on a loaded machine. x-go-cpu is the same ratio of process CPU times
// (where the platform gives them), steadier still on a shared machine.
func benchVsGo(b *testing.B, src, want string, lim Limits, goFn func() bool) {
	b.Helper()
	b.ReportAllocs()
	var spellNs, goNs, spellCPU, goCPU time.Duration
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), cputime.Process()
		_, res, err := RunProgram(context.Background(), "bench.spl", []byte(src), Options{Limits: lim})
		spellNs += time.Since(t0)
		spellCPU += cputime.Process() - c0
		if err != nil {
			b.Fatal(err)
		}
		if value.PrStr(res.Value) != want {
			b.Fatalf("got %s, want %s", value.PrStr(res.Value), want)
		}
		b.StopTimer()
		t1, c1 := time.Now(), cputime.Process()
		ok := goFn()
		goNs += time.Since(t1)
		goCPU += cputime.Process() - c1
		if !ok {
			b.Fatal("the Go function computed something else")
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(goNs.Nanoseconds())/float64(b.N), "go-ns/op")
	if goNs > 0 {
		b.ReportMetric(float64(spellNs)/float64(goNs), "x-go")
	}
	if goCPU > 0 {
		b.ReportMetric(float64(spellCPU)/float64(goCPU), "x-go-cpu")
	}
}

// BenchmarkFib compares Spell's recursive fib 25 and 30 with the same
// function in Go in the same benchmark (x-go): spell is the compiling
// evaluator, tree the same program with the compiler off (the evaluator
// before it).
func BenchmarkFib(b *testing.B) {
	for _, n := range []int64{25, 30} {
		want := fibGo(n)
		src := fmt.Sprintf("(do %s (fib %d))", fibDef, n)
		goFn := func() bool { return fibGo(n) == want }
		b.Run(fmt.Sprintf("spell/%d", n), func(b *testing.B) {
			benchVsGo(b, src, fmt.Sprint(want), Limits{}, goFn)
		})
		b.Run(fmt.Sprintf("tree/%d", n), func(b *testing.B) {
			defer treeWalker()()
			benchVsGo(b, src, fmt.Sprint(want), Limits{}, goFn)
		})
	}
}

// treeWalker switches the compiler off until the returned function runs
// (the "tree" benchmarks measure the evaluator before the compiler).
func treeWalker() func() {
	saved := compileOff.Load()
	compileOff.Store(true)
	return func() { compileOff.Store(saved) }
}

func loopGo(n int64) int64 {
	var acc int64
	for i := int64(0); i < n; i++ {
		acc += i
	}
	return acc
}

// BenchmarkLoopSum compares loop/recur to 10 million with the same loop in
// Go in the same benchmark (x-go).
func BenchmarkLoopSum(b *testing.B) {
	const src = "(loop [i 0 acc 0] (if (< i 10000000) (recur (inc i) (+ acc i)) acc))"
	goFn := func() bool { return loopGo(loopN) == 49999995000000 }
	b.Run("spell", func(b *testing.B) {
		benchVsGo(b, src, "49999995000000", Limits{MaxSteps: 1 << 40}, goFn)
	})
	b.Run("tree", func(b *testing.B) {
		defer treeWalker()()
		benchVsGo(b, src, "49999995000000", Limits{MaxSteps: 1 << 40}, goFn)
	})
}

// loopN is a variable so that the compiler cannot fold loopGo away.
var loopN int64 = 10_000_000

func BenchmarkConjVector(b *testing.B) {
	benchProgram(b, "(count (reduce conj [] (range 100000)))", "100000")
}

func BenchmarkStringBuild(b *testing.B) {
	benchProgram(b, `(count (apply str (map (fn [i] (str "line " i "\n")) (range 20000))))`, "")
}

// BenchmarkRunOneLine is the in-process cost of `spell run -e '(+ 1 2)'`:
// read, lower, build the interpreter, evaluate.
func BenchmarkRunOneLine(b *testing.B) {
	benchProgram(b, "(+ 1 2)", "3")
}

// bigProgram builds a wrapper program of about size bytes of defs, thinks
// and inert trailing expressions, with edit markers.
func bigProgram(size int) string {
	var sb strings.Builder
	sb.WriteString("(quine completion (eval (do (quine prompt \"Summarise the repository.\") ")
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "(def v%d {:name \"item %d\" :lines [\"alpha beta gamma\" \"delta epsilon\"] :n %d}) ", i, i, i)
		fmt.Fprintf(&sb, "(think \"step %d: looked at the item and decided what to do next\" (+ %d 1)) ", i, i)
		fmt.Fprintf(&sb, "'(!call-now r%d (io/read-file \"f%d.txt\")) ", i, i)
		if i%10 == 9 {
			sb.WriteString("(prune 1) (rethink \"merged thoughts\") ")
		}
	}
	sb.WriteString("'(!extend completion))))")
	return sb.String()
}

// BenchmarkEditReopen1MB measures edit time on a 1 MB program: apply the
// edit markers (edit-reopen) and print the open prefix (serialize-prefix).
func BenchmarkEditReopen1MB(b *testing.B) {
	src := bigProgram(1 << 20)
	rr, err := ReadProgram("big.spl", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		edited, err := ApplyEdits(rr.Form, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := value.PrefixOpen(edited); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchPrograms runs the bench/*.spl programs once each so they stay
// valid programs (the benchmarks above time the same code).
func TestBenchPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("bench programs are slow in -short mode")
	}
	files, _ := filepath.Glob(filepath.Join("..", "bench", "*.spl"))
	if len(files) == 0 {
		t.Fatal("no bench programs")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "loop_sum.spl" {
			src = []byte(strings.Replace(string(src), "10000000", "100000", 1))
		}
		if _, err := EvalString(string(src)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
