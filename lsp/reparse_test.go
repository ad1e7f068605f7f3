package lsp

import (
	"bytes"
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spell-go/spell/bench/cputime"
	"github.com/spell-go/spell/syntax"
)

// dumpFile renders every node of a reading (forms and discards) with all
// its fields, for comparing two readings of one text.
func dumpFile(f *syntax.File) string {
	var b strings.Builder
	var dump func(n *syntax.Node, depth int)
	dump = func(n *syntax.Node, depth int) {
		fmt.Fprintf(&b, "%*s%d f%d %d %d %d %d %d\n", depth, "", n.Kind, n.Flags, n.Lead, n.Start, n.OpenEnd, n.CloseStart, n.End)
		for _, k := range n.Kids {
			dump(k, depth+1)
		}
	}
	for _, n := range f.Forms {
		dump(n, 0)
	}
	b.WriteString("discards\n")
	for _, n := range f.Discards {
		dump(n, 0)
	}
	fmt.Fprintf(&b, "trail %d errors %d truncated %v name %s src %d\n", f.TrailStart, len(f.Errors), f.Truncated, f.Name, len(f.Src))
	return b.String()
}

// reparseProgram is a wrapper program with a bit of every kind of form.
func reparseProgram() string {
	var b strings.Builder
	b.WriteString("; a program to edit\n(quine completion\n  (eval\n    (do (quine prompt \"edit me\")\n")
	for i := range 12 {
		fmt.Fprintf(&b, `      (defn f%d [x {:keys [a b] :or {b 2}} & more]
        (let [y (+ x a b) [p q] more]
          #_(old %d) (if (pos? y) (strings/upper-case (str y p q \a "s;(")) (f%d (dec x) {:a 1} y))))
      (def v%d #(loop [i %%] (if (< i 3) (recur (inc i)) [i ^:m x #{1 2} 'q r]))) ; note
      (think "step %d" (map #(* %% 2) v%d) ,,, 1.5 :kw nil true #"re")
`, i, i, i, i, i, i)
	}
	b.WriteString("      '(!call-now files (io/ls \".\")))))\n(extra top level) 1 2")
	return b.String()
}

// TestReparseMatchesParse applies a seeded random sequence of edits to a
// program and checks that every incremental reading is syntax.Parse's.
func TestReparseMatchesParse(t *testing.T) {
	orig := []byte(reparseProgram())
	src := orig
	old := syntax.Parse("edit.spl", src)
	whole := true // old is a whole reading
	rng := rand.New(rand.NewSource(13))
	pieces := []string{" ", "\n", "(", ")", "[", "]", "{", "}", "\"", "'", "#(", "#_", ";", "\\", "x", "1", "(inc x)",
		"[a b]", "{:a 1}", "#{1}", "%", "^:m", ",", "\\a", "#\"", "nil", "(let [q 1] q)", ")(", "] [", "\" \""}
	steps := 800
	if testing.Short() {
		steps = 200
	}
	reused, eligible := 0, 0
	for i := range steps {
		if rng.Intn(4) == 0 {
			src = orig
			old, whole = syntax.Parse("edit.spl", src), true
		}
		at := rng.Intn(len(src) + 1)
		end := at
		var ins string
		switch k := rng.Intn(10); {
		case k < 5:
			ins = pieces[rng.Intn(len(pieces))]
		case k < 8:
			end = min(len(src), at+1+rng.Intn(3))
		default:
			end = min(len(src), at+rng.Intn(3))
			ins = pieces[rng.Intn(len(pieces))]
		}
		next := slices.Concat(src[:at], []byte(ins), src[end:])
		got := reparse(old, next, at, len(src)-end, whole)
		want := syntax.Parse("edit.spl", next)
		if len(old.Errors) == 0 && len(want.Errors) == 0 {
			eligible++
		}
		if got != nil {
			reused++
			if g, w := dumpFile(got), dumpFile(want); g != w {
				t.Fatalf("step %d: edit [%d,%d) -> %q: incremental reading differs from Parse\n%s\ntext:\n%s", i, at, end, ins, textDiff(w, g), next)
			}
		}
		// The old reading is never changed: it still dumps as Parse of its text.
		if i%8 == 0 {
			if g, w := dumpFile(old), dumpFile(syntax.Parse("edit.spl", src)); g != w {
				t.Fatalf("step %d: the previous reading was modified\n%s", i, textDiff(w, g))
			}
		}
		src = next
		old, whole = want, true
		if got != nil {
			old, whole = got, false // read on from the incremental reading
		}
	}
	// An edit of a text with syntax errors, or that makes one, is read
	// whole.
	t.Logf("%d of %d edits read incrementally (%d from and to a text without errors)", reused, steps, eligible)
	if reused < eligible*2/3 {
		t.Errorf("only %d of %d edits read incrementally", reused, eligible)
	}
}

// FuzzReparse: an incremental reading after one edit is Parse's reading
// of the edited text, or nothing.
func FuzzReparse(f *testing.F) {
	small := "(quine c (eval (do (def a 1) (defn g [x] (+ x a)) #(inc %) '(!x))))"
	f.Add(small, 30, 0, " ")
	f.Add(small, 20, 3, "(let [q 1] q)")
	f.Add(small, 45, 1, ")")
	f.Add(small, 10, 0, "\"")
	f.Add("(a b) c (d [e f])", 9, 1, "x")
	f.Add("(a b)c", 5, 0, " ")
	f.Add("(a \\b c)", 4, 1, "(")
	f.Add("{:a 1 :b [2 3]}", 11, 0, ":a")
	f.Fuzz(func(t *testing.T, src string, at, del int, ins string) {
		if at < 0 || del < 0 || at > len(src) {
			return
		}
		end := min(len(src), at+del)
		next := []byte(src[:at] + ins + src[end:])
		old := syntax.Parse("f.spl", []byte(src))
		before := dumpFile(old)
		for _, whole := range []bool{false, true} {
			got := reparse(old, next, at, len(src)-end, whole)
			if g := dumpFile(old); g != before {
				t.Fatalf("the previous reading was modified")
			}
			if got == nil {
				return
			}
			if g, w := dumpFile(got), dumpFile(syntax.Parse("f.spl", next)); g != w {
				t.Fatalf("incremental reading (whole %v) differs from Parse\n%s", whole, textDiff(w, g))
			}
		}
	})
}

// TestReparseMemoryFlat: a long run of incremental readings keeps about
// one copy of the tree alive, not one per reading (nodes of earlier
// readings a reading shares must not keep whole blocks of other nodes).
func TestReparseMemoryFlat(t *testing.T) {
	text := []byte(bigProgram(10000))
	old := syntax.Parse("big.spl", text)
	whole := true
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	var h8 int64
	off := bytes.Index(text, []byte("\n  (def value-9 ")) + 1
	for v := 1; v <= 40; v++ {
		// Type one space at the start of a line, one line further each
		// time; every third edit types a letter there instead, which
		// cannot be read as part of the line's form alone.
		off += bytes.IndexByte(text[off:], '\n') + 1
		ins := " "
		if v%3 == 0 {
			ins = "x"
		}
		next := slices.Concat(text[:off], []byte(ins), text[off:])
		f := reparse(old, next, off, len(text)-off, whole)
		whole = false
		if f == nil {
			if ins == " " {
				t.Fatalf("edit %d was not read incrementally", v)
			}
			f, whole = syntax.Parse("big.spl", next), true // as the server does
		}
		old, text = f, next
		if v == 8 {
			h8 = heap()
		}
	}
	if grown := heap() - h8; grown > 4<<20 {
		t.Errorf("the heap grew by %d MB over 32 readings of a 350 kB text", grown>>20)
	}
	runtime.KeepAlive(old)
}

// BenchmarkReparse10k: reading the 10,000-line file again after typing
// one space at the start of a line (the line moves on each op), whole
// (Parse) and incrementally (reparse from the previous reading).
func BenchmarkReparse10k(b *testing.B) {
	for _, incremental := range []bool{false, true} {
		name := "whole"
		if incremental {
			name = "incremental"
		}
		b.Run(name, func(b *testing.B) {
			text := []byte(bigProgram(10000))
			old := syntax.Parse("big.spl", text)
			whole := true
			off := 0
			b.ReportAllocs()
			c0 := cputime.Process()
			for b.Loop() {
				off += bytes.IndexByte(text[off:], '\n') + 1
				if off >= len(text)-100 {
					off = 0
				}
				next := slices.Concat(text[:off], []byte(" "), text[off:])
				var f *syntax.File
				if incremental {
					f = reparse(old, next, off, len(text)-off, whole)
					whole = false
				}
				if f == nil {
					f, whole = syntax.Parse("big.spl", next), true
				}
				old, text = f, next
			}
			b.ReportMetric(float64(cputime.Process()-c0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// textDiff is the difference of got from want, in diff -u form.
func textDiff(want, got string) string {
	return string(diff.Diff("want", []byte(want), "got", []byte(got)))
}
