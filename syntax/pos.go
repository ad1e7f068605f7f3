package syntax

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Position is a 1-based line and column. Col counts Unicode code points.
type Position struct {
	Line, Col int
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// LineTable maps byte offsets of a text to lines and columns.
type LineTable struct {
	src   []byte
	lines []int32
	// wide, when set (a File's table), are src's runs of bytes >= 0x80:
	// the table then counts columns without reading src (wide.go).
	wide *wideRuns
}

// NewLineTable indexes the line starts of src.
func NewLineTable(src []byte) *LineTable {
	return &LineTable{src: src, lines: lineStarts(src)}
}

func lineStarts(src []byte) []int32 {
	lines := make([]int32, 1, 1+len(src)/32)
	for i, c := range src {
		if c == '\n' {
			lines = append(lines, int32(i+1))
		}
	}
	return lines
}

// Lines returns the number of lines.
func (t *LineTable) Lines() int { return len(t.lines) }

// LineStart returns the offset of the first byte of 0-based line i.
func (t *LineTable) LineStart(i int) int {
	if i < 0 {
		return 0
	}
	if i >= len(t.lines) {
		return len(t.src)
	}
	return int(t.lines[i])
}

// LineEnd returns the offset just before the newline ending 0-based line i
// (or the end of text).
func (t *LineTable) LineEnd(i int) int {
	if i+1 < len(t.lines) {
		return int(t.lines[i+1]) - 1
	}
	return len(t.src)
}

// Line returns the 0-based line containing off.
func (t *LineTable) Line(off int) int {
	if off > len(t.src) {
		off = len(t.src)
	}
	return sort.Search(len(t.lines), func(i int) bool { return int(t.lines[i]) > off }) - 1
}

// Position returns the 1-based line and code-point column of a byte offset.
func (t *LineTable) Position(off int) Position {
	if off < 0 {
		off = 0
	}
	if off > len(t.src) {
		off = len(t.src)
	}
	l := t.Line(off)
	if t.wide != nil {
		return Position{Line: l + 1, Col: t.wide.cols(int(t.lines[l]), off, false) + 1}
	}
	return Position{Line: l + 1, Col: utf8.RuneCount(t.src[t.lines[l]:off]) + 1}
}

// UTF16Col returns the 0-based UTF-16 column of off within its line (what
// LSP clients count by default).
func (t *LineTable) UTF16Col(off int) (line, col int) {
	if off > len(t.src) {
		off = len(t.src)
	}
	line = t.Line(off)
	if t.wide != nil {
		return line, t.wide.cols(int(t.lines[line]), off, true)
	}
	s := t.src[t.lines[line]:off]
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
		s = s[size:]
	}
	return line, col
}

// OffsetUTF16 returns the byte offset of a 0-based line and UTF-16 column,
// clamped to the line (a position past the end maps to the line end).
func (t *LineTable) OffsetUTF16(line, col int) int {
	if line < 0 {
		return 0
	}
	if line >= len(t.lines) {
		return len(t.src)
	}
	off, end := t.LineStart(line), t.LineEnd(line)
	if t.wide != nil {
		return t.wide.offsetUTF16(off, end, col)
	}
	for n := 0; off < end && n < col; {
		r, size := utf8.DecodeRune(t.src[off:end])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		off += size
	}
	return off
}

// OffsetUTF8 returns the byte offset of a 0-based line and byte column,
// clamped to the line.
func (t *LineTable) OffsetUTF8(line, col int) int {
	if line < 0 {
		return 0
	}
	if line >= len(t.lines) {
		return len(t.src)
	}
	off, end := t.LineStart(line), t.LineEnd(line)
	if col < 0 {
		col = 0
	}
	if off+col > end {
		return end
	}
	return off + col
}

// Lines returns the file's line table.
func (f *File) LineTable() *LineTable {
	if f.lines == nil {
		f.lines = lineStarts(f.Src)
		f.wide = scanWide(f.Src)
	}
	return &LineTable{src: f.Src, lines: f.lines, wide: f.wide}
}

// Position returns the position of a byte offset in the file.
func (f *File) Position(off int32) Position { return f.LineTable().Position(int(off)) }
