package lsp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/lint"
)

// editTexts are what the random edits of TestRandomEditsDiagnostics
// insert: stray delimiters, unbound names, forms with findings.
var editTexts = []string{
	" ", "\n", "x", "(", ")", "]", "\"", "'", "#_", ";c\n",
	"(undefined-a 1)", "(if 1 2)", "(when 1)", "(defn g [a] (g))", "(g 1 2)", "(def value-3 1)",
	"(let [a 1] (let [b 2] b))", "(do (do 1))", "(defmacro mm [x] x)", "(mm (nope))",
	"(loop [i 1] i)", "(recur 1)", "(io/ls \".\")", "(strings/nope \"a\")", "(persist zz)",
	"#(+ % %3)", "(fn [x] (recur))", "(think 1)", "(prune \"a\")",
}

// diagKey is what TestRandomEditsDiagnostics compares of a diagnostic.
func diagKey(d protocol.Diagnostic) string {
	return fmt.Sprintf("%v %v %v %v %d", d.Range, d.Code, d.Severity, d.Message, len(d.RelatedInformation))
}

// TestRandomEditsDiagnostics applies random edits to open documents (one
// of about 2,000 lines, walked in halves at once, and a small one) through
// didChange and checks that the diagnostics published for each version
// are those of a from-scratch lint of the text the edits make.
func TestRandomEditsDiagnostics(t *testing.T) {
	for _, tc := range []struct {
		lines, edits int
	}{{2000, 25}, {60, 60}} {
		t.Run(fmt.Sprint(tc.lines), func(t *testing.T) {
			s := newSession(t, sessionOpts{utf8: true})
			text := []byte(bigProgram(tc.lines))
			s.open(benchURI, string(text))
			s.waitDiags(benchURI, 1)
			srv := s.serverSide()
			r := rand.New(rand.NewPCG(13, uint64(tc.lines)))
			findings := 0
			for v := int32(2); v < int32(2+tc.edits); v++ {
				// A random range on character boundaries, replaced by a
				// random text (or nothing).
				start := r.IntN(len(text) + 1)
				for start < len(text) && !utf8.RuneStart(text[start]) {
					start++
				}
				end := min(len(text), start+r.IntN(3)*r.IntN(8))
				for end < len(text) && !utf8.RuneStart(text[end]) {
					end++
				}
				ins := ""
				if r.IntN(4) > 0 {
					ins = editTexts[r.IntN(len(editTexts))]
				}
				sp, ep := offsetPosition(text, start), offsetPosition(text, end)
				text = slices.Concat(text[:start:start], []byte(ins), text[end:])
				err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
					TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(benchURI), Version: v},
					ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
						Range: protocol.Range{Start: sp, End: ep}, Text: ins}},
				})
				if err != nil {
					t.Fatal(err)
				}
				got := s.waitDiags(benchURI, v).Diagnostics
				snap := newSnapshot(benchURI, v, slices.Clone(text), true)
				var want []protocol.Diagnostic
				for _, f := range lintFindings(snap, lint.Analyze(snap.file, lint.Options{}), srv.lintConfig) {
					want = append(want, srv.toDiagnostic(snap, f))
				}
				if len(got) != len(want) {
					t.Fatalf("version %d: %d diagnostics, want %d", v, len(got), len(want))
				}
				for i := range got {
					if g, w := diagKey(got[i]), diagKey(want[i]); g != w {
						t.Fatalf("version %d: diagnostic %d is\n%s\nwant\n%s", v, i, g, w)
					}
				}
				findings += len(got)
			}
			if findings == 0 {
				t.Errorf("the edits made no findings: the test compares nothing")
			}
		})
	}
}

// offsetPosition returns the UTF-8 position of byte offset off in text.
func offsetPosition(text []byte, off int) protocol.Position {
	line, col := 0, 0
	for _, c := range text[:off] {
		col++
		if c == '\n' {
			line++
			col = 0
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}
