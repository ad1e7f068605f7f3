package eval

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// pos marks tail positions: tailRecur for the nearest fn or loop body (recur
// is legal only there), tailTurn for the trailing expression of a turn (a
// turn-producing call there is trampolined by the SPE runtime).
type pos uint8

const (
	tailRecur pos = 1 << iota
	tailTurn
)

func tailIf(p pos, last bool) pos {
	if last {
		return p
	}
	return 0
}

// recurSignal is the value a tail-position recur returns to its fn or loop.
type recurSignal struct{ vals []value.Value }

const msgRecur = "recur: can only recur from tail position of fn or loop"

// eval evaluates form in env. tail reports whether form is in tail position
// of the nearest enclosing fn or loop body (recur is legal only there).
func (in *Interp) eval(form value.Value, env *Env, tail pos) (value.Value, *Env, error) {
	switch f := form.(type) {
	case *value.Symbol:
		if err := in.step(); err != nil {
			return nil, env, err
		}
		v, err := in.resolve(f, env)
		if err != nil {
			return nil, env, err
		}
		return v, env, nil
	case *value.List:
		if err := in.step(); err != nil {
			return nil, env, err
		}
		return in.evalList(f, env, tail)
	case nil, bool, int64, float64, string, *value.Keyword, value.Char, *big.Int, *big.Rat, value.BigDec, float32, *value.Regex, *value.SpellFn:
		return form, env, nil
	case *value.Vector:
		return in.evalVector(f, env)
	case *value.Map:
		return in.evalMap(f, env)
	case *value.Set:
		return in.evalSet(f, env)
	}
	return nil, env, spellErr("Unknown expression type: "+hostTypeName(form), form, env)
}

func hostTypeName(v value.Value) string {
	switch v.(type) {
	case *Builtin:
		return "function"
	}
	return value.TypeName(v)
}

func (in *Interp) evalVector(f *value.Vector, env *Env) (value.Value, *Env, error) {
	n := f.Count()
	if n == 0 {
		return f, env, nil
	}
	out := make([]value.Value, n)
	var err error
	for i := 0; i < n; i++ {
		x, _ := f.Nth(i)
		if out[i], env, err = in.eval(x, env, 0); err != nil {
			return nil, env, in.locate(err, f, i)
		}
	}
	return value.NewVector(out), env, nil
}

func (in *Interp) evalMap(f *value.Map, env *Env) (value.Value, *Env, error) {
	if value.IsSpellFnMap(f) || f.Count() == 0 {
		return f, env, nil
	}
	kvs := make([]value.Value, 0, 2*f.Count())
	var err error
	i := 0
	f.Range(func(k, v value.Value) bool {
		var x value.Value
		x, env, err = in.eval(v, env, 0)
		if err != nil {
			err = in.locate(err, f, 2*i+1)
			return false
		}
		kvs = append(kvs, k, x)
		i++
		return true
	})
	if err != nil {
		return nil, env, err
	}
	return value.NewMap(kvs...), env, nil
}

func (in *Interp) evalSet(f *value.Set, env *Env) (value.Value, *Env, error) {
	out := value.EmptySet
	var err error
	i := 0
	f.Range(func(x value.Value) bool {
		var v value.Value
		v, env, err = in.eval(x, env, 0)
		if err != nil {
			err = in.locate(err, f, i)
			return false
		}
		if out.Contains(v) {
			err = in.locate(spellErr("Duplicate key: "+value.PrStr(v), f, env), f, i)
			return false
		}
		out = out.Conj(v)
		i++
		return true
	})
	if err != nil {
		return nil, env, err
	}
	return out, env, nil
}

// resolve looks up a symbol: the environment, then the bound builtins
// table; qualified symbols walk namespace maps (language.md §5.7).
func (in *Interp) resolve(s *value.Symbol, env *Env) (value.Value, error) {
	if s.NS == "" {
		if v, ok := env.Lookup(s); ok {
			return v, nil
		}
		if !in.table.isEffect && s.Pure != nil {
			if v, ok := in.core[s]; ok {
				return v, nil
			}
			return forcePure(s.Pure), nil
		}
		if v, ok := in.table.lookup(s); ok {
			return v, nil
		}
		if effectNamespace(s.Name) {
			return nil, in.gated(s, s.Name, s.Name)
		}
		return nil, in.unbound(s, s, env)
	}
	root := value.Sym(s.NS)
	v, ok := env.Lookup(root)
	local := ok
	if !ok {
		v, ok = in.core[root]
	}
	if !ok {
		v, ok = in.table.lookup(root)
	}
	full := s.NS + "/" + s.Name
	if !ok {
		if effectNamespace(s.NS) {
			return nil, in.gated(s, full, s.NS)
		}
		return nil, in.unbound(root, s, env)
	}
	// Walk the remaining parts (a/b/c: :b then :c) without splitting.
	rest := s.Name
	for {
		p, more, nested := strings.Cut(rest, "/")
		v = getKey(v, value.Kw(p))
		if v == nil {
			if in.table.absent != nil && !local && !nested {
				if why, ok := in.table.absent.Absent(s.NS, p); ok {
					return nil, &Error{Msg: "Namespace lookup failed: " + syntax.EscapeControl(full) + " (" + why + ")", Expr: s}
				}
			}
			return nil, &Error{Msg: "Namespace lookup failed: " + syntax.EscapeControl(full), Expr: s, Hint: in.memberHint(root, env, p)}
		}
		if !nested {
			return v, nil
		}
		rest = more
	}
}

// gated is the failure of expr, a symbol in the effect namespace ns
// (full is its text) that this evaluation cannot use.
func (in *Interp) gated(expr *value.Symbol, full, ns string) error {
	full = syntax.EscapeControl(full)
	switch {
	case ns == "blocking":
		return &Error{Msg: full + ": blocking/ is only available inside (future ...) blocks", Expr: expr}
	case plannedNamespace(ns):
		return &Error{Msg: full + ": " + ns + "/ is not available in this version of Spell-Go", Expr: expr}
	case in.table.isEffect:
		return &Error{Msg: full + ": " + ns + "/ is not granted to this agent", Expr: expr}
	}
	return &Error{Msg: full + ": " + ns + "/ is an effect namespace - use it in the trailing expression via eval", Expr: expr}
}

// unbound is the failure of expr, a symbol whose unqualified name or
// namespace root s is not bound; the error's :expr is the symbol itself
// (language.md §5.2) unless it heads a call.
func (in *Interp) unbound(s, expr *value.Symbol, env *Env) error {
	if cause := effectOutside(symText(s)); cause != nil {
		return &Error{Msg: "Unbound symbol: " + symText(s), Expr: expr, Cause: cause}
	}
	return &Error{Msg: "Unbound symbol: " + syntax.EscapeControl(symText(s)), Expr: expr, Hint: in.suggest(symText(s), env)}
}

func symText(s *value.Symbol) string {
	if s.NS != "" {
		return s.NS + "/" + s.Name
	}
	return s.Name
}

// getKey is `get` on maps and map-like values (namespaces are maps).
func getKey(m value.Value, k value.Value) value.Value {
	switch x := m.(type) {
	case *value.Map:
		v, _ := x.Get(k)
		return v
	case *value.SpellFn:
		v, _ := x.Get(k)
		return v
	case *value.SortedMap:
		v, _ := x.Get(k)
		return v
	}
	return nil
}

// locate records, on an error that has no span yet, the span of element i
// of the collection form that was being evaluated.
func (in *Interp) locate(err error, form value.Value, i int) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	if e.Span == nil && in.Spans != nil {
		e.Span = in.Spans.Child(form, i)
	}
	return e
}

// evalList dispatches a list form (language.md §4.4).
func (in *Interp) evalList(l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	if l.Count() == 0 {
		// Rule 4: () evaluates to nil, as a list headed by nil does.
		return nil, env, nil
	}
	in.depth++
	if in.depth > in.limits.MaxNesting {
		in.depth--
		return nil, env, LimitError(fmt.Sprintf("Nesting depth exceeded: %d", in.limits.MaxNesting))
	}
	v, env2, err := in.evalList1(l, env, tail)
	in.depth--
	if err != nil {
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
				e.Env = env
			}
		}
	}
	return v, env2, err
}

func (in *Interp) evalList1(l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	head := l.First()
	if s, ok := head.(*value.Symbol); ok {
		if s.Eval != nil {
			// A built-in macro or special form (set once at start-up).
			return s.Eval.(specialFn)(in, l, env, tail)
		}
		fv, err := in.resolve(s, env)
		if err != nil {
			if e, ok := err.(*Error); ok {
				// A call whose head does not resolve fails as a whole:
				// its :expr is the call (the span stays the head's).
				e.Expr = l
			}
			return nil, env, in.locate(err, l, 0)
		}
		if value.IsSpellMacro(fv) {
			return in.expandAndEval(s, fv, l, env, tail)
		}
		return in.applyForm(l, fv, env, tail)
	}
	if head == nil {
		return nil, env, nil
	}
	fv, env2, err := in.eval(head, env, 0)
	if err != nil {
		return nil, env2, in.locate(err, l, 0)
	}
	return in.applyForm(l, fv, env2, tail)
}

// applyForm evaluates the arguments of a call (threading the environment)
// and applies f.
func (in *Interp) applyForm(l *value.List, f value.Value, env *Env, tail pos) (value.Value, *Env, error) {
	n := l.Count() - 1
	// Binary arithmetic and comparison on longs: no argument slice, no
	// Call (the general path handles every other case, errors included).
	if b, ok := f.(*Builtin); ok && b.fast2 != nil && n == 2 {
		rest := l.Rest()
		a0, env1, err := in.eval(rest.First(), env, 0)
		if err != nil {
			return nil, env1, in.locate(err, l, 1)
		}
		a1, env2, err := in.eval(rest.Rest().First(), env1, 0)
		if err != nil {
			return nil, env2, in.locate(err, l, 2)
		}
		if v, ok := b.fast2(a0, a1); ok {
			return v, env2, nil
		}
		v, err := in.apply(f, []value.Value{a0, a1}, env2, l, tail)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Env == nil {
				e.Env = env2
			}
			return nil, env2, err
		}
		return v, env2, nil
	}
	if b, ok := f.(*Builtin); ok && b.fast1 != nil && n == 1 {
		a0, env1, err := in.eval(l.Rest().First(), env, 0)
		if err != nil {
			return nil, env1, in.locate(err, l, 1)
		}
		if v, ok := b.fast1(a0); ok {
			return v, env1, nil
		}
		v, err := in.apply(f, []value.Value{a0}, env1, l, tail)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Env == nil {
				e.Env = env1
			}
			return nil, env1, err
		}
		return v, env1, nil
	}
	// Spell functions only bind their arguments, so theirs live on a
	// reusable stack; host functions may keep the slice, so they get
	// their own.
	_, spellFn := f.(*value.SpellFn)
	var args []value.Value
	base := len(in.argStack)
	if spellFn {
		for i := 0; i < n; i++ {
			in.argStack = append(in.argStack, nil)
		}
	} else {
		args = make([]value.Value, n)
	}
	i := 0
	var err error
	for x := l.Rest(); i < n; x = x.Rest() {
		var a value.Value
		if a, env, err = in.eval(x.First(), env, 0); err != nil {
			if spellFn {
				in.popArgs(base)
			}
			return nil, env, in.locate(err, l, i+1)
		}
		if spellFn {
			in.argStack[base+i] = a
		} else {
			args[i] = a
		}
		i++
	}
	if spellFn {
		args = in.argStack[base : base+n : base+n]
	}
	v, err := in.apply(f, args, env, l, tail)
	if spellFn {
		in.popArgs(base)
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Env == nil {
			e.Env = env
		}
		return nil, env, err
	}
	return v, env, nil
}

// popArgs releases the argument stack down to base.
func (in *Interp) popArgs(base int) {
	clear(in.argStack[base:])
	in.argStack = in.argStack[:base]
}

// apply calls a callable value. form is the call form (nil for callbacks).
func (in *Interp) apply(f value.Value, args []value.Value, env *Env, form *value.List, tail pos) (value.Value, error) {
	switch fn := f.(type) {
	case *Builtin:
		return in.callBuiltin(fn, args, env, form, tail)
	case *value.SpellFn:
		return in.callSpell(fn, args, env, form, tail)
	case *value.Keyword:
		if len(args) < 1 || len(args) > 2 {
			return nil, in.hostArityErr(len(args), value.PrStr(fn), form)
		}
		v, ok := lookupIn(args[0], fn)
		if !ok && len(args) == 2 {
			return args[1], nil
		}
		return v, nil
	case *value.Map:
		if value.IsSpellFnMap(fn) {
			p, _ := fn.Get(kwParams)
			b, _ := fn.Get(kwBody)
			body, _ := b.(*value.List)
			return in.callSpell(&value.SpellFn{Params: p, Body: body}, args, env, form, tail)
		}
		if len(args) < 1 || len(args) > 2 {
			return nil, in.hostArityErr(len(args), "map", form)
		}
		v, ok := fn.Get(args[0])
		if !ok && len(args) == 2 {
			return args[1], nil
		}
		return v, nil
	case *value.Vector:
		if len(args) != 1 {
			return nil, in.hostArityErr(len(args), "vector", form)
		}
		i, ok := args[0].(int64)
		if !ok {
			return nil, in.callFailed(form, "Key must be integer")
		}
		v, ok := fn.Nth(int(i))
		if !ok {
			return nil, in.callFailed(form, fmt.Sprintf("Index %d out of bounds for length %d", i, fn.Count()))
		}
		return v, nil
	case *value.Set:
		if len(args) != 1 {
			return nil, in.hostArityErr(len(args), "set", form)
		}
		if v, ok := fn.Get(args[0]); ok {
			return v, nil
		}
		return nil, nil
	case *value.Symbol:
		if len(args) < 1 || len(args) > 2 {
			return nil, in.hostArityErr(len(args), value.PrStr(fn), form)
		}
		v, ok := lookupIn(args[0], fn)
		if !ok && len(args) == 2 {
			return args[1], nil
		}
		return v, nil
	}
	what := value.PrStrMax(f, 64)
	if len(what) > 60 {
		what = strings.ToValidUTF8(what[:60], "") + "…"
	}
	return nil, in.callFailed(form, fmt.Sprintf("%s cannot be called as a function (a %s)", what, value.TypeName(f)))
}

func lookupIn(coll value.Value, k value.Value) (value.Value, bool) {
	switch x := coll.(type) {
	case *value.Map:
		return x.Get(k)
	case *value.SpellFn:
		return x.Get(k)
	case *value.SortedMap:
		return x.Get(k)
	case *value.Set:
		return x.Get(k)
	case *value.SortedSet:
		if x.Contains(k) {
			return k, true
		}
	}
	return nil, false
}

var (
	kwParams = value.Kw("params")
	kwBody   = value.Kw("body")
)

func headText(form *value.List, fallback string) string {
	if form == nil || form.Count() == 0 {
		return fallback
	}
	return shown(form.First())
}

func (in *Interp) callFailed(form *value.List, msg string) error {
	return &Error{Msg: "Function call failed: " + headText(form, "fn") + ": " + msg}
}

func (in *Interp) hostArityErr(n int, name string, form *value.List) error {
	return in.callFailed(form, fmt.Sprintf("Wrong number of args (%d) passed to: %s", n, name))
}

// callBuiltin checks arity, runs a host function and wraps its failure.
func (in *Interp) callBuiltin(b *Builtin, args []value.Value, env *Env, form *value.List, tail pos) (value.Value, error) {
	return in.callBuiltinAt(b, args, env, nil, nil, form, tail)
}

// callBuiltinAt is callBuiltin with the caller's environment either given
// (env) or kept in the slots of a compiled frame (fr, sc) and built only
// if the builtin asks for it.
func (in *Interp) callBuiltinAt(b *Builtin, args []value.Value, env *Env, fr *frame, sc *scope, form *value.List, tail pos) (value.Value, error) {
	if len(args) < b.Min || (b.Max >= 0 && len(args) > b.Max) {
		return nil, in.hostArityErr(len(args), b.Name, form)
	}
	c := Call{In: in, env: env, fr: fr, sc: sc, Name: b.Name, Form: form, TurnTail: tail&tailTurn != 0}
	if form != nil {
		c.Head = form.First()
	}
	v, err := b.Fn(&c, args)
	if err == nil {
		if isHugeNumber(v) && in.ctx.Err() != nil {
			// one big-number operation can take a noticeable time: do not
			// wait for the next 1,024 steps to notice cancellation
			return nil, FatalError(msgCancelled)
		}
		return v, nil
	}
	var le *value.LimitError
	if errors.As(err, &le) {
		return nil, FatalError(le.Error())
	}
	if e, ok := err.(*Error); ok {
		if e.Fatal || (e.HasThrown && b == throwBuiltin()) {
			return nil, e
		}
		return nil, &Error{Msg: "Function call failed: " + headText(form, b.Name) + ": " + e.Msg, Span: e.Span, Trace: e.Trace, Hint: e.Hint, Expr: e.Expr, Cause: e}
	}
	msg := err.Error()
	if de, ok := err.(*DataError); ok && de.Data != nil {
		if m, ok := de.Data.(*value.Map); !ok || m.Count() > 0 {
			msg += " " + shown(de.Data)
		}
	}
	return nil, &Error{Msg: "Function call failed: " + headText(form, b.Name) + ": " + msg, Cause: err}
}

// isHugeNumber reports a number of more than 2^15 bits.
func isHugeNumber(v value.Value) bool {
	const huge = 1 << 15
	switch x := v.(type) {
	case *big.Int:
		return x.BitLen() > huge
	case *big.Rat:
		return x.Num().BitLen()+x.Denom().BitLen() > huge
	case value.BigDec:
		return x.Unscaled.BitLen() > huge
	}
	return false
}

var throwB *Builtin

func throwBuiltin() *Builtin {
	if throwB == nil {
		throwB, _ = builtinNamed("throw")
	}
	return throwB
}
