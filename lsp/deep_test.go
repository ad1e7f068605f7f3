package lsp

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/syntax"
)

// TestPositionsBatch: positions gives what position gives for each
// offset, in both encodings, on text with multi-byte and astral
// characters, invalid bytes and long lines.
func TestPositionsBatch(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"a", "(", ")", " ", "\n", "é", "😀", "\xff", "\r\n", strings.Repeat("x", 300)}
	for round := 0; round < 50; round++ {
		var b strings.Builder
		for range 200 {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		src := []byte(b.String())
		var offs []int
		for range 100 {
			// Not inside a character: no node boundary is.
			off := rng.Intn(len(src) + 2)
			for off > 0 && off < len(src) && src[off]&0xC0 == 0x80 {
				off--
			}
			offs = append(offs, off)
		}
		// Offsets as the tree gives them: token boundaries.
		f := syntax.Parse("t.spl", src)
		syntax.Walk(&syntax.Node{Kind: syntax.List, Kids: f.Forms}, func(n *syntax.Node) bool {
			offs = append(offs, int(n.Start), int(n.End))
			return true
		})
		for _, utf8 := range []bool{false, true} {
			m := mapper{lt: syntax.NewLineTable(src), utf8: utf8}
			got := m.positions(src, offs)
			for i, off := range offs {
				if want := m.position(off); got[i] != want {
					t.Fatalf("round %d utf8=%v offset %d: got %+v, want %+v", round, utf8, off, got[i], want)
				}
			}
		}
	}
}

// TestSelectionRangeDeepLongLine: a selection range on a path as deep as
// the server descends (maxDepth), on one long line, gives one range per
// level (the columns are measured along the line once, not once per
// level: 4,000 scans of a megabyte took seconds). The minute is a hang
// guard, not a speed assertion.
func TestSelectionRangeDeepLongLine(t *testing.T) {
	s := newSession(t, sessionOpts{})
	const depth = syntax.MaxNesting
	text := strings.Repeat("x ", 500000) + strings.Repeat("(", depth) + "y" + strings.Repeat(")", depth)
	s.open(testURI, text)
	s.waitDiags(testURI, 1)
	done := make(chan []protocol.SelectionRange, 1)
	go func() {
		sel, _ := s.server.SelectionRange(s.ctx, &protocol.SelectionRangeParams{TextDocument: docID(testURI),
			Positions: []protocol.Position{{Line: 0, Character: uint32(1000000 + depth)}}})
		done <- sel
	}()
	select {
	case sel := <-done:
		if len(sel) != 1 {
			t.Fatalf("got %d selection ranges", len(sel))
		}
		n := 0
		for r := &sel[0]; r != nil; r = r.Parent {
			n++
			if r.Parent == nil && (r.Range.Start.Character != 1000000 || r.Range.End.Character != uint32(1000000+2*depth+1)) {
				t.Errorf("outermost range %+v", r.Range)
			}
		}
		if n != maxDepth {
			t.Errorf("%d levels, want %d", n, maxDepth)
		}
	case <-time.After(time.Minute):
		t.Fatal("selection range did not answer within a minute")
	}
}
