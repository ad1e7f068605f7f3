package spe

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
)

// scripted is a provider that serves completions by handle and call
// number and records the prompts it was asked.
type scripted struct {
	completions map[string]string
	prompts     map[string]string
}

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	key := fmt.Sprintf("%s/%d", req.Handle, req.CallNumber)
	s.prompts[key] = req.Prefix
	c, ok := s.completions[key]
	if !ok {
		return nil, &provider.Error{Provider: "scripted", Msg: "no completion for " + key}
	}
	return &provider.Response{Suffix: c}, nil
}

func runTask(t *testing.T, task string, completions map[string]string, mut func(*Runtime)) (*scripted, *Runtime, value.Value, error) {
	t.Helper()
	p := &scripted{completions: completions, prompts: map[string]string{}}
	opts := Options{Provider: p, Transport: provider.Prefill, Recover: true, Limits: DefaultLimits}
	rt := New(opts)
	if mut != nil {
		mut(rt)
	}
	v, err := rt.Run(context.Background(), "<task>", []byte(Task(task)))
	return p, rt, v, err
}

func R(task string) string {
	return `(quine completion (eval (do (quine prompt "` + value.EscapeString(task) + `") (quote (!extend)) `
}

func TestExtensionChainS03(t *testing.T) {
	task := "Compute 6 times 7, then add 1, then report both numbers and their sum."
	p, rt, v, err := runTask(t, task, map[string]string{
		"main/1": `(think "Step 1: compute n.") '(!call-now n (* 6 7)))))`,
		"main/2": `'(!call-now m (+ n 1)))))`,
		"main/3": `'(!print (+ n m)))))`,
		"main/4": `(str "n=" n " m=" m " sum=" (+ n m)))))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "n=42 m=43 sum=85" {
		t.Fatalf("value %s", value.PrStr(v))
	}
	want := map[string]string{
		"main/1": R(task),
		"main/2": R(task) + `(think "Step 1: compute n.") (quote (!call-now n (* 6 7))) (def n 42) `,
		"main/3": R(task) + `(think "Step 1: compute n.") (quote (!call-now n (* 6 7))) (def n 42) (quote (!call-now m (+ n 1))) (def m 43) `,
		"main/4": R(task) + `(think "Step 1: compute n.") (quote (!call-now n (* 6 7))) (def n 42) (quote (!call-now m (+ n 1))) (def m 43) (quote (!print (+ n m))) 85 `,
	}
	for k, w := range want {
		if p.prompts[k] != w {
			t.Errorf("%s prompt:\n got %q\nwant %q", k, p.prompts[k], w)
		}
	}
	if s := rt.Stats(); s.Calls["main"] != 4 || s.MaxDepth != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestThinkRethinkS04(t *testing.T) {
	task := "Find the sum of 1..100 and twice the average of 1..100. Use think for reasoning."
	p, _, v, err := runTask(t, task, map[string]string{
		"main/1": `(think "Sum 1..n is n*(n+1), so 10100." (def total (* 100 101))) (rethink "Correction: sum 1..n is n*(n+1)/2." (def total (/ (* 100 101) 2))) '(!extend))))`,
		"main/2": `(think "Twice the average is total/50.") {:total total :twice-average (/ total 50)})))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := value.PrStr(v); got != "{:total 5050, :twice-average 101}" {
		t.Fatalf("value %s", got)
	}
	want := R(task) + `(think "Correction: sum 1..n is n*(n+1)/2." (def total (/ (* 100 101) 2))) (quote (!extend)) `
	if p.prompts["main/2"] != want {
		t.Errorf("main/2:\n got %q\nwant %q", p.prompts["main/2"], want)
	}
}

func TestSelfCallS01(t *testing.T) {
	task := "Return Hello followed by a space and the word a child returns."
	p, rt, v, err := runTask(t, task, map[string]string{
		"main/1": `'(str "Hello " (!llm-self "Return the single word World as a string.")))))`,
		"main/2": `"World")))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != "Hello World" {
		t.Fatalf("value %s", value.PrStr(v))
	}
	if w := `(quine completion (eval (do (quine prompt "Return the single word World as a string.") `; p.prompts["main/2"] != w {
		t.Errorf("main/2 %q", p.prompts["main/2"])
	}
	if rt.Stats().MaxDepth != 1 {
		t.Errorf("max depth %d", rt.Stats().MaxDepth)
	}
	// S01b: the child's own failure, recovery disabled: the run fails.
	_, rt, _, err = runTask(t, task, map[string]string{
		"main/1": `(def secret 7) '(str "Hello " (!llm-self "Return the value of secret.")))))`,
		"main/2": `secret)))`,
	}, func(r *Runtime) { r.opts.Recover = false })
	if err == nil || !strings.Contains(err.Error(), "Unbound symbol: secret") {
		t.Fatalf("S01b error %v", err)
	}
	if rt.Stats().Calls["main"] != 2 {
		t.Errorf("S01b calls %v", rt.Stats().Calls)
	}
}

func TestReaderRecoveryS07(t *testing.T) {
	task := "Return the sum of 1, 2 and 3."
	p, rt, v, err := runTask(t, task, map[string]string{
		"main/1": `(def xs [1 2 3) '(!extend))))`,
		"main/2": `(quine task "Return the sum of 1, 2 and 3.") (quine context-summary "The first attempt had a bracket typo; no effects ran.") (reduce + [1 2 3]))))`,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != int64(6) {
		t.Fatalf("value %s", value.PrStr(v))
	}
	want := `(quine completion "(quine completion (eval (do (quine prompt \"Return the sum of 1, 2 and 3.\") (quote (!extend)) (def xs [1 2 3) '(!extend))))" (do (def _recovery_prompt "` + value.EscapeString(RecoveryText) + `") (def _error {:error "Reader error: Unmatched delimiter: )", :line 1, :column 108})) (prune 2) (eval (do (quote (!llm-self (reopen completion) {:receive? true})) `
	if p.prompts["main/2"] != want {
		t.Errorf("main/2:\n got %q\nwant %q", p.prompts["main/2"], want)
	}
	if s := rt.Stats(); s.ConsecutiveMax != 1 || s.ConsecutiveFinal != 0 {
		t.Errorf("consecutive %d/%d", s.ConsecutiveMax, s.ConsecutiveFinal)
	}
	bad := `(def xs [1 2 3) '(!extend))))`
	_, rt, _, err = runTask(t, task, map[string]string{"main/1": bad, "main/2": bad, "main/3": bad, "main/4": bad}, nil)
	if err == nil || err.Error() != "Consecutive error limit reached: 3 while handling reader error" {
		t.Fatalf("S07b error %v", err)
	}
	if rt.Stats().Calls["main"] != 3 {
		t.Errorf("S07b calls %v", rt.Stats().Calls)
	}
}

func TestTrampolineFlat(t *testing.T) {
	const n = 2000
	comps := map[string]string{}
	for i := 1; i < n; i++ {
		comps[fmt.Sprintf("main/%d", i)] = `(prune 1) '(!extend)`
	}
	comps[fmt.Sprintf("main/%d", n)] = `:done`
	_, rt, v, err := runTask(t, "loop", comps, func(r *Runtime) { r.opts.Limits.MaxTurns = 0 })
	if err != nil {
		t.Fatal(err)
	}
	if v != value.Kw("done") || rt.Stats().Calls["main"] != n || rt.Stats().MaxDepth != 0 {
		t.Fatalf("value %v stats %+v", v, rt.Stats())
	}
}
