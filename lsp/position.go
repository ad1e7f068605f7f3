package lsp

import (
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
