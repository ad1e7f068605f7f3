package eval

// Strings and regular expressions (language.md §9.4) and parse-boolean
// (§9.11): str, cat, pr-str, subs, re-find, re-matches, re-seq, format.

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/value"
)

// registerStrings is part of loadBuiltins.
func registerStrings() {
	register("str", scStr)
	register("cat", scStr)
	register("pr-str", func(c *Call, args []value.Value) (value.Value, error) {
		var b strings.Builder
		for i, a := range args {
			if i > 0 {
				b.WriteByte(' ')
			}
			if !c.writePr(&b, a) {
				if err := c.In.ctxError(); err != nil {
					return nil, err
				}
			}
			if err := c.CheckBytes(b.Len()); err != nil {
				return nil, err
			}
		}
		return b.String(), nil
	})
	register("subs", func(c *Call, args []value.Value) (value.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return nil, Errorf("subs expects a string, got %s: %s", value.TypeName(args[0]), shown(args[0]))
		}
		start, err := scIndexArg(args[1])
		if err != nil {
			return nil, err
		}
		n := value.StrCount(s)
		end := n
		if len(args) == 3 {
			if end, err = scIndexArg(args[2]); err != nil {
				return nil, err
			}
		}
		if start < 0 || end > n || start > end {
			return nil, Errorf("String index out of range: begin %d, end %d, length %d", start, end, n)
		}
		sub, _ := value.StrSub(s, start, end)
		return sub, nil
	})
	register("re-find", func(c *Call, args []value.Value) (value.Value, error) {
		re, s, err := scRegexArgs(args, false)
		if err != nil {
			return nil, err
		}
		return scGroups(re, s, re.FindStringSubmatchIndex(s)), nil
	})
	register("re-matches", func(c *Call, args []value.Value) (value.Value, error) {
		re, s, err := scRegexArgs(args, true)
		if err != nil {
			return nil, err
		}
		return scGroups(re, s, re.FindStringSubmatchIndex(s)), nil
	})
	register("re-seq", func(c *Call, args []value.Value) (value.Value, error) {
		re, s, err := scRegexArgs(args, false)
		if err != nil {
			return nil, err
		}
		all := re.FindAllStringSubmatchIndex(s, -1)
		if err := c.CheckCount(len(all)); err != nil {
			return nil, err
		}
		out := make([]value.Value, len(all))
		for i, loc := range all {
			out[i] = scGroups(re, s, loc)
		}
		return value.NewVector(out), nil
	})
	register("format", func(c *Call, args []value.Value) (value.Value, error) {
		f, ok := args[0].(string)
		if !ok {
			return nil, Errorf("format expects a format string, got %s: %s", value.TypeName(args[0]), shown(args[0]))
		}
		return scFormat(c, f, args[1:])
	})
	register("parse-boolean", func(c *Call, args []value.Value) (value.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return nil, Errorf("Expected string, got %s: %s", value.TypeName(args[0]), shown(args[0]))
		}
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, nil
	})
}

// scStr is str / cat (§3.2).
func scStr(c *Call, args []value.Value) (value.Value, error) {
	switch len(args) {
	case 0:
		return "", nil
	case 1:
		if s, ok := args[0].(string); ok {
			return s, nil
		}
	}
	var b strings.Builder
	for _, a := range args {
		if s, ok := a.(string); ok {
			if err := c.CheckBytes(b.Len() + len(s)); err != nil {
				return nil, err
			}
			b.WriteString(s)
			continue
		}
		if !c.writeStr(&b, a) {
			if err := c.In.ctxError(); err != nil {
				return nil, err
			}
		}
		if err := c.CheckBytes(b.Len()); err != nil {
			return nil, err
		}
	}
	return b.String(), nil
}

// scIndexArg reads an index argument (any number, truncated).
func scIndexArg(v value.Value) (int, error) {
	if _, ok := v.(value.Char); ok || !value.IsNumber(v) {
		return 0, Errorf("expected an integer index, got %s: %s", value.TypeName(v), shown(v))
	}
	n, err := scToLong(v)
	if err != nil {
		return 0, err
	}
	x := n.(int64)
	if x > math.MaxInt32 {
		x = math.MaxInt32
	} else if x < math.MinInt32 {
		x = math.MinInt32
	}
	return int(x), nil
}

// scRegexCache holds compiled string patterns (plain and anchored).
var scRegexCache sync.Map // string → *regexp.Regexp

const scRegexCacheMax = 4096

var scRegexCacheSize int64
var scRegexCacheMu sync.Mutex

func scCompileCached(key, pattern string, anchored bool) (*regexp.Regexp, error) {
	if re, ok := scRegexCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	r, err := value.CompileRegex(pattern)
	if err != nil {
		return nil, err
	}
	re := r.Re
	if anchored {
		if re, err = regexp.Compile(`\A(?:` + pattern + `)\z`); err != nil {
			return nil, err
		}
	}
	scRegexCacheMu.Lock()
	if scRegexCacheSize < scRegexCacheMax {
		scRegexCacheSize++
		scRegexCache.Store(key, re)
	}
	scRegexCacheMu.Unlock()
	return re, nil
}

// scRegex returns the compiled form of a regex or string pattern;
// anchored wraps it so it must match the whole input (re-matches).
func scRegex(p value.Value, anchored bool) (*regexp.Regexp, error) {
	var pattern string
	switch x := p.(type) {
	case *value.Regex:
		if !anchored {
			return x.Re, nil
		}
		pattern = x.Pattern
	case string:
		pattern = x
	default:
		return nil, Errorf("expected a regex or a string pattern, got %s: %s", value.TypeName(p), shown(p))
	}
	key := pattern
	if anchored {
		key = "\x00A" + pattern
	} else {
		key = "\x00F" + pattern
	}
	return scCompileCached(key, pattern, anchored)
}

func scRegexArgs(args []value.Value, anchored bool) (*regexp.Regexp, string, error) {
	re, err := scRegex(args[0], anchored)
	if err != nil {
		return nil, "", err
	}
	s, ok := args[1].(string)
	if !ok {
		return nil, "", Errorf("expected a string to match, got %s: %s", value.TypeName(args[1]), shown(args[1]))
	}
	return re, s, nil
}

// scGroups is re-groups: nil for no match, the match text without groups,
// else [whole g1 …] with nil for groups that did not participate.
func scGroups(re *regexp.Regexp, s string, loc []int) value.Value {
	if loc == nil {
		return nil
	}
	if re.NumSubexp() == 0 {
		return s[loc[0]:loc[1]]
	}
	out := make([]value.Value, len(loc)/2)
	for i := range out {
		if loc[2*i] < 0 {
			out[i] = nil
		} else {
			out[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return value.NewVector(out)
}

// ------------------------------------------------------------------ format

// scFmtSpec is one parsed Java format specifier.
type scFmtSpec struct {
	text      string // the specifier as written, for messages
	argIndex  int    // explicit 1-based index, -1 for `<`, 0 for ordinary
	flags     string
	width     int // -1 when absent
	precision int // -1 when absent
	conv      byte
}

func (s *scFmtSpec) has(flag byte) bool { return strings.IndexByte(s.flags, flag) >= 0 }

// scFormat implements the Java String.format subset of §9.4.
func scFormat(c *Call, f string, args []value.Value) (value.Value, error) {
	var b strings.Builder
	ordinary := 0 // next ordinary argument
	last := -1    // index of the last argument used (for %<s)
	for i := 0; i < len(f); {
		j := strings.IndexByte(f[i:], '%')
		if j < 0 {
			b.WriteString(f[i:])
			break
		}
		b.WriteString(f[i : i+j])
		i += j
		spec, n, err := scParseSpec(f[i:])
		if err != nil {
			return nil, err
		}
		i += n
		var out string
		switch spec.conv {
		case '%':
			if spec.precision >= 0 {
				return nil, Errorf("precision not allowed in %s", spec.text)
			}
			out = scPad(spec, "", "%", false)
		case 'n':
			out = "\n"
		default:
			var idx int
			switch {
			case spec.argIndex > 0:
				idx = spec.argIndex - 1
			case spec.argIndex < 0:
				idx = last
			default:
				idx = ordinary
				ordinary++
			}
			if idx < 0 || idx >= len(args) {
				return nil, Errorf("missing argument for format specifier '%s'", spec.text)
			}
			last = idx
			if spec.width > 0 {
				if err := c.CheckBytes(b.Len() + spec.width); err != nil {
					return nil, err
				}
			}
			out, err = scFormatOne(spec, args[idx])
			if err != nil {
				return nil, err
			}
		}
		if err := c.CheckBytes(b.Len() + len(out)); err != nil {
			return nil, err
		}
		b.WriteString(out)
	}
	return b.String(), nil
}

// scParseSpec parses `%[index$][flags][width][.precision]conv` at the start
// of s and returns the specifier and its length in bytes.
func scParseSpec(s string) (*scFmtSpec, int, error) {
	sp := &scFmtSpec{width: -1, precision: -1}
	i := 1
	// argument index: digits followed by '$', or '<'
	if i < len(s) && s[i] == '<' {
		sp.argIndex = -1
		i++
	} else {
		k := i
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > i && k < len(s) && s[k] == '$' {
			n, _ := strconv.Atoi(s[i:k])
			if n == 0 {
				return nil, 0, Errorf("illegal argument index in %s", s[:k+1])
			}
			sp.argIndex = n
			i = k + 1
		}
	}
	fs := i
	for i < len(s) && strings.IndexByte("-#+ 0,(", s[i]) >= 0 {
		i++
	}
	sp.flags = s[fs:i]
	k := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > k {
		w, err := strconv.Atoi(s[k:i])
		if err != nil || w > 1<<30 {
			return nil, 0, Errorf("width too large in %s", s[:i])
		}
		sp.width = w
	}
	if i < len(s) && s[i] == '.' {
		i++
		k = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == k {
			return nil, 0, Errorf("missing precision in %s", s[:i])
		}
		p, err := strconv.Atoi(s[k:i])
		if err != nil || p > 1<<20 {
			return nil, 0, Errorf("precision too large in %s", s[:i])
		}
		sp.precision = p
	}
	if i >= len(s) {
		return nil, 0, Errorf("incomplete format specifier '%s'", s)
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if !strings.ContainsRune("sSbBcCdoxXeEfn%", r) {
		return nil, 0, Errorf("unknown conversion '%c' in %s", r, s[:i+size])
	}
	sp.conv = s[i]
	sp.text = s[:i+1]
	if (sp.has('-') || sp.has('0')) && sp.width < 0 {
		return nil, 0, Errorf("%s needs a width with the - or 0 flag", sp.text)
	}
	if sp.has('-') && sp.has('0') {
		return nil, 0, Errorf("%s combines the - and 0 flags", sp.text)
	}
	return sp, i + 1, nil
}

// scPad applies width (and the - flag); zeros pads with 0 after sign.
func scPad(sp *scFmtSpec, sign, body string, zeros bool) string {
	n := utf8.RuneCountInString(sign) + utf8.RuneCountInString(body)
	if sp.width <= n {
		return sign + body
	}
	pad := sp.width - n
	switch {
	case sp.has('-'):
		return sign + body + strings.Repeat(" ", pad)
	case zeros && sp.has('0'):
		return sign + strings.Repeat("0", pad) + body
	}
	return strings.Repeat(" ", pad) + sign + body
}

func scUpper(sp *scFmtSpec, s string) string {
	if sp.conv >= 'A' && sp.conv <= 'Z' {
		return strings.ToUpper(s)
	}
	return s
}

func scFmtMismatch(sp *scFmtSpec, v value.Value) error {
	return Errorf("%s cannot format %s %s", sp.text, scKindName(v), shown(v))
}

func scFormatOne(sp *scFmtSpec, v value.Value) (string, error) {
	switch sp.conv {
	case 's', 'S':
		if sp.has('0') || sp.has(',') || sp.has('+') || sp.has(' ') || sp.has('(') {
			return "", Errorf("flags %q not allowed in %s", sp.flags, sp.text)
		}
		s := "null"
		if v != nil {
			s = value.Str(v)
		}
		if sp.precision >= 0 {
			if cut, ok := value.StrSub(s, 0, min(sp.precision, value.StrCount(s))); ok {
				s = cut
			}
		}
		return scPad(sp, "", scUpper(sp, s), false), nil
	case 'b', 'B':
		s := "true"
		switch x := v.(type) {
		case nil:
			s = "false"
		case bool:
			s = strconv.FormatBool(x)
		}
		if sp.precision >= 0 && sp.precision < len(s) {
			s = s[:sp.precision]
		}
		return scPad(sp, "", scUpper(sp, s), false), nil
	case 'c', 'C':
		var r rune
		switch x := v.(type) {
		case nil:
			return scPad(sp, "", scUpper(sp, "null"), false), nil
		case value.Char:
			r = rune(x)
		case int64:
			if x < 0 || x > utf8.MaxRune {
				return "", Errorf("illegal code point %d in %s", x, sp.text)
			}
			r = rune(x)
		default:
			return "", scFmtMismatch(sp, v)
		}
		if sp.precision >= 0 {
			return "", Errorf("precision not allowed in %s", sp.text)
		}
		return scPad(sp, "", scUpper(sp, string(r)), false), nil
	case 'd', 'o', 'x', 'X':
		if v == nil {
			return scPad(sp, "", "null", false), nil
		}
		if sp.precision >= 0 {
			return "", Errorf("precision not allowed in %s", sp.text)
		}
		return scFormatInt(sp, v)
	case 'e', 'E', 'f':
		if v == nil {
			return scPad(sp, "", "null", false), nil
		}
		return scFormatFloat(sp, v)
	}
	return "", Errorf("unknown conversion in %s", sp.text)
}

func scGroup(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// scSigned applies the sign flags (+, space, parentheses) and padding to a
// magnitude.
func scSigned(sp *scFmtSpec, neg bool, mag string) string {
	sign := ""
	switch {
	case neg && sp.has('('):
		return scPad(sp, "(", mag+")", true)
	case neg:
		sign = "-"
	case sp.has('+'):
		sign = "+"
	case sp.has(' '):
		sign = " "
	}
	return scPad(sp, sign, mag, true)
}

func scFormatInt(sp *scFmtSpec, v value.Value) (string, error) {
	var b *big.Int
	switch x := v.(type) {
	case int64:
		if sp.conv != 'd' && x < 0 {
			// Java prints negative longs in two's complement for %o and %x.
			u := uint64(x)
			var s string
			if sp.conv == 'o' {
				s = strconv.FormatUint(u, 8)
			} else {
				s = strconv.FormatUint(u, 16)
			}
			return scRadixOut(sp, false, s)
		}
		b = big.NewInt(x)
	case *big.Int:
		b = x
	default:
		return "", scFmtMismatch(sp, v)
	}
	neg := b.Sign() < 0
	mag := new(big.Int).Abs(b)
	switch sp.conv {
	case 'd':
		if sp.has('#') {
			return "", Errorf("flag # not allowed in %s", sp.text)
		}
		s := mag.String()
		if sp.has(',') {
			s = scGroup(s)
		}
		return scSigned(sp, neg, s), nil
	case 'o':
		return scRadixOut(sp, neg, mag.Text(8))
	}
	return scRadixOut(sp, neg, mag.Text(16))
}

func scRadixOut(sp *scFmtSpec, neg bool, s string) (string, error) {
	if sp.has(',') {
		return "", Errorf("flag , not allowed in %s", sp.text)
	}
	if sp.has('#') {
		if sp.conv == 'o' {
			s = "0" + s
		} else {
			s = "0x" + s
		}
	}
	return scUpper(sp, scSigned(sp, neg, s)), nil
}

// scDecimalOf returns |v| as exact decimal digits (unscaled, scale) and
// its sign; doubles use their shortest round-trip digits, as Java's
// Formatter does. ok is false for NaN and infinities (special is then
// the text to print).
func scDecimalOf(sp *scFmtSpec, v value.Value) (unscaled *big.Int, scale int, neg bool, special string, err error) {
	switch x := v.(type) {
	case float64, float32:
		f, _ := value.ToFloat64(x)
		bits := 64
		if _, is32 := x.(float32); is32 {
			bits = 32
		}
		switch {
		case f != f:
			return nil, 0, false, "NaN", nil
		case math.IsInf(f, 1):
			return nil, 0, false, "Infinity", nil
		case math.IsInf(f, -1):
			return nil, 0, true, "Infinity", nil
		}
		neg = math.Signbit(f)
		s := strconv.FormatFloat(math.Abs(f), 'e', -1, bits) // d.ddde±x
		mant, exp, _ := strings.Cut(s, "e")
		e, _ := strconv.Atoi(exp)
		digits := strings.Replace(mant, ".", "", 1)
		u, _ := new(big.Int).SetString(digits, 10)
		return u, len(digits) - 1 - e, neg, "", nil
	case value.BigDec:
		return new(big.Int).Abs(x.Unscaled), int(x.Scale), x.Unscaled.Sign() < 0, "", nil
	}
	return nil, 0, false, "", scFmtMismatch(sp, v)
}

var scTen = big.NewInt(10)

// scRoundTo rounds unscaled×10^-scale to newScale digits, half up; a
// result beyond the number size limit (%f of 1E100000000M) is refused.
func scRoundTo(u *big.Int, scale, newScale int) (*big.Int, error) {
	if newScale >= scale {
		n := int64(newScale) - int64(scale)
		if err := value.CheckScaled("decimal", u, n); err != nil {
			return nil, err
		}
		p := new(big.Int).Exp(scTen, big.NewInt(n), nil)
		return new(big.Int).Mul(u, p), nil
	}
	if bits := int64(u.BitLen()); 3*(int64(scale)-int64(newScale)) > bits+3 {
		return new(big.Int), nil // |u| < 10^(scale-newScale)/2: rounds to 0
	}
	d := new(big.Int).Exp(scTen, big.NewInt(int64(scale-newScale)), nil)
	q, r := new(big.Int).QuoRem(u, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q, nil
}

func scFormatFloat(sp *scFmtSpec, v value.Value) (string, error) {
	u, scale, neg, special, err := scDecimalOf(sp, v)
	if err != nil {
		return "", err
	}
	if special != "" {
		if special == "NaN" {
			return scPad(sp, "", scUpper(sp, "NaN"), false), nil
		}
		sign := ""
		switch {
		case neg && sp.has('('):
			return scPad(sp, "(", "Infinity)", false), nil
		case neg:
			sign = "-"
		case sp.has('+'):
			sign = "+"
		case sp.has(' '):
			sign = " "
		}
		return scPad(sp, sign, scUpper(sp, "Infinity"), false), nil
	}
	prec := sp.precision
	if prec < 0 {
		prec = 6
	}
	switch sp.conv {
	case 'f':
		q, err := scRoundTo(u, scale, prec)
		if err != nil {
			return "", err
		}
		s := q.String()
		if len(s) <= prec {
			s = strings.Repeat("0", prec-len(s)+1) + s
		}
		ip, fp := s[:len(s)-prec], s[len(s)-prec:]
		if sp.has(',') {
			ip = scGroup(ip)
		}
		body := ip
		if prec > 0 || sp.has('#') {
			body += "." + fp
		}
		return scSigned(sp, neg, body), nil
	default: // e, E
		if sp.has(',') {
			return "", Errorf("flag , not allowed in %s", sp.text)
		}
		exp := 0
		var q *big.Int
		if u.Sign() == 0 {
			q = new(big.Int)
		} else {
			exp = len(u.String()) - 1 - scale
			q, err = scRoundTo(u, scale, prec-exp)
			if err != nil {
				return "", err
			}
			if len(q.String()) > prec+1 { // rounding carried into a new digit
				exp++
				q.Quo(q, scTen)
			}
		}
		s := q.String()
		if len(s) < prec+1 {
			s = strings.Repeat("0", prec+1-len(s)) + s
		}
		body := s[:1]
		if prec > 0 || sp.has('#') {
			body += "." + s[1:]
		}
		es := strconv.Itoa(scAbsInt(exp))
		if len(es) < 2 {
			es = "0" + es
		}
		if exp < 0 {
			body += "e-" + es
		} else {
			body += "e+" + es
		}
		return scUpper(sp, scSigned(sp, neg, body)), nil
	}
}

func scAbsInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// scKindName names the kind of a value for messages, numbers by category.
func scKindName(v value.Value) string {
	switch v.(type) {
	case int64:
		return "long"
	case float64:
		return "double"
	case float32:
		return "float"
	case *big.Int:
		return "bigint"
	case *big.Rat:
		return "ratio"
	case value.BigDec:
		return "bigdec"
	}
	return value.TypeName(v)
}
