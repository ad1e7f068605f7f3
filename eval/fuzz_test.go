package eval

import (
	"context"
	"errors"
	"fmt"
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
	// Printing values with shared structure (2^40 leaves): the printers
	// stop at the output limit (str, pr-str: Output limit exceeded), the
	// snapshot printer at its character limit (serialize), and the printed
	// program value at value.MaxPrintBytes, ending in "..." (see
	// TestSharedStructureBounded).
	"(str (reduce (fn [a _] [a a]) [] (range 40)))",
	"(pr-str (reduce (fn [a _] [a a]) [] (range 40)))",
	"(serialize (reduce (fn [a _] [a a]) [] (range 40)))",
	"(quine completion (eval (do (def x (reduce (fn [a _] [a a]) [] (range 40))) (persist x) '(edit-reopen completion))))",
	"(reduce (fn [a _] [a a]) [] (range 40))",
	// A builtin's failure message showed such a value whole: 64 MiB of
	// message, printed on stderr.
	"(subs (reduce (fn [a _] [a a]) [] (range 40)) 1)",
	"(inc (reduce (fn [a _] [a a]) [] (range 40)))",
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

// TestSharedStructureBounded: printing a value with shared structure (2^40
// leaves) costs work in proportion to the limits, not to its printed size:
// str and pr-str fail with the output limit at about the limit, and a
// builtin's failure message shows the value cut short.
func TestSharedStructureBounded(t *testing.T) {
	const big = "(reduce (fn [a _] [a a]) [] (range 40))"
	lim := Limits{MaxSteps: 100000, MaxBytes: 1 << 16}
	for _, tc := range []struct {
		src, msg string
		max      int
	}{
		{"(str " + big + ")", "Output limit exceeded: string of ", 4000},
		{"(pr-str " + big + ")", "Output limit exceeded: string of ", 4000},
		{"(str \"x\" " + big + ")", "Output limit exceeded: string of ", 4000},
		{"(subs " + big + " 1)", "Function call failed: subs: subs expects a string, got vector: [[[[", 4000},
		{"(inc " + big + ")", "Function call failed: inc: Cannot cast vector to number: [[[[", 4000},
		// The message of a thrown value is its pr-str, cut with "..." at
		// the output limit.
		{"(throw " + big + ")", "[[[[", 2 << 16},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard
		_, _, err := RunProgram(ctx, "<big>", []byte(tc.src), Options{Limits: lim})
		cancel()
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(e.Msg, tc.msg) {
			t.Errorf("%s: err = %.300v, want %q…", tc.src, err, tc.msg)
			continue
		}
		if len(e.Msg) > tc.max {
			t.Errorf("%s: a message of %d bytes", tc.src, len(e.Msg))
		}
		if strings.HasPrefix(tc.msg, "Output") {
			var n, limit int
			if _, err := fmt.Sscanf(e.Msg, "Output limit exceeded: string of %d bytes (limit %d)", &n, &limit); err != nil || limit != 1<<16 || n > 2<<16 {
				t.Errorf("%s: %s: want a string just over the limit of %d bytes", tc.src, e.Msg, 1<<16)
			}
		}
	}
}

// TestFuzzRegressions replays the fuzzer's findings in ordinary test runs.
func TestFuzzRegressions(t *testing.T) {
	for _, src := range fuzzRegressions {
		checkFuzzProgram(t, src)
	}
}
