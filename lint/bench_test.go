package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// genProgram returns a wrapper program of about n lines mixing definitions,
// locals, destructuring, loops, calls and quoted data.
func genProgram(n int) []byte {
	var b strings.Builder
	b.WriteString("(quine completion\n  (eval\n    (do (quine prompt \"benchmark\")\n")
	for i := 0; 3+6*i < n-1; i++ {
		fmt.Fprintf(&b, `        (defn f%d [x {:keys [a b] :or {b 2}} & more]
          (let [y (+ x a b) [p q] more]
            (if (pos? y) (strings/upper-case (str y p q)) (f%d (dec x) {:a 1} y))))
        (def v%d (loop [i 0 acc []] (if (< i 3) (recur (inc i) (conj acc i)) acc)))
        (think "step %d" (map #(* %% 2) v%d))
        '(old trailing expression %d)
`, i, i, i, i, i, i)
	}
	b.WriteString("        '(!extend))))\n")
	return []byte(b.String())
}

func BenchmarkLint(b *testing.B) {
	src := genProgram(10000)
	b.SetBytes(int64(len(src)))
	opts := Options{Namespaces: DefaultNamespaces()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := syntax.Parse("bench.spl", src)
		a := Analyze(f, opts)
		if ds := Lint(f, a, Config{}); len(ds) != 0 {
			b.Fatalf("unexpected findings: %d, first %+v", len(ds), ds[0])
		}
	}
}

func TestGeneratedProgramIsClean(t *testing.T) {
	src := genProgram(200)
	f := syntax.Parse("gen.spl", src)
	for _, d := range Lint(f, Analyze(f, Options{}), Config{}) {
		t.Errorf("%s: %s [%s]", f.Position(d.Start), d.Message, d.Rule)
	}
}

// BenchmarkAnalyzeLint is BenchmarkLint without parsing.
func BenchmarkAnalyzeLint(b *testing.B) {
	src := genProgram(10000)
	f := syntax.Parse("bench.spl", src)
	opts := Options{Namespaces: DefaultNamespaces()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Lint(f, Analyze(f, opts), Config{})
	}
}

func BenchmarkParseOnly(b *testing.B) {
	src := genProgram(10000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		syntax.Parse("bench.spl", src)
	}
}

// denseUnbound returns about n bytes of "(do a a a …)": one unbound symbol
// every two bytes, the worst case for findings per input byte.
func denseUnbound(n int) []byte {
	src := make([]byte, 0, n+8)
	src = append(src, "(do"...)
	for len(src) < n-1 {
		src = append(src, " a"...)
	}
	return append(src, ')')
}

func BenchmarkLintDenseUnbound(b *testing.B) {
	src := denseUnbound(1 << 20)
	b.SetBytes(int64(len(src)))
	opts := Options{Namespaces: DefaultNamespaces()}
	b.ReportAllocs()
	for b.Loop() {
		f := syntax.Parse("dense.spl", src)
		Check(f, opts, Config{})
	}
}

// deepLets returns n nested lets, each binding a new name from a free name
// and a builtin, the innermost using the outermost binding:
// (let [a0 (inc b)] (let [a1 (inc b)] … (+ a0 zz))).
func deepLets(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "(let [a%d (inc b)] ", i)
	}
	b.WriteString("(+ a0 zz)")
	b.WriteString(strings.Repeat(")", n))
	b.WriteByte('\n')
	return []byte(b.String())
}

// BenchmarkLintDeepNesting lints lets nested near the reader's nesting limit
// (9,000 of 10,000): every name looked up at a level that is not bound
// there (inc, b) passes every scope above it.
func BenchmarkLintDeepNesting(b *testing.B) {
	src := deepLets(9000)
	b.SetBytes(int64(len(src)))
	opts := Options{Namespaces: DefaultNamespaces()}
	b.ReportAllocs()
	for b.Loop() {
		f := syntax.Parse("deep.spl", src)
		Check(f, opts, Config{})
	}
}
