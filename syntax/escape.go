package syntax

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EscapeControl makes source text safe to embed in a message: control
// characters become `\n`, `\t`, `\r` or `\uXXXX` (the Spell string
// escapes), bidirectional formatting characters `\uXXXX` too (they reorder
// what a terminal shows), and bytes that are not UTF-8 `\xHH`. Everything
// else, backslashes included, is kept as is. Every message that quotes
// program text goes through it, so a NUL or an escape sequence in a program
// never reaches a terminal raw.
func EscapeControl(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}
