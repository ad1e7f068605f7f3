package spe

import (
	"context"
	"errors"
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
)

// The agents namespace (effects.md §3.3): every member is an effect
// function bound to the run's coordinator.

// agentsNamespace builds the agents namespace of rt.
func (rt *Runtime) agentsNamespace() *value.Map {
	fns := map[string]eval.BuiltinFunc{
		"spawn":          rt.agSpawn,
		"spawn-ask":      rt.agSpawnAsk(false),
		"!spawn-ask":     rt.agSpawnAsk(true),
		"ask":            rt.agAsk(false),
		"!ask":           rt.agAsk(true),
		"!reply-ask":     rt.agReplyAsk,
		"!wait":          rt.agWait,
		"!sleep":         rt.agWait,
		"send":           rt.agSend,
		"reply":          rt.agReply,
		"cancel":         rt.agCancel,
		"status":         rt.agStatus,
		"graph":          rt.agQuery(func(m *multi, _ string) (value.Value, error) { return m.coord().Graph(), nil }),
		"out-edges":      rt.agQuery(func(m *multi, h string) (value.Value, error) { return m.coord().OutEdges(h) }),
		"in-edges":       rt.agQuery(func(m *multi, h string) (value.Value, error) { return m.coord().InEdges(h) }),
		"current-handle": rt.agQuery(func(m *multi, h string) (value.Value, error) { return value.Kw(h), nil }),
		"parent-handle":  rt.agQuery(parentHandle),
		"register":       rt.agRegister,
	}
	m := value.NewMap(value.Kw("short-docs"), nsShortDoc("agents"))
	for e := range catalog.Members("agents") {
		member := strings.TrimPrefix(e.Name, "agents/")
		fn := fns[member]
		if fn != nil && isTurnMember(member) {
			fn = runnerOnly(e.Name, fn)
		}
		if fn == nil {
			name := e.Name
			fn = func(*eval.Call, []value.Value) (value.Value, error) {
				return nil, eval.Errorf("%s is not available in this version of Spell-Go", name)
			}
		}
		m = m.Assoc(value.Kw(member), &eval.Builtin{Name: e.Name, Min: e.MinArgs, Max: e.MaxArgs, Fn: fn})
	}
	return m
}

// isTurnMember tells the agents/ functions that end or suspend the caller's
// turn: they park the owner's runner (and resume its checkpoint), which
// only the runner holding the baton may do, so inside a computation future
// they are refused (effects.md §3.7); a future waits through blocking/.
// The other members stay usable in a future: they only change the
// coordinator's state under its mutex (and the agent table under m.mu),
// never the runner, the baton or the caller's checkpoint and token.
func isTurnMember(member string) bool {
	switch member {
	case "!wait", "!sleep", "!ask", "!spawn-ask", "!reply-ask":
		return true
	}
	return false
}

func nsShortDoc(ns string) string {
	for _, info := range catalog.Namespaces() {
		if info.Name == ns && info.ShortDoc != "" {
			return info.ShortDoc
		}
	}
	return "The " + ns + " namespace."
}

// caller is the agent calling an agents/ function: its runner state and
// the turn whose evaluation made the call.
func (rt *Runtime) caller(c *eval.Call) (*multi, *agentState, *turn, error) {
	m := rt.multi
	t := turnOf(ctxOf(c))
	if m == nil || t == nil {
		return nil, nil, nil, eval.Errorf("%s needs a running agent (spell run)", c.Name)
	}
	a := m.get(t.handle)
	if a == nil {
		return nil, nil, nil, eval.Errorf("%s: unknown agent :%s", c.Name, t.handle)
	}
	if owner, ok := ctxOf(c).Value(futureOwnerKey{}).(futureOwner); ok {
		// A computation future acts for its owner's lifecycle only. (The
		// check and the operation are two transitions: a lifecycle that
		// ends in between lets one call through.)
		if err := m.coord().Live(owner.handle, owner.tok); err != nil {
			return nil, nil, nil, agentErr(err)
		}
	}
	return m, a, t, nil
}

// agentErr turns a coordinator error into a catchable Spell error with the
// spec's text (a refused sleep carries its data).
func agentErr(err error) error {
	if err == nil {
		return nil
	}
	var sr *agents.SleepRefusedError
	if errors.As(err, &sr) {
		return &eval.DataError{Msg: sr.Error(), Data: sr.Data}
	}
	var e *eval.Error
	if errors.As(err, &e) {
		return err
	}
	return &eval.Error{Msg: err.Error(), Cause: err}
}

// handleArg reads an agent handle (a keyword; a string is accepted).
func handleArg(fn string, v value.Value) (string, error) {
	switch x := v.(type) {
	case *value.Keyword:
		if x.NS != "" {
			return x.NS + "/" + x.Name, nil
		}
		return x.Name, nil
	case string:
		return strings.TrimPrefix(x, ":"), nil
	}
	return "", eval.Errorf("%s: an agent handle must be a keyword, got %s", fn, value.TypeName(v))
}

// handlesArg reads one handle or a vector of handles.
func handlesArg(fn string, v value.Value) ([]string, error) {
	if vec, ok := v.(*value.Vector); ok {
		var out []string
		for _, x := range vec.Slice() {
			h, err := handleArg(fn, x)
			if err != nil {
				return nil, err
			}
			out = append(out, h)
		}
		return out, nil
	}
	h, err := handleArg(fn, v)
	if err != nil {
		return nil, err
	}
	return []string{h}, nil
}

// childSpec is one child to start: its compiled agent, init program and
// requested handle ("" = spawn-N).
type childSpec struct {
	def    *agentDef
	prog   value.Value
	handle string
}

// parseSpec reads the arguments of spawn: prompt [handle] or agent prompt
// [handle]. The caller's compiled agent is inherited unless a worker is
// given.
func (rt *Runtime) parseSpec(fn string, t *turn, args []value.Value) (childSpec, error) {
	sp := childSpec{def: t.agent}
	if len(args) == 0 {
		return sp, eval.Errorf("%s: a child needs a prompt", fn)
	}
	if w := rt.workerOf(args[0]); w != nil {
		d, err := w.load()
		if err != nil {
			return sp, eval.Errorf("%s: worker %s: %v", fn, w.name, err)
		}
		sp.def = d
		args = args[1:]
		if len(args) == 0 {
			return sp, eval.Errorf("%s: a child needs a prompt after its agent", fn)
		}
	} else if isAgentValue(args[0]) {
		return sp, eval.Errorf("%s: the agent must be a compiled worker (workers/NAME)", fn)
	}
	if len(args) > 2 {
		return sp, eval.Errorf("%s: too many arguments in a child spec", fn)
	}
	prog, err := initProgram(fn, args[0])
	if err != nil {
		return sp, err
	}
	sp.prog = prog
	if len(args) == 2 && args[1] != nil {
		if sp.handle, err = handleArg(fn, args[1]); err != nil {
			return sp, err
		}
	}
	return sp, nil
}

// isAgentValue reports a value that looks like an agent but is not a
// worker (leaf-llm, a builtin): refused as a child's agent.
func isAgentValue(v value.Value) bool {
	switch v.(type) {
	case *eval.Builtin:
		return true
	}
	return false
}

// initProgram is a child's init program (effects.md §3.3): a string
// starting with ( is the program; other text becomes the task wrapper.
func initProgram(fn string, p value.Value) (value.Value, error) {
	if l, ok := p.(*value.List); ok {
		return l, nil
	}
	text, ok := p.(string)
	if !ok {
		text = value.Str(p)
	}
	if !strings.HasPrefix(strings.TrimSpace(text), "(") {
		text = Task(text)
	}
	rr, err := eval.ReadProgram("<"+fn+" init program>", []byte(text))
	if err != nil {
		return nil, eval.Errorf("%s: the init program cannot be read: %v", fn, err)
	}
	return rr.Form, nil
}

func (rt *Runtime) agSpawn(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	sp, err := rt.parseSpec(c.Name, t, args)
	if err != nil {
		return nil, err
	}
	h, err := m.coord().Spawn(t.handle, sp.handle)
	if err != nil {
		return nil, agentErr(err)
	}
	m.launch(m.newAgent(h, sp.def, sp.prog))
	return value.Kw(h), nil
}

// specsOf reads spawn-ask's arguments: a vector of specs, or one spec.
func (rt *Runtime) specsOf(fn string, t *turn, args []value.Value) ([]childSpec, error) {
	if vec, ok := args[0].(*value.Vector); ok && len(args) == 1 {
		var out []childSpec
		for _, x := range vec.Slice() {
			var parts []value.Value
			if v, ok := x.(*value.Vector); ok {
				parts = v.Slice()
			} else {
				parts = []value.Value{x}
			}
			sp, err := rt.parseSpec(fn, t, parts)
			if err != nil {
				return nil, err
			}
			out = append(out, sp)
		}
		if len(out) == 0 {
			return nil, eval.Errorf("%s: no child specs", fn)
		}
		return out, nil
	}
	sp, err := rt.parseSpec(fn, t, args)
	if err != nil {
		return nil, err
	}
	return []childSpec{sp}, nil
}

func (rt *Runtime) agSpawnAsk(wait bool) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		m, a, t, err := rt.caller(c)
		if err != nil {
			return nil, err
		}
		specs, err := rt.specsOf(c.Name, t, args)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(specs))
		for i, sp := range specs {
			names[i] = sp.handle
		}
		edge, handles, err := m.coord().SpawnAsk(t.handle, names)
		if err != nil {
			return nil, agentErr(err)
		}
		kids := make([]*agentState, len(handles))
		for i, h := range handles {
			kids[i] = m.newAgent(h, specs[i].def, specs[i].prog)
		}
		for _, k := range kids {
			m.launch(k)
		}
		if wait {
			return rt.waitFor(c, m, a, t)
		}
		return int64(edge), nil
	}
}

func (rt *Runtime) agAsk(wait bool) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		m, a, t, err := rt.caller(c)
		if err != nil {
			return nil, err
		}
		targets, err := handlesArg(c.Name, args[0])
		if err != nil {
			return nil, err
		}
		var body value.Value
		if len(args) > 1 {
			body = args[1]
		}
		edge, err := m.coord().Ask(t.handle, targets, body, len(args) > 1)
		if err != nil {
			return nil, agentErr(err)
		}
		if wait {
			return rt.waitFor(c, m, a, t)
		}
		return int64(edge), nil
	}
}

func (rt *Runtime) agReplyAsk(c *eval.Call, args []value.Value) (value.Value, error) {
	m, a, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	if _, err := m.coord().ReplyAsk(t.handle, args[0], args[1]); err != nil {
		return nil, agentErr(err)
	}
	return rt.waitFor(c, m, a, t)
}

func (rt *Runtime) agWait(c *eval.Call, _ []value.Value) (value.Value, error) {
	m, a, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	return rt.waitFor(c, m, a, t)
}

// waitFor is !wait (effects.md §3.5): ready → resume at once with the
// drained batch; idle → nil; allowed → sleep (the baton goes to others)
// until woken, then resume; refused → a catchable error with data.
func (rt *Runtime) waitFor(c *eval.Call, m *multi, a *agentState, t *turn) (value.Value, error) {
	ctx := ctxOf(c)
	for {
		res, err := m.coord().Wait(t.handle, a.token)
		if err != nil {
			return nil, agentErr(err)
		}
		var batch []agents.Message
		switch res.Kind {
		case agents.Idle:
			return nil, nil
		case agents.Ready:
			batch = res.Batch
		case agents.Asleep:
			if err := m.sleep(ctx, a, res.Ticket); err != nil {
				return nil, err
			}
			batch = m.coord().Drain(t.handle, agents.KindWait)
		}
		if len(batch) > 0 {
			return m.resume(c, t, a, batch)
		}
		// Woken with nothing to read (a wake another drain consumed):
		// decide again rather than re-run the old trailing expression.
	}
}

// sleep parks a's runner until its ticket fires (a wake), the coordinator
// closes or ctx ends.
func (m *multi) sleep(ctx context.Context, a *agentState, tk agents.Ticket) error {
	for {
		a.runner.Park(ctx)
		select {
		case <-tk.Done():
			return agentErr(tk.Block(ctx))
		default:
		}
		if ctx.Err() != nil {
			_ = tk.Block(ctx) // abandons the wait: the agent is awake again
			return m.rt.ctxErr(ctx, turnOf(ctx))
		}
	}
}

func (rt *Runtime) agSend(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	target, err := handleArg(c.Name, args[0])
	if err != nil {
		return nil, err
	}
	return nil, agentErr(m.coord().Send(t.handle, target, args[1]))
}

func (rt *Runtime) agReply(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	_, err = m.coord().ReplyMsg(t.handle, args[0], args[1])
	return nil, agentErr(err)
}

func (rt *Runtime) agCancel(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	id, ok := args[0].(int64)
	if !ok {
		return nil, eval.Errorf("agents/cancel: the edge id must be an integer, got %s", value.TypeName(args[0]))
	}
	v, err := m.coord().Cancel(t.handle, int(id))
	return v, agentErr(err)
}

func (rt *Runtime) agStatus(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		v, err := m.coord().Status(t.handle)
		return v, agentErr(err)
	}
	h, err := handleArg(c.Name, args[0])
	if err != nil {
		return nil, err
	}
	v, err := m.coord().StatusOf(h)
	return v, agentErr(err)
}

func (rt *Runtime) agQuery(f func(m *multi, h string) (value.Value, error)) eval.BuiltinFunc {
	return func(c *eval.Call, _ []value.Value) (value.Value, error) {
		m, _, t, err := rt.caller(c)
		if err != nil {
			return nil, err
		}
		v, err := f(m, t.handle)
		return v, agentErr(err)
	}
}

func parentHandle(m *multi, h string) (value.Value, error) {
	p, err := m.coord().Parent(h)
	if err != nil || p == "" {
		return nil, err
	}
	return value.Kw(p), nil
}

func (rt *Runtime) agRegister(c *eval.Call, args []value.Value) (value.Value, error) {
	m, _, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	h, err := handleArg(c.Name, args[0])
	if err != nil {
		return nil, err
	}
	prog, err := initProgram(c.Name, args[1])
	if err != nil {
		return nil, err
	}
	if err := m.coord().Register(t.handle, h, value.PrStr(prog)); err != nil {
		return nil, agentErr(err)
	}
	m.newAgent(h, t.agent, prog)
	return value.Kw(h), nil
}

// receive is the receive builtin: it drains the caller's mailbox into the
// given canonical quine (kind receive) and returns the materialised
// program, which becomes the checkpoint; nothing is evaluated.
func (rt *Runtime) receiveFn(c *eval.Call, args []value.Value) (value.Value, error) {
	m, a, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	if _, _, _, err := value.QuineParts(args[0]); err != nil {
		return nil, eval.Errorf("receive expects a canonical quine form: %v", err)
	}
	batch := m.coord().Drain(t.handle, agents.KindReceive)
	prog, err := materialise(args[0], deliveries(batch), rt.opts.ContextMaxChars)
	if err != nil {
		return nil, err
	}
	a.checkpoint = prog
	return prog, nil
}

// preEval is the receipt of a receiving call (runtime.md §3.1 steps 8–9):
// the batch queued for t's handle is materialised into the program the
// model just produced (superseding its trailing expression), and the
// program becomes the handle's checkpoint.
func (rt *Runtime) preEval(t *turn, form value.Value) (value.Value, error) {
	m := rt.multi
	if m == nil {
		return form, nil
	}
	a := m.get(t.handle)
	if a == nil {
		return form, nil
	}
	// No coordinator yet: nothing was ever sent, the mailbox is empty.
	if c := m.made.Load(); c != nil {
		if batch := c.Drain(t.handle, agents.KindPreEval); len(batch) > 0 {
			var err error
			if form, err = materialise(form, deliveries(batch), rt.opts.ContextMaxChars); err != nil {
				return nil, err
			}
		}
	}
	a.checkpoint = form
	return form, nil
}
