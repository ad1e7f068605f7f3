package eval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// futureCtx bounds a test that waits for futures (a hang guard, never an
// assertion on time).
func futureCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runFuture evaluates src, whose value must be a future token, and waits
// for the future from Go (an agent's runner may not block on it).
func runFuture(t *testing.T, src string, opts Options) (value.Value, error) {
	t.Helper()
	_, res, err := RunProgram(futureCtx(t), "<test>", []byte(src), opts)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	w, ok := AwaitableOf(res.Value)
	if !ok {
		t.Fatalf("%s: %s is not a future token", src, value.PrStr(res.Value))
	}
	return w.Result()
}

func TestBlockingInsideFutureUnderEval(t *testing.T) {
	cases := map[string]string{
		`(eval '(future (blocking/await (future (+ 1 2)))))`:                                               "3",
		`(eval '(future (blocking/await-all [(future 1) (future 2) (future 3)])))`:                         "[1 2 3]",
		`(eval '(future (blocking/pmap (fn [x] (* x x)) (range 10))))`:                                     "[0 1 4 9 16 25 36 49 64 81]",
		`(eval '(future (blocking/pmap inc [])))`:                                                          "[]",
		`(eval '(future (blocking/plet [a (+ 1 2) b (* 2 3)] [a b])))`:                                     "[3 6]",
		`(eval '(future (blocking/await (future (blocking/await (future :nested))))))`:                     ":nested",
		`(eval '(future (eval '(blocking/await (future 7)))))`:                                             "7",
		`(eval '(future (let [f (fn [t] (blocking/await t))] (f (future 5)))))`:                            "5",
		`(eval '(future (try (blocking/await (future (throw "boom"))) (catch e (:message e)))))`:           `"Function call failed: blocking/await: boom"`,
		`(eval '(future (try (blocking/await-all [(future 1) (future (throw "b2"))]) (catch e :caught))))`: ":caught",
		`(eval '(future (fn? blocking/await)))`:                                                            "true",
		`(eval '(future (string? (:short-docs blocking))))`:                                                "true",
	}
	for src, want := range cases {
		v, err := runFuture(t, src, Options{})
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := value.PrStr(v); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

func TestBlockingGatedOutsideFutures(t *testing.T) {
	const gated = "blocking/await: blocking/ is only available inside (future ...) blocks"
	for _, src := range []string{
		`(blocking/await (future 1))`,
		`(eval '(blocking/await (future 1)))`,
		`(eval '(blocking/plet [a 1] a))`,
	} {
		_, err := EvalString(src)
		if err == nil || !strings.Contains(err.Error(), gated) {
			t.Errorf("%s: %v, want %q", src, err, gated)
		}
	}
	// a future started from the pure part does not get blocking/
	_, err := runFuture(t, `(future (blocking/await (future 1)))`, Options{})
	if err == nil || !strings.Contains(err.Error(), gated) {
		t.Errorf("pure future: %v", err)
	}
}

func TestFutureErrorReraised(t *testing.T) {
	_, err := runFuture(t, `(eval '(future (blocking/await (future (throw "boom")))))`, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Fatal || e.Msg != "Function call failed: blocking/await: boom" {
		t.Fatalf("err = %#v", err)
	}
	// the first failing element's error, whatever the schedule
	for i := 0; i < 20; i++ {
		_, err := runFuture(t, `(eval '(future (blocking/pmap (fn [x] (if (> x 3) (throw (str "bad " x)) x)) (range 50))))`, Options{})
		if err == nil || !strings.Contains(err.Error(), "bad 4") {
			t.Fatalf("pmap error = %v, want the one of element 4", err)
		}
	}
}

// A blocking helper that leaked out of a future fails on the runner
// instead of blocking the turn.
func TestLeakedBlockingHelperOnRunner(t *testing.T) {
	ctx := futureCtx(t)
	for member, args := range map[string]string{"await": "(future 1)", "await-all": "[(future 1)]", "pmap": "inc [1]", "request": ":main", "send-await": ":main 1"} {
		leaked, err := runFuture(t, `(eval '(future blocking/`+member+`))`, Options{})
		if err != nil {
			t.Fatal(err)
		}
		in := New(ctx, Options{})
		env := PipelineEnv().Bind(value.Sym("h"), leaked)
		form, _ := ReadString(`[(try (h ` + args + `) (catch e (:message e))) (eval '(try (h ` + args + `) (catch e (:message e))))]`)
		v, _, err := in.Eval(form, env)
		if err != nil {
			t.Fatal(err)
		}
		want := "blocking/" + member + " would block the agent turn; use !ask-await"
		for _, x := range v.(*value.Vector).Slice() {
			if !strings.Contains(value.Str(x), want) {
				t.Errorf("%s on the runner: %s, want %q", member, value.Str(x), want)
			}
		}
	}
	_, err := runFuture(t, `(eval '(future (blocking/request :main 1)))`, Options{})
	if err == nil || !strings.Contains(err.Error(), "needs the run's agents coordinator") {
		t.Errorf("request without a runtime: %v", err)
	}
}

// effectsWith binds extra effect values (and the runtime's blocking
// members) for a test.
type effectsWith map[*value.Symbol]value.Value

func (e effectsWith) Bindings() map[*value.Symbol]value.Value { return e }

func TestContextChecksAndRuntimeBlockingMembers(t *testing.T) {
	runnerOnly := NewFn("runner-only", func(c *Call, a []value.Value) (value.Value, error) {
		if err := NotInFuture(c, "!llm-self"); err != nil {
			return nil, err
		}
		return "ran", nil
	})
	req := &Builtin{Name: "blocking/request", Min: 1, Max: 2, Fn: func(c *Call, a []value.Value) (value.Value, error) {
		if err := BlockingOnly(c, "blocking/request"); err != nil {
			return nil, err
		}
		ref := &futureRef{done: make(chan struct{}), val: value.NewVector([]value.Value{a[0], "answered"})}
		close(ref.done)
		return Token(ref, value.Kw("edge-id"), int64(1)), nil
	}}
	opts := Options{Effects: effectsWith{
		value.Sym("runner-only"): runnerOnly,
		symBlocking:              value.NewMap(value.Kw("request"), req),
	}}
	_, res, err := RunProgram(futureCtx(t), "<t>", []byte(`(eval '(runner-only))`), opts)
	if err != nil || res.Value != "ran" {
		t.Fatalf("on the runner: %v %v", res.Value, err)
	}
	_, err = runFuture(t, `(eval '(future (runner-only)))`, opts)
	if !errors.Is(err, ErrInFuture) || !strings.Contains(err.Error(), "!llm-self is not available inside a computation future") {
		t.Fatalf("in a future: %v", err)
	}
	v, err := runFuture(t, `(eval '(future [(blocking/await (blocking/request :main)) (:edge-id (blocking/request :x))]))`, opts)
	if err != nil || value.PrStr(v) != `[[:main "answered"] 1]` {
		t.Fatalf("runtime request: %v %v", value.PrStr(v), err)
	}
	// the runtime's blocking map is not bound outside futures
	_, _, err = RunProgram(futureCtx(t), "<t>", []byte(`(eval '(blocking/request :main))`), opts)
	if err == nil || !strings.Contains(err.Error(), "only available inside (future ...) blocks") {
		t.Fatalf("outside a future: %v", err)
	}
}

func TestAwaitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, res, err := RunProgram(ctx, "<t>", []byte(`(eval '(future (blocking/await (future (loop [] (recur))))))`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	w, _ := AwaitableOf(res.Value)
	if _, err := w.Result(); !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
}

// Futures draw random numbers from their own generators (-race) and a
// future's panic is an error, not a crash.
func TestFuturesOwnRandomness(t *testing.T) {
	v, err := runFuture(t, `(eval '(future (count (blocking/pmap (fn [_] (blocking/await (future (rand-int 10)))) (range 200)))))`, Options{Seed: 1})
	if err != nil || v != int64(200) {
		t.Fatalf("%v %v", v, err)
	}
	a, _ := runFuture(t, `(eval '(future (blocking/await-all [(future (rand)) (future (rand))])))`, Options{Seed: 7})
	b, _ := runFuture(t, `(eval '(future (blocking/await-all [(future (rand)) (future (rand))])))`, Options{Seed: 7})
	if value.PrStr(a) != value.PrStr(b) {
		t.Fatalf("same seed, different futures' randomness: %s vs %s", value.PrStr(a), value.PrStr(b))
	}
}

type ownerKey struct{}

func TestFutureContextRecordsOwner(t *testing.T) {
	owner := NewFn("owner", func(c *Call, a []value.Value) (value.Value, error) {
		v, _ := c.In.Context().Value(ownerKey{}).(string)
		return v, nil
	})
	starts := 0
	opts := Options{Effects: effectsWith{value.Sym("owner"): owner}, FutureContext: func(ctx context.Context) context.Context {
		starts++
		if ctx.Value(ownerKey{}) != nil {
			return ctx // a future of a future keeps the computation's owner
		}
		return context.WithValue(ctx, ownerKey{}, "main#1")
	}}
	v, err := runFuture(t, `(eval '(future [(owner) (blocking/await (future (owner)))]))`, opts)
	if err != nil || value.PrStr(v) != `["main#1" "main#1"]` || starts != 2 {
		t.Fatalf("%s %v starts=%d", value.PrStr(v), err, starts)
	}
	_, res, err := RunProgram(futureCtx(t), "<t>", []byte(`[(eval '(owner)) (:spell/future (future 1))]`), opts)
	if err != nil || value.PrStr(res.Value) != `["" true]` || starts != 2 {
		t.Fatalf("runner / pure future: %s %v starts=%d", value.PrStr(res.Value), err, starts)
	}
}
