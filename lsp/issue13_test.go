package lsp

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

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
