package lsp

import (
	"encoding/json"
	"math/rand"
	"os"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// TestIncrementalDiagnosticsRandomEdits opens a real program (the agent
// program of the editor docs, its body repeated so that it has many
// forms), sends a seeded random sequence of range edits — some two per
// notification, some notifications sent without waiting — and checks
// after each that the published diagnostics (incremental reading and
// analysis) are those of a fresh reading and analysis of the same text.
func TestIncrementalDiagnosticsRandomEdits(t *testing.T) {
	b, err := os.ReadFile("../editors/vscode/docs/agent.spl")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	// Repeat the body forms between "(do" and the trailing expression.
	open := strings.Index(doc, "(do\n") + len("(do\n")
	trail := strings.Index(doc, "      '(!call-now")
	if open < len("(do\n") || trail < open {
		t.Fatal("agent.spl changed shape")
	}
	body := doc[open:trail]
	text := doc[:open] + strings.Repeat(body, 8) + doc[trail:]

	s := newSession(t, sessionOpts{})
	srv := s.serverSide()
	u := uri.URI("file:///edits/agent.spl")
	s.open(u, text)
	s.waitDiags(u, 1)
	rng := rand.New(rand.NewSource(7))
	pieces := []string{" ", "\n", "(", ")", "[", "]", "\"", "x", "files", "(def q 1)", "(let [z 1] z)", "#(inc %)",
		"(recur 1)", "io/ls", ";", "#_", "'", "(strings/trim \"a\")", "notes", "(defn h [a] b)", "\\a", "0x"}
	steps := 200
	if testing.Short() {
		steps = 60
	}
	version := int32(1)
	orig := text
	for step := range steps {
		var changes []protocol.TextDocumentContentChangeEvent
		if rng.Intn(4) == 0 { // an undo of everything: the text reads without errors again
			text = orig
			changes = append(changes, &protocol.TextDocumentContentChangeWholeDocument{Text: text})
		}
		for range 1 + rng.Intn(2) {
			start := rng.Intn(len(text) + 1)
			end := min(len(text), start+rng.Intn(3))
			ins := ""
			if rng.Intn(3) > 0 {
				ins = pieces[rng.Intn(len(pieces))]
			}
			changes = append(changes, &protocol.TextDocumentContentChangePartial{
				Range: protocol.Range{Start: utf16Pos(text, start), End: utf16Pos(text, end)}, Text: ins})
			text = text[:start] + ins + text[end:]
		}
		version++
		if err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(u), Version: version},
			ContentChanges: changes,
		}); err != nil {
			t.Fatal(err)
		}
		if rng.Intn(4) == 0 {
			continue // the next edit arrives before this one's diagnostics
		}
		got := s.waitDiags(u, version)
		fresh := newSnapshot(u, version, []byte(text), false)
		want := srv.diagnostics(s.ctx, fresh)
		gj, _ := json.Marshal(got.Diagnostics)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatalf("step %d (version %d): published diagnostics differ from a fresh analysis\n got %s\nwant %s\ntext:\n%s", step, version, gj, wj, text)
		}
	}
	t.Logf("%d parses, %d of them incremental", srv.store.parses.Load(), srv.store.reparses.Load())
	if srv.store.reparses.Load() == 0 {
		t.Errorf("no incremental reading")
	}
}

// utf16Pos returns the LSP position (UTF-16 columns) of byte offset off.
func utf16Pos(text string, off int) protocol.Position {
	line := strings.Count(text[:off], "\n")
	ls := strings.LastIndexByte(text[:off], '\n') + 1
	col := 0
	for _, r := range text[ls:off] {
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}
