package value

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"strconv"
)

// Numeric errors (their text is the Spell message).
var (
	ErrDivideByZero = errors.New("Divide by zero")
	ErrLongOverflow = errors.New("long overflow")
	// ErrDecUnderflow and ErrDecOverflow: a decimal's scale left int32
	// (Java's BigDecimal messages).
	ErrDecUnderflow = errors.New("Underflow")
	ErrDecOverflow  = errors.New("Overflow")
)

// MaxIntBits bounds the size of every integer, ratio and decimal that an
// arithmetic operation builds: 2^20 bits (128 KiB, about 315,000 decimal
// digits). It is the output limit of language.md §12.3 applied to numbers
// and is checked before the operation, so a squaring loop fails at once
// instead of computing for minutes: at the limit one multiplication takes
// milliseconds and printing the number in decimal well under a second.
const MaxIntBits = 1 << 20

// LimitError is an arithmetic result that would exceed MaxIntBits; the
// evaluator reports it as the (uncatchable) output limit.
type LimitError struct {
	What string // "integer", "ratio" or "decimal"
	Bits int64  // estimated size of the result
}

func (e *LimitError) Error() string {
	return "Output limit exceeded: " + e.What + " of about " + strconv.FormatInt(e.Bits, 10) +
		" bits (limit " + strconv.Itoa(MaxIntBits) + ")"
}

func bitLen(x *big.Int) int64 { return int64(x.BitLen()) }

// CheckDigits fails when a decimal string of n digits would parse to a
// number beyond MaxIntBits (parsing one takes time quadratic in its
// length: ten million digits would take many minutes).
func CheckDigits(n int) error {
	if bits := int64(float64(n) * math.Log2(10)); bits > MaxIntBits {
		return &LimitError{What: "integer", Bits: bits}
	}
	return nil
}

// resultBits estimates the size of op applied to two magnitudes of xb and
// yb bits (an upper bound).
func resultBits(op arithOp, xb, yb int64) int64 {
	if op == opMul {
		return xb + yb
	}
	return max(xb, yb) + 1
}

// checkBits fails when an operation on the operands of category c would
// build a number larger than MaxIntBits.
func checkBits(c int, op arithOp, a, b Value) error {
	var bits int64
	var what string
	switch c {
	case catBig:
		what = "integer"
		bits = resultBits(op, bitLen(toBig(a)), bitLen(toBig(b)))
	case catRatio:
		what = "ratio"
		x, y := toRat(a), toRat(b)
		// numerator and denominator of a sum, difference, product or
		// quotient are bounded by the sum of the operands' parts
		bits = bitLen(x.Num()) + bitLen(x.Denom()) + bitLen(y.Num()) + bitLen(y.Denom())
	case catDec:
		what = "decimal"
		x, err := toDec(a)
		if err != nil {
			return nil
		}
		y, err := toDec(b)
		if err != nil {
			return nil
		}
		xb, yb := bitLen(x.Unscaled), bitLen(y.Unscaled)
		if op != opMul {
			// aligning the scales multiplies by a power of ten (< 4 bits a digit)
			d := int64(x.Scale) - int64(y.Scale)
			if d > 0 {
				yb += 4 * d
			} else {
				xb -= 4 * d
			}
		}
		bits = resultBits(op, xb, yb)
	default:
		return nil
	}
	if bits > MaxIntBits {
		return &LimitError{What: what, Bits: bits}
	}
	return nil
}

// numeric categories in contagion order
const (
	catNone = iota
	catLong
	catBig
	catRatio
	catDec
	catDouble
)

func numCat(v Value) int {
	switch v.(type) {
	case int64:
		return catLong
	case float64, float32:
		return catDouble
	case *big.Int:
		return catBig
	case *big.Rat:
		return catRatio
	case BigDec:
		return catDec
	}
	return catNone
}

// NotNumberError is returned when an arithmetic operand is not a number.
func notNumber(v Value) error {
	return errors.New("Cannot cast " + TypeName(v) + " to number: " + PrStrMax(v, MessageValueMax))
}

// IsNumber reports whether v is a Spell number.
func IsNumber(v Value) bool { return numCat(v) != catNone }

// IsInteger reports whether v is a long or bigint.
func IsInteger(v Value) bool {
	switch v.(type) {
	case int64, *big.Int:
		return true
	}
	return false
}

// IsNaN reports whether v is a floating NaN.
func IsNaN(v Value) bool {
	switch x := v.(type) {
	case float64:
		return x != x
	case float32:
		return x != x
	}
	return false
}

func toBig(v Value) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return x
	}
	return nil
}

func toRat(v Value) *big.Rat {
	switch x := v.(type) {
	case int64:
		return new(big.Rat).SetInt64(x)
	case *big.Int:
		return new(big.Rat).SetInt(x)
	case *big.Rat:
		return x
	}
	return nil
}

func toDec(v Value) (BigDec, error) {
	switch x := v.(type) {
	case int64:
		return BigDec{big.NewInt(x), 0}, nil
	case *big.Int:
		return BigDec{x, 0}, nil
	case *big.Rat:
		return decFromRat(x)
	case BigDec:
		return x, nil
	}
	return BigDec{}, notNumber(v)
}

// ToFloat64 converts any number to a double (ratios per §2.2: 16 significant
// digits half-even, then the nearest double).
func ToFloat64(v Value) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case *big.Rat:
		return ratToFloat64(x), true
	case BigDec:
		return decToFloat64(x), true
	}
	return 0, false
}

// ToInt64 returns v as an int64 when v is an integer (long, or a bigint in range).
func ToInt64(v Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), true
		}
	}
	return 0, false
}

// TruncToInt64 converts any number to a long by truncation toward zero
// (`long`, `int`); out-of-range values fail.
func TruncToInt64(v Value) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case float64, float32:
		f, _ := ToFloat64(x)
		if f != f || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
			return 0, errors.New("Value out of range for long: " + PrStrMax(v, MessageValueMax))
		}
		return int64(f), nil
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
	case *big.Rat:
		q := new(big.Int).Quo(x.Num(), x.Denom())
		if q.IsInt64() {
			return q.Int64(), nil
		}
	case BigDec:
		// beyond 10^20 it is out of range whatever the digits (and
		// DecTrunc would refuse 1E100000000M as too large)
		if x.Unscaled.Sign() == 0 || int64(x.Scale) >= -20 {
			q, err := DecTrunc(x)
			if err != nil {
				return 0, err
			}
			if q.IsInt64() {
				return q.Int64(), nil
			}
		}
	default:
		return 0, notNumber(v)
	}
	return 0, errors.New("Value out of range for long: " + PrStrMax(v, MessageValueMax))
}

// ratToFloat64 implements Ratio.doubleValue: decimal division rounded to 16
// significant digits (half-even), then parsed as the nearest double.
func ratToFloat64(r *big.Rat) float64 {
	if r.Sign() == 0 {
		return 0
	}
	n := new(big.Int).Abs(r.Num())
	d := r.Denom()
	lo, hi := pow10(15), pow10(16)
	k := 15 - int64(float64(n.BitLen()-d.BitLen())*0.30102999566398120)
	q, rem := new(big.Int), new(big.Int)
	t := new(big.Int)
	for range 8 {
		if k >= 0 {
			t.Mul(n, pow10(k))
			q.QuoRem(t, d, rem)
		} else {
			t.Mul(d, pow10(-k))
			q.QuoRem(n, t, rem)
		}
		if q.Cmp(hi) >= 0 {
			k--
			continue
		}
		if q.Cmp(lo) < 0 {
			k++
			continue
		}
		break
	}
	// rem is relative to divisor dd (d or d*10^-k)
	dd := d
	if k < 0 {
		dd = t
	}
	rem.Lsh(rem, 1)
	c := rem.Cmp(dd)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, bigOne)
	}
	s := q.String() + "e" + strconv.FormatInt(-k, 10)
	f, _ := strconv.ParseFloat(s, 64)
	if r.Sign() < 0 {
		f = -f
	}
	return f
}

// normRat turns an integral ratio into a bigint (never a long), else returns it.
func normRat(r *big.Rat) Value {
	if r.IsInt() {
		return new(big.Int).Set(r.Num())
	}
	return r
}

// category conversion for binary ops
func binCat(a, b Value) (int, error) {
	ca, cb := numCat(a), numCat(b)
	if ca == catNone {
		return 0, notNumber(a)
	}
	if cb == catNone {
		return 0, notNumber(b)
	}
	return max(ca, cb), nil
}

type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
)

func arith(op arithOp, a, b Value, promote bool) (Value, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			var r int64
			var overflow bool
			switch op {
			case opAdd:
				r = x + y
				overflow = (x >= 0) == (y >= 0) && (r >= 0) != (x >= 0)
			case opSub:
				r = x - y
				overflow = (x >= 0) != (y >= 0) && (r >= 0) != (x >= 0)
			case opMul:
				r = x * y
				overflow = (x != 0 && (r/x != y || (x == -1 && y == math.MinInt64))) || (y == -1 && x == math.MinInt64)
			}
			if !overflow {
				return r, nil
			}
			if !promote {
				return nil, ErrLongOverflow
			}
			return arithBig(op, big.NewInt(x), big.NewInt(y)), nil
		}
	}
	c, err := binCat(a, b)
	if err != nil {
		return nil, err
	}
	if err := checkBits(c, op, a, b); err != nil {
		return nil, err
	}
	switch c {
	case catDouble:
		x, _ := ToFloat64(a)
		y, _ := ToFloat64(b)
		switch op {
		case opAdd:
			return x + y, nil
		case opSub:
			return x - y, nil
		default:
			return x * y, nil
		}
	case catDec:
		x, err := toDec(a)
		if err != nil {
			return nil, err
		}
		y, err := toDec(b)
		if err != nil {
			return nil, err
		}
		switch op {
		case opAdd:
			return decAdd(x, y), nil
		case opSub:
			return decSub(x, y), nil
		default:
			return decMul(x, y)
		}
	case catRatio:
		x, y := toRat(a), toRat(b)
		r := new(big.Rat)
		switch op {
		case opAdd:
			r.Add(x, y)
		case opSub:
			r.Sub(x, y)
		default:
			r.Mul(x, y)
		}
		return normRat(r), nil
	default: // catBig (long/long handled above)
		return arithBig(op, toBig(a), toBig(b)), nil
	}
}

func arithBig(op arithOp, x, y *big.Int) Value {
	r := new(big.Int)
	switch op {
	case opAdd:
		r.Add(x, y)
	case opSub:
		r.Sub(x, y)
	default:
		r.Mul(x, y)
	}
	return r
}

// Add is `+` for two numbers (long overflow is an error).
func Add(a, b Value) (Value, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			r := x + y
			if (x >= 0) == (y >= 0) && (r >= 0) != (x >= 0) {
				return nil, ErrLongOverflow
			}
			return r, nil
		}
	}
	return arith(opAdd, a, b, false)
}

// Sub is `-` for two numbers.
func Sub(a, b Value) (Value, error) { return arith(opSub, a, b, false) }

// Mul is `*` for two numbers.
func Mul(a, b Value) (Value, error) { return arith(opMul, a, b, false) }

// AddP is `+'` (promotes to bigint instead of overflowing).
func AddP(a, b Value) (Value, error) { return arith(opAdd, a, b, true) }

// SubP is `-'`.
func SubP(a, b Value) (Value, error) { return arith(opSub, a, b, true) }

// MulP is `*'`.
func MulP(a, b Value) (Value, error) { return arith(opMul, a, b, true) }

var one Value = int64(1)

// Inc is `inc`.
func Inc(a Value) (Value, error) { return Add(a, one) }

// Dec is `dec`.
func Dec(a Value) (Value, error) { return Sub(a, one) }

// IncP is `inc'`.
func IncP(a Value) (Value, error) { return AddP(a, one) }

// DecP is `dec'`.
func DecP(a Value) (Value, error) { return SubP(a, one) }

// Negate is unary `-`.
func Negate(a Value) (Value, error) {
	switch x := a.(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, ErrLongOverflow
		}
		return -x, nil
	case float64:
		return -x, nil
	case float32:
		return -float64(x), nil
	case *big.Int:
		return new(big.Int).Neg(x), nil
	case *big.Rat:
		return new(big.Rat).Neg(x), nil
	case BigDec:
		return BigDec{new(big.Int).Neg(x.Unscaled), x.Scale}, nil
	}
	return nil, notNumber(a)
}

// NegateP is unary `-'`.
func NegateP(a Value) (Value, error) {
	if x, ok := a.(int64); ok && x == math.MinInt64 {
		return new(big.Int).Neg(big.NewInt(x)), nil
	}
	return Negate(a)
}

// IsZero reports whether v is a numeric zero (any category).
func IsZero(v Value) bool { return Sign(v) == 0 && IsNumber(v) && !IsNaN(v) }

// Sign returns -1, 0 or 1 (0 also for NaN and non-numbers).
func Sign(v Value) int {
	switch x := v.(type) {
	case int64:
		return cmp.Compare(x, 0)
	case float64:
		return cmpFloat(x, 0)
	case float32:
		return cmpFloat(float64(x), 0)
	case *big.Int:
		return x.Sign()
	case *big.Rat:
		return x.Sign()
	case BigDec:
		return x.Unscaled.Sign()
	}
	return 0
}

// Div is `/` for two numbers.
func Div(a, b Value) (Value, error) {
	c, err := binCat(a, b)
	if err != nil {
		return nil, err
	}
	if IsNaN(a) || IsNaN(b) {
		return math.NaN(), nil
	}
	if Sign(b) == 0 {
		return nil, ErrDivideByZero
	}
	switch c {
	case catDouble:
		x, _ := ToFloat64(a)
		y, _ := ToFloat64(b)
		return x / y, nil
	case catDec:
		x, err := toDec(a)
		if err != nil {
			return nil, err
		}
		y, err := toDec(b)
		if err != nil {
			return nil, err
		}
		return decDiv(x, y)
	case catLong:
		x, y := a.(int64), b.(int64)
		if x%y == 0 {
			if x == math.MinInt64 && y == -1 {
				return new(big.Int).Neg(big.NewInt(x)), nil
			}
			return x / y, nil
		}
		return new(big.Rat).SetFrac(big.NewInt(x), big.NewInt(y)), nil
	default:
		if err := checkBits(catRatio, opMul, a, b); err != nil {
			return nil, err
		}
		return normRat(new(big.Rat).Quo(toRat(a), toRat(b))), nil
	}
}

// Quot is `quot` (truncating division).
func Quot(a, b Value) (Value, error) {
	c, err := binCat(a, b)
	if err != nil {
		return nil, err
	}
	if Sign(b) == 0 && !IsNaN(b) {
		return nil, ErrDivideByZero
	}
	switch c {
	case catLong:
		x, y := a.(int64), b.(int64)
		if x == math.MinInt64 && y == -1 {
			return nil, ErrLongOverflow
		}
		return x / y, nil
	case catBig:
		return new(big.Int).Quo(toBig(a), toBig(b)), nil
	case catDouble:
		x, _ := ToFloat64(a)
		y, _ := ToFloat64(b)
		return math.Trunc(x / y), nil
	case catRatio:
		r := new(big.Rat).Quo(toRat(a), toRat(b))
		q := new(big.Int).Quo(r.Num(), r.Denom())
		if q.IsInt64() {
			return q.Int64(), nil
		}
		return q, nil
	default:
		x, err := toDec(a)
		if err != nil {
			return nil, err
		}
		y, err := toDec(b)
		if err != nil {
			return nil, err
		}
		// x/y = (xu/yu)×10^k: scale the smaller side by 10^|k|, which is
		// bounded by the size of the quotient
		k := int64(y.Scale) - int64(x.Scale)
		n, d := x.Unscaled, y.Unscaled
		if k >= 0 {
			if err := checkScaled("decimal", n, k); err != nil {
				return nil, err
			}
			n = new(big.Int).Mul(n, pow10(k))
		} else {
			if -3*k >= bitLen(n) { // |xu| < 10^-k ≤ |yu×10^-k|
				return BigDec{new(big.Int), 0}, nil
			}
			d = new(big.Int).Mul(d, pow10(-k))
		}
		return BigDec{new(big.Int).Quo(n, d), 0}, nil
	}
}

// Rem is `rem` (sign of the dividend).
func Rem(a, b Value) (Value, error) {
	c, err := binCat(a, b)
	if err != nil {
		return nil, err
	}
	if Sign(b) == 0 && !IsNaN(b) {
		return nil, ErrDivideByZero
	}
	switch c {
	case catLong:
		x, y := a.(int64), b.(int64)
		if y == -1 {
			return int64(0), nil
		}
		return x % y, nil
	case catBig:
		return new(big.Int).Rem(toBig(a), toBig(b)), nil
	case catDouble:
		x, _ := ToFloat64(a)
		y, _ := ToFloat64(b)
		return x - math.Trunc(x/y)*y, nil
	default:
		q, err := Quot(a, b)
		if err != nil {
			return nil, err
		}
		p, err := Mul(q, b)
		if err != nil {
			return nil, err
		}
		return Sub(a, p)
	}
}

// Mod is `mod` (sign of the divisor).
func Mod(a, b Value) (Value, error) {
	m, err := Rem(a, b)
	if err != nil {
		return nil, err
	}
	if Sign(m) == 0 || (Sign(a) > 0) == (Sign(b) > 0) {
		return m, nil
	}
	return Add(m, b)
}

// cmpFloat is Clojure's Numbers.compare on doubles: NaN and ±0 compare as 0.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// NumCompare compares two numbers numerically with contagion (-1/0/1).
// Comparisons involving NaN yield 0 (as Clojure's compare); use NumLT etc.
// for the `<`-family, which are false for NaN.
func NumCompare(a, b Value) (int, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), nil
		}
	}
	c, err := binCat(a, b)
	if err != nil {
		return 0, err
	}
	switch c {
	case catDouble:
		x, _ := ToFloat64(a)
		y, _ := ToFloat64(b)
		return cmpFloat(x, y), nil
	case catDec:
		x, err := toDec(a)
		if err != nil {
			// non-terminating ratio vs decimal: compare exactly as rationals
			return ratCmp(a, b)
		}
		y, err := toDec(b)
		if err != nil {
			return ratCmp(a, b)
		}
		return decCmp(x, y), nil
	case catRatio:
		return toRat(a).Cmp(toRat(b)), nil
	default:
		return toBig(a).Cmp(toBig(b)), nil
	}
}

func toRatAny(v Value) (*big.Rat, error) {
	if d, ok := v.(BigDec); ok {
		return DecToRat(d)
	}
	return toRat(v), nil
}

func ratCmp(a, b Value) (int, error) {
	x, err := toRatAny(a)
	if err != nil {
		return 0, err
	}
	y, err := toRatAny(b)
	if err != nil {
		return 0, err
	}
	return x.Cmp(y), nil
}

func numOrder(a, b Value) (int, bool, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), true, nil
		}
	}
	c, err := NumCompare(a, b)
	if err != nil {
		return 0, false, err
	}
	if IsNaN(a) || IsNaN(b) {
		return 0, false, nil
	}
	return c, true, nil
}

// NumLT is `<` on two numbers (false when NaN is involved).
func NumLT(a, b Value) (bool, error) { c, ok, err := numOrder(a, b); return ok && c < 0, err }

// NumLE is `<=` on two numbers.
func NumLE(a, b Value) (bool, error) { c, ok, err := numOrder(a, b); return ok && c <= 0, err }

// NumGT is `>` on two numbers.
func NumGT(a, b Value) (bool, error) { c, ok, err := numOrder(a, b); return ok && c > 0, err }

// NumGE is `>=` on two numbers.
func NumGE(a, b Value) (bool, error) { c, ok, err := numOrder(a, b); return ok && c >= 0, err }

// NumEqual is numeric equivalence across categories (`==`): (== 1 1.0) is true.
func NumEqual(a, b Value) (bool, error) { c, ok, err := numOrder(a, b); return ok && c == 0, err }
