package agents

import (
	"strings"
)

// The building blocks of transitions. Every function here works on the
// transition's overlay; nothing is visible before commit.

var reserved = map[Handle]bool{"coordinator": true, "future": true, "watch-send": true, "mcp-listen": true}

func checkHandle(h Handle) error {
	if h == "" || strings.ContainsAny(h, ": \t\n\r,()[]{}\"'`;@^~\\") {
		return errHandle(ErrBadHandle, h)
	}
	if reserved[h] {
		return errHandle(ErrHandleReserved, h)
	}
	return nil
}

func (t *tx) open() error {
	if t.s.closed {
		return ErrClosed
	}
	return nil
}

// known returns h's record or ErrUnknownHandle.
func (t *tx) known(h Handle) (*agent, error) {
	a, ok := t.agent(h)
	if !ok {
		return nil, errHandle(ErrUnknownHandle, h)
	}
	return a, nil
}

// openKnown is the precondition of a transition made by (or sent to) h:
// the coordinator is open (else ErrClosed) and h is known (else
// ErrUnknownHandle); it returns h's record.
func (t *tx) openKnown(h Handle) (*agent, error) {
	if err := t.open(); err != nil {
		return nil, err
	}
	return t.known(h)
}

// register adds a new agent record.
func (t *tx) register(parent, name Handle, status Status, checkpoint string) (Handle, error) {
	if name == "" {
		for {
			t.s.spawnSeq++
			name = "spawn-" + itoa(t.s.spawnSeq)
			if _, taken := t.agent(name); !taken {
				break
			}
		}
	} else {
		if err := checkHandle(name); err != nil {
			return "", err
		}
		if _, taken := t.agent(name); taken {
			return "", errHandle(ErrHandleTaken, name)
		}
	}
	t.s.regSeq++
	t.putAgent(&agent{
		handle:     name,
		parent:     parent,
		order:      t.s.regSeq,
		status:     status,
		checkpoint: checkpoint,
		registered: status == StatusFinished,
	})
	return name, nil
}

// enqueue appends a message to h's mailbox and makes sure h will run: a
// sleeper or external waiter is woken, a finished agent is started. The wake
// is recorded in the same transition as the message, so it cannot be lost.
func (t *tx) enqueue(h Handle, m message) {
	a := t.agentW(h)
	if a == nil {
		return
	}
	a.mailbox = a.mailbox.push(m)
	if t.s.trace {
		t.event("enqueued", map[string]any{"handle": h, "message": m.v})
	}
	t.wake(a)
}

func (t *tx) wake(a *agent) {
	switch a.status {
	case StatusAsleep, StatusExternalWait:
		t.emit(effect{kind: fxWake, h: a.handle, sleepID: a.sleepID})
		if t.s.trace {
			t.event("wake", map[string]any{"handle": a.handle, "from": a.status.String()})
		}
		a.status = StatusAwake
		a.sleepID = 0
		a.extWait = 0
	case StatusFinished:
		if a.token == 0 && !a.starting {
			a.starting = true
			a.status = StatusAwake
			t.emit(effect{kind: fxStart, h: a.handle})
		}
	}
}

// newEdge admits a new edge from src over targets (capacity first).
// claimed > 0 pre-claims every slot for that generation.
func (t *tx) newEdge(src Handle, targets []Handle, claimed int, tracked bool) (*edge, error) {
	if len(targets) == 0 {
		return nil, ErrNoTargets
	}
	if n := t.pendingEdges(); n >= t.s.maxEdges {
		return nil, &CapacityError{Pending: n}
	}
	slots := make([]slot, len(targets))
	for i, h := range targets {
		for j := 0; j < i; j++ {
			if targets[j] == h {
				return nil, errHandle(ErrDuplicateTarget, h)
			}
		}
		if _, err := t.known(h); err != nil {
			return nil, err
		}
		slots[i] = slot{target: h, claimed: claimed}
	}
	t.s.edgeSeq++
	e := &edge{id: t.s.edgeSeq, source: src, slots: slots, tracked: tracked}
	t.putEdge(e)
	s := t.agentW(src)
	s.outs = s.outs.add(e.id)
	for _, h := range targets {
		a := t.agentW(h)
		a.ins = a.ins.add(e.id)
		t.touch(h)
	}
	t.touch(src)
	if t.s.trace {
		t.event("edge-created", map[string]any{"handle": src, "edge": e.id, "targets": targets, "tracked": tracked})
	}
	return e, nil
}

// fill fills slot i of edge e (writable) once. report=false suppresses the
// completion report of a single-target edge (!reply-ask).
func (t *tx) fill(e *edge, i int, v Value, report bool) {
	s := &e.slots[i]
	if s.state != slotPending {
		return
	}
	s.state = slotFilled
	s.value = v
	e.filled++
	t.touch(s.target)
	if t.s.trace {
		t.event("edge-filled", map[string]any{"handle": s.target, "edge": e.id, "generation": s.claimed})
	}
	if e.filled == len(e.slots) {
		t.complete(e, report)
	}
}

// unlink removes a dead edge from the state and from its agents' indexes.
func (t *tx) unlink(e *edge) {
	t.dropEdge(e.id)
	if s := t.agentW(e.source); s != nil {
		s.outs = s.outs.del(e.id)
		t.touch(e.source)
	}
	for _, sl := range e.slots {
		if a := t.agentW(sl.target); a != nil {
			a.ins = a.ins.del(e.id)
			t.touch(sl.target)
		}
	}
}

func (t *tx) complete(e *edge, report bool) {
	t.unlink(e)
	if t.s.trace {
		t.event("edge-completed", map[string]any{"handle": e.source, "edge": e.id})
	}
	switch {
	case e.tracked:
		t.emit(effect{kind: fxResolve, h: e.source, edge: e.id, v: e.slots[0].value})
	case report || len(e.slots) > 1:
		t.enqueue(e.source, message{v: msgReport(e)})
	}
}

// cancel removes a live edge; notice enqueues a cancel notice when the
// source is asleep or in an external wait.
func (t *tx) cancel(e *edge, notice bool, reason string) {
	t.unlink(e)
	if t.s.trace {
		t.event("edge-cancelled", map[string]any{"handle": e.source, "edge": e.id, "reason": reason})
	}
	if e.tracked {
		t.emit(effect{kind: fxResolve, h: e.source, edge: e.id, err: ErrRequestCancelled})
	}
	if notice {
		if s, ok := t.agent(e.source); ok && (s.status == StatusAsleep || s.status == StatusExternalWait) {
			t.enqueue(e.source, message{v: msgCancel(e)})
		}
	}
}

// obligations: the newest pending outgoing edge and the newest pending
// incoming slot of a (0 = none).
func (t *tx) obligations(a *agent) (out, in int) {
	if n := len(a.outs); n > 0 {
		out = a.outs[n-1]
	}
	for k := len(a.ins) - 1; k >= 0; k-- {
		id := a.ins[k]
		if e, ok := t.edge(id); ok {
			if i := e.slotOf(a.handle); i >= 0 && e.slots[i].state == slotPending {
				in = id
				break
			}
		}
	}
	return out, in
}

// sleepAllowed is the sleep rule (effects.md §3.5): the newest pending
// outgoing edge is newer than every pending incoming slot.
func sleepAllowed(out, in int) bool { return out > in }

// checkSleeper wakes a sleeper whose sleep a change invalidated (it would be
// idle or refused now) with {:from :coordinator :body :wait-obligation-changed}.
func (t *tx) checkSleeper(h Handle) {
	a, ok := t.agent(h)
	if !ok || (a.status != StatusAsleep && a.status != StatusExternalWait) {
		return
	}
	out, in := t.obligations(a)
	valid := sleepAllowed(out, in)
	if a.status == StatusExternalWait {
		valid = in == 0 || valid
	}
	if !valid {
		t.enqueue(h, message{v: msgObligationChanged})
	}
}

// drain empties a's mailbox (a writable) and claims every request slot of
// the batch for a's current generation.
func (t *tx) drain(a *agent, kind ReceiptKind) []Message {
	n := a.mailLen()
	if n == 0 {
		return nil
	}
	out := make([]Message, 0, n)
	for _, m := range a.mailbox.items() {
		t.s.msgSeq++
		name := msgName(t.s.msgSeq)
		out = append(out, Message{Name: name, Value: m.v, Label: Label(kind, name)})
		if m.request != 0 {
			if e := t.edgeW(m.request); e != nil {
				if i := e.slotOf(a.handle); i >= 0 && e.slots[i].state == slotPending && e.slots[i].claimed == 0 {
					e.slots[i].claimed = a.gen
				}
			}
		}
		if t.s.trace {
			t.event("delivered", map[string]any{"handle": a.handle, "name": name, "message": m.v, "kind": kind.String()})
		}
	}
	a.mailbox = mailbox{}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
