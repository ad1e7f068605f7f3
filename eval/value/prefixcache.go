package value

import (
	"strings"
	"sync"
)

// PrefixCache makes PrefixOpen incremental over the successive prompts of
// one handle. A turn's quine form usually holds the forms of the previous
// one (the same values, when the reader reuses the unchanged prefix) and
// a few more; the cache keeps the last text with the end of each body
// form in it, and prints only the forms after the first one that is not
// the identical value. Values are immutable, and a form printed after the
// same text prints the same (the printer's size cap depends only on what
// precedes), so the result is PrefixOpen's byte for byte.
type PrefixCache struct {
	mu sync.Mutex
	// buf holds text and is only ever appended to: a prompt that extends
	// the last one (the usual turn) is the same bytes plus the new ones,
	// so it costs what was added, not a copy of the whole program (every
	// earlier prompt handed out stays valid: strings.Builder never
	// rewrites bytes it has written). A prompt that differs inside the
	// last one starts a new buffer.
	buf  *strings.Builder
	text string // the last result (buf's first len(text) bytes)
	head int    // length of its "(quine NAME INERT… (eval (do "
	body *List  // the body forms printed in text
	ends []int  // ends[i]: offset in text just after body form i
	// Printed counts the body forms printed rather than taken from the
	// last text (tests); Copied counts the bytes of earlier prompts copied
	// into a new buffer.
	Printed, Copied int
}

// PrefixOpen returns PrefixOpen(quineForm).
func (c *PrefixCache) PrefixOpen(quineForm Value) (string, error) {
	name, inert, body, err := QuineParts(quineForm)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var h strings.Builder
	h.WriteString("(quine ")
	WritePrefix(&h, name)
	h.WriteByte(' ')
	for _, a := range inert {
		WritePr(&h, a)
		h.WriteByte(' ')
	}
	h.WriteString("(eval (do ")
	head := h.String()
	// k: the leading body forms that are the forms of the last text; base:
	// the bytes of the last text the new one starts with.
	// (A body the reader took over from the last one shares its blocks:
	// CommonPrefix compares O(n/32) forms, not n.)
	k, base := 0, 0
	if c.head == len(head) && c.text[:c.head] == head {
		base = c.head
		k = CommonPrefix(body, c.body, len(c.ends), samePointer)
		if k > 0 {
			base = c.ends[k-1]
		}
	}
	ends := c.ends[:k]
	// tail: what follows text[:base].
	var tail strings.Builder
	if base == 0 {
		tail.WriteString(head)
	}
	body.Drop(k).Range(func(_ int, v Value) bool {
		if len(ends) > 0 {
			tail.WriteByte(' ')
		}
		WritePrefix(&tail, v)
		c.Printed++
		ends = append(ends, base+tail.Len())
		return true
	})
	tail.WriteByte(' ')
	c.text, c.head, c.body, c.ends = c.extend(base, tail.String()), len(head), body, ends
	return c.text, nil
}

// extend returns text[:base]+tail, appended to buf when buf's bytes after
// base are where tail starts (or tail's start is all of them).
func (c *PrefixCache) extend(base int, tail string) string {
	n := base + len(tail)
	if b := c.buf; b != nil {
		written := b.String()
		if over := min(len(written), n) - base; written[base:base+over] == tail[:over] {
			if n > len(written) {
				if b.Cap()-b.Len() < n-len(written) {
					b.Grow(max(n, 2*len(written))) // doubling: amortised O(added)
				}
				b.WriteString(tail[over:])
			}
			return b.String()[:n]
		}
	}
	b := new(strings.Builder)
	b.Grow(2 * n)
	b.WriteString(c.text[:base])
	b.WriteString(tail)
	c.Copied += base
	c.buf = b
	return b.String()
}

// samePointer reports whether a and b are the same value: the same pointer
// for collections, functions and names, the same scalar otherwise. It
// never compares contents (that would cost what printing costs).
func samePointer(a, b Value) bool {
	switch x := a.(type) {
	case *List:
		y, ok := b.(*List)
		return ok && x == y
	case *Vector:
		y, ok := b.(*Vector)
		return ok && x == y
	case *Map:
		y, ok := b.(*Map)
		return ok && x == y
	case *Set:
		y, ok := b.(*Set)
		return ok && x == y
	case *SortedMap:
		y, ok := b.(*SortedMap)
		return ok && x == y
	case *SortedSet:
		y, ok := b.(*SortedSet)
		return ok && x == y
	case *Symbol:
		y, ok := b.(*Symbol)
		return ok && x == y
	case *Keyword:
		y, ok := b.(*Keyword)
		return ok && x == y
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case Char:
		y, ok := b.(Char)
		return ok && x == y
	}
	return false
}
