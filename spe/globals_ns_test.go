package spe

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// globalsRuntime is a runtime granting the globals namespace.
func globalsRuntime() *Runtime {
	rt := New(Options{Limits: DefaultLimits})
	rt.opts.Namespaces = map[string]*value.Map{"globals": rt.globalsNamespace()}
	return rt
}

// runGlobals runs a program under a generous hang guard.
func runGlobals(t *testing.T, rt *Runtime, program string) (value.Value, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return rt.Run(ctx, "<test>", []byte(program))
}

func TestGlobalsIncrementsFromFuturesLoseNothing(t *testing.T) {
	rt := globalsRuntime()
	v, err := runGlobals(t, rt, `(eval '(do
	  (vec (map (fn [_] (future (globals/update :n (fnil + 0) 1))) (range 100)))
	  [(globals/wait-until (fn [m] (= 100 (:n m)))) (globals/get :n)]))`)
	if err != nil || value.PrStr(v) != "[true 100]" {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
}

func TestGlobalsPopClaimsEachItemOnce(t *testing.T) {
	rt := globalsRuntime()
	v, err := runGlobals(t, rt, `(eval '(do
	  (globals/set :tasks (vec (range 300)))
	  (vec (map (fn [w]
	    (future (loop [] (when-let [x (globals/pop :tasks)] (globals/update :claimed (fnil conj []) x) (recur))))) (range 8)))
	  (globals/wait-until (fn [m] (= 300 (count (:claimed m)))))
	  (let [c (globals/get :claimed)] [(count c) (count (set c)) (= (set c) (set (range 300))) (globals/pop :tasks)])))`)
	if err != nil || value.PrStr(v) != "[300 300 true nil]" {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
}

func TestGlobalsMembers(t *testing.T) {
	rt := globalsRuntime()
	v, err := runGlobals(t, rt, `(eval '[(globals/get :a) (globals/set :a 1) (globals/update :a + 10 100) (globals/keys) (globals/all)
	  (globals/set :l '(1 2)) (globals/pop :l) (globals/get :l) (globals/pop :l) (globals/pop :l)
	  (globals/wait-until :a) (globals/wait-until :never {:timeout-ms 0}) (globals/wait-until (fn [m] (:never m)) {:timeout-ms 5})
	  (string? (:short-docs globals))])`)
	want := `[nil 1 111 [:a] {:a 111} (1 2) 1 (2) 2 nil true false false true]`
	if err != nil || value.PrStr(v) != want {
		t.Fatalf("%s %v\nwant %s", value.PrStr(v), err, want)
	}
	for src, msg := range map[string]string{
		`(eval '(globals/wait-until :a {:timeout 5}))`:      msgWaitOptions,
		`(eval '(globals/wait-until :a {:timeout-ms -1}))`:  msgWaitOptions,
		`(eval '(do (globals/set :n 3) (globals/pop :n)))`:  "globals/pop: the value under :n is not a list or vector (a number)",
		`(eval '(globals/update :n (fn [x] (throw "no"))))`: "globals/update: no",
		`(globals/get :a)`: "globals/ is an effect namespace",
	} {
		_, err := runGlobals(t, globalsRuntime(), src)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", src, err, msg)
		}
	}
}

func TestGlobalsWaitUntilCancelledByRun(t *testing.T) {
	rt := globalsRuntime()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// cancel once the runner is blocked in wait-until
		for rt.globalsStore().Get(value.Kw("waiting")) == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := rt.Run(ctx, "<t>", []byte(`(eval '(do (globals/set :waiting true) (globals/wait-until :never)))`))
	if !errors.Is(err, eval.ErrCancelled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
}

func TestGlobalsSeparatePerRun(t *testing.T) {
	a, b := globalsRuntime(), globalsRuntime()
	if _, err := runGlobals(t, a, `(eval '(globals/set :x 1))`); err != nil {
		t.Fatal(err)
	}
	v, err := runGlobals(t, b, `(eval '[(globals/get :x) (globals/all)])`)
	if err != nil || value.PrStr(v) != "[nil {}]" {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
	// and the same store across the runtime's namespaces bound twice
	v, err = runGlobals(t, a, `(eval '(globals/get :x))`)
	if err != nil || v != int64(1) {
		t.Fatalf("%v %v", v, err)
	}
}

// !llm-self refuses to run inside a computation future (runtime.md §3.1
// step 2): no model call is made.
func TestLLMSelfRefusedInFuture(t *testing.T) {
	_, rt, v, err := runTask(t, "t", map[string]string{
		"main/1": `'(do (future (globals/set :r (try (!llm-self "x") (catch e (:message e))))) (globals/wait-until :r) (globals/get :r)))))`,
	}, func(rt *Runtime) { rt.opts.Namespaces = map[string]*value.Map{"globals": rt.globalsNamespace()} })
	want := "!llm-self is not available inside a computation future"
	if err != nil || !strings.Contains(value.Str(v), want) {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
	if n := rt.Stats().Calls["main"]; n != 1 {
		t.Fatalf("model calls %d, want 1", n)
	}
}
