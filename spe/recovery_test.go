package spe

import (
	"context"

	"fmt"
	"github.com/spell-go/spell/spe/provider"
	"math/rand"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// counterNS is an effect namespace whose one member counts its calls.
func counterNS(rt **Runtime, calls *int) *value.Map {
	tick := &eval.Builtin{Name: "fx/tick", Min: 1, Max: 1, Fn: func(c *eval.Call, args []value.Value) (value.Value, error) {
		return (*rt).Hook(c.In.Context(), "fx/tick", args, func() (value.Value, error) {
			*calls++
			if args[0] == nil {
				return nil, eval.Errorf("tick needs a value")
			}
			return value.NewMap(value.Kw("ok"), true, value.Kw("n"), args[0]), nil
		})
	}}
	return value.NewMap(value.Kw("tick"), tick)
}

func TestTrailingRecovery(t *testing.T) {
	task := "Tick then fail."
	var calls int
	p, _, v, err := runTask(t, task, map[string]string{
		"main/1": `(def a 1) '(str (fx/tick a) (undefined-fn 2)))))`,
		"main/2": `(:error _error))))`,
	}, func(r *Runtime) { r.opts.Namespaces = map[string]*value.Map{"fx": counterNS(&r, &calls)} })
	if calls != 1 {
		t.Errorf("the effect ran %d times, want 1", calls)
	}
	if err != nil {
		t.Fatal(err)
	}
	if v != "Unbound symbol: undefined-fn" {
		t.Fatalf("value %s", value.PrStr(v))
	}
	want := R(task) + `(def a 1) (quote (str (fx/tick a) (undefined-fn 2))) (def _error {:error "Unbound symbol: undefined-fn" :in (quote (undefined-fn 2)) :trace []}) (quote (!llm-self (reopen completion) {:receive? true})) `
	if got := p.prompts["main/2"]; got != want {
		t.Errorf("main/2:\n got %q\nwant %q", got, want)
	}
}

func TestInertRecoveryAndFixup(t *testing.T) {
	task := "Trim."
	p, _, v, err := runTask(t, task, map[string]string{
		"main/1": `(def x (trim "  a  ")) x)))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "a" || len(p.prompts) != 1 {
		t.Fatalf("fix-up: value %s, %d calls", value.PrStr(v), len(p.prompts))
	}
	p, _, v, err = runTask(t, task, map[string]string{
		"main/1": `(def x (/ 1 0)) x)))`,
		"main/2": `(quine task "Trim.") 7)))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != int64(7) {
		t.Fatalf("value %s", value.PrStr(v))
	}
	got := p.prompts["main/2"]
	for _, must := range []string{`(def _recovery_prompt "Your previous program failed.`, `(def _error {:error "Divide by zero", :in (quote (/ 1 0)), :trace []})`, `(prune 2) (eval (do (quote (!llm-self (reopen completion) {:receive? true})) `} {
		if !strings.Contains(got, must) {
			t.Errorf("main/2 lacks %q:\n%s", must, got)
		}
	}
}

func TestLimits(t *testing.T) {
	comps := map[string]string{}
	for i := 1; i <= 20; i++ {
		comps[fmt.Sprintf("main/%d", i)] = `'(!extend)`
	}
	_, _, _, err := runTask(t, "x", comps, func(r *Runtime) { r.opts.Limits.MaxTurns = 5 })
	if err == nil || err.Error() != "Turn limit exceeded: 5 model calls" {
		t.Fatalf("turn limit: %v", err)
	}
	comps = map[string]string{}
	for i := 1; i <= 20; i++ {
		comps[fmt.Sprintf("main/%d", i)] = `'(str (!llm-self "again"))`
	}
	_, _, _, err = runTask(t, "x", comps, func(r *Runtime) { r.opts.Limits.MaxDepth = 3 })
	if err == nil || !strings.Contains(err.Error(), "LLM recursion limit exceeded: depth 4") {
		t.Fatalf("depth limit: %v", err)
	}
	_, _, _, err = runTask(t, "x", map[string]string{"main/1": `'(!llm-self "y" {:bad 1})`}, func(r *Runtime) { r.opts.Recover = false })
	if err == nil || !strings.Contains(err.Error(), "!llm-self options must be a map with only an optional boolean :receive?") {
		t.Fatalf("options: %v", err)
	}
}

// TestEffectsNeverReplayed is the property of runtime.md §3: re-evaluating
// an edited program never re-executes an effect. Random chains of turns
// mixing !call-now, !peek, !print, persist, prune and rethink must run
// each effect exactly once however many times the program is re-evaluated.
func TestEffectsNeverReplayed(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for trial := 0; trial < 30; trial++ {
		turns := 2 + rnd.Intn(12)
		comps := map[string]string{}
		want := 0
		for i := 1; i < turns; i++ {
			var c string
			switch rnd.Intn(6) {
			case 0:
				c = fmt.Sprintf(`'(!call-now r%d (fx/tick %d))`, i, i)
				want++
			case 1:
				c = fmt.Sprintf(`'(!peek p%d (fx/tick %d))`, i, i)
				want++
			case 2:
				c = fmt.Sprintf(`(think "t%d") '(!print (fx/tick %d) (fx/tick %d))`, i, i, i+100)
				want += 2
			case 3:
				c = fmt.Sprintf(`(def v%d %d) (persist v%d) (prune 1) '(!extend)`, i, i, i)
			case 4:
				c = fmt.Sprintf(`(rethink "r%d") '(!call-now q%d [(fx/tick %d) (fx/tick %d)])`, i, i, i, -i)
				want += 2
			default:
				c = `'(!extend)`
			}
			comps[fmt.Sprintf("main/%d", i)] = c
		}
		comps[fmt.Sprintf("main/%d", turns)] = `:done`
		var calls int
		var rt *Runtime
		p := &scripted{completions: comps, prompts: map[string]string{}}
		opts := Options{Provider: p, Recover: false, Limits: DefaultLimits}
		rt = New(opts)
		rt.opts.Namespaces = map[string]*value.Map{"fx": counterNS(&rt, &calls)}
		v, err := rt.Run(t.Context(), "<task>", []byte(Task("property")))
		if err != nil {
			t.Fatalf("trial %d: %v\n%v", trial, err, comps)
		}
		if v != value.Kw("done") {
			t.Fatalf("trial %d: value %s", trial, value.PrStr(v))
		}
		if calls != want || rt.Stats().Effects["fx/tick"] != want {
			t.Fatalf("trial %d: %d effect executions (hook saw %d), want %d\n%v", trial, calls, rt.Stats().Effects["fx/tick"], want, comps)
		}
	}
}

// TestFixupKeepsStreak: a namespace fix-up neither counts as a failure nor
// resets the consecutive-error streak (runtime.md §5.2, §5.6).
func TestFixupKeepsStreak(t *testing.T) {
	_, rt, v, err := runTask(t, "x", map[string]string{
		"main/1": `(def x (/ 1 0)) x)))`,
		"main/2": `(trim " a "))))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "a" {
		t.Fatalf("value %s", value.PrStr(v))
	}
	if s := rt.Stats(); s.ConsecutiveMax != 1 || s.ConsecutiveFinal != 1 {
		t.Fatalf("consecutive max=%d final=%d, want 1 and 1", s.ConsecutiveMax, s.ConsecutiveFinal)
	}
}

// usageProvider answers '(!extend) with a fixed usage per call.
type usageProvider struct{ calls int }

func (p *usageProvider) Name() string { return "usage" }

func (p *usageProvider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	p.calls++
	return &provider.Response{Suffix: `'(!extend)`, Usage: provider.Usage{UncachedInput: 600, VisibleOutput: 400}}, nil
}

// TestSpendLimits: the call that crosses the budget (or the token budget)
// ends the run, with the spec's message (runtime.md §7).
func TestSpendLimits(t *testing.T) {
	for _, c := range []struct {
		lim  Limits
		want string
	}{
		{Limits{Budget: 0.01}, "Budget exceeded: $0.0120 spent (limit $0.01)"},
		{Limits{MaxTotalTokens: 1500}, "Token budget exceeded: 2000 tokens (limit 1500)"},
	} {
		p := &usageProvider{}
		c.lim.MaxConsecutiveErrors = 3
		rt := New(Options{Provider: p, Limits: c.lim, Cost: func(string, provider.Usage) (float64, bool) { return 0.006, true }})
		_, err := rt.Run(context.Background(), "<task>", []byte(Task("spend")))
		if err == nil || err.Error() != c.want {
			t.Fatalf("got %v, want %q", err, c.want)
		}
		if p.calls != 2 {
			t.Fatalf("%d calls, want 2 (the second crosses the limit)", p.calls)
		}
	}
}

// TestErrorHintForModel: the model's _error carries the same did-you-mean
// as spell run prints (issue 9: one did-you-mean everywhere).
func TestErrorHintForModel(t *testing.T) {
	task := "Count."
	p, _, v, err := runTask(t, task, map[string]string{
		"main/1": `(def v [1 2 3]) '(lenght v))))`,
		"main/2": `(:error _error))))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "Unbound symbol: lenght (did you mean count?)" {
		t.Fatalf("value %s", value.PrStr(v))
	}
	if got := p.prompts["main/2"]; !strings.Contains(got, `(def _error {:error "Unbound symbol: lenght (did you mean count?)" :in (quote (lenght v))`) {
		t.Errorf("main/2 lacks the hint:\n%s", got)
	}
}
