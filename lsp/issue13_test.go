package lsp

import (
	"slices"
	"testing"

	"go.lsp.dev/protocol"
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
