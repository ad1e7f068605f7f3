package eval

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spell-go/spell/eval/value"
)

// fuzzRegressions are inputs the fuzzer found; each once misbehaved.
var fuzzRegressions = []string{
	// edit-reopen walked a shared-structure form (2^40 nodes as a tree)
	// without charging steps: unbounded and not cancellable.
	"(edit-reopen (reduce (fn [a _] (list a a)) 1 (range 40)))",
}

// fuzzOpenBugs are fuzzer findings in code this test may not fix (the
// value printer and value.SourceForm); see TestFuzzOpenBugs.
var fuzzOpenBugs = []string{
	"(str (reduce (fn [a _] [a a]) [] (range 40)))",
	"(pr-str (reduce (fn [a _] [a a]) [] (range 40)))",
	"(serialize (reduce (fn [a _] [a a]) [] (range 40)))",
	"(quine completion (eval (do (def x (reduce (fn [a _] [a a]) [] (range 40))) (persist x) '(edit-reopen completion))))",
	// The program value itself is printed by spell run and by this test.
	"(reduce (fn [a _] [a a]) [] (range 40))",
}

// fuzzAdversarial are extra seeds aimed at limits and odd shapes.
var fuzzAdversarial = []string{
	strings.Repeat("(", 20000),
	strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	"(read-string (apply str (repeat 30000 \"(\")))",
	"(do (defn f [n] (inc (f n))) (f 1))",
	"(loop [] (recur))",
	"(range 1e12)",
	"(apply str (repeat 100000000 \"x\"))",
	"(quine c (reopen c 1))",
	"(quine completion (eval (do (def x 1) (persist x) '(edit-reopen completion))))",
	"(edit-reopen '(do (rethink 99999999999 \"x\") (prune -5) (prune 1e300)))",
	"(let [{:keys [a] :or {a (+ 1 1)} :as m} nil] [a m])",
	"(do (defmacro m [& xs] (cons 'm xs)) (m 1))",
	"(future (loop [] (recur)))",
	"(quine completion (eval (do '(blocking/await (future 1)))))",
	"(serialize (range 100000) 128)",
	"(first-line 9223372036854775807 [\"a\"])",
	"(subvec (first-line 4 [\"a\" \"b\"]) 1)",
	"(nth [1] -1)",
	"(bit-shift-left 1 64)",
	"(* 9223372036854775807 2)",
	"(/ 1 0)",
	"(rationalize 1e308)",
	"(re-find #\"(a*)*b\" (apply str (repeat 10000 \"a\")))",
	// Deeper than the reader's limit: a syntax error at the opener that
	// goes too deep (100,000 or 1,000,000 levels overflowed the Go stack
	// in lowering).
	strings.Repeat("[", 100001) + strings.Repeat("]", 100001),
	strings.Repeat("'", 100001) + "x",
	strings.Repeat("^:a ", 20001) + "x",
	// 20,000 mismatched closers far along one line: each message named
	// the opener's column, a scan of the line (10 s).
	strings.Repeat("(let [x ", 10000) + ")" + strings.Repeat("(let [x ", 10000),
}

// FuzzEval runs arbitrary program texts: evaluation must not panic, must
// return within its timeout, and every error must be an *Error with a
// message.
func FuzzEval(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range a.Files {
			if strings.HasSuffix(af.Name, ".spl") {
				f.Add(string(af.Data))
			}
		}
	}
	for _, table := range [][]langCase{langSpecialForms, langMacros, langEvaluation, langWrapper, langEdits, langDivergences, langCatchability} {
		for _, tc := range table {
			f.Add(tc.src)
		}
	}
	for _, src := range fuzzRegressions {
		f.Add(src)
	}
	for _, src := range fuzzAdversarial {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkFuzzProgram(t, src)
	})
}

func checkFuzzProgram(t *testing.T, src string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	type result struct {
		v   value.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		_, res, err := RunProgram(ctx, "<fuzz>", []byte(src), Options{Limits: Limits{MaxSteps: 100000}})
		if err == nil {
			// Printing must not panic either; it stops at the byte limit
			// or when the context ends, as spell run's printing does.
			var b strings.Builder
			value.WritePrPoll(&b, res.Value, func() bool { return ctx.Err() != nil })
		}
		done <- result{res.Value, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			var e *Error
			if !errors.As(r.err, &e) {
				t.Fatalf("%q: error %T %v is not *eval.Error", src, r.err, r.err)
			}
			// (throw "") is the one error whose message may be empty: a
			// thrown string is the message (language.md §9.12, throw).
			if e.Msg == "" && !(e.HasThrown && e.Thrown == "") {
				t.Fatalf("%q: empty error message", src)
			}
		}
	case <-time.After(time.Minute):
		// A hang guard, generous for a loaded machine: the program's own
		// context ends after a second.
		t.Fatalf("%q: did not return within a minute of a 1s timeout", src)
	}
}

// TestFuzzOpenBugs replays the findings about values with heavily shared
// structure (printing and value forms are bounded).
func TestFuzzOpenBugs(t *testing.T) {
	for _, src := range fuzzOpenBugs {
		checkFuzzProgram(t, src)
	}
}

// TestFuzzRegressions replays the fuzzer's findings in ordinary test runs.
func TestFuzzRegressions(t *testing.T) {
	for _, src := range fuzzRegressions {
		checkFuzzProgram(t, src)
	}
}
