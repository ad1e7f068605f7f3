package syntax

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// conformancePrograms returns every NAME.spl program of the shared
// conformance archives (used as round-trip cases and fuzz seeds).
func conformancePrograms(t testing.TB) map[string][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	out := map[string][]byte{}
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range a.Files {
			if strings.HasSuffix(e.Name, ".spl") {
				out[filepath.Base(f)+"/"+e.Name] = e.Data
			}
		}
	}
	return out
}

var tricky = []string{
	"", " ", "(", ")", "(((((", ")))", "[(])", "{:a}", "#{1 1}", "{:a 1 :a 2}",
	`"abc`, `#"a(b`, `"\q"`, `\`, `\newline`, `\invalidchar`, "#_", "#_ #_ a b c", "'", "^", "^:k",
	"#=(+ 1 2)", "`(a ~b ~@c)", "@x", "#'x", "#?(:clj 1)", "#inst \"2020\"", "::kw", "#::{:a 1}",
	"#:ns{:a 1 :b/c 2}", "##Inf ##-Inf ##NaN ##Foo", "1x 1.2.3 08 0x 2r102 36rZZ 1/0 -6/4 1.5M 1e3 42N",
	"a: a::b a//b // / a/b/c", "#(+ % #(%))", "#!shebang\n(+ 1 2)", "; only comment", "x\r\ny\r\n",
	"\x00\xff\xfe(\x00)", "(a ; comment\n b) ; tail", "#", "#)", "(#_)", "#_(", "[1 2 (prune)]",
	"(quine completion (eval (do 'x)))", "(a,b,,c)", "\\a\\b", "\"x\"y", "(a(b))",
}

func TestRoundTrip(t *testing.T) {
	cases := conformancePrograms(t)
	if len(cases) < 100 {
		t.Fatalf("found only %d conformance programs; is ../shared present?", len(cases))
	}
	for i, s := range tricky {
		cases["tricky/"+string(rune('A'+i%26))+s] = []byte(s)
	}
	for name, src := range cases {
		f := Parse(name, src)
		if got := Print(f); !bytes.Equal(got, src) {
			t.Errorf("%s: round trip\n got %q\nwant %q", name, got, src)
		}
		checkSpans(t, name, f)
	}
}

// checkSpans asserts the structural invariants of a tree: spans nest, kids
// are ordered, leads chain, and everything lies inside the source.
func checkSpans(t *testing.T, name string, f *File) {
	t.Helper()
	var prevEnd int32
	check := func(n *Node) {
		if n.Lead > n.Start || n.Start > n.OpenEnd || n.OpenEnd > n.End || int(n.End) > len(f.Src) {
			t.Errorf("%s: bad spans %+v", name, *n)
		}
	}
	for _, form := range f.Forms {
		if form.Lead != prevEnd {
			t.Errorf("%s: top-level lead %d, want %d", name, form.Lead, prevEnd)
		}
		prevEnd = form.End
		Walk(form, func(n *Node) bool {
			check(n)
			last := n.OpenEnd
			for _, k := range n.Kids {
				if k.Lead != last || k.Start < k.Lead {
					t.Errorf("%s: kid lead %d, want %d (%s in %s)", name, k.Lead, last, k.Kind, n.Kind)
				}
				last = k.End
			}
			if n.CloseStart >= 0 && n.CloseStart < last {
				t.Errorf("%s: close before last kid", name)
			}
			return true
		})
	}
	if f.TrailStart != prevEnd {
		t.Errorf("%s: trail start %d, want %d", name, f.TrailStart, prevEnd)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"(a\n  (b", "2:5: unclosed ( opened at 2:3"},
		{"x\n\"abc", "2:5: unterminated string starting at 2:1"},
		{"[1 2)", "1:5: Unmatched delimiter: ) (expected ] to close [ opened at 1:1)"},
		{")", "1:1: Unmatched delimiter: )"},
		{"{:a 1 :b}", "1:1: Map literal must contain an even number of forms"},
		{"{:a 1 :a 2}", "1:7: Duplicate key: :a"},
		{"#{1 1}", "1:5: Duplicate key: 1"},
		{"1x", "1:1: Invalid number: 1x"},
		{"08", "1:1: Invalid number: 08"},
		{"(+ 1 2) // note", "1:9: Invalid token: //"},
		{`"\q"`, `1:1: Unsupported escape character: \q`},
		{`\invalidchar`, `1:1: Unsupported character: \invalidchar`},
		{"#=(+ 1 2)", "1:1: Unsupported reader form: #="},
		{"`x", "1:1: Unsupported reader form: `"},
		{"~@x", "1:1: Unsupported reader form: ~@"},
		{"@x", "1:1: Unsupported reader form: @"},
		{"#'x", "1:1: Unsupported reader form: #'"},
		{"::kw", "1:1: Unsupported reader form: ::"},
		{"#inst \"x\"", "1:1: No reader function for tag inst"},
		{"#?(:clj 1)", "1:1: Conditional read not allowed"},
		{"#(+ #(%))", "1:5: Nested #()s are not allowed"},
		{`#"(a)\1"`, "1:1: Unsupported regex (RE2): (a)\\1: invalid escape sequence: \\1"},
		{"a:", "1:1: Invalid token: a:"},
		{"'", "1:2: expected a form after ' opened at 1:1, found end of text"},
		{"(')", "1:3: expected a form after ', found )"},
		{"π(", "1:3: unclosed ( opened at 1:2"},
	}
	for _, c := range cases {
		f := Parse("t.spl", []byte(c.src))
		if len(f.Errors) == 0 {
			t.Errorf("%q: no error, want %s", c.src, c.want)
			continue
		}
		e := f.Errors[0]
		if got := f.Position(e.Off).String() + ": " + e.Msg; got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	for _, ok := range []string{"(a [b {:c #{d}}])", `"\t\n\u00e9\101"`, `\newline \space \u00e9 \o101 \( \a`,
		"#:ns{:a 1}", "1/2 0xFF 017 2r1010 36rZZ 1e3 1.5M 42N ##Inf 1.", "#_ #_ a b c", "^:k x ^{:a 1} y",
		"a/b/c / +' ->> !llm-self", `#"(?<n>\d+)"`, "#(+ % %2 %&)"} {
		if f := Parse("ok.spl", []byte(ok)); len(f.Errors) > 0 {
			t.Errorf("%q: unexpected error %s", ok, f.Errors[0].Msg)
		}
	}
}

func TestDeepNestingAndGarbage(t *testing.T) {
	deep := strings.Repeat("(", MaxNesting) + strings.Repeat(")", MaxNesting)
	f := Parse("deep.spl", []byte(deep))
	if len(f.Errors) != 0 || len(f.Forms) != 1 {
		t.Fatalf("deep: %d errors, %d forms", len(f.Errors), len(f.Forms))
	}
	open := strings.Repeat("(", 100000)
	f = Parse("open.spl", []byte(open))
	if len(f.Errors) != MaxErrors || !f.Truncated {
		t.Fatalf("open: %d errors (truncated %v), want %d", len(f.Errors), f.Truncated, MaxErrors)
	}
	if got := string(Print(f)); got != open {
		t.Fatal("open: round trip failed")
	}
	garbage := make([]byte, 1<<16)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>3)
	}
	f = Parse("garbage", garbage)
	if !bytes.Equal(Print(f), garbage) {
		t.Fatal("garbage: round trip failed")
	}
}

// TestNestingLimit: a form nested deeper than MaxNesting is one error at
// the opener that goes too deep; the rest of the innermost open form is
// skipped (strings, characters, regexes and comments as the reader reads
// them) and reading goes on after it. The tree still covers the text.
func TestNestingLimit(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "x" + strings.Repeat(close, n)
	}
	for _, tc := range []struct {
		name, src string
		errOff    int
		forms     int
	}{
		{"lists", deep("(", ")", MaxNesting+1), MaxNesting, 1},
		{"vectors", deep("[", "]", 1000000), MaxNesting, 1},
		{"maps", deep("{:k ", "}", MaxNesting+5), 4 * MaxNesting, 1},
		{"sets", deep("#{", "}", MaxNesting+1), 2 * MaxNesting, 1},
		{"fn literal", "#(" + deep("(", ")", MaxNesting) + ")", 2 + MaxNesting - 1, 1},
		{"quotes", strings.Repeat("'", 1000000) + "x", MaxNesting, 1},
		{"metadata", strings.Repeat("^:a ", MaxNesting+1) + "x", 4 * MaxNesting, 1},
		{"discards", strings.Repeat("#_", MaxNesting+1) + "x 1", 2 * MaxNesting, 0},
		{"unclosed", strings.Repeat("(", 1000000), MaxNesting, 1},
		// The skipped text holds closers in a string, a character, a
		// regex and a comment; the form after the deep one is read.
		{"skipped literals", "(a " + strings.Repeat("(", MaxNesting) + "\\) \")\" #\")\" ; )\n" + strings.Repeat(")", MaxNesting) + " b) (c)", 3 + MaxNesting - 1, 2},
	} {
		f := Parse(tc.name, []byte(tc.src))
		if len(f.Errors) == 0 {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		var e *SyntaxError
		for _, x := range f.Errors {
			if strings.HasPrefix(x.Msg, "Nesting depth exceeded") {
				e = x
			}
		}
		if e == nil || int(e.Off) != tc.errOff || e.Msg != fmt.Sprintf("Nesting depth exceeded: more than %d nested forms", MaxNesting) {
			t.Errorf("%s: errors %d, first %q at %d; want the nesting error at %d", tc.name, len(f.Errors), f.Errors[0].Msg, f.Errors[0].Off, tc.errOff)
		}
		if len(f.Forms) != tc.forms {
			t.Errorf("%s: %d forms, want %d", tc.name, len(f.Forms), tc.forms)
		}
		if got := Print(f); !bytes.Equal(got, []byte(tc.src)) {
			t.Errorf("%s: round trip failed", tc.name)
		}
		if d := depth(f); d > MaxNesting+1 {
			t.Errorf("%s: tree depth %d, want at most %d", tc.name, d, MaxNesting+1)
		}
	}
}

// depth is the deepest nesting of f's tree, discards included.
func depth(f *File) int {
	deepest := 0
	type item struct {
		n *Node
		d int
	}
	var stack []item
	for _, n := range f.Forms {
		stack = append(stack, item{n, 1})
	}
	for _, n := range f.Discards {
		stack = append(stack, item{n, 1})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		deepest = max(deepest, it.d)
		for _, k := range it.n.Kids {
			stack = append(stack, item{k, it.d + 1})
		}
	}
	return deepest
}

func TestTrivia(t *testing.T) {
	src := "(a ,; c\n #_ (x #_y) b)"
	f := Parse("t", []byte(src))
	b := f.Forms[0].Kids[1]
	var kinds []TriviaKind
	for _, tr := range f.Trivia(b.Lead, b.Start) {
		kinds = append(kinds, tr.Kind)
	}
	want := []TriviaKind{TriviaSpace, TriviaComma, TriviaComment, TriviaNewline, TriviaSpace, TriviaDiscard, TriviaSpace}
	if len(kinds) != len(want) {
		t.Fatalf("trivia kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("trivia kinds %v, want %v", kinds, want)
		}
	}
}

func TestCompletion(t *testing.T) {
	cases := []struct {
		in, form string
		repairs  []RepairKind
		err      string
	}{
		{"(+ 1 2) Now I explain.", "(+ 1 2)", []RepairKind{RepairTrailing}, ""},
		{"(+ 1 2) // note", "(+ 1 2)", []RepairKind{RepairTrailing}, ""},
		{"(do (def x \"(\") x", "(do (def x \"(\") x\n)", []RepairKind{RepairBalance}, ""},
		{"```clojure\n(+ 1 2)\n```\nthanks", "(+ 1 2)", []RepairKind{RepairFence}, ""},
		{"(quine c (eval (do '(+ 1 2", "(quine c (eval (do '(+ 1 2\n))))", []RepairKind{RepairBalance}, ""},
		{"(str \"a \\equiv b\")", "(str \"a \\\\equiv b\")", []RepairKind{RepairEscape}, ""},
		{"(re-find #\"\\d+\" \"a12\")", "(re-find #\"\\d+\" \"a12\")", nil, ""},
		{"(do\n// a comment (\n1)", "(do\n;/ a comment (\n1)", []RepairKind{RepairCommentMarker}, ""},
		{"(str \\( \"x\")", "(str \\( \"x\")", nil, ""},
		{"(+ 1 2))", "(+ 1 2)", []RepairKind{RepairStrayCloser}, ""},
		{"   ", "", nil, ""},
		{"(+ 1 2) ; done", "(+ 1 2)", nil, ""},
		{"[1 2", "[1 2", nil, "EOF while reading"},
		{"\"abc", "\"abc", nil, "EOF while reading string"},
		{"(a]", "(a]\n)", []RepairKind{RepairBalance}, "Unmatched delimiter: ]"},
		{"@x", "@x", nil, "Unsupported reader form: @"},
	}
	for _, c := range cases {
		r := ReadCompletion("c.spl", []byte(c.in))
		got := ""
		if r.Form != nil {
			got = r.Form.Text(r.Text)
		}
		if got != c.form {
			t.Errorf("%q: form %q, want %q", c.in, got, c.form)
		}
		var kinds []RepairKind
		for _, rp := range r.Repairs {
			kinds = append(kinds, rp.Kind)
		}
		if len(kinds) != len(c.repairs) {
			t.Errorf("%q: repairs %v, want %v", c.in, r.Repairs, c.repairs)
		} else {
			for i := range kinds {
				if kinds[i] != c.repairs[i] {
					t.Errorf("%q: repairs %v, want %v", c.in, r.Repairs, c.repairs)
				}
			}
		}
		gotErr := ""
		if r.Err != nil {
			gotErr = r.Err.LangMessage()
		}
		if gotErr != c.err {
			t.Errorf("%q: error %q, want %q", c.in, gotErr, c.err)
		}
	}
	// Repair positions are in the original text.
	r := ReadCompletion("c.spl", []byte("(x \"\\e\" \"\\e\") (y"))
	if len(r.Repairs) < 2 || r.Position(r.Repairs[1].Off).String() != "1:10" {
		t.Errorf("escape repair positions: %+v", r.Repairs)
	}
	if got := r.OrigOffset(int(r.File.Forms[0].End)); got != 13 {
		t.Errorf("OrigOffset(end of first form) = %d, want 13", got)
	}
}

func TestParseNumber(t *testing.T) {
	cases := map[string]string{"0xFF": "255", "017": "15", "2r1010": "10", "36rZZ": "1295", "-6/4": "-3/2", "6/3": "2",
		"1.50M": "150e-2", "3M": "3e0", "1e3": "1000", "42N": "42N", "99999999999999999999": "99999999999999999999N", "+5": "5"}
	for in, want := range cases {
		n, err := ParseNumber(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		var got string
		switch n.Kind {
		case NumInt:
			got = itoa(n.Int)
		case NumBigInt:
			got = n.Big.String() + "N"
		case NumFloat:
			got = strings.TrimSuffix(strings.TrimSuffix(fmtFloat(n.Float), ".0"), ".")
		case NumRatio:
			got = n.Rat.String()
		case NumBigDec:
			got = n.Big.String() + "e" + itoa(int64(-n.Scale))
		}
		if got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"1x", "08", "2r102", "0x", "1.2.3", "1e", "37r1"} {
		if _, err := ParseNumber(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, src := range conformancePrograms(f) {
		f.Add(src)
	}
	for _, s := range tricky {
		f.Add([]byte(s))
	}
	// Deeper than MaxNesting, with closers to skip in literals, and the
	// mismatched closers that were quadratic.
	for _, s := range []string{
		strings.Repeat("(", MaxNesting+1),
		strings.Repeat("[", MaxNesting+1) + "\\] \"]\" #\"]\" ;]\n" + strings.Repeat("]", MaxNesting+1) + " x",
		strings.Repeat("'", MaxNesting+1) + "x",
		strings.Repeat("#_", MaxNesting+1) + "x",
		strings.Repeat("(let [x ", 3000) + ")" + strings.Repeat("(let [x ", 3000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse("fuzz.spl", src)
		if got := Print(file); !bytes.Equal(got, src) {
			t.Fatalf("round trip:\n got %q\nwant %q", got, src)
		}
		checkSpans(t, "fuzz", file)
		c := ReadCompletion("fuzz.spl", src)
		if !bytes.Equal(Print(c.File), c.Text) {
			t.Fatal("completion text round trip")
		}
	})
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"1\x002":       `1\u00002`,
		"plain é ✓ \\": "plain é ✓ \\",
		"a\nb\tc\rd":   `a\nb\tc\rd`,
		"\x1b[2J\x7f":  `\u001b[2J\u007f`,
		"\u0085":       `\u0085`,
		"ab\u202ecd":   `ab\u202ecd`,
		"bad\xffbyte":  `bad\xffbyte`,
		"":             "",
	} {
		if got := EscapeControl(in); got != want {
			t.Errorf("EscapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestManyErrorsOneLine: once MaxErrors errors are reported, reading stops
// formatting messages; a message names a position, and the column of a
// position on a long line takes a scan of the line. 200,000 mismatched
// closers on one line took minutes when every one was formatted. The
// minute is a hang guard, not a speed assertion.
func TestManyErrorsOneLine(t *testing.T) {
	for _, src := range []string{
		// The opener the messages name is 100,000 columns into the line.
		strings.Repeat("x ", 50000) + "(" + strings.Repeat("]", 200000),
		strings.Repeat("x ", 50000) + strings.Repeat("(", 100) + strings.Repeat("'", 200) + strings.Repeat("]", 200000),
	} {
		done := make(chan *File, 1)
		go func() { done <- Parse("long.spl", []byte(src)) }()
		select {
		case f := <-done:
			if len(f.Errors) != MaxErrors || !f.Truncated {
				t.Errorf("%d errors (truncated %v), want %d", len(f.Errors), f.Truncated, MaxErrors)
			}
		case <-time.After(time.Minute):
			t.Fatal("reading 200,000 mismatched closers on one line did not finish within a minute")
		}
	}
}
