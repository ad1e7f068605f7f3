package spe

import (
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// RecoveryText is the normative recovery prompt (runtime.md §5.7).
const RecoveryText = `Your previous program failed. It is shown above for this turn only and will be removed at the next extension; nothing it defined is available now. Read _error, fix the cause and continue. Begin with (quine task "...") restating the task and (quine context-summary "...") recording the facts, results and effect receipts you still need, then end with one quoted trailing expression. Do not re-run an effect only to see its output again. Reply with Spell code only.`

var (
	symQuine      = value.Sym("quine")
	symEval       = value.Sym("eval")
	symDo         = value.Sym("do")
	symDef        = value.Sym("def")
	symQuote      = value.Sym("quote")
	symPrune      = value.Sym("prune")
	symLLMSelf    = value.Sym("!llm-self")
	symReopen     = value.Sym("reopen")
	symCompletion = value.Sym("completion")
	kwError       = value.Kw("error")
	kwIn          = value.Kw("in")
	kwTrace       = value.Kw("trace")
	kwLine        = value.Kw("line")
	kwColumn      = value.Kw("column")
)

// wrapperParts splits a canonical wrapper (quine NAME INERT… (eval (do
// BODY…))) into its head (everything before the tail) and body; nil when
// form is not canonical.
func wrapperParts(form value.Value) (head, body []value.Value) {
	name, inert, do, err := value.QuineParts(form)
	if err != nil {
		return nil, nil
	}
	return append([]value.Value{symQuine, name}, inert...), do.Slice()
}

func list(items ...value.Value) *value.List { return value.NewList(items...) }

// resumeCall is '(!llm-self (reopen completion) {:receive? r}).
func resumeCall(receive bool) value.Value {
	return list(symQuote, list(symLLMSelf, list(symReopen, symCompletion), value.NewMap(kwReceive, receive)))
}

var callFailedRe = eval.LazyRegexp{Expr: `^Function call failed: \S+?: `}

// cleanMessage drops leading `Function call failed: <name>: ` segments and
// a trailing data map (runtime.md §5.3).
func cleanMessage(msg string) string {
	for {
		loc := callFailedRe.Get().FindStringIndex(msg)
		if loc == nil {
			break
		}
		msg = msg[loc[1]:]
	}
	if strings.HasSuffix(msg, "}") {
		if i := strings.LastIndex(msg, " {"); i > 0 {
			if v, err := eval.ReadString(msg[i+1:]); err == nil {
				if _, ok := v.(*value.Map); ok {
					msg = msg[:i]
				}
			}
		}
	}
	return msg
}

func errorMap(e *eval.Error) *value.Map {
	trace := make([]value.Value, 0, len(e.Trace))
	for _, t := range e.Trace {
		trace = append(trace, value.Sym(t))
	}
	return value.NewMap(kwError, modelMessage(e), kwIn, list(symQuote, e.Expr), kwTrace, value.NewVector(trace))
}

// modelMessage is the cleaned message the model reads in _error, with the
// evaluator's did-you-mean appended in parentheses: the model gets the same
// hint a person gets from spell run, spell lint and spell doc.
func modelMessage(e *eval.Error) string {
	msg := cleanMessage(e.Msg)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// trailingRecovery reopens the failed wrapper in place with the error and a
// fresh self-call (runtime.md §5.3).
func trailingRecovery(head, body []value.Value, e *eval.Error, receive bool) value.Value {
	nb := append(append([]value.Value(nil), body...),
		list(symDef, value.Sym("_error"), errorMap(e)),
		resumeCall(receive))
	return eval.MakeWrapper(head, nb)
}

// recoveryTail is the three quine arguments appended by inert and reader
// recovery: the recovery block, (prune 2) and a fresh self-call.
func recoveryTail(errMap *value.Map, receive bool) []value.Value {
	block := list(symDo,
		list(symDef, value.Sym("_recovery_prompt"), RecoveryText),
		list(symDef, value.Sym("_error"), errMap))
	return []value.Value{block, list(symPrune, int64(2)), list(symEval, list(symDo, resumeCall(receive)))}
}

// inertRecovery keeps the failed program as inert quine arguments
// (runtime.md §5.4).
func inertRecovery(form value.Value, e *eval.Error, receive bool) value.Value {
	var items []value.Value
	if l, ok := form.(*value.List); ok && l.Count() >= 2 && l.First() == value.Value(symQuine) {
		items = l.Slice()
	} else {
		items = []value.Value{symQuine, symCompletion, form}
	}
	return list(append(items, recoveryTail(errorMap(e), receive)...)...)
}

// readerRecovery keeps the unreadable text as an inert string (§5.5).
func readerRecovery(text, msg string, line, col int, receive bool) value.Value {
	em := value.NewMap(kwError, "Reader error: "+msg, kwLine, int64(line), kwColumn, int64(col))
	return list(append([]value.Value{symQuine, symCompletion, text}, recoveryTail(em, receive)...)...)
}

var unboundRe = eval.LazyRegexp{Expr: `^Unbound symbol: (\S+)$`}

var lookupRe = eval.LazyRegexp{Expr: `^Namespace lookup failed: ([^/\s]+)/(\S+)$`}

// namespaceFixup rewrites bare (or wrongly qualified) names that exactly
// one available namespace provides (runtime.md §5.2).
func (rt *Runtime) namespaceFixup(form value.Value, e *eval.Error) (value.Value, bool) {
	msg := cleanMessage(e.Msg)
	var from *value.Symbol
	var name, exclude string
	if m := unboundRe.Get().FindStringSubmatch(msg); m != nil {
		name = m[1]
		from = value.Sym(name)
		if from.NS != "" {
			return nil, false
		}
	} else if m := lookupRe.Get().FindStringSubmatch(msg); m != nil {
		exclude, name = m[1], m[2]
		from = value.SymNS(m[1], m[2])
	} else {
		return nil, false
	}
	var found []string
	for _, ns := range rt.availableNamespaces() {
		if ns == exclude {
			continue
		}
		if rt.nsHas(ns, name) {
			found = append(found, ns)
		}
	}
	if len(found) != 1 {
		return nil, false
	}
	to := value.SymNS(found[0], name)
	out, changed := replaceSym(form, from, to)
	return out, changed
}

func (rt *Runtime) availableNamespaces() []string {
	out := []string{"strings", "math"}
	for name := range rt.opts.Namespaces {
		out = append(out, name)
	}
	for name := range rt.stdlib {
		out = append(out, name)
	}
	return out
}

func (rt *Runtime) nsHas(ns, key string) bool {
	m, ok := rt.opts.Namespaces[ns]
	if b, isStd := rt.stdlib[ns]; isStd && !ok {
		m, ok = b.get(), true
	}
	if ok {
		v, ok := m.Get(value.Kw(key))
		return ok && v != nil && !isDocKey(key)
	}
	for e := range catalog.Members(ns) {
		if e.Name == ns+"/"+key {
			return true
		}
	}
	return false
}

func isDocKey(k string) bool {
	switch k {
	case "docs", "detail", "short-docs", "disclosure":
		return true
	}
	return false
}

// replaceSym replaces every unquoted occurrence of from by to.
func replaceSym(v value.Value, from, to *value.Symbol) (value.Value, bool) {
	switch x := v.(type) {
	case *value.Symbol:
		if x == from {
			return to, true
		}
	case *value.List:
		if x.Count() > 0 && x.First() == value.Value(symQuote) {
			return x, false
		}
		items := x.Slice()
		changed := false
		for i, it := range items {
			if n, ok := replaceSym(it, from, to); ok {
				items[i], changed = n, true
			}
		}
		if changed {
			return list(items...), true
		}
	case *value.Vector:
		items := x.Slice()
		changed := false
		for i, it := range items {
			if n, ok := replaceSym(it, from, to); ok {
				items[i], changed = n, true
			}
		}
		if changed {
			return value.NewVector(items), true
		}
	case *value.Map:
		kvs := make([]value.Value, 0, 2*x.Count())
		changed := false
		x.Range(func(k, val value.Value) bool {
			if n, ok := replaceSym(val, from, to); ok {
				val, changed = n, true
			}
			kvs = append(kvs, k, val)
			return true
		})
		if changed {
			return value.NewMap(kvs...), true
		}
	}
	return v, false
}
