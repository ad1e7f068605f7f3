package eval

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// compilerPrograms defeat the compiler's assumptions: each must give the
// same outcome (value or error, location, trace, hint, steps, the error's
// expression and environment, the result environment) with the compiler
// on and off.
var compilerPrograms = []string{
	// free names resolve in the caller at call time
	`(do (defn f [x] (+ x y)) (def y 5) (f 3))`,
	`(do (def y 1) (defn g [] y) (let [y 2] (g)))`,
	`(let [f (fn [] v)] (let [v 3] (f)))`,
	`(do (defn g [] n) (defn f [n] (if (= n 0) (g) (f (dec n)))) (f 3))`,
	`(do (defn g [] [a b]) (defn f [a] (let [b (* a 2)] (g))) (f 4))`,
	`(do (defn g [] i) (loop [i 0 acc []] (if (< i 3) (recur (inc i) (conj acc (g))) acc)))`,
	`(do (defn h [] q) (defn g [q] (h)) (defn f [q] (g (inc q))) (f 1))`,
	// rebinding builtins
	`(do (defn f [a b] (+ a b)) (let [+ -] (f 5 3)))`,
	`(do (defn f [a b] (+ a b)) (def + *) (f 5 3))`,
	`(do (defn f [+ a] (+ a a)) (f * 5))`,
	`(do (defn f [inc] (inc 1)) (f dec))`,
	`(let [if 1] (loop [i 0] (if (< i 3) (recur (inc i)) i)))`,
	// def inside function bodies
	`(do (def x 1) ((fn [] (def x 2) x)))`,
	`(do (def x 1) ((fn [] (def x 2))) x)`,
	`(do (defn f [n] (def m (* n 2)) (+ m 1)) [(f 3) (try m (catch e :unbound))])`,
	`(do (defn f [n] (let [a 1] (def a 5) a)) (f 1))`,
	`(do (defn f [n] (let [a 1] (def b 5)) b) (f 1))`,
	`(do (defn f [n] (if (def z n) z 0)) (f 7))`,
	`(do (defn f [n] [(def z n) z (let [z 9] z) z]) (f 7))`,
	`(do (defn f [n] (loop [i 0] (def w i) (if (< i n) (recur (inc i)) w))) (f 3))`,
	`(do (defn f [n] (loop [i (def k n)] (if (< i 5) (recur (inc i)) [i k]))) (f 2))`,
	`(do (defn f [n] (loop [a 1 i (def k n) j k] (if (< i 5) (recur a (inc i) j) [a i j k]))) [(f 2) (try k (catch e :no))])`,
	`(loop [a 1 i (def k 3) j k] (if (< i 5) (recur a (inc i) j) [a i j k]))`,
	`(do (loop [i (def k 3)] i) k)`,
	`(do (defn f [x] (def x (* x 10)) x) (f 2))`,
	`(do (defn f [x] (try (def q x) (catch e 0)) q) (f 4))`,
	// macros (expanding differently, defining)
	`(do (defmacro defv [n v] (list 'def n v)) (defn f [a] (defv b (* a 3)) (+ a b)) (f 2))`,
	`(do (defmacro defv [n v] (list 'def n v)) (defn f [a] (let [c 1] (defv b (* a 3))) (try b (catch e :nob))) (f 2))`,
	`(do (defmacro defv [n v] (list 'def n v)) (defn f [a] (loop [i (defv b a)] (if (< i 3) (recur (inc i)) [i b]))) (f 1))`,
	`(do (defmacro defv [n v] (list 'def n v)) (defn f [a] (loop [x 0 i (defv b a) j (+ b 1)] (if (< i 3) (recur x (inc i) j) [x i j b]))) (f 1))`,
	`(do (defmacro twice [e] (list 'do e e)) (defn f [a] (twice (def a (inc a))) a) (f 1))`,
	`(do (def n 0) (defmacro m [] (def n (inc n)) n) (defn f [] (m)) [(f) (f) (f)])`,
	`(do (defn f [x] (mm x)) (defmacro mm [y] (list 'inc y)) (f 1))`,
	`(do (defmacro mm [y] (list 'inc y)) (defn f [mm] (mm 1)) (f dec))`,
	`(do (defmacro unless [t b] (list 'if t nil b)) (defn f [x] (unless (> x 1) (recur (inc x)))) (f 0))`,
	// eval of built forms
	`(do (defn f [x] (eval (list '+ x 'x))) (f 4))`,
	`(do (defn f [x] (eval (list 'def 'r x)) (try r (catch e :none))) (f 4))`,
	`(do (defn f [x] (spell-eval (list '* x 'x))) (f 6))`,
	`(eval (list 'loop ['i 0] (list 'if '(< i 5) '(recur (inc i)) 'i)))`,
	// recur shapes
	`(loop [i 0 j 10] (if (< i 3) (recur (inc i)) [i j]))`,
	`(let [j :outer] (loop [i 0 j 10] (if (< i 3) (recur (inc i)) [i j])))`,
	`(loop [i 0] (if (< i 3) (recur (inc i) 99 100) i))`,
	`((fn [x] (if x (recur false 2) :done)) true)`,
	`((fn [x] (if x (recur) :done)) true)`,
	`(loop [i 0] (+ 1 (recur 1)))`,
	`(loop [i 0] (let [j (recur 1)] j))`,
	`(defn f [x] (if (< x 3) (recur (inc x)) x))`,
	`((fn [x] (when (< x 3) (recur (inc x)))) 0)`,
	`((fn [x] (cond (< x 3) (recur (inc x)) :else x)) 0)`,
	`((fn [x] (and (< x 3) (recur (inc x)))) 0)`,
	`((fn [x] (do (inc x) (if (< x 3) (recur (inc x)) x))) 0)`,
	`(loop [] (recur))`,
	`((fn [] (recur)))`,
	`(do (defn f [& xs] (if (< (count xs) 3) (recur (cons 1 xs)) xs)) (f))`,
	// errors: spans, traces, environments
	`(do (defn inner [x] (undefined-fn x)) (defn outer [y] (inner y)) (outer 1))`,
	`(do (defn inner [x] (/ x 0)) (defn outer [y] (inner y)) (try (outer 1) (catch e [(:message e) y])))`,
	`(try ((fn [a] (undefined-fn)) 5) (catch e a))`,
	`(do (defn f [a] (let [b 2] (throw {:a a :b b}))) (try (f 1) (catch e e)))`,
	`(do (defn f [a] (let [b 2] (nth [] b))) (try (f 1) (catch e (:message e))))`,
	`(do (defn f [a] (loop [i 0] (if (< i a) (recur (inc i)) (throw i)))) (try (f 3) (catch e e)))`,
	`(do (defn f [a] (undefined-q)) (f 1))`,
	`(do (defn f [a] (inc)) (f 1))`,
	`(do (defn f [a] (a 1)) (f 5))`,
	`(do (defn f [a] (:k a)) [(f {:k 1}) (f nil)])`,
	`(do (defn f [a] ([1 2 3] a)) [(f 1) (try (f 5) (catch e (:message e)))])`,
	`(do (defn f [a] (if)) (f 1))`,
	`(do (defn f [a] (let [b] b)) (f 1))`,
	`(do (defn f [a] (let x 1)) (f 1))`,
	`(do (defn f [a] (when)) (f 1))`,
	`(do (defn f [a] (io/sh "ls")) (f 1))`,
	`(do (defn f [a] (strings/nope a)) (f 1))`,
	`(do (defn f [a] (strings/upper-case a)) (f "x"))`,
	`(do (defn f [a] (math/sqrt a)) (f 16))`,
	`(do (defn f [m] m/a/b) (f {:a {:b 7}}))`,
	`(do (defn f [aa] (+ ab 1)) (f 1))`,
	`(do (defn f [n] (f n)) (f 1))`,
	`(do (defn f [n] (inc (f n))) (f 1))`,
	`(do (defn f [n] (if (zero? n) 0 (inc (f (dec n))))) (f 9998))`,
	`(do (defn f [n] (if (zero? n) 0 (inc (f (dec n))))) (f 5000))`,
	`(do (defn g [n] (map g [n])) (g 1))`,
	`(do (defn h [n] [(h n)]) (h 1))`,
	`(do (defn f [n] (loop [i 0] (if (< i n) (recur (inc i)) i))) (f 100000))`,
	`(loop [i 0] (if (< i 10000000) (recur (inc i)) i))`,
	// callbacks, combinators, futures
	`(do (defn f [k] (map (fn [x] (* x k)) [1 2 3])) (f 3))`,
	`(do (defn f [k] (reduce (fn [a x] (+ a x k)) 0 [1 2 3])) (f 3))`,
	`(do (defn f [k] (filter #(> % k) [1 2 3 4])) (f 2))`,
	`(do (defn f [k] ((comp inc (partial * k)) 2)) (f 5))`,
	`(do (defn f [k] (sort-by (fn [x] (- k x)) [1 3 2])) (f 0))`,
	`(do (defn f [k] (let [g (fn [x] (+ x k))] (g 1))) (f 10))`,
	`(do (defn f [k] (let [g (fn [x] (+ x k))] g)) ((f 10) 1))`,
	`(do (defn f [k] (map (fn [x] (def z x)) [k])) [(f 1) (try z (catch e :z))])`,
	`(do (defn f [k] @(future (+ k 1))) (f 1))`,
	`(do (defn f [k] (apply + k [1 2])) (f 1))`,
	`(do (defn f [x] (and x (or (> x 1) :small))) [(f nil) (f 1) (f 2)])`,
	`(do (defn f [x] [(gensym) (and x x) (gensym)]) (f 1))`,
	`(do (defn f [x] (if-let [y x] (inc y) :none)) [(f 1) (f nil)])`,
	`(do (defn f [x] (case x 1 :one 2 :two :other)) [(f 1) (f 2) (f 3)])`,
	`(do (defn f [x] (-> x inc (* 2))) (f 1))`,
	`(do (defn f [{:keys [a b]}] (+ a b)) (f {:a 1 :b 2}))`,
	`(do (defn f [[a b]] (+ a b)) (f [1 2]))`,
	`(do (defn f [x] (let [[a b] x] (+ a b))) (f [1 2]))`,
	`(do (defn f [x] (for [i (range x)] (* i i))) (f 4))`,
	`(do (defn f [x] {:a x :b (inc x)}) (f 1))`,
	`(do (defn f [x] #{x (inc x)}) (f 1))`,
	`(do (defn f [x] #{x x}) (f 1))`,
	`(do (defn f [x] [x (def y x) y]) [(f 1) (try y (catch e :y))])`,
	`(do (defn f [x] (quine q (inc x))) (f 1))`,
	`(do (defn f [x] (think "label" (inc x))) (f 1))`,
	`(do (defn f [x] (quote (a b x))) (f 1))`,
	`(do (defn f [x] ()) (f 1))`,
	`(do (defn f [x] (nil 1 2)) (f 1))`,
	`(do (defn f [x] ((if x inc dec) 1)) [(f true) (f false)])`,
	`(do (defn f [x] (let [x (inc x) x (* x 2)] x)) (f 1))`,
	`(do (defn f [x x] x) (f 1 2))`,
	`(do (defn f [x] (let [y x] (fn [] y))) ((f 1)))`,
	`(do (defn f [x] (let [y x] ((fn [] y)))) (f 1))`,
	`(do (defn f [] (g)) (defn g [] (h)) (defn h [] (throw "deep")) (try (f) (catch e e)))`,
	`(do (defn f [x] (describe-fn x)) (f 'inc))`,
	`(quine completion (eval (do (defn f [x] (inc x)) (f 1))))`,
	`(quine completion (eval (do (defn f [x] (io/sh "true")) '(f 1))))`,
	`(do (defn f [x] (eval 'x)) (f 42))`,
	`(do (defn f [x] (eval '(def zz 1))) (f 42) zz)`,
	`(do (defn f [] (blocking/await 1)) (f))`,
	`(let [a 1] (loop [i 0] (if (< i 2) (recur (inc i)) (let [a 2] [a i]))))`,
	`(loop [i 0 acc 0] (if (< i 100) (recur (inc i) (+ acc i)) acc))`,
	`(loop [i 0 acc 0] (if (< i 100) (recur (inc i) (+ acc (* i 1.5))) acc))`,
	`(loop [i 9223372036854775800 acc 0] (if (< acc 20) (recur (inc i) (inc acc)) i))`,
	`(do (defn f [n] (if (< n 2) n (+ (f (- n 1)) (f (- n 2))))) (f 15))`,
}

// compileOutcome is goldenOutcome plus what the compiler could change
// unseen: the error's expression, containing form and environment, and the
// result environment.
func compileOutcome(name string, src []byte, lim Limits) string {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, res, err := RunProgram(ctx, name, src, Options{Limits: lim, Seed: 1})
	var b strings.Builder
	if err == nil {
		fmt.Fprintf(&b, "value: %s\n", clipPr(res.Value, 2000))
		fmt.Fprintf(&b, "env: %s\n", envText(res.Env))
	} else {
		var e *Error
		if !errors.As(err, &e) {
			fmt.Fprintf(&b, "go error: %v\n", err)
		} else {
			fmt.Fprintf(&b, "error: %s\nat: %v\ntrace: %s\nhint: %s\nfatal: %v\n", clip(e.Msg, 2000), e.Span, e.CallTrace(), e.Hint, e.Fatal)
			if e.HasThrown {
				fmt.Fprintf(&b, "thrown: %s\n", clipPr(e.Thrown, 2000))
			}
			fmt.Fprintf(&b, "expr: %s\n", clipPr(e.Expr, 2000))
			fmt.Fprintf(&b, "containing: %s\n", clipPr(e.ContainingForm, 2000))
			fmt.Fprintf(&b, "env: %s\n", envText(e.Env))
		}
	}
	fmt.Fprintf(&b, "steps: %d\n", res.Steps)
	return b.String()
}

// clipPr is the readable form of v cut to n bytes; the printer stops there,
// so a value with shared structure (2^40 leaves) costs no more than a
// small one.
func clipPr(v value.Value, n int) string { return clip(value.PrStrMax(v, n), n) }

func envText(e *Env) string {
	var kv []string
	e.Range(func(s *value.Symbol, v value.Value) {
		kv = append(kv, symText(s)+"="+clipPr(v, 200))
	})
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

// fnLitNames matches the numbered parameter names of #(…) literals (the
// reader numbers them per process).
var fnLitNames = regexp.MustCompile(`__[0-9]+#`)

// bothWays returns the outcome with the compiler off, then on.
func bothWays(name string, src []byte, lim Limits) (string, string) {
	saved := compileOff.Load()
	defer func() { compileOff.Store(saved) }()
	compileOff.Store(true)
	off := compileOutcome(name, src, lim)
	compileOff.Store(false)
	on := compileOutcome(name, src, lim)
	return off, on
}

// TestCompiledSameOutcome runs the golden programs, the language tables and
// compilerPrograms with the compiler off and on: every observable outcome
// must be the same.
func TestCompiledSameOutcome(t *testing.T) {
	var progs []goldenProgram
	for i, src := range compilerPrograms {
		progs = append(progs, goldenProgram{id: fmt.Sprintf("compiler/%d", i), name: "c.spl", src: []byte(src)})
	}
	for _, table := range [][]langCase{langSpecialForms, langMacros, langEvaluation, langWrapper, langEdits, langDivergences, langCatchability} {
		for i, tc := range table {
			progs = append(progs, goldenProgram{id: fmt.Sprintf("lang/%d", i), name: "l.spl", src: []byte(tc.src)})
		}
	}
	progs = append(progs, goldenPrograms(t)...)
	for _, p := range progs {
		off, on := bothWays(p.name, p.src, goldenLimits)
		if off, on = fnLitNames.ReplaceAllString(off, "#"), fnLitNames.ReplaceAllString(on, "#"); off != on {
			t.Errorf("%s: %s\ncompiler off:\n%s\ncompiler on:\n%s", p.id, clip(string(p.src), 300), off, on)
		}
	}
}

// TestCompiledNoAllocation: a compiled function of small integers and a
// loop/recur allocate nothing per call or iteration (Go boxes integers
// below 256 without allocating): running twice the calls allocates no more.
func TestCompiledNoAllocation(t *testing.T) {
	if compileOff.Load() {
		t.Skip("compiler off")
	}
	allocs := func(src string) float64 {
		rr, err := ReadProgram("a.spl", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		in := New(context.Background(), Options{})
		in.Spans = rr.Spans
		run := func() {
			if _, _, err := in.Eval(rr.Form, PipelineEnv()); err != nil {
				t.Fatal(err)
			}
		}
		run() // compile
		return testing.AllocsPerRun(5, run)
	}
	for _, tc := range []struct{ name, src string }{
		{"call", "(do (defn f [a b] (if (< a b) (- b a) (- a b))) (loop [i 0 acc 0] (if (< i %d) (recur (inc i) (f i 3)) acc)))"},
		{"recur", "(loop [i 0 j 0] (if (< i %d) (recur (inc i) (+ j 1)) j))"},
		{"fib", "(do (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib (quot %d 20)))"},
		{"let", "(do (defn f [a] (let [b (inc a) c (dec b)] (if (= a c) b 0))) (loop [i 0 acc 0] (if (< i %d) (recur (inc i) (f i)) acc)))"},
	} {
		a100, a200 := allocs(fmt.Sprintf(tc.src, 100)), allocs(fmt.Sprintf(tc.src, 200))
		if a200 > a100 {
			t.Errorf("%s: %.0f allocations for 100 calls or iterations, %.0f for 200: want no more", tc.name, a100, a200)
		}
	}
}

// FuzzCompiled: the compiler never changes an outcome.
func FuzzCompiled(f *testing.F) {
	for _, src := range compilerPrograms {
		f.Add(src)
	}
	for _, table := range [][]langCase{langSpecialForms, langMacros, langEvaluation} {
		for _, tc := range table {
			f.Add(tc.src)
		}
	}
	// Nesting around the limits: the nesting limit of this test (200) and
	// the reader's (10,000).
	f.Add(strings.Repeat("(do ", 300) + "1" + strings.Repeat(")", 300))
	f.Add(strings.Repeat("(let [x ", 5001) + "1" + strings.Repeat("] x)", 5001))
	f.Add(strings.Repeat("[", 10001) + strings.Repeat("]", 10001))
	// Values with shared structure (2^40 leaves): printed values and
	// messages are clipped by the printer, not after it.
	f.Add("(reduce (fn [a _] [a a]) [] (range 40))")
	f.Add("(str (reduce (fn [a _] [a a]) [] (range 40)))")
	f.Add("(do (def x (reduce (fn [a _] [a a]) [] (range 40))) (throw x))")
	f.Fuzz(func(t *testing.T, src string) {
		// A small output limit keeps every run cheap (str of a huge value
		// stops at 1 MiB).
		off, on := bothWays("f.spl", []byte(src), Limits{MaxSteps: 20000, MaxNesting: 200, MaxBytes: 1 << 20})
		off, on = fnLitNames.ReplaceAllString(off, "#"), fnLitNames.ReplaceAllString(on, "#")
		if off != on && !strings.Contains(off, "Cancelled") {
			t.Fatalf("%q\ncompiler off:\n%s\ncompiler on:\n%s", clip(src, 2000), off, on)
		}
	})
}

// TestTopLevelDefnRunsCompiled: a function defined and called at the top
// level of a program, as `spell run` evaluates it (EvalTurn on the pipeline
// environment, bare and in a wrapper), runs its compiled body: the call
// from the tree walker compiles it (callSpell → compiledFn) and the
// recursive calls inside go through the compiled call path.
func TestTopLevelDefnRunsCompiled(t *testing.T) {
	if compileOff.Load() {
		t.Skip("compiler off")
	}
	for _, src := range []string{
		"(do (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 12))",
		"(quine completion (eval (do (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 12))))",
	} {
		rr, err := ReadProgram("fib.spl", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		in := New(context.Background(), Options{})
		in.Spans = rr.Spans
		v, _, err := in.EvalTurn(rr.Form, PipelineEnv())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(value.PrStr(v), "144") {
			t.Fatalf("%s: got %s", src, value.PrStr(v))
		}
		// fib 12 nests 12 calls: each compiled call takes a frame of the
		// interpreter's pool (the tree walker takes none).
		if len(in.frames) < 12 {
			t.Errorf("%s: %d compiled frames used, want at least 12 (the calls did not run compiled)", src, len(in.frames))
		}
	}
}

// TestCompiledLimitsAtEveryStep: the compiler's in-place paths (leaf
// operations and comparisons, local branches, unboxed returns, recur on
// the Go stack) charge steps and nesting exactly as the tree walker: with
// the step limit at every count a small run reaches, and every nesting
// limit up to its depth, both evaluators fail at the same step, place and
// form (or give the same value).
func TestCompiledLimitsAtEveryStep(t *testing.T) {
	progs := []string{
		"(do (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 5))",
		"(loop [i 0 acc 0] (if (< i 12) (recur (inc i) (+ acc i)) acc))",
		"(do (defn f [a b] (if (<= a b) (- b a) (dec (+ a b)))) (loop [i 0 acc 0] (if (>= i 6) acc (recur (inc i) (f i 3)))))",
		"(do (defn g [x] (if (= x 0) x (g (dec x)))) (defn h [x] (let [y (inc x)] (if (> y 3) y (h y)))) [(g 6) (h 0)])",
	}
	for _, src := range progs {
		_, res, err := RunProgram(context.Background(), "s.spl", []byte(src), Options{Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for max := int64(1); max <= res.Steps+1; max++ {
			off, on := bothWays("s.spl", []byte(src), Limits{MaxSteps: max})
			if off != on {
				t.Fatalf("%s with MaxSteps %d:\ncompiler off:\n%s\ncompiler on:\n%s", src, max, off, on)
			}
		}
		for depth := 1; depth <= 40; depth++ {
			off, on := bothWays("s.spl", []byte(src), Limits{MaxNesting: depth})
			if off != on {
				t.Fatalf("%s with MaxNesting %d:\ncompiler off:\n%s\ncompiler on:\n%s", src, depth, off, on)
			}
		}
	}
}
