package agents

import (
	"sync/atomic"

	"github.com/benbjohnson/immutable"

	"github.com/spell-go/spell/eval/value"
)

// Value is a Spell value (eval/value).
type Value = value.Value

// message is one mailbox entry: its Spell map and, for a request expecting a
// response, the edge whose slot the drain claims.
type message struct {
	v       Value
	request int
}

// agent is one handle's record. Records are immutable once committed: a
// transition copies the record (tx.agentW) before changing it.
type agent struct {
	handle     Handle
	parent     Handle // "" for main
	order      int    // registration index
	gen        int
	status     Status
	mailbox    mailbox
	checkpoint string
	token      Token  // live lifecycle token, 0 = no lifecycle running
	starting   bool   // a Start notification is out (or the runner is about to Begin)
	sleepID    uint64 // current sleep / external wait ticket (0 = none)
	extWait    int    // current external wait id (0 = none)
	outs       idSet  // pending edges this agent owns
	ins        idSet  // live edges holding a slot for this agent
	registered bool   // registered dormant (agents/register): first batch is kind dormant
}

func (a *agent) mailLen() int { return a.mailbox.n }

type slotState uint8

const (
	slotPending slotState = iota
	slotFilled
)

type slot struct {
	target  Handle
	state   slotState
	claimed int // generation that claimed the slot (0 = unclaimed)
	value   Value
}

// edge is one hyperedge (a request, a spawn-ask collection or a tracked
// request). Only live (pending) edges are kept in the state.
type edge struct {
	id      int // == created-seq (both strictly increasing, one counter)
	source  Handle
	slots   []slot
	filled  int
	tracked bool // blocking/request: the result resolves a Tracked, no report
}

func (e *edge) slotOf(h Handle) int {
	for i := range e.slots {
		if e.slots[i].target == h {
			return i
		}
	}
	return -1
}

// state is the whole coordinator state of one run: an immutable value. A
// transition never changes a committed state; it builds the next one.
type state struct {
	index    *immutable.Map[Handle, int] // handle → registration order
	table    table                       // registration order → record
	nagents  int
	edges    *immutable.SortedMap[int, *edge]
	edgeSeq  int    // last edge id / created-seq
	msgSeq   int    // last msg-N
	spawnSeq int    // last spawn-N
	regSeq   int    // registrations
	tokenSeq uint64 // lifecycle tokens
	sleepSeq uint64 // sleep / external-wait tickets
	extSeq   int    // external wait ids
	closed   bool
	maxEdges int
	trace    bool // collect trace events
}

func newState(maxEdges int, trace bool) *state {
	return &state{
		index:    immutable.NewMap[Handle, int](immutable.NewHasher("")),
		edges:    immutable.NewSortedMap[int, *edge](immutable.NewComparer(0)),
		maxEdges: maxEdges,
		trace:    trace,
	}
}

func (s *state) agent(h Handle) (*agent, bool) {
	i, ok := s.index.Get(h)
	if !ok {
		return nil, false
	}
	return s.table.get(i), true
}

// effectKind is what a transition asks to happen after its commit.
type effectKind uint8

const (
	fxWake    effectKind = iota // a sleeper / external waiter must run (sleepID)
	fxStart                     // a finished agent got a message
	fxClosed                    // the coordinator closed
	fxResolve                   // a tracked request resolved (edge, value, err)
	fxEvent                     // a trace event
)

type effect struct {
	kind    effectKind
	h       Handle
	sleepID uint64
	edge    int
	v       Value
	err     error
	event   string
	fields  map[string]any
}

// tx is one transition in progress: an overlay of changed agent and edge
// records over the base state plus the effects it records. Nothing is
// visible until commit builds the next state. Overlays are small slices
// (a transition touches a few records; Close touches all, hence the map
// index past 16 entries).
type tx struct {
	base    *state
	s       state // counters and flags (copied)
	agents  []*agent
	aidx    map[Handle]int // index into agents once it grows
	removed []Handle
	edges   []*edge
	dropped []int
	fx      []effect
	touched []Handle // agents whose obligations changed (sleep check at commit)
}

func newTx(s *state) *tx {
	return &tx{base: s, s: *s}
}

// reset makes t a fresh transition on s, keeping its slices' capacity (the
// coordinator reuses one tx under its lock). fx is never reused: it is
// dispatched after the lock is released.
func (t *tx) reset(s *state) {
	clear(t.agents)
	clear(t.edges)
	*t = tx{base: s, s: *s, agents: t.agents[:0], removed: t.removed[:0], edges: t.edges[:0],
		dropped: t.dropped[:0], touched: t.touched[:0]}
}

func (t *tx) isRemoved(h Handle) bool {
	for _, r := range t.removed {
		if r == h {
			return true
		}
	}
	return false
}

func (t *tx) dirty(h Handle) *agent {
	if t.aidx != nil {
		if i, ok := t.aidx[h]; ok {
			return t.agents[i]
		}
		return nil
	}
	for _, a := range t.agents {
		if a.handle == h {
			return a
		}
	}
	return nil
}

// agent returns the current record of h (read only).
func (t *tx) agent(h Handle) (*agent, bool) {
	if a := t.dirty(h); a != nil {
		return a, true
	}
	if len(t.removed) > 0 && t.isRemoved(h) {
		return nil, false
	}
	return t.base.agent(h)
}

// agentW returns a writable copy of h's record, private to this transition.
func (t *tx) agentW(h Handle) *agent {
	if a := t.dirty(h); a != nil {
		return a
	}
	if len(t.removed) > 0 && t.isRemoved(h) {
		return nil
	}
	a, ok := t.base.agent(h)
	if !ok {
		return nil
	}
	c := *a
	t.putAgent(&c)
	return &c
}

func (t *tx) putAgent(a *agent) {
	if len(t.removed) > 0 {
		for i, r := range t.removed {
			if r == a.handle {
				t.removed = append(t.removed[:i], t.removed[i+1:]...)
				break
			}
		}
	}
	t.agents = append(t.agents, a)
	if t.aidx != nil {
		t.aidx[a.handle] = len(t.agents) - 1
	} else if len(t.agents) > 16 {
		t.aidx = make(map[Handle]int, 2*len(t.agents))
		for i, x := range t.agents {
			t.aidx[x.handle] = i
		}
	}
}

func (t *tx) removeAgent(h Handle) {
	for i, a := range t.agents {
		if a.handle == h {
			t.agents = append(t.agents[:i], t.agents[i+1:]...)
			if t.aidx != nil {
				t.aidx = make(map[Handle]int, 2*len(t.agents))
				for i, x := range t.agents {
					t.aidx[x.handle] = i
				}
			}
			break
		}
	}
	t.removed = append(t.removed, h)
}

func (t *tx) edgeDirty(id int) *edge {
	for _, e := range t.edges {
		if e.id == id {
			return e
		}
	}
	return nil
}

func (t *tx) isDropped(id int) bool {
	for _, d := range t.dropped {
		if d == id {
			return true
		}
	}
	return false
}

func (t *tx) edge(id int) (*edge, bool) {
	if e := t.edgeDirty(id); e != nil {
		return e, true
	}
	if len(t.dropped) > 0 && t.isDropped(id) {
		return nil, false
	}
	return t.base.edges.Get(id)
}

// edgeW returns a writable copy of edge id (slots copied too).
func (t *tx) edgeW(id int) *edge {
	if e := t.edgeDirty(id); e != nil {
		return e
	}
	if len(t.dropped) > 0 && t.isDropped(id) {
		return nil
	}
	e, ok := t.base.edges.Get(id)
	if !ok {
		return nil
	}
	c := *e
	c.slots = append([]slot(nil), e.slots...)
	t.putEdge(&c)
	return &c
}

func (t *tx) putEdge(e *edge) { t.edges = append(t.edges, e) }

func (t *tx) dropEdge(id int) {
	for i, e := range t.edges {
		if e.id == id {
			t.edges = append(t.edges[:i], t.edges[i+1:]...)
			break
		}
	}
	t.dropped = append(t.dropped, id)
}

// pendingEdges is the number of live edges after this transition so far.
func (t *tx) pendingEdges() int {
	n := t.base.edges.Len()
	for _, e := range t.edges {
		if _, ok := t.base.edges.Get(e.id); !ok {
			n++
		}
	}
	for _, id := range t.dropped {
		if _, ok := t.base.edges.Get(id); ok {
			n--
		}
	}
	return n
}

func (t *tx) touch(h Handle) { t.touched = append(t.touched, h) }

func (t *tx) emit(e effect) { t.fx = append(t.fx, e) }

func (t *tx) event(kind string, fields map[string]any) {
	if t.s.trace {
		t.fx = append(t.fx, effect{kind: fxEvent, event: kind, fields: fields})
	}
}

// editSeq numbers commits, so that a commit copies each table path once.
var editSeq atomic.Uint64

// commit checks every touched sleeper against the sleep rule (a change that
// invalidates a sleep wakes the sleeper with :wait-obligation-changed) and
// builds the next state.
func (t *tx) commit() *state {
	for i := 0; i < len(t.touched); i++ { // touched may grow while waking
		t.checkSleeper(t.touched[i])
	}
	next := t.s
	if len(t.agents) > 0 || len(t.removed) > 0 {
		edit := editSeq.Add(1)
		for _, h := range t.removed {
			if i, ok := next.index.Get(h); ok {
				next.index = next.index.Delete(h)
				next.table = next.table.set(i, nil, edit)
				next.nagents--
			}
		}
		for _, a := range t.agents {
			if _, ok := next.index.Get(a.handle); !ok {
				next.index = next.index.Set(a.handle, a.order)
				next.nagents++
			}
			next.table = next.table.set(a.order, a, edit)
		}
	}
	if len(t.edges) > 0 || len(t.dropped) > 0 {
		m := t.base.edges
		for _, id := range t.dropped {
			m = m.Delete(id)
		}
		for _, e := range t.edges {
			m = m.Set(e.id, e)
		}
		next.edges = m
	}
	return &next
}

// apply runs one transition on s: the pure form of every operation.
// On error the state is s itself (unchanged) and there are no effects.
func (s *state) apply(f func(t *tx) error) (*state, []effect, error) {
	return s.applyTx(newTx(s), f)
}

func (s *state) applyTx(t *tx, f func(t *tx) error) (*state, []effect, error) {
	if err := f(t); err != nil {
		return s, nil, err
	}
	return t.commit(), t.fx, nil
}
