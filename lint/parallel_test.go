package lint

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// editSnippets are the texts the random edits insert: whitespace, stray
// delimiters, and forms that bind, use macros, recur, quote, destructure.
var editSnippets = []string{
	" ", "\n", "  ", "x", "(", ")", "[", "]", "{", "}", "\"", "'", "#", "#_", "@", "^:m ", "~", ";c\n",
	"(defmacro mm [a & r] a)", "(mm 1 (f0 2))", "(defn g [a & r] (g a (recur a)))", "(g 1)",
	"#(loop [i %] (recur %2))", "#(do % %&)", "(persist zz)", "(def zz (fn [q] q))", "(zz 1 2)",
	"(let [a 1 {:keys [b] :or {b 2} :as m} {}] (+ a b m))", "'(quoted x)", "(quote (y))",
	"(fn [x] (recur x))", "\"str\"", "(think \"t\" (f0 1))", "(eval '(io/ls \".\"))",
	"(try (f0) (catch e (str e)))", "(for [x [1] :let [y x] :when y] (v0 y))", "(if-let [a 1] a b)",
	"(when-some [a nil] a)", "(as-> 1 v (inc v))", "(future (recur 1))", "(quine q 1 2)",
	"(reopen x (reopen-eval 1) 2)", "(-> 1 inc (f0 2) (let [z 1] z))", "(cond-> 1 true inc)",
	"(blocking/plet [a (f0)] a)", "(strings/upper-case \"a\")", "(!call-now r (io/ls \".\"))",
	"(rethink 1 \"x\" (f0))", "(prune 1)", "(do (do 1) 2)", "(case 1 1 :a :b)", "(recur)",
	"(def)", "(defn)", "(let x)", "(fn)", "(loop [a 1] (if a (recur (dec a)) a))",
}

// randomEdit applies one random edit to src.
func randomEdit(r *rand.Rand, src []byte) []byte {
	at := r.IntN(len(src) + 1)
	switch r.IntN(4) {
	case 0: // delete a few bytes
		end := min(len(src), at+1+r.IntN(12))
		return append(append([]byte(nil), src[:at]...), src[end:]...)
	case 1: // move to a line start, insert a form
		if i := strings.LastIndexByte(string(src[:at]), '\n'); i >= 0 {
			at = i + 1
		}
	}
	s := editSnippets[r.IntN(len(editSnippets))]
	out := make([]byte, 0, len(src)+len(s))
	return append(append(append(out, src[:at]...), s...), src[at:]...)
}

// sameAnalysis reports how got differs from want ("" when they are the
// same). Loops is keyed by node pointers, and the list copy of a #(…) node
// is made per walk, so Loops is compared by node offsets.
func sameAnalysis(got, want *Analysis) string {
	loops := func(m map[*syntax.Node]bool) map[[3]int32]bool {
		out := map[[3]int32]bool{}
		for n, v := range m {
			out[[3]int32{n.Start, n.End, int32(n.Kind)}] = v
		}
		return out
	}
	if !reflect.DeepEqual(loops(got.Loops), loops(want.Loops)) {
		return "Loops"
	}
	g, w := *got, *want
	g.Loops, w.Loops = nil, nil
	if reflect.DeepEqual(&g, &w) {
		return ""
	}
	gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			return gv.Type().Field(i).Name
		}
	}
	return "?"
}

// wrapperProgram is a small wrapper program whose forms use every kind of
// binding.
func wrapperProgram(n int) []byte {
	var b strings.Builder
	b.WriteString("(quine completion (eval (do\n  (quine prompt \"p\")\n")
	for i := range n {
		if i == n/2 {
			b.WriteString("  (defmacro unless [c & body] (list 'if c nil (cons 'do body)))\n")
		}
		fmt.Fprintf(&b, "  (defn f%d [x & r] (unless x (f%d r)) #(+ %% x))\n  (def v%d (let [{:keys [a]} {} [p & q] r] (for [i [1]] (mm a p q i))))\n  (think \"t %d\" (f%d v%d))\n", i, i, i, i, i, i)
	}
	b.WriteString("  '(!call-now files (io/ls \".\")))))\n")
	return []byte(b.String())
}

// plainProgram is a program of top-level forms (no wrapper).
func plainProgram(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "(defn h%d [x] (loop [i x] (if (pos? i) (recur (dec i)) (h%d i))))\n(h%d 3)\n", i, i, i)
	}
	return []byte(b.String())
}

var split atomic.Int64

// analyzeBoth returns the analysis of f walked in one go and the one
// walked as two halves at once (every sequence of forms split).
func analyzeBoth(t testing.TB, f *syntax.File) (seq, par *Analysis) {
	defer func(n int) { parallelBytes = n }(parallelBytes)
	parallelBytes = 1 << 62
	seq = Analyze(f, Options{})
	parallelBytes = 1
	n := splits.Load()
	par = Analyze(f, Options{})
	if splits.Load() > n {
		split.Add(1)
	}
	return seq, par
}

// lintBoth returns the findings over par with the rules run two groups
// at once, and over seq run in one go.
func lintBoth(f *syntax.File, par, seq *Analysis) (pd, sd []Diagnostic) {
	defer func(n int) { parallelBytes = n }(parallelBytes)
	parallelBytes = 1
	pd = CheckAnalysis(f, par, Config{})
	parallelBytes = 1 << 62
	sd = CheckAnalysis(f, seq, Config{})
	return pd, sd
}

// TestParallelLintCaps: with more than MaxPerRule findings of rules of
// both groups, the parallel rules keep and summarise the same ones.
func TestParallelLintCaps(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	var b strings.Builder
	b.WriteString("(quine c (eval (do\n")
	for i := range MaxPerRule + 50 {
		fmt.Fprintf(&b, "  (defn u%d [] (inc 1) nope%d)\n  (def u%d 1)\n", i, i, i)
	}
	b.WriteString("  '(x))))\n")
	f := syntax.Parse("caps.spl", []byte(b.String()))
	seq, par := analyzeBoth(t, f)
	pd, sd := lintBoth(f, par, seq)
	if !reflect.DeepEqual(pd, sd) {
		t.Fatalf("findings differ: %d vs %d", len(pd), len(sd))
	}
	rules := map[string]int{}
	for _, d := range sd {
		rules[d.Rule]++
	}
	if rules["unused-value"] <= MaxPerRule || rules["unresolved-symbol"] <= MaxPerRule || rules["redefined-var"] <= MaxPerRule {
		t.Errorf("want more than %d findings of unused-value, unresolved-symbol and redefined-var (with the summary), got %v", MaxPerRule, rules)
	}
}

// TestParallelAnalyzeMatches applies random edits to programs and checks
// that after each one the analysis walked in two halves at once, and the
// findings over it, are those of the walk in one go.
func TestParallelAnalyzeMatches(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	cases := []struct {
		name        string
		src         []byte
		runs, edits int
	}{
		{"wrapper", wrapperProgram(12), 6, 25},
		{"plain", plainProgram(20), 5, 25},
		{"generated", genProgram(300), 2, 12},
		{"10k", genProgram(10000), 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && len(tc.src) > 1<<16 {
				t.Skip("large program: not in -short")
			}
			r := rand.New(rand.NewPCG(11, uint64(len(tc.src))))
			split.Store(0)
			for run := range tc.runs {
				src := tc.src
				for step := 0; step <= tc.edits; step++ {
					if step > 0 {
						src = randomEdit(r, src)
					}
					f := syntax.Parse("edit.spl", src)
					want, got := analyzeBoth(t, f)
					if d := sameAnalysis(got, want); d != "" {
						t.Fatalf("run %d edit %d: %s differs from the sequential walk's; source:\n%s", run, step, d, src)
					}
					gd, wd := lintBoth(f, got, want)
					if !reflect.DeepEqual(gd, wd) {
						t.Fatalf("run %d edit %d: findings differ:\n got %v\nwant %v", run, step, gd, wd)
					}
				}
			}
			if split.Load() == 0 {
				t.Errorf("no program was walked in halves")
			}
		})
	}
}

// TestParallelMacroContext: a defmacro in the first half keeps the walk in
// one go (the second half's calls of the macro are lenient).
func TestParallelMacroContext(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	for _, src := range []string{
		"(quine c (eval (do (defn m [x] x) (def a 1) (m (undefined-a)) '(x))))",
		"(quine c (eval (do (defmacro m [x] x) (def a 1) (m (undefined-a)) '(x))))",
		"(defmacro m [x] x) (def a 1) (m (undefined-a))",
	} {
		f := syntax.Parse("m.spl", []byte(src))
		want, got := analyzeBoth(t, f)
		if d := sameAnalysis(got, want); d != "" {
			t.Fatalf("%s: %s differs", src, d)
		}
	}
}

// BenchmarkAnalyze10k measures Analyze of a 10,000 line program (walked
// in halves at once when there are two processors); OneGo walks it in one
// go, as before. Compare them in one run: go test ./lint -run '^$' -bench
// '10k' -count 5.
func BenchmarkAnalyze10k(b *testing.B) { benchAnalyze(b, parallelBytes) }

func BenchmarkAnalyze10kOneGo(b *testing.B) { benchAnalyze(b, 1<<62) }

func benchAnalyze(b *testing.B, split int) {
	defer func(n int) { parallelBytes = n }(parallelBytes)
	parallelBytes = split
	f := syntax.Parse("bench.spl", genProgram(10000))
	b.ReportAllocs()
	for b.Loop() {
		Analyze(f, Options{})
	}
}

// BenchmarkLint10k measures the rules (CheckAnalysis) over the analysis of
// a 10,000 line program, two groups at once; OneGo runs them in order.
func BenchmarkLint10k(b *testing.B) { benchLint(b, parallelBytes) }

func BenchmarkLint10kOneGo(b *testing.B) { benchLint(b, 1<<62) }

func benchLint(b *testing.B, split int) {
	defer func(n int) { parallelBytes = n }(parallelBytes)
	parallelBytes = split
	f := syntax.Parse("bench.spl", genProgram(10000))
	a := Analyze(f, Options{})
	b.ReportAllocs()
	for b.Loop() {
		CheckAnalysis(f, a, Config{})
	}
}
