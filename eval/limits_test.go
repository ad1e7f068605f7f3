package eval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// runLimited runs src under opts and returns its *Error (failing the test
// when there is none).
func runLimited(t *testing.T, ctx context.Context, src string, opts Options) *Error {
	t.Helper()
	_, res, err := RunProgram(ctx, "<eval>", []byte(src), opts)
	if err == nil {
		t.Fatalf("%s: want an error, got value %v", src, res.Value)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %T %v is not *eval.Error", src, err, err)
	}
	return e
}

// TestLimitSteps: the step budget is a typed failure that try cannot catch
// (language.md §12.3).
func TestLimitSteps(t *testing.T) {
	opts := Options{Limits: Limits{MaxSteps: 1000}}
	for _, src := range []string{
		`(loop [] (recur))`,
		`(try (loop [] (recur)) (catch e :caught))`,
		`(try (do (defn f [] (f)) (f)) (catch e :caught))`,
		`(try (reduce + (range 100000)) (catch e :caught))`,
		`(try (map (fn [x] x) (range 100000)) (catch e :caught))`,
		`(quine completion (eval (do '(try (loop [] (recur)) (catch e :caught)))))`,
		`(try (eval '(loop [] (recur))) (catch e :caught))`,
		`(try (spell-eval '(loop [] (recur))) (catch e :caught))`,
	} {
		e := runLimited(t, context.Background(), src, opts)
		if e.Msg != "Step limit exceeded: 1000 steps" || !e.Fatal {
			t.Errorf("%s: got %q fatal=%v, want fatal %q", src, e.Msg, e.Fatal, "Step limit exceeded: 1000 steps")
		}
	}
	// Within the budget the same program completes.
	_, res, err := RunProgram(context.Background(), "<eval>", []byte(`(loop [i 0] (if (< i 10) (recur (inc i)) i))`), opts)
	if err != nil || res.Value != int64(10) {
		t.Errorf("small loop: %v %v", res.Value, err)
	}
}

// TestLimitStepsBoundary: a program that needs exactly the step budget
// completes and one step less fails, and the default budget is the spec's
// 100,000,000 (language.md §12.3).
func TestLimitStepsBoundary(t *testing.T) {
	src := []byte(`(loop [i 0] (if (< i 10) (recur (inc i)) i))`)
	_, res, err := RunProgram(context.Background(), "<eval>", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := res.Steps
	if n < 10 {
		t.Fatalf("the loop took %d steps, want at least one per iteration", n)
	}
	_, res, err = RunProgram(context.Background(), "<eval>", src, Options{Limits: Limits{MaxSteps: n}})
	if err != nil || res.Value != int64(10) || res.Steps != n {
		t.Errorf("MaxSteps %d (exactly the steps needed): got %v after %d steps, %v; want 10", n, res.Value, res.Steps, err)
	}
	e := runLimited(t, context.Background(), string(src), Options{Limits: Limits{MaxSteps: n - 1}})
	if want := fmt.Sprintf("Step limit exceeded: %d steps", n-1); e.Msg != want || !e.Fatal {
		t.Errorf("MaxSteps %d (one step short): got %q fatal=%v, want fatal %q", n-1, e.Msg, e.Fatal, want)
	}
	if DefaultLimits.MaxSteps != 100_000_000 {
		t.Errorf("DefaultLimits.MaxSteps = %d, want 100000000", DefaultLimits.MaxSteps)
	}
	if got := New(context.Background(), Options{}).limits.MaxSteps; got != 100_000_000 {
		t.Errorf("an interpreter without limits gets %d steps, want 100000000", got)
	}
}

// TestLimitNesting: deep non-tail recursion hits the nesting limit, a
// fatal error, without overflowing the Go stack.
func TestLimitNesting(t *testing.T) {
	for _, src := range []string{
		`(do (defn f [n] (inc (f n))) (f 1))`,
		`(try (do (defn f [n] (inc (f n))) (f 1)) (catch e :caught))`,
		`(do (defmacro m [] '(m)) (m))`,
		`(do (defn g [n] (map g [n])) (g 1))`,
		`(do (defn h [n] [(h n)]) (h 1))`,
		// Code nested deeper than the reader allows, built as a value.
		`(eval (reduce (fn [acc _] (list 'inc acc)) 1 (range 20000)))`,
	} {
		e := runLimited(t, context.Background(), src, Options{})
		if e.Msg != "Nesting depth exceeded: 10000" || !e.Fatal {
			t.Errorf("%s: got %q fatal=%v, want fatal %q", src, e.Msg, e.Fatal, "Nesting depth exceeded: 10000")
		}
	}
	e := runLimited(t, context.Background(), `(do (defn f [n] (inc (f n))) (f 1))`, Options{Limits: Limits{MaxNesting: 50}})
	if e.Msg != "Nesting depth exceeded: 50" || !e.Fatal {
		t.Errorf("max nesting 50: got %q fatal=%v", e.Msg, e.Fatal)
	}
	// Recursion well under the limit works.
	_, res, err := RunProgram(context.Background(), "<eval>", []byte(`(do (defn f [n] (if (zero? n) 0 (inc (f (dec n))))) (f 1000))`), Options{})
	if err != nil || res.Value != int64(1000) {
		t.Errorf("(f 1000): %v %v", res.Value, err)
	}
}

// TestLimitOutput: output limits are checked before allocating, so these
// fail fast: within a budget of 1,000 steps and without allocating the
// result (measured in bytes, not in wall-clock time).
func TestLimitOutput(t *testing.T) {
	for _, src := range []string{
		`(range 1e12)`,
		`(vec (range 1e12))`,
		`(apply str (repeat 100000000 "x"))`,
		`(try (range 1e12) (catch e :caught))`,
		`(try (apply str (repeat 100000000 "x")) (catch e :caught))`,
		`(vec (repeat 20000000 1))`,
		`(strings/join "," (repeat 20000000 "ab"))`,
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e := runLimited(t, context.Background(), src, Options{Limits: Limits{MaxSteps: 1000}})
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
			t.Errorf("%s: allocated %d MiB before failing, want the limit checked first", src, n>>20)
		}
		if !e.Fatal || !strings.HasPrefix(e.Msg, "Output limit exceeded: ") {
			t.Errorf("%s: got %q fatal=%v, want fatal Output limit exceeded: …", src, e.Msg, e.Fatal)
		}
	}
}

// TestLimitCancel: a pure loop stops when the context is cancelled, with
// the typed failure Cancelled, and try does not catch it. The loop never
// ends by itself; a minute is only a hang guard (no assertion on how fast
// a loaded machine gets there).
func TestLimitCancel(t *testing.T) {
	for _, src := range []string{
		`(loop [i 0] (recur (inc i)))`,
		`(try (loop [i 0] (recur (inc i))) (catch e :caught))`,
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, _, err := RunProgram(ctx, "<eval>", []byte(src), Options{Limits: Limits{MaxSteps: 1 << 62}})
			done <- err
		}()
		time.Sleep(20 * time.Millisecond) // let the loop start
		cancel()
		var err error
		select {
		case err = <-done:
		case <-time.After(time.Minute):
			t.Fatalf("%s: still running a minute after the cancel", src)
		}
		var e *Error
		if !errors.As(err, &e) || e.Msg != "Cancelled" || !e.Fatal {
			t.Errorf("%s: got %v, want fatal Cancelled", src, err)
		}
	}
	// An already-cancelled context fails at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := runLimited(t, ctx, `(loop [i 0] (recur (inc i)))`, Options{})
	if e.Msg != "Cancelled" || !e.Fatal {
		t.Errorf("pre-cancelled: got %q fatal=%v", e.Msg, e.Fatal)
	}
}

// TestLimitDeepData: deeply nested data read at run time or given as the
// program fails cleanly (no Go stack overflow, a Spell error). Each case
// has a hang guard of two minutes: generous on a loaded machine, and the
// test asserts nothing about elapsed time.
func TestLimitDeepData(t *testing.T) {
	deep := strings.Repeat("[", 100000)
	for _, src := range []string{
		`(read-string (apply str (repeat 100000 "[")))`,
		`(read-string (str (apply str (repeat 100000 "[")) (apply str (repeat 100000 "]"))))`,
		`(read-string (str (apply str (repeat 100000 "(")) (apply str (repeat 100000 ")"))))`,
		`(read-string (str (apply str (repeat 100000 "{:a ")) (apply str (repeat 100000 "}"))))`,
		`(read-string (apply str (repeat 100000 "'")))`,
		`(pr-str (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(= (reduce (fn [acc _] [acc]) [] (range 100000)) (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(flatten (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(edit-reopen (reduce (fn [acc _] (list 'do acc)) 1 (range 100000)))`,
		`(serialize (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(eval (reduce (fn [acc _] (list 'do acc)) 1 (range 100000)))`,
		deep,
		strings.Repeat("(", 100000) + strings.Repeat(")", 100000),
		"'" + strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
	} {
		name := src
		if len(name) > 80 {
			name = name[:80] + "…"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		_, res, err := RunProgram(ctx, "<eval>", []byte(src), Options{})
		hung := ctx.Err() != nil
		cancel()
		if hung {
			t.Errorf("%s: still running after the two-minute hang guard (%v)", name, err)
			continue
		}
		if err == nil {
			// Some of these may legitimately succeed; they must not crash.
			_ = res
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Msg == "" {
			t.Errorf("%s: got %T %v, want *eval.Error with a message", name, err, err)
		}
	}
}

// TestLimitMemory: with a memory budget, a program whose live data grows
// past it stops with the fatal Memory limit error (try cannot catch it),
// whether the data comes in big strings or in many small elements; garbage
// alone does not fail a program.
func TestLimitMemory(t *testing.T) {
	const budget = 64 << 20
	opts := Options{Limits: Limits{MaxMemory: budget}}
	big := `(format "%1048576d" 0)` // one string of 1MB
	for _, src := range []string{
		// 200 strings of 1MB each, kept alive in a vector: the check before
		// each allocation sees them.
		`(let [big ` + big + `] (loop [acc [] i 0] (if (< i 200) (recur (conj acc (str big i)) (inc i)) (count acc))))`,
		`(try (let [big ` + big + `] (loop [acc [] i 0] (if (< i 200) (recur (conj acc (str big i)) (inc i)) (count acc)))) (catch e :caught))`,
		// Many small vectors: only the periodic step check sees them.
		`(loop [acc [] i 0] (if (< i 100000) (recur (conj acc (vec (range 1000))) (inc i)) (count acc)))`,
	} {
		e := runLimited(t, context.Background(), src, opts)
		if !e.Fatal || !strings.HasPrefix(e.Msg, "Memory limit exceeded: ") || !strings.HasSuffix(e.Msg, "(--max-memory 64MB)") {
			t.Errorf("%.60s…: got %q fatal=%v, want fatal Memory limit exceeded: … (--max-memory 64MB)", src, e.Msg, e.Fatal)
		}
	}
	// Within the budget: 20MB live, and 200MB of garbage made 1MB at a time.
	for src, want := range map[string]value.Value{
		`(let [big ` + big + `] (loop [acc [] i 0] (if (< i 20) (recur (conj acc (str big i)) (inc i)) (count acc))))`:       int64(20),
		`(let [big ` + big + `] (loop [n 0 i 0] (if (< i 200) (recur (+ n (count (str big i))) (inc i)) (quot n 1048576))))`: int64(200),
	} {
		_, res, err := RunProgram(context.Background(), "<eval>", []byte(src), opts)
		if err != nil || !value.Equal(res.Value, want) {
			t.Errorf("%.60s…: got %v, %v; want %v", src, res.Value, err, want)
		}
	}
}

// TestSizes: the size syntax of --max-memory and the input limits.
func TestSizes(t *testing.T) {
	for in, want := range map[string]int64{
		"4096": 4096, "512B": 512, "64KB": 64 << 10, "64KiB": 64 << 10, "512MB": 512 << 20, "512mb": 512 << 20,
		"100M": 100 << 20, "2GB": 2 << 30, "2GiB": 2 << 30, "1.5GB": 3 << 29, " 2 GB ": 2 << 30, "0": 0,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "-1MB", "2XB", "1 2MB", "iB", "1e400", "9999999999GB", "nan"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
	for in, want := range map[int64]string{512: "512 bytes", 64 << 20: "64MB", 2 << 30: "2GB", 3 << 29: "1.5GB", 70*(1<<20) + 300<<10: "70.3MB"} {
		if got := FormatSize(in); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestMemSamplerStartsAtFirstCheck: an evaluation with a memory budget
// that ends before its first memory check (run -e '(+ 1 2)') starts no
// sampler goroutine (issue 11, start-up); one that runs past a check
// starts it, and it stops when the evaluation ends.
func TestMemSamplerStartsAtFirstCheck(t *testing.T) {
	opts := Options{Limits: Limits{MaxMemory: 1 << 40}}
	starts := func() int {
		memSampler.mu.Lock()
		defer memSampler.mu.Unlock()
		return memSampler.starts
	}
	before := starts()
	if _, res, err := RunProgram(context.Background(), "<eval>", []byte(`(+ 1 2)`), opts); err != nil || res.Value != int64(3) {
		t.Fatalf("(+ 1 2): %v %v", res.Value, err)
	}
	if n := starts() - before; n != 0 {
		t.Errorf("(+ 1 2) started the sampler %d times", n)
	}
	src := `(loop [i 0] (if (< i 5000) (recur (inc i)) i))`
	if _, res, err := RunProgram(context.Background(), "<eval>", []byte(src), opts); err != nil || res.Value != int64(5000) {
		t.Fatalf("loop: %v %v", res.Value, err)
	}
	if n := starts() - before; n != 1 {
		t.Errorf("a loop of 5,000 steps started the sampler %d times, want once", n)
	}
	memSampler.mu.Lock()
	users, stop := memSampler.users, memSampler.stop
	memSampler.mu.Unlock()
	if users != 0 || stop != nil || memSampler.running.Load() {
		t.Errorf("after the evaluations: %d users, sampler running %v", users, stop != nil)
	}
}

// TestBusyCalledOnceWhenLong: Options.Busy is called once when an
// evaluation reaches its first periodic check (1,024 steps), never by a
// brief one (spell run starts its Ctrl-C watch then: issue 11, start-up).
func TestBusyCalledOnceWhenLong(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
	}{
		{`(+ 1 2)`, 0},
		{`(loop [i 0] (if (< i 100) (recur (inc i)) i))`, 0},
		{`(loop [i 0] (if (< i 100000) (recur (inc i)) i))`, 1},
	} {
		n := 0
		if _, _, err := RunProgram(context.Background(), "<eval>", []byte(tc.src), Options{Busy: func() { n++ }}); err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if n != tc.want {
			t.Errorf("%s: Busy called %d times, want %d", tc.src, n, tc.want)
		}
	}
}

// TestBusyInFuture: a long computation in a future calls Busy too, though
// its starter is brief.
func TestBusyInFuture(t *testing.T) {
	var n atomic.Int32
	src := `(eval '(future (loop [i 0] (if (< i 100000) (recur (inc i)) i))))`
	v, err := runFuture(t, src, Options{Busy: func() { n.Add(1) }})
	if err != nil || value.PrStr(v) != "100000" {
		t.Fatalf("%s = %v, %v", src, v, err)
	}
	if n.Load() == 0 {
		t.Errorf("%s: Busy never called", src)
	}
}
