package eval

import (
	"github.com/spell-go/spell/eval/value"
)

type specialFn func(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error)

var (
	symQuote     = value.Sym("quote")
	symDo        = value.Sym("do")
	symQuine     = value.Sym("quine")
	symCatch     = value.Sym("catch")
	symReopenEv  = value.Sym("reopen-eval")
	symFn        = value.Sym("fn")
	symFnStar    = value.Sym("fn*")
	symIf        = value.Sym("if")
	symLet       = value.Sym("let")
	symDef       = value.Sym("def")
	symPersist   = value.Sym("persist")
	symThink     = value.Sym("think")
	symRethink   = value.Sym("rethink")
	symPrune     = value.Sym("prune")
	kwWhen       = value.Kw("when")
	kwLet        = value.Kw("let")
	kwWhile      = value.Kw("while")
	kwElse       = value.Kw("else")
	symFirstLine = value.Sym("first-line")
)

// specialForm returns the special form a symbol's name names, nil for
// none. A symbol's Eval slot is set from it (and builtinMacro) when the
// symbol is interned (formOf, buildPureTable): the names are not interned
// up front (issue 11, start-up).
func specialForm(name string) specialFn {
	switch name {
	case "quote":
		return sfQuote
	case "def":
		return sfDef
	case "persist":
		return sfPersist
	case "do":
		return sfDo
	case "if":
		return sfIf
	case "let":
		return sfLet
	case "fn", "fn*":
		return sfFn
	case "quine":
		return sfQuine
	case "reopen":
		return sfReopen
	case "loop":
		return sfLoop
	case "recur":
		return sfRecur
	case "for":
		return sfFor
	case "try":
		return sfTry
	}
	return nil
}

// formOf returns what a symbol's Eval slot holds: its special form or
// built-in macro; nil for none.
func formOf(s *value.Symbol) specialFn {
	if s.NS == "" {
		if f := specialForm(s.Name); f != nil {
			return f
		}
	}
	return builtinMacro(s.NS, s.Name)
}

func formErr(msg string, l *value.List, env *Env) (value.Value, *Env, error) {
	return nil, env, spellErr(msg, l, env)
}

func sfQuote(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	if l.Count() < 2 {
		return nil, env, nil
	}
	return l.Rest().First(), env, nil
}

func sfDef(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	items := l.Slice()
	if len(items) != 3 {
		return formErr("def expects a symbol and a value", l, env)
	}
	s, ok := items[1].(*value.Symbol)
	if !ok || s.NS != "" {
		return formErr("def expects a symbol and a value", l, env)
	}
	v, env2, err := in.eval(items[2], env, 0)
	if err != nil {
		return nil, env2, in.locate(err, l, 2)
	}
	return v, env2.Bind(s, v), nil
}

func sfPersist(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	items := l.Slice()
	if len(items) == 2 {
		s, ok := items[1].(*value.Symbol)
		if !ok {
			return formErr("persist expects a symbol and an optional value", l, env)
		}
		v, err := in.resolve(s, env)
		if err != nil {
			return nil, env, in.locate(err, l, 1)
		}
		return v, env.Bind(s, v), nil
	}
	if len(items) != 3 {
		return formErr("persist expects a symbol and an optional value", l, env)
	}
	s, ok := items[1].(*value.Symbol)
	if !ok || s.NS != "" {
		return formErr("persist expects a symbol and an optional value", l, env)
	}
	v, env2, err := in.eval(items[2], env, 0)
	if err != nil {
		return nil, env2, in.locate(err, l, 2)
	}
	return v, env2.Bind(s, v), nil
}

func sfDo(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	if in.Incr != nil && in.Incr.Do == l {
		return in.incrDo(l, env, tail)
	}
	var v value.Value
	var err error
	i := 1
	for x := l.Rest(); x.Count() > 0; x = x.Rest() {
		f := x.First()
		v, env, err = in.eval(f, env, tailIf(tail, x.Count() == 1))
		if err != nil {
			if e, ok := err.(*Error); ok && e.ContainingForm == nil {
				e.ContainingForm = f
			}
			return nil, env, in.locate(err, l, i)
		}
		i++
	}
	return v, env, nil
}

func sfIf(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	n := l.Count()
	if n < 3 {
		return formErr("Too few arguments to if", l, env)
	}
	if n > 4 {
		return formErr("Too many arguments to if", l, env)
	}
	rest := l.Rest()
	t, env2, err := in.eval(rest.First(), env, 0)
	if err != nil {
		return nil, env2, in.locate(err, l, 1)
	}
	rest = rest.Rest()
	idx := 2
	if !value.Truthy(t) {
		if n == 3 {
			return nil, env2, nil
		}
		rest = rest.Rest()
		idx = 3
	}
	v, env3, err := in.eval(rest.First(), env2, tail)
	if err != nil {
		return nil, env3, in.locate(err, l, idx)
	}
	return v, env3, nil
}

// bindingPairs returns the binding vector of let/loop/for.
func bindingVector(l *value.List, what string) ([]value.Value, error) {
	if l.Count() < 2 {
		return nil, &Error{Msg: what + " requires a vector for its bindings"}
	}
	v, ok := l.Rest().First().(*value.Vector)
	if !ok {
		return nil, &Error{Msg: what + " requires a vector for its bindings"}
	}
	return v.Slice(), nil
}

func sfLet(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	bs, err := bindingVector(l, "let")
	if err != nil {
		return nil, env, err
	}
	benv := env
	bvec := l.Rest().First()
	for i := 0; i+1 < len(bs); i += 2 {
		v, _, err := in.eval(bs[i+1], benv, 0)
		if err != nil {
			return nil, env, in.locate(err, bvec, i+1)
		}
		if benv, err = in.destructure(bs[i], v, benv); err != nil {
			return nil, env, err
		}
	}
	v, _, err := in.evalBody(l.Rest().Rest(), benv, tail)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Env = env
		}
		return nil, env, err
	}
	return v, env, nil
}

func sfFn(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	rest := l.Rest()
	var params value.Value
	body := value.EmptyList
	if rest.Count() > 0 {
		params = rest.First()
		body = rest.Rest()
	}
	return &value.SpellFn{Params: params, Body: body}, env, nil
}

func sfQuine(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	items := l.Slice()
	if len(items) < 3 {
		return formErr("quine expects a name and at least one argument", l, env)
	}
	s, ok := items[1].(*value.Symbol)
	if !ok {
		return formErr("quine expects a symbol as its name", l, env)
	}
	if h := in.Incr; h != nil && l == h.Program && h.cell == nil {
		// The recorded program: bound through a cell that its kept
		// snapshots do not keep alive past the turn (incr.go).
		env = env.Bind(s, h.bind(s))
	} else {
		env = env.Bind(s, l)
	}
	v, env2, err := in.eval(items[len(items)-1], env, tail)
	if err != nil {
		return nil, env2, in.locate(err, l, len(items)-1)
	}
	return v, env2, nil
}

// canonicalBody checks a canonical quine form and returns its parts: the
// elements before the tail, and the do body.
func canonicalBody(q value.Value) (head []value.Value, body []value.Value, err error) {
	name, inert, do, perr := value.QuineParts(q)
	if perr != nil {
		return nil, nil, &Error{Msg: perr.Error()}
	}
	head = append([]value.Value{symQuine, name}, inert...)
	return head, do.Slice(), nil
}

// MakeWrapper builds (head… (eval (do body…))): a canonical wrapper from
// the elements before its tail and its do body.
func MakeWrapper(head []value.Value, body []value.Value) *value.List {
	do := value.NewList(append([]value.Value{symDo}, body...)...)
	ev := value.NewList(symEval, do)
	items := append(append([]value.Value(nil), head...), ev)
	return value.NewList(items...)
}

func sfReopen(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	items := l.Slice()
	if len(items) < 2 {
		return formErr("reopen expects a quine form", l, env)
	}
	q, env, err := in.eval(items[1], env, 0)
	if err != nil {
		return nil, env, in.locate(err, l, 1)
	}
	head, body, err := canonicalBody(q)
	if err != nil {
		return nil, env, err
	}
	body = append([]value.Value(nil), body...)
	for i, x := range items[2:] {
		if xl, ok := x.(*value.List); ok && xl.Count() >= 1 && xl.First() == value.Value(symReopenEv) {
			var v value.Value
			v, env, err = in.eval(xl.Rest().First(), env, 0)
			if err != nil {
				return nil, env, in.locate(err, l, i+2)
			}
			body = append(body, v)
			continue
		}
		body = append(body, x)
	}
	return MakeWrapper(head, body), env, nil
}

func sfLoop(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	bs, err := bindingVector(l, "loop")
	if err != nil {
		return nil, env, err
	}
	if lc := in.loopUnit(l); lc != nil {
		return in.runLoopUnit(lc, env, tail)
	}
	return in.loopFrom(l, bs, 0, env, env, nil, tail)
}

// loopFrom runs a loop from its binding at index start of bs on: outer is
// the environment the loop returns (the one before it plus the defs its
// inits made so far), benv the one the next init sees, pats the patterns
// bound so far.
func (in *Interp) loopFrom(l *value.List, bs []value.Value, start int, outer, benv *Env, pats []value.Value, tail pos) (value.Value, *Env, error) {
	for i := start; i+1 < len(bs); i += 2 {
		v, r, err := in.eval(bs[i+1], benv, 0)
		if err != nil {
			return nil, outer, err
		}
		if r != benv { // defs in inits escape to the outer environment
			syms, vals, ok := r.Since(benv)
			if !ok {
				syms, vals = r.Diff(benv)
			}
			for j, s := range syms {
				outer = outer.Bind(s, vals[j])
			}
		}
		if benv, err = in.destructure(bs[i], v, r); err != nil {
			return nil, outer, err
		}
		pats = append(pats, bs[i])
	}
	body := l.Rest().Rest()
	var err error
	for {
		var v value.Value
		v, _, err = in.evalBody(body, benv, tailRecur|tail&tailTurn)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Env = outer
			}
			return nil, outer, err
		}
		r, ok := v.(*recurSignal)
		if !ok {
			return v, outer, nil
		}
		benv = outer
		for i, p := range pats {
			if i >= len(r.vals) {
				break
			}
			if benv, err = in.destructure(p, r.vals[i], benv); err != nil {
				return nil, outer, err
			}
		}
	}
}

func sfRecur(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	if tail&tailRecur == 0 {
		return formErr(msgRecur, l, env)
	}
	// The values are evaluated on the argument stack (a recur inside an
	// argument finishes before this one completes), then handed over in
	// the interpreter's one recur signal: the nearest fn or loop consumes
	// it before anything can recur again.
	n := l.Count() - 1
	base := len(in.argStack)
	i := 1
	for x := l.Rest(); x.Count() > 0; x = x.Rest() {
		v, env2, err := in.eval(x.First(), env, 0)
		if err != nil {
			in.popArgs(base)
			return nil, env2, in.locate(err, l, i)
		}
		env = env2
		in.argStack = append(in.argStack, v)
		i++
	}
	sig := &in.recur
	sig.vals = append(sig.vals[:0], in.argStack[base:base+n]...)
	in.popArgs(base)
	return sig, env, nil
}

func sfFor(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	bs, err := bindingVector(l, "for")
	if err != nil {
		return nil, env, err
	}
	var body value.Value
	if l.Count() > 2 {
		body = l.Rest().Rest().First()
	}
	var out []value.Value
	var rec func(i int, benv *Env) error
	rec = func(i int, benv *Env) error {
		if i >= len(bs) {
			v, _, err := in.eval(body, benv, 0)
			if err != nil {
				return err
			}
			if err := in.checkCount(len(out) + 1); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		}
		if i+1 >= len(bs) {
			return &Error{Msg: "for requires an even number of forms in binding vector"}
		}
		k, e := bs[i], bs[i+1]
		switch k {
		case value.Value(kwWhen):
			t, _, err := in.eval(e, benv, 0)
			if err != nil {
				return err
			}
			if !value.Truthy(t) {
				return nil
			}
			return rec(i+2, benv)
		case value.Value(kwLet):
			lv, ok := e.(*value.Vector)
			if !ok {
				return &Error{Msg: "for :let requires a vector of bindings"}
			}
			lb := lv.Slice()
			for j := 0; j+1 < len(lb); j += 2 {
				v, _, err := in.eval(lb[j+1], benv, 0)
				if err != nil {
					return err
				}
				if benv, err = in.destructure(lb[j], v, benv); err != nil {
					return err
				}
			}
			return rec(i+2, benv)
		case value.Value(kwWhile):
			return &Error{Msg: "for: :while is not supported"}
		}
		cv, _, err := in.eval(e, benv, 0)
		if err != nil {
			return err
		}
		items, err := Seq(cv)
		if err != nil {
			return err
		}
		for _, x := range items {
			if err := in.step(); err != nil {
				return err
			}
			b2, err := in.destructure(k, x, benv)
			if err != nil {
				return err
			}
			if err := rec(i+2, b2); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(0, env); err != nil {
		e := asError(err, l, env)
		e.Env = env
		return nil, env, e
	}
	return value.NewVector(out), env, nil
}

func sfTry(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	forms := l.Rest().Slice()
	var catchSym *value.Symbol
	var handler *value.List
	if n := len(forms); n > 0 {
		if c, ok := forms[n-1].(*value.List); ok && c.Count() >= 2 && c.First() == value.Value(symCatch) {
			if s, ok := c.Rest().First().(*value.Symbol); ok {
				catchSym = s
				handler = c.Rest().Rest()
				forms = forms[:n-1]
			}
		}
	}
	cur := env
	var v value.Value
	var err error
	for i, f := range forms {
		v, cur, err = in.eval(f, cur, 0)
		if err != nil {
			err = in.locate(err, l, i+1)
			break
		}
	}
	if err == nil {
		return v, cur, nil
	}
	e := asError(err, l, cur)
	if catchSym == nil || e.Fatal {
		return nil, cur, e
	}
	base := e.Env
	if base == nil {
		base = cur
	}
	henv := base.Bind(catchSym, e.ErrorValue())
	hv, henv2, herr := in.evalBody(handler, henv, 0)
	if herr != nil {
		return nil, henv2.Unbind(catchSym), herr
	}
	return hv, henv2.Unbind(catchSym), nil
}
