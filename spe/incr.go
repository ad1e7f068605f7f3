package spe

import (
	"strconv"
	"sync"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// Incremental turns (issue 11 item 2): a turn whose program extends the
// previous program of its handle starts from the interpreter state the
// previous evaluation reached after the forms both programs share. The
// rule that makes this exact is in eval/incr.go; the runtime only keeps,
// per handle, the last Prefix an evaluation of a read program left, and
// hands it to the next read program of that handle. A Prefix is
// immutable, so a failed, recovered or fixed-up turn cannot spoil it.

// prefixes holds the kept prefix of each handle and depth.
type prefixes struct {
	mu sync.Mutex
	m  map[string]*eval.Prefix
	// edits are the edit pass memos (eval.EditMemo), by the same key
	edits map[string]*eval.EditMemo
	// counters for tests and benchmarks
	evaluated int // body forms evaluated by recorded evaluations
	reused    int // body forms taken from a kept prefix
	resumed   int // evaluations that started from a kept prefix
}

// IncrementalStats reports how much incremental turns saved so far.
type IncrementalStats struct {
	Evaluated int // wrapper body forms evaluated
	Reused    int // wrapper body forms not evaluated again
	Resumed   int // turns that started from a kept prefix
}

// IncrementalStats returns the counters of incremental turns.
func (rt *Runtime) IncrementalStats() IncrementalStats {
	p := &rt.prefixes
	p.mu.Lock()
	defer p.mu.Unlock()
	return IncrementalStats{Evaluated: p.evaluated, Reused: p.reused, Resumed: p.resumed}
}

// prefixKey is the key of a turn's kept prefix: its handle and depth, so
// that a nested self-call's programs do not replace those of the turn
// that made it (which its next extension continues).
func prefixKey(t *turn) string { return t.handle + " " + strconv.Itoa(t.depth) }

// planTurn prepares in's evaluation of form (read as rr, nil when the
// runtime built it) for turn t: it returns the form to evaluate and sets
// in's spans and, unless Options.FullTurns, the kept prefix and edit
// pass memo of t's handle and depth.
func (rt *Runtime) planTurn(t *turn, in *eval.Interp, rr *eval.ReadResult, form value.Value) value.Value {
	if rt.opts.FullTurns {
		in.Spans = nil
		if rr != nil {
			in.Spans = rr.Spans
		}
		return form
	}
	p := &rt.prefixes
	key := prefixKey(t)
	p.mu.Lock()
	prev := p.m[key]
	if p.edits == nil {
		p.edits = map[string]*eval.EditMemo{}
	}
	if p.edits[key] == nil {
		p.edits[key] = &eval.EditMemo{}
	}
	in.Edits = p.edits[key]
	p.mu.Unlock()
	if rr == nil {
		return form
	}
	form, in.Spans, in.Incr = prev.Plan(rr, form)
	return form
}

// keepPrefix keeps what the evaluation recorded by h leaves for t's
// handle and depth, and lets the evaluated program go.
func (rt *Runtime) keepPrefix(t *turn, in *eval.Interp, h *eval.Incremental) {
	if h == nil {
		return
	}
	h.Release(in)
	p := &rt.prefixes
	p.mu.Lock()
	defer p.mu.Unlock()
	p.evaluated += h.Evaluated
	if h.Resumed {
		p.resumed++
		p.reused += h.Skip
	}
	if next := h.Next(); next != nil {
		if p.m == nil {
			p.m = map[string]*eval.Prefix{}
		}
		p.m[prefixKey(t)] = next
	}
}
