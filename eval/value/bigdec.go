package value

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
)

// BigDec is a Spell bigdecimal: Unscaled × 10^-Scale, with Java BigDecimal
// semantics (scale is significant for printing, not for equality).
// Unscaled must never be nil or mutated.
type BigDec struct {
	Unscaled *big.Int
	Scale    int32
}

// ErrNonTerminating is the error of an inexact bigdecimal division.
var ErrNonTerminating = errors.New("Non-terminating decimal expansion; no exact representable decimal result.")

var (
	bigOne  = big.NewInt(1)
	bigTwo  = big.NewInt(2)
	bigFive = big.NewInt(5)
	bigTen  = big.NewInt(10)
	// pow10s are the powers of ten below 10^40, computed on first use
	// (not at package initialisation: every process paid for them;
	// issue 11, start-up).
	pow10s = sync.OnceValue(func() *[40]*big.Int {
		var t [40]*big.Int
		p := big.NewInt(1)
		for i := range t {
			t[i] = new(big.Int).Set(p)
			p.Mul(p, bigTen)
		}
		return &t
	})
)

// pow10 returns 10^n (n ≥ 0). The result must not be mutated.
func pow10(n int64) *big.Int {
	if t := pow10s(); n < int64(len(t)) {
		return t[n]
	}
	return new(big.Int).Exp(bigTen, big.NewInt(n), nil)
}

// NewBigDec builds a BigDec from an int64 unscaled value and a scale.
func NewBigDec(unscaled int64, scale int32) BigDec {
	return BigDec{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// decAlign returns the unscaled values of a and b at the common (max) scale.
func decAlign(a, b BigDec) (*big.Int, *big.Int, int32) {
	switch {
	case a.Scale == b.Scale:
		return a.Unscaled, b.Unscaled, a.Scale
	case a.Scale > b.Scale:
		bu := new(big.Int).Mul(b.Unscaled, pow10(int64(a.Scale)-int64(b.Scale)))
		return a.Unscaled, bu, a.Scale
	default:
		au := new(big.Int).Mul(a.Unscaled, pow10(int64(b.Scale)-int64(a.Scale)))
		return au, b.Unscaled, b.Scale
	}
}

func decAdd(a, b BigDec) BigDec {
	x, y, s := decAlign(a, b)
	return BigDec{new(big.Int).Add(x, y), s}
}

func decSub(a, b BigDec) BigDec {
	x, y, s := decAlign(a, b)
	return BigDec{new(big.Int).Sub(x, y), s}
}

// decMul multiplies exactly; a product whose scale leaves int32 is an
// error, as in Java's BigDecimal, never a silently wrapped scale.
func decMul(a, b BigDec) (BigDec, error) {
	s, err := checkScale(int64(a.Scale) + int64(b.Scale))
	if err != nil {
		return BigDec{}, err
	}
	return BigDec{new(big.Int).Mul(a.Unscaled, b.Unscaled), s}, nil
}

// checkScale is s as a decimal's scale, or Java's Underflow (too many
// fraction digits) / Overflow (too large an exponent) when s leaves int32.
func checkScale(s int64) (int32, error) {
	switch {
	case s > 1<<31-1:
		return 0, ErrDecUnderflow
	case s < -(1 << 31):
		return 0, ErrDecOverflow
	}
	return int32(s), nil
}

func decCmp(a, b BigDec) int {
	sa := a.Unscaled.Sign()
	if sa != b.Unscaled.Sign() {
		return cmp.Compare(sa, b.Unscaled.Sign())
	}
	if sa == 0 {
		return 0
	}
	// When the scales are far apart the order follows from the sizes alone
	// (aligning 1E100000000M with 1M would build a 10^8-digit number):
	// |u| < 2^bits ≤ 8^d < 10^d ≤ |v|×10^d once 3d ≥ bits.
	d := int64(a.Scale) - int64(b.Scale)
	switch {
	case d > 0 && 3*d >= bitLen(a.Unscaled):
		return -sa // |a| < |b|
	case d < 0 && -3*d >= bitLen(b.Unscaled):
		return sa // |a| > |b|
	}
	x, y, _ := decAlign(a, b)
	return x.Cmp(y)
}

// scaledBits is the bit length of |u|×10^n (n ≥ 0), exact for u = ±1 and
// an upper bound otherwise.
func scaledBits(u *big.Int, n int64) int64 {
	return bitLen(u) + int64(float64(n)*math.Log2(10))
}

// checkScaled fails with a LimitError (what: "integer", "ratio" or
// "decimal") when |u|×10^n (n ≥ 0) would exceed MaxIntBits: the cost of
// every conversion that applies a decimal's scale grows with it, and
// 1E100000000M has a 10^8-digit integer value.
func checkScaled(what string, u *big.Int, n int64) error {
	if n <= 0 {
		return nil
	}
	if bits := scaledBits(u, n); bits > MaxIntBits {
		return &LimitError{What: what, Bits: bits}
	}
	return nil
}

// CheckScaled is checkScaled for the builtins (format's %f rounding).
func CheckScaled(what string, u *big.Int, n int64) error { return checkScaled(what, u, n) }

// DecTrunc returns the integer part of d (truncated toward zero), or a
// LimitError when that integer exceeds MaxIntBits.
func DecTrunc(d BigDec) (*big.Int, error) {
	s := int64(d.Scale)
	switch {
	case d.Unscaled.Sign() == 0 || s == 0:
		return d.Unscaled, nil
	case s < 0:
		if err := checkScaled("integer", d.Unscaled, -s); err != nil {
			return nil, err
		}
		return new(big.Int).Mul(d.Unscaled, pow10(-s)), nil
	case 3*s >= bitLen(d.Unscaled): // |u| < 10^s
		return new(big.Int), nil
	}
	return new(big.Int).Quo(d.Unscaled, pow10(s)), nil
}

// decStrip removes trailing zeros from the unscaled value (any resulting
// scale); zero becomes 0 with scale 0. Used for hashing.
func decStrip(a BigDec) BigDec {
	if a.Unscaled.Sign() == 0 {
		return BigDec{new(big.Int), 0}
	}
	u, n := removeFactor(a.Unscaled, bigTen, -1)
	return BigDec{u, clampScale(int64(a.Scale) - n)}
}

// stripTo removes trailing zeros while the scale is above min.
func stripTo(u *big.Int, scale, min int64) (*big.Int, int64) {
	if u.Sign() == 0 || scale <= min {
		return u, scale
	}
	u, n := removeFactor(u, bigTen, scale-min)
	return u, scale - n
}

// removeFactor divides u by f (2, 5 or 10) as often as it divides, at most
// limit times when limit ≥ 0, and returns the quotient and the count. It
// divides by f^(2^j) from the largest power down, so the cost is a few
// divisions, not one per factor (stripping one at a time was quadratic: a
// 300,000-digit power of ten took many seconds to hash).
func removeFactor(u, f *big.Int, limit int64) (*big.Int, int64) {
	if u.Sign() == 0 {
		return u, 0
	}
	// f ≥ 2 has a factor 2, so it divides u at most TrailingZeroBits times
	maxN := int64(u.TrailingZeroBits())
	if f.Cmp(bigFive) == 0 {
		maxN = bitLen(u) / 2 // 4^n < 5^n ≤ |u|
	}
	if limit >= 0 {
		maxN = min(maxN, limit)
	}
	if maxN == 0 {
		return u, 0
	}
	// powers f^(2^j) up to maxN factors
	pows := []*big.Int{f}
	for k := int64(2); k <= maxN; k *= 2 {
		p := pows[len(pows)-1]
		pows = append(pows, new(big.Int).Mul(p, p))
	}
	var n int64
	q, r := new(big.Int), new(big.Int)
	for j := len(pows) - 1; j >= 0; j-- {
		k := int64(1) << j
		for n+k <= maxN {
			q.QuoRem(u, pows[j], r)
			if r.Sign() != 0 {
				break
			}
			u, q = q, new(big.Int)
			n += k
		}
	}
	return u, n
}

func clampScale(s int64) int32 {
	if s > 1<<31-1 {
		return 1<<31 - 1
	}
	if s < -(1 << 31) {
		return -(1 << 31)
	}
	return int32(s)
}

// decFromFraction returns the exact decimal p/q × 10^-baseScale with the
// smallest scale ≥ preferred, or ErrNonTerminating. q must be > 0.
func decFromFraction(p, q *big.Int, baseScale, preferred int64) (BigDec, error) {
	g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(p), q)
	p = new(big.Int).Quo(p, g)
	q = new(big.Int).Quo(q, g)
	t, twos := removeFactor(q, bigTwo, -1)
	t, fives := removeFactor(t, bigFive, -1)
	if t.Cmp(bigOne) != 0 {
		return BigDec{}, ErrNonTerminating
	}
	k := max(twos, fives)
	u := new(big.Int).Set(p)
	if k > twos {
		u.Mul(u, new(big.Int).Exp(bigTwo, big.NewInt(k-twos), nil))
	}
	if k > fives {
		u.Mul(u, new(big.Int).Exp(bigFive, big.NewInt(k-fives), nil))
	}
	scale := k + baseScale
	u, scale = stripTo(u, scale, preferred)
	sc, err := checkScale(scale)
	if err != nil {
		return BigDec{}, err
	}
	return BigDec{u, sc}, nil
}

// decDiv is Java BigDecimal.divide(BigDecimal): exact or ErrNonTerminating.
func decDiv(a, b BigDec) (BigDec, error) {
	if b.Unscaled.Sign() == 0 {
		return BigDec{}, ErrDivideByZero
	}
	preferred := int64(a.Scale) - int64(b.Scale)
	if a.Unscaled.Sign() == 0 {
		// Java saturates a zero quotient's scale rather than failing.
		return BigDec{new(big.Int), clampScale(preferred)}, nil
	}
	p := new(big.Int).Set(a.Unscaled)
	q := new(big.Int).Set(b.Unscaled)
	if q.Sign() < 0 {
		p.Neg(p)
		q.Neg(q)
	}
	return decFromFraction(p, q, preferred, preferred)
}

// decFromRat converts a ratio exactly (Java Ratio.decimalValue with
// unlimited precision), or fails with ErrNonTerminating.
func decFromRat(r *big.Rat) (BigDec, error) {
	return decFromFraction(new(big.Int).Set(r.Num()), new(big.Int).Set(r.Denom()), 0, 0)
}

// DecToRat returns d as an exact ratio (or integer ratio), or a LimitError
// when its numerator or denominator would exceed MaxIntBits.
func DecToRat(a BigDec) (*big.Rat, error) {
	r := new(big.Rat)
	if a.Unscaled.Sign() == 0 {
		return r, nil
	}
	if a.Scale >= 0 {
		if err := checkScaled("ratio", bigOne, int64(a.Scale)); err != nil {
			return nil, err
		}
		return r.SetFrac(a.Unscaled, pow10(int64(a.Scale))), nil
	}
	if err := checkScaled("integer", a.Unscaled, -int64(a.Scale)); err != nil {
		return nil, err
	}
	return r.SetInt(new(big.Int).Mul(a.Unscaled, pow10(-int64(a.Scale)))), nil
}

func decToFloat64(a BigDec) float64 {
	s := a.Unscaled.String() + "e" + strconv.FormatInt(-int64(a.Scale), 10)
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// String returns Java BigDecimal.toString() of d (without the M suffix).
func (d BigDec) String() string {
	var b strings.Builder
	writeBigDec(&b, d)
	return b.String()
}

func writeBigDec(b *strings.Builder, d BigDec) {
	u := d.Unscaled
	if u == nil {
		u = new(big.Int)
	}
	coeff := u.String()
	neg := false
	if coeff[0] == '-' {
		neg = true
		coeff = coeff[1:]
	}
	if neg {
		b.WriteByte('-')
	}
	scale := int64(d.Scale)
	if scale == 0 {
		b.WriteString(coeff)
		return
	}
	adjusted := -scale + int64(len(coeff)-1)
	if scale > 0 && adjusted >= -6 {
		n := int64(len(coeff))
		if n > scale {
			b.WriteString(coeff[:n-scale])
			b.WriteByte('.')
			b.WriteString(coeff[n-scale:])
		} else {
			b.WriteString("0.")
			for i := n; i < scale; i++ {
				b.WriteByte('0')
			}
			b.WriteString(coeff)
		}
		return
	}
	b.WriteByte(coeff[0])
	if len(coeff) > 1 {
		b.WriteByte('.')
		b.WriteString(coeff[1:])
	}
	if adjusted != 0 {
		b.WriteByte('E')
		if adjusted > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(adjusted, 10))
	}
}

// ParseBigDec parses text with Java `new BigDecimal(String)` syntax
// ("1.50", "-3", "1E-7", "1.23E+10", ".5", "1."). No trailing M.
func ParseBigDec(text string) (BigDec, bool) {
	s := text
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
	}
	var digits strings.Builder
	var scale int64
	seenDot, nd := false, 0
	for i := 0; i < len(mant); i++ {
		c := mant[i]
		switch {
		case c >= '0' && c <= '9':
			digits.WriteByte(c)
			nd++
			if seenDot {
				scale++
			}
		case c == '.' && !seenDot:
			seenDot = true
		default:
			return BigDec{}, false
		}
	}
	if nd == 0 {
		return BigDec{}, false
	}
	if exp != "" {
		e, err := strconv.ParseInt(exp, 10, 32)
		if err != nil {
			return BigDec{}, false
		}
		scale -= e
	}
	if scale > 1<<31-1 || scale < -(1<<31) {
		return BigDec{}, false
	}
	u, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return BigDec{}, false
	}
	if neg {
		u.Neg(u)
	}
	return BigDec{u, int32(scale)}, true
}

// BigDecFromFloat64 converts like Java BigDecimal.valueOf(double) (via the
// Double.toString text). ok is false for NaN/±Inf.
func BigDecFromFloat64(f float64) (BigDec, bool) {
	var b strings.Builder
	if !writeDouble(&b, f) {
		return BigDec{}, false
	}
	return ParseBigDec(b.String())
}
