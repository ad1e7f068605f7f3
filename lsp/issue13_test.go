package lsp

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/eval/catalog"
)

// TestDiagnosticsOfBrokenWrapper: one unclosed form in a wrapper's body
// does not hide the findings of the other body forms (the server runs the
// same lint.CheckAnalysis as spell lint).
func TestDiagnosticsOfBrokenWrapper(t *testing.T) {
	s := newSession(t, sessionOpts{})
	s.open(testURI, "(quine completion (eval (do\n  (def a (inc 1)\n  (def b (lenght [1 2]))\n  (let [unused 1] 2)\n  '(!call-now f (io/ls \".\")))))\n")
	p := s.waitDiags(testURI, 1)
	var got []string
	for _, d := range p.Diagnostics {
		code, _ := d.Code.(protocol.String)
		got = append(got, string(code))
	}
	slices.Sort(got)
	if want := []string{"syntax", "unresolved-symbol", "unused-binding"}; !slices.Equal(got, want) {
		t.Fatalf("diagnostics %v, want %v: %+v", got, want, p.Diagnostics)
	}
}

// TestCatalogHoverMarkdown: every catalogue hover shows its examples in
// code blocks and carries no internal labels (D1–D13) — issue 13.
func TestCatalogHoverMarkdown(t *testing.T) {
	label := regexp.MustCompile(`\bD\d{1,2}\b`)
	for _, e := range catalog.All() {
		h := catalogHover(e)
		if label.MatchString(h) || strings.Contains(h, "reference implementation:") {
			t.Errorf("%s: internal label in hover:\n%s", e.Name, h)
		}
		if e.Divergence != "" && !strings.Contains(h, "**Note**") {
			t.Errorf("%s: divergence %s not explained:\n%s", e.Name, e.Divergence, h)
		}
		inCode := false
		for _, ln := range strings.Split(h, "\n") {
			if strings.HasPrefix(ln, "```") {
				inCode = !inCode
				continue
			}
			if strings.HasPrefix(ln, "(") && strings.Contains(ln, "⇒") && !inCode {
				t.Errorf("%s: example outside a code block: %q", e.Name, ln)
			}
		}
		if inCode {
			t.Errorf("%s: unclosed code block:\n%s", e.Name, h)
		}
	}
}

// TestCodeLensRunAndTest: "Run" and "Test" above the first form, with the
// command ids the extension registers and the document URI as argument.
func TestCodeLensRunAndTest(t *testing.T) {
	s := newSession(t, sessionOpts{})
	s.open(testURI, ";; a comment\n\n(quine completion (eval (do 1)))\n")
	lenses, err := s.server.CodeLens(s.ctx, &protocol.CodeLensParams{TextDocument: docID(testURI)})
	if err != nil || len(lenses) != 2 {
		t.Fatalf("code lenses: %v %+v", err, lenses)
	}
	for i, want := range []string{"spell.runFile", "spell.runTests"} {
		l := lenses[i]
		if l.Command.Command != want || l.Range.Start.Line != 2 || len(l.Command.Arguments) != 1 ||
			string(l.Command.Arguments[0]) != `"`+string(testURI)+`"` {
			t.Errorf("lens %d: %+v (argument %s)", i, l, l.Command.Arguments)
		}
	}
	s.open(uri.URI("file:///test/empty.spl"), ";; nothing\n")
	if lenses, err := s.server.CodeLens(s.ctx, &protocol.CodeLensParams{TextDocument: docID("file:///test/empty.spl")}); err != nil || len(lenses) != 0 {
		t.Errorf("empty file: %v %+v", err, lenses)
	}
}

// TestInlayHintsParameterNames: literal arguments of calls of the file's
// functions get their parameter names; symbols, builtins, destructured
// and rest parameters do not.
func TestInlayHintsParameterNames(t *testing.T) {
	s := newSession(t, sessionOpts{})
	src := "(quine completion (eval (do\n" +
		"  (defn greet [who times & more] (str who times more))\n" +
		"  (defn pick [{:keys [a]} n] (+ a n))\n" +
		"  (def x 1)\n" +
		"  (greet \"Ada\" 3 4)\n" +
		"  (greet x [1 2])\n" +
		"  (pick {:a 1} 2)\n" +
		"  (inc 1)\n" +
		"  (let [f (fn [k] k)] (f :kw)))))\n"
	s.open(testURI, src)
	hints, err := s.server.InlayHint(s.ctx, &protocol.InlayHintParams{TextDocument: docID(testURI),
		Range: protocol.Range{End: protocol.Position{Line: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hints {
		got = append(got, fmt.Sprintf("%d:%d %s", h.Position.Line, h.Position.Character, h.Label))
	}
	want := []string{"4:9 who:", "4:15 times:", "5:11 times:", "6:15 n:", "8:25 k:"}
	if !slices.Equal(got, want) {
		t.Errorf("hints %q, want %q", got, want)
	}
	// Only the requested range.
	hints, _ = s.server.InlayHint(s.ctx, &protocol.InlayHintParams{TextDocument: docID(testURI),
		Range: protocol.Range{Start: protocol.Position{Line: 5}, End: protocol.Position{Line: 5, Character: 40}}})
	if len(hints) != 1 {
		t.Errorf("range line 5: %+v", hints)
	}
}

// TestTypoQuickFixPrefersIntendedName: `lenght` is reported as a misspelt
// length and the quick fix replaces it with count, not with let or a
// local of a similar spelling (issue 13).
func TestTypoQuickFixPrefersIntendedName(t *testing.T) {
	s := newSession(t, sessionOpts{})
	s.open(testURI, "(quine completion (eval (do (def height 2) (let [n 1] (lenght [n height])))))\n")
	p := s.waitDiags(testURI, 1)
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Message != protocol.String("Unresolved symbol: lenght (did you mean count?)") {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	acts, err := s.server.CodeAction(s.ctx, &protocol.CodeActionParams{TextDocument: docID(testURI), Range: p.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: p.Diagnostics}})
	if err != nil || len(acts) == 0 {
		t.Fatalf("code actions: %v %+v", err, acts)
	}
	ca := acts[0].(*protocol.CodeAction)
	if e := ca.Edit.Changes[testURI]; len(e) != 1 || e[0].NewText != "count" {
		t.Fatalf("quick fix: %+v", ca)
	}
}
