package syntax

import (
	"encoding/binary"
	"sort"
	"sync/atomic"
	"unicode/utf8"
)

// A File's line table does not read the file's text after it is made:
// the runtime reuses the memory of a program text no reader holds any
// more (spe/read.go), while errors, futures and kept prefixes hold the
// line tables of their spans. Columns count code points (or UTF-16
// units), so the table keeps what they depend on besides the line
// starts: the runs of bytes >= 0x80, with a copy of their bytes. An ASCII
// byte is one column; a run's columns are what its bytes decode to, which
// does not depend on the bytes around it (a UTF-8 sequence is made of
// bytes >= 0x80 only).

// wideRuns are the maximal runs of bytes >= 0x80 of a text, in order.
type wideRuns struct {
	runs  shared[wideRun]
	bytes shared[byte] // the runs' bytes, one after the other
}

type wideRun struct {
	start, n int32 // the run is text[start:start+n]
	at       int32 // and bytes[at:at+n]
	// skip and skip16 are, over the runs before this one, the bytes
	// minus the code points and minus the UTF-16 units they decode to.
	skip, skip16 int32
}

// scanWide returns the runs of src.
func scanWide(src []byte) *wideRuns {
	w := &wideRuns{}
	w.scan(src, 0)
	return w
}

// after returns the runs of src, whose first cut bytes are those of the
// text w was made from: w's runs that end before cut, and the runs found
// from there on (a run that reaches cut may go on in src).
func (w *wideRuns) after(src []byte, cut int) *wideRuns {
	runs := w.runs.s
	k := sort.Search(len(runs), func(i int) bool { return int(runs[i].start+runs[i].n) >= cut })
	from, nb := cut, 0
	if k < len(runs) && int(runs[k].start) < cut {
		from = int(runs[k].start)
	}
	if k > 0 {
		nb = int(runs[k-1].at + runs[k-1].n)
	}
	out := &wideRuns{runs: w.runs.take(k), bytes: w.bytes.take(nb)}
	out.scan(src, from)
	return out
}

// scan appends the runs of src[from:] (from is not inside a run).
func (w *wideRuns) scan(src []byte, from int) {
	for i := from; ; {
		i += asciiPrefix(src[i:])
		if i == len(src) {
			return
		}
		j := i + 1
		for j < len(src) && src[j] >= 0x80 {
			j++
		}
		r := wideRun{start: int32(i), n: int32(j - i), at: int32(len(w.bytes.s))}
		if k := len(w.runs.s); k > 0 {
			p := w.runs.s[k-1]
			b := w.bytes.s[p.at : p.at+p.n]
			r.skip = p.skip + p.n - int32(utf8.RuneCount(b))
			r.skip16 = p.skip16 + p.n - int32(utf16Units(b))
		}
		w.runs.push(r)
		w.bytes.push(src[i:j]...)
		i = j
	}
}

// cols is the number of columns of text[ls:off], where ls is a line
// start: code points, or UTF-16 units.
func (w *wideRuns) cols(ls, off int, utf16 bool) int {
	runs := w.runs.s
	i0 := sort.Search(len(runs), func(i int) bool { return int(runs[i].start) >= ls })
	i1 := i0 + sort.Search(len(runs)-i0, func(i int) bool { return int(runs[i0+i].start) >= off })
	n := off - ls
	if i1 == i0 {
		return n
	}
	first, last := runs[i0], runs[i1-1]
	b := w.bytes.s[last.at : last.at+last.n]
	b = b[:min(len(b), off-int(last.start))]
	if utf16 {
		return n - int(last.skip16-first.skip16) - (len(b) - utf16Units(b))
	}
	return n - int(last.skip-first.skip) - (len(b) - utf8.RuneCount(b))
}

// offsetUTF16 is the offset of UTF-16 column col of the line text[ls:end]
// (LineTable.OffsetUTF16).
func (w *wideRuns) offsetUTF16(ls, end, col int) int {
	runs := w.runs.s
	off, n := ls, 0
	for i := sort.Search(len(runs), func(i int) bool { return int(runs[i].start) >= ls }); i < len(runs) && int(runs[i].start) < end; i++ {
		r := runs[i]
		if a := int(r.start) - off; n+a >= col {
			return off + max(col-n, 0)
		} else {
			n, off = n+a, int(r.start)
		}
		b := w.bytes.s[r.at : r.at+r.n]
		b = b[:min(len(b), end-off)]
		for len(b) > 0 {
			if n >= col {
				return off
			}
			c, size := utf8.DecodeRune(b)
			n, off, b = n+1, off+size, b[size:]
			if c >= 0x10000 {
				n++
			}
		}
	}
	return min(end, off+max(col-n, 0))
}

// utf16Units is the number of UTF-16 units b decodes to (a byte that is
// not valid UTF-8 is one).
func utf16Units(b []byte) int {
	n := 0
	for len(b) > 0 {
		c, size := utf8.DecodeRune(b)
		n++
		if c >= 0x10000 {
			n++
		}
		b = b[size:]
	}
	return n
}

// asciiPrefix is the length of the longest prefix of b without a byte
// >= 0x80 (8 bytes at a time).
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b) && b[i] < 0x80; i++ {
	}
	return i
}

// shared is an append-only slice that the slices taken from it extend in
// place: the first to append after its last element claims the array's
// next elements (used), and one that finds them taken (it was taken
// before the end of a slice that appended since) copies. Elements once
// written are never written again, so a reading resumed from another
// extends its tables in place, and the earlier reading's stay as they
// were.
type shared[T any] struct {
	s    []T
	used *atomic.Int64 // elements written into s's array
}

// take returns the first k elements.
func (a shared[T]) take(k int) shared[T] { return shared[T]{s: a.s[:k], used: a.used} }

// push appends xs.
func (a *shared[T]) push(xs ...T) {
	n := len(a.s)
	if len(xs) == 0 {
		return
	}
	if a.used != nil && n+len(xs) <= cap(a.s) && a.used.CompareAndSwap(int64(n), int64(n+len(xs))) {
		a.s = append(a.s, xs...)
		return
	}
	s := make([]T, n, max(2*(n+len(xs)), 16))
	copy(s, a.s)
	a.s, a.used = append(s, xs...), new(atomic.Int64)
	a.used.Store(int64(len(a.s)))
}
