package lsp

import (
	"bytes"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// syncOp is one decoded edit of the document sync fuzz target.
type syncOp struct {
	start, end protocol.Position
	text       string
	whole      bool
}

var syncTexts = []string{"", "x", "(", ")", " ", "\n", "\r\n", "é", "😀", "ab\ncd", "\n\n", "(def x 1)\n"}

// decodeOps turns fuzz bytes into edits (5 bytes each).
func decodeOps(data []byte) []syncOp {
	var ops []syncOp
	for len(data) >= 5 {
		b := data[:5]
		data = data[5:]
		op := syncOp{
			start: protocol.Position{Line: uint32(b[0] % 8), Character: uint32(b[1] % 12)},
			text:  syncTexts[int(b[4])%len(syncTexts)],
		}
		op.end = protocol.Position{Line: op.start.Line + uint32(b[2]%3), Character: uint32(b[3] % 12)}
		if b[2]%3 == 0 && b[3]%2 == 0 {
			op.end = op.start // a pure insertion, the typing case
		}
		if b[4] == 255 {
			op.whole = true
			op.text = "whole\ntext é😀\n"
		}
		ops = append(ops, op)
	}
	return ops
}

// applyFull is the reference: map positions through a line table of the
// whole text and splice a new copy, as the server did before incremental
// sync.
func applyFull(text []byte, op syncOp, utf8 bool) []byte {
	if op.whole {
		return []byte(op.text)
	}
	m := mapper{lt: syntax.NewLineTable(text), utf8: utf8}
	start, end := m.offset(op.start), m.offset(op.end)
	if end < start {
		start, end = end, start
	}
	out := append([]byte(nil), text[:start]...)
	out = append(out, op.text...)
	return append(out, text[end:]...)
}

func checkLineIndex(t *testing.T, b *textBuffer, text []byte) {
	t.Helper()
	lt := syntax.NewLineTable(text)
	if b.lines() != lt.Lines() {
		t.Fatalf("lines = %d, want %d", b.lines(), lt.Lines())
	}
	for i := 0; i <= lt.Lines(); i++ {
		if b.lineStart(i) != lt.LineStart(i) || b.lineEnd(i) != lt.LineEnd(i) {
			t.Fatalf("line %d: [%d,%d], want [%d,%d]", i, b.lineStart(i), b.lineEnd(i), lt.LineStart(i), lt.LineEnd(i))
		}
	}
}

// FuzzDocumentSync: incremental edits applied through the store (the text
// buffer and its line index) give the same text as applying each edit to
// the whole text; the line index equals a fresh one.
func FuzzDocumentSync(f *testing.F) {
	f.Add("(def x 1)\n(inc x)\n", []byte{0, 3, 0, 0, 1, 1, 0, 0, 0, 5}, false)
	f.Add("a😀b\r\nc\n", []byte{0, 3, 0, 4, 3, 0, 1, 1, 5, 8, 1, 0, 0, 0, 5}, false)
	f.Add("é\n\n", []byte{0, 1, 0, 0, 7, 2, 0, 0, 0, 8, 0, 0, 2, 5, 0}, true)
	f.Add("", []byte{0, 0, 0, 0, 255, 1, 2, 0, 0, 1}, false)
	f.Add("x\ny\nz", []byte{1, 0, 1, 1, 0, 0, 0, 2, 0, 6, 2, 1, 0, 0, 9}, false)
	f.Fuzz(runSync)
}

func runSync(t *testing.T, initial string, data []byte, utf8 bool) {
	{
		st := newStore(0)
		const u = uri.URI("file:///fuzz.spl")
		st.open(u, 1, []byte(initial), utf8)
		want := []byte(initial)
		version := int32(1)
		ops := decodeOps(data)
		for i := 0; i < len(ops); {
			// One to three changes per didChange.
			n := min(1+i%3, len(ops)-i)
			var changes []protocol.TextDocumentContentChangeEvent
			for _, op := range ops[i : i+n] {
				want = applyFull(want, op, utf8)
				if op.whole {
					changes = append(changes, &protocol.TextDocumentContentChangeWholeDocument{Text: op.text})
				} else {
					changes = append(changes, &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: op.start, End: op.end}, Text: op.text})
				}
			}
			i += n
			version++
			if ok, _ := st.change(u, version, changes, utf8); !ok {
				t.Fatal("change not applied")
			}
			// A stale version is ignored.
			if ok, _ := st.change(u, version-1, changes, utf8); ok {
				t.Fatal("stale change applied")
			}
		}
		snap, err := st.get(u)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(snap.text, want) {
			t.Fatalf("incremental text %q, want %q", snap.text, want)
		}
		checkLineIndex(t, st.doc(u).buf, want)
	}
}

// TestTextBufferFarEdits moves both gaps across the whole text and back.
func TestTextBufferFarEdits(t *testing.T) {
	text := []byte(bigProgram(300))
	b := newTextBuffer(text)
	want := append([]byte(nil), text...)
	for i := 0; i < 200; i++ {
		off := (i * 7919) % (len(want) + 1)
		end := min(off+i%5, len(want))
		s := []string{"x", "\n", "", "é\n😀", "\n\n\n"}[i%5]
		b.replace(off, end, s)
		want = append(want[:off:off], append([]byte(s), want[end:]...)...)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatal("text differs")
	}
	checkLineIndex(t, b, want)
}
