package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// BenchmarkFib compares Spell's recursive fib with the same function in Go,
// in one run, so the ratio is meaningful on a noisy machine.
func BenchmarkFib(b *testing.B) {
	for _, n := range []int64{25, 30} {
		want := fibGo(n)
		b.Run(fmt.Sprintf("spell/%d", n), func(b *testing.B) {
			benchProgram(b, fmt.Sprintf("(do %s (fib %d))", fibDef, n), fmt.Sprint(want))
		})
		b.Run(fmt.Sprintf("tree/%d", n), func(b *testing.B) {
			defer treeWalker()()
			benchProgram(b, fmt.Sprintf("(do %s (fib %d))", fibDef, n), fmt.Sprint(want))
		})
		b.Run(fmt.Sprintf("go/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if fibGo(n) != want {
					b.Fatal("fib")
				}
			}
		})
	}
}

// treeWalker switches the compiler off until the returned function runs
// (the "tree" benchmarks measure the evaluator before the compiler).
func treeWalker() func() {
	saved := compileOff
	compileOff = true
	return func() { compileOff = saved }
}

func loopGo(n int64) int64 {
	var acc int64
	for i := int64(0); i < n; i++ {
		acc += i
	}
	return acc
}

// BenchmarkLoopSum compares loop/recur to 10 million with the same loop in
// Go, in one run.
func BenchmarkLoopSum(b *testing.B) {
	const src = "(loop [i 0 acc 0] (if (< i 10000000) (recur (inc i) (+ acc i)) acc))"
	b.Run("spell", func(b *testing.B) {
		benchProgramLimits(b, src, "49999995000000", Limits{MaxSteps: 1 << 40})
	})
	b.Run("tree", func(b *testing.B) {
		defer treeWalker()()
		benchProgramLimits(b, src, "49999995000000", Limits{MaxSteps: 1 << 40})
	})
	b.Run("go", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if loopGo(10_000_000) != 49999995000000 {
				b.Fatal("loop")
			}
		}
	})
}

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
