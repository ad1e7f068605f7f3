package syntax

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// benchSource generates a Spell text of about size bytes mixing ordinary
// definitions, long strings (some spanning lines, with escapes), deep
// nesting (hundreds of levels), comments, discards and data literals. It
// parses without errors. format/bench_test.go carries a copy.
func benchSource(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 64*1024)
	word := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	for i := 0; b.Len() < size; i++ {
		w := word[i%len(word)]
		switch i % 5 {
		case 0: // a definition with comments
			fmt.Fprintf(&b, ";; %s: a function over a sequence of numbers, number %d\n", w, i)
			fmt.Fprintf(&b, "(defn %s-%d [xs n]\n  (let [total (reduce + 0 xs) ; the sum\n        avg (/ total (max 1 (count xs)))]\n", w, i)
			fmt.Fprintf(&b, "    (if (> avg n)\n      {:name %q, :total total :avg avg :tags #{:a :b :c}}\n      (map #(* %% 2) (filter odd? xs)))))\n\n", w)
		case 1: // long strings
			fmt.Fprintf(&b, "(def doc-%d \"%s\")\n", i, strings.Repeat("Lorem ipsum dolor sit amet, \\\"quoted\\\" \\u00e9 text. ", 40))
			fmt.Fprintf(&b, "(think \"line one\nline two of a multi-line string %d\n  indented third line\" #\"[a-z]+\\d*\")\n\n", i)
		case 2: // deep nesting: a few hundred levels, a line break every 50,
			// indented as the formatter would
			depth := 200 + i%200
			col := 0
			indents := make([]int, 0, depth)
			for d := 0; d < depth; d++ {
				if d%50 == 49 {
					b.WriteString("\n")
					col = indents[len(indents)-1]
					b.WriteString(strings.Repeat(" ", col))
				}
				switch d % 3 {
				case 0:
					b.WriteString("(f ")
					indents = append(indents, col+3)
					col += 3
				case 1:
					b.WriteString("[x ")
					indents = append(indents, col+1)
					col += 3
				default:
					b.WriteString("{:k ")
					indents = append(indents, col+1)
					col += 4
				}
			}
			b.WriteString("42")
			for d := depth - 1; d >= 0; d-- {
				switch d % 3 {
				case 0:
					b.WriteString(")")
				case 1:
					b.WriteString("]")
				default:
					b.WriteString("}")
				}
			}
			b.WriteString("\n\n")
		case 3: // data with commas, discards, quotes and metadata
			fmt.Fprintf(&b, "(def ^:private table-%d\n  '[{:id 1, :v \"one\"}\n    {:id 2, :v \"two\"} #_{:id 3}\n    {:id 4, :v \\a}])\n\n", i)
		case 4: // an agent program
			fmt.Fprintf(&b, "(quine completion (eval (do\n  (quine prompt \"Summarise %s.\")\n  (for [f (io/ls \".\")\n        :when (ends-with? f \".md\")]\n    (summarise f 1.5 -3 2r101 1/3))\n  '(!call-now files (io/ls \".\")))))\n\n", w)
		}
	}
	return b.Bytes()
}

var benchSrcOnce = sync.OnceValue(func() []byte { return benchSource(1 << 20) })

func TestBenchSourceParses(t *testing.T) {
	src := benchSource(64 * 1024)
	if f := Parse("bench", src); len(f.Errors) > 0 {
		t.Fatalf("generated source has errors: %v at %v", f.Errors[0].Msg, f.Position(f.Errors[0].Off))
	}
}

func BenchmarkParse(b *testing.B) {
	benchSrc := benchSrcOnce()
	b.SetBytes(int64(len(benchSrc)))
	b.ReportAllocs()
	for b.Loop() {
		if f := Parse("bench", benchSrc); len(f.Errors) > 0 {
			b.Fatal(f.Errors[0].Msg)
		}
	}
}

func BenchmarkPrint(b *testing.B) {
	benchSrc := benchSrcOnce()
	f := Parse("bench", benchSrc)
	b.SetBytes(int64(len(benchSrc)))
	b.ReportAllocs()
	for b.Loop() {
		if out := Print(f); len(out) != len(benchSrc) {
			b.Fatal("round trip")
		}
	}
}

// BenchmarkTreeMemory reports the heap a parsed tree retains (the source
// itself excluded) per input byte, as the custom metric B-tree/B-input.
func BenchmarkTreeMemory(b *testing.B) {
	benchSrc := benchSrcOnce()
	var before, after runtime.MemStats
	var ratio float64
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		f := Parse("bench", benchSrc)
		runtime.GC()
		runtime.ReadMemStats(&after)
		ratio = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(benchSrc))
		runtime.KeepAlive(f)
	}
	b.ReportMetric(ratio, "B-tree/B-input")
}

// TestTreeMemory: the tree of ordinary source retains at most 10 bytes per
// input byte (issue 8: a 10 MB file's tree must not cost gigabytes). It
// measures heap bytes, not time. Dense inputs cost more per byte (about 30
// for "a a a …", one 56-byte node per 2 bytes); the --max-input limit of
// the commands bounds those.
func TestTreeMemory(t *testing.T) {
	src := benchSource(2 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f := Parse("bench", src)
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(f)
	if ratio := float64(retained) / float64(len(src)); ratio > 10 {
		t.Errorf("the tree of %d bytes retains %d bytes (%.1f per input byte), want at most 10", len(src), retained, ratio)
	}
}
