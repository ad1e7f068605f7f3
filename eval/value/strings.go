package value

import (
	"unicode/utf8"
)

// Spell string indices and counts are code points (D11).

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// StrCount returns the number of code points in s.
func StrCount(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// StrByteOffset returns the byte offset of code point index i in s
// (i == count gives len(s)); ok is false when i is out of range.
func StrByteOffset(s string, i int) (int, bool) {
	if i < 0 {
		return 0, false
	}
	if i <= len(s) && isASCII(s[:i]) {
		return i, true
	}
	n := 0
	for off := range s {
		if n == i {
			return off, true
		}
		n++
	}
	if n == i {
		return len(s), true
	}
	return 0, false
}

// StrNth returns the character at code point index i.
func StrNth(s string, i int) (Char, bool) {
	off, ok := StrByteOffset(s, i)
	if !ok || off >= len(s) {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s[off:])
	return Char(r), true
}

// StrSub returns the substring of code points [start, end) (`subs`).
func StrSub(s string, start, end int) (string, bool) {
	if start > end {
		return "", false
	}
	a, ok := StrByteOffset(s, start)
	if !ok {
		return "", false
	}
	b, ok := StrByteOffset(s[a:], end-start)
	if !ok {
		return "", false
	}
	return s[a : a+b], true
}

// StrChars returns the characters of s.
func StrChars(s string) []Value {
	out := make([]Value, 0, len(s))
	for _, r := range s {
		out = append(out, Char(r))
	}
	return out
}
