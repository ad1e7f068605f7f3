package eval

import (
	"bytes"
	"fmt"
	"math/bits"
	"math/rand"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

var readSnippets = []string{
	"(def v1 {:n 1 :name \"item 1\"})", " ", "\n", "'(!extend)", "(quote (!extend))", "(str \"a (\" \\( \\))",
	"; c (\n", "// marker\n", "(re-find #\"\\d+\" s)", "\"bad \\d\"", "#_(gone 1)", "#(+ % 1)", "[1 2 {:a #{3}}]",
	"^:m (f)", ")", "(open", "{:a}", "{:a 1 :a 2}", "#{1 1}", "(fn [x] (if x [x] {:k x}))", "12N 1.5M 3/4",
	":kw/n", "(let [a 1] (prune 2))", "(defn f [x] (* x 2))", "(think \"r\" 1)", "`q", "\"s\"",
}

func randomProgram(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(readSnippets[r.Intn(len(readSnippets))])
		b.WriteByte(' ')
	}
	return b.String()
}

var gensymRE = regexp.MustCompile(`__\d+#`)

// sameReading reports how a resumed reading differs from the whole one
// ("" when it does not): error, value (generated #( names aside) and the
// span of every collection value.
func sameReading(got *ReadResult, gerr error, want *ReadResult, werr error) string {
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		return fmt.Sprintf("error %v, want %v", gerr, werr)
	}
	if gerr != nil {
		return ""
	}
	gs, ws := gensymRE.ReplaceAllString(value.PrStr(got.Form), "__N#"), gensymRE.ReplaceAllString(value.PrStr(want.Form), "__N#")
	if gs != ws {
		return fmt.Sprintf("form %s, want %s", gs, ws)
	}
	var msg string
	var walk func(a, b value.Value)
	walk = func(a, b value.Value) {
		if msg != "" {
			return
		}
		sa, sb := got.Spans.Of(a), want.Spans.Of(b)
		if (sa == nil) != (sb == nil) || sa != nil && (sa.String() != sb.String() || sa.Start != sb.Start || sa.End != sb.End) {
			msg = fmt.Sprintf("span of %s: %v, want %v", value.PrStr(a), sa, sb)
			return
		}
		switch x := a.(type) {
		case *value.List:
			y := b.(*value.List)
			for i := 0; i < x.Count(); i++ {
				if ca, cb := got.Spans.Child(x, i), want.Spans.Child(y, i); (ca == nil) != (cb == nil) || ca != nil && ca.String() != cb.String() {
					msg = fmt.Sprintf("child %d of %s: %v, want %v", i, value.PrStr(a), ca, cb)
					return
				}
			}
			for ; x.Count() > 0; x, y = x.Rest(), y.Rest() {
				walk(x.First(), y.First())
			}
		case *value.Vector:
			y := b.(*value.Vector)
			for i := 0; i < x.Count(); i++ {
				ea, _ := x.Nth(i)
				eb, _ := y.Nth(i)
				walk(ea, eb)
			}
		case *value.Map:
			y := b.(*value.Map)
			var ka, kb []value.Value
			x.Range(func(k, v value.Value) bool { ka = append(ka, k, v); return true })
			y.Range(func(k, v value.Value) bool { kb = append(kb, k, v); return true })
			for i := range ka {
				walk(ka[i], kb[i])
			}
		}
	}
	walk(got.Form, want.Form)
	return msg
}

// TestReadProgramAfter: a reading resumed from the previous one gives the
// whole reading's value, spans and errors, along chains of turns long
// enough to merge the span layers; the usual turn takes over every
// earlier body form, the same values.
func TestReadProgramAfter(t *testing.T) {
	const turns = 32 // per chain
	const head = "(quine completion (eval (do (quine prompt \"count\") "
	r := rand.New(rand.NewSource(2))
	resumed := 0
	for chain := 0; chain < 60; chain++ {
		text := head + randomProgram(r, r.Intn(6))
		prev, _ := ReadProgram("t0", []byte(text))
		for turn := 1; turn <= 2*turns+3; turn++ {
			switch r.Intn(6) {
			case 0: // an edit somewhere
				k := r.Intn(len(text) + 1)
				text = text[:k] + randomProgram(r, 1) + text[k:]
			case 1: // cut back
				text = text[:r.Intn(len(text)+1)] + randomProgram(r, r.Intn(3))
			default: // append
				text += randomProgram(r, 1+r.Intn(2))
			}
			name := fmt.Sprintf("t%d", turn)
			if readAfter(prev, name, []byte(text), 0) != nil {
				resumed++
			}
			got, gerr := ReadProgramAfter(prev, name, []byte(text))
			want, werr := ReadProgram(name, []byte(text))
			if msg := sameReading(got, gerr, want, werr); msg != "" {
				t.Fatalf("chain %d turn %d\ntext %q: %s", chain, turn, text, msg)
			}
			// Told (some of) what the texts share, the same reading.
			known := r.Intn(1 + syntax.SharedPrefix(prev.Completion.Original, []byte(text)))
			kgot, kerr := ReadProgramAfterKnown(prev, name, []byte(text), known)
			if msg := sameReading(kgot, kerr, want, werr); msg != "" {
				t.Fatalf("chain %d turn %d known %d\ntext %q: %s", chain, turn, known, text, msg)
			}
			if gerr == nil {
				// What the incremental plan takes from the reading.
				if c := got.incr.cut; got.incr.from != nil && (got.incr.from != prev.Completion || string(got.Completion.Text[:c]) != string(prev.Completion.Text[:c])) {
					t.Fatalf("chain %d turn %d: the text resumed from differs before the cut %d", chain, turn, c)
				}
				if i, want := got.firstHashParen(), bytes.Index(got.Completion.Text, []byte("#(")); i != want {
					t.Fatalf("chain %d turn %d: first #( at %d, want %d", chain, turn, i, want)
				}
				prev = got
			}
		}
	}
	t.Logf("%d readings resumed", resumed)
	if resumed < 500 {
		t.Errorf("only %d readings resumed", resumed)
	}

	// A long run of appends (the span layers are merged on the way), with
	// a prune now and then: O(log turns) layers, holding at most twice the
	// entries of their last rebuild (pruned forms' entries go then).
	text := head
	prev, _ := ReadProgram("t0", []byte(text))
	for turn := 1; turn <= 10*turns; turn++ {
		text += fmt.Sprintf("(def v%d {:n %d :v [%d (f %d)]}) ", turn, turn, turn, turn)
		if turn%10 == 0 {
			text += "(prune 2) "
		}
		name := fmt.Sprintf("t%d", turn)
		got := readAfter(prev, name, []byte(text), 0)
		if got == nil {
			t.Fatalf("turn %d: not resumed", turn)
		}
		want, werr := ReadProgram(name, []byte(text))
		if msg := sameReading(got, nil, want, werr); msg != "" {
			t.Fatalf("turn %d: %s", turn, msg)
		}
		if n := len(got.Spans.reused); n > 2+bits.Len(uint(turn)) {
			t.Fatalf("turn %d: %d span layers", turn, n)
		}
		total := 0
		for _, m := range got.Spans.reused {
			total += len(m)
		}
		if total > 2*got.incr.live+64 {
			t.Fatalf("turn %d: %d span entries, %d after the last rebuild", turn, total, got.incr.live)
		}
		prev = got
	}

	prev, err := ReadProgram("a", []byte(head+"(def a {:x [1]}) (def b 2) '(!extend)"))
	if err != nil {
		t.Fatal(err)
	}
	next := readAfter(prev, "b", []byte(head+"(def a {:x [1]}) (def b 2) (quote (!extend)) (def c 3) '(!extend)"), 0)
	if next == nil {
		t.Fatal("not resumed")
	}
	pb, nb := bodyOf(prev.Form), bodyOf(next.Form)
	for i := 0; i < 3; i++ {
		if pb[i] != nb[i] {
			t.Errorf("body form %d is a new value: %s", i, value.PrStr(nb[i]))
		}
	}
}

func bodyOf(form value.Value) []value.Value {
	items := form.(*value.List).Slice()
	ev := items[len(items)-1].(*value.List)
	return ev.Rest().First().(*value.List).Rest().Slice()
}

// TestReadAfterAllocatesWhatIsNew: a turn's reading of a program that
// grows by a form (the printed prefix again and the model's new text)
// allocates about what it reads, not a copy of the program: at 4,000 body
// forms no more than at 400 but for the kept forms' node pointers (the
// parser's child list of the body, 8 B a form). A copy of the text (about
// 60 B a form here) or a list node per form (40 B) is over budget.
func TestReadAfterAllocatesWhatIsNew(t *testing.T) {
	const head = "(quine completion (eval (do (quine prompt \"count\") "
	perTurn := func(forms int) float64 {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < forms; i++ {
			fmt.Fprintf(&b, "(def v%d {:n %d :name \"item %d\"}) (quote (!extend)) ", i, i, i)
		}
		prog := b.String()
		rr, err := ReadProgram("t", []byte(prog+"(def w 0) '(!extend)"))
		if err != nil {
			t.Fatal(err)
		}
		// (The first resumed readings after a whole one take its spans
		// and body over once: not measured.)
		const warm, turns = 5, 20
		texts := make([][]byte, warm+turns)
		for i := range texts {
			prog += fmt.Sprintf("(def w%d %d) (quote (!extend)) ", i, i)
			texts[i] = append(make([]byte, 0, len(prog)+64), prog+fmt.Sprintf("(def w%d 0) '(!extend)", i+1)...)
		}
		var m0, m1 runtime.MemStats
		for i, text := range texts {
			if i == warm {
				runtime.ReadMemStats(&m0)
			}
			if rr, err = ReadProgramAfter(rr, "t", text); err != nil || !rr.incr.ok {
				t.Fatal("not read incrementally", err)
			}
		}
		runtime.ReadMemStats(&m1)
		return float64(m1.TotalAlloc-m0.TotalAlloc) / turns
	}
	small, large := perTurn(400), perTurn(4000)
	t.Logf("a reading allocates %.0f B at 400 body forms, %.0f B at 4,000", small, large)
	// (8 B a form while the body's kid list was copied every reading;
	// the reading now extends the previous one's array in place.)
	if per := (large - small) / (2 * 3600); per > 2 {
		t.Errorf("a reading allocates %.1f B more per kept body form (budget 2): it copies the program or its kid list", per)
	}
}
