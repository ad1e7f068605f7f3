package agents

import (
	"github.com/spell-go/spell/eval/value"
)

// RegisterMain registers the root handle :main (awake, generation 0 until
// its first Begin).
func (c *Coordinator) RegisterMain() error {
	return c.run(func(t *tx) error {
		if err := t.open(); err != nil {
			return err
		}
		if _, taken := t.agent(Main); taken {
			return errHandle(ErrHandleTaken, Main)
		}
		t.s.regSeq++
		t.putAgent(&agent{handle: Main, order: t.s.regSeq, status: StatusAwake})
		t.event("register", map[string]any{"handle": Main})
		return nil
	})
}

// Spawn registers a child of parent (awake, generation 0; the runtime
// launches its runner, which calls Begin). name "" → spawn-N. No edge.
func (c *Coordinator) Spawn(parent, name Handle) (Handle, error) {
	var h Handle
	err := c.run(func(t *tx) error {
		if _, err := t.openKnown(parent); err != nil {
			return err
		}
		var err error
		h, err = t.register(parent, name, StatusAwake, "")
		if err == nil {
			t.agentW(h).starting = true
			t.event("spawn", map[string]any{"handle": h, "parent": parent})
		}
		return err
	})
	return h, err
}

// Register creates a dormant persistent agent (agents/register): status
// :finished, checkpoint = the init program; its first message starts it.
func (c *Coordinator) Register(parent, name Handle, checkpoint string) error {
	return c.run(func(t *tx) error {
		if _, err := t.openKnown(parent); err != nil {
			return err
		}
		if name == "" {
			return errHandle(ErrBadHandle, name)
		}
		_, err := t.register(parent, name, StatusFinished, checkpoint)
		if err == nil {
			t.event("register", map[string]any{"handle": name, "parent": parent})
		}
		return err
	})
}

// SpawnAsk registers every child (name "" → spawn-N) and one edge over all
// of them with every slot pre-claimed by generation 1, in one transition:
// capacity is checked first, and on any error nothing is registered.
func (c *Coordinator) SpawnAsk(parent Handle, names []Handle) (edge int, handles []Handle, err error) {
	err = c.run(func(t *tx) error {
		if _, err := t.openKnown(parent); err != nil {
			return err
		}
		if len(names) == 0 {
			return ErrNoTargets
		}
		if n := t.pendingEdges(); n >= t.s.maxEdges {
			return &CapacityError{Pending: n}
		}
		handles = make([]Handle, len(names))
		for i, name := range names {
			h, err := t.register(parent, name, StatusAwake, "")
			if err != nil {
				return err
			}
			t.agentW(h).starting = true
			handles[i] = h
			t.event("spawn", map[string]any{"handle": h, "parent": parent})
		}
		e, err := t.newEdge(parent, handles, 1, false)
		if err != nil {
			return err
		}
		edge = e.id
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return edge, handles, nil
}

// Ask creates one edge from src over targets and enqueues a request to every
// target (waking them), in one transition. Returns the edge id.
func (c *Coordinator) Ask(src Handle, targets []Handle, body Value, hasBody bool) (edge int, err error) {
	err = c.run(func(t *tx) error {
		if _, err := t.openKnown(src); err != nil {
			return err
		}
		e, err := t.newEdge(src, targets, 0, false)
		if err != nil {
			return err
		}
		edge = e.id
		m := message{v: msgRequest(src, e.id, body, hasBody), request: e.id}
		for _, h := range targets {
			t.enqueue(h, m)
		}
		return nil
	})
	return edge, err
}

// Request is blocking/request: a tracked single-target request edge owned by
// src, made by a future of src's lifecycle tok (0: no lifecycle check).
func (c *Coordinator) Request(src Handle, tok Token, target Handle, body Value, hasBody bool) (*Tracked, error) {
	tr := &Tracked{done: make(chan struct{})}
	err := c.runH(func(t *tx) error {
		a, err := t.openKnown(src)
		if err != nil {
			return err
		}
		if tok != 0 && a.token != tok {
			return ErrStaleComputation
		}
		e, err := t.newEdge(src, []Handle{target}, 0, true)
		if err != nil {
			return err
		}
		tr.edge = e.id
		t.enqueue(target, message{v: msgRequest(src, e.id, body, hasBody), request: e.id})
		return nil
	}, &hooks{tracked: tr})
	if err != nil {
		return nil, err
	}
	return tr, nil
}

// Send enqueues the plain message {:from src :body v} to target (waking it;
// a finished target starts a new lifecycle). It never fills a slot.
func (c *Coordinator) Send(src, target Handle, body Value) error {
	return c.run(func(t *tx) error {
		if _, err := t.openKnown(target); err != nil {
			return err
		}
		t.enqueue(target, message{v: msgSend(src, body)})
		return nil
	})
}

// Reply fills src's slot of edge exactly once. A duplicate, stale (claimed
// by another lifecycle), cancelled or unknown edge is a silent no-op
// (filled false).
func (c *Coordinator) Reply(src Handle, edge int, v Value) (filled bool, err error) {
	err = c.run(func(t *tx) error {
		a, err := t.openKnown(src)
		if err != nil {
			return err
		}
		filled = t.replySlot(a, edge, v, true)
		return nil
	})
	return filled, err
}

// replySlot fills a's slot of edge if it is pending and belongs to a's
// current lifecycle (claimed by its generation, or not claimed yet).
func (t *tx) replySlot(a *agent, id int, v Value, report bool) bool {
	e, ok := t.edge(id)
	if !ok {
		return false
	}
	i := e.slotOf(a.handle)
	if i < 0 || e.slots[i].state != slotPending {
		return false
	}
	if cl := e.slots[i].claimed; cl != 0 && cl != a.gen {
		return false
	}
	t.fill(t.edgeW(id), i, v, report)
	return true
}

// request fields of a message map.
type msgFields struct {
	expects bool
	edge    int
	hasEdge bool
	from    Handle
	fromVec bool
	fromOK  bool
}

func readMsg(msg Value) (msgFields, error) {
	m, ok := msg.(*value.Map)
	if !ok {
		return msgFields{}, ErrNotMessage
	}
	var f msgFields
	if x, ok := m.Get(kwExpectsResponse); ok {
		f.expects = value.Truthy(x)
	}
	if x, ok := m.Get(kwEdgeID); ok {
		if n, ok := value.ToInt64(x); ok && value.IsInteger(x) {
			f.edge, f.hasEdge = int(n), true
		}
	}
	if x, ok := m.Get(kwFrom); ok {
		if _, ok := x.(*value.Vector); ok {
			f.fromVec = true
		} else if h, ok := HandleOf(x); ok {
			f.from, f.fromOK = h, true
		}
	}
	return f, nil
}

// ReplyMsg is agents/reply on a message map: with :expects-response it
// fills src's slot of (:edge-id msg) (missing :edge-id → ErrReplyNoEdge);
// otherwise it sends v to (:from msg) (a vector :from → ErrReplyAggregate).
func (c *Coordinator) ReplyMsg(src Handle, msg Value, v Value) (filled bool, err error) {
	f, err := readMsg(msg)
	if err != nil {
		return false, err
	}
	if f.expects {
		if !f.hasEdge {
			return false, ErrReplyNoEdge
		}
		return c.Reply(src, f.edge, v)
	}
	if f.fromVec {
		return false, ErrReplyAggregate
	}
	if !f.fromOK {
		return false, ErrReplyNoSender
	}
	return false, c.Send(src, f.from, v)
}

// ReplyAsk is agents/!reply-ask: in one transition fill src's slot of msg's
// edge (no singleton completion report) and open a reverse request to the
// sender carrying v. A stale or non-pending slot, or no capacity, leaves the
// state unchanged. Returns the new edge id; the caller then waits.
func (c *Coordinator) ReplyAsk(src Handle, msg Value, v Value) (edge int, err error) {
	f, err := readMsg(msg)
	if err != nil {
		return 0, err
	}
	if f.fromVec || !f.fromOK {
		return 0, ErrReplyAskFrom
	}
	if !f.expects || !f.hasEdge {
		return 0, ErrReplyAskStale
	}
	err = c.run(func(t *tx) error {
		a, err := t.openKnown(src)
		if err != nil {
			return err
		}
		if !t.replySlot(a, f.edge, v, false) {
			return ErrReplyAskStale
		}
		if _, err := t.known(f.from); err != nil {
			return err
		}
		e, err := t.newEdge(src, []Handle{f.from}, 0, false)
		if err != nil {
			return err
		}
		edge = e.id
		t.enqueue(f.from, message{v: msgRequest(src, e.id, v, true), request: e.id})
		return nil
	})
	return edge, err
}

// Cancel removes src's pending edge (ErrNoOutgoingEdge otherwise) without
// stopping its targets, resolves a tracked request as cancelled, enqueues a
// cancel notice if src is asleep, and returns the edge with :status
// :cancelled.
func (c *Coordinator) Cancel(src Handle, edge int) (Value, error) {
	var out Value
	err := c.run(func(t *tx) error {
		if err := t.open(); err != nil {
			return err
		}
		e, ok := t.edge(edge)
		if !ok || e.source != src {
			return ErrNoOutgoingEdge
		}
		out = edgeSummary(e).(*value.Map).Assoc(kwStatus, value.Kw("cancelled"))
		t.cancel(e, true, "cancel")
		return nil
	})
	return out, err
}

// WaitKind is the decision of a Wait.
type WaitKind uint8

const (
	Ready  WaitKind = iota // Batch holds the drained messages (kind wait)
	Idle                   // nothing to wait for: the wait returns nil
	Asleep                 // Ticket.Block, then Drain(h, KindWait)
)

func (k WaitKind) String() string {
	switch k {
	case Ready:
		return "ready"
	case Idle:
		return "idle"
	default:
		return "asleep"
	}
}

// WaitResult is the result of Wait.
type WaitResult struct {
	Kind   WaitKind
	Batch  []Message
	Ticket Ticket
}

// Wait is agents/!wait for lifecycle tok of h: the §3.5 decision in one
// transition (ready, idle, asleep, or a *SleepRefusedError).
func (c *Coordinator) Wait(h Handle, tok Token) (WaitResult, error) {
	var res WaitResult
	w := &waiter{h: h, ch: make(chan struct{})}
	hk := hooks{}
	err := c.runH(func(t *tx) error {
		a, err := t.openKnown(h)
		if err != nil {
			return err
		}
		if a.token != tok {
			return ErrStaleLifecycle
		}
		if a.mailLen() > 0 {
			res.Kind = Ready
			res.Batch = t.drain(t.agentW(h), KindWait)
			return nil
		}
		out, in := t.obligations(a)
		if out == 0 && in == 0 {
			res.Kind = Idle
			return nil
		}
		if !sleepAllowed(out, in) {
			return t.refused(a)
		}
		t.s.sleepSeq++
		w.id = t.s.sleepSeq
		aw := t.agentW(h)
		aw.status = StatusAsleep
		aw.sleepID = w.id
		res.Kind = Asleep
		res.Ticket = Ticket{c: c, w: w}
		hk.waiter = w
		t.event("sleep", map[string]any{"handle": h, "out": out, "in": in})
		return nil
	}, &hk)
	return res, err
}

func (t *tx) refused(a *agent) error {
	return &SleepRefusedError{Data: value.NewMap(kwOutEdges, t.outEdges(a), kwInEdges, t.inEdges(a))}
}

// Drain empties h's mailbox and claims its request slots for h's current
// generation (kinds pre-eval, wait, receive). Messages are named msg-N in
// drain order, numbered per run.
func (c *Coordinator) Drain(h Handle, kind ReceiptKind) []Message {
	var out []Message
	_ = c.run(func(t *tx) error {
		a, ok := t.agent(h)
		if !ok {
			return nil
		}
		if a.status == StatusAsleep || a.status == StatusExternalWait {
			// Draining ends the sleep: its ticket fires (idempotent).
			aw := t.agentW(h)
			t.emit(effect{kind: fxWake, h: h, sleepID: aw.sleepID})
			aw.status, aw.sleepID, aw.extWait = StatusAwake, 0, 0
		}
		if a.mailLen() == 0 {
			return nil
		}
		out = t.drain(t.agentW(h), kind)
		return nil
	})
	return out
}

// abandon marks a sleeper whose Block was cancelled awake again.
func (c *Coordinator) abandon(w *waiter) {
	_ = c.run(func(t *tx) error {
		a, ok := t.agent(w.h)
		if ok && a.sleepID == w.id && (a.status == StatusAsleep || a.status == StatusExternalWait) {
			aw := t.agentW(w.h)
			aw.status, aw.sleepID, aw.extWait = StatusAwake, 0, 0
		}
		return nil
	})
	c.mu.Lock()
	delete(c.waiters, w.id)
	c.mu.Unlock()
}

// Begin starts a lifecycle of h: generation + 1, a new token, and the
// startup batch drained and claimed (kind startup for a spawned agent's
// first lifecycle, dormant otherwise). A second runner → ErrAgentActive.
func (c *Coordinator) Begin(h Handle) (tok Token, gen int, batch []Message, err error) {
	err = c.run(func(t *tx) error {
		a, err := t.openKnown(h)
		if err != nil {
			return err
		}
		if a.token != 0 {
			return ErrAgentActive
		}
		kind := KindDormant
		if a.gen == 0 && !a.registered {
			kind = KindStartup
		}
		aw := t.agentW(h)
		t.s.tokenSeq++
		aw.token = Token(t.s.tokenSeq)
		aw.gen++
		aw.status = StatusAwake
		aw.starting = false
		aw.sleepID, aw.extWait = 0, 0
		tok, gen = aw.token, aw.gen
		t.event("begin", map[string]any{"handle": h, "generation": gen})
		batch = t.drain(aw, kind)
		return nil
	})
	return tok, gen, batch, err
}

// Finish ends lifecycle tok of h (idempotent by token: a stale or repeated
// token does nothing). It fills every still-pending slot claimed by this
// generation with v (or with failure when non-nil), cancels h's pending
// outgoing edges (a "warning" event), and marks h finished. again reports a
// non-empty mailbox: the runner begins the next lifecycle at once.
func (c *Coordinator) Finish(h Handle, tok Token, v Value, failure Value) (again bool) {
	_ = c.run(func(t *tx) error {
		a, ok := t.agent(h)
		if !ok || tok == 0 || a.token != tok {
			return ErrStaleLifecycle
		}
		fillV := v
		if failure != nil {
			fillV = failure
		}
		for _, id := range a.ins { // idSet versions never change in place
			e, ok := t.edge(id)
			if !ok {
				continue
			}
			if i := e.slotOf(h); i >= 0 && e.slots[i].state == slotPending && e.slots[i].claimed == a.gen {
				t.fill(t.edgeW(id), i, fillV, true)
			}
		}
		t.cancelOuts(h, "finished with unfinished outgoing edges")
		aw := t.agentW(h)
		aw.token = 0
		aw.sleepID, aw.extWait = 0, 0
		if aw.mailLen() > 0 && !t.s.closed {
			aw.status = StatusAwake
			aw.starting = true
			again = true
		} else {
			aw.status = StatusFinished
			aw.starting = false
		}
		t.event("finish", map[string]any{"handle": h, "generation": a.gen, "failed": failure != nil, "again": again})
		return nil
	})
	return again
}

// cancelOuts cancels every pending outgoing edge of h (warning event).
func (t *tx) cancelOuts(h Handle, warning string) {
	a, ok := t.agent(h)
	if !ok || a.outs == nil {
		return
	}
	ids := a.outs // a version: cancelling builds new ones
	for _, id := range ids {
		if e, ok := t.edge(id); ok {
			t.cancel(e, false, "finish")
		}
	}
	if len(ids) > 0 {
		t.event("warning", map[string]any{"handle": h, "message": warning, "edges": ids})
	}
}

// Retire removes a handle no runner can serve (failed startup or launch):
// every pending incoming slot, claimed or not, is filled with failure, its
// outgoing edges are cancelled, and the handle is removed.
func (c *Coordinator) Retire(h Handle, failure Value) error {
	return c.run(func(t *tx) error {
		a, err := t.openKnown(h)
		if err != nil {
			return err
		}
		for _, id := range a.ins { // idSet versions never change in place
			e, ok := t.edge(id)
			if !ok {
				continue
			}
			if i := e.slotOf(h); i >= 0 && e.slots[i].state == slotPending {
				t.fill(t.edgeW(id), i, failure, true)
			}
		}
		t.cancelOuts(h, "retired with unfinished outgoing edges")
		a, _ = t.agent(h)
		if a.sleepID != 0 {
			t.emit(effect{kind: fxWake, h: h, sleepID: a.sleepID})
		}
		t.removeAgent(h)
		t.event("retire", map[string]any{"handle": h})
		return nil
	})
}

// ExternalWait is !ask-await for lifecycle tok of h: it registers an
// external wait (status :external-wait), refused like a sleep when h holds
// a pending incoming request and no newer outgoing edge. With a non-empty
// mailbox no wait is registered (id 0) and the ticket does not block: the
// runner drains (kind wait) and should re-join the same future later.
func (c *Coordinator) ExternalWait(h Handle, tok Token) (id int, tk Ticket, err error) {
	w := &waiter{h: h, ch: make(chan struct{})}
	hk := hooks{}
	err = c.runH(func(t *tx) error {
		a, err := t.openKnown(h)
		if err != nil {
			return err
		}
		if a.token != tok {
			return ErrStaleLifecycle
		}
		if a.mailLen() > 0 {
			return nil
		}
		out, in := t.obligations(a)
		if in != 0 && !sleepAllowed(out, in) {
			return t.refused(a)
		}
		t.s.extSeq++
		t.s.sleepSeq++
		id = t.s.extSeq
		w.id = t.s.sleepSeq
		aw := t.agentW(h)
		aw.status = StatusExternalWait
		aw.sleepID = w.id
		aw.extWait = id
		tk = Ticket{c: c, w: w}
		hk.waiter = w
		t.event("sleep", map[string]any{"handle": h, "external": id})
		return nil
	}, &hk)
	return id, tk, err
}

// ExternalResult enqueues {:from :future :body v} for external wait id of h,
// only if that wait is still h's current one (a wait ends when h resumes for
// any reason or its lifecycle ends). Reports whether it was enqueued.
func (c *Coordinator) ExternalResult(h Handle, id int, v Value) (delivered bool) {
	_ = c.run(func(t *tx) error {
		if t.s.closed || id == 0 {
			return nil
		}
		a, ok := t.agent(h)
		if !ok || a.extWait != id {
			return nil
		}
		t.enqueue(h, message{v: msgFuture(v)})
		delivered = true
		return nil
	})
	return delivered
}

// Close closes the run: later operations fail with ErrClosed; every edge
// and external wait is cleared, every sleeper is woken (its Block returns
// ErrClosed), tracked requests fail with ErrClosed. Idempotent.
func (c *Coordinator) Close() {
	_ = c.run(func(t *tx) error {
		if t.s.closed {
			return nil
		}
		t.s.closed = true
		it := t.base.edges.Iterator()
		for !it.Done() {
			id, _, _ := it.Next()
			t.dropEdge(id)
		}
		t.base.table.each(func(a *agent) {
			if a.outs == nil && a.ins == nil && a.status != StatusAsleep && a.status != StatusExternalWait {
				return
			}
			h := a.handle
			aw := t.agentW(h)
			aw.outs, aw.ins = nil, nil
			if aw.status == StatusAsleep || aw.status == StatusExternalWait {
				t.emit(effect{kind: fxWake, h: h, sleepID: aw.sleepID})
				aw.status, aw.sleepID, aw.extWait = StatusAwake, 0, 0
			}
		})
		t.emit(effect{kind: fxClosed})
		t.event("close", map[string]any{"handle": ""})
		return nil
	})
}

// Closed reports whether the coordinator closed.
func (c *Coordinator) Closed() bool { return c.closed.Load() }

// SetCheckpoint records h's checkpoint program (the program a wake-up
// reopens).
func (c *Coordinator) SetCheckpoint(h Handle, program string) error {
	return c.run(func(t *tx) error {
		if _, err := t.known(h); err != nil {
			return err
		}
		t.agentW(h).checkpoint = program
		return nil
	})
}
