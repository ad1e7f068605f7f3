package eval

import (
	"context"
	"strings"
	"testing"
)

// TestLimitBigNumbers: arithmetic that would build a number beyond
// value.MaxIntBits fails at once with the (uncatchable) output limit
// instead of computing for minutes (issue 8: a squaring loop ignored
// --timeout and Ctrl-C for 30 s).
func TestLimitBigNumbers(t *testing.T) {
	for _, src := range []string{
		`(loop [x 3N i 0] (if (< i 27) (recur (*' x x) (inc i)) (= x 0)))`,
		`(try (loop [x 3N i 0] (if (< i 27) (recur (*' x x) (inc i)) (= x 0))) (catch e :caught))`,
		`(loop [x 3N i 0] (if (< i 27) (recur (* x x) (inc i)) (= x 0)))`,
		`(loop [x 1/3 i 0] (if (< i 27) (recur (* x x) (inc i)) (= x 0)))`,
		`(loop [x 3M i 0] (if (< i 27) (recur (* x x) (inc i)) (= x 0)))`,
		`(loop [x 3N i 0] (if (< i 27) (recur (/ 1 (* x x)) (inc i)) (= x 0)))`,
		`(math/factorial 1000000)`,
		`(bigint (apply str (repeat 400000 "9")))`,
		`(bigdec (apply str (repeat 400000 "9")))`,
	} {
		e := runLimited(t, context.Background(), src, Options{})
		if !e.Fatal || !strings.HasPrefix(e.Msg, "Output limit exceeded: ") || !strings.Contains(e.Msg, " bits (limit 1048576)") {
			t.Errorf("%s: got %q fatal=%v, want fatal Output limit exceeded: … bits (limit 1048576)", src, e.Msg, e.Fatal)
		}
	}
	// exactly at the limit works, one bit past it fails: x = 2^524287 has
	// 524288 bits, so x·x is estimated at 1048576 bits and x·2x at 1048577
	pow := `(let [x (quot (loop [y 2N i 0] (if (< i 19) (recur (*' y y) (inc i)) y)) 2)] %s)`
	_, res, err := RunProgram(context.Background(), "<eval>", []byte(strings.Replace(pow, "%s", `(= 0 (*' x x))`, 1)), Options{})
	if err != nil || res.Value != false {
		t.Errorf("a product at the limit: %v %v", res.Value, err)
	}
	e := runLimited(t, context.Background(), strings.Replace(pow, "%s", `(*' x (*' x 2))`, 1), Options{})
	if e.Msg != "Output limit exceeded: integer of about 1048577 bits (limit 1048576)" {
		t.Errorf("one past the limit: %q", e.Msg)
	}
}

// TestBigNumberCancel: an operation producing a huge number notices
// cancellation at once, not only every 1,024 steps (each such operation
// can take a noticeable time). The loop below takes far fewer than 1,024
// steps, so only the per-operation check can stop it.
func TestBigNumberCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := runLimited(t, ctx, `(loop [y 3N i 0] (if (< i 18) (recur (*' y y) (inc i)) :done))`, Options{})
	if e.Msg != "Cancelled" || !e.Fatal {
		t.Errorf("got %q fatal=%v, want fatal Cancelled", e.Msg, e.Fatal)
	}
}
