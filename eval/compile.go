package eval

import (
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"

	"github.com/spell-go/spell/eval/value"
)

// The compiler turns the body of a Spell function, and a loop form run by
// the tree walker, into a tree of Go closures once, in the spirit of
// go.starlark.net's resolve + compile split:
//
//   - Resolve. Parameters and the symbols bound by let and loop get a slot
//     in a frame; a use of such a local reads its slot. Every other name is
//     free: functions capture nothing, so a free name resolves in the
//     caller's environment at call time (language.md §5.5). A free name
//     that no compiled code ever keeps in a slot (Symbol.EverLocal) skips
//     the compiled frames and is looked up in the environment beneath
//     them, then in the bound builtins table.
//   - Environments on demand. A compiled frame has no *Env. One is built
//     from the slots only where something needs it: a builtin that asks
//     for its caller's environment (callbacks, eval), a callee that is not
//     compiled, a macro, an error (its Env), a form the compiler leaves to
//     the tree walker.
//   - Falling back. Forms outside the compiled subset (def, try, for,
//     destructuring, maps, sets, qualified symbols, …) run in the tree
//     walker on the environment built from the slots. When such a form
//     changes the environment (a def that escapes into the frame, or a
//     macro expanding to one), the frame switches to environment mode: it
//     keeps that *Env and every later form of the frame runs in the tree
//     walker on it, as today. Forms that scope their bindings (let, loop
//     bodies, recur, the function body itself) switch back when they end.
//
// Steps, nesting depth, error messages, spans, traces and hints are those of
// the tree walker: each compiled node charges its step and depth where
// eval/evalList would and decorates its errors with the same helpers.

// compileOff switches the compiler off (benchmarks and the differential
// tests compare both evaluators in one process).
// It is atomic: a future started by one test program may still run while
// the next switches it.
var compileOff atomic.Bool

// Functions that build the closures hot code runs are marked go:noinline:
// a closure cloned into its builder's caller by inlining does not get
// small calls (step, isInt, …) inlined into it.

// code is a compiled form.
type code func(in *Interp, fr *frame) (value.Value, error)

// icode is a compiled form that may produce a long without boxing it: the
// value intSlot says the result is n.
type icode func(in *Interp, fr *frame) (n int64, v value.Value, err error)

// slot holds a local: v, or the long n when v is intSlot (kept unboxed
// until something needs it as a value).
type slot struct {
	v value.Value
	n int64
}

// intSlot marks an unboxed long (in a slot or an icode result). Markers
// are told apart by type (a type assertion, not an interface comparison).
var intSlot value.Value = &intMarker{}

type intMarker struct{ _ byte }

func isInt(v value.Value) bool { _, ok := v.(*intMarker); return ok }

func isUnset(v value.Value) bool { _, ok := v.(*slotUnsetMarker); return ok }

// val returns the slot's value, boxing (once) an unboxed long.
func (s *slot) val() value.Value {
	if isInt(s.v) {
		s.v = s.n
	}
	return s.v
}

// setI stores an icode result.
func (s *slot) setI(n int64, v value.Value) {
	s.v, s.n = v, n
}

// boxI makes an icode result a value.
func boxI(n int64, v value.Value) value.Value {
	if isInt(v) {
		return n
	}
	return v
}

// asInt reads an icode result as a long.
func asInt(n int64, v value.Value) (int64, bool) {
	if isInt(v) {
		return n, true
	}
	x, ok := v.(int64)
	return x, ok
}

// icodeOf adapts code.
//
//go:noinline
func icodeOf(k code) icode {
	return func(in *Interp, fr *frame) (int64, value.Value, error) {
		v, err := k(in, fr)
		return 0, v, err
	}
}

// scope lists the locals visible at a point of a compiled body, in binding
// order (a later entry shadows an earlier one of the same symbol).
type scope struct{ e []scopeEntry }

type scopeEntry struct {
	sym  *value.Symbol
	slot int
}

// slotUnset marks a loop local that the last recur gave no value: it is not
// bound in that iteration (language.md §5.2 loop).
var slotUnset value.Value = &slotUnsetMarker{}

type slotUnsetMarker struct{ _ byte }

// frame is the activation of a compiled unit (a function call or a loop run
// by the tree walker).
type frame struct {
	slots []slot
	// parent is the caller's frame when the caller was compiled code in
	// slot mode, with psc its scope at the call; below is the environment
	// beneath the chain of linked frames (the caller's whole environment
	// when parent is nil).
	parent *frame
	psc    *scope
	below  *Env
	// callEnv caches the caller's environment built from parent (the
	// parent is suspended while this frame runs, so it cannot change).
	callEnv     *Env
	haveCallEnv bool
	// env, when set, is the frame's whole current environment: the frame
	// is in environment mode (see above). base is the environment the
	// first switch started from.
	env  *Env
	base *Env
	// turn is the tailTurn bit of the unit's entry.
	turn pos
}

// tctx is the static tail context of a compiled form: rec says the form is
// in tail position of its fn or loop body, pass that the unit's turn bit
// reaches it.
type tctx struct{ rec, pass bool }

func (t tctx) rt(fr *frame) pos {
	var p pos
	if t.rec {
		p = tailRecur
	}
	if t.pass {
		p |= fr.turn
	}
	return p
}

// ---- frames and environments ----

func (in *Interp) pushFrame(n int) *frame {
	if in.nframes == len(in.frames) {
		in.frames = append(in.frames, &frame{})
	}
	f := in.frames[in.nframes]
	in.nframes++
	if cap(f.slots) < n {
		f.slots = make([]slot, n)
	} else {
		f.slots = f.slots[:n]
	}
	return f
}

// popFrame releases f: its slots and pointers are cleared one by one (no
// bulk clear of the whole frame: this runs once per call).
func (in *Interp) popFrame(f *frame) {
	for i := range f.slots {
		f.slots[i].v = nil
	}
	f.parent, f.psc, f.below = nil, nil, nil
	if f.haveCallEnv {
		f.callEnv, f.haveCallEnv = nil, false
	}
	if f.env != nil || f.base != nil {
		f.env, f.base = nil, nil
	}
	f.turn = 0
	in.nframes--
}

// callEnvOf is the environment a frame was entered with.
func (in *Interp) callEnvOf(fr *frame) *Env {
	if fr.parent == nil {
		return fr.below
	}
	if !fr.haveCallEnv {
		fr.callEnv = in.envSlots(fr.parent, fr.psc)
		fr.haveCallEnv = true
	}
	return fr.callEnv
}

// envSlots builds the environment of a frame in slot mode at scope sc.
func (in *Interp) envSlots(fr *frame, sc *scope) *Env {
	e := in.callEnvOf(fr)
	for _, x := range sc.e {
		if v := fr.slots[x.slot].val(); !isUnset(v) {
			e = e.Bind(x.sym, v)
		}
	}
	return e
}

// envNow is the frame's current environment at scope sc.
func (in *Interp) envNow(fr *frame, sc *scope) *Env {
	if fr.env != nil {
		return fr.env
	}
	return in.envSlots(fr, sc)
}

// switchEnv records that a form left to the tree walker changed the
// environment from e to e2.
func (fr *frame) switchEnv(e, e2 *Env) {
	if fr.env == nil {
		fr.base = e
	}
	fr.env = e2
}

// delegate runs form in the tree walker on the frame's environment (the
// frame is in environment mode).
func (in *Interp) delegate(fr *frame, form value.Value, tail pos) (value.Value, error) {
	v, e2, err := in.eval(form, fr.env, tail)
	if err == nil {
		fr.env = e2
	}
	return v, err
}

// lookupFree finds a name that is not a local of the running code: in the
// locals of the linked caller frames, then in the environment beneath
// them.
func (in *Interp) lookupFree(fr *frame, s *value.Symbol) (value.Value, bool) {
	if s.EverLocal() {
		for p, sc := fr.parent, fr.psc; p != nil; p, sc = p.parent, p.psc {
			for i := len(sc.e) - 1; i >= 0; i-- {
				if x := sc.e[i]; x.sym == s {
					if v := p.slots[x.slot].val(); !isUnset(v) {
						return v, true
					}
				}
			}
		}
	}
	return fr.below.Lookup(s)
}

// resolveFree is resolve for a free unqualified name of compiled code in
// slot mode; failures are made by resolve itself on the built environment.
func (in *Interp) resolveFree(fr *frame, sc *scope, s *value.Symbol) (value.Value, error) {
	if v, ok := in.lookupFree(fr, s); ok {
		return v, nil
	}
	if !in.table.isEffect && s.Pure != nil {
		return forcePure(s.Pure), nil
	}
	if v, ok := in.table.lookup(s); ok {
		return v, nil
	}
	return in.resolve(s, in.envSlots(fr, sc))
}

// resolveLocal reads local slot k (symbol s) at scope sc.
func (in *Interp) resolveLocal(fr *frame, sc *scope, s *value.Symbol, k int) (value.Value, error) {
	if v := fr.slots[k].val(); !isUnset(v) {
		return v, nil
	}
	for i := len(sc.e) - 1; i >= 0; i-- {
		if x := sc.e[i]; x.sym == s {
			if v := fr.slots[x.slot].val(); !isUnset(v) {
				return v, nil
			}
		}
	}
	return in.resolveFree(fr, sc, s)
}

// decorate does for a compiled list form what evalList does for its errors;
// the environment is the one at the form's start (the frame was in slot
// mode then).
func (in *Interp) decorate(err error, l *value.List, fr *frame, sc *scope) error {
	if e, ok := err.(*Error); ok {
		if e.Span == nil && in.Spans != nil {
			if e.Span = in.Spans.Of(l); e.Span != nil {
				noteVia(e, l)
			}
		}
		if e.Expr == nil {
			e.Expr = l
		}
		if e.Env == nil {
			e.Env = in.envSlots(fr, sc)
		}
	}
	return err
}

// stepEnter charges step then enter (a list form's step and nesting
// level): it reports whether nothing more is to be done; else stepEnterSlow
// finishes the checks and returns either failure as it is.
func (in *Interp) stepEnter() bool {
	in.steps++
	in.depth++
	return in.steps < in.nextCheck && in.depth <= in.limits.MaxNesting
}

func (in *Interp) stepEnterSlow() error {
	in.depth--
	if err := in.stepCheck(); err != nil {
		return err
	}
	if err := in.enter(); err != nil {
		return err
	}
	return nil
}

// enter charges one nesting level, as evalList and callSpell do.
func (in *Interp) enter() *Error {
	in.depth++
	if in.depth > in.limits.MaxNesting {
		return in.tooDeep()
	}
	return nil
}

func (in *Interp) tooDeep() *Error {
	in.depth--
	return LimitError(fmt.Sprintf("Nesting depth exceeded: %d", in.limits.MaxNesting))
}

// ---- compiled units ----

// slotRecur is the recur signal of compiled code: the values in slots.
type slotRecur struct{ s []slot }

func (in *Interp) popSlots(base int) {
	clear(in.slotStack[base:])
	in.slotStack = in.slotStack[:base]
}

// fnCode is a compiled Spell function body: parameters in slots 0..n-1.
// The body is icode: a long result leaves the function unboxed.
type fnCode struct {
	nparams int
	nslots  int
	body    icode
}

// compiledFn returns the compiled body of fn, compiling it on first use;
// nil when its parameters are not plain symbols (the tree walker binds
// them).
func (in *Interp) compiledFn(fn *value.SpellFn, info *fnInfo) *fnCode {
	if compileOff.Load() || !info.simple || info.variadic || info.err != "" {
		return nil
	}
	if fc := info.code.Load(); fc != nil {
		return fc
	}
	c := &compiler{sc: &scope{}}
	for _, p := range info.fixed {
		c.bind(p.(*value.Symbol))
	}
	body := fn.Body
	if body == nil {
		body = value.EmptyList
	}
	fc := &fnCode{nparams: len(info.fixed)}
	fc.body = c.ibody(body, tctx{rec: true, pass: true})
	fc.nslots = c.nslots
	info.code.Store(fc)
	return fc
}

// runFn runs a compiled function body in F (its parameters bound; depth
// already charged by the caller) and loops on recur, as callSpell does.
func (in *Interp) runFn(fc *fnCode, F *frame, form *value.List) (int64, value.Value, error) {
	x, v, err := fc.body(in, F)
	return in.fnResult(fc, F, form, x, v, err)
}

// fnResult finishes runFn from one run of the body: its result, or the
// next iteration on recur.
func (in *Interp) fnResult(fc *fnCode, F *frame, form *value.List, x int64, v value.Value, err error) (int64, value.Value, error) {
	for {
		if err != nil {
			in.depth--
			return 0, nil, in.callFail(err, in.callEnvOf(F), form)
		}
		var got int
		switch r := v.(type) {
		case *slotRecur:
			if got = len(r.s); got == fc.nparams {
				copy(F.slots, r.s)
			}
		case *recurSignal:
			if got = len(r.vals); got == fc.nparams {
				for i, a := range r.vals {
					F.slots[i] = slot{v: a}
				}
			}
		default:
			in.depth--
			return x, v, nil
		}
		if got != fc.nparams {
			in.depth--
			return 0, nil, in.callFail(&Error{Msg: fmt.Sprintf("Wrong number of args: expected %d, got %d", fc.nparams, got)}, in.callEnvOf(F), form)
		}
		F.env, F.base = nil, nil
		x, v, err = fc.body(in, F)
	}
}

// loopCode is a loop form compiled as a unit (run by sfLoop).
type loopCode struct {
	nslots int
	loop   *loopNode
}

// loopUnit returns the compiled form of loop l, compiling it on first use;
// nil when the compiler is off or the loop is outside its subset.
func (in *Interp) loopUnit(l *value.List) *loopCode {
	if compileOff.Load() {
		return nil
	}
	loopCache.Lock()
	lc, ok := loopCache.m[l]
	loopCache.Unlock()
	if ok {
		return lc
	}
	c := &compiler{sc: &scope{}}
	if n := c.loop(l, tctx{pass: true}); n != nil {
		lc = &loopCode{loop: n, nslots: c.nslots}
	}
	loopCache.Lock()
	if len(loopCache.m) > 4096 {
		clear(loopCache.m)
	}
	loopCache.m[l] = lc
	loopCache.Unlock()
	return lc
}

// loopCache holds compiled loops by form (forms are immutable); it is
// bounded, and a dropped entry is compiled again.
var loopCache = struct {
	sync.Mutex
	m map[*value.List]*loopCode
}{m: map[*value.List]*loopCode{}}

// runLoopUnit runs a compiled loop for sfLoop (its step and depth are
// charged by eval and evalList).
func (in *Interp) runLoopUnit(lc *loopCode, env *Env, tail pos) (value.Value, *Env, error) {
	F := in.pushFrame(lc.nslots)
	F.below = env
	F.turn = tail & tailTurn
	v, err := lc.loop.inner(in, F)
	out := env
	if F.env != nil {
		out = F.env
	}
	in.popFrame(F)
	return v, out, err
}

// ---- the compiler ----

type compiler struct {
	nslots int
	sc     *scope
}

// bind adds a local for s and returns its slot.
func (c *compiler) bind(s *value.Symbol) int {
	s.MarkLocal()
	k := c.nslots
	c.nslots++
	e := make([]scopeEntry, len(c.sc.e), len(c.sc.e)+1)
	copy(e, c.sc.e)
	c.sc = &scope{e: append(e, scopeEntry{sym: s, slot: k})}
	return k
}

func (c *compiler) lookup(s *value.Symbol) (int, bool) {
	for i := len(c.sc.e) - 1; i >= 0; i-- {
		if c.sc.e[i].sym == s {
			return c.sc.e[i].slot, true
		}
	}
	return 0, false
}

// body compiles forms like evalBody: threaded, the last inherits t.
func (c *compiler) body(forms *value.List, t tctx) code {
	items := forms.Slice()
	switch len(items) {
	case 0:
		return func(*Interp, *frame) (value.Value, error) { return nil, nil }
	case 1:
		return c.expr(items[0], t)
	}
	codes := make([]code, len(items))
	for i, f := range items {
		tt := tctx{}
		if i == len(items)-1 {
			tt = t
		}
		codes[i] = c.expr(f, tt)
	}
	return func(in *Interp, fr *frame) (value.Value, error) {
		var v value.Value
		var err error
		for _, k := range codes {
			if v, err = k(in, fr); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
}

func (c *compiler) expr(form value.Value, t tctx) code {
	switch f := form.(type) {
	case nil, bool, int64, float64, string, *value.Keyword, value.Char, *big.Int, *big.Rat, value.BigDec, float32, *value.Regex, *value.SpellFn:
		return func(*Interp, *frame) (value.Value, error) { return form, nil }
	case *value.Symbol:
		if f.NS == "" {
			return c.symbol(f)
		}
	case *value.Vector:
		if f.Count() == 0 {
			return func(*Interp, *frame) (value.Value, error) { return form, nil }
		}
		return c.vector(f)
	case *value.Map:
		if value.IsSpellFnMap(f) || f.Count() == 0 {
			return func(*Interp, *frame) (value.Value, error) { return form, nil }
		}
	case *value.List:
		if k := c.list(f, t); k != nil {
			return k
		}
	}
	return c.fallback(form, t)
}

// fallback leaves form to the tree walker, on the environment built from
// the slots (or the frame's own in environment mode).
func (c *compiler) fallback(form value.Value, t tctx) code {
	sc := c.sc
	return func(in *Interp, fr *frame) (value.Value, error) {
		if fr.env != nil {
			return in.delegate(fr, form, t.rt(fr))
		}
		e := in.envSlots(fr, sc)
		v, e2, err := in.eval(form, e, t.rt(fr))
		if err == nil && e2 != e {
			fr.switchEnv(e, e2)
		}
		return v, err
	}
}

func (c *compiler) symbol(s *value.Symbol) code {
	sc := c.sc
	if k, ok := c.lookup(s); ok {
		return func(in *Interp, fr *frame) (value.Value, error) {
			if err := in.step(); err != nil {
				return nil, err
			}
			if fr.env != nil {
				return in.resolve(s, fr.env)
			}
			if v := fr.slots[k].val(); !isUnset(v) {
				return v, nil
			}
			return in.resolveLocal(fr, sc, s, k)
		}
	}
	return func(in *Interp, fr *frame) (value.Value, error) {
		if err := in.step(); err != nil {
			return nil, err
		}
		if fr.env != nil {
			return in.resolve(s, fr.env)
		}
		return in.resolveFree(fr, sc, s)
	}
}

func (c *compiler) vector(f *value.Vector) code {
	items := f.Slice()
	codes := make([]code, len(items))
	for i, x := range items {
		codes[i] = c.expr(x, tctx{})
	}
	return func(in *Interp, fr *frame) (value.Value, error) {
		out := make([]value.Value, len(codes))
		for i, k := range codes {
			v, err := k(in, fr)
			if err != nil {
				return nil, in.locate(err, f, i)
			}
			out[i] = v
		}
		return value.NewVector(out), nil
	}
}

// listForm wraps the body of a compiled list form as eval and evalList do:
// environment mode delegates; a step, a nesting level, and the error
// decoration.
//
//go:noinline
func (c *compiler) listForm(l *value.List, t tctx, inner code) code {
	sc := c.sc
	return func(in *Interp, fr *frame) (value.Value, error) {
		if fr.env != nil {
			return in.delegate(fr, l, t.rt(fr))
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return nil, err
			}
		}
		v, err := inner(in, fr)
		in.depth--
		if err != nil {
			return nil, in.decorate(err, l, fr, sc)
		}
		return v, nil
	}
}

// list compiles a list form, or returns nil to leave it to the tree walker.
func (c *compiler) list(l *value.List, t tctx) code {
	if l.Count() == 0 {
		return func(in *Interp, fr *frame) (value.Value, error) {
			if err := in.step(); err != nil {
				return nil, err
			}
			return nil, nil
		}
	}
	head := l.First()
	if head == nil {
		return c.listForm(l, t, func(*Interp, *frame) (value.Value, error) { return nil, nil })
	}
	s, ok := head.(*value.Symbol)
	if !ok {
		return nil
	}
	if s.Eval == nil {
		return c.call(l, s, t)
	}
	switch s {
	case symQuote:
		var v value.Value
		if l.Count() >= 2 {
			v = l.Rest().First()
		}
		return c.listForm(l, t, func(*Interp, *frame) (value.Value, error) { return v, nil })
	case symIf:
		return c.ifForm(l, t)
	case symDo:
		return c.doForm(l, t)
	case symLet:
		return c.let(l, t)
	case symLoopS:
		if n := c.loop(l, t); n != nil {
			sc := n.sc
			return func(in *Interp, fr *frame) (value.Value, error) {
				if fr.env != nil {
					return in.delegate(fr, l, t.rt(fr))
				}
				if !in.stepEnter() {
					if err := in.stepEnterSlow(); err != nil {
						return nil, err
					}
				}
				v, err := n.inner(in, fr)
				in.depth--
				if err != nil {
					return nil, in.decorate(err, l, fr, sc)
				}
				return v, nil
			}
		}
		return nil
	case symRecurS:
		if t.rec {
			return c.recur(l, t)
		}
		return nil
	case symFn, symFnStar:
		return c.fn(l, t)
	case symWhen:
		if exp, err := mWhen(nil, l); err == nil {
			return c.listForm(l, t, c.expr(exp, t))
		}
		return nil
	case symCond:
		exp, _ := mCond(nil, l)
		return c.listForm(l, t, c.expr(exp, t))
	}
	return nil
}

var (
	symLoopS  = value.Sym("loop")
	symRecurS = value.Sym("recur")
)

// ifNode is a compiled if form; code and icode run it (icode leaves a
// long branch result unboxed).
type ifNode struct {
	l           *value.List
	test        icode
	thenK, elsK code
	thenI, elsI icode
	sc          *scope
	t           tctx
	hasElse     bool
	// cmp is the test when it is a leaf comparison (run in place), with
	// its steps; thenSlot and elsSlot the branches' slots when they are
	// locals (read in place), else -1.
	cmp               *callNode
	cmpSteps          int64
	thenSlot, elsSlot int
}

func (c *compiler) ifNode(l *value.List, t tctx) *ifNode {
	n := l.Count()
	if n < 3 || n > 4 {
		return nil
	}
	items := l.Slice()
	x := &ifNode{l: l, sc: c.sc, t: t, hasElse: n == 4}
	x.cmp, x.cmpSteps = c.leafCompare(items[1])
	x.test = c.iexpr(items[1], tctx{})
	x.thenSlot = c.localSlot(items[2])
	x.thenK, x.thenI = c.branch(items[2], t)
	x.elsSlot = -1
	if n == 4 {
		x.elsSlot = c.localSlot(items[3])
		x.elsK, x.elsI = c.branch(items[3], t)
	}
	return x
}

// localSlot is the slot of form when it is a local, else -1.
func (c *compiler) localSlot(form value.Value) int {
	if s, ok := form.(*value.Symbol); ok && s.NS == "" {
		if k, ok := c.lookup(s); ok {
			return k
		}
	}
	return -1
}

// leafCompare returns form's call node and steps when it is a comparison
// of long constants and locals (an if runs it in place).
func (c *compiler) leafCompare(form value.Value) (*callNode, int64) {
	return c.leafOp(form, true)
}

// leafOp returns form's call node and steps when it is a long operation
// (only a comparison when cmp) on long constants and locals: its consumer
// runs it in place (compare, leafRun).
func (c *compiler) leafOp(form value.Value, cmp bool) (*callNode, int64) {
	l, ok := form.(*value.List)
	if !ok || l.Count() < 2 {
		return nil, 0
	}
	h, ok := l.First().(*value.Symbol)
	if !ok || h.Eval != nil || h.NS != "" {
		return nil, 0
	}
	o, ok := longOpOf(h)
	if !ok || o.arity != l.Count()-1 {
		return nil, 0
	}
	switch o.op {
	case opLt, opGt, opLe, opGe, opEq:
	default:
		if cmp {
			return nil, 0
		}
	}
	var n int64 = 1
	for _, a := range l.Rest().Slice() {
		switch a := a.(type) {
		case int64:
		case *value.Symbol:
			if c.localSlot(a) < 0 {
				return nil, 0
			}
			n++
		default:
			return nil, 0
		}
	}
	cn := c.callNode(l, h, tctx{})
	if cn.opFn == nil {
		return nil, 0
	}
	return cn, n
}

// leafRun runs a leafOp node in place when its fast case applies (the same
// steps as its code; no nesting level, as opICode's leaf path); false when
// it did nothing.
func (n *callNode) leafRun(in *Interp, fr *frame, nsteps int64) (int64, value.Value, bool) {
	if fr.env != nil || in.steps+nsteps >= in.nextCheck || in.depth >= in.limits.MaxNesting || in.table.isEffect || n.head.EverBound() {
		return 0, nil, false
	}
	o0 := &n.ops[0]
	a, ok := o0.n, true
	if o0.local {
		s := &fr.slots[o0.slot]
		a, ok = asInt(s.n, s.v)
	}
	var b int64
	if ok && len(n.ops) == 2 {
		o1 := &n.ops[1]
		b = o1.n
		if o1.local {
			s := &fr.slots[o1.slot]
			b, ok = asInt(s.n, s.v)
		}
	}
	if !ok {
		return 0, nil, false
	}
	switch n.op {
	case opSub:
		if c := a - b; (c < a) == (b > 0) {
			in.steps += nsteps
			return c, intSlot, true
		}
		return 0, nil, false
	case opAdd:
		if c := a + b; (c > a) == (b > 0) {
			in.steps += nsteps
			return c, intSlot, true
		}
		return 0, nil, false
	}
	x, v, ok := longOp(n.op, a, b)
	if ok {
		in.steps += nsteps
	}
	return x, v, ok
}

// compare runs a leafCompare node in place when its fast case applies (the
// same steps as its code; no nesting level, as opICode's leaf path).
func (n *callNode) compare(in *Interp, fr *frame, nsteps int64) (bool, bool) {
	if in.steps+nsteps >= in.nextCheck || in.depth >= in.limits.MaxNesting || in.table.isEffect || n.head.EverBound() {
		return false, false
	}
	o0, o1 := &n.ops[0], &n.ops[1]
	a, ok := o0.n, true
	if o0.local {
		s := &fr.slots[o0.slot]
		a, ok = asInt(s.n, s.v)
	}
	b := o1.n
	if ok && o1.local {
		s := &fr.slots[o1.slot]
		b, ok = asInt(s.n, s.v)
	}
	if !ok {
		return false, false
	}
	in.steps += nsteps
	switch n.op {
	case opLt:
		return a < b, true
	case opGt:
		return a > b, true
	case opLe:
		return a <= b, true
	case opGe:
		return a >= b, true
	}
	return a == b, true
}

// truthyI is value.Truthy for an icode result.
func truthyI(v value.Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	return true
}

func (c *compiler) ifForm(l *value.List, t tctx) code {
	if x := c.ifNode(l, t); x != nil {
		return x.code()
	}
	return nil
}

//go:noinline
func (x *ifNode) code() code {
	l, t, sc, test := x.l, x.t, x.sc, x.test
	thenK, thenI, elsK, elsI, hasElse := x.thenK, x.thenI, x.elsK, x.elsI, x.hasElse
	cmp, cmpSteps := x.cmp, x.cmpSteps
	return func(in *Interp, fr *frame) (value.Value, error) {
		if fr.env != nil {
			return in.delegate(fr, l, t.rt(fr))
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return nil, err
			}
		}
		var v value.Value
		var err error
		var b, ok bool
		if cmp != nil {
			b, ok = cmp.compare(in, fr, cmpSteps)
			v = b
		}
		if !ok {
			_, v, err = test(in, fr)
		}
		idx := 1
		if err == nil {
			switch {
			case truthyI(v):
				idx = 2
				if thenI != nil {
					var n int64
					n, v, err = thenI(in, fr)
					v = boxI(n, v)
				} else {
					v, err = thenK(in, fr)
				}
			case !hasElse:
				v = nil
			default:
				idx = 3
				if elsI != nil {
					var n int64
					n, v, err = elsI(in, fr)
					v = boxI(n, v)
				} else {
					v, err = elsK(in, fr)
				}
			}
		}
		in.depth--
		if err != nil {
			return nil, in.decorate(in.locate(err, l, idx), l, fr, sc)
		}
		return v, nil
	}
}

//go:noinline
func (x *ifNode) icode() icode {
	l, t, sc, test := x.l, x.t, x.sc, x.test
	thenK, thenI, elsK, elsI, hasElse := x.thenK, x.thenI, x.elsK, x.elsI, x.hasElse
	cmp, cmpSteps, thenSlot, elsSlot := x.cmp, x.cmpSteps, x.thenSlot, x.elsSlot
	return func(in *Interp, fr *frame) (int64, value.Value, error) {
		if fr.env != nil {
			v, err := in.delegate(fr, l, t.rt(fr))
			return 0, v, err
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return 0, nil, err
			}
		}
		var v value.Value
		var err error
		var b, ok bool
		if cmp != nil {
			b, ok = cmp.compare(in, fr, cmpSteps)
			v = b
		}
		if !ok {
			_, v, err = test(in, fr)
		}
		var n int64
		idx := 1
		if err == nil {
			switch {
			case truthyI(v):
				idx = 2
				if thenSlot >= 0 && fr.env == nil && in.steps+1 < in.nextCheck {
					if s := &fr.slots[thenSlot]; !isUnset(s.v) {
						in.steps++
						n, v = s.n, s.v
						break
					}
				}
				if thenI != nil {
					n, v, err = thenI(in, fr)
				} else {
					v, err = thenK(in, fr)
				}
			case !hasElse:
				v = nil
			default:
				idx = 3
				if elsSlot >= 0 && fr.env == nil && in.steps+1 < in.nextCheck {
					if s := &fr.slots[elsSlot]; !isUnset(s.v) {
						in.steps++
						n, v = s.n, s.v
						break
					}
				}
				if elsI != nil {
					n, v, err = elsI(in, fr)
				} else {
					v, err = elsK(in, fr)
				}
			}
		}
		in.depth--
		if err != nil {
			return 0, nil, in.decorate(in.locate(err, l, idx), l, fr, sc)
		}
		return n, v, nil
	}
}

func (c *compiler) doForm(l *value.List, t tctx) code {
	forms := l.Rest().Slice()
	codes := make([]code, len(forms))
	for i, f := range forms {
		tt := tctx{}
		if i == len(forms)-1 {
			tt = t
		}
		codes[i] = c.expr(f, tt)
	}
	return c.listForm(l, t, func(in *Interp, fr *frame) (value.Value, error) {
		var v value.Value
		var err error
		for i, k := range codes {
			if v, err = k(in, fr); err != nil {
				if e, ok := err.(*Error); ok && e.ContainingForm == nil {
					e.ContainingForm = forms[i]
				}
				return nil, in.locate(err, l, i+1)
			}
		}
		return v, nil
	})
}

// plainBindings returns the binding vector of a let or loop whose patterns
// are all plain unqualified symbols.
func plainBindings(l *value.List) (*value.Vector, []value.Value, bool) {
	if l.Count() < 2 {
		return nil, nil, false
	}
	bv, ok := l.Rest().First().(*value.Vector)
	if !ok {
		return nil, nil, false
	}
	bs := bv.Slice()
	for i := 0; i+1 < len(bs); i += 2 {
		if s, ok := bs[i].(*value.Symbol); !ok || s.NS != "" {
			return nil, nil, false
		}
	}
	return bv, bs, true
}

func (c *compiler) let(l *value.List, t tctx) code {
	bv, bs, ok := plainBindings(l)
	if !ok {
		return nil
	}
	entry := c.sc
	saved := c.sc
	npairs := len(bs) / 2
	inits := make([]icode, npairs)
	slots := make([]int, npairs)
	for i := 0; i < npairs; i++ {
		inits[i] = c.iexpr(bs[2*i+1], tctx{})
		slots[i] = c.bind(bs[2*i].(*value.Symbol))
	}
	body := c.body(l.Rest().Rest(), t)
	c.sc = saved
	return c.listForm(l, t, func(in *Interp, fr *frame) (value.Value, error) {
		for i, k := range inits {
			x, v, err := k(in, fr)
			// defs made by an init never escape, not even to later inits
			fr.env, fr.base = nil, nil
			if err != nil {
				return nil, in.locate(err, bv, 2*i+1)
			}
			fr.slots[slots[i]].setI(x, v)
		}
		v, err := body(in, fr)
		fr.env, fr.base = nil, nil
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Env = in.envSlots(fr, entry)
			}
			return nil, err
		}
		return v, nil
	})
}

// loopNode is a compiled loop; inner runs it after its step and depth.
type loopNode struct {
	l     *value.List
	bs    []value.Value
	sc    *scope // at the loop form
	inits []icode
	scs   []*scope // scope each init sees
	slots []int
	body  code
	t     tctx
}

func (c *compiler) loop(l *value.List, t tctx) *loopNode {
	_, bs, ok := plainBindings(l)
	if !ok {
		return nil
	}
	n := &loopNode{l: l, bs: bs, sc: c.sc, t: t}
	saved := c.sc
	for i := 0; i+1 < len(bs); i += 2 {
		n.scs = append(n.scs, c.sc)
		n.inits = append(n.inits, c.iexpr(bs[i+1], tctx{}))
		n.slots = append(n.slots, c.bind(bs[i].(*value.Symbol)))
	}
	n.body = c.body(l.Rest().Rest(), tctx{rec: true, pass: t.pass})
	c.sc = saved
	return n
}

func (n *loopNode) inner(in *Interp, fr *frame) (value.Value, error) {
	for i, k := range n.inits {
		x, v, err := k(in, fr)
		if err != nil {
			return nil, err
		}
		if fr.env != nil {
			return n.switched(in, fr, i, boxI(x, v))
		}
		fr.slots[n.slots[i]].setI(x, v)
	}
	for {
		v, err := n.body(in, fr)
		// defs in the body never escape the loop
		fr.env, fr.base = nil, nil
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Env = in.envSlots(fr, n.sc)
			}
			return nil, err
		}
		switch r := v.(type) {
		case *slotRecur:
			for i, k := range n.slots {
				if i < len(r.s) {
					fr.slots[k] = r.s[i]
				} else {
					fr.slots[k] = slot{v: slotUnset}
				}
			}
		case *recurSignal:
			for i, k := range n.slots {
				if i < len(r.vals) {
					fr.slots[k] = slot{v: r.vals[i]}
				} else {
					fr.slots[k] = slot{v: slotUnset}
				}
			}
		default:
			return v, nil
		}
	}
}

// switched finishes a loop whose init i made defs (it switched the frame to
// environment mode): what the tree walker does from there on, with its
// outer and init environments rebuilt from the slots. The frame stays in
// environment mode on the loop's result environment (the init defs escape).
func (n *loopNode) switched(in *Interp, fr *frame, i int, v value.Value) (value.Value, error) {
	r, base := fr.env, fr.base
	outer := in.envSlots(fr, n.sc)
	syms, vals, ok := r.Since(base)
	if !ok {
		syms, vals = r.Diff(base)
	}
	for j, s := range syms {
		outer = outer.Bind(s, vals[j])
	}
	benv := r.Bind(n.bs[2*i].(*value.Symbol), v)
	pats := make([]value.Value, 0, len(n.inits))
	for j := 0; j <= i; j++ {
		pats = append(pats, n.bs[2*j])
	}
	v2, out, err := in.loopFrom(n.l, n.bs, 2*i+2, outer, benv, pats, n.t.rt(fr)&tailTurn)
	fr.env, fr.base = out, nil
	if out == nil {
		// environment mode needs a non-nil environment
		fr.env = (*Env)(nil).Bind(symEval, nil).Unbind(symEval)
	}
	return v2, err
}

func (c *compiler) recur(l *value.List, t tctx) code {
	args := l.Rest().Slice()
	codes := make([]icode, len(args))
	for i, a := range args {
		codes[i] = c.iexpr(a, tctx{})
	}
	if len(codes) > recurBuf {
		return c.listForm(l, t, func(in *Interp, fr *frame) (value.Value, error) {
			// As sfRecur, on a stack of slots (a recur inside an argument
			// finishes before this one completes).
			base := len(in.slotStack)
			for i, k := range codes {
				x, v, err := k(in, fr)
				if err != nil {
					in.popSlots(base)
					return nil, in.locate(err, l, i+1)
				}
				in.slotStack = append(in.slotStack, slot{v: v, n: x})
			}
			sig := &in.recurS
			sig.s = append(sig.s[:0], in.slotStack[base:]...)
			in.popSlots(base)
			return sig, nil
		})
	}
	// Few values: on the Go stack, then into the signal one by one (the
	// listForm wrapper is in the same closure).
	sc := c.sc
	return func(in *Interp, fr *frame) (value.Value, error) {
		if fr.env != nil {
			return in.delegate(fr, l, t.rt(fr))
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return nil, err
			}
		}
		var buf [recurBuf]slot
		for i, k := range codes {
			x, v, err := k(in, fr)
			if err != nil {
				in.depth--
				return nil, in.decorate(in.locate(err, l, i+1), l, fr, sc)
			}
			buf[i] = slot{v: v, n: x}
		}
		sig := &in.recurS
		if cap(sig.s) < len(codes) {
			sig.s = make([]slot, len(codes), recurBuf)
		}
		sig.s = sig.s[:len(codes)]
		for i := range codes {
			sig.s[i] = buf[i]
		}
		in.depth--
		return sig, nil
	}
}

// recurBuf is the most recur values kept on the Go stack.
const recurBuf = 4

func (c *compiler) fn(l *value.List, t tctx) code {
	rest := l.Rest()
	var params value.Value
	body := value.EmptyList
	if rest.Count() > 0 {
		params = rest.First()
		body = rest.Rest()
	}
	// Every function this form makes shares one analysis and one
	// compiled body.
	info := analyzeParams(params)
	return c.listForm(l, t, func(*Interp, *frame) (value.Value, error) {
		fn := &value.SpellFn{Params: params, Body: body}
		fn.Extra.Store(info)
		return fn, nil
	})
}

// call compiles a call whose head is a symbol that names no special form
// or built-in macro: evalList1 and applyForm.
func (c *compiler) call(l *value.List, head *value.Symbol, t tctx) code {
	return c.callNode(l, head, t).code()
}

func (c *compiler) callNode(l *value.List, head *value.Symbol, t tctx) *callNode {
	sc := c.sc
	hslot, hlocal := c.lookup(head)
	argForms := l.Rest().Slice()
	n := &callNode{l: l, head: head, hslot: hslot, hlocal: hlocal, sc: sc, t: t}
	n.args = make([]code, len(argForms))
	n.ops = make([]operand, len(argForms))
	for i, a := range argForms {
		k, ik := c.dual(a, tctx{})
		n.args[i] = k
		n.ops[i] = c.operand(a, k, ik)
	}
	if o, ok := longOpOf(head); ok && o.arity == len(argForms) {
		n.op = o.op
		n.opFn, _ = builtinNamed(symText(head))
	}
	return n
}

// Long operations the compiler runs on unboxed longs when their name is
// bound to the builtin at the call (the results are the fast paths'; any
// other case takes the builtin's general path).
const (
	opAdd = iota + 1
	opSub
	opLt
	opGt
	opLe
	opGe
	opEq
	opInc
	opDec
)

// longOpOf returns the long operation a head symbol names, with its
// arity. (A switch, not a map of interned symbols: nothing is built at
// start; issue 11, start-up.)
func longOpOf(s *value.Symbol) (o struct{ op, arity int }, ok bool) {
	if s == nil || s.NS != "" {
		return o, false
	}
	switch s.Name {
	case "+":
		o.op = opAdd
	case "-":
		o.op = opSub
	case "<":
		o.op = opLt
	case ">":
		o.op = opGt
	case "<=":
		o.op = opLe
	case ">=":
		o.op = opGe
	case "=":
		o.op = opEq
	case "inc":
		o.op, o.arity = opInc, 1
	case "dec":
		o.op, o.arity = opDec, 1
	default:
		return o, false
	}
	if o.arity == 0 {
		o.arity = 2
	}
	return o, true
}

// longOp computes op on longs; ok false when it overflows.
func longOp(op int, a, b int64) (int64, value.Value, bool) {
	switch op {
	case opAdd:
		c := a + b
		return c, intSlot, (c > a) == (b > 0)
	case opSub:
		c := a - b
		return c, intSlot, (c < a) == (b > 0)
	case opLt:
		return 0, a < b, true
	case opGt:
		return 0, a > b, true
	case opLe:
		return 0, a <= b, true
	case opGe:
		return 0, a >= b, true
	case opEq:
		return 0, a == b, true
	case opInc:
		return a + 1, intSlot, a != 1<<63-1
	case opDec:
		return a - 1, intSlot, a != -1<<63
	}
	return 0, nil, false
}

// dual compiles form both ways: as code and as icode.
func (c *compiler) dual(form value.Value, t tctx) (code, icode) {
	if ik := c.intCode(form, t); ik != nil {
		return func(in *Interp, fr *frame) (value.Value, error) {
			n, v, err := ik(in, fr)
			return boxI(n, v), err
		}, ik
	}
	if l, ok := form.(*value.List); ok && l.Count() > 0 {
		if h, ok := l.First().(*value.Symbol); ok && h.Eval == nil {
			n := c.callNode(l, h, t)
			return n.code(), n.icode()
		}
	}
	k := c.expr(form, t)
	return k, icodeOf(k)
}

// branch compiles form as icode when that costs no extra call (a long
// form, a call or an if), else as code.
func (c *compiler) branch(form value.Value, t tctx) (code, icode) {
	if ik := c.directI(form, t); ik != nil {
		return nil, ik
	}
	return c.expr(form, t), nil
}

// iexpr compiles form as icode.
func (c *compiler) iexpr(form value.Value, t tctx) icode {
	if ik := c.directI(form, t); ik != nil {
		return ik
	}
	return icodeOf(c.expr(form, t))
}

// directI compiles the forms that have an icode of their own (long
// forms, calls, if); nil for any other.
func (c *compiler) directI(form value.Value, t tctx) icode {
	if ik := c.intCode(form, t); ik != nil {
		return ik
	}
	if l, ok := form.(*value.List); ok && l.Count() > 0 {
		if h, ok := l.First().(*value.Symbol); ok {
			if h.Eval == nil {
				return c.callNode(l, h, t).icode()
			}
			if h == symIf {
				if x := c.ifNode(l, t); x != nil {
					return x.icode()
				}
			}
		}
	}
	return nil
}

// ibody is body as icode.
func (c *compiler) ibody(forms *value.List, t tctx) icode {
	if forms.Count() == 1 {
		return c.iexpr(forms.First(), t)
	}
	return icodeOf(c.body(forms, t))
}

// intCode compiles the forms that can yield an unboxed long: long
// literals, locals and the long operations; nil for any other.
func (c *compiler) intCode(form value.Value, t tctx) icode {
	switch f := form.(type) {
	case int64:
		return func(*Interp, *frame) (int64, value.Value, error) { return f, intSlot, nil }
	case *value.Symbol:
		if f.NS != "" {
			return nil
		}
		k, ok := c.lookup(f)
		if !ok {
			return nil
		}
		sc := c.sc
		return func(in *Interp, fr *frame) (int64, value.Value, error) {
			if err := in.step(); err != nil {
				return 0, nil, err
			}
			if fr.env != nil {
				v, err := in.resolve(f, fr.env)
				return 0, v, err
			}
			if s := &fr.slots[k]; !isUnset(s.v) {
				return s.n, s.v, nil
			}
			v, err := in.resolveLocal(fr, sc, f, k)
			return 0, v, err
		}
	case *value.List:
		h, ok := f.First().(*value.Symbol)
		if !ok || h.Eval != nil {
			return nil
		}
		if o, ok := longOpOf(h); !ok || o.arity != f.Count()-1 {
			return nil
		}
		return c.callNode(f, h, t).icode()
	}
	return nil
}

type callNode struct {
	l      *value.List
	head   *value.Symbol
	hslot  int
	hlocal bool
	args   []code
	ops    []operand
	sc     *scope
	t      tctx
	// op is a long operation (longOpOf) and opFn its builtin.
	op   int
	opFn *Builtin
	// cache is the head's value in the environment last seen beneath the
	// frames (shared by futures running the same code: one atomic word).
	cache atomic.Pointer[headCache]
}

// operand is an argument of a call: a constant and a local are read in
// place, anything else runs its code.
type operand struct {
	k  code
	ik icode
	// leaf is the operand's call node when it is a leaf long operation
	// (see leafRun), with its steps.
	leaf      *callNode
	leafSteps int64
	v         value.Value
	n         int64
	slot      int
	local     bool
	isVal     bool
	isInt     bool
}

func (c *compiler) operand(form value.Value, k code, ik icode) operand {
	switch f := form.(type) {
	case int64:
		return operand{k: k, ik: ik, v: form, n: f, isVal: true, isInt: true}
	case nil, bool, float64, string, *value.Keyword, value.Char:
		return operand{k: k, ik: ik, v: form, isVal: true}
	case *value.Symbol:
		if f.NS == "" {
			if slot, ok := c.lookup(f); ok {
				return operand{k: k, ik: ik, slot: slot, local: true}
			}
		}
	}
	o := operand{k: k, ik: ik}
	o.leaf, o.leafSteps = c.leafOp(form, false)
	return o
}

// get evaluates the operand: a local costs its step like a symbol.
func (o *operand) get(in *Interp, fr *frame) (value.Value, error) {
	if o.isVal {
		return o.v, nil
	}
	if o.local && fr.env == nil {
		in.steps++
		if s := &fr.slots[o.slot]; !isUnset(s.v) && in.steps < in.nextCheck {
			return s.val(), nil
		}
		in.steps--
	}
	return o.k(in, fr)
}

// iget is get for an icode consumer.
func (o *operand) iget(in *Interp, fr *frame) (int64, value.Value, error) {
	if !o.local {
		if o.isInt {
			return o.n, intSlot, nil
		}
		if !o.isVal {
			return o.ik(in, fr)
		}
		return 0, o.v, nil
	}
	if fr.env == nil && in.steps+1 < in.nextCheck {
		if s := &fr.slots[o.slot]; !isUnset(s.v) {
			in.steps++
			return s.n, s.v, nil
		}
	}
	return o.igetSlow(in, fr)
}

func (o *operand) igetSlow(in *Interp, fr *frame) (int64, value.Value, error) {
	if o.isVal {
		return 0, o.v, nil
	}
	if o.local && fr.env == nil {
		in.steps++
		if s := &fr.slots[o.slot]; !isUnset(s.v) && in.steps < in.nextCheck {
			return s.n, s.v, nil
		}
		in.steps--
	}
	return o.ik(in, fr)
}

// code is the call form as eval and evalList run it (the body is in the
// closure itself: one Go call per form).
//
//go:noinline
func (n *callNode) code() code {
	if n.op != 0 {
		ik := n.icode()
		return func(in *Interp, fr *frame) (value.Value, error) {
			x, v, err := ik(in, fr)
			return boxI(x, v), err
		}
	}
	direct := !n.hlocal
	return func(in *Interp, fr *frame) (value.Value, error) {
		if fr.env != nil {
			return in.delegate(fr, n.l, n.t.rt(fr))
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return nil, err
			}
		}
		var x int64
		var v value.Value
		var err error
		if hc := n.cache.Load(); direct && hc != nil && hc.fc != nil && hc.below == fr.below && !n.head.EverLocal() {
			x, v, err = n.callCompiled(in, fr, hc.fc)
		} else {
			x, v, err = n.run(in, fr)
		}
		in.depth--
		if err != nil {
			return nil, in.decorate(err, n.l, fr, n.sc)
		}
		return boxI(x, v), nil
	}
}

// icode is code for an icode consumer.
//
//go:noinline
func (n *callNode) icode() icode {
	if n.op != 0 {
		return n.opICode()
	}
	direct := !n.hlocal
	return func(in *Interp, fr *frame) (int64, value.Value, error) {
		if fr.env != nil {
			v, err := in.delegate(fr, n.l, n.t.rt(fr))
			return 0, v, err
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return 0, nil, err
			}
		}
		// The head names a compiled function in the environment beneath
		// the frames (see run): callCompiled, in place.
		if hc := n.cache.Load(); direct && hc != nil && hc.fc != nil && hc.below == fr.below && !n.head.EverLocal() {
			fc := hc.fc
			F := in.pushFrame(fc.nslots)
			for i := range n.ops {
				var x int64
				var v value.Value
				var err error
				if o := &n.ops[i]; !o.local && !o.isVal {
					var ok bool
					if o.leaf != nil {
						x, v, ok = o.leaf.leafRun(in, fr, o.leafSteps)
					}
					if !ok {
						x, v, err = o.ik(in, fr)
					}
				} else {
					x, v, err = o.iget(in, fr)
				}
				if err != nil {
					in.popFrame(F)
					return n.ifail(in, fr, in.locate(err, n.l, i+1))
				}
				F.slots[i].setI(x, v)
			}
			if fr.env != nil {
				F.below = fr.env
			} else {
				F.parent, F.psc, F.below = fr, n.sc, fr.below
			}
			F.turn = n.t.rt(fr) & tailTurn
			if e := in.enter(); e != nil {
				in.popFrame(F)
				e.Env = in.envNow(fr, n.sc)
				return n.ifail(in, fr, e)
			}
			x, v, err := fc.body(in, F)
			if err == nil {
				switch v.(type) {
				case *slotRecur, *recurSignal:
					x, v, err = in.fnResult(fc, F, n.l, x, v, err)
				default:
					in.depth--
				}
			} else {
				x, v, err = in.fnResult(fc, F, n.l, x, v, err)
			}
			in.popFrame(F)
			if err != nil {
				if e, ok := err.(*Error); ok && e.Env == nil {
					e.Env = in.envNow(fr, n.sc)
				}
				return n.ifail(in, fr, err)
			}
			in.depth--
			return x, v, nil
		}
		x, v, err := n.run(in, fr)
		in.depth--
		if err != nil {
			return 0, nil, in.decorate(err, n.l, fr, n.sc)
		}
		return x, v, nil
	}
}

// ifail ends a call form that failed after its step and nesting level.
func (n *callNode) ifail(in *Interp, fr *frame, err error) (int64, value.Value, error) {
	in.depth--
	return 0, nil, in.decorate(err, n.l, fr, n.sc)
}

// opICode is icode for a long operation (the whole call in one closure).
//
//go:noinline
func (n *callNode) opICode() icode {
	// A leaf operation (its operands long constants or locals) that runs
	// its fast case charges its steps at once and enters no nesting level
	// (nothing inside could see it): the same totals as the general path
	// below, which it leaves untouched when a check fails.
	leaf := n.opFn != nil
	var nsteps int64 = 1
	for i := range n.ops {
		if o := &n.ops[i]; o.local {
			nsteps++
		} else if !o.isInt {
			leaf = false
		}
	}
	unary := len(n.ops) == 1
	return func(in *Interp, fr *frame) (int64, value.Value, error) {
		if fr.env != nil {
			v, err := in.delegate(fr, n.l, n.t.rt(fr))
			return 0, v, err
		}
		if leaf && in.steps+nsteps < in.nextCheck && in.depth < in.limits.MaxNesting && !in.table.isEffect && !n.head.EverBound() {
			o0 := &n.ops[0]
			a, ok := o0.n, true
			if o0.local {
				s := &fr.slots[o0.slot]
				a, ok = asInt(s.n, s.v)
			}
			var b int64
			if !unary && ok {
				o1 := &n.ops[1]
				b = o1.n
				if o1.local {
					s := &fr.slots[o1.slot]
					b, ok = asInt(s.n, s.v)
				}
			}
			if ok {
				switch n.op {
				case opAdd:
					if c := a + b; (c > a) == (b > 0) {
						in.steps += nsteps
						return c, intSlot, nil
					}
				case opSub:
					if c := a - b; (c < a) == (b > 0) {
						in.steps += nsteps
						return c, intSlot, nil
					}
				case opLt:
					in.steps += nsteps
					return 0, a < b, nil
				default:
					if x, v, ok := longOp(n.op, a, b); ok {
						in.steps += nsteps
						return x, v, nil
					}
				}
			}
		}
		if !in.stepEnter() {
			if err := in.stepEnterSlow(); err != nil {
				return 0, nil, err
			}
		}
		if n.head.EverBound() || in.table.isEffect || n.opFn == nil {
			// the name may be bound to something else
			fv, err := n.resolveHead(in, fr)
			if err != nil {
				return n.ifail(in, fr, err)
			}
			if b, ok := fv.(*Builtin); !ok || b != n.opFn {
				v, err := n.apply(in, fr, fv)
				if err != nil {
					return n.ifail(in, fr, err)
				}
				in.depth--
				return 0, v, nil
			}
		}
		// Operands that are locals or long constants are read in place
		// (iget does the same, one call away).
		var n0, n1 int64
		var v0, v1 value.Value
		var err error
		switch o := &n.ops[0]; {
		case o.isInt:
			n0, v0 = o.n, intSlot
		case o.local && fr.env == nil && in.steps+1 < in.nextCheck && !isUnset(fr.slots[o.slot].v):
			in.steps++
			n0, v0 = fr.slots[o.slot].n, fr.slots[o.slot].v
		case !o.local && !o.isVal:
			if n0, v0, err = o.ik(in, fr); err != nil {
				return n.ifail(in, fr, in.locate(err, n.l, 1))
			}
		default:
			if n0, v0, err = o.iget(in, fr); err != nil {
				return n.ifail(in, fr, in.locate(err, n.l, 1))
			}
		}
		if len(n.ops) == 1 {
			if a, ok := asInt(n0, v0); ok {
				if x, v, ok := longOp(n.op, a, 0); ok {
					in.depth--
					return x, v, nil
				}
			}
			v, err := n.finish(in, fr, n.opFn, []value.Value{boxI(n0, v0)})
			if err != nil {
				return n.ifail(in, fr, err)
			}
			in.depth--
			return 0, v, nil
		}
		switch o := &n.ops[1]; {
		case o.isInt:
			n1, v1 = o.n, intSlot
		case o.local && fr.env == nil && in.steps+1 < in.nextCheck && !isUnset(fr.slots[o.slot].v):
			in.steps++
			n1, v1 = fr.slots[o.slot].n, fr.slots[o.slot].v
		case !o.local && !o.isVal:
			if n1, v1, err = o.ik(in, fr); err != nil {
				return n.ifail(in, fr, in.locate(err, n.l, 2))
			}
		default:
			if n1, v1, err = o.iget(in, fr); err != nil {
				return n.ifail(in, fr, in.locate(err, n.l, 2))
			}
		}
		if a, ok := asInt(n0, v0); ok {
			if b, ok := asInt(n1, v1); ok {
				switch n.op {
				case opAdd:
					if c := a + b; (c > a) == (b > 0) {
						in.depth--
						return c, intSlot, nil
					}
				case opSub:
					if c := a - b; (c < a) == (b > 0) {
						in.depth--
						return c, intSlot, nil
					}
				case opLt:
					in.depth--
					return 0, a < b, nil
				default:
					if x, v, ok := longOp(n.op, a, b); ok {
						in.depth--
						return x, v, nil
					}
				}
			}
		}
		v, err := n.finish(in, fr, n.opFn, []value.Value{boxI(n0, v0), boxI(n1, v1)})
		if err != nil {
			return n.ifail(in, fr, err)
		}
		in.depth--
		return 0, v, nil
	}
}

func (n *callNode) run(in *Interp, fr *frame) (int64, value.Value, error) {
	if !n.hlocal && !n.head.EverLocal() {
		// A name bound in the environment beneath the frames: the same
		// environment gives the same value (environments are immutable).
		if hc := n.cache.Load(); hc != nil && hc.below == fr.below {
			if hc.fc != nil {
				return n.callCompiled(in, fr, hc.fc)
			}
			v, err := n.apply(in, fr, hc.fv)
			return 0, v, err
		}
		if fv, ok := fr.below.Lookup(n.head); ok {
			hc := &headCache{below: fr.below, fv: fv}
			if f, ok := fv.(*value.SpellFn); ok {
				if info := fnInfoOf(f); len(n.args) == len(info.fixed) {
					hc.fc = in.compiledFn(f, info)
				}
			}
			n.cache.Store(hc)
			if hc.fc != nil {
				return n.callCompiled(in, fr, hc.fc)
			}
			v, err := n.apply(in, fr, fv)
			return 0, v, err
		}
	}
	fv, err := n.resolveHead(in, fr)
	if err != nil {
		return 0, nil, err
	}
	v, err := n.apply(in, fr, fv)
	return 0, v, err
}

// headCache remembers what a call's head names in one environment.
type headCache struct {
	below *Env
	fv    value.Value
	fc    *fnCode // fv's compiled body when fv is a Spell function of this arity
}

// resolveHead resolves the head symbol as evalList1 does.
func (n *callNode) resolveHead(in *Interp, fr *frame) (value.Value, error) {
	var fv value.Value
	var err error
	switch {
	case !n.head.EverBound() && !in.table.isEffect && n.head.Pure != nil:
		// bound nowhere: the pure builtin
		fv = forcePure(n.head.Pure)
	case n.hlocal:
		fv, err = in.resolveLocal(fr, n.sc, n.head, n.hslot)
	default:
		fv, err = in.resolveFree(fr, n.sc, n.head)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Expr = n.l
		}
		return nil, in.locate(err, n.l, 0)
	}
	return fv, nil
}

// apply is the rest of evalList1 and applyForm, the head resolved.
func (n *callNode) apply(in *Interp, fr *frame, fv value.Value) (value.Value, error) {
	var err error
	if value.IsSpellMacro(fv) {
		e := in.envSlots(fr, n.sc)
		v, e2, err := in.expandAndEval(n.head, fv, n.l, e, n.t.rt(fr))
		if err == nil && e2 != e {
			fr.switchEnv(e, e2)
		}
		return v, err
	}
	switch f := fv.(type) {
	case *Builtin:
		if len(n.args) == 2 && f.fast2 != nil {
			a0, err := n.ops[0].get(in, fr)
			if err != nil {
				return nil, in.locate(err, n.l, 1)
			}
			a1, err := n.ops[1].get(in, fr)
			if err != nil {
				return nil, in.locate(err, n.l, 2)
			}
			if v, ok := f.fast2(a0, a1); ok {
				return v, nil
			}
			return n.finish(in, fr, f, []value.Value{a0, a1})
		}
		if len(n.args) == 1 && f.fast1 != nil {
			a0, err := n.ops[0].get(in, fr)
			if err != nil {
				return nil, in.locate(err, n.l, 1)
			}
			if v, ok := f.fast1(a0); ok {
				return v, nil
			}
			return n.finish(in, fr, f, []value.Value{a0})
		}
		args := make([]value.Value, len(n.args))
		for i, k := range n.args {
			if args[i], err = k(in, fr); err != nil {
				return nil, in.locate(err, n.l, i+1)
			}
		}
		return n.finish(in, fr, f, args)
	case *value.SpellFn:
		info := fnInfoOf(f)
		if len(n.args) == len(info.fixed) {
			if fc := in.compiledFn(f, info); fc != nil {
				x, v, err := n.callCompiled(in, fr, fc)
				return boxI(x, v), err
			}
		}
	}
	// Everything else as applyForm: Spell function arguments on the
	// argument stack, other callables get their own slice.
	_, spellFn := fv.(*value.SpellFn)
	var args []value.Value
	base := len(in.argStack)
	if !spellFn {
		args = make([]value.Value, len(n.args))
	}
	for i, k := range n.args {
		a, err := k(in, fr)
		if err != nil {
			if spellFn {
				in.popArgs(base)
			}
			return nil, in.locate(err, n.l, i+1)
		}
		if spellFn {
			in.argStack = append(in.argStack, a)
		} else {
			args[i] = a
		}
	}
	if spellFn {
		args = in.argStack[base : base+len(n.args) : base+len(n.args)]
	}
	// Only Spell functions (and Spell-function maps) see the caller's
	// environment; other callables get none built.
	var env *Env
	if _, isMap := fv.(*value.Map); spellFn || isMap {
		env = in.envNow(fr, n.sc)
	}
	v, err := in.apply(fv, args, env, n.l, n.t.rt(fr))
	if spellFn {
		in.popArgs(base)
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Env == nil {
			if env == nil {
				env = in.envNow(fr, n.sc)
			}
			e.Env = env
		}
		return nil, err
	}
	return v, nil
}

// finish calls a builtin whose fast path did not apply.
func (n *callNode) finish(in *Interp, fr *frame, b *Builtin, args []value.Value) (value.Value, error) {
	var v value.Value
	var err error
	if fr.env != nil {
		v, err = in.callBuiltinAt(b, args, fr.env, nil, nil, n.l, n.t.rt(fr))
	} else {
		v, err = in.callBuiltinAt(b, args, nil, fr, n.sc, n.l, n.t.rt(fr))
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Env == nil {
			e.Env = in.envNow(fr, n.sc)
		}
		return nil, err
	}
	return v, nil
}

// callCompiled calls a compiled Spell function: the arguments go straight
// into the callee's slots, and the callee's free names resolve through
// this frame.
func (n *callNode) callCompiled(in *Interp, fr *frame, fc *fnCode) (int64, value.Value, error) {
	F := in.pushFrame(fc.nslots)
	for i := range n.ops {
		var x int64
		var v value.Value
		var err error
		if o := &n.ops[i]; !o.local && !o.isVal {
			x, v, err = o.ik(in, fr)
		} else {
			x, v, err = o.iget(in, fr)
		}
		if err != nil {
			in.popFrame(F)
			return 0, nil, in.locate(err, n.l, i+1)
		}
		F.slots[i].setI(x, v)
	}
	if fr.env != nil {
		F.below = fr.env
	} else {
		F.parent, F.psc, F.below = fr, n.sc, fr.below
	}
	F.turn = n.t.rt(fr) & tailTurn
	if err := in.enter(); err != nil {
		in.popFrame(F)
		err.Env = in.envNow(fr, n.sc)
		return 0, nil, err
	}
	x, v, err := fc.body(in, F)
	if err == nil {
		switch v.(type) {
		case *slotRecur, *recurSignal:
			x, v, err = in.fnResult(fc, F, n.l, x, v, err)
		default:
			in.depth--
		}
	} else {
		x, v, err = in.fnResult(fc, F, n.l, x, v, err)
	}
	in.popFrame(F)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Env == nil {
			e.Env = in.envNow(fr, n.sc)
		}
		return 0, nil, err
	}
	return x, v, nil
}
