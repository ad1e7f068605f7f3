package spe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
	"github.com/spell-go/spell/spe/sched"
	"github.com/spell-go/spell/spe/trace"
)

// Many agents (effects.md §3): every handle has one runner goroutine; at
// most one runner evaluates at a time (it holds the run's baton, package
// sched). The coordinator (package agents) holds mailboxes, edges and
// lifecycles; this file launches runners, materialises what they drain
// and turns waits into continuations.

// ShutdownGrace is how long the end of a run waits for the runners of
// other agents after cancelling them (effects.md §3.6).
const ShutdownGrace = 2 * time.Second

// multi is one run's agents.
type multi struct {
	rt    *Runtime
	sched *sched.Sched
	main  *agentState

	// The coordinator is made when the run first needs it (coord): a
	// program that spawns, sends or asks nothing (spell run -e '(+ 1 2)')
	// makes none (issue 11, start-up). cmu orders its making with stop.
	made  atomic.Pointer[agents.Coordinator]
	cmu   sync.Mutex
	ended bool // stop has run (cmu): a coordinator made later is closed

	ctx    context.Context // the children's context: the run's, cancelled at run end
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex // agents: also reached by notifications from futures
	agents map[string]*agentState
	// launched is set by the first runner goroutine's launch (m.mu): a
	// run that launched none (spell run -e '(+ 1 2)') has none to wait
	// for at stop.
	launched bool
}

// agentState is the runtime side of one handle.
type agentState struct {
	handle string
	runner *sched.Runner
	def    *agentDef // the compiled agent it runs (nil: the run's own)

	// Under the baton:
	checkpoint value.Value  // the program a wake-up resumes (runtime.md §3.6)
	token      agents.Token // the live lifecycle
	running    bool         // a runner goroutine serves the handle (m.mu)
	restart    bool         // a start came while the runner was ending (m.mu)
}

// agentDef is a compiled agent: the system prompt and namespaces its turns
// get. nil fields mean the run's own.
type agentDef struct {
	name       string
	system     string
	namespaces map[string]*value.Map
}

type runnerKey struct{}

// withAgent marks ctx as the context of a's runner.
func withAgent(ctx context.Context, a *agentState) context.Context {
	return context.WithValue(ctx, runnerKey{}, a)
}

// agentOf returns the agent whose runner ctx belongs to, or nil.
func agentOf(ctx context.Context) *agentState {
	a, _ := ctx.Value(runnerKey{}).(*agentState)
	return a
}

// startMulti makes the run's scheduler and registers main, which holds
// the baton from now on (the coordinator is made on first need: coord).
// It returns main's context.
func (rt *Runtime) startMulti(ctx context.Context) (context.Context, *agentState) {
	m := &multi{rt: rt, sched: sched.New(rt.opts.Virtual), agents: map[string]*agentState{}}
	m.ctx, m.cancel = context.WithCancel(ctx)
	rt.multi = m
	// main's first lifecycle is the coordinator's first: its token is
	// known before the coordinator is made (coord checks it).
	main := &agentState{handle: agents.Main, runner: m.sched.Register(agents.Main), token: agents.FirstToken}
	m.main = main
	m.agents[agents.Main] = main
	main.runner.Acquire(ctx)
	main.running = true
	return withAgent(ctx, main), main
}

// coord returns the run's coordinator, making it on the first call: main
// registered and in its first lifecycle, as at the start of the run. Its
// events for main alone are no trace events (traceEvent), so a late
// making leaves the trace as an early one would; it has no clock.
func (m *multi) coord() *agents.Coordinator {
	if c := m.made.Load(); c != nil {
		return c
	}
	m.cmu.Lock()
	defer m.cmu.Unlock()
	if c := m.made.Load(); c != nil {
		return c
	}
	c := agents.New(agents.Options{MaxEdges: m.rt.opts.MaxEdges, Event: m.traceEvent}, m.notify)
	if err := c.RegisterMain(); err != nil {
		panic("spe: a new coordinator refused main: " + err.Error())
	}
	if tok, _, _, err := c.Begin(agents.Main); err != nil || tok != m.main.token {
		panic(fmt.Sprintf("spe: main's first lifecycle is %d, want %d (%v)", tok, m.main.token, err))
	}
	if m.ended {
		c.Close() // the run is over: every operation fails as after stop
	}
	m.made.Store(c)
	return c
}

// stop ends the agents of the run: the coordinator closes (sleepers wake
// with :closed), every other runner is cancelled, and the run waits for
// them at most ShutdownGrace (effects.md §3.6). main gives the baton up so
// that they can unwind one at a time.
func (m *multi) stop(main *agentState) {
	m.cmu.Lock()
	m.ended = true
	c := m.made.Load()
	m.cmu.Unlock()
	if c != nil {
		c.Close()
	}
	m.cancel()
	main.runner.Release()
	m.mu.Lock()
	launched := m.launched
	m.mu.Unlock()
	if !launched {
		return // no runner to wait for: no goroutine, no timer (issue 11, start-up)
	}
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	t := time.NewTimer(ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		// Runners that did not end in time never get the baton again, so
		// none of them runs alongside the run's final bookkeeping.
		m.sched.Stop()
	}
}

// notify receives the coordinator's notifications after their commit.
func (m *multi) notify(n agents.Notification) {
	switch n.Kind {
	case agents.Wake:
		if a := m.get(n.Handle); a != nil {
			a.runner.Wake()
		}
	case agents.Start:
		if a := m.get(n.Handle); a != nil {
			m.launch(a)
		}
	}
}

// alone reports a run where no agent but main exists.
func (m *multi) alone() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.agents) <= 1
}

func (m *multi) get(h string) *agentState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.agents[h]
}

// traceEvent forwards a coordinator event as an agent trace event.
func (m *multi) traceEvent(kind string, fields map[string]any) {
	h, _ := fields["handle"].(string)
	if (kind == "close" || kind == "begin" || kind == "register") && m.alone() {
		// A single-agent run's trace stays as it was: main's own
		// bookkeeping is no event.
		return
	}
	if h == "" {
		h = agents.Main // the coordinator closes when main's run ends
	}
	f := make(map[string]any, len(fields))
	for k, v := range fields {
		if k == "handle" {
			continue
		}
		f[k] = traceValue(v)
	}
	m.rt.event(trace.Agent(h, kind, f))
}

// traceValue makes a coordinator field JSON-friendly: Spell values are
// written in readable form.
func traceValue(v any) any {
	switch x := v.(type) {
	case nil, bool, int, int64, string, float64:
		return x
	case []string:
		return x
	case value.Value:
		return capText(value.PrStr(x), trace.ValueMax)
	}
	return fmt.Sprint(v)
}

// newAgent makes the runtime side of a handle the coordinator registered.
// Called under the baton, in registration order, so runner indexes (the
// virtual schedule's tie-break) are deterministic.
func (m *multi) newAgent(h string, def *agentDef, prog value.Value) *agentState {
	a := &agentState{handle: h, runner: m.sched.Register(h), def: def, checkpoint: prog}
	m.mu.Lock()
	m.agents[h] = a
	m.mu.Unlock()
	return a
}

// launch starts a runner goroutine for a (once at a time): it becomes
// runnable now and serves lifecycles while its mailbox has work.
func (m *multi) launch(a *agentState) {
	m.mu.Lock()
	if a.running {
		// The runner may be past its last Finish: it looks again
		// before it ends.
		a.restart = true
		m.mu.Unlock()
		return
	}
	a.running = true
	m.launched = true
	m.mu.Unlock()
	m.wg.Add(1)
	a.runner.Start()
	go m.serve(a)
}

// serve is a runner goroutine: it takes the baton, runs lifecycles while
// Finish says the mailbox has more, and gives the baton up.
func (m *multi) serve(a *agentState) {
	defer m.wg.Done()
	ctx := withAgent(m.ctx, a)
	a.runner.Await(ctx)
	defer a.runner.Release()
	for {
		m.mu.Lock()
		a.restart = false
		m.mu.Unlock()
		if m.lifecycle(ctx, a) {
			continue
		}
		m.mu.Lock()
		if a.restart && !m.made.Load().Closed() { // a runner: the coordinator is made
			// A message reached the finished agent between its Finish
			// and now (from a future or a watcher): serve it.
			m.mu.Unlock()
			continue
		}
		a.running = false
		m.mu.Unlock()
		return
	}
}

// lifecycle runs one lifecycle of a (effects.md §3.6): Begin drains the
// startup (first) or dormant batch, which is materialised into the
// checkpoint; the program is evaluated; Finish fills the claimed slots.
func (m *multi) lifecycle(ctx context.Context, a *agentState) (again bool) {
	tok, _, batch, err := m.coord().Begin(a.handle)
	if err != nil {
		return false
	}
	a.token = tok
	v, err := m.evalLifecycle(ctx, a, batch)
	var failure value.Value
	if err != nil {
		failure = childFailure(a.handle, "lifecycle", err)
		v = nil
	}
	return m.coord().Finish(a.handle, tok, v, failure)
}

// evalLifecycle evaluates a's checkpoint with the batch materialised into
// it. A panic is recovered into an error (and so into child-failure data).
func (m *multi) evalLifecycle(ctx context.Context, a *agentState, batch []agents.Message) (v value.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			if os.Getenv("SPELL_DEBUG") == "1" {
				debug.PrintStack()
			}
			v, err = nil, &eval.Error{Msg: fmt.Sprintf("internal error in agent %s: %v", a.handle, p), Fatal: true}
		}
	}()
	prog, err := materialise(a.checkpoint, deliveries(batch), m.rt.opts.ContextMaxChars)
	if err != nil {
		return nil, err
	}
	a.checkpoint = prog
	root := &turn{handle: a.handle, agent: a.def}
	return m.rt.runRoot(ctx, root, prog, nil)
}

// deliveries turns a drained batch into materialisable messages; each
// carries the normative label of its drain's kind (agents.Label, the one
// table of labels).
func deliveries(batch []agents.Message) []delivery {
	out := make([]delivery, len(batch))
	for i, msg := range batch {
		out[i] = delivery{name: msg.Name, label: msg.Label, msg: msg.Value}
	}
	return out
}

// childFailure is the child-failure data of an error (effects.md §3.8).
func childFailure(h, phase string, err error) value.Value {
	f := agents.Failure{Class: "eval-error", Message: err.Error()}
	var e *eval.Error
	if errors.As(err, &e) {
		if e.Fatal {
			f.Class = "fatal-error"
		}
		if m, ok := e.Thrown.(*value.Map); ok && e.HasThrown {
			f.Data, _ = m.Get(value.Kw("data"))
		}
	}
	return agents.ChildFailure(h, agents.Phase(phase), f)
}

// resume turns a drained batch into the resumption of t's evaluation: the
// handle's checkpoint with the batch materialised, evaluated without a
// model call (its final '(!extend) makes the next one). In tail position
// it is a continuation (runtime.md §3.4); elsewhere it runs nested.
func (m *multi) resume(c *eval.Call, t *turn, a *agentState, batch []agents.Message) (value.Value, error) {
	ds := deliveries(batch)
	prog, err := materialise(a.checkpoint, ds, m.rt.opts.ContextMaxChars)
	if err != nil {
		return nil, err
	}
	a.checkpoint = prog
	names := make([]map[string]string, len(batch))
	for i, d := range ds {
		names[i] = map[string]string{"name": d.name, "label": d.label}
	}
	cont := &continuation{program: prog, receipt: names, receive: true, kind: t.kind, from: t, depth: t.depth}
	if c.TurnTail {
		return cont, nil
	}
	return m.rt.nested(ctxOf(c), cont)
}

// virtualSleep is the replay provider's Sleep under the deterministic
// schedule: the calling agent yields the baton for d of virtual time.
func virtualSleep(ctx context.Context, d time.Duration) error {
	if a := agentOf(ctx); a != nil {
		return a.runner.Sleep(ctx, d)
	}
	return nil
}

// releaseBaton runs f without the baton when ctx belongs to an agent's
// runner (a blocking call: globals/wait-until, a future awaited by a
// runner), and queues for the baton again afterwards. Outside a runner it
// just runs f. f must not touch the runtime's single-writer state.
func (rt *Runtime) releaseBaton(ctx context.Context, f func()) {
	if a := agentOf(ctx); a != nil && rt.multi != nil {
		a.runner.Outside(ctx, f)
		return
	}
	f()
}

// awaitTicket is the runner side of an accepted external wait
// (!ask-await): the caller's runner parks until tk fires, then the
// mailbox is drained (kind wait) and the evaluation resumes as after
// !wait (a continuation in tail position, nested elsewhere).
func (rt *Runtime) awaitTicket(c *eval.Call, tk agents.Ticket) (value.Value, error) {
	m, a, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	if err := m.sleep(ctxOf(c), a, tk); err != nil {
		return nil, err
	}
	batch := m.coord().Drain(t.handle, agents.KindWait)
	if len(batch) == 0 {
		return rt.waitFor(c, m, a, t)
	}
	return m.resume(c, t, a, batch)
}

// agentToken returns the coordinator, handle and lifecycle token of the
// agent whose evaluation ctx belongs to (for !ask-await and blocking/
// requests); ok is false outside an agent's runner.
func (rt *Runtime) agentToken(ctx context.Context) (coord *agents.Coordinator, h string, tok agents.Token, ok bool) {
	m := rt.multi
	t := turnOf(ctx)
	if m == nil || t == nil {
		return nil, "", 0, false
	}
	a := m.get(t.handle)
	if a == nil {
		return nil, "", 0, false
	}
	return m.coord(), a.handle, a.token, true
}
