package lsp

import (
	"sort"
	"unicode/utf8"
)

// textBuffer is the editable text of an open document: a gap buffer of its
// bytes and a gap buffer of its line starts. An edit costs the length of the
// edit plus the distance the gaps move (small for typing, which edits near
// the previous edit); it never re-splits or copies the whole document.
// Mapping an LSP position to an offset decodes only the line it is on.
//
// Line starts before the line gap are absolute offsets; those after it are
// stored as distances from the end of the text, so an edit does not have to
// shift the starts of every later line.
type textBuffer struct {
	b      []byte // text = b[:gs] + b[ge:]
	gs, ge int

	ls       []int // line starts, see above; line 0 always starts at 0
	lgs, lge int

	scratch []byte
}

const minGap = 64

func newTextBuffer(text []byte) *textBuffer {
	t := &textBuffer{}
	t.reset(text)
	return t
}

// reset replaces the whole text.
func (t *textBuffer) reset(text []byte) {
	gap := max(minGap, len(text)/16)
	t.b = make([]byte, len(text)+gap)
	copy(t.b, text)
	t.gs, t.ge = len(text), len(t.b)
	nl := 1
	for _, c := range text {
		if c == '\n' {
			nl++
		}
	}
	lgap := max(minGap, nl/16)
	t.ls = make([]int, nl+lgap)
	t.ls[0] = 0
	k := 1
	for i, c := range text {
		if c == '\n' {
			t.ls[k] = i + 1
			k++
		}
	}
	t.lgs, t.lge = nl, len(t.ls)
}

// Len returns the length of the text in bytes.
func (t *textBuffer) Len() int { return len(t.b) - (t.ge - t.gs) }

// lines returns the number of lines (one more than the number of '\n').
func (t *textBuffer) lines() int { return t.lgs + len(t.ls) - t.lge }

// lineStart returns the offset of line i (clamped like syntax.LineTable).
func (t *textBuffer) lineStart(i int) int {
	if i < 0 {
		return 0
	}
	if i >= t.lines() {
		return t.Len()
	}
	if i < t.lgs {
		return t.ls[i]
	}
	return t.Len() - t.ls[t.lge+i-t.lgs]
}

// lineEnd returns the offset just before the '\n' ending line i, or the
// end of the text.
func (t *textBuffer) lineEnd(i int) int {
	if i+1 < t.lines() {
		return t.lineStart(i+1) - 1
	}
	return t.Len()
}

// lineOf returns the line containing off.
func (t *textBuffer) lineOf(off int) int {
	return sort.Search(t.lines(), func(i int) bool { return t.lineStart(i) > off }) - 1
}

// slice returns text[start:end]; the result is valid until the next call.
func (t *textBuffer) slice(start, end int) []byte {
	switch {
	case end <= t.gs:
		return t.b[start:end]
	case start >= t.gs:
		d := t.ge - t.gs
		return t.b[start+d : end+d]
	}
	t.scratch = append(t.scratch[:0], t.b[start:t.gs]...)
	t.scratch = append(t.scratch, t.b[t.ge:t.ge+end-t.gs]...)
	return t.scratch
}

// Bytes returns a copy of the whole text.
func (t *textBuffer) Bytes() []byte {
	out := make([]byte, 0, t.Len())
	out = append(out, t.b[:t.gs]...)
	return append(out, t.b[t.ge:]...)
}

// offset maps a 0-based line and column (bytes with utf8, else UTF-16 code
// units) to a byte offset, with the clamping of syntax.LineTable: a line
// past the end maps to the end of the text, a column past the end of its
// line to the line end.
func (t *textBuffer) offset(line, col int, utf8Cols bool) int {
	if line < 0 {
		return 0
	}
	if line >= t.lines() {
		return t.Len()
	}
	start, end := t.lineStart(line), t.lineEnd(line)
	if utf8Cols {
		if col < 0 {
			col = 0
		}
		return min(start+col, end)
	}
	s := t.slice(start, end)
	off := 0
	for n := 0; off < len(s) && n < col; {
		r, size := utf8.DecodeRune(s[off:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		off += size
	}
	return start + off
}

// replace replaces text[start:end] with s.
func (t *textBuffer) replace(start, end int, s string) {
	n := t.Len()
	start = min(max(start, 0), n)
	end = min(max(end, 0), n)
	if end < start {
		start, end = end, start
	}
	// Line index: lines up to the one containing start stay before the
	// line gap; the starts in (start, end] belong to deleted newlines.
	t.moveLineGap(t.lineOf(start) + 1)
	for t.lge < len(t.ls) && n-t.ls[t.lge] <= end {
		t.lge++
	}
	// Bytes.
	t.moveGap(start)
	t.ge += end - start
	if t.ge-t.gs < len(s) {
		t.growGap(len(s))
	}
	copy(t.b[t.gs:], s)
	t.gs += len(s)
	// New line starts, in order, at the end of the before-gap part.
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			if t.lgs == t.lge {
				t.growLineGap(1)
			}
			t.ls[t.lgs] = start + i + 1
			t.lgs++
		}
	}
}

// moveGap moves the byte gap to offset pos.
func (t *textBuffer) moveGap(pos int) {
	switch {
	case pos < t.gs:
		d := t.gs - pos
		copy(t.b[t.ge-d:t.ge], t.b[pos:t.gs])
		t.gs, t.ge = pos, t.ge-d
	case pos > t.gs:
		d := pos - t.gs
		copy(t.b[t.gs:t.gs+d], t.b[t.ge:t.ge+d])
		t.gs, t.ge = pos, t.ge+d
	}
}

func (t *textBuffer) growGap(need int) { t.b, t.ge = growGapped(t.b, t.gs, t.ge, need) }

// growGapped returns s (with its gap at [gs, ge)) copied into a larger
// slice whose gap holds at least need more elements, and the gap's new end.
// The text and the line index are both gap buffers; they grow alike.
func growGapped[T any](s []T, gs, ge, need int) ([]T, int) {
	n := len(s) - (ge - gs)
	ns := make([]T, n+max(need+minGap, n/8))
	copy(ns, s[:gs])
	tail := len(s) - ge
	copy(ns[len(ns)-tail:], s[ge:])
	return ns, len(ns) - tail
}

// moveLineGap moves the line gap before line k, converting the moved line
// starts between absolute and end-relative form.
func (t *textBuffer) moveLineGap(k int) {
	n := t.Len()
	for t.lgs > k {
		t.lgs--
		t.lge--
		t.ls[t.lge] = n - t.ls[t.lgs]
	}
	for t.lgs < k && t.lge < len(t.ls) {
		t.ls[t.lgs] = n - t.ls[t.lge]
		t.lgs++
		t.lge++
	}
}

func (t *textBuffer) growLineGap(need int) {
	t.ls, t.lge = growGapped(t.ls, t.lgs, t.lge, need)
}
