package syntax

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// resumeSnippets are pieces of programs: forms, trivia and broken text.
var resumeSnippets = []string{
	"(def v1 {:n 1 :name \"item 1\"})", " ", "\n", "'(!extend)", "(quote (!extend))",
	"(str \"a (paren\" \\( \\))", "; a comment (\n", "// c-style\n", "(re-find #\"\\d+(\" s)",
	"\"bad \\d escape\"", "#_(ignored 1)", "#(+ % 1)", "[1 2 {:a #{3}}]", "^:meta (f)", ")", "]",
	"(unclosed", "{:a}", "{:a 1 :a 2}", "\"unterminated", "`x", "@y", "\\c", "\\space", "x;y\n",
	"(do (f) (g))", "#!shebang\n", "   // indented marker\n", "*/ end\n", "(think \"r\" (prune 2))",
	"12N 1.5M 3/4", ":kw/name", "sym/name", "#{1 1}", "(fn [x] x)", "```", "\r\n",
	"(str \"caf\u00e9 \u2713\")",
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(resumeSnippets[r.Intn(len(resumeSnippets))])
		if r.Intn(3) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestReadCompletionAfter: a resumed reading is the whole reading, field
// for field, for programs that extend, edit or break the previous one; and
// a turn that appends forms takes over every earlier body form.
func TestReadCompletionAfter(t *testing.T) {
	const head = "(quine completion (eval (do (quine prompt \"count\") "
	r := rand.New(rand.NewSource(1))
	resumed := 0
	for i := 0; i < 4000; i++ {
		prev := head + randomText(r, r.Intn(12))
		if i%5 == 0 {
			prev = randomText(r, r.Intn(8)) // not even a wrapper
		}
		var next string
		switch i % 4 {
		case 0: // append
			next = prev + randomText(r, 1+r.Intn(4))
		case 1: // cut anywhere and continue
			next = prev[:r.Intn(len(prev)+1)] + randomText(r, r.Intn(5))
		case 2: // the previous program closed, then more
			next = prev + ")))" + randomText(r, r.Intn(3))
		default: // an edit in the middle
			k := r.Intn(len(prev) + 1)
			next = prev[:k] + randomText(r, 1) + prev[k:]
		}
		pc := ReadCompletion("prev", []byte(prev))
		if i%2 == 0 {
			pc.File.LineTable() // the line table taken over too
		}
		want := ReadCompletion("next", []byte(next))
		got := ReadCompletionAfter(pc, "next", []byte(next))
		if got == nil {
			continue
		}
		resumed++
		if msg := diffCompletion(got.C, want); msg != "" {
			t.Fatalf("prev %q\nnext %q\ncut %d: %s", prev, next, got.Cut, msg)
		}
	}
	t.Logf("%d of 4000 readings resumed", resumed)
	if resumed < 1000 {
		t.Errorf("only %d of 4000 readings resumed", resumed)
	}

	// The usual turn: every body form of the previous program is kept.
	prev := head + "(def a 1) (def b [1 2]) '(!extend)"
	next := head + "(def a 1) (def b [1 2]) (quote (!extend)) (def c 3) '(!extend)"
	got := ReadCompletionAfter(ReadCompletion("p", []byte(prev)), "n", []byte(next))
	if got == nil {
		t.Fatal("not resumed")
	}
	if k := got.Keep[len(got.Keep)-1]; k != 4 || len(got.Path) != 3 {
		t.Errorf("kept %d kids of %d open lists, want 4 of 3 (do, quine prompt, def a, def b)", k, len(got.Path))
	}
	// Its repaired text is the new text with the balancing parentheses in
	// the text's spare capacity: the program is not copied.
	buf := append(make([]byte, 0, len(next)+16), next...)
	got = ReadCompletionAfter(ReadCompletion("p", []byte(prev)), "n", buf)
	if want := next + "\n)))"; got == nil || string(got.C.Text) != want || &got.C.Text[0] != &buf[0] || string(buf) != next {
		t.Errorf("repaired text not the turn's own buffer extended (or the text changed)")
	}
}

// diffCompletion describes how two completions differ ("" when they do
// not), comparing every field and the trees node by node.
func diffCompletion(a, b *Completion) string {
	switch {
	case string(a.Text) != string(b.Text):
		return fmt.Sprintf("text %q, want %q", a.Text, b.Text)
	case string(a.Original) != string(b.Original):
		return "original differs"
	case !reflect.DeepEqual(a.Repairs, b.Repairs):
		return fmt.Sprintf("repairs %+v, want %+v", a.Repairs, b.Repairs)
	case a.base != b.base || !reflect.DeepEqual(a.ins, b.ins):
		return fmt.Sprintf("base/ins %d %v, want %d %v", a.base, a.ins, b.base, b.ins)
	case (a.Err == nil) != (b.Err == nil) || a.Err != nil && !reflect.DeepEqual(*a.Err, *b.Err):
		return fmt.Sprintf("err %+v, want %+v", a.Err, b.Err)
	}
	fa, fb := a.File, b.File
	if fa.TrailStart != fb.TrailStart || fa.Truncated != fb.Truncated || len(fa.Forms) != len(fb.Forms) ||
		len(fa.Errors) != len(fb.Errors) || len(fa.Discards) != len(fb.Discards) {
		return fmt.Sprintf("file: trail %d/%d forms %d/%d errors %d/%d discards %d/%d", fa.TrailStart, fb.TrailStart,
			len(fa.Forms), len(fb.Forms), len(fa.Errors), len(fb.Errors), len(fa.Discards), len(fb.Discards))
	}
	if fa.lines != nil && !reflect.DeepEqual(fa.lines, fb.LineTable().lines) {
		return fmt.Sprintf("lines %v, want %v", fa.lines, fb.LineTable().lines)
	}
	if fa.lines != nil {
		wa, wb := fa.wide, fb.LineTable().wide
		if !slices.Equal(wa.runs.s, wb.runs.s) || string(wa.bytes.s) != string(wb.bytes.s) {
			return fmt.Sprintf("wide runs %+v %q, want %+v %q", wa.runs.s, wa.bytes.s, wb.runs.s, wb.bytes.s)
		}
	}
	for i := range fa.Errors {
		if !reflect.DeepEqual(*fa.Errors[i], *fb.Errors[i]) {
			return fmt.Sprintf("error %d: %+v, want %+v", i, *fa.Errors[i], *fb.Errors[i])
		}
	}
	for i := range fa.Discards {
		if msg := diffNode(fa.Discards[i], fb.Discards[i]); msg != "" {
			return "discard: " + msg
		}
	}
	for i := range fa.Forms {
		if msg := diffNode(fa.Forms[i], fb.Forms[i]); msg != "" {
			return "form: " + msg
		}
	}
	if (a.Form == nil) != (b.Form == nil) {
		return "form presence differs"
	}
	return ""
}

func diffNode(a, b *Node) string {
	if a.Kind != b.Kind || a.Flags != b.Flags || a.Lead != b.Lead || a.Start != b.Start || a.OpenEnd != b.OpenEnd ||
		a.CloseStart != b.CloseStart || a.End != b.End || len(a.Kids) != len(b.Kids) {
		return fmt.Sprintf("node %+v, want %+v", *a, *b)
	}
	for i := range a.Kids {
		if msg := diffNode(a.Kids[i], b.Kids[i]); msg != "" {
			return msg
		}
	}
	return ""
}

// TestReadCompletionAfterChainInPlace: a chain of resumed readings of a
// program whose body outgrows ownKids, each resumed from the one before
// (appending forms, cutting and continuing, editing in the middle), is
// the whole reading at every step; after the first, the body's kid array
// is taken over in place (no copy of the kept kids) and the reading it was taken from
// is stale: it is not resumed from again, KidsIntact says so, and its
// first PrevIntact body kids are still its own. A text with an error is
// not resumed, and a discarded reading (Resumed.Discard) leaves the
// previous reading as it was.
func TestReadCompletionAfterChainInPlace(t *testing.T) {
	const head = "(quine completion (eval (do (quine prompt \"count\") "
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "(def v%d {:n %d}) (quote (!extend)) ", i, i)
	}
	prog := b.String()
	r := rand.New(rand.NewSource(2))
	prev := ReadCompletion("t", []byte(prog+"(def w 0) '(!extend)"))
	inPlace := 0
	for i := 0; i < 400; i++ {
		switch i % 5 {
		case 3: // cut at a form and continue
			from := len(prog) - 100
			k := from + strings.Index(prog[from:]+"(def", "(def")
			prog = prog[:k] + "(def cut 1) "
		case 4: // an edit in the middle (between forms)
			k := len(head) + r.Intn(len(prog)-len(head))
			k += strings.Index(prog[k:]+"(def", "(def")
			prog = prog[:k] + []string{"(def e 1) ", "[1 {:a 2}] ", ":kw ", "#_(gone) "}[r.Intn(4)] + prog[k:]
		default:
			prog += fmt.Sprintf("(def w%d %d) (quote (!extend)) ", i, i)
		}
		text := prog + "(def x 0) '(!extend)"
		want := ReadCompletion("t", []byte(text))
		before := slices.Clone(bodyKids(prev))
		if i%7 == 5 {
			// A reading its caller discards gives prev its kids back.
			ReadCompletionAfter(prev, "t", []byte(text)).Discard()
			if !prev.KidsIntact() || !slices.Equal(bodyKids(prev), before) {
				t.Fatalf("step %d: a discarded reading changed the reading it resumed from", i)
			}
		}
		if i%7 == 6 {
			// A text with an error after the cut is not read from prev,
			// which stays as it was: the next turn resumes from it.
			if ReadCompletionAfter(prev, "t", []byte(prog+"(def x {:a}) '(!extend)")) != nil {
				t.Fatalf("step %d: a broken text resumed", i)
			}
			if !prev.KidsIntact() || !slices.Equal(bodyKids(prev), before) {
				t.Fatalf("step %d: a broken text changed the reading it failed to resume from", i)
			}
		}
		got := ReadCompletionAfter(prev, "t", []byte(text))
		if got == nil {
			t.Fatalf("step %d: not resumed", i)
		}
		if msg := diffCompletion(got.C, want); msg != "" {
			t.Fatalf("step %d: %s", i, msg)
		}
		if got.PrevIntact != math.MaxInt {
			inPlace++
			if prev.KidsIntact() {
				t.Fatalf("step %d: the body was taken over but the previous reading is not stale", i)
			}
			if ReadCompletionAfter(prev, "t", []byte(text)) != nil {
				t.Fatalf("step %d: resumed from a stale reading", i)
			}
			after := bodyKids(prev)
			for j := 0; j < got.PrevIntact; j++ {
				if after[j] != before[j] {
					t.Fatalf("step %d: kept kid %d of the previous reading changed", i, j)
				}
			}
		}
		prev = got.C
	}
	if inPlace < 399 {
		t.Errorf("only %d of 400 readings extended the body in place", inPlace)
	}
}

// bodyKids are the kids of the longest list in c's first form.
func bodyKids(c *Completion) []*Node {
	var best []*Node
	var walk func(n *Node)
	walk = func(n *Node) {
		if len(n.Kids) > len(best) {
			best = n.Kids
		}
		for _, k := range n.Kids {
			if k.Kind == List {
				walk(k)
			}
		}
	}
	if c.Form != nil {
		walk(c.Form)
	}
	return best
}

// TestLineTableOwnsColumns: a file's line table counts columns (code
// points, UTF-16 units, and back) as the table of the text does, without
// reading the text again: the runtime may reuse the memory of a program
// text nothing reads any more while errors keep the table of their
// spans. Whole and resumed readings, ASCII, other UTF-8 and invalid bytes.
func TestLineTableOwnsColumns(t *testing.T) {
	texts := []string{
		"(def a 1)\n(def b\n  [1 2 3])\n(f x)",
		"(def a 1)\n(def s \"caf\u00e9 \u2713 \U0001F600\")\n(f x)\n(g \u00e9)",
		"\u00e9", "", "\n\n\u00e9\n",
		"bad \xc3 (x \xe2\x82) \xff\xfe \xf0\x9f\x98 ok \xe2\x82\xac\u00e9a\xc3\n\xa9",
		"(quine prompt \"caf\u00e9 \u2014 \u201cquoted\u201d\") (def v1 \"\u00e9\") (def v2 \"\u4e2d\u6587\")",
	}
	check := func(name string, src []byte, lt *LineTable) {
		t.Helper()
		ref := NewLineTable(append([]byte(nil), src...)) // reads its own copy
		type at struct {
			p       Position
			l, c16  int
			offsets []int
		}
		want := make([]at, len(src)+1)
		for off := range want {
			l, c := ref.UTF16Col(off)
			want[off] = at{p: ref.Position(off), l: l, c16: c}
		}
		lineOffsets := func(lt *LineTable) [][]int {
			var out [][]int
			for line := -1; line <= lt.Lines(); line++ {
				var row []int
				for col := -1; col <= len(src)+2; col++ {
					row = append(row, lt.OffsetUTF16(line, col))
				}
				out = append(out, row)
			}
			return out
		}
		wantOff := lineOffsets(ref)
		// The text overwritten: the table still counts what it held.
		for i := range src {
			src[i] = "\xc3\xa9\xf0"[i%3]
		}
		for off, w := range want {
			l, c := lt.UTF16Col(off)
			if p := lt.Position(off); p != w.p || l != w.l || c != w.c16 {
				t.Fatalf("%s: offset %d at %v (UTF-16 %d:%d), want %v (%d:%d)", name, off, p, l, c, w.p, w.l, w.c16)
			}
		}
		if got := lineOffsets(lt); !reflect.DeepEqual(got, wantOff) {
			t.Fatalf("%s: OffsetUTF16 %v, want %v", name, got, wantOff)
		}
	}
	for _, text := range texts {
		src := []byte(text)
		check(fmt.Sprintf("%q", text), src, Parse("t", src).LineTable())
	}
	// Resumed readings: the tables of both texts, and the first one's
	// after the second was read.
	// (Every text resumed from the same reading: the second and later
	// find the tables' next elements taken and copy.)
	for i, a := range texts {
		prev := ReadCompletion("p", []byte("(quine completion (eval (do "+a))
		lp := prev.File.LineTable()
		var tables []*LineTable
		var srcs [][]byte
		for _, b := range texts {
			r := ReadCompletionAfter(prev, "n", []byte("(quine completion (eval (do "+a+" "+b))
			if r != nil {
				tables, srcs = append(tables, r.C.File.LineTable()), append(srcs, r.C.Text)
			}
		}
		for j, lt := range tables {
			check(fmt.Sprintf("resumed %d/%d", i, j), srcs[j], lt)
		}
		check(fmt.Sprintf("prev %d", i), prev.Text, lp)
	}
}
