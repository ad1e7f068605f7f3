package value

import (
	"math"
	"math/big"
	"testing"
)

type binop func(a, b Value) (Value, error)

func TestArith(t *testing.T) {
	ops := map[string]binop{"+": Add, "-": Sub, "*": Mul, "/": Div, "quot": Quot, "rem": Rem, "mod": Mod, "+'": AddP, "-'": SubP, "*'": MulP}
	cases := []struct{ op, a, b, want, err string }{
		{"+", "1", "2", "3", ""},
		{"+", "9223372036854775807", "1", "", "long overflow"},
		{"-", "-9223372036854775808", "1", "", "long overflow"},
		{"*", "4611686018427387904", "2", "", "long overflow"},
		{"*", "-4611686018427387904", "2", "-9223372036854775808", ""},
		{"*", "-1", "-9223372036854775808", "", "long overflow"},
		{"*", "3037000500", "3037000500", "", "long overflow"},
		{"+'", "9223372036854775807", "1", "9223372036854775808N", ""},
		{"*'", "9223372036854775807", "2", "18446744073709551614N", ""},
		{"-'", "-9223372036854775808", "1", "-9223372036854775809N", ""},
		{"+'", "1", "2", "3", ""},
		{"+", "1N", "1", "2N", ""},
		{"-", "3N", "3", "0N", ""},
		{"+", "1/2", "1/2", "1N", ""},
		{"*", "2", "3/2", "3N", ""},
		{"+", "1/2", "1/3", "5/6", ""},
		{"+", "1", "1.5", "2.5", ""},
		{"+", "1.5M", "1", "2.5M", ""},
		{"+", "1.5M", "1.5", "3.0", ""},
		{"+", "1.50M", "1.5M", "3.00M", ""},
		{"*", "1.5M", "1.5M", "2.25M", ""},
		{"+", "1/2", "1.5M", "2.0M", ""},
		{"+", "1/3", "1.5M", "", "Non-terminating decimal expansion; no exact representable decimal result."},
		{"/", "6", "4", "3/2", ""},
		{"/", "6", "3", "2", ""},
		{"/", "-6", "4", "-3/2", ""},
		{"/", "6N", "3", "2N", ""},
		{"/", "1", "0", "", "Divide by zero"},
		{"/", "1.0", "0", "", "Divide by zero"},
		{"/", "1", "0.0", "", "Divide by zero"},
		{"/", "1", "0N", "", "Divide by zero"},
		{"/", "1", "0M", "", "Divide by zero"},
		{"/", "##NaN", "0", "##NaN", ""},
		{"/", "1", "##NaN", "##NaN", ""},
		{"/", "1.0", "4", "0.25", ""},
		{"/", "1M", "3M", "", "Non-terminating decimal expansion; no exact representable decimal result."},
		{"/", "1M", "4M", "0.25M", ""},
		{"/", "6M", "2M", "3M", ""},
		{"/", "1.00M", "4M", "0.25M", ""},
		{"/", "10M", "4M", "2.5M", ""},
		{"/", "100M", "4M", "25M", ""},
		{"/", "6.0M", "2M", "3.0M", ""},
		{"/", "0M", "2.5M", "0E+1M", ""}, // Java: preferred scale -1
		{"/", "1/2", "1/2", "1N", ""},
		{"/", "3/2", "3", "1/2", ""},
		{"/", "-9223372036854775808", "-1", "9223372036854775808N", ""},
		{"mod", "-7", "3", "2", ""},
		{"rem", "-7", "3", "-1", ""},
		{"mod", "7", "-3", "-2", ""},
		{"mod", "-7", "-3", "-1", ""},
		{"mod", "6", "3", "0", ""},
		{"quot", "-7", "2", "-3", ""},
		{"quot", "7.5", "2", "3.0", ""},
		{"rem", "7.5", "2", "1.5", ""},
		{"mod", "-7.5", "2", "0.5", ""},
		{"quot", "1", "0", "", "Divide by zero"},
		{"rem", "1.0", "0", "", "Divide by zero"},
		{"quot", "100N", "7", "14N", ""},
		{"mod", "-7N", "3", "2N", ""},
		{"quot", "7/2", "1", "3", ""},
		{"rem", "7/2", "1", "1/2", ""},
	}
	for _, c := range cases {
		got, err := ops[c.op](rd(t, c.a), rd(t, c.b))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("(%s %s %s) err = %v (value %s), want %q", c.op, c.a, c.b, err, PrStr(got), c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("(%s %s %s) error %v", c.op, c.a, c.b, err)
			continue
		}
		if PrStr(got) != c.want {
			t.Errorf("(%s %s %s) = %s, want %s", c.op, c.a, c.b, PrStr(got), c.want)
		}
	}
}

func TestFloatContagion(t *testing.T) {
	got, _ := Add(float32(0.5), int64(1))
	if _, ok := got.(float64); !ok || got.(float64) != 1.5 {
		t.Fatalf("float32 arithmetic must give double, got %#v", got)
	}
	got, _ = Mul(float32(2), float32(3))
	if _, ok := got.(float64); !ok {
		t.Fatalf("got %#v", got)
	}
}

func TestNegateIncDec(t *testing.T) {
	if _, err := Negate(int64(math.MinInt64)); err == nil || err.Error() != "long overflow" {
		t.Fatal(err)
	}
	if v, _ := NegateP(int64(math.MinInt64)); PrStr(v) != "9223372036854775808N" {
		t.Fatal(PrStr(v))
	}
	if _, err := Inc(int64(math.MaxInt64)); err == nil {
		t.Fatal("inc overflow")
	}
	if v, _ := IncP(int64(math.MaxInt64)); PrStr(v) != "9223372036854775808N" {
		t.Fatal(PrStr(v))
	}
	if v, _ := Dec(big.NewInt(1)); PrStr(v) != "0N" {
		t.Fatal(PrStr(v))
	}
	if v, _ := Negate(NewBigDec(150, 2)); PrStr(v) != "-1.50M" {
		t.Fatal(PrStr(v))
	}
	if _, err := Add(int64(1), "a"); err == nil {
		t.Fatal("expected type error")
	}
}

func TestRatioToDouble(t *testing.T) {
	cases := []struct {
		r    *big.Rat
		want string
	}{
		{big.NewRat(1, 7), "0.1428571428571429"},
		{big.NewRat(1, 3), "0.3333333333333333"},
		{big.NewRat(2, 3), "0.6666666666666667"},
		{big.NewRat(-1, 7), "-0.1428571428571429"},
		{big.NewRat(1, 2), "0.5"},
		{big.NewRat(22, 7), "3.142857142857143"},
		{big.NewRat(1, 3000000000000), "3.333333333333333E-13"},
		{new(big.Rat).SetFrac(new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil), big.NewInt(3)), "3.333333333333333E29"},
	}
	for _, c := range cases {
		f, _ := ToFloat64(c.r)
		if got := PrStr(f); got != c.want {
			t.Errorf("double(%s) = %s, want %s", c.r, got, c.want)
		}
	}
}

func TestNumCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1", "2", -1}, {"2", "1", 1}, {"1", "1N", 0}, {"1", "1.0", 0}, {"1/2", "0.5", 0},
		{"1/3", "0.3333M", 1}, {"1.50M", "1.5M", 0}, {"100000000000000000000N", "1", 1},
		{"1.5M", "2", -1}, {"-1/2", "0", -1},
	}
	for _, c := range cases {
		got, err := NumCompare(rd(t, c.a), rd(t, c.b))
		if err != nil || got != c.want {
			t.Errorf("NumCompare(%s, %s) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
	nan := math.NaN()
	for _, f := range []func(a, b Value) (bool, error){NumLT, NumLE, NumGT, NumGE, NumEqual} {
		if r, _ := f(int64(1), nan); r {
			t.Error("NaN comparison must be false")
		}
	}
	if r, _ := NumLE(int64(1), 1.0); !r {
		t.Error("1 <= 1.0")
	}
	if r, _ := NumEqual(int64(1), 1.0); !r {
		t.Error("(== 1 1.0)")
	}
	if _, err := NumCompare(int64(1), "x"); err == nil {
		t.Error("expected error")
	}
}

func TestNumPredicates(t *testing.T) {
	if !IsNumber(big.NewRat(1, 2)) || IsNumber("1") || !IsInteger(big.NewInt(1)) || IsInteger(1.0) {
		t.Fatal("predicates")
	}
	if n, ok := ToInt64(big.NewInt(5)); !ok || n != 5 {
		t.Fatal("ToInt64")
	}
	if n, err := TruncToInt64(3.7); err != nil || n != 3 {
		t.Fatal("trunc")
	}
	if _, err := TruncToInt64(1e30); err == nil {
		t.Fatal("range")
	}
	if !IsZero(0.0) || !IsZero(NewBigDec(0, 3)) || IsZero(math.NaN()) || IsZero(nil) {
		t.Fatal("IsZero")
	}
	if d, ok := BigDecFromFloat64(1.5); !ok || d.String() != "1.5" {
		t.Fatal("BigDecFromFloat64")
	}
}
