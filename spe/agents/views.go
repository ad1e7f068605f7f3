package agents

import (
	"github.com/spell-go/spell/eval/value"
)

// Views (effects.md §3.3) read one committed state: no lock is held while
// they are built, the state value is immutable.

func (t *tx) outEdges(a *agent) *value.Vector {
	return t.edgeVec(a.outs)
}

func (t *tx) inEdges(a *agent) *value.Vector {
	return t.edgeVec(a.ins)
}

func (t *tx) edgeVec(s idSet) *value.Vector {
	if s == nil {
		return value.EmptyVector
	}
	items := make([]Value, 0, len(s))
	for _, id := range s {
		if e, ok := t.edge(id); ok {
			items = append(items, edgeSummary(e))
		}
	}
	return value.NewVector(items)
}

func (c *Coordinator) viewAgent(h Handle) (*tx, *agent, error) {
	t := newTx(c.view())
	a, err := t.known(h)
	return t, a, err
}

// Live reports whether tok is h's current lifecycle: a computation
// future's coordinator call after its owner's lifecycle ended fails with
// ErrStaleComputation (effects.md §3.7).
func (c *Coordinator) Live(h Handle, tok Token) error {
	_, a, err := c.viewAgent(h)
	if err != nil {
		return err
	}
	if a.token != tok {
		return ErrStaleComputation
	}
	return nil
}

// Status is (agents/status) for h: {:handle :status :generation :out-edges
// [...] :in-edges [...]} with edge summaries {:id :source :targets
// :created-seq}.
func (c *Coordinator) Status(h Handle) (Value, error) {
	t, a, err := c.viewAgent(h)
	if err != nil {
		return nil, err
	}
	return value.NewMap(kwHandle, kw(h), kwStatus, value.Kw(a.status.String()), kwGeneration, int64(a.gen),
		kwOutEdges, t.outEdges(a), kwInEdges, t.inEdges(a)), nil
}

// StatusOf is (agents/status h): {:handle :status :generation}.
func (c *Coordinator) StatusOf(h Handle) (Value, error) {
	_, a, err := c.viewAgent(h)
	if err != nil {
		return nil, err
	}
	return value.NewMap(kwHandle, kw(h), kwStatus, value.Kw(a.status.String()), kwGeneration, int64(a.gen)), nil
}

// OutEdges is (agents/out-edges): the pending edges h owns, by id.
func (c *Coordinator) OutEdges(h Handle) (Value, error) {
	t, a, err := c.viewAgent(h)
	if err != nil {
		return nil, err
	}
	return t.outEdges(a), nil
}

// InEdges is (agents/in-edges): the live edges holding a slot for h (filled
// slots of multi-target edges included), by id.
func (c *Coordinator) InEdges(h Handle) (Value, error) {
	t, a, err := c.viewAgent(h)
	if err != nil {
		return nil, err
	}
	return t.inEdges(a), nil
}

// Parent is (agents/parent-handle): h's parent, "" for :main.
func (c *Coordinator) Parent(h Handle) (Handle, error) {
	_, a, err := c.viewAgent(h)
	if err != nil {
		return "", err
	}
	return a.parent, nil
}

// Checkpoint is h's recorded checkpoint program.
func (c *Coordinator) Checkpoint(h Handle) (string, error) {
	_, a, err := c.viewAgent(h)
	if err != nil {
		return "", err
	}
	return a.checkpoint, nil
}

// Generation is h's current lifecycle generation.
func (c *Coordinator) Generation(h Handle) (int, error) {
	_, a, err := c.viewAgent(h)
	if err != nil {
		return 0, err
	}
	return a.gen, nil
}

// Handles lists every registered handle in registration order.
func (c *Coordinator) Handles() []Handle {
	return c.view().handles()
}

func (s *state) sortedAgents() []*agent {
	out := make([]*agent, 0, s.nagents)
	s.table.each(func(a *agent) { out = append(out, a) })
	return out
}

func (s *state) handles() []Handle {
	as := s.sortedAgents()
	hs := make([]Handle, len(as))
	for i, a := range as {
		hs[i] = a.handle
	}
	return hs
}

// Graph is (agents/graph): {:nodes {h {:status :generation}} :edges {id
// {:id :source :targets :created-seq :status :pending :tracked bool :slots
// [{:target :state :claimed} …]}}}, nodes in registration order, edges by id.
func (c *Coordinator) Graph() Value {
	s := c.view()
	nodes := make([]Value, 0, 2*s.nagents)
	for _, a := range s.sortedAgents() {
		nodes = append(nodes, kw(a.handle), value.NewMap(kwStatus, value.Kw(a.status.String()), kwGeneration, int64(a.gen)))
	}
	edges := make([]Value, 0, 2*s.edges.Len())
	it := s.edges.Iterator()
	for !it.Done() {
		id, e, _ := it.Next()
		edges = append(edges, int64(id), edgeFull(e))
	}
	return value.NewMap(kwNodes, value.NewMap(nodes...), kwEdges, value.NewMap(edges...))
}
