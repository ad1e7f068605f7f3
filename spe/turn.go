package spe

import (
	"context"

	"github.com/spell-go/spell/spe/provider"
)

// turn is one model call of a handle and the evaluation of the program it
// produced (runtime.md §3.1). It is made when the call is admitted and
// passed to everything that records or replays the turn: the effect hook
// (through the evaluation's context), endTurn, effect replay and resume.
// Nothing about "the current turn" lives in the Runtime, so a nested
// !llm-self cannot change what its caller's events say.
//
// The root program of a run is turn 0 of handle main: it is no model call
// and has call number 0.
type turn struct {
	handle  string
	n       int           // call number on the handle (0 for the root program)
	seq     int           // global turn number: the trace's NNNN
	depth   int           // nesting depth of non-tail self-calls (§3.5)
	parent  int           // seq of the turn whose evaluation made the call
	kind    provider.Kind // self, leaf, recovery, compact-b, compact-c ("" for the root)
	effects int           // external effects run so far; the next is K = effects+1
	agent   *agentDef     // the compiled agent the handle runs (nil: the run's own)
}

// ledger holds the run-wide counters; Stats copies it.
type ledger struct {
	calls    map[string]int // model calls per handle
	total    int            // model calls of the run
	seq      int            // the last global turn number given out
	depthMax int
	effects  map[string]int // external effects executed, per function
	effectN  int            // every effect invocation (model calls included), for the fix-up rule
	consec   map[string]int // own failures in a row, per handle
	consMax  int
	usage    map[string]provider.Usage // per effective model
	mcalls   map[string]int
	maxCtx   map[string]int64
	tokens   int64
	cost     float64
	unpriced bool
}

func newLedger() ledger {
	return ledger{calls: map[string]int{}, effects: map[string]int{}, consec: map[string]int{},
		usage: map[string]provider.Usage{}, mcalls: map[string]int{}, maxCtx: map[string]int64{}}
}

// stats copies the ledger into Stats.
func (l *ledger) stats() Stats {
	s := Stats{Calls: map[string]int{}, Effects: map[string]int{}, Usage: map[string]provider.Usage{},
		ModelCalls: map[string]int{}, MaxContext: map[string]int64{},
		MaxDepth: l.depthMax, ConsecutiveMax: l.consMax, Cost: l.cost, Unpriced: l.unpriced}
	for k, v := range l.calls {
		s.Calls[k] = v
	}
	for k, v := range l.effects {
		if v > 0 {
			s.Effects[k] = v
		}
	}
	for k, v := range l.usage {
		s.Usage[k] = v
		s.ModelCalls[k] = l.mcalls[k]
		s.MaxContext[k] = l.maxCtx[k]
	}
	for _, v := range l.consec {
		s.ConsecutiveFinal = max(s.ConsecutiveFinal, v)
	}
	return s
}

type turnKey struct{}

// withTurn is the context of an evaluation of t's program: effects run by
// it find their turn there.
func withTurn(ctx context.Context, t *turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

// turnOf returns the turn whose evaluation ctx belongs to, or nil.
func turnOf(ctx context.Context) *turn {
	t, _ := ctx.Value(turnKey{}).(*turn)
	return t
}
