package spe

import (
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// Receipt: messages are delivered by rewriting the recipient's program
// (effects.md §3.4), never through side channels.

// delivery is one message of a drained batch: its run-wide name (msg-N),
// its label and its Spell map.
type delivery struct {
	name  string
	label string
	msg   value.Value
}

var symThink = value.Sym("think")

// quoteExtend is (quote (!extend)), made when messages are delivered, not
// when the package is initialised: spell lint, which links spe, would
// allocate it in a size class it uses nowhere else (issue 11, start-up).
func quoteExtend() value.Value {
	return value.NewList(symQuote, value.NewList(value.Sym("!extend")))
}

// materialise appends, for each message in order, `(think "<label>")
// (def msg-N <snapshot>) (quote (!extend))` at the end of the program's
// do (effects.md §3.4). A program that is not a canonical wrapper gets a
// new last quine argument `(eval (do …))` instead, which makes its old
// tail inert; a program that is no quine at all becomes an inert argument
// of a new `(quine completion …)`. limit is the snapshot target
// (runtime.md §6).
func materialise(prog value.Value, batch []delivery, limit int) (value.Value, error) {
	if len(batch) == 0 {
		return prog, nil
	}
	var add []value.Value
	for _, d := range batch {
		snap, err := eval.Snapshot(d.msg, limit)
		if err != nil {
			return nil, err
		}
		add = append(add,
			value.NewList(symThink, d.label),
			value.NewList(symDef, value.Sym(d.name), snap),
			quoteExtend())
	}
	name, inert, body, err := value.QuineParts(prog)
	if err == nil {
		forms := append(body.Slice(), add...)
		items := append([]value.Value{symQuine, name}, inert...)
		items = append(items, doTail(forms))
		return value.NewList(items...), nil
	}
	if l, ok := prog.(*value.List); ok && l.Count() >= 2 && l.First() == value.Value(symQuine) {
		return value.NewList(append(l.Slice(), doTail(add))...), nil
	}
	return value.NewList(symQuine, symCompletion, value.NewList(symQuote, prog), doTail(add)), nil
}

// doTail is (eval (do forms…)).
func doTail(forms []value.Value) value.Value {
	return value.NewList(symEval, value.NewList(append([]value.Value{symDo}, forms...)...))
}
