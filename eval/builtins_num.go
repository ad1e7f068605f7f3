package eval

// Arithmetic (language.md §9.1), numeric predicates (§9.2) and bitwise
// operations (§9.10). Numeric contagion and overflow rules live in package
// value; this file only folds arguments and converts between kinds.

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/spell-go/spell/eval/value"
)

// registerNumbers is part of loadBuiltins.
func registerNumbers() {
	// 9.1 Arithmetic
	register("+", scFold(int64(0), value.Add))
	register("*", scFold(int64(1), value.Mul))
	register("+'", scFold(int64(0), value.AddP))
	register("*'", scFold(int64(1), value.MulP))
	register("-", scFoldFirst(value.Negate, value.Sub))
	register("-'", scFoldFirst(value.NegateP, value.SubP))
	register("/", scFoldFirst(func(x value.Value) (value.Value, error) { return value.Div(int64(1), x) }, value.Div))
	register("inc", scUnary(value.Inc))
	register("dec", scUnary(value.Dec))
	register("inc'", scUnary(value.IncP))
	register("dec'", scUnary(value.DecP))
	register("quot", scBinary(value.Quot))
	register("rem", scBinary(value.Rem))
	register("mod", scBinary(value.Mod))
	register("max", func(c *Call, args []value.Value) (value.Value, error) { return scExtreme(args, true) })
	register("min", func(c *Call, args []value.Value) (value.Value, error) { return scExtreme(args, false) })
	register("max-key", func(c *Call, args []value.Value) (value.Value, error) { return scExtremeKey(c, args, true) })
	register("min-key", func(c *Call, args []value.Value) (value.Value, error) { return scExtremeKey(c, args, false) })
	register("abs", func(c *Call, args []value.Value) (value.Value, error) { return scAbs(args[0]) })
	register("int", func(c *Call, args []value.Value) (value.Value, error) { return scToLong(args[0]) })
	register("long", func(c *Call, args []value.Value) (value.Value, error) { return scToLong(args[0]) })
	register("double", func(c *Call, args []value.Value) (value.Value, error) {
		f, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return f, nil
	})
	register("float", func(c *Call, args []value.Value) (value.Value, error) { return scToFloat(args[0]) })
	register("bigdec", func(c *Call, args []value.Value) (value.Value, error) { return scToBigDec(args[0]) })
	register("bigint", func(c *Call, args []value.Value) (value.Value, error) { return scToBigInt(args[0]) })
	register("rationalize", func(c *Call, args []value.Value) (value.Value, error) { return scRationalize(args[0]) })
	register("rand", func(c *Call, args []value.Value) (value.Value, error) {
		r := c.Rand().Float64()
		if len(args) == 0 {
			return r, nil
		}
		n, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return n * r, nil
	})
	register("rand-int", func(c *Call, args []value.Value) (value.Value, error) {
		n, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return scLongCast(n * c.Rand().Float64())
	})
	register("parse-number", func(c *Call, args []value.Value) (value.Value, error) { return scParseNumber(args[0]) })

	// 9.2 Numeric predicates
	register("even?", func(c *Call, args []value.Value) (value.Value, error) { return scParity(args[0], false) })
	register("odd?", func(c *Call, args []value.Value) (value.Value, error) { return scParity(args[0], true) })
	register("pos?", scSignPred(func(s int) bool { return s > 0 }))
	register("neg?", scSignPred(func(s int) bool { return s < 0 }))
	register("zero?", func(c *Call, args []value.Value) (value.Value, error) {
		if !value.IsNumber(args[0]) {
			return nil, scNotNumber(args[0])
		}
		return value.IsZero(args[0]), nil
	})
	register("integer?", scPred(value.IsInteger))
	register("ratio?", scPred(func(v value.Value) bool { _, ok := v.(*big.Rat); return ok }))
	register("rational?", scPred(func(v value.Value) bool {
		switch v.(type) {
		case int64, *big.Int, *big.Rat, value.BigDec:
			return true
		}
		return false
	}))
	register("pos-int?", scPred(func(v value.Value) bool { x, ok := v.(int64); return ok && x > 0 }))
	register("neg-int?", scPred(func(v value.Value) bool { x, ok := v.(int64); return ok && x < 0 }))
	register("numerator", func(c *Call, args []value.Value) (value.Value, error) {
		r, ok := args[0].(*big.Rat)
		if !ok {
			return nil, Errorf("numerator expects a ratio, got %s: %s", value.TypeName(args[0]), shown(args[0]))
		}
		return scIntResult(new(big.Int).Set(r.Num())), nil
	})
	register("denominator", func(c *Call, args []value.Value) (value.Value, error) {
		r, ok := args[0].(*big.Rat)
		if !ok {
			return nil, Errorf("denominator expects a ratio, got %s: %s", value.TypeName(args[0]), shown(args[0]))
		}
		return scIntResult(new(big.Int).Set(r.Denom())), nil
	})

	// 9.10 Bitwise
	register("bit-and", scBitFold(func(a, b int64) int64 { return a & b }))
	register("bit-or", scBitFold(func(a, b int64) int64 { return a | b }))
	register("bit-xor", scBitFold(func(a, b int64) int64 { return a ^ b }))
	register("bit-and-not", scBitFold(func(a, b int64) int64 { return a &^ b }))
	register("bit-not", func(c *Call, args []value.Value) (value.Value, error) {
		x, err := scBitArg(args[0])
		if err != nil {
			return nil, err
		}
		return ^x, nil
	})
	register("bit-shift-left", scBit2(func(x int64, n uint) value.Value { return x << n }))
	register("bit-shift-right", scBit2(func(x int64, n uint) value.Value { return x >> n }))
	register("unsigned-bit-shift-right", scBit2(func(x int64, n uint) value.Value { return int64(uint64(x) >> n) }))
	register("bit-set", scBit2(func(x int64, n uint) value.Value { return x | 1<<n }))
	register("bit-clear", scBit2(func(x int64, n uint) value.Value { return x &^ (1 << n) }))
	register("bit-flip", scBit2(func(x int64, n uint) value.Value { return x ^ 1<<n }))
	register("bit-test", scBit2(func(x int64, n uint) value.Value { return x&(1<<n) != 0 }))
}

// scNotNumber is the error for a non-numeric operand.
func scNotNumber(v value.Value) error {
	return Errorf("Cannot cast %s to number: %s", value.TypeName(v), shown(v))
}

// scFold folds a variadic operation from an identity element; a single
// argument must be a number and is returned unchanged.
func scFold(zero value.Value, op func(a, b value.Value) (value.Value, error)) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		switch len(args) {
		case 0:
			return zero, nil
		case 1:
			if !value.IsNumber(args[0]) {
				return nil, scNotNumber(args[0])
			}
			return args[0], nil
		}
		acc := args[0]
		for _, x := range args[1:] {
			r, err := op(acc, x)
			if err != nil {
				return nil, err
			}
			acc = r
		}
		return acc, nil
	}
}

// scFoldFirst folds `x & more`; one argument applies unary.
func scFoldFirst(unary func(value.Value) (value.Value, error), op func(a, b value.Value) (value.Value, error)) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		if len(args) == 1 {
			return unary(args[0])
		}
		acc := args[0]
		for _, x := range args[1:] {
			r, err := op(acc, x)
			if err != nil {
				return nil, err
			}
			acc = r
		}
		return acc, nil
	}
}

func scUnary(op func(value.Value) (value.Value, error)) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) { return op(args[0]) }
}

func scBinary(op func(a, b value.Value) (value.Value, error)) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) { return op(args[0], args[1]) }
}

func scPred(p func(value.Value) bool) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) { return p(args[0]), nil }
}

func scSignPred(p func(int) bool) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		if !value.IsNumber(args[0]) {
			return nil, scNotNumber(args[0])
		}
		if value.IsNaN(args[0]) {
			return false, nil
		}
		return p(value.Sign(args[0])), nil
	}
}

// scExtreme is max/min: the winning argument unchanged (ties go to the later
// argument, NaN wins, as in Clojure).
func scExtreme(args []value.Value, isMax bool) (value.Value, error) {
	best := args[0]
	if len(args) == 1 {
		return best, nil
	}
	if !value.IsNumber(best) {
		return nil, scNotNumber(best)
	}
	for _, x := range args[1:] {
		if !value.IsNumber(x) {
			return nil, scNotNumber(x)
		}
		if value.IsNaN(best) {
			continue
		}
		if value.IsNaN(x) {
			best = x
			continue
		}
		var keep bool
		var err error
		if isMax {
			keep, err = value.NumGT(best, x)
		} else {
			keep, err = value.NumLT(best, x)
		}
		if err != nil {
			return nil, err
		}
		if !keep {
			best = x
		}
	}
	return best, nil
}

// scIsSpellFn reports whether f is a Spell function (closure value or a
// literal {:spell/fn true …} map).
func scIsSpellFn(f value.Value) bool {
	if _, ok := f.(*value.SpellFn); ok {
		return true
	}
	return value.IsSpellFnMap(f)
}

// scExtremeKey is max-key/min-key with Clojure's tie rules: with two
// arguments the second wins ties; beyond that a later element wins ties.
func scExtremeKey(c *Call, args []value.Value, isMax bool) (value.Value, error) {
	f, xs := args[0], args[1:]
	if len(xs) == 1 {
		return xs[0], nil
	}
	if scIsSpellFn(f) {
		return nil, Errorf("%s needs a host-callable key function (a builtin, keyword or map); a Spell function is not supported here — use (apply %s ...) with a builtin, or sort-by", scName(c), scName(c))
	}
	better := func(a, b value.Value) (bool, error) { // a strictly better than b
		if isMax {
			return value.NumGT(a, b)
		}
		return value.NumLT(a, b)
	}
	best := xs[0]
	kb, err := c.Apply(f, best)
	if err != nil {
		return nil, err
	}
	for _, x := range xs[1:] {
		kx, err := c.Apply(f, x)
		if err != nil {
			return nil, err
		}
		if !value.IsNumber(kx) {
			return nil, scNotNumber(kx)
		}
		if !value.IsNumber(kb) {
			return nil, scNotNumber(kb)
		}
		b, err := better(kb, kx)
		if err != nil {
			return nil, err
		}
		if !b {
			best, kb = x, kx
		}
	}
	return best, nil
}

// scName is the builtin's name for messages (works on a zero Call).
func scName(c *Call) string {
	if c == nil || c.Name == "" {
		return "builtin"
	}
	return c.Name
}

func scAbs(v value.Value) (value.Value, error) {
	switch x := v.(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, value.ErrLongOverflow
		}
		if x < 0 {
			return -x, nil
		}
		return x, nil
	case float64:
		return math.Abs(x), nil
	case float32:
		return float32(math.Abs(float64(x))), nil
	case *big.Int:
		if x.Sign() >= 0 {
			return x, nil
		}
		return new(big.Int).Neg(x), nil
	case *big.Rat:
		if x.Sign() >= 0 {
			return x, nil
		}
		return new(big.Rat).Neg(x), nil
	case value.BigDec:
		if x.Unscaled.Sign() >= 0 {
			return x, nil
		}
		return value.BigDec{Unscaled: new(big.Int).Neg(x.Unscaled), Scale: x.Scale}, nil
	}
	return nil, scNotNumber(v)
}

// scLongCast is Java's RT.longCast(double): NaN → 0, out of range → error.
func scLongCast(f float64) (value.Value, error) {
	switch {
	case f != f:
		return int64(0), nil
	case f < -9.223372036854775808e18 || f > 9.223372036854775807e18:
		return nil, Errorf("Value out of range for long: %s", value.FormatDouble(f))
	case f >= 9.223372036854775807e18:
		return int64(math.MaxInt64), nil
	}
	return int64(f), nil
}

// scToLong implements `long`/`int`: truncation toward zero; characters
// give their code point.
func scToLong(v value.Value) (value.Value, error) {
	switch x := v.(type) {
	case value.Char:
		return int64(x), nil
	case float64:
		return scLongCast(x)
	case float32:
		return scLongCast(float64(x))
	}
	if !value.IsNumber(v) {
		return nil, scNotNumber(v)
	}
	n, err := value.TruncToInt64(v)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func scToDouble(v value.Value) (float64, error) {
	f, ok := value.ToFloat64(v)
	if !ok {
		return 0, scNotNumber(v)
	}
	return f, nil
}

func scToFloat(v value.Value) (value.Value, error) {
	if f, ok := v.(float32); ok {
		return f, nil
	}
	f, err := scToDouble(v)
	if err != nil {
		return nil, err
	}
	if f < -math.MaxFloat32 || f > math.MaxFloat32 {
		return nil, Errorf("Value out of range for float: %s", value.FormatDouble(f))
	}
	return float32(f), nil
}

func scToBigDec(v value.Value) (value.Value, error) {
	switch x := v.(type) {
	case value.BigDec:
		return x, nil
	case int64:
		return value.BigDec{Unscaled: big.NewInt(x)}, nil
	case *big.Int:
		return value.BigDec{Unscaled: x}, nil
	case float64, float32:
		f, _ := value.ToFloat64(x)
		d, ok := value.BigDecFromFloat64(f)
		if !ok {
			return nil, Errorf("Infinite or NaN")
		}
		return d, nil
	case *big.Rat:
		return value.Div(value.BigDec{Unscaled: new(big.Int).Set(x.Num())}, value.BigDec{Unscaled: new(big.Int).Set(x.Denom())})
	case string:
		if err := value.CheckDigits(len(x)); err != nil {
			return nil, err
		}
		d, ok := value.ParseBigDec(x)
		if !ok {
			return nil, Errorf("Character array is missing \"exponent\" mark 'e' or 'E'. Invalid bigdec: %s", shown(x))
		}
		return d, nil
	}
	return nil, Errorf("Cannot convert %s to bigdec: %s", value.TypeName(v), shown(v))
}

// scIntResult demotes a bigint that fits into a long (for results that are
// plain integers in Clojure, such as numerator).
func scIntResult(b *big.Int) value.Value {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

func scRatTrunc(r *big.Rat) *big.Int { return new(big.Int).Quo(r.Num(), r.Denom()) }

func scToBigInt(v value.Value) (value.Value, error) {
	switch x := v.(type) {
	case *big.Int:
		return x, nil
	case int64:
		return big.NewInt(x), nil
	case float64, float32:
		f, _ := value.ToFloat64(x)
		d, ok := value.BigDecFromFloat64(f)
		if !ok {
			return nil, Errorf("Infinite or NaN")
		}
		return value.DecTrunc(d)
	case *big.Rat:
		return scRatTrunc(x), nil
	case value.BigDec:
		return value.DecTrunc(x)
	case string:
		s := x
		if strings.HasPrefix(s, "+") {
			s = s[1:]
		}
		ok := s != "" && s != "-"
		for i, r := range s {
			if !(r >= '0' && r <= '9') && !(i == 0 && r == '-') {
				ok = false
			}
		}
		if ok {
			if err := value.CheckDigits(len(s)); err != nil {
				return nil, err
			}
			if b, good := new(big.Int).SetString(s, 10); good {
				return b, nil
			}
		}
		return nil, Errorf("For input string: %s", shown(x))
	}
	return nil, Errorf("Cannot convert %s to bigint: %s", value.TypeName(v), shown(v))
}

// scRationalize is Numbers.rationalize: floats go through their decimal
// (Double.toString) form; integral results become bigints.
func scRationalize(v value.Value) (value.Value, error) {
	var d value.BigDec
	switch x := v.(type) {
	case float64, float32:
		f, _ := value.ToFloat64(x)
		dd, ok := value.BigDecFromFloat64(f)
		if !ok {
			return nil, Errorf("Infinite or NaN")
		}
		d = dd
	case value.BigDec:
		d = x
	default:
		if !value.IsNumber(v) {
			return nil, scNotNumber(v)
		}
		return v, nil
	}
	r, err := value.DecToRat(d)
	if err != nil {
		return nil, err
	}
	if r.IsInt() {
		return new(big.Int).Set(r.Num()), nil
	}
	return r, nil
}

var scNumberRe = LazyRegexp{Expr: `-?\d+(?:\.\d+)?`}

func scParseNumber(v value.Value) (value.Value, error) {
	s := value.Str(v)
	m := scNumberRe.Get().FindString(s)
	if m == "" {
		return nil, nil
	}
	if strings.Contains(m, ".") {
		f, err := strconv.ParseFloat(m, 64)
		if err != nil {
			return nil, Errorf("For input string: %s", shown(m))
		}
		return f, nil
	}
	n, err := strconv.ParseInt(m, 10, 64)
	if err != nil {
		return nil, Errorf("For input string: %s", shown(m))
	}
	return n, nil
}

func scParity(v value.Value, odd bool) (value.Value, error) {
	switch x := v.(type) {
	case int64:
		return (x&1 == 1) == odd, nil
	case *big.Int:
		return (x.Bit(0) == 1) == odd, nil
	}
	return nil, Errorf("Argument must be an integer: %s", shown(v))
}

// scBitArg converts a bitwise operand: longs, and bigints within range.
func scBitArg(v value.Value) (int64, error) {
	if n, ok := value.ToInt64(v); ok {
		return n, nil
	}
	return 0, Errorf("bit operation not supported for %s: %s", value.TypeName(v), shown(v))
}

func scBitFold(op func(a, b int64) int64) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		acc, err := scBitArg(args[0])
		if err != nil {
			return nil, err
		}
		for _, a := range args[1:] {
			x, err := scBitArg(a)
			if err != nil {
				return nil, err
			}
			acc = op(acc, x)
		}
		return acc, nil
	}
}

// scBit2 handles `x n` operations; n is taken modulo 64 like Java shifts.
func scBit2(op func(x int64, n uint) value.Value) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		x, err := scBitArg(args[0])
		if err != nil {
			return nil, err
		}
		n, err := scBitArg(args[1])
		if err != nil {
			return nil, err
		}
		return op(x, uint(n&63)), nil
	}
}
