package spe

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/trace"
	"github.com/spell-go/spell/spe/transcript"
)

// agentRun is one replayed multi-agent run.
type agentRun struct {
	rt      *Runtime
	v       value.Value
	err     error
	prompts map[string]string // handle/n → prompt, in call order
	order   []string          // handle/n in call order
	dir     string            // trace directory
}

// runAgents replays archive (a transcript) under the deterministic
// scheduler with the agents and globals namespaces granted, and a trace. mut adjusts
// the options.
func runAgents(t *testing.T, archive, task string, mut func(*Options)) *agentRun {
	t.Helper()
	tr, err := transcript.Parse(filepath.Join(t.TempDir(), "t.txtar"), []byte(archive))
	if err != nil {
		t.Fatal(err)
	}
	p := replay.New(tr, true)
	p.Update = false
	p.Sleep = virtualSleep
	dir := filepath.Join(t.TempDir(), "run")
	w, err := trace.Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &agentRun{prompts: map[string]string{}, dir: dir}
	opts := Options{Provider: p, Transport: "pf", Recover: false, Limits: DefaultLimits, Virtual: true, Trace: w,
		Record: func(h string, n int, prompt, completion string) error {
			k := h + "/" + itoa(n)
			r.prompts[k] = prompt
			r.order = append(r.order, k)
			return nil
		}}
	if mut != nil {
		mut(&opts)
	}
	r.rt = New(opts)
	r.rt.opts.Namespaces = map[string]*value.Map{"agents": r.rt.agentsNamespace(), "globals": r.rt.globalsNamespace()}
	for name, ns := range opts.Namespaces {
		r.rt.opts.Namespaces[name] = ns
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard only
	defer cancel()
	r.v, r.err = r.rt.Run(ctx, "<task>", []byte(Task(task)))
	w.Close()
	return r
}

func itoa(n int) string { return value.PrStr(int64(n)) }

func (r *agentRun) want(t *testing.T, want string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("run failed: %v\ncalls %v", r.err, r.order)
	}
	if got := value.PrStr(r.v); got != want {
		t.Fatalf("value %s, want %s\ncalls %v", got, want, r.order)
	}
}

// events returns the run's trace events.
func (r *agentRun) events(t *testing.T) []trace.Event {
	t.Helper()
	run, err := trace.Open(r.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := run.Events()
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func noLeak(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
}

const s09 = `
-- main/1.completion --
'(agents/!spawn-ask [["You are bidder A. Return one integer bid." :bidder-a] ["You are bidder B. Return one integer bid." :bidder-b] ["You are bidder C. Return one integer bid." :bidder-c]]))))
-- bidder-a/1.completion --
300)))
-- bidder-b/1.completion --
700)))
-- bidder-c/1.completion --
500)))
-- main/2.completion --
(let [bids (:body msg-1) best (apply max-key :body bids)] {:winner (:from best) :bid (:body best) :bids (map :body bids)}))))
`

const s09Task = "Run a sealed-bid auction among three bidder agents and report the winner."

// TestAgentsS09: the fan-out of scenario S09 in-process: value, calls per
// handle, every event carries a handle, agent events are traced, and the
// prompts are the same on every run.
func TestAgentsS09(t *testing.T) {
	noLeak(t)
	var first map[string]string
	for i := range 5 {
		r := runAgents(t, s09, s09Task, nil)
		r.want(t, `{:winner :bidder-b, :bid 700, :bids [300 700 500]}`)
		st := r.rt.Stats()
		if st.Calls["main"] != 2 || st.Calls["bidder-a"] != 1 || len(st.Calls) != 4 {
			t.Fatalf("calls %v", st.Calls)
		}
		if !strings.Contains(r.prompts["main/2"], `(def msg-1 (quote {:from [:bidder-a :bidder-b :bidder-c] :edge-id 1 :body [{:from :bidder-a :body 300} {:from :bidder-b :body 700} {:from :bidder-c :body 500}]}))`) {
			t.Fatalf("main/2 prompt %s", r.prompts["main/2"])
		}
		if i == 0 {
			first = r.prompts
			agentEvents := 0
			for _, e := range r.events(t) {
				if e.Ev == trace.EvRunStart || e.Ev == trace.EvRunEnd {
					continue
				}
				if e.Handle() == "" {
					t.Errorf("event without handle: %+v", e)
				}
				if e.Ev == trace.EvAgent {
					agentEvents++
				}
			}
			if agentEvents == 0 {
				t.Error("no agent events traced")
			}
			continue
		}
		for k, p := range first {
			if r.prompts[k] != p {
				t.Fatalf("run %d: prompt %s differs", i, k)
			}
		}
	}
}

// TestAgentsS09b: bidder A answers last (virtual delay): target order is
// kept, main is woken once, and no wall-clock time is spent on the delay.
func TestAgentsS09b(t *testing.T) {
	noLeak(t)
	r := runAgents(t, s09+"-- bidder-a/1.delay --\n1h\n", s09Task, nil)
	r.want(t, `{:winner :bidder-b, :bid 700, :bids [300 700 500]}`)
	if got := strings.Join(r.order, " "); got != "main/1 bidder-b/1 bidder-c/1 bidder-a/1 main/2" && got != "main/1 bidder-a/1 bidder-b/1 bidder-c/1 main/2" {
		t.Fatalf("call order %s", got)
	}
	if r.rt.multi.sched.Now() != time.Hour {
		t.Fatalf("virtual clock %v", r.rt.multi.sched.Now())
	}
}

// TestAgentsSpawnThenAsk: a spawned child gets the request before its
// first turn (startup receipt), answers it, and main resumes with the
// report.
func TestAgentsSpawnThenAsk(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "You double numbers." :w) (agents/!ask :w 21)))))
-- w/1.completion --
'(agents/reply msg-1 (* 2 (:body msg-1))))))
-- main/2.completion --
(:body msg-2))))
`, "double 21", nil)
	r.want(t, "42")
	if want := `(think "[startup: msg-1 arrived before your first turn]") (def msg-1 (quote {:from :main :expects-response true :edge-id 1 :body 21})) (quote (!extend)) `; !strings.HasSuffix(r.prompts["w/1"], want) {
		t.Fatalf("w/1 prompt %s", r.prompts["w/1"])
	}
	if want := `(think "[wait resumed: msg-2 arrived]") (def msg-2 (quote {:from :w :edge-id 1 :body 42})) (quote (!extend)) `; !strings.HasSuffix(r.prompts["main/2"], want) {
		t.Fatalf("main/2 prompt %s", r.prompts["main/2"])
	}
}

// TestAgentsAskEachOther: two agents ask each other at once; the sleep
// rule lets neither deadlock.
func TestAgentsAskEachOther(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask [["A" :a] ["B" :b]]))))
-- a/1.completion --
'(agents/!ask :b "from a"))))
-- b/1.completion --
'(agents/!ask :a "from b"))))
-- a/2.completion --
'(do (agents/reply msg-2 "a answers") (agents/!wait))))))
-- b/2.completion --
'(do (agents/reply msg-1 "b answers") (str "b got " (:body msg-3))))))
-- a/3.completion --
(str "a got " (:body msg-4)))))
-- main/2.completion --
(map :body (:body msg-5)))))
`, "ask each other", nil)
	r.want(t, `["a got b answers" "b got a answers"]`)
}

// TestAgentsStaleReply: a reply to a cancelled request is a silent no-op;
// the live request's reply reaches main.
func TestAgentsStaleReply(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "W" :w) (agents/cancel (agents/ask :w 1)) (agents/!ask :w 2)))))
-- w/1.completion --
'(do (agents/reply msg-1 :stale) (agents/reply msg-2 :fresh)))))
-- main/2.completion --
(:body msg-3))))
`, "stale", nil)
	r.want(t, ":fresh")
}

// TestAgentsChildFails: a child whose lifecycle fails fills its slot with
// child-failure data; the run goes on.
func TestAgentsChildFails(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask "fail" :c))))
-- c/1.completion --
'(throw "boom"))))
-- main/2.completion --
(let [f (:body msg-1)] [(:spell/child-failure f) (:handle f) (:phase f) (:message (:exception f))]))))
`, "child fails", nil)
	r.want(t, `[true :c :lifecycle "Function call failed: eval: boom"]`)
}

// TestAgentsChildPanics: a Go panic on a child's runner becomes
// child-failure data, not a crash.
func TestAgentsChildPanics(t *testing.T) {
	noLeak(t)
	boom := value.NewMap(value.Kw("now"), &eval.Builtin{Name: "boom/now", Fn: func(*eval.Call, []value.Value) (value.Value, error) {
		panic("kaboom")
	}})
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask "panic" :c))))
-- c/1.completion --
'(boom/now))))
-- main/2.completion --
(let [f (:body msg-1)] [(:spell/child-failure f) (:handle f)]))))
`, "child panics", func(o *Options) { o.Namespaces = map[string]*value.Map{"boom": boom} })
	r.want(t, `[true :c]`)
}

// TestAgentsCapacity: past --max-edges an ask is refused atomically with
// the spec's message.
func TestAgentsCapacity(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(try (do (agents/spawn "W" :w) (agents/ask :w 1) (agents/ask :w 2)) (catch e (ex-message e))))))
`, "capacity", func(o *Options) { o.MaxEdges = 1 })
	r.want(t, `"Function call failed: agents/ask: Coordinator capacity exceeded: 1 pending edges"`)
}

// TestAgentsTimeout: a child that never answers (an endless loop) is ended
// by the run's timeout; the run reports the timeout and leaves no runner
// behind.
func TestAgentsTimeout(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask "loop" :c))))
-- c/1.completion --
'(loop [] (recur)))))
`, "timeout", func(o *Options) { o.Limits.Timeout = 200 * time.Millisecond })
	if r.err == nil || r.err.Error() != "Run timed out after 200ms" {
		t.Fatalf("err %v", r.err)
	}
}

// TestAgentsBadTargets: a message to an unknown handle and a reply to
// nobody are catchable errors with clear messages.
func TestAgentsBadTargets(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'[(try (agents/send :nobody 1) (catch e (ex-message e))) (try (agents/reply {:body 1} 2) (catch e (ex-message e))) (try (agents/!ask :nobody 1) (catch e (ex-message e)))])))
`, "bad targets", nil)
	r.want(t, `["Function call failed: agents/send: Unknown agent handle: :nobody" "Function call failed: agents/reply: agents/reply: the message has no :from handle" "Function call failed: agents/!ask: Unknown agent handle: :nobody"]`)
}

// TestAgentsCycle: a asks b, b asks c, c asks a: the sleep rule keeps the
// cycle from deadlocking and every answer arrives.
func TestAgentsCycle(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask [["A" :a] ["B" :b] ["C" :c]]))))
-- a/1.completion --
'(agents/!ask :b "a?"))))
-- b/1.completion --
'(agents/!ask :c "b?"))))
-- c/1.completion --
'(agents/!ask :a "c?"))))
-- a/2.completion --
'(do (agents/reply msg-3 "a!") (agents/!wait))))))
-- c/2.completion --
'(do (agents/reply msg-2 "c!") (str "c<" (:body msg-4)))))))
-- b/2.completion --
'(do (agents/reply msg-1 "b!") (str "b<" (:body msg-5))))))
-- a/3.completion --
(str "a<" (:body msg-6)))))
-- main/2.completion --
(map :body (:body msg-7)))))
`, "cycle", nil)
	r.want(t, `["a<b!" "b<c!" "c<a!"]`)
}

// TestAgentsRegister: a registered agent is dormant (no model call) until
// its first message, which it receives with the dormant label.
func TestAgentsRegister(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/register :d "(quine completion (eval (do (quine prompt \"D\") (quote (!extend)))))") (agents/!ask :d 5)))))
-- d/1.completion --
(* 2 (:body msg-1)))))
-- main/2.completion --
(:body msg-2))))
`, "register", nil)
	r.want(t, "10")
	if want := `(think "[dormant resumed: msg-1 arrived; new lifecycle]") (def msg-1 (quote {:from :main :expects-response true :edge-id 1 :body 5})) (quote (!extend)) `; !strings.HasSuffix(r.prompts["d/1"], want) {
		t.Fatalf("d/1 prompt %s", r.prompts["d/1"])
	}
}

// TestAgentsNestedWait: a wait outside tail position runs the resumed
// computation nested (one level deeper); its value flows back into the
// calling expression.
func TestAgentsNestedWait(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "W" :w) (str "got " (agents/!ask :w 1))))))
-- w/1.completion --
'(agents/reply msg-1 2))))
-- main/2.completion --
(:body msg-2))))
`, "nested", nil)
	r.want(t, `"got 2"`)
	if st := r.rt.Stats(); st.MaxDepth != 1 {
		t.Fatalf("max depth %d", st.MaxDepth)
	}
}

// TestAgentsWaitIdleAndRefused: a wait with nothing to wait for is nil; a
// wait holding a request newer than any outgoing one is refused with the
// spec's message and the edges as data.
func TestAgentsWaitIdleAndRefused(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "W" :w) (agents/!ask :w 1)))))
-- w/1.completion --
'(agents/reply msg-1 (try (agents/!wait) (catch e (:message e)))))))
-- main/2.completion --
'[(agents/!wait) (:body msg-2)])))
`, "idle and refused", nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := value.PrStr(r.v)
	if !strings.HasPrefix(got, "[nil ") || !strings.Contains(got, "Sleep refused: you hold incoming requests newer than your newest outgoing request; answer them first {:out-edges [], :in-edges [{:id 1") {
		t.Fatalf("value %s", got)
	}
}

// liveProvider serves completions concurrently (live mode: calls run
// without the baton) after a short real delay.
type liveProvider struct {
	mu          sync.Mutex
	completions map[string]string
}

func (*liveProvider) Name() string { return "live-test" }

func (p *liveProvider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	select {
	case <-time.After(time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.completions[req.Handle+"/"+itoa(req.CallNumber)]
	if !ok {
		return nil, &provider.Error{Provider: "live-test", Msg: "no completion for " + req.Handle}
	}
	return &provider.Response{Suffix: c}, nil
}

// TestAgentsLive: the S09 fan-out with a live (FIFO) schedule: the
// children's model calls overlap, the result is the same.
func TestAgentsLive(t *testing.T) {
	noLeak(t)
	p := &liveProvider{completions: map[string]string{}}
	tr, err := transcript.Parse("s09.txtar", []byte(s09))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"main", "bidder-a", "bidder-b", "bidder-c"} {
		for n := 1; n <= 2; n++ {
			if c, ok := tr.Completion(h, n); ok {
				p.completions[h+"/"+itoa(n)] = c
			}
		}
	}
	rt := New(Options{Provider: p, Transport: "pf", Limits: DefaultLimits})
	rt.opts.Namespaces = map[string]*value.Map{"agents": rt.agentsNamespace()}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	v, err := rt.Run(ctx, "<task>", []byte(Task(s09Task)))
	if err != nil || value.PrStr(v) != `{:winner :bidder-b, :bid 700, :bids [300 700 500]}` {
		t.Fatalf("%s %v", value.PrStr(v), err)
	}
}
