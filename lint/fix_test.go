package lint

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

func lintAll(f *syntax.File) []Diagnostic { return Lint(f, Analyze(f, Options{}), Config{}) }

// TestFixSource applies the safe fixes only, in as many passes as needed,
// and leaves did-you-mean guesses alone.
func TestFixSource(t *testing.T) {
	cases := []struct {
		src, want string
		rules     string // rules of the applied fixes, in order
	}{
		{"(let [x 1] 2)", "(let [_x 1] 2)", "unused-binding"},
		{"(fn [] (do 1 2))", "(fn [] 1 2)", "redundant-do"},
		// A redundant do inside a redundant do: the second pass finds it.
		{"(fn [] (do (do 1 2)))", "(fn [] 1 2)", "redundant-do redundant-do"},
		{"(trim \" a \")", "(strings/trim \" a \")", "unresolved-symbol"},
		{"(quine completion (eval (do '(!extend)) (+ 1 2)))", "(quine completion (eval (do '(!extend) (+ 1 2))))", "wrapper-closed-early"},
		{"(quine completion (eval (do (quine prompt \"t\") '(!llm-self prompt))))",
			"(quine completion (eval (do (quine prompt \"t\") '(!llm-self (wrap-cat prompt)))))", "bare-prompt-to-llm-self"},
		// Several fixes in one pass, far apart.
		{"(do (let [a 1] 2) (let [b 1] 3))", "(do (let [_a 1] 2) (let [_b 1] 3))", "unused-binding unused-binding"},
		// A did-you-mean guess is not applied.
		{"(cout [1])", "(cout [1])", ""},
		{"(lenght [1])", "(lenght [1])", ""}, // a name from another language
		{"(strings/trimm \"a\")", "(strings/trimm \"a\")", ""},
		// Nothing to fix.
		{"(+ 1 2)", "(+ 1 2)", ""},
	}
	for _, c := range cases {
		out, applied, err := FixSource("t.spl", []byte(c.src), lintAll)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		var rules []string
		for _, a := range applied {
			rules = append(rules, a.Rule)
			if a.File == nil || !a.Fix.Safe {
				t.Errorf("%s: applied %+v", c.src, a)
			}
		}
		if string(out) != c.want || strings.Join(rules, " ") != c.rules {
			t.Errorf("%s:\n got %s (%s)\nwant %s (%s)", c.src, out, strings.Join(rules, " "), c.want, c.rules)
		}
	}
}

// TestFixSourceSyntax: a file with syntax errors is returned unchanged.
func TestFixSourceSyntax(t *testing.T) {
	src := "(let [x 1] 2)\n(foo"
	out, applied, err := FixSource("t.spl", []byte(src), lintAll)
	if !errors.Is(err, ErrSyntax) || string(out) != src || len(applied) != 0 {
		t.Errorf("got %q, %d fixes, %v", out, len(applied), err)
	}
}

// TestFixSourceNeverBreaksSyntax: a (defective) safe fix whose result does
// not read is not applied; the fixes of earlier passes stay.
func TestFixSourceNeverBreaksSyntax(t *testing.T) {
	pass := 0
	run := func(f *syntax.File) []Diagnostic {
		pass++
		if pass == 1 {
			return lintAll(f)
		}
		// Pass 2: delete the closing paren of the top-level form.
		end := f.Forms[0].End
		return []Diagnostic{{Rule: "bogus", Start: 0, End: end, Fixes: []Fix{{Message: "Break", Safe: true,
			Edits: []Edit{{Start: end - 1, End: end}}}}}}
	}
	out, applied, err := FixSource("t.spl", []byte("(let [x 1] 2)"), run)
	if !errors.Is(err, ErrFixBreaksSyntax) {
		t.Fatalf("err = %v, want ErrFixBreaksSyntax", err)
	}
	if string(out) != "(let [_x 1] 2)" || len(applied) != 1 {
		t.Errorf("got %q with %d fixes, want the first pass's result", out, len(applied))
	}
}

// TestSafeFixesOverlap keeps the first of two fixes that touch.
func TestSafeFixesOverlap(t *testing.T) {
	fix := func(s, e int32, text string) Fix {
		return Fix{Message: text, Safe: true, Edits: []Edit{{Start: s, End: e, NewText: text}}}
	}
	ds := []Diagnostic{
		{Rule: "a", Fixes: []Fix{fix(0, 3, "x")}},
		{Rule: "b", Fixes: []Fix{fix(2, 5, "y")}},                                                           // overlaps a
		{Rule: "c", Fixes: []Fix{fix(6, 6, "z")}},                                                           // insertion
		{Rule: "d", Fixes: []Fix{fix(6, 6, "w")}},                                                           // same insertion point
		{Rule: "e", Fixes: []Fix{{Message: "guess", Edits: []Edit{{Start: 8, End: 9}}}}},                    // not safe
		{Rule: "f", Fixes: []Fix{{Message: "guess", Edits: []Edit{{Start: 9, End: 10}}}, fix(10, 11, "v")}}, // first safe one
	}
	var got []string
	for _, a := range SafeFixes(ds) {
		got = append(got, a.Rule+":"+a.Fix.Message)
	}
	if want := "a:x c:z f:v"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

// TestCheckRecoversSwallowedForms: a form left open (or closed with the
// wrong delimiter) swallows the rest of the file for the reader; Check
// lints the forms that start in column 1 after it, at their offsets in the
// original text, with fixes that apply to it, and still reports nothing
// but syntax for the broken part.
func TestCheckRecoversSwallowedForms(t *testing.T) {
	cases := []struct{ src, want string }{
		// Unclosed: the let of line 2 is found again.
		{"(defn f [a]\n(let [b 1] 2)\n", "unused-binding@2:7 syntax@3:1"},
		// Mismatched closer.
		{"{:a 1 :b 2)\n(let [c 1] 2)\n", "syntax@1:11 unused-binding@2:7 syntax@3:1"},
		// Between two good forms; the broken one's binding is not reported.
		{"(let [d 1] 2)\n(foo [e]\n(let [g 1] 2)\n", "unused-binding@1:7 unused-binding@3:7 syntax@4:1"},
		// A "(" in column 1 inside a string starts nothing.
		{"(do (def s \"x\n(let [h 1] 2)\")\n", "syntax@3:1"},
		// The recovered form is itself broken: only its syntax findings.
		{"(let [i 1]\n(foo \"open)\n", "syntax@3:1 syntax@3:1 syntax@3:1"},
		// Well-formed files are linted as by Lint.
		{"(let [j 1] 2)\n", "unused-binding@1:7"},
		// A wrapper program is one top-level form: an unclosed body form
		// must not hide the findings of the other body forms (issue 13).
		{"(quine completion (eval (do\n  (let [k 1] 2)\n  (def a (inc 1)\n  (def b (lenght [1 2]))\n  '(!call-now f (io/ls \".\")))))\n",
			"unused-binding@2:9 unresolved-symbol@4:11 syntax@6:1"},
		{"(quine completion\n  (eval\n    (do\n      (defn f [x]\n        (let [m 1]\n          (inc x))\n      (def b (lenght [1 2]))\n      '(!call-now f (io/ls \".\")))))\n",
			"unresolved-symbol@7:15 syntax@9:1"},
		// Deeper lines of a broken form stay inside it.
		{"(quine completion (eval (do\n  (defn g [x]\n    (let [n 1]\n      (inc x)\n  (def c (lenght [1]))\n  (inc 1))))\n",
			"unresolved-symbol@5:11 syntax@7:1 syntax@7:1"},
	}
	for _, c := range cases {
		f := syntax.Parse("t.spl", []byte(c.src))
		var got []string
		for _, d := range Check(f, Options{}, Config{}) {
			got = append(got, d.Rule+"@"+f.Position(d.Start).String())
			for _, fx := range d.Fixes {
				// Every fix applies to the original text.
				out := string(ApplyEdits(f.Src, fx.Edits))
				if d.Rule == "unused-binding" && !strings.Contains(out, "[_") {
					t.Errorf("%q: fix %q gives %q", c.src, fx.Message, out)
				}
			}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.src, strings.Join(got, " "), c.want)
		}
	}
}

// TestEditorDemoFileIsClean: the VS Code extension's demo program (shown
// in its README and screenshots) has no findings (issue 13: it showed a
// marker-shape error, a real one: !peek takes name/expression pairs).
func TestEditorDemoFileIsClean(t *testing.T) {
	src, err := os.ReadFile("../editors/vscode/docs/agent.spl")
	if err != nil {
		t.Skip(err) // the editor directory is not part of every checkout
	}
	f := syntax.Parse("agent.spl", src)
	for _, d := range Check(f, Options{Namespaces: DefaultNamespaces()}, Config{}) {
		t.Errorf("%s: %s [%s]", f.Position(d.Start), d.Message, d.Rule)
	}
}

// TestCheckPointsAtTheOpenForm: the reader reports an unclosed wrapper at
// its first line; Check adds the body form that lacks its closer as a
// related location.
func TestCheckPointsAtTheOpenForm(t *testing.T) {
	src := "(quine completion (eval (do\n  (def a 1)\n  (def b (inc 1)\n  (def c 2)\n  (inc c))))\n"
	f := syntax.Parse("t.spl", []byte(src))
	var got []string
	for _, d := range Check(f, Options{}, Config{}) {
		if d.Rule != "syntax" {
			continue
		}
		for _, r := range d.Related {
			got = append(got, f.Position(r.Start).String()+" "+r.Message)
		}
	}
	want := []string{"1:1 opened here", "3:3 probably not closed: a later line starts no deeper than this form"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("related %q, want %q", got, want)
	}
}
