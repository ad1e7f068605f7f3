package syntax

// Character classes of the scanner.
const (
	clsConst uint8 = iota // symbol constituent
	clsSpace              // whitespace (commas included)
	clsTerm               // terminating: ( ) [ ] { } " ; @ ^ ` ~ \
)

// class is a literal so that it is data in the binary, not work at every
// start (issue 11, start-up): every other byte is a constituent.
var class = [256]uint8{
	' ': clsSpace, '\t': clsSpace, '\n': clsSpace, '\r': clsSpace, '\f': clsSpace, '\v': clsSpace, ',': clsSpace,
	'\x1c': clsSpace, '\x1d': clsSpace, '\x1e': clsSpace, '\x1f': clsSpace,
	'(': clsTerm, ')': clsTerm, '[': clsTerm, ']': clsTerm, '{': clsTerm, '}': clsTerm, '"': clsTerm,
	';': clsTerm, '@': clsTerm, '^': clsTerm, '`': clsTerm, '~': clsTerm, '\\': clsTerm,
}

// IsConstituent reports whether c can continue a symbol, keyword or number.
func IsConstituent(c byte) bool { return class[c] == clsConst }

// IsSpace reports whether c is whitespace (commas included).
func IsSpace(c byte) bool { return class[c] == clsSpace }

// scanRun returns the end of the run of constituent bytes starting at i.
func scanRun(src []byte, i int) int {
	for i < len(src) && class[src[i]] == clsConst {
		i++
	}
	return i
}

// skipTrivia skips whitespace and comments (not discards) from i.
func skipTrivia(src []byte, i int) int {
	for i < len(src) {
		c := src[i]
		switch {
		case class[c] == clsSpace:
			i++
		case c == ';' || (c == '#' && i+1 < len(src) && src[i+1] == '!'):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// scanString returns the end of a string or regex literal whose opening
// quote is at i (the index after the closing quote), and whether it was
// terminated.
func scanString(src []byte, i int) (int, bool) {
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return len(src), false
}

// startsNumber reports whether a token starting at i is a number.
func startsNumber(src []byte, i int) bool {
	c := src[i]
	if c >= '0' && c <= '9' {
		return true
	}
	return (c == '+' || c == '-') && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'
}
