package format

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spell-go/spell/syntax"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

func updating() bool { return *update || os.Getenv("SPELL_UPDATE") == "1" }

// tok is one non-trivia token: its kind, whether it is a closing delimiter,
// and its exact text.
type tok struct {
	start int32
	kind  syntax.Kind
	close bool
	text  string
}

// tokens lists every non-trivia token of f in source order, the tokens of
// discarded forms included.
func tokens(f *syntax.File) []tok {
	var out []tok
	visit := func(n *syntax.Node) bool {
		out = append(out, tok{n.Start, n.Kind, false, string(f.Src[n.Start:n.OpenEnd])})
		if n.Kind.IsComposite() && n.CloseStart >= 0 {
			out = append(out, tok{n.CloseStart, n.Kind, true, string(f.Src[n.CloseStart:n.End])})
		}
		return true
	}
	for _, n := range f.Forms {
		syntax.Walk(n, visit)
	}
	for _, d := range f.Discards {
		syntax.Walk(d, visit)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// checkSemantics verifies that out (the formatting of in) parses without
// errors, round-trips through the printer and has the same token sequence
// (kinds and exact texts) as in.
func checkSemantics(in, out []byte) error {
	fi := syntax.Parse("in", in)
	fo := syntax.Parse("out", out)
	if len(fo.Errors) > 0 {
		return fmt.Errorf("formatted text has syntax errors: %s", (&SyntaxErrors{fo}).Error())
	}
	if got := syntax.Print(fo); !bytes.Equal(got, out) {
		return fmt.Errorf("formatted text does not round-trip")
	}
	ti, to := tokens(fi), tokens(fo)
	for i := 0; i < len(ti) && i < len(to); i++ {
		a, b := ti[i], to[i]
		if a.kind != b.kind || a.close != b.close || a.text != b.text {
			return fmt.Errorf("token %d differs: %v %q before, %v %q after", i, a.kind, a.text, b.kind, b.text)
		}
	}
	if len(ti) != len(to) {
		return fmt.Errorf("%d tokens before formatting, %d after", len(ti), len(to))
	}
	return nil
}

// checkFormat formats src and checks the guarantees: semantics kept,
// idempotence, the style invariants of the output. It returns the output.
func checkFormat(t testing.TB, name string, src []byte) []byte {
	t.Helper()
	out, err := Source(name, src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := checkSemantics(src, out); err != nil {
		t.Fatalf("%s: %v\ninput:\n%s\noutput:\n%s", name, err, src, out)
	}
	again, err := Source(name, out)
	if err != nil {
		t.Fatalf("%s: formatting the output: %v", name, err)
	}
	if !bytes.Equal(again, out) {
		t.Fatalf("%s: not idempotent\ninput:  %q\nonce:   %q\ntwice:  %q", name, src, out, again)
	}
	if err := checkStyle(out); err != nil {
		t.Fatalf("%s: %v\ninput:  %q\noutput: %q", name, err, src, out)
	}
	return out
}

// checkStyle checks invariants every formatted text has, outside tokens: no
// CR, no tab, no trailing spaces, no double blank lines.
func checkStyle(out []byte) error {
	if len(out) == 0 {
		return nil
	}
	f := syntax.Parse("out", out)
	inTok := make([]bool, len(out))
	mark := func(n *syntax.Node) bool {
		if n.Kind.IsAtom() {
			for i := n.Start; i < n.End; i++ {
				inTok[i] = true
			}
		}
		return true
	}
	for _, n := range f.Forms {
		syntax.Walk(n, mark)
	}
	for _, d := range f.Discards {
		syntax.Walk(d, mark)
	}
	// Comment texts are kept (a lone CR inside one is not a line end).
	for i := 0; i < len(out); i++ {
		if !inTok[i] && (out[i] == ';' || out[i] == '#' && i+1 < len(out) && out[i+1] == '!') {
			for ; i < len(out) && out[i] != '\n'; i++ {
				inTok[i] = true
			}
		}
	}
	n := len(out)
	if out[n-1] != '\n' || inTok[n-1] || n >= 2 && out[n-2] == '\n' && !inTok[n-2] {
		return errors.New("output must end with exactly one newline")
	}
	if out[0] == '\n' {
		return errors.New("output starts with a blank line")
	}
	for i, c := range out {
		if inTok[i] {
			continue
		}
		switch c {
		case '\r', '\t':
			return fmt.Errorf("%q outside tokens at %d", c, i)
		case '\n':
			if i > 0 && out[i-1] == ' ' && !inTok[i-1] {
				return fmt.Errorf("trailing space at %d", i)
			}
			if i >= 2 && out[i-1] == '\n' && out[i-2] == '\n' && !inTok[i-2] {
				return fmt.Errorf("two blank lines at %d", i)
			}
		}
	}
	return nil
}

func TestGoldens(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.input"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.input")
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".input")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := checkFormat(t, in, src)
			golden := base + ".golden"
			outFile := base + ".out"
			if updating() {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				os.Remove(outFile)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				os.WriteFile(outFile, got, 0o644)
				t.Errorf("%s differs from %s; output written to %s", in, golden, outFile)
			} else {
				os.Remove(outFile)
			}
			// A golden formats to itself.
			again, err := Source(golden, want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Errorf("%s is not stable under formatting:\n%s", golden, again)
			}
		})
	}
}

// Small cases, one rule each: input → output.
var cases = []struct{ in, want string }{
	{"", ""},
	{"\n\n  \n", ""},
	{"x", "x\n"},
	{"x\n\n\n", "x\n"},
	{"\n\n(a)\n", "(a)\n"},
	{"(a(b))", "(a (b))\n"},
	{`"x"y`, "\"x\" y\n"},
	{"(a)(b)", "(a) (b)\n"},
	{"(  a   b  )", "(a b)\n"},
	{"[ 1\t2 ]", "[1 2]\n"},
	{"'x", "'x\n"},
	{"' x", "' x\n"},
	{"#_x y", "#_x y\n"},
	{"#_  x y", "#_ x y\n"},
	{"^:k x", "^:k x\n"},
	{"^:k(x)", "^:k (x)\n"},
	{"(a #_b c)", "(a #_b c)\n"},
	{"(\"x\"#_b c)", "(\"x\" #_b c)\n"},
	{"#_ #_ a b c", "#_ #_ a b c\n"},
	{"{:a 1 , :b 2}", "{:a 1, :b 2}\n"},
	{"{:a 1,:b 2}", "{:a 1, :b 2}\n"},
	{"[a ,, b]", "[a,, b]\n"},
	{"[a , ]", "[a,]\n"},
	{"[ , a]", "[, a]\n"},
	{"(a,\n b)", "(a,\n b)\n"},
	{"(a) ; c  \n", "(a) ; c\n"},
	{"(a);c", "(a) ;c\n"},
	{"(a)    ; aligned", "(a)    ; aligned\n"},
	{"(a ; c\n)", "(a ; c\n )\n"},
	{"(a\n  b\n  )", "(a\n b)\n"},
	{"(a\n\n\n b)", "(a\n\n b)\n"},
	{"(foo\n\n)", "(foo)\n"},
	{"(foo bar\nbaz)", "(foo bar\n     baz)\n"},
	{"(foo\nbar)", "(foo\n bar)\n"},
	{"(\nfoo bar\nbaz)", "(\n foo bar\n     baz)\n"},
	{"[a\nb]", "[a\n b]\n"},
	{"{:a 1\n:b 2}", "{:a 1\n :b 2}\n"},
	{"#{a\nb}", "#{a\n  b}\n"},
	{"#:ns{:a 1\n:b 2}", "#:ns{:a 1\n     :b 2}\n"},
	{"#(foo %\n%2)", "#(foo %\n      %2)\n"},
	{"(defn f [x]\nx)", "(defn f [x]\n  x)\n"},
	{"(do a\nb)", "(do a\n    b)\n"},
	{"(do\na\nb)", "(do\n  a\n  b)\n"},
	{"(let [a 1]\na)", "(let [a 1]\n  a)\n"},
	{"(let [a 1] a\nb)", "(let [a 1] a\n     b)\n"},
	{"(as-> x $\n(f $))", "(as-> x $\n  (f $))\n"},
	{"(rethink 3 \"x\"\n(f))", "(rethink 3 \"x\"\n  (f))\n"},
	{"(rethink \"x\" y\n(f))", "(rethink \"x\" y\n         (f))\n"},
	{"(quine c (eval (do\n(a)\n(b))))", "(quine c (eval (do\n  (a)\n  (b))))\n"},
	{"x\r\ny\r\n", "x\ny\n"},
	{"(a ; c\r\n b)\r\n", "(a ; c\n b)\n"},
	{"(a\n\tb)", "(a\n b)\n"},
	{"(a \"x\n   y\" b\n c)", "(a \"x\n   y\" b\n   c)\n"},
	{"(é ü\nx)", "(é ü\n   x)\n"},
	{"(a\n  ; c\n  b)", "(a\n ; c\n b)\n"},
	{"  (a)\n  (b)", "(a)\n(b)\n"},
	{"(a \\ )", "(a \\ )\n"},
	// Found by fuzzing.
	{"\\\n", "\\\n\n"},                  // a \newline character at the end
	{"(;\r0\n)", "( ;\r0\n )\n"},        // a lone CR inside a comment is kept
	{"(a \\\n  (b))", "(a \\\n (b))\n"}, // a line starting inside a character token
}

func TestCases(t *testing.T) {
	for _, c := range cases {
		got := checkFormat(t, "case", []byte(c.in))
		if string(got) != c.want {
			t.Errorf("format %q\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, src := range []string{"(", ")", "(a]", `"abc`, "`x", "{:a}"} {
		out, err := Source("f.spl", []byte(src))
		var se *SyntaxErrors
		if out != nil || !errors.As(err, &se) {
			t.Errorf("%q: got %q, %v; want nil, *SyntaxErrors", src, out, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "f.spl:1:") {
			t.Errorf("%q: error %q lacks the position", src, err)
		}
	}
	_, err := Source("f.spl", []byte("(a\n  b]"))
	if err == nil || err.Error() != "f.spl:2:4: Unmatched delimiter: ] (expected ) to close ( opened at 1:1)" {
		t.Errorf("got %v", err)
	}
	f := syntax.Parse("g", []byte("("))
	if _, err := File(f); err == nil {
		t.Error("File accepted a file with errors")
	}
}

func TestDeepNesting(t *testing.T) {
	const depth = syntax.MaxNesting
	// All on one line.
	src := strings.Repeat("(a ", depth) + strings.Repeat(")", depth)
	out := checkFormat(t, "deep", []byte(src))
	want := strings.Repeat("(a ", depth-1) + "(a" + strings.Repeat(")", depth) + "\n"
	if string(out) != want {
		t.Errorf("deep: unexpected output (len %d, want %d)", len(out), len(want))
	}
	// Vectors, maps and discards nested deeply, with a line break.
	// (three levels each: the vector, the discard and the map).
	src = strings.Repeat("[#_{:k ", depth/3) + "x" + strings.Repeat("} 1]", depth/3) + "\n(b\n)"
	checkFormat(t, "deep2", []byte(src))
	// One level deeper than the reader allows is a syntax error, reported
	// at the opener that goes too deep.
	_, err := Source("deeper", []byte(strings.Repeat("(a ", depth+1)+strings.Repeat(")", depth+1)))
	if want := fmt.Sprintf("deeper:1:%d: Nesting depth exceeded: more than %d nested forms", 3*depth+1, depth); err == nil || err.Error() != want {
		t.Errorf("deeper: got %v, want %s", err, want)
	}
}

func TestOutputTooLarge(t *testing.T) {
	// 6,000 levels, one per line: the aligned indentation would take
	// about 54 MB.
	const n = 6000
	src := strings.Repeat("(a b\n", n) + strings.Repeat(")", n)
	out, err := Source("big", []byte(src))
	if out != nil || !errors.Is(err, ErrOutputTooLarge) {
		t.Fatalf("got %d bytes, %v; want ErrOutputTooLarge", len(out), err)
	}
	// 1,000 levels are fine.
	checkFormat(t, "deep-lines", []byte(strings.Repeat("(a b\n", 1000)+strings.Repeat(")", 1000)))
}

// conformancePrograms returns every NAME.spl program of the shared
// conformance archives.
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

func TestConformancePrograms(t *testing.T) {
	progs := conformancePrograms(t)
	if len(progs) < 100 {
		t.Fatalf("found only %d conformance programs; is ../../shared present?", len(progs))
	}
	for name, src := range progs {
		if len(syntax.Parse(name, src).Errors) > 0 {
			if _, err := Source(name, src); err == nil {
				t.Errorf("%s: no error for a text with syntax errors", name)
			}
			continue
		}
		checkFormat(t, name, src)
	}
}

func FuzzFormat(f *testing.F) {
	for _, src := range conformancePrograms(f) {
		f.Add(src)
	}
	inputs, _ := filepath.Glob(filepath.Join("testdata", "*.input"))
	for _, in := range inputs {
		if src, err := os.ReadFile(in); err == nil {
			f.Add(src)
		}
	}
	for _, c := range cases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 {
			// Deep nesting with a line break per level makes the output
			// (and the time) quadratic in the input; keep runs fast.
			return
		}
		pf := syntax.Parse("fuzz", src)
		out, err := File(pf)
		if len(pf.Errors) > 0 {
			var se *SyntaxErrors
			if out != nil || !errors.As(err, &se) {
				t.Fatalf("text with errors: got %q, %v", out, err)
			}
			if _, err := Source("fuzz", src); !errors.As(err, &se) {
				t.Fatalf("Source: got %v, want *SyntaxErrors", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		checkFormat(t, "fuzz", src)
	})
}
