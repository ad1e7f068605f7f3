package eval

// The math namespace (language.md §10.2): functions registered as
// "math/NAME", constants, and the namespace map with its documentation keys.

import (
	"math"
	"math/big"
	"sync"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// registerMathNS is part of loadBuiltins.
func registerMathNS() {
	// Tables, not maps: registering builds nothing to throw away (issue
	// 11, start-up).
	d1 := [...]struct {
		name string
		f    func(float64) float64
	}{
		{"math/sqrt", math.Sqrt}, {"math/cbrt", math.Cbrt}, {"math/exp", math.Exp}, {"math/expm1", math.Expm1},
		{"math/log", math.Log}, {"math/log10", math.Log10}, {"math/log1p", math.Log1p},
		// as the reference: (/ (Math/log x) (Math/log 2))
		{"math/log2", func(x float64) float64 { return math.Log(x) / math.Log(2) }},
		{"math/sin", math.Sin}, {"math/cos", math.Cos}, {"math/tan", math.Tan},
		{"math/asin", math.Asin}, {"math/acos", math.Acos}, {"math/atan", math.Atan},
		{"math/sinh", math.Sinh}, {"math/cosh", math.Cosh}, {"math/tanh", math.Tanh},
		// Java Math.toDegrees / toRadians
		{"math/degrees", func(r float64) float64 { return r * 57.29577951308232 }},
		{"math/radians", func(d float64) float64 { return d * 0.017453292519943295 }},
		{"math/abs", math.Abs},
		{"math/sign", func(x float64) float64 {
			if x != x || x == 0 {
				return x
			}
			if x < 0 {
				return -1
			}
			return 1
		}},
	}
	for _, e := range d1 {
		f := e.f
		register(e.name, func(c *Call, args []value.Value) (value.Value, error) {
			x, err := scToDouble(args[0])
			if err != nil {
				return nil, err
			}
			return f(x), nil
		})
	}
	d2 := [...]struct {
		name string
		f    func(float64, float64) float64
	}{{"math/pow", scJavaPow}, {"math/atan2", math.Atan2}, {"math/hypot", math.Hypot}}
	for _, e := range d2 {
		f := e.f
		register(e.name, func(c *Call, args []value.Value) (value.Value, error) {
			x, err := scToDouble(args[0])
			if err != nil {
				return nil, err
			}
			y, err := scToDouble(args[1])
			if err != nil {
				return nil, err
			}
			return f(x, y), nil
		})
	}
	register("math/floor", scRounding(math.Floor))
	register("math/ceil", scRounding(math.Ceil))
	register("math/round", func(c *Call, args []value.Value) (value.Value, error) {
		x, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return scJavaRound(x), nil
	})
	register("math/trunc", func(c *Call, args []value.Value) (value.Value, error) { return scToLong(args[0]) })
	register("math/factorial", scFactorial)
	register("math/gcd", func(c *Call, args []value.Value) (value.Value, error) {
		a, b, err := scGcdArgs(args)
		if err != nil {
			return nil, err
		}
		return scGcd(a, b), nil
	})
	register("math/lcm", func(c *Call, args []value.Value) (value.Value, error) {
		a, b, err := scGcdArgs(args)
		if err != nil {
			return nil, err
		}
		if value.IsZero(args[0]) || value.IsZero(args[1]) {
			return int64(0), nil
		}
		// (Math/abs (* (quot a (gcd a b)) b)) on the original arguments
		q, err := value.Quot(args[0], scGcd(a, b))
		if err != nil {
			return nil, err
		}
		p, err := value.Mul(q, args[1])
		if err != nil {
			return nil, err
		}
		return scAbs(p)
	})
	register("math/rand", func(c *Call, args []value.Value) (value.Value, error) { return c.Rand().Float64(), nil })
	register("math/NaN?", func(c *Call, args []value.Value) (value.Value, error) {
		x, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return x != x, nil
	})
	register("math/infinite?", func(c *Call, args []value.Value) (value.Value, error) {
		x, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return math.IsInf(x, 0), nil
	})
}

// scJavaPow is Math.pow: Go's math.Pow differs from Java for pow(1, NaN)
// and pow(±1, ±Inf), which are NaN in Java.
func scJavaPow(x, y float64) float64 {
	if y != y || (math.IsInf(y, 0) && (x == 1 || x == -1)) {
		return math.NaN()
	}
	return math.Pow(x, y)
}

// scRounding is (long (Math/floor x)) and friends.
func scRounding(f func(float64) float64) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		if n, ok := args[0].(int64); ok {
			return n, nil
		}
		x, err := scToDouble(args[0])
		if err != nil {
			return nil, err
		}
		return scLongCast(f(x))
	}
}

// scJavaRound is Math.round(double): half up, NaN → 0, saturating.
func scJavaRound(x float64) int64 {
	switch {
	case x != x:
		return 0
	case x >= 9.223372036854775807e18:
		return math.MaxInt64
	case x <= -9.223372036854775808e18:
		return math.MinInt64
	}
	fl := math.Floor(x)
	if x-fl >= 0.5 {
		fl++
	}
	return int64(fl)
}

func scGcdArgs(args []value.Value) (int64, int64, error) {
	var out [2]int64
	for i, a := range args[:2] {
		v, err := scToLong(a)
		if err != nil {
			return 0, 0, err
		}
		n := v.(int64)
		if n < 0 {
			n = -n
		}
		out[i] = n
	}
	return out[0], out[1], nil
}

func scGcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func scFactorial(c *Call, args []value.Value) (value.Value, error) {
	x := args[0]
	if !value.IsNumber(x) {
		return nil, scNotNumber(x)
	}
	if value.Sign(x) < 0 {
		return nil, &DataError{Msg: "factorial: negative argument", Data: value.NewMap(value.Kw("n"), x)}
	}
	v, err := scToLong(x)
	if err != nil {
		return nil, err
	}
	n := v.(int64)
	if n <= 1 {
		return big.NewInt(1), nil
	}
	// log2(n!) = lgamma(n+1) / ln 2, checked before multiplying
	if lg, _ := math.Lgamma(float64(n) + 1); lg/math.Ln2 > value.MaxIntBits {
		return nil, &value.LimitError{What: "integer", Bits: int64(lg / math.Ln2)}
	}
	// Multiply in chunks, charging one step per factor so limits and
	// cancellation apply to huge arguments.
	const chunk = 4096
	acc := big.NewInt(1)
	for lo := int64(2); lo <= n; lo += chunk {
		hi := min(lo+chunk-1, n)
		for i := lo; i <= hi; i += 64 {
			if err := c.Step(); err != nil {
				return nil, err
			}
		}
		acc.Mul(acc, new(big.Int).MulRange(lo, hi))
	}
	return acc, nil
}

var (
	scMathOnce sync.Once
	scMathNS   *value.Map
)

// MathNamespace returns the `math` namespace map: every function member and
// constant under its keyword plus :short-docs and :docs {:guide …}.
func MathNamespace() *value.Map {
	scMathOnce.Do(func() {
		kvs := scMemberKVs("math")
		kvs = append(kvs,
			value.Kw("PI"), math.Pi,
			value.Kw("E"), math.E,
			value.Kw("INF"), math.Inf(1),
			value.Kw("NEG-INF"), math.Inf(-1),
			value.Kw("NaN"), math.NaN(),
			value.Kw("short-docs"), catalog.MathShortDoc,
			value.Kw("docs"), value.NewMap(value.Kw("guide"), catalog.MathGuide))
		scMathNS = value.NewMap(kvs...)
	})
	return scMathNS
}
