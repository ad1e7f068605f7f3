package value

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

// rd is a tiny test-only reader for building values concisely.
func rd(t testing.TB, s string) Value {
	t.Helper()
	r := &trd{s: s}
	v := r.form(t)
	return v
}

type trd struct {
	s string
	i int
}

func (r *trd) ws() {
	for r.i < len(r.s) && strings.IndexByte(" \t\n\r,", r.s[r.i]) >= 0 {
		r.i++
	}
}

func (r *trd) seq(t testing.TB, close byte) []Value {
	var out []Value
	for {
		r.ws()
		if r.i >= len(r.s) {
			t.Fatalf("eof in %q", r.s)
		}
		if r.s[r.i] == close {
			r.i++
			return out
		}
		out = append(out, r.form(t))
	}
}

func (r *trd) form(t testing.TB) Value {
	t.Helper()
	r.ws()
	c := r.s[r.i]
	switch c {
	case '(':
		r.i++
		return NewList(r.seq(t, ')')...)
	case '[':
		r.i++
		return NewVector(r.seq(t, ']'))
	case '{':
		r.i++
		return NewMap(r.seq(t, '}')...)
	case '#':
		if r.s[r.i+1] == '{' {
			r.i += 2
			return NewSet(r.seq(t, '}')...)
		}
		tok := r.token()
		switch tok {
		case "##Inf":
			return math.Inf(1)
		case "##-Inf":
			return math.Inf(-1)
		case "##NaN":
			return math.NaN()
		}
		t.Fatalf("bad # %q", tok)
	case '\'':
		r.i++
		return NewList(symQuote, r.form(t))
	case '"':
		r.i++
		var b strings.Builder
		for r.s[r.i] != '"' {
			if r.s[r.i] == '\\' {
				r.i++
				b.WriteByte(map[byte]byte{'n': '\n', 't': '\t', '"': '"', '\\': '\\', 'r': '\r', 'f': '\f', 'b': '\b'}[r.s[r.i]])
			} else {
				b.WriteByte(r.s[r.i])
			}
			r.i++
		}
		r.i++
		return b.String()
	case '\\':
		r.i++
		tok := r.token()
		names := map[string]rune{"newline": '\n', "space": ' ', "tab": '\t', "backspace": '\b', "formfeed": '\f', "return": '\r'}
		if c, ok := names[tok]; ok {
			return Char(c)
		}
		if tok == "" {
			r.i++
			return Char(r.s[r.i-1])
		}
		return Char([]rune(tok)[0])
	case ':':
		r.i++
		return Kw(r.token())
	}
	tok := r.token()
	switch tok {
	case "nil":
		return nil
	case "true":
		return true
	case "false":
		return false
	}
	if tok[0] >= '0' && tok[0] <= '9' || (len(tok) > 1 && (tok[0] == '-' || tok[0] == '+') && tok[1] >= '0' && tok[1] <= '9') {
		switch {
		case strings.HasSuffix(tok, "N"):
			b, _ := new(big.Int).SetString(tok[:len(tok)-1], 10)
			return b
		case strings.HasSuffix(tok, "M"):
			d, ok := ParseBigDec(tok[:len(tok)-1])
			if !ok {
				t.Fatalf("bad dec %q", tok)
			}
			return d
		case strings.Contains(tok, "/"):
			q, _ := new(big.Rat).SetString(tok)
			return normRatLong(q)
		case strings.ContainsAny(tok, ".eE"):
			f, _ := strconv.ParseFloat(tok, 64)
			return f
		default:
			n, err := strconv.ParseInt(tok, 10, 64)
			if err != nil {
				b, _ := new(big.Int).SetString(tok, 10)
				return b
			}
			return n
		}
	}
	return Sym(tok)
}

func normRatLong(q *big.Rat) Value {
	if q.IsInt() {
		return q.Num().Int64()
	}
	return q
}

func (r *trd) token() string {
	st := r.i
	for r.i < len(r.s) && strings.IndexByte(" \t\n\r,()[]{}\"", r.s[r.i]) < 0 {
		r.i++
	}
	return r.s[st:r.i]
}

func bigInt(n int64) *big.Int { return big.NewInt(n) }
