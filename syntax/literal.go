package syntax

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NumKind classifies a number literal.
type NumKind uint8

const (
	NumInt    NumKind = iota // int64
	NumBigInt                // arbitrary precision integer
	NumFloat                 // float64
	NumBigDec                // unscaled integer and scale
	NumRatio                 // normalised ratio with denominator > 1
)

// NumberLit is a decoded number literal.
type NumberLit struct {
	Kind  NumKind
	Int   int64
	Big   *big.Int // NumBigInt value, or NumBigDec unscaled value
	Scale int32    // NumBigDec scale
	Float float64
	Rat   *big.Rat
}

// MaxNumberBits bounds the size of an integer written in program text
// (and of each part of a ratio and the unscaled digits of a bigdecimal):
// 2^20 bits, about 315,000 decimal digits, the number size limit of the
// evaluator. Decoding digits takes time quadratic in their count, so a
// ten-million-digit literal would take minutes.
const MaxNumberBits = 1 << 20

// ErrNumberTooLarge is the error of a number literal beyond MaxNumberBits.
var ErrNumberTooLarge = errors.New("number literal too large")

// checkDigits fails when n digits in base would exceed MaxNumberBits.
func checkDigits(n, base int) error {
	if bits := int64(float64(n) * math.Log2(float64(base))); bits > MaxNumberBits {
		return &litError{msg: "Number too large: " + strconv.Itoa(n) + " digits, about " +
			strconv.FormatInt(bits, 10) + " bits (limit " + strconv.Itoa(MaxNumberBits) + ")", err: ErrNumberTooLarge}
	}
	return nil
}

// ParseNumber decodes a number token (spec: language.md §1.2). The error
// message is the language's (`Invalid number: 1x`, `Divide by zero`).
func ParseNumber(tok string) (NumberLit, error) {
	bad := func() (NumberLit, error) { return NumberLit{}, &litError{msg: "Invalid number: " + tok} }
	s := tok
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return bad()
	}
	// Ratio.
	if i := strings.IndexByte(s, '/'); i >= 0 {
		num, den := s[:i], s[i+1:]
		if !allDigits(num, 10) || !allDigits(den, 10) {
			return bad()
		}
		if err := checkDigits(max(len(num), len(den)), 10); err != nil {
			return NumberLit{}, err
		}
		n, _ := new(big.Int).SetString(num, 10)
		d, _ := new(big.Int).SetString(den, 10)
		if d.Sign() == 0 {
			return NumberLit{}, &litError{msg: "Divide by zero"}
		}
		if neg {
			n.Neg(n)
		}
		r := new(big.Rat).SetFrac(n, d)
		if r.IsInt() {
			return intLit(r.Num(), false), nil
		}
		return NumberLit{Kind: NumRatio, Rat: r}, nil
	}
	// Floating point and bigdecimal.
	if strings.ContainsAny(s, ".eEM") && !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") && !strings.ContainsAny(s, "rR") {
		dec := strings.HasSuffix(s, "M")
		body := strings.TrimSuffix(s, "M")
		if !floatSyntax(body) {
			return bad()
		}
		if dec {
			return bigDecLit(body, neg)
		}
		f, err := strconv.ParseFloat(body, 64)
		if err != nil && !isRangeErr(err) {
			return bad()
		}
		if neg {
			f = -f
		}
		return NumberLit{Kind: NumFloat, Float: f}, nil
	}
	forceBig := strings.HasSuffix(s, "N")
	s = strings.TrimSuffix(s, "N")
	var digits string
	base := 10
	switch {
	case s == "0":
		digits = "0"
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		digits, base = s[2:], 16
	case len(s) > 1 && s[0] == '0':
		digits, base = s[1:], 8
	default:
		if i := strings.IndexAny(s, "rR"); i > 0 {
			b, err := strconv.Atoi(s[:i])
			if err != nil || b < 2 || b > 36 || !allDigits(s[:i], 10) || s[0] == '0' {
				return bad()
			}
			digits, base = s[i+1:], b
		} else {
			digits = s
		}
	}
	if !allDigits(digits, base) {
		return bad()
	}
	if !forceBig {
		// Most literals fit an int64: no big.Int to allocate.
		if v, err := strconv.ParseInt(digits, base, 64); err == nil {
			if neg {
				v = -v
			}
			return NumberLit{Kind: NumInt, Int: v}, nil
		}
	}
	if err := checkDigits(len(digits), base); err != nil {
		return NumberLit{}, err
	}
	n, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return bad()
	}
	if neg {
		n.Neg(n)
	}
	return intLit(n, forceBig), nil
}

func intLit(n *big.Int, forceBig bool) NumberLit {
	if !forceBig && n.IsInt64() {
		return NumberLit{Kind: NumInt, Int: n.Int64()}
	}
	return NumberLit{Kind: NumBigInt, Big: n}
}

func isRangeErr(err error) bool {
	e, ok := err.(*strconv.NumError)
	return ok && e.Err == strconv.ErrRange
}

func allDigits(s string, base int) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if digitVal(s[i]) >= base {
			return false
		}
	}
	return true
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// floatSyntax checks [0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?
func floatSyntax(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

func bigDecLit(body string, neg bool) (NumberLit, error) {
	mant, exp := body, int64(0)
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		e, err := strconv.ParseInt(body[i+1:], 10, 32)
		if err != nil {
			return NumberLit{}, &litError{msg: "Invalid number: " + body}
		}
		mant, exp = body[:i], e
	}
	scale := int64(0)
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = int64(len(mant) - i - 1)
		mant = mant[:i] + mant[i+1:]
	}
	scale -= exp
	if scale > math.MaxInt32 || scale < math.MinInt32 {
		return NumberLit{}, &litError{msg: "Invalid number: " + body}
	}
	if err := checkDigits(len(mant), 10); err != nil {
		return NumberLit{}, err
	}
	n, _ := new(big.Int).SetString(mant, 10)
	if neg {
		n.Neg(n)
	}
	return NumberLit{Kind: NumBigDec, Big: n, Scale: int32(scale)}, nil
}

type litError struct {
	msg string
	err error // sentinel, if any
}

func (e *litError) Error() string { return EscapeControl(e.msg) }

func (e *litError) Unwrap() error { return e.err }

// UnquoteString decodes the text of a string token including its quotes.
// Errors carry the language message (`Unsupported escape character: \q`).
func UnquoteString(tok string) (string, error) {
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return "", &litError{msg: "EOF while reading string"}
	}
	body := tok[1 : len(tok)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", &litError{msg: "EOF while reading string"}
		}
		switch c = body[i]; c {
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case '\\', '"':
			b.WriteByte(c)
		case 'u':
			if i+5 > len(body) {
				return "", &litError{msg: "Invalid unicode escape: \\u" + body[i+1:]}
			}
			hex := body[i+1 : i+5]
			v, err := strconv.ParseUint(hex, 16, 32)
			if err != nil {
				return "", &litError{msg: "Invalid unicode escape: \\u" + hex}
			}
			b.WriteRune(rune(v))
			i += 4
		default:
			if c >= '0' && c <= '7' {
				j := i
				for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(body[i:j], 8, 32)
				if v > 0377 {
					return "", &litError{msg: "Octal escape sequence must be in range [0, 377]."}
				}
				b.WriteRune(rune(v))
				i = j - 1
				continue
			}
			r, _ := utf8.DecodeRuneInString(body[i:])
			return "", &litError{msg: "Unsupported escape character: \\" + string(r)}
		}
	}
	return b.String(), nil
}

// charNamed returns the character a name such as newline stands for (a
// switch, not a map: no work at start-up).
func charNamed(name string) (rune, bool) {
	switch name {
	case "newline":
		return '\n', true
	case "space":
		return ' ', true
	case "tab":
		return '\t', true
	case "backspace":
		return '\b', true
	case "formfeed":
		return '\f', true
	case "return":
		return '\r', true
	}
	return 0, false
}

// DecodeChar decodes a character token such as `\a`, `\newline`, `\u00e9`.
func DecodeChar(tok string) (rune, error) {
	bad := &litError{msg: "Unsupported character: " + tok}
	if len(tok) < 2 || tok[0] != '\\' {
		return 0, bad
	}
	body := tok[1:]
	if r, size := utf8.DecodeRuneInString(body); size == len(body) {
		if r == utf8.RuneError && size == 1 {
			return 0, bad
		}
		return r, nil
	}
	if r, ok := charNamed(body); ok {
		return r, nil
	}
	if body[0] == 'u' && len(body) == 5 {
		v, err := strconv.ParseUint(body[1:], 16, 32)
		if err == nil {
			return rune(v), nil
		}
	}
	if body[0] == 'o' && len(body) >= 2 && len(body) <= 4 {
		v, err := strconv.ParseUint(body[1:], 8, 32)
		if err == nil && v <= 0377 {
			return rune(v), nil
		}
	}
	return 0, bad
}
