package eval

import (
	"sort"
	"sync/atomic"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// Incremental turns (issue 11 item 2).
//
// A turn's program is a canonical wrapper (quine NAME inert… (eval (do
// F1 … Fn))) and the next turn's program normally starts with the same
// text: the model appends forms. Evaluating F1 … Fk again would give the
// same environment, so the runtime keeps, per handle, a Prefix: the
// program's repaired text, its body forms, where each ends, and a PrefixState
// of the interpreter after each body form. A new program whose repaired
// text agrees with the kept one up to and including the byte after Fk
// starts from the snapshot after Fk: forms 1…k are not read into new
// values (the kept ones are spliced in, with their syntax nodes for
// spans) and not evaluated.
//
// Soundness rule. The state after Fk is a pure function of the text up to
// Fk as long as the evaluation of F1…Fk read nothing that varies between
// turns. A snapshot is taken after a body form only while every form so
// far was clean:
//
//   - it did not read NAME's binding (the program itself, which grows
//     every turn): NAME is bound to a progCell, and every lookup that
//     resolves it marks the form (Env.Lookup, whatever path the lookup
//     comes from: interpreter, compiled code, edit-reopen's persist, eval
//     of a built symbol);
//   - it did not call eval: that binds the effect table, through which
//     effects, model calls, agents and mailbox state (and the turn's own
//     bindings) are reachable;
//   - it did not use the random generator (its state is not kept) and
//     started no future (goroutines, seeds derived from a fork count);
//   - it evaluated without error.
//
// The environment is immutable (env.go), so a snapshot is the *Env itself
// and no later evaluation can change it; the step count and gensym
// counter at that point are kept with it and restored, so step limits and
// generated names are exactly those of a full evaluation. The resumed
// environment is the snapshot's with NAME bound again (to the new
// program's cell); if a prefix form rebound or removed NAME, the turn is
// evaluated in full. A cell lets its program go when its turn ends, so the
// kept snapshots do not hold every past program.
// Reuse also requires the kept region to hold no fn literal #( … ): each
// read numbers their parameters afresh, so the full path would name them
// differently.
type PrefixState struct {
	env    *Env
	cell   *progCell // what env binds the quine name to
	steps  int64     // steps since the do body began
	gensym int64     // gensym counter since the do body began
}

// Incremental records, and when Skip > 0 resumes, the evaluation of a
// program's wrapper do body. Set it as Interp.Incr before EvalTurn.
type Incremental struct {
	Do      *value.List   // the (do …) of the program being evaluated
	Name    *value.Symbol // the quine name
	Program *value.List   // the program, bound to Name
	Skip    int           // body forms taken from Base (0: evaluate all)
	Base    PrefixState   // state after body form Skip of the kept program

	// Snaps is the state after each body form while clean (Snaps.at(i)
	// after form i+1); the first Skip come from the kept prefix.
	Snaps snapList
	// Evaluated counts the body forms evaluated; Resumed reports that
	// the first Skip were not.
	Evaluated int
	Resumed   bool

	entered bool
	cell    *progCell // the program's binding (sfQuine)
	next    *Prefix   // what the evaluation leaves for the next turn
}

// progCell is what the quine name of a recorded program is bound to: the
// program while its turn runs. Release empties it, so the kept snapshots,
// whose environments bind the name, do not keep every past program alive
// (a resumed turn binds the name again, to its own cell, above them).
// Env.Lookup resolves it (Symbol.Indirect) and notes the read.
type progCell struct {
	prog atomic.Pointer[value.List]
	read atomic.Bool
}

// bind makes the cell of h's program, bound to sym.
func (h *Incremental) bind(sym *value.Symbol) *progCell {
	h.cell = &progCell{}
	h.cell.prog.Store(h.Program)
	sym.MarkIndirect()
	return h.cell
}

// deref resolves a value bound to an indirect symbol.
func deref(v value.Value) value.Value {
	c, ok := v.(*progCell)
	if !ok {
		return v
	}
	c.read.Store(true)
	if p := c.prog.Load(); p != nil {
		return p
	}
	return nil
}

// rawLookup finds sym's binding without resolving a cell.
func (e *Env) rawLookup(sym *value.Symbol) value.Value {
	for x := e; x != nil; x = x.next {
		if x.levels != nil {
			for _, m := range x.levels {
				if v, ok := m[sym]; ok {
					return v
				}
			}
			return nil
		}
		if x.sym == sym {
			return x.val
		}
	}
	return nil
}

// Release ends the turn of h's program: its cell lets the program go,
// unless a future started by the evaluation may still read it.
func (h *Incremental) Release(in *Interp) {
	if h != nil && h.cell != nil && in.forks == 0 {
		h.cell.prog.Store(nil)
	}
}

// Prefix is what an evaluated program leaves for the next turn of its
// handle (see Incremental). It is never modified once made.
type Prefix struct {
	text []byte // repaired text
	name *value.Symbol
	prog *value.List
	do   *value.List // the wrapper's (do …): its body forms follow do
	// kids are the do node's kids (the do symbol first): kids[i+1].End
	// is where body form i ends in text. A later resumed reading may
	// extend the slice's array in place (syntax.Completion.KidsIntact):
	// then only the kids it kept are this reading's.
	kids  []*syntax.Node
	comp  *syntax.Completion // the reading
	snaps snapList
	// spans locate the values of prog: the reading's (whose span maps
	// the reading keeps and prunes, readincr.go), or those Plan made for
	// a program it spliced the kept forms into.
	spans *Spans
}

// Text returns the repaired program text p compares the next turn's
// with and the reading that read it (nil, nil for a nil p): the runtime
// writes no other program into a text buffer a kept prefix holds
// (spe/read.go).
func (p *Prefix) Text() ([]byte, *syntax.Completion) {
	if p == nil {
		return nil, nil
	}
	return p.text, p.comp
}

// mergeLayers merges the newest node maps while the newest is at least
// half the size of the one before (as Env merges its levels): O(log n)
// maps, each entry copied O(log n) times. Maps are never written once
// made; entries of pruned forms stay until their map is rebuilt.
func mergeLayers(ms []map[any]*syntax.Node) []map[any]*syntax.Node {
	for n := len(ms); n > 1 && len(ms[n-1]) >= len(ms[n-2])/2; n = len(ms) {
		m := make(map[any]*syntax.Node, len(ms[n-2])+len(ms[n-1]))
		for k, v := range ms[n-2] {
			m[k] = v
		}
		for k, v := range ms[n-1] {
			m[k] = v
		}
		ms = append(ms[:n-2:n-2], m)
	}
	return ms
}

// wrapperDo returns the quine name, the (eval …) and the (do …) of a
// canonical wrapper.
func wrapperDo(form value.Value) (prog *value.List, name *value.Symbol, ev, do *value.List, ok bool) {
	prog, ok = form.(*value.List)
	if !ok || prog.Count() < 3 || prog.First() != value.Value(symQuine) {
		return nil, nil, nil, nil, false
	}
	name, ok = prog.Rest().First().(*value.Symbol)
	if !ok {
		return nil, nil, nil, nil, false
	}
	var last value.Value
	for x := prog; x.Count() > 0; x = x.Rest() {
		last = x.First()
	}
	ev, ok = last.(*value.List)
	if !ok || ev.Count() != 2 || ev.First() != value.Value(symEval) {
		return nil, nil, nil, nil, false
	}
	do, ok = ev.Rest().First().(*value.List)
	if !ok || do.Count() < 1 || do.First() != value.Value(symDo) {
		return nil, nil, nil, nil, false
	}
	return prog, name, ev, do, true
}

// Plan prepares the evaluation of form, read as rr, as a turn that may
// extend the program p was left by (p may be nil). It returns the program
// to evaluate (rr's, or rr's with the kept body forms spliced in), its
// spans, and the Incremental to set on the interpreter; h is nil when
// form is not a canonical wrapper read as rr (nothing is recorded).
func (p *Prefix) Plan(rr *ReadResult, form value.Value) (value.Value, *Spans, *Incremental) {
	if rr == nil || rr.Completion == nil || rr.Spans == nil || form == nil || form != rr.Form {
		return form, spansOf(rr), nil
	}
	prog, name, ev, do, ok := wrapperDo(form)
	if !ok {
		return form, rr.Spans, nil
	}
	doNode, ok := rr.Spans.node(do)
	if !ok || len(doNode.Kids) != do.Count() {
		return form, rr.Spans, nil
	}
	text := rr.Completion.Text
	k := p.reusable(rr, name, doNode.Kids)
	h := &Incremental{Do: do, Name: name, Program: prog}
	next := &Prefix{text: text, name: name, do: do, kids: doNode.Kids, comp: rr.Completion, spans: rr.Spans}
	spans := rr.Spans
	switch {
	case k == 0:
	case sameForms(do.Rest(), p.do.Rest(), k):
		// The reader already reused the kept forms (ReadProgramAfter):
		// its spans locate them.
		h.Skip, h.Base, h.Snaps = k, p.snaps.at(k-1), p.snaps.cut(k)
	default:
		// The kept forms replace the ones just read from the same text:
		// the snapshot's values (function bodies, quoted data) are those
		// forms, and their syntax nodes locate them in this text too.
		// (The reading was not resumed from the kept one, so it read the
		// whole text: collecting the kept forms' nodes again costs what
		// it did.)
		body := do.Rest().Slice()
		nb := make([]value.Value, 0, len(body))
		nb = append(append(nb, p.do.Rest().Slice()[:k]...), body[k:]...)
		items := prog.Slice()
		ndo := value.NewList(append([]value.Value{symDo}, nb...)...)
		nev := value.NewList(symEval, ndo)
		items[len(items)-1] = nev
		nprog := value.NewList(items...)
		nodes := rr.Spans.nodes
		nodes[nprog], nodes[nev], nodes[ndo] = nodes[prog], nodes[ev], doNode
		kept := nodesOf(p.do.Rest(), k, p.spans.node)
		spans = &Spans{src: rr.Spans.src, nodes: nodes, reused: append([]map[any]*syntax.Node{kept}, rr.Spans.reused...)}
		h.Do, h.Program = ndo, nprog
		h.Skip, h.Base, h.Snaps = k, p.snaps.at(k-1), p.snaps.cut(k)
		next.do, next.spans = ndo, spans
		form = nprog
	}
	next.prog = h.Program
	h.next = next
	return form, spans, h
}

func spansOf(rr *ReadResult) *Spans {
	if rr == nil {
		return nil
	}
	return rr.Spans
}

// reusable returns how many body forms of a program with this repaired
// text, quine name and do node kids can start from p's snapshots.
func (p *Prefix) reusable(rr *ReadResult, name *value.Symbol, kids []*syntax.Node) int {
	if p == nil || p.name != name || p.snaps.len() == 0 || len(kids) < 3 {
		return 0
	}
	text := rr.Completion.Text
	var l int
	// Form i is kept when its text and the byte after it agree; at
	// least the last body form is evaluated.
	n := min(p.snaps.len(), len(kids)-2, len(p.kids)-1)
	if rr.incr.from != nil && rr.incr.from == p.comp {
		// p was left by the reading rr resumed from: the texts agree up
		// to its cut (comparing them costs what the turn added). That
		// reading may have taken p's kid array over: p's kids after the
		// ones it kept are its own.
		c := rr.incr.cut
		l = c + syntax.SharedPrefix(text[c:], p.text[c:])
		n = min(n, rr.incr.prevIntact-1)
	} else {
		if !p.comp.KidsIntact() {
			return 0 // a later reading took p's kid array over
		}
		l = syntax.SharedPrefix(text, p.text)
	}
	if i := rr.firstHashParen(); i >= 0 && i+2 <= l {
		l = i
	}
	k := sort.Search(n, func(i int) bool { return int(p.kids[i+1].End) >= l })
	if k > 0 && kids[k].End != p.kids[k].End {
		return 0
	}
	return k
}

// sameForms reports whether the first k elements of a and b are the same
// values, compared by identity for collections.
func sameForms(a, b *value.List, k int) bool {
	return value.CommonPrefix(a, b, k, identical) == k
}

// identical compares a and b with ==, false where that would panic (a
// value of a type Go cannot compare).
func identical(a, b value.Value) (same bool) {
	if same, coll := sameCollection(a, b); coll {
		return same
	}
	if x, ok := a.(*value.Symbol); ok {
		y, ok := b.(*value.Symbol)
		return ok && x == y
	}
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// sameCollection compares a list, vector or map a with b by identity;
// coll is false when a is none of those.
func sameCollection(a, b value.Value) (same, coll bool) {
	switch x := a.(type) {
	case *value.List:
		y, ok := b.(*value.List)
		return ok && x == y, true
	case *value.Vector:
		y, ok := b.(*value.Vector)
		return ok && x == y, true
	case *value.Map:
		y, ok := b.(*value.Map)
		return ok && x == y, true
	}
	return false, false
}

// nodesOf collects the syntax nodes of the values in the first n forms,
// found by look, as detached copies: a node of a parse shares its
// allocation with the whole tree, which a kept prefix must not hold on to.
func nodesOf(forms *value.List, n int, look func(any) (*syntax.Node, bool)) map[any]*syntax.Node {
	out := map[any]*syntax.Node{}
	note := func(x any) {
		if n, ok := look(x); ok {
			out[x] = detach(n)
		}
	}
	for ; n > 0 && forms.Count() > 0; forms, n = forms.Rest(), n-1 {
		eachColl(forms.First(), func(x value.Value) { note(x) })
	}
	return out
}

// eachColl calls note for v and every collection nested in it (lists,
// vectors, maps with their keys, sets), outermost first: the values a
// reading can have spans for.
func eachColl(v value.Value, note func(value.Value)) {
	switch x := v.(type) {
	case *value.List:
		note(x)
		x.Range(func(_ int, e value.Value) bool { eachColl(e, note); return true })
	case *value.Vector:
		note(x)
		for i := 0; i < x.Count(); i++ {
			e, _ := x.Nth(i)
			eachColl(e, note)
		}
	case *value.Map:
		note(x)
		x.Range(func(k, e value.Value) bool { eachColl(k, note); eachColl(e, note); return true })
	case *value.Set:
		note(x)
		x.Range(func(e value.Value) bool { eachColl(e, note); return true })
	}
}

// detach copies what spans use of a node: its extent and its kids'.
func detach(n *syntax.Node) *syntax.Node {
	if n.Kids == nil || (len(n.Kids) > 0 && n.Kids[0].Kids == nil && n.Kids[0].Kind == syntax.KindInvalid) {
		return n // already detached
	}
	d := &syntax.Node{Kind: syntax.KindInvalid, Start: n.Start, End: n.End}
	if len(n.Kids) > 0 {
		kids := make([]syntax.Node, len(n.Kids))
		d.Kids = make([]*syntax.Node, len(n.Kids))
		for i, k := range n.Kids {
			kids[i] = syntax.Node{Kind: syntax.KindInvalid, Start: k.Start, End: k.End}
			d.Kids[i] = &kids[i]
		}
	}
	return d
}

// Next returns what the evaluation recorded by h leaves for the next
// turn, or nil when its do body was never reached.
func (h *Incremental) Next() *Prefix {
	if h == nil || !h.entered || h.next == nil {
		return nil
	}
	p := *h.next
	p.snaps = h.Snaps
	return &p
}

// incrDo evaluates the wrapper's do body l as sfDo does, starting after
// the kept forms when it can, and snapshots the state after each clean
// form.
func (in *Interp) incrDo(l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	h := in.Incr
	in.Incr = nil // only the first evaluation of this do (eval of the program re-runs it plainly)
	h.entered = true
	steps0, gensym0 := in.steps, in.gensym
	x := l.Rest()
	i := 1
	if h.Skip > 0 {
		if c := h.cell; c != nil && h.Base.env.rawLookup(h.Name) == value.Value(h.Base.cell) {
			env = h.Base.env.Bind(h.Name, c)
			in.steps, in.gensym, in.nextCheck = steps0+h.Base.steps, gensym0+h.Base.gensym, 0
			x = x.Drop(h.Skip)
			i += h.Skip
			h.Resumed = true
		} else {
			h.Snaps = snapList{}
		}
	}
	clean := h.cell != nil && in.rng == nil && in.forks == 0
	evals := in.evalCalls
	var v value.Value
	var err error
	for ; x.Count() > 0; x = x.Rest() {
		f := x.First()
		v, env, err = in.eval(f, env, tailIf(tail, x.Count() == 1))
		h.Evaluated++
		if err != nil {
			if e, ok := err.(*Error); ok && e.ContainingForm == nil {
				e.ContainingForm = f
			}
			return nil, env, in.locate(err, l, i)
		}
		if clean {
			if h.cell.read.Load() || in.evalCalls != evals || in.rng != nil || in.forks != 0 {
				clean = false
			} else {
				h.Snaps.push(PrefixState{env: env, cell: h.cell, steps: in.steps - steps0, gensym: in.gensym - gensym0})
			}
		}
		i++
	}
	return v, env, nil
}

// chunkList is an append-only list that the lists cut from it share: an
// element, once written into a chunk, is never written again. A list cut
// from another (the kept prefix's snapshots, the edit memo's forms)
// shares its chunks, the last one too: the first list to store an
// element after the ones it shares claims the next slot of that chunk
// (chunkOf.used), and a list that finds its slot taken (it was cut before
// the end of a list that stored more since: an edit, a failed turn)
// copies its part of that chunk. A list's last element is kept apart and
// stored only when the next one is pushed: the usual turn cuts its
// predecessor's list one before its end (the trailing form is evaluated
// again) and pushes, which then finds the slot free. So a turn costs
// what it pushes, not O(k) or O(k/listChunk + listChunk).
type chunkList[T any] struct {
	chunks []*chunkOf[T]
	n      int // elements
	stored int // the first stored are in chunks; the one after (n-1), if any, is last
	last   T
}

// chunkOf is one chunk of a chunkList: items[:used] are written.
type chunkOf[T any] struct {
	items [listChunk]T
	used  atomic.Int32
}

const listChunk = 256

// snapList is the list of a prefix's snapshots.
type snapList = chunkList[PrefixState]

func (s chunkList[T]) len() int { return s.n }

func (s chunkList[T]) at(i int) T {
	if i >= s.stored {
		return s.last
	}
	return s.chunks[i/listChunk].items[i%listChunk]
}

// cut returns the first k elements of s as a list of its own to push to.
// (Its chunk directory has no room after them: a store that adds a chunk
// copies it, once every listChunk pushes.)
func (s chunkList[T]) cut(k int) chunkList[T] {
	st := min(k, s.stored)
	out := chunkList[T]{n: k, stored: st}
	if st < k {
		out.last = s.last // (k == s.n: s's own last, not stored)
	}
	nc := (st + listChunk - 1) / listChunk
	out.chunks = s.chunks[:nc:nc]
	return out
}

// push appends x; only to a list made by cut or empty, by its one owner.
func (s *chunkList[T]) push(x T) {
	if s.stored < s.n {
		s.store(s.last)
	}
	s.last = x
	s.n++
}

// store writes x after the stored elements.
func (s *chunkList[T]) store(x T) {
	r := s.stored % listChunk
	s.stored++
	if r == 0 {
		c := new(chunkOf[T])
		c.items[0] = x
		c.used.Store(1)
		s.chunks = append(s.chunks, c)
		return
	}
	last := len(s.chunks) - 1
	c := s.chunks[last]
	if !c.used.CompareAndSwap(int32(r), int32(r+1)) {
		// Another list wrote after this one's last stored element.
		own := new(chunkOf[T])
		copy(own.items[:r], c.items[:r])
		own.used.Store(int32(r + 1))
		chunks := make([]*chunkOf[T], len(s.chunks), len(s.chunks)+1)
		copy(chunks, s.chunks)
		chunks[last] = own
		s.chunks, c = chunks, own
	}
	c.items[r] = x
}
