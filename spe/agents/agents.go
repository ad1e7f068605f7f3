// Package agents is the coordinator of one multi-agent run (effects.md §3):
// agents (handles) with mailboxes, hyperedges with fill-once slots, the
// sleep rule that makes waits deadlock-free, lifecycles, capacity, external
// waits (!ask-await) and tracked requests (blocking/request).
//
// The whole state of a run is one immutable value guarded by a mutex. Every
// operation is a transition state → (state′, result, effects) computed on a
// private overlay and committed atomically; a rejected operation leaves the
// state unchanged. The effects (wake-ups, starts of dormant agents, closed,
// resolved tracked requests, trace events) are dispatched after the commit,
// outside the lock; wake-ups are idempotent for the receiver. Mailboxes are
// the source of truth: a wake is only a notification.
//
// The package knows nothing about evaluation: it builds the Spell maps of
// messages and views, and returns plain Go errors wrapping its sentinels
// (ErrClosed, ErrSleepRefused, …) whose texts are the spec's messages.
package agents

import (
	"context"
	"sync"
	"sync/atomic"
)

// Handle names an agent: "main", "bidder-a", "spawn-1" (no leading colon).
type Handle = string

// Main is the root handle.
const Main Handle = "main"

// Token identifies one lifecycle of one handle (0 = none).
type Token uint64

// FirstToken is the token of a coordinator's first lifecycle: main's, when
// Begin(Main) follows RegisterMain on a new Coordinator. Tokens count up
// from it.
const FirstToken Token = 1

// Status is an agent's status.
type Status uint8

const (
	StatusAwake Status = iota
	StatusAsleep
	StatusExternalWait
	StatusFinished
)

func (s Status) String() string {
	switch s {
	case StatusAwake:
		return "awake"
	case StatusAsleep:
		return "asleep"
	case StatusExternalWait:
		return "external-wait"
	default:
		return "finished"
	}
}

// NotifyKind is the kind of a Notification.
type NotifyKind uint8

const (
	// Wake: a sleeper or external waiter has something to run (its Ticket
	// fires too). Harmless for an agent that is awake.
	Wake NotifyKind = iota
	// Start: a finished (dormant) agent got a message; the runtime launches
	// a runner that calls Begin.
	Start
	// Closed: the coordinator closed (Handle is "").
	Closed
)

func (k NotifyKind) String() string {
	switch k {
	case Wake:
		return "wake"
	case Start:
		return "start"
	default:
		return "closed"
	}
}

// Notification is dispatched after the transition that recorded it commits.
type Notification struct {
	Kind   NotifyKind
	Handle Handle
}

// DefaultMaxEdges is the default --max-edges (effects.md §3.9).
const DefaultMaxEdges = 10000

// Options configure a Coordinator.
type Options struct {
	// MaxEdges bounds simultaneously pending edges (0 → DefaultMaxEdges).
	MaxEdges int
	// Event, when set, receives trace events after their transition
	// commits, in commit order ("spawn", "register", "edge-created",
	// "edge-filled", "edge-cancelled", "edge-completed", "enqueued",
	// "delivered", "wake", "sleep", "begin", "finish", "retire",
	// "warning", "close"). fields always has "handle". It must not call
	// back into the Coordinator.
	Event func(kind string, fields map[string]any)
}

// Coordinator is the coordinator of one run. All methods are safe for
// concurrent use.
type Coordinator struct {
	mu      sync.Mutex
	st      *state
	scratch tx                 // reused by every transition (under mu)
	waiters map[uint64]*waiter // sleep / external-wait tickets by sleepID
	tracked map[int]*Tracked   // tracked requests by edge id
	closed  atomic.Bool

	notify func(Notification)
	event  func(string, map[string]any)
	evMu   sync.Mutex // orders event dispatch by commit order
}

// New returns the coordinator of a new run. notify (may be nil) is called
// once per notification after its transition commits, outside the lock.
func New(opts Options, notify func(Notification)) *Coordinator {
	max := opts.MaxEdges
	if max <= 0 {
		max = DefaultMaxEdges
	}
	return &Coordinator{
		st:      newState(max, opts.Event != nil),
		waiters: map[uint64]*waiter{},
		tracked: map[int]*Tracked{},
		notify:  notify,
		event:   opts.Event,
	}
}

// hooks are the impure parts of one operation, run under the lock right
// after the state committed (register a waiter, a tracked request).
type hooks struct {
	waiter  *waiter
	tracked *Tracked
}

// run applies one transition: compute on an overlay, commit, then dispatch
// its effects outside the lock.
func (c *Coordinator) run(f func(t *tx) error) error {
	return c.runH(f, nil)
}

// runH is run with hooks the transition may fill in while it runs.
func (c *Coordinator) runH(f func(t *tx) error, h *hooks) error {
	c.mu.Lock()
	c.scratch.reset(c.st)
	next, fx, err := c.st.applyTx(&c.scratch, f)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.st = next
	if next.closed {
		c.closed.Store(true)
	}
	if h != nil && h.waiter != nil {
		c.waiters[h.waiter.id] = h.waiter
	}
	if h != nil && h.tracked != nil {
		c.tracked[h.tracked.edge] = h.tracked
	}
	// Resolve the wake targets under the lock (a waiter registered by an
	// earlier commit is visible; one registered later cannot miss a wake
	// because its own transition saw the state after this one).
	var fire []*waiter
	var resolve []*Tracked
	events := false
	for i := range fx {
		switch fx[i].kind {
		case fxWake:
			if w := c.waiters[fx[i].sleepID]; w != nil {
				delete(c.waiters, fx[i].sleepID)
				fire = append(fire, w)
			}
		case fxClosed:
			for id, w := range c.waiters {
				delete(c.waiters, id)
				fire = append(fire, w)
			}
		case fxResolve:
			if tr := c.tracked[fx[i].edge]; tr != nil {
				delete(c.tracked, fx[i].edge)
				tr.v, tr.err = fx[i].v, fx[i].err
				resolve = append(resolve, tr)
			}
		case fxEvent:
			events = true
		}
	}
	if fx != nil && hasClosed(fx) {
		for id, tr := range c.tracked {
			delete(c.tracked, id)
			tr.err = ErrClosed
			resolve = append(resolve, tr)
		}
	}
	if events && c.event != nil {
		c.evMu.Lock() // taken before unlocking mu: events keep commit order
	}
	c.mu.Unlock()

	for _, w := range fire {
		w.fire()
	}
	for _, tr := range resolve {
		close(tr.done)
	}
	if events && c.event != nil {
		for i := range fx {
			if fx[i].kind == fxEvent {
				c.event(fx[i].event, fx[i].fields)
			}
		}
		c.evMu.Unlock()
	}
	if c.notify != nil {
		for i := range fx {
			switch fx[i].kind {
			case fxWake:
				c.notify(Notification{Wake, fx[i].h})
			case fxStart:
				c.notify(Notification{Start, fx[i].h})
			case fxClosed:
				c.notify(Notification{Closed, ""})
			}
		}
	}
	return nil
}

func hasClosed(fx []effect) bool {
	for i := range fx {
		if fx[i].kind == fxClosed {
			return true
		}
	}
	return false
}

// view reads the committed state (views are built outside the lock: the
// state value is immutable).
func (c *Coordinator) view() *state {
	c.mu.Lock()
	s := c.st
	c.mu.Unlock()
	return s
}

// waiter is the blocking side of one sleep or external wait.
type waiter struct {
	id   uint64
	h    Handle
	ch   chan struct{}
	once sync.Once
}

func (w *waiter) fire() { w.once.Do(func() { close(w.ch) }) }

// Ticket is returned by an accepted sleep or external wait.
type Ticket struct {
	c *Coordinator
	w *waiter
}

// Block returns when the agent is woken (nil), the coordinator closes
// (ErrClosed) or ctx ends (ctx.Err(); the agent is then marked awake). After
// a nil return the runner drains its mailbox (Drain with KindWait).
func (t Ticket) Block(ctx context.Context) error {
	if t.w == nil {
		return nil
	}
	select {
	case <-t.w.ch:
	case <-ctx.Done():
		t.c.abandon(t.w)
		return ctx.Err()
	}
	if t.c.closed.Load() {
		return ErrClosed
	}
	return nil
}

// Done is closed when the ticket fires (nil for a ticket that never blocks).
func (t Ticket) Done() <-chan struct{} {
	if t.w == nil {
		return nil
	}
	return t.w.ch
}

// Tracked is a request made by blocking/request: awaiting it yields the
// target's value, ErrRequestCancelled or ErrClosed.
type Tracked struct {
	edge int
	done chan struct{}
	v    Value
	err  error
}

// Edge is the request's edge id.
func (tr *Tracked) Edge() int { return tr.edge }

// Done is closed when the request resolves.
func (tr *Tracked) Done() <-chan struct{} { return tr.done }

// Await waits for the result (or ctx).
func (tr *Tracked) Await(ctx context.Context) (Value, error) {
	select {
	case <-tr.done:
		return tr.v, tr.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
