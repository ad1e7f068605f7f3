package spe

import (
	"context"
	"errors"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
)

// Futures in a run (effects.md §3.7, §5, §6): a future started by an
// agent's turn records its owner (handle and lifecycle token) in its
// context; its tracked requests (blocking/request, send-await) are edges
// owned by that agent, refused once the lifecycle ended; an agent's turn
// waits for a future with !ask-await, an external wait of the coordinator.

type futureOwnerKey struct{}

// futureOwner is the agent lifecycle a computation future belongs to.
type futureOwner struct {
	handle string
	tok    agents.Token
}

// futureContext is eval.Options.FutureContext: it runs on the goroutine
// that starts the future (a runner holding the baton, or a future) and
// records the owner once; futures started by futures keep it.
func (rt *Runtime) futureContext(ctx context.Context) context.Context {
	if _, ok := ctx.Value(futureOwnerKey{}).(futureOwner); ok {
		return ctx
	}
	_, h, tok, ok := rt.agentToken(ctx)
	if !ok {
		return ctx
	}
	return context.WithValue(ctx, futureOwnerKey{}, futureOwner{handle: h, tok: tok})
}

// blockingMembers are the runtime's members of the blocking namespace;
// eval binds them (with its own await, await-all, pmap) in futures only.
func (rt *Runtime) blockingMembers() *value.Map {
	return value.NewMap(
		value.Kw("request"), &eval.Builtin{Name: "blocking/request", Min: 1, Max: 2, Fn: rt.blockingRequest},
		value.Kw("send-await"), &eval.Builtin{Name: "blocking/send-await", Min: 2, Max: 2, Fn: rt.blockingSendAwait},
	)
}

var kwEdgeID = value.Kw("edge-id")

// trackedRef is the awaitable of a tracked request.
type trackedRef struct{ tr *agents.Tracked }

func (r trackedRef) HostName() string             { return "request" }
func (r trackedRef) Done() <-chan struct{}        { return r.tr.Done() }
func (r trackedRef) Result() (value.Value, error) { return r.tr.Await(context.Background()) }

// request makes a tracked request edge owned by the future's owner.
func (rt *Runtime) request(c *eval.Call, fn string, args []value.Value) (trackedRef, error) {
	if err := eval.BlockingOnly(c, fn); err != nil {
		return trackedRef{}, err
	}
	target, err := handleArg(fn, args[0])
	if err != nil {
		return trackedRef{}, err
	}
	owner, ok := c.In.Context().Value(futureOwnerKey{}).(futureOwner)
	m := rt.multi
	if !ok || m == nil {
		return trackedRef{}, eval.Errorf("%s needs a future started by an agent's turn", fn)
	}
	var body value.Value
	if len(args) > 1 {
		body = args[1]
	}
	tr, err := m.coord().Request(owner.handle, owner.tok, target, body, len(args) > 1)
	if err != nil {
		return trackedRef{}, agentErr(err)
	}
	return trackedRef{tr}, nil
}

func (rt *Runtime) blockingRequest(c *eval.Call, args []value.Value) (value.Value, error) {
	ref, err := rt.request(c, "blocking/request", args)
	if err != nil {
		return nil, err
	}
	return eval.Token(ref, kwEdgeID, int64(ref.tr.Edge())), nil
}

func (rt *Runtime) blockingSendAwait(c *eval.Call, args []value.Value) (value.Value, error) {
	ref, err := rt.request(c, "blocking/send-await", args)
	if err != nil {
		return nil, err
	}
	return eval.Await(c, ref)
}

// runnerOnly refuses fn inside a computation future (effects.md §3.7).
func runnerOnly(name string, fn eval.BuiltinFunc) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		if err := eval.NotInFuture(c, name); err != nil {
			return nil, err
		}
		return fn(c, args)
	}
}

// askAwait is !ask-await (effects.md §6): an external wait of the calling
// agent, refused like a sleep; the future's value (or error) arrives as
// the message {:from :future :body …} and the call's value is the resumed
// computation, as for !wait.
func (rt *Runtime) askAwait(c *eval.Call, args []value.Value) (value.Value, error) {
	if err := eval.NotInFuture(c, "!ask-await"); err != nil {
		return nil, err
	}
	w, ok := eval.AwaitableOf(args[0])
	if !ok {
		return nil, eval.Errorf("!ask-await expects a future token, got %s", value.TypeName(args[0]))
	}
	m, a, t, err := rt.caller(c)
	if err != nil {
		return nil, err
	}
	id, tk, err := m.coord().ExternalWait(t.handle, a.token)
	if err != nil {
		return nil, agentErr(err)
	}
	if id == 0 {
		// Messages are already queued: resume with them now; the program
		// re-joins the same future later (kept in globals).
		batch := m.coord().Drain(t.handle, agents.KindWait)
		if len(batch) == 0 {
			return rt.waitFor(c, m, a, t)
		}
		return m.resume(c, t, a, batch)
	}
	go deliverFuture(m.ctx, m.coord(), t.handle, id, w)
	return rt.awaitTicket(c, tk)
}

// deliverFuture enqueues w's outcome for external wait id of h when w
// finishes (the coordinator drops it if the wait is no longer live), or
// gives up when the run ends.
func deliverFuture(runCtx context.Context, coord *agents.Coordinator, h string, id int, w eval.Awaitable) {
	select {
	case <-w.Done():
	case <-runCtx.Done():
		return
	}
	v, err := w.Result()
	if err != nil {
		msg := err.Error()
		var e *eval.Error
		if errors.As(err, &e) {
			msg = e.Msg
		}
		v = agents.FutureErrorBody(msg)
	}
	coord.ExternalResult(h, id, v)
}
