package lsp

import (
	"sort"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/syntax"
)

// mapper converts between byte offsets of one text and LSP positions in the
// negotiated encoding.
type mapper struct {
	lt   *syntax.LineTable
	utf8 bool
}

// offset returns the byte offset of an LSP position, clamped to the text:
// a line past the end maps to the end, a column past the line end to the
// line end.
func (m mapper) offset(p protocol.Position) int {
	if m.utf8 {
		return m.lt.OffsetUTF8(int(p.Line), int(p.Character))
	}
	return m.lt.OffsetUTF16(int(p.Line), int(p.Character))
}

// position returns the LSP position of a byte offset.
func (m mapper) position(off int) protocol.Position {
	if m.utf8 {
		if off < 0 {
			off = 0
		}
		line := m.lt.Line(off)
		start := m.lt.LineStart(line)
		if off < start {
			off = start
		}
		return protocol.Position{Line: uint32(line), Character: uint32(off - start)}
	}
	line, col := m.lt.UTF16Col(off)
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// positions returns the LSP positions of offsets of src (in any order).
// It visits them in order and measures an offset on the line of the one
// before from that one, not from the line start: the many offsets of a
// deep path on one long line cost the line's length once, not once each.
func (m mapper) positions(src []byte, offs []int) []protocol.Position {
	out := make([]protocol.Position, len(offs))
	if m.utf8 {
		for i, off := range offs {
			out[i] = m.position(off)
		}
		return out
	}
	order := make([]int, len(offs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return offs[order[a]] < offs[order[b]] })
	prevOff, prevLine := -1, -1
	var prev protocol.Position
	for _, i := range order {
		off := min(max(offs[i], 0), len(src))
		line := m.lt.Line(off)
		if line == prevLine {
			prev.Character += uint32(m.width(src, prevOff, off))
		} else {
			prev = m.position(off)
		}
		out[i], prevOff, prevLine = prev, off, line
	}
	return out
}

func (m mapper) rng(start, end int) protocol.Range {
	return protocol.Range{Start: m.position(start), End: m.position(end)}
}

func (m mapper) nodeRange(n *syntax.Node) protocol.Range {
	return m.rng(int(n.Start), int(n.End))
}

// width returns the length of src[start:end] in the negotiated unit.
func (m mapper) width(src []byte, start, end int) int {
	if m.utf8 {
		return end - start
	}
	n := 0
	for _, r := range string(src[start:end]) {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
