package value

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxPrintDepth bounds the nesting depth the printers descend into; deeper
// collections are printed as `...`. It matches the evaluator's default nesting
// limit, so every form the evaluator can build from source prints exactly,
// while pathological data cannot overflow the Go stack.
const MaxPrintDepth = 10000

type printMode uint8

const (
	modePr     printMode = iota // readable form (§3.1)
	modePrefix                  // prefix printer (§3.3)
)

// MaxPrintBytes bounds the text one printer call writes; past it the
// output ends in "..." (just over the evaluator's 64 MiB string limit, so
// str and pr-str of such values fail with the output limit). WritePrLimit
// and PrStrMax take a smaller bound.
const MaxPrintBytes = 64<<20 + 1024

type printer struct {
	over  bool
	poll  func() bool // optional: true stops printing (cancellation)
	max   int         // stop once the builder holds more than max bytes
	n     int
	b     *strings.Builder
	mode  printMode
	depth int
	buf   [64]byte
}

// PrStr returns the readable form of v (`pr-str`, §3.1).
func PrStr(v Value) string {
	var b strings.Builder
	WritePr(&b, v)
	return b.String()
}

// WritePr writes the readable form of v to b.
func WritePr(b *strings.Builder, v Value) {
	p := printer{b: b, mode: modePr, max: MaxPrintBytes}
	p.write(v)
}

// WritePrPoll is WritePr that calls poll every few thousand elements and
// stops early when it returns true (the evaluator passes cancellation).
// It reports whether printing completed.
func WritePrPoll(b *strings.Builder, v Value, poll func() bool) bool {
	return WritePrLimit(b, v, MaxPrintBytes, poll)
}

// WritePrLimit is WritePrPoll that stops once b holds more than limit bytes:
// the text then ends in "..." (after the closers of the collections still
// open) and it reports false. A value with shared structure can denote
// text far larger than memory (a vector of itself, doubled 40 times); the
// bound makes the work proportional to limit, not to that text. poll may be
// nil.
func WritePrLimit(b *strings.Builder, v Value, limit int, poll func() bool) bool {
	p := printer{b: b, mode: modePr, poll: poll, max: limit}
	p.write(v)
	return !p.over
}

// MessageValueMax bounds the readable form of a value shown in a failure
// message (the wording after a message's prefix is Spell-Go's own,
// language.md §12.1).
const MessageValueMax = 2000

// PrStrMax returns the readable form of v, cut after about limit bytes
// with "..." (for messages that show a value the program gave).
func PrStrMax(v Value, limit int) string {
	var b strings.Builder
	WritePrLimit(&b, v, limit, nil)
	return b.String()
}

// Prefix returns the prefix-printer form of v (§3.3).
func Prefix(v Value) string {
	var b strings.Builder
	WritePrefix(&b, v)
	return b.String()
}

// WritePrefix writes the prefix-printer form of v to b.
func WritePrefix(b *strings.Builder, v Value) {
	p := printer{b: b, mode: modePrefix, max: MaxPrintBytes}
	p.write(v)
}

// Str returns the human form of v (`str` of one argument, §3.2).
func Str(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	var b strings.Builder
	WriteStr(&b, v)
	return b.String()
}

// WriteStr writes the human form of v to b.
func WriteStr(b *strings.Builder, v Value) {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case Char:
		b.WriteRune(rune(x))
	case *big.Int:
		var buf [64]byte
		b.Write(x.Append(buf[:0], 10))
	case BigDec:
		writeBigDec(b, x)
	case float64:
		writeFloatStr(b, x, 64)
	case float32:
		writeFloatStr(b, float64(x), 32)
	case *Regex:
		b.WriteString(x.Pattern)
	default:
		WritePr(b, v)
	}
}

func writeFloatStr(b *strings.Builder, f float64, bits int) {
	switch {
	case math.IsInf(f, 1):
		b.WriteString("Infinity")
	case math.IsInf(f, -1):
		b.WriteString("-Infinity")
	case f != f:
		b.WriteString("NaN")
	default:
		var buf [40]byte
		b.Write(appendJavaFloat(buf[:0], f, bits))
	}
}

// FormatDouble formats f as Java Double.toString (finite values) and
// Infinity/-Infinity/NaN otherwise.
func FormatDouble(f float64) string {
	var b strings.Builder
	writeFloatStr(&b, f, 64)
	return b.String()
}

// appendJavaFloat lays out the shortest round-trip digits of a finite f like
// Java's Double.toString / Float.toString.
func appendJavaFloat(dst []byte, f float64, bits int) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, bits)
	if s[0] == '-' {
		dst = append(dst, '-')
		s = s[1:]
	}
	e := 0
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == 'e' {
			x, _ := strconv.Atoi(string(s[i+1:]))
			e = x
			s = s[:i]
			break
		}
	}
	var dbuf [24]byte
	digits := append(dbuf[:0], s[0])
	if len(s) > 2 {
		digits = append(digits, s[2:]...)
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		pos := e + 1
		switch {
		case pos <= 0:
			dst = append(dst, '0', '.')
			for range -pos {
				dst = append(dst, '0')
			}
			dst = append(dst, digits...)
		case pos >= len(digits):
			dst = append(dst, digits...)
			for range pos - len(digits) {
				dst = append(dst, '0')
			}
			dst = append(dst, '.', '0')
		default:
			dst = append(dst, digits[:pos]...)
			dst = append(dst, '.')
			dst = append(dst, digits[pos:]...)
		}
		return dst
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(e), 10)
}

func writeDouble(b *strings.Builder, f float64) bool {
	if math.IsInf(f, 0) || f != f {
		return false
	}
	var buf [40]byte
	b.Write(appendJavaFloat(buf[:0], f, 64))
	return true
}

func (p *printer) writeFloat(f float64, bits int) {
	switch {
	case math.IsInf(f, 1):
		p.b.WriteString("##Inf")
	case math.IsInf(f, -1):
		p.b.WriteString("##-Inf")
	case f != f:
		p.b.WriteString("##NaN")
	default:
		p.b.Write(appendJavaFloat(p.buf[:0], f, bits))
	}
}

// writeEscaped writes s as a readable string literal.
func writeEscaped(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\t':
			esc = `\t`
		case '\r':
			esc = `\r`
		case '\f':
			esc = `\f`
		case '\b':
			esc = `\b`
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// EscapeString is the runtime's escape-string helper (§8.4): `\`→`\\`,
// `"`→`\"`, newline→`\n`, tab→`\t` (no surrounding quotes).
func EscapeString(s string) string { return escapeStringReplacer.Replace(s) }

var escapeStringReplacer = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)

func writeChar(b *strings.Builder, c Char) {
	switch c {
	case '\n':
		b.WriteString(`\newline`)
	case ' ':
		b.WriteString(`\space`)
	case '\t':
		b.WriteString(`\tab`)
	case '\b':
		b.WriteString(`\backspace`)
	case '\f':
		b.WriteString(`\formfeed`)
	case '\r':
		b.WriteString(`\return`)
	default:
		b.WriteByte('\\')
		b.WriteRune(rune(c))
	}
}

var symFirstLine = Sym("first-line")

func (p *printer) write(v Value) {
	b := p.b
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.Write(strconv.AppendInt(p.buf[:0], x, 10))
	case string:
		if room := p.max - b.Len(); len(x) > room {
			// A long string past the bound: its start, then the marker.
			cut := max(room, 0)
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			writeEscaped(b, x[:cut])
			b.WriteString("...")
			p.over = true
			return
		}
		writeEscaped(b, x)
	case *Keyword:
		b.WriteByte(':')
		if x.NS != "" {
			b.WriteString(x.NS)
			b.WriteByte('/')
		}
		b.WriteString(x.Name)
	case *Symbol:
		if x.NS != "" {
			b.WriteString(x.NS)
			b.WriteByte('/')
		}
		b.WriteString(x.Name)
	case float64:
		p.writeFloat(x, 64)
	case float32:
		p.writeFloat(float64(x), 32)
	case Char:
		writeChar(b, x)
	case *big.Int:
		b.Write(x.Append(p.buf[:0], 10))
		b.WriteByte('N')
	case *big.Rat:
		b.Write(x.Num().Append(p.buf[:0], 10))
		b.WriteByte('/')
		b.Write(x.Denom().Append(p.buf[:0], 10))
	case BigDec:
		writeBigDec(b, x)
		b.WriteByte('M')
	case *Regex:
		b.WriteString(`#"`)
		b.WriteString(x.Pattern)
		b.WriteByte('"')
	case HostFn:
		b.WriteString("#function[")
		b.WriteString(x.HostName())
		b.WriteByte(']')
	case Reduced:
		b.WriteString("#reduced[")
		p.nested(x.Val)
		b.WriteByte(']')
	case *List:
		if p.mode == modePrefix && p.isFirstLineForm(x) {
			p.writeFirstLine(x)
			return
		}
		b.WriteByte('(')
		for n := x; n != nil && n.count > 0; n = n.next() {
			if n != x {
				b.WriteByte(' ')
			}
			p.nested(n.first)
		}
		b.WriteByte(')')
	case *Vector:
		b.WriteByte('[')
		x.Range(func(i int, e Value) bool {
			if i > 0 {
				b.WriteByte(' ')
			}
			p.nested(e)
			return true
		})
		b.WriteByte(']')
	case *Map:
		p.writeMap(x)
	case *SpellFn:
		p.writeMap(x)
	case *SortedMap:
		p.writeMap(x)
	case *Set:
		p.writeSet(x)
	case *SortedSet:
		p.writeSet(x)
	default:
		fmt.Fprintf(b, "#object[%T]", v)
	}
}

func (p *printer) nested(v Value) {
	p.n++
	if p.poll != nil && p.n&4095 == 0 && p.poll() {
		p.over = true
	}
	if p.over || p.b.Len() > p.max {
		// Shared structure can denote exponentially large text: stop
		// writing (callers building strings then fail the output limit).
		if !p.over {
			p.over = true
			p.b.WriteString("...")
		}
		return
	}
	if p.depth >= MaxPrintDepth {
		p.b.WriteString("...")
		return
	}
	p.depth++
	p.write(v)
	p.depth--
}

func (p *printer) writeMap(m mapLike) {
	b := p.b
	b.WriteByte('{')
	first := true
	m.Range(func(k, v Value) bool {
		if !first {
			if p.mode == modePr {
				b.WriteString(", ")
			} else {
				b.WriteByte(' ')
			}
		}
		first = false
		p.nested(k)
		b.WriteByte(' ')
		p.nested(v)
		return true
	})
	b.WriteByte('}')
}

func (p *printer) writeSet(s setLike) {
	b := p.b
	b.WriteString("#{")
	first := true
	s.Range(func(e Value) bool {
		if !first {
			b.WriteByte(' ')
		}
		first = false
		p.nested(e)
		return true
	})
	b.WriteByte('}')
}

func (p *printer) isFirstLineForm(l *List) bool {
	if l.count < 3 || l.count%2 != 1 || l.first != Value(symFirstLine) {
		return false
	}
	for n := l.next(); n != nil; n = n.next().next() {
		switch n.first.(type) {
		case nil, int64:
		default:
			return false
		}
		if _, ok := n.next().first.(*Vector); !ok {
			return false
		}
	}
	return true
}

func (p *printer) writeFirstLine(l *List) {
	b := p.b
	b.WriteString("(first-line")
	for n := l.next(); n != nil; n = n.next().next() {
		b.WriteByte(' ')
		p.write(n.first)
		rows := n.next().first.(*Vector)
		if rows.Count() == 0 {
			b.WriteString(" []")
			continue
		}
		b.WriteString(" [\n")
		start, numbered := n.first.(int64)
		rp := printer{b: b, mode: modePr, depth: p.depth + 1, poll: p.poll, max: p.max, over: p.over, n: p.n}
		rows.Range(func(i int, row Value) bool {
			b.WriteByte(' ')
			rp.nested(row)
			if numbered {
				b.WriteString(" ; ")
				b.Write(strconv.AppendInt(p.buf[:0], start+int64(i), 10))
			}
			b.WriteByte('\n')
			return true
		})
		p.over, p.n = rp.over, rp.n
		b.WriteByte(']')
	}
	b.WriteByte(')')
}

// Errors of PrefixOpen (the reopen shape checks of §5.4).
var (
	ErrNotQuine     = errors.New("reopen expects a quine form")
	ErrBadQuineTail = errors.New("reopen expects quine tail of the form (eval (do ...))")
)

var (
	symQuine = Sym("quine")
	symEval  = Sym("eval")
	symDo    = Sym("do")
)

// QuineParts checks the canonical wrapper shape `(quine NAME INERT… (eval (do BODY…)))`
// and returns its name, inert arguments and body forms.
func QuineParts(form Value) (name Value, inert []Value, body *List, err error) {
	l, ok := form.(*List)
	if !ok || l.count < 3 || l.first != Value(symQuine) {
		return nil, nil, nil, ErrNotQuine
	}
	items := l.Slice()
	tail, ok := items[len(items)-1].(*List)
	if !ok || tail.count != 2 || tail.first != Value(symEval) {
		return nil, nil, nil, ErrBadQuineTail
	}
	do, ok := tail.next().first.(*List)
	if !ok || do.count < 1 || do.first != Value(symDo) {
		return nil, nil, nil, ErrBadQuineTail
	}
	return items[1], items[2 : len(items)-1], do.Rest(), nil
}

// PrefixOpen returns the open prefix of a canonical quine form (§3.3):
// `(quine NAME ` + each inert argument in readable form and a space +
// `(eval (do ` + the body forms in prefix form joined by spaces + one space.
func PrefixOpen(quineForm Value) (string, error) {
	name, inert, body, err := QuineParts(quineForm)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("(quine ")
	WritePrefix(&b, name)
	b.WriteByte(' ')
	for _, a := range inert {
		WritePr(&b, a)
		b.WriteByte(' ')
	}
	b.WriteString("(eval (do ")
	for n := body; n != nil && n.count > 0; n = n.next() {
		if n != body {
			b.WriteByte(' ')
		}
		WritePrefix(&b, n.first)
	}
	b.WriteByte(' ')
	return b.String(), nil
}
