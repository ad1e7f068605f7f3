// Package sched is the baton of a multi-agent run: at most one runner (an
// agent's goroutine) evaluates at a time, so the runtime's ledger, trace
// and per-handle state stay single-writer without locks.
//
// Under replay the scheduler is a discrete-event simulation (runtime.md
// §13): a virtual clock; a runnable runner has a virtual time and its
// registration index; the earliest runs next, ties broken by registration
// order; evaluation takes no virtual time and nothing reads the wall clock.
// Live runs use the same baton in FIFO order of arrival.
//
// A runner never runs without the baton: every wait of a runner ends with
// the baton granted to it. Cancellation (ctx) turns a parked runner into a
// runnable one, so a cancelled run unwinds one runner at a time.
package sched

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Sched is one run's baton.
type Sched struct {
	mu      sync.Mutex
	virtual bool
	now     time.Duration // virtual clock
	holder  *Runner
	queue   runQueue
	arrival uint64 // FIFO order of live runs
	n       int    // runners registered
	stopped bool
}

// New returns a scheduler; virtual selects the deterministic
// discrete-event mode (replay).
func New(virtual bool) *Sched { return &Sched{virtual: virtual, queue: runQueue{virtual: virtual}} }

// Virtual reports whether the scheduler runs on virtual time.
func (s *Sched) Virtual() bool { return s.virtual }

// Now is the virtual clock (zero in live runs).
func (s *Sched) Now() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

type state int

const (
	idle    state = iota // neither queued nor holding (not started, or between lifecycles)
	queued               // runnable, waiting for the baton
	holding              // holds the baton
	parked               // gave the baton up until Wake
)

// Runner is one agent's place in the schedule. A handle keeps its Runner
// across lifecycles, so its registration index (the tie-break) is stable.
type Runner struct {
	s     *Sched
	Name  string
	idx   int
	st    state
	at    time.Duration
	order uint64
	hi    int           // heap index
	grant chan struct{} // buffered: one pending grant
	woken bool          // a Wake arrived while not parked: the next Park returns at once
	again bool          // a Start arrived while holding: Release queues the runner again
}

// Register adds a runner. Registration order is the tie-break of the
// virtual schedule, so the caller registers runners deterministically
// (while holding the baton).
func (s *Sched) Register(name string) *Runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &Runner{s: s, Name: name, idx: s.n, hi: -1, grant: make(chan struct{}, 1)}
	s.n++
	return r
}

// Index is the runner's registration index.
func (r *Runner) Index() int { return r.idx }

// enqueue makes r runnable at virtual time at. Called with s.mu held.
func (s *Sched) enqueue(r *Runner, at time.Duration) {
	r.st = queued
	r.at = at
	s.arrival++
	r.order = s.arrival
	heap.Push(&s.queue, r)
}

// dispatch hands a free baton to the next runnable. Called with s.mu held.
func (s *Sched) dispatch() {
	if s.holder != nil || s.queue.Len() == 0 || s.stopped {
		return
	}
	r := heap.Pop(&s.queue).(*Runner)
	if s.virtual && r.at > s.now {
		s.now = r.at
	}
	s.holder = r
	r.st = holding
	r.woken = false
	select {
	case r.grant <- struct{}{}:
	default:
	}
}

// Start makes an idle runner runnable now (a new goroutine will Await
// the baton). Call it synchronously, from the baton holder, so the order
// of runnables is deterministic. A runner not idle is left alone.
func (r *Runner) Start() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.st {
	case idle:
		s.enqueue(r, s.now)
		s.dispatch()
	case holding:
		// The goroutine that holds the baton is about to release it
		// for good while a new one will Await: Release queues again.
		r.again = true
	}
}

// Acquire queues r for the baton (now) and waits for it.
func (r *Runner) Acquire(ctx context.Context) {
	r.Start()
	r.Await(ctx)
}

// Await blocks until r holds the baton. ctx only turns a parked runner
// into a runnable one: the runner always returns holding the baton.
func (r *Runner) Await(ctx context.Context) {
	s := r.s
	for {
		select {
		case <-r.grant:
			return
		case <-ctx.Done():
			s.mu.Lock()
			if r.st == parked {
				s.enqueue(r, s.now)
				s.dispatch()
			}
			s.mu.Unlock()
			<-r.grant
			return
		}
	}
}

// Release gives the baton up (the runner ends or leaves the schedule).
func (r *Runner) Release() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holder == r {
		s.holder = nil
	}
	r.st = idle
	r.woken = false
	if r.again {
		r.again = false
		s.enqueue(r, s.now)
	}
	s.dispatch()
}

// Park gives the baton up until Wake (or ctx ends) and returns holding
// it again. A Wake that arrived since the runner last got the baton makes
// Park return at once (no wake is lost between deciding to sleep and
// parking).
func (r *Runner) Park(ctx context.Context) {
	s := r.s
	s.mu.Lock()
	if r.woken {
		r.woken = false
		s.mu.Unlock()
		return
	}
	if s.holder == r {
		s.holder = nil
	}
	r.st = parked
	s.dispatch()
	s.mu.Unlock()
	r.Await(ctx)
}

// Wake makes a parked runner runnable now; for a runner that is running or
// queued it is remembered for its next Park. Idempotent.
func (r *Runner) Wake() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.st {
	case parked:
		s.enqueue(r, s.now)
		s.dispatch()
	case holding, queued:
		r.woken = true
	}
}

// Sleep gives the baton up for d and returns holding it again. Virtual:
// the runner becomes runnable at now+d on the virtual clock and no real
// time passes. Live: it sleeps d of wall clock (cut short by ctx), then
// queues. Returns ctx.Err() when ctx ended.
func (r *Runner) Sleep(ctx context.Context, d time.Duration) error {
	s := r.s
	if s.virtual {
		s.mu.Lock()
		if s.holder == r {
			s.holder = nil
		}
		s.enqueue(r, s.now+max(d, 0))
		s.dispatch()
		s.mu.Unlock()
		<-r.grant
		return ctx.Err()
	}
	r.Release()
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	r.Acquire(ctx)
	return ctx.Err()
}

// Outside runs f without the baton (a live model call, a blocking wait)
// and queues for the baton again afterwards.
func (r *Runner) Outside(ctx context.Context, f func()) {
	r.Release()
	defer r.Acquire(ctx)
	f()
}

// Stop ends scheduling: no runner gets the baton any more. The run calls
// it when runners did not finish in time, so that none of them runs
// alongside the run's final bookkeeping.
func (s *Sched) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
}

// runQueue orders runnables: virtual (time, registration), live arrival.
type runQueue struct {
	virtual bool
	rs      []*Runner
}

func (q runQueue) Len() int { return len(q.rs) }
func (q runQueue) Less(i, j int) bool {
	a, b := q.rs[i], q.rs[j]
	if q.virtual {
		if a.at != b.at {
			return a.at < b.at
		}
		return a.idx < b.idx
	}
	return a.order < b.order
}
func (q runQueue) Swap(i, j int) {
	q.rs[i], q.rs[j] = q.rs[j], q.rs[i]
	q.rs[i].hi, q.rs[j].hi = i, j
}
func (q *runQueue) Push(x any) {
	r := x.(*Runner)
	r.hi = len(q.rs)
	q.rs = append(q.rs, r)
}
func (q *runQueue) Pop() any {
	n := len(q.rs) - 1
	r := q.rs[n]
	q.rs[n] = nil
	q.rs = q.rs[:n]
	r.hi = -1
	return r
}
