package agents

import (
	"github.com/benbjohnson/immutable"

	"github.com/spell-go/spell/eval/value"
)

// Value is a Spell value (eval/value).
type Value = value.Value

// intSet is a persistent sorted set of edge ids.
type intSet = immutable.SortedMap[int, struct{}]

var intComparer = immutable.NewComparer(0)

func emptyIntSet() *intSet { return immutable.NewSortedMap[int, struct{}](intComparer) }

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
	mailbox    *immutable.List[message] // nil = empty
	checkpoint string
	token      Token   // live lifecycle token, 0 = no lifecycle running
	starting   bool    // a Start notification is out (or the runner is about to Begin)
	sleepID    uint64  // current sleep / external wait ticket (0 = none)
	extWait    int     // current external wait id (0 = none)
	outs       *intSet // pending edges this agent owns
	ins        *intSet // live edges holding a slot for this agent
	registered bool    // registered dormant (agents/register): first batch is kind dormant
}

func (a *agent) mailLen() int {
	if a.mailbox == nil {
		return 0
	}
	return a.mailbox.Len()
}

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
	agents   *immutable.Map[Handle, *agent]
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
		agents:   immutable.NewMap[Handle, *agent](immutable.NewHasher("")),
		edges:    immutable.NewSortedMap[int, *edge](intComparer),
		maxEdges: maxEdges,
		trace:    trace,
	}
}

func (s *state) agent(h Handle) (*agent, bool) { return s.agents.Get(h) }

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
// visible until commit builds the next state.
type tx struct {
	base    *state
	s       state // counters and flags (copied)
	agents  map[Handle]*agent
	removed map[Handle]bool
	edges   map[int]*edge
	dropped map[int]bool
	fx      []effect
	touched []Handle // agents whose obligations changed (sleep check at commit)
}

func newTx(s *state) *tx {
	return &tx{base: s, s: *s}
}

// agent returns the current record of h (read only).
func (t *tx) agent(h Handle) (*agent, bool) {
	if a, ok := t.agents[h]; ok {
		return a, true
	}
	if t.removed[h] {
		return nil, false
	}
	return t.base.agents.Get(h)
}

// agentW returns a writable copy of h's record, private to this transition.
func (t *tx) agentW(h Handle) *agent {
	if a, ok := t.agents[h]; ok {
		return a
	}
	if t.removed[h] {
		return nil
	}
	a, ok := t.base.agents.Get(h)
	if !ok {
		return nil
	}
	c := *a
	if t.agents == nil {
		t.agents = make(map[Handle]*agent, 4)
	}
	t.agents[h] = &c
	return &c
}

func (t *tx) putAgent(a *agent) {
	if t.agents == nil {
		t.agents = make(map[Handle]*agent, 4)
	}
	delete(t.removed, a.handle)
	t.agents[a.handle] = a
}

func (t *tx) removeAgent(h Handle) {
	delete(t.agents, h)
	if t.removed == nil {
		t.removed = make(map[Handle]bool)
	}
	t.removed[h] = true
}

func (t *tx) edge(id int) (*edge, bool) {
	if e, ok := t.edges[id]; ok {
		return e, true
	}
	if t.dropped[id] {
		return nil, false
	}
	return t.base.edges.Get(id)
}

// edgeW returns a writable copy of edge id (slots copied too).
func (t *tx) edgeW(id int) *edge {
	if e, ok := t.edges[id]; ok {
		return e
	}
	e, ok := t.base.edges.Get(id)
	if !ok || t.dropped[id] {
		return nil
	}
	c := *e
	c.slots = append([]slot(nil), e.slots...)
	t.putEdge(&c)
	return &c
}

func (t *tx) putEdge(e *edge) {
	if t.edges == nil {
		t.edges = make(map[int]*edge, 2)
	}
	t.edges[e.id] = e
}

func (t *tx) dropEdge(id int) {
	delete(t.edges, id)
	if t.dropped == nil {
		t.dropped = make(map[int]bool, 2)
	}
	t.dropped[id] = true
}

// pendingEdges is the number of live edges after this transition so far.
func (t *tx) pendingEdges() int {
	n := t.base.edges.Len()
	for id := range t.edges {
		if _, ok := t.base.edges.Get(id); !ok {
			n++
		}
	}
	for id := range t.dropped {
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

// commit checks every touched sleeper against the sleep rule (a change that
// invalidates a sleep wakes the sleeper with :wait-obligation-changed) and
// builds the next state.
func (t *tx) commit() *state {
	for i := 0; i < len(t.touched); i++ { // touched may grow while waking
		t.checkSleeper(t.touched[i])
	}
	next := t.s
	if len(t.agents) > 0 || len(t.removed) > 0 {
		m := t.base.agents
		for h := range t.removed {
			m = m.Delete(h)
		}
		for _, a := range t.agents {
			m = m.Set(a.handle, a)
		}
		next.agents = m
	}
	if len(t.edges) > 0 || len(t.dropped) > 0 {
		m := t.base.edges
		for id := range t.dropped {
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
	t := newTx(s)
	if err := f(t); err != nil {
		return s, nil, err
	}
	return t.commit(), t.fx, nil
}
