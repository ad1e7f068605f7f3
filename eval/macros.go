package eval

import (
	"fmt"

	"github.com/spell-go/spell/eval/value"
)

// The 33 built-in macros (builtinMacro): most build an expansion form and
// evaluate it in the same environment and tail position; a few evaluate
// directly where an expansion would need a host object in the form.

func expander(f func(in *Interp, l *value.List) (value.Value, error)) specialFn {
	return func(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
		exp, err := f(in, l)
		if err != nil {
			return nil, env, spellErr(err.Error(), l, env)
		}
		return in.eval(exp, env, tail)
	}
}

// builtinMacro returns the built-in macro ns/name names, nil for none
// (formOf).
func builtinMacro(ns, name string) specialFn {
	if ns != "" {
		if ns == "blocking" && name == "plet" {
			return expander(mPlet)
		}
		return nil
	}
	var f func(in *Interp, l *value.List) (value.Value, error)
	switch name {
	case "when":
		f = mWhen
	case "defn":
		f = mDefn
	case "define":
		f = mDefine
	case "and":
		f = mAnd
	case "or":
		f = mOr
	case "cond":
		f = mCond
	case "if-let":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mIfLet(in, l, false, false) }
	case "when-let":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mIfLet(in, l, true, false) }
	case "if-some":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mIfLet(in, l, false, true) }
	case "when-some":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mIfLet(in, l, true, true) }
	case "case":
		f = mCase
	case "as->":
		f = mAsThread
	case "cond->":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCondThread(in, l, false, false) }
	case "cond->>":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCondThread(in, l, true, false) }
	case "some->":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCondThread(in, l, false, true) }
	case "some->>":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCondThread(in, l, true, true) }
	case "->":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mThread(l, false) }
	case "->>":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mThread(l, true) }
	case "future":
		f = mFuture
	case "defmacro":
		f = mDefmacro
	case "think":
		f = mThink
	case "rethink":
		f = mRethink
	case "prune":
		f = mPrune
	case "!extend":
		f = mExtend
	case "!call-now":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCallNow(in, l, "!call-now", false) }
	case "!peek":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCallNow(in, l, "!peek", true) }
	case "!peek-now":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mCallNow(in, l, "!peek-now", true) }
	case "!print":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mPrint(in, l, "!print") }
	case "print":
		f = func(in *Interp, l *value.List) (value.Value, error) { return mPrint(in, l, "print") }
	case "!describe":
		f = mDescribe
	case "!compact":
		f = mCompact
	case "first-line":
		return mFirstLine
	default:
		return nil
	}
	return expander(f)
}

func list(items ...value.Value) *value.List { return value.NewList(items...) }

func vec(items ...value.Value) *value.Vector { return value.NewVector(items) }

var (
	symWhen        = value.Sym("when")
	symAnd         = value.Sym("and")
	symOr          = value.Sym("or")
	symCond        = value.Sym("cond")
	symEq          = value.Sym("=")
	symThrow       = value.Sym("throw")
	symStr         = value.Sym("str")
	symNilQ        = value.Sym("nil?")
	symArrow       = value.Sym("->")
	symArrow2      = value.Sym("->>")
	symFutureStar  = value.Sym("future*")
	symFuture      = value.Sym("future")
	symAwait       = value.Sym("blocking/await")
	symLLMSelf     = value.Sym("!llm-self")
	symEditReopen  = value.Sym("edit-reopen")
	symCompletion  = value.Sym("completion")
	symReopen      = value.Sym("reopen")
	symFirst       = value.Sym("first")
	symContextForm = value.Sym("context-forms")
	symDescribeFn  = value.Sym("describe-fn")
	symCat         = value.Sym("cat")
	symPrint       = value.Sym("!print")
	symSerPrefix   = value.Sym("serialize-prefix")
	kwReceive      = value.Kw("receive?")
	kwMaxChars     = value.Kw("max-chars")
	kwName         = value.Kw("name")
	kwValue        = value.Kw("value")
	kwSpellMacro   = value.Kw("spell/macro")
)

func (in *Interp) gen(prefix string) *value.Symbol {
	in.gensym++
	return value.Sym(fmt.Sprintf("%s__%d__auto__", prefix, in.gensym))
}

func args(l *value.List) []value.Value { return l.Rest().Slice() }

func mWhen(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) == 0 {
		return nil, fmt.Errorf("Wrong number of args (0) passed to: when")
	}
	return list(symIf, a[0], list(append([]value.Value{symDo}, a[1:]...)...)), nil
}

func mDefn(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 2 {
		return nil, fmt.Errorf("defn expects a name and a parameter vector")
	}
	fn := list(append([]value.Value{symFn}, a[1:]...)...)
	return list(symDef, a[0], fn), nil
}

func mDefine(in *Interp, l *value.List) (value.Value, error) {
	return list(append([]value.Value{symDef}, args(l)...)...), nil
}

func mDefmacro(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 2 {
		return nil, fmt.Errorf("defmacro expects a name and a parameter vector")
	}
	fn := list(append([]value.Value{symFn}, a[1:]...)...)
	return list(symDef, a[0], value.NewMap(kwSpellMacro, true, kwExpander, fn)), nil
}

func mAnd(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	switch len(a) {
	case 0:
		return true, nil
	case 1:
		return a[0], nil
	}
	g := in.gen("and")
	return list(symLet, vec(g, a[0]), list(symIf, g, list(append([]value.Value{symAnd}, a[1:]...)...), g)), nil
}

func mOr(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	switch len(a) {
	case 0:
		return nil, nil
	case 1:
		return a[0], nil
	}
	g := in.gen("or")
	return list(symLet, vec(g, a[0]), list(symIf, g, g, list(append([]value.Value{symOr}, a[1:]...)...))), nil
}

func mCond(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 2 {
		return nil, nil
	}
	return list(symIf, a[0], a[1], list(append([]value.Value{symCond}, a[2:]...)...)), nil
}

func mIfLet(in *Interp, l *value.List, isWhen, some bool) (value.Value, error) {
	a := args(l)
	name := symText(l.First().(*value.Symbol))
	if len(a) < 1 {
		return nil, fmt.Errorf("%s requires a vector for its binding", name)
	}
	bv, ok := a[0].(*value.Vector)
	if !ok || bv.Count() != 2 {
		return nil, fmt.Errorf("%s requires exactly 2 forms in binding vector", name)
	}
	pat, _ := bv.Nth(0)
	test, _ := bv.Nth(1)
	g := in.gen("temp")
	var then, els value.Value
	if isWhen {
		then = list(append([]value.Value{symLet, vec(pat, g)}, a[1:]...)...)
	} else {
		if len(a) < 2 {
			return nil, fmt.Errorf("Wrong number of args (%d) passed to: %s", len(a), name)
		}
		then = list(symLet, vec(pat, g), a[1])
		if len(a) > 2 {
			els = a[2]
		}
	}
	var cond value.Value = g
	if some {
		return list(symLet, vec(g, test), list(symIf, list(symNilQ, g), els, then)), nil
	}
	return list(symLet, vec(g, test), list(symIf, cond, then, els)), nil
}

func mCase(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 1 {
		return nil, fmt.Errorf("Wrong number of args (0) passed to: case")
	}
	g := in.gen("case")
	clauses := a[1:]
	body := []value.Value{symCond}
	for i := 0; i+1 < len(clauses); i += 2 {
		body = append(body, list(symEq, g, clauses[i]), clauses[i+1])
	}
	if len(clauses)%2 == 1 {
		body = append(body, kwElse, clauses[len(clauses)-1])
	} else {
		body = append(body, kwElse, list(symThrow, list(symStr, "No matching clause: ", g)))
	}
	return list(symLet, vec(g, a[0]), list(body...)), nil
}

func threadStep(acc, step value.Value, last bool) value.Value {
	sl, ok := step.(*value.List)
	if !ok {
		return list(step, acc)
	}
	items := sl.Slice()
	if len(items) == 0 {
		return list(acc)
	}
	if last {
		return list(append(append([]value.Value(nil), items...), acc)...)
	}
	out := append([]value.Value{items[0], acc}, items[1:]...)
	return list(out...)
}

func mThread(l *value.List, last bool) (value.Value, error) {
	a := args(l)
	if len(a) == 0 {
		return nil, fmt.Errorf("Wrong number of args (0) passed to: %s", symText(l.First().(*value.Symbol)))
	}
	acc := a[0]
	for _, s := range a[1:] {
		acc = threadStep(acc, s, last)
	}
	return acc, nil
}

func mAsThread(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 2 {
		return nil, fmt.Errorf("Wrong number of args (%d) passed to: as->", len(a))
	}
	bs := []value.Value{a[1], a[0]}
	for _, f := range a[2:] {
		bs = append(bs, a[1], f)
	}
	return list(symLet, vec(bs...), a[1]), nil
}

func mCondThread(in *Interp, l *value.List, last, some bool) (value.Value, error) {
	a := args(l)
	if len(a) < 1 {
		return nil, fmt.Errorf("Wrong number of args (0) passed to: %s", symText(l.First().(*value.Symbol)))
	}
	g := in.gen("g")
	bs := []value.Value{g, a[0]}
	steps := a[1:]
	if some {
		for _, s := range steps {
			bs = append(bs, g, list(symIf, list(symNilQ, g), nil, threadStep(g, s, last)))
		}
	} else {
		if len(steps)%2 != 0 {
			return nil, fmt.Errorf("%s requires an even number of forms", symText(l.First().(*value.Symbol)))
		}
		for i := 0; i+1 < len(steps); i += 2 {
			bs = append(bs, g, list(symIf, steps[i], threadStep(g, steps[i+1], last), g))
		}
	}
	return list(symLet, vec(bs...), g), nil
}

func mFuture(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) != 1 {
		return nil, fmt.Errorf("future expects exactly one expression (wrap several in do)")
	}
	return list(symFutureStar, list(symFn, vec(), a[0])), nil
}

func mPlet(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) < 1 {
		return nil, fmt.Errorf("blocking/plet requires a vector for its bindings")
	}
	bv, ok := a[0].(*value.Vector)
	if !ok || bv.Count()%2 != 0 {
		return nil, fmt.Errorf("blocking/plet requires an even number of forms in binding vector")
	}
	items := bv.Slice()
	var bs, late []value.Value
	for i := 0; i+1 < len(items); i += 2 {
		g := in.gen("plet")
		bs = append(bs, g, list(symFuture, items[i+1]))
		late = append(late, items[i], list(symAwait, g))
	}
	return list(append([]value.Value{symLet, vec(append(bs, late...)...)}, a[1:]...)...), nil
}

func mThink(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) == 0 {
		return nil, fmt.Errorf("think expects a label")
	}
	return list(append(append([]value.Value{symDo}, a[1:]...), nil)...), nil
}

func mRethink(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) > 0 && value.IsNumber(a[0]) {
		a = a[1:]
	}
	if len(a) == 0 {
		return nil, nil
	}
	return list(append(append([]value.Value{symDo}, a[1:]...), nil)...), nil
}

func mPrune(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) == 0 || (len(a) == 1 && value.IsNumber(a[0])) {
		return nil, nil
	}
	return nil, fmt.Errorf("prune: expected 0 args (prune 1) or 1 numeric arg (prune k)")
}

func receiveOpts(b bool) *value.Map { return value.NewMap(kwReceive, b) }

func mExtend(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	var c value.Value = symCompletion
	if len(a) > 0 {
		c = a[0]
	}
	return list(symLLMSelf, list(symEditReopen, c), receiveOpts(true)), nil
}

// splitMaxChars separates an optional leading {:max-chars N} map.
func splitMaxChars(a []value.Value) (limit value.Value, hasLimit bool, rest []value.Value) {
	if len(a) > 0 {
		if m, ok := a[0].(*value.Map); ok {
			if v, ok := m.Get(kwMaxChars); ok && m.Count() == 1 {
				return v, true, a[1:]
			}
		}
	}
	return nil, false, a
}

func contextForm(desc value.Value, limit value.Value, hasLimit bool) value.Value {
	cf := []value.Value{symContextForm, vec(desc)}
	if hasLimit {
		cf = append(cf, limit)
	}
	return list(symReopenEv, list(symFirst, list(cf...)))
}

func mCallNow(in *Interp, l *value.List, name string, peek bool) (value.Value, error) {
	limit, hasLimit, a := splitMaxChars(args(l))
	if len(a)%2 != 0 || len(a) == 0 {
		return nil, fmt.Errorf("%s: expected 2 args per name/expression pair, with optional leading {:max-chars N}", name)
	}
	var bs []value.Value
	reopen := []value.Value{symReopen, list(symEditReopen, symCompletion)}
	for i := 0; i < len(a); i += 2 {
		if _, ok := a[i].(*value.Symbol); !ok {
			return nil, fmt.Errorf("%s: expected 2 args per name/expression pair, with optional leading {:max-chars N}", name)
		}
		g := in.gen("G")
		bs = append(bs, g, a[i+1])
		reopen = append(reopen, contextForm(value.NewMap(kwName, list(symQuote, a[i]), kwValue, g), limit, hasLimit))
	}
	if peek {
		reopen = append(reopen, list(symPrune, int64(len(a)/2+1)))
	}
	return list(symLet, vec(bs...), list(symLLMSelf, list(reopen...), receiveOpts(true))), nil
}

func mPrint(in *Interp, l *value.List, name string) (value.Value, error) {
	limit, hasLimit, a := splitMaxChars(args(l))
	var bs []value.Value
	reopen := []value.Value{symReopen, list(symEditReopen, symCompletion)}
	for _, e := range a {
		g := in.gen("G")
		bs = append(bs, g, e)
		reopen = append(reopen, contextForm(value.NewMap(kwValue, g), limit, hasLimit))
	}
	return list(symLet, vec(bs...), list(symLLMSelf, list(reopen...), receiveOpts(true))), nil
}

func mDescribe(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	if len(a) == 0 {
		return nil, fmt.Errorf("!describe expects a namespace")
	}
	if _, ok := a[0].(*value.Keyword); ok {
		return nil, fmt.Errorf("!describe: a keyword cannot be a namespace; repeat the namespace for each key, e.g. (!describe skills :coding skills :spell-developer)")
	}
	// One namespace, optionally with one key.
	if len(a) == 1 {
		return list(symPrint, list(symDescribeFn, a[0])), nil
	}
	if len(a) == 2 {
		if _, ok := a[1].(*value.Keyword); ok {
			return list(symPrint, list(symDescribeFn, a[0], a[1])), nil
		}
	}
	parts := []value.Value{symCat}
	for i := 0; i < len(a); {
		ns := a[i]
		if _, ok := ns.(*value.Keyword); ok {
			return nil, fmt.Errorf("!describe: a keyword cannot be a namespace; repeat the namespace for each key, e.g. (!describe skills :coding skills :spell-developer)")
		}
		if i+1 < len(a) {
			if k, ok := a[i+1].(*value.Keyword); ok {
				parts = append(parts, "## "+value.PrStr(ns)+" "+value.PrStr(k)+"\n", list(symDescribeFn, ns, k), "\n\n")
				i += 2
				continue
			}
		}
		parts = append(parts, "## "+value.PrStr(ns)+"\n", list(symDescribeFn, ns), "\n\n")
		i++
	}
	return list(symPrint, list(parts...)), nil
}

// CompactTail is the exact text appended by !compact (runtime.md §4).
const CompactTail = `(think "=compact= Rewrite your whole context as the arguments of the wrap-cat call below. Each argument must be one quoted form such as '(quine task \"...\") or '(def findings [...]). Keep the task, exact evidence, checkpoints, open obligations and receipts of effects that already ran; drop everything else. Only these forms will remain. Close the call when done.") '((fn [next-context] (!llm-self next-context {:receive? true})) (wrap-cat `

func mCompact(in *Interp, l *value.List) (value.Value, error) {
	a := args(l)
	var c value.Value = symCompletion
	if len(a) > 0 {
		c = a[0]
	}
	return list(symLLMSelf, list(symStr, list(symSerPrefix, list(symEditReopen, c)), CompactTail), receiveOpts(false)), nil
}

// mFirstLine evaluates (first-line n [rows…] …) to a numbered vector.
func mFirstLine(in *Interp, l *value.List, env *Env, tail pos) (value.Value, *Env, error) {
	a := args(l)
	if len(a) < 2 || len(a)%2 != 0 {
		return formErr("first-line expects start/vector pairs", l, env)
	}
	var rows []value.Value
	var segs []value.Segment
	for i := 0; i < len(a); i += 2 {
		rv, ok := a[i+1].(*value.Vector)
		if !ok {
			return formErr("first-line expects a vector literal", l, env)
		}
		var start int64
		switch n := a[i].(type) {
		case nil:
		case int64:
			if n < 1 {
				return formErr("first-line expects positive line numbers or nil", l, env)
			}
			start = n
		default:
			return formErr("first-line expects positive line numbers or nil", l, env)
		}
		v, env2, err := in.evalVector(rv, env)
		if err != nil {
			return nil, env2, err
		}
		env = env2
		items := v.(*value.Vector).Slice()
		segs = append(segs, value.Segment{Start: start, Count: int64(len(items))})
		rows = append(rows, items...)
	}
	out := value.NewVector(rows)
	if len(segs) == 1 && segs[0].Start != 0 {
		return out.WithLines(segs[0].Start, nil), env, nil
	}
	return out.WithLines(0, segs), env, nil
}
