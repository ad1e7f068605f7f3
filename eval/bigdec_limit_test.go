package eval

import (
	"context"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// TestLimitDecimalScale: every operation whose cost grows with a
// bigdecimal's exponent is bounded by the number size limit (issue 8:
// (bigint 1E100000000M) and (quot 1E100000000M 3) ran for minutes,
// ignoring --timeout). What can be answered without building the huge
// number is answered; the rest is the fatal output limit. The context
// deadline is only a hang guard.
func TestLimitDecimalScale(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const past = "Output limit exceeded: integer of about 332192810 bits (limit 1048576)"
	for _, c := range []struct{ src, msg string }{
		{`(bigint 1E100000000M)`, past},
		{`(bigint -7E100000000M)`, "Output limit exceeded: integer of about 332192812 bits (limit 1048576)"},
		{`(quot 1E100000000M 3)`, "Output limit exceeded: decimal of about 332192810 bits (limit 1048576)"},
		{`(quot 1M 1E-100000000M)`, "Output limit exceeded: decimal of about 332192810 bits (limit 1048576)"},
		{`(rem 1E100000000M 3)`, "Output limit exceeded: decimal of about 332192810 bits (limit 1048576)"},
		{`(mod 1E100000000M 3)`, "Output limit exceeded: decimal of about 332192810 bits (limit 1048576)"},
		{`(rationalize 1E-100000000M)`, "Output limit exceeded: ratio of about 332192810 bits (limit 1048576)"},
		{`(rationalize 1E100000000M)`, past},
		{`(< 1/3 1E100000000M)`, past},
		{`(format "%.2f" 1E100000000M)`, "Output limit exceeded: decimal of about 332192817 bits (limit 1048576)"},
		{`(+ 1E100000000M 1)`, "Output limit exceeded: decimal of about 400000002 bits (limit 1048576)"},
		// exactly at the limit 10^315652 (1048574 bits) works, 10^315653 (1048577 bits) does not
		{`(bigint 1E315653M)`, "Output limit exceeded: integer of about 1048577 bits (limit 1048576)"},
		{`(quot 1E315653M 1)`, "Output limit exceeded: decimal of about 1048577 bits (limit 1048576)"},
		{`(rationalize 1E-315653M)`, "Output limit exceeded: ratio of about 1048577 bits (limit 1048576)"},
	} {
		e := runLimited(t, ctx, c.src, Options{})
		if e.Msg != c.msg || !e.Fatal {
			t.Errorf("%s: got %q fatal=%v, want fatal %q", c.src, e.Msg, e.Fatal, c.msg)
		}
	}
	for _, c := range []struct{ src, want string }{
		{`(long 1E-100000000M)`, "0"},
		{`(int -9E-100000000M)`, "0"},
		{`(long 0E100000000M)`, "0"},
		{`(long -12.7M)`, "-12"},
		{`(bigint 1E-100000000M)`, "0N"},
		{`(bigint -123.9M)`, "-123N"},
		{`(quot 3 1E100000000M)`, "0M"},
		{`(quot 1E-100000000M 3)`, "0M"},
		{`(quot 1E100000000M 1E99999999M)`, "10M"},
		{`(quot -7.5M 2)`, "-3M"},
		{`(rem 7.5M 2)`, "1.5M"},
		{`[(< 1E100000000M 1M) (> 1E100000000M 1M) (< -1E100000000M 1M) (< 1E-100000000M 1M) (< -1E-100000000M -1M)]`, "[false true true true false]"},
		{`[(= 1E100000000M 1M) (= 1E100000000M 1E100000000M) (zero? 1E-100000000M) (compare 10E99999999M 1E100000000M)]`, "[false true false 0]"},
		{`(str 1E100000000M " " 1E-100000000M)`, `"1E+100000000 1E-100000000"`},
		{`(format "%.2f %e" 1E-100000000M 1E100000000M)`, `"0.00 1.000000e+100000000"`},
		{`(* 1E100000000M 1E100000000M)`, "1E+200000000M"},
		{`(= 0 (bigint 1E315652M))`, "false"},
		{`(= 0 (quot 1E315652M 1))`, "false"},
		{`(= 0 (rationalize 1E-315652M))`, "false"},
		// hashing and exact division strip factors of 10, 2 and 5 in a
		// few divisions, not one each (that took 20 s at this size)
		{`(contains? (into #{(bigdec (bigint 1E315652M))} (range 40)) 1E315652M)`, "true"},
		{`(/ 1M (bigdec (bigint 1E315652M)))`, "1E-315652M"},
		{`(/ 1M (bigdec (bigint 5E315651M)))`, "2E-315652M"},
		{`(/ 7.50M 2.5M)`, "3.0M"},
	} {
		_, res, err := RunProgram(ctx, "<eval>", []byte(c.src), Options{})
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := value.PrStr(res.Value); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// out of range for long is the ordinary (catchable) error
	e := runLimited(t, ctx, `(long 1E100000000M)`, Options{})
	if e.Fatal || e.Msg != "Function call failed: long: Value out of range for long: 1E+100000000M" {
		t.Errorf("(long 1E100000000M): got %q fatal=%v", e.Msg, e.Fatal)
	}
}

// TestDecimalScaleOverflow: a product or quotient whose scale leaves int32 is Java's
// Underflow/Overflow error, never a silently wrapped scale
// ((* 1E-2000000000M 1E-2000000000M) printed 1E+294967296M).
func TestDecimalScaleOverflow(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`(try (* 1E-2000000000M 1E-2000000000M) (catch e (:message e)))`, `"Function call failed: *: Underflow"`},
		{`(try (* 1E2000000000M 1E2000000000M) (catch e (:message e)))`, `"Function call failed: *: Overflow"`},
		{`(* 1E-1000000000M 1E-1000000000M)`, "1E-2000000000M"},
		{`(try (/ 1E-2000000000M 1E2000000000M) (catch e (:message e)))`, `"Function call failed: /: Underflow"`},
		{`(try (/ 1E2000000000M 1E-2000000000M) (catch e (:message e)))`, `"Function call failed: /: Overflow"`},
		{`(/ 1E-10M 2E10M)`, "5E-21M"},
	} {
		_, res, err := RunProgram(context.Background(), "<eval>", []byte(c.src), Options{})
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := value.PrStr(res.Value); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}
