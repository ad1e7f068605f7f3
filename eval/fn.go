package eval

import (
	"fmt"
	"sync/atomic"

	"github.com/spell-go/spell/eval/value"
)

// fnInfo is the analysis of a Spell function's parameter vector, cached in
// SpellFn.Extra (params are immutable data, so the cache never goes stale).
type fnInfo struct {
	params   value.Value // the params value analysed (cache key)
	fixed    []value.Value
	rest     value.Value // pattern after &, or nil
	variadic bool
	simple   bool // every fixed param is a plain symbol
	err      string
	// code is the compiled body (compile.go), shared by every function
	// with this analysis.
	code atomic.Pointer[fnCode]
}

var symAmp = value.Sym("&")

func analyzeParams(params value.Value) *fnInfo {
	info := &fnInfo{params: params, simple: true}
	vec, ok := params.(*value.Vector)
	if !ok {
		info.err = "fn expects a parameter vector"
		return info
	}
	items := vec.Slice()
	for i := 0; i < len(items); i++ {
		p := items[i]
		if p == value.Value(symAmp) {
			info.variadic = true
			if i+1 < len(items) {
				info.rest = items[i+1]
			}
			if i+2 < len(items) {
				info.err = "fn: only one parameter may follow &"
			}
			break
		}
		if _, ok := p.(*value.Symbol); !ok {
			info.simple = false
		}
		info.fixed = append(info.fixed, p)
	}
	return info
}

func fnInfoOf(fn *value.SpellFn) *fnInfo {
	if info, ok := fn.Extra.Load().(*fnInfo); ok && info.params == fn.Params {
		return info
	}
	info := analyzeParams(fn.Params)
	fn.Extra.Store(info)
	return info
}

// bindParams binds a Spell function's parameters on top of env.
func (in *Interp) bindParams(info *fnInfo, args []value.Value, env *Env) (*Env, error) {
	nf := len(info.fixed)
	if info.variadic {
		if len(args) < nf {
			return nil, &Error{Msg: fmt.Sprintf("Wrong number of args: expected at least %d, got %d", nf, len(args))}
		}
	} else if len(args) != nf {
		return nil, &Error{Msg: fmt.Sprintf("Wrong number of args: expected %d, got %d", nf, len(args))}
	}
	var err error
	if info.simple {
		for i, p := range info.fixed {
			env = env.Bind(p.(*value.Symbol), args[i])
		}
	} else {
		for i, p := range info.fixed {
			if env, err = in.destructure(p, args[i], env); err != nil {
				return nil, err
			}
		}
	}
	if info.variadic && info.rest != nil {
		var rest value.Value
		if len(args) > nf {
			rest = value.NewList(args[nf:]...)
		}
		if env, err = in.destructure(info.rest, rest, env); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// callSpell applies a Spell function: bind parameters on the caller's
// environment (dynamic scope), run the body, loop on tail recur. Defs in
// the body never escape; on error the caller's environment is kept (D12)
// and the head symbol is added to the call trace.
func (in *Interp) callSpell(fn *value.SpellFn, args []value.Value, env *Env, form *value.List, tail pos) (value.Value, error) {
	info := fnInfoOf(fn)
	if info.err != "" {
		return nil, in.callFail(&Error{Msg: info.err}, env, form)
	}
	in.depth++
	if in.depth > in.limits.MaxNesting {
		in.depth--
		return nil, LimitError(fmt.Sprintf("Nesting depth exceeded: %d", in.limits.MaxNesting))
	}
	if len(args) == len(info.fixed) {
		if fc := in.compiledFn(fn, info); fc != nil {
			F := in.pushFrame(fc.nslots)
			for i, a := range args {
				F.slots[i].v = a
			}
			F.below = env
			F.turn = tail & tailTurn
			x, v, err := in.runFn(fc, F, form)
			in.popFrame(F)
			return boxI(x, v), err
		}
	}
	var recurArgs []value.Value
	for {
		benv, err := in.bindParams(info, args, env)
		if err != nil {
			in.depth--
			return nil, in.callFail(err, env, form)
		}
		v, _, err := in.evalBody(fn.Body, benv, tailRecur|tail&tailTurn)
		if err != nil {
			in.depth--
			return nil, in.callFail(err, env, form)
		}
		r, ok := v.(*recurSignal)
		if !ok {
			in.depth--
			return v, nil
		}
		// The signal's storage is reused by the next recur: copy it (into
		// a buffer of this call, reused across iterations).
		recurArgs = append(recurArgs[:0], r.vals...)
		args = recurArgs
		if info.variadic && len(args) == len(info.fixed)+1 {
			// recur to a variadic fn passes the rest as one final argument.
			rest, _ := Seq(args[len(args)-1])
			args = append(append([]value.Value(nil), args[:len(info.fixed)]...), rest...)
		}
	}
}

// callFail finishes an error leaving a Spell function: the caller's
// environment is kept (D12) and the head symbol joins the call trace.
func (in *Interp) callFail(err error, env *Env, form *value.List) error {
	e := asError(err, form, env)
	e.Env = env
	if form != nil && !e.Fatal {
		if s, ok := form.First().(*value.Symbol); ok {
			e.Trace = append(e.Trace, symText(s))
		}
	}
	return e
}

// evalBody evaluates forms like do, threading the environment; the last
// form inherits tail.
func (in *Interp) evalBody(body *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	var v value.Value
	var err error
	if body == nil {
		return nil, env, nil
	}
	for x := body; x.Count() > 0; x = x.Rest() {
		last := x.Count() == 1
		v, env, err = in.eval(x.First(), env, tailIf(tail, last))
		if err != nil {
			return nil, env, err
		}
	}
	return v, env, nil
}

// expandAndEval expands a Spell macro call and evaluates the expansion.
func (in *Interp) expandAndEval(head *value.Symbol, m value.Value, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	exp, err := in.expand(symText(head), m, l.Rest().Slice(), env)
	if err != nil {
		return nil, env, err
	}
	return in.eval(exp, env, tail)
}

// expand runs a macro's expander on argument forms: the parameter vector is
// one destructuring pattern against the vector of forms, bound on top of
// the current environment.
func (in *Interp) expand(name string, m value.Value, forms []value.Value, env *Env) (value.Value, error) {
	ev := getKey(m, kwExpander)
	var fn *value.SpellFn
	switch x := ev.(type) {
	case *value.SpellFn:
		fn = x
	case *value.Map:
		if value.IsSpellFnMap(x) {
			p, _ := x.Get(kwParams)
			b, _ := x.Get(kwBody)
			body, _ := b.(*value.List)
			fn = &value.SpellFn{Params: p, Body: body}
		}
	}
	wrap := func(msg string) error {
		return &Error{Msg: "Macro expansion of " + name + " failed: " + msg}
	}
	if fn == nil {
		if hf, ok := ev.(*Builtin); ok {
			v, err := in.apply(hf, forms, env, nil, 0)
			if err != nil {
				if IsFatal(err) {
					return nil, err
				}
				return nil, wrap(err.Error())
			}
			return v, nil
		}
		return nil, wrap("macro expander must be a function")
	}
	benv, err := in.destructure(fn.Params, value.NewVector(forms), env)
	if err != nil {
		return nil, wrap(err.Error())
	}
	in.depth++
	v, _, err := in.evalBody(fn.Body, benv, 0)
	in.depth--
	if err != nil {
		if IsFatal(err) {
			return nil, err
		}
		return nil, wrap(err.Error())
	}
	return v, nil
}

var kwExpander = value.Kw("expander")
