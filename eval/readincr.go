package eval

import (
	"bytes"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// Incremental reading (issue 11). A turn's program text is the previous
// program of its handle again up to some point (its prompt: the program
// so far, reopened) and new text after it. ReadProgramAfter resumes the
// reader where the two texts stop sharing whole forms
// (syntax.ReadCompletionAfter) and takes the previous reading's values of
// those forms over, the same values: a turn reads what it added, not the
// whole program, and the forms it did not change keep their identity
// (incremental evaluation and the prompt printer's cache rely on that).
//
// The spans of the values taken over stay in the maps of the readings
// that made them (Spans.reused, newest last); a reading carries the
// entries of its own new values that the next reading keeps. The newest
// maps are merged while the newest is at least half the one before
// (mergeLayers: O(log n) maps, each entry copied O(log n) times), and once
// the maps hold twice the entries they held after the last rebuild they
// are rebuilt as one map of what the program still holds, so pruned forms
// are not kept alive. Either costs a turn what it added (amortised), not
// a walk of the whole program: a 10,000-turn run walked its whole program
// every 32 turns.

// readIncr is what a reading leaves for ReadProgramAfter.
type readIncr struct {
	ok    bool  // the reading succeeded: a later one may resume from it
	fnLit int32 // start of the first #( read (math.MaxInt32: none)
	live  int   // entries in Spans.reused when it was last rebuilt
	// from is the reading this one resumed from (nil: a whole reading);
	// the first cut bytes of both repaired texts are the same. The
	// incremental plan compares its text with the one it kept only after
	// them when it kept from's. Compared by identity only, never read: the
	// runtime may write another program into from's text buffer once no
	// holder that reads it is left (spe/read.go).
	from *syntax.Completion
	cut  int
	// prevIntact is how many of the first kids of the previous reading's
	// body node still hold what it read (syntax.Resumed.PrevIntact).
	prevIntact int
	// hashParen is where "#(" first occurs in the repaired text (-1:
	// nowhere), when hashKnown.
	hashParen int
	hashKnown bool
}

// firstHashParen is bytes.Index(rr.Completion.Text, "#("), kept by the
// reading (a resumed one searches only the bytes after its cut).
func (rr *ReadResult) firstHashParen() int {
	if !rr.incr.hashKnown {
		return bytes.Index(rr.Completion.Text, []byte("#("))
	}
	return rr.incr.hashParen
}

// reusedKids are the first keep kids of an open list, taken over from the
// previous reading's value prev of that list.
type reusedKids struct {
	prev *value.List
	keep int
}

// ReadProgramAfter reads text as ReadProgram(name, text) does. prev is an
// earlier reading (of the program this one continues; nil: none): the
// forms both texts share whole are taken over from it, values, nodes and
// spans. The result is ReadProgram's, except that those forms are prev's
// values rather than equal new ones. text is not changed, but the
// repaired text may use its spare capacity (syntax.ReadCompletionAfter).
func ReadProgramAfter(prev *ReadResult, name string, text []byte) (*ReadResult, error) {
	return ReadProgramAfterKnown(prev, name, text, 0)
}

// ReadProgramAfterKnown is ReadProgramAfter for a text whose first known
// bytes the caller knows to be those of prev's text
// (syntax.ReadCompletionAfterKnown).
func ReadProgramAfterKnown(prev *ReadResult, name string, text []byte, known int) (*ReadResult, error) {
	if r := readAfter(prev, name, text, known); r != nil {
		return r, nil
	}
	return ReadProgram(name, text)
}

// readAfter is the resumed reading, or nil when it cannot be done (the
// whole reading then gives the result, errors included).
func readAfter(prev *ReadResult, name string, text []byte, known int) *ReadResult {
	if prev == nil || !prev.incr.ok || prev.Spans == nil || prev.Completion == nil {
		return nil
	}
	// #( numbers its parameters by reading order: the whole reading
	// would name the ones after the cut differently (and the resumed
	// reading refuses before it takes the previous one's body over).
	res := syntax.ReadCompletionAfterUpTo(prev.Completion, name, text, known, int(prev.incr.fnLit))
	if res == nil || int(prev.incr.fnLit) < res.Cut || res.C.Err != nil {
		res.Discard()
		return nil
	}
	lw := newLowerer(res.C.File)
	lw.reuse = make(map[*syntax.Node]reusedKids, len(res.Path))
	pv, ok := prev.Form.(*value.List)
	for i, n := range res.Path {
		if !ok || pv.Count() != len(res.Prev[i].Kids) {
			res.Discard()
			return nil
		}
		lw.reuse[n] = reusedKids{prev: pv, keep: res.Keep[i]}
		if i+1 < len(res.Path) {
			pv, ok = pv.Drop(res.Keep[i]).First().(*value.List)
		}
	}
	v, err := lw.lower(res.C.Form)
	if err != nil {
		res.Discard()
		return nil
	}
	fnLit := lw.fnLit
	if prev.incr.fnLit < fnLit {
		fnLit = prev.incr.fnLit
	}
	spans := lw.spans
	// The previous reading's own entries that this one keeps: those of
	// nodes that end before the cut (the open lists end after it).
	carry := make(map[any]*syntax.Node)
	for k, n := range prev.Spans.nodes {
		if int(n.End) <= res.Cut {
			carry[k] = n
		}
	}
	spans.reused = mergeLayers(append(prev.Spans.reused[:len(prev.Spans.reused):len(prev.Spans.reused)], carry))
	total, live := 0, prev.incr.live
	for _, m := range spans.reused {
		total += len(m)
	}
	if total > 2*live+64 {
		spans.reused = []map[any]*syntax.Node{spans.liveReused(v)}
		live = len(spans.reused[0])
	}
	hp := prev.firstHashParen()
	if hp < 0 || hp+2 > res.Cut {
		from := max(res.Cut-1, 0)
		if hp = bytes.Index(res.C.Text[from:], []byte("#(")); hp >= 0 {
			hp += from
		}
	}
	return &ReadResult{Completion: res.C, Form: v, Spans: spans, incr: readIncr{ok: true, fnLit: fnLit, live: live,
		from: prev.Completion, cut: res.Cut, prevIntact: res.PrevIntact, hashParen: hp, hashKnown: true}}
}

// liveReused is one map of the reused entries of the values form holds.
func (s *Spans) liveReused(form value.Value) map[any]*syntax.Node {
	out := map[any]*syntax.Node{}
	note := func(v value.Value) {
		if _, fresh := s.nodes[v]; fresh {
			return
		}
		if n, ok := s.node(v); ok {
			out[v] = n
		}
	}
	eachColl(form, note)
	return out
}
