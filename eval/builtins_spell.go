package eval

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// The Spell-specific builtins of language.md §9.13 and §1.4.

// registerSpell is part of loadBuiltins.
func registerSpell() {
	register("spell-eval", biSpellEval)
	register("read-string", biReadString)
	register("apply-macro", biApplyMacro)
	register("compmacro", biCompmacro)
	register("edit-reopen", func(c *Call, a []value.Value) (value.Value, error) { return c.In.editReopen(a[0], c.Env()) })
	register("wrap-cat", func(c *Call, a []value.Value) (value.Value, error) {
		return MakeWrapper([]value.Value{symQuine, symCompletion}, a), nil
	})
	register("serialize-prefix", func(c *Call, a []value.Value) (value.Value, error) { return value.PrefixOpen(a[0]) })
	register("strip-parens", biStripParens)
	register("serialize", biSerialize)
	register("context-forms", biContextForms)
	register("describe-fn", biDescribeFn)
}

// registerEval is a group of its own: every evaluator binds eval (New).
func registerEval() {
	register("eval", biEval)
	evalBuiltin = regSlot("eval")
}

// runNested evaluates form with the given table bound, discarding the
// inner environment.
func (in *Interp) runNested(form value.Value, env *Env, t *table, tail pos) (value.Value, error) {
	saved := in.table
	in.table = t
	v, _, err := in.eval(form, env, tail)
	in.table = saved
	if err != nil {
		return nil, err
	}
	if _, ok := v.(*recurSignal); ok {
		return nil, &Error{Msg: msgRecur}
	}
	return v, nil
}

// biEval binds pure ∪ effect ∪ {eval} for the dynamic extent of the
// evaluation (language.md §6.2).
func biEval(c *Call, a []value.Value) (value.Value, error) {
	in := c.In
	in.evalCalls++
	if c.Form != nil && c.Form == in.TrailingEval {
		in.TrailingStarted = true
	}
	var tail pos
	if c.TurnTail {
		tail = tailTurn
	}
	return in.runNested(a[0], c.Env(), in.effect, tail)
}

func biSpellEval(c *Call, a []value.Value) (value.Value, error) {
	return c.In.runNested(a[0], c.Env(), c.In.table, 0)
}

// ReadString implements read-string: sanitise (comment markers, escapes),
// read every form strictly, tolerate one trailing unmatched closer, return
// the first form or nil.
func ReadString(s string) (value.Value, error) {
	text := syntax.Sanitise([]byte(s))
	f := syntax.Parse("read-string", text)
	if n := len(f.Forms); n > 0 && len(f.Errors) > 0 {
		last := f.Forms[n-1]
		tailOK := last.Kind == syntax.Error && len(bytes.TrimSpace(text[last.End:])) == 0 && len(f.Errors) == 1 && f.Errors[0].Off == last.Start
		if tailOK {
			f.Forms = f.Forms[:n-1]
			f.Errors = nil
		}
	}
	if len(f.Errors) > 0 {
		return nil, &Error{Msg: f.Errors[0].LangMessage()}
	}
	if len(f.Forms) == 0 {
		return nil, nil
	}
	v, _, err := Lower(f, f.Forms[0])
	return v, err
}

func biReadString(c *Call, a []value.Value) (value.Value, error) {
	return ReadString(value.Str(a[0]))
}

func biApplyMacro(c *Call, a []value.Value) (value.Value, error) {
	m := a[0]
	if !value.IsSpellMacro(m) {
		return nil, Errorf("apply-macro expects a macro, got %s", value.TypeName(m))
	}
	return c.In.expand("apply-macro", m, a[1:], c.Env())
}

func biCompmacro(c *Call, a []value.Value) (value.Value, error) {
	ms := a
	if len(a) == 1 {
		if v, ok := a[0].(*value.Vector); ok {
			ms = v.Slice()
		}
	}
	for _, m := range ms {
		if !value.IsSpellMacro(m) {
			return nil, Errorf("compmacro expects macros, got %s", value.TypeName(m))
		}
	}
	exp := NewFn("compmacro", func(c2 *Call, forms []value.Value) (value.Value, error) {
		var form value.Value
		if len(forms) > 0 {
			form = forms[0]
		}
		for _, m := range ms {
			var err error
			if form, err = c2.In.expand("compmacro", m, []value.Value{form}, c2.Env()); err != nil {
				return nil, err
			}
		}
		return form, nil
	})
	return value.NewMap(kwSpellMacro, true, kwExpander, exp), nil
}

func biStripParens(c *Call, a []value.Value) (value.Value, error) {
	n, ok := a[0].(int64)
	if !ok {
		return nil, Errorf("strip-parens expects an integer count")
	}
	s, ok := a[1].(string)
	if !ok {
		s = value.PrStr(a[1])
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	for i := int64(0); i < n; i++ {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		if s == "" {
			return nil, Errorf("strip: not enough closing parens")
		}
		if s[len(s)-1] != ')' {
			return nil, Errorf("strip: expected ')'")
		}
		s = s[:len(s)-1]
	}
	return s, nil
}

func limitArg(a []value.Value, i int) (int, error) {
	if len(a) <= i || a[i] == nil {
		return DefaultContextMaxChars, nil
	}
	n, ok := a[i].(int64)
	if !ok || n < 128 {
		return 0, Errorf("Context character limit must be an integer of at least 128")
	}
	return int(n), nil
}

func biSerialize(c *Call, a []value.Value) (value.Value, error) {
	limit, err := limitArg(a, 1)
	if err != nil {
		return nil, err
	}
	src, err := Snapshot(a[0], limit)
	if err != nil {
		return nil, err
	}
	return value.Prefix(src), nil
}

func biContextForms(c *Call, a []value.Value) (value.Value, error) {
	limit, err := limitArg(a, 1)
	if err != nil {
		return nil, err
	}
	descs, err := Seq(a[0])
	if err != nil {
		return nil, err
	}
	out := make([]value.Value, 0, len(descs))
	for _, d := range descs {
		if f, ok := lookupIn(d, value.Kw("form")); ok {
			out = append(out, f)
			continue
		}
		v, _ := lookupIn(d, kwValue)
		src, err := Snapshot(v, limit)
		if err != nil {
			return nil, err
		}
		if name, ok := lookupIn(d, kwName); ok && name != nil {
			out = append(out, value.NewList(symDef, name, src))
		} else {
			out = append(out, src)
		}
	}
	return value.NewVector(out), nil
}

func biDescribeFn(c *Call, a []value.Value) (value.Value, error) {
	ns := a[0]
	docs := getKey(ns, kwDocs)
	if len(a) == 1 {
		if g := getKey(docs, kwGuide); g != nil {
			return g, nil
		}
		return docs, nil
	}
	key := a[1]
	if d := getKey(getKey(ns, kwDetail), key); d != nil {
		return d, nil
	}
	if d := getKey(docs, key); d != nil {
		return d, nil
	}
	return getKey(ns, key), nil
}

var (
	kwDocs      = value.Kw("docs")
	kwGuide     = value.Kw("guide")
	kwDetail    = value.Kw("detail")
	kwShortDocs = value.Kw("short-docs")
)

func textMap(m map[string]string) *value.Map {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	kvs := make([]value.Value, 0, 2*len(keys))
	for _, k := range keys {
		kvs = append(kvs, value.Kw(k), m[k])
	}
	return value.NewMap(kvs...)
}

func builtinsNamespace() *value.Map {
	return value.NewMap(
		kwShortDocs, catalog.BuiltinsShortDoc,
		kwDocs, value.NewMap(kwGuide, catalog.BuiltinsGuide),
		kwDetail, textMap(catalog.BuiltinsDetail()),
	)
}

func skillsNamespace() *value.Map {
	return value.NewMap(
		kwShortDocs, "Skills: reusable instructions discovered in the workspace.",
		kwDocs, value.NewMap(kwGuide, "No skills are installed."),
		kwDetail, value.EmptyMap,
	)
}
