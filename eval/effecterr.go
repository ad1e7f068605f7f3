package eval

import (
	"errors"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// ErrEffectOutsideEval is the identity of an effect builtin used where no
// effect is bound: outside the trailing expression's eval. The message a
// program sees stays the spec's `Unbound symbol: !llm-self` (language.md
// §6.3); tools show EffectOutsideEval.Explain instead, which names what
// the user wrote (print, not !llm-self).
var ErrEffectOutsideEval = errors.New("effect used outside eval")

// EffectOutsideEval is the cause of such an error.
type EffectOutsideEval struct {
	Name string // the effect builtin: !llm-self, leaf-llm, receive, !ask-await
	Via  string // the built-in macro the program wrote (print), or ""
}

func (e *EffectOutsideEval) Error() string        { return "Unbound symbol: " + e.Name }
func (e *EffectOutsideEval) Is(target error) bool { return target == ErrEffectOutsideEval }

// Explain returns the message and hint a person should see: the name they
// wrote, where effects run, and for model calls how to choose a model.
func (e *EffectOutsideEval) Explain() (msg, hint string) {
	who := e.Name
	if e.Via != "" {
		who = e.Via
	}
	msg = who + " is an effect: call it in the quoted trailing expression, (quine completion (eval (do … '(" + who + " …))))"
	switch e.Name {
	case "!llm-self", "leaf-llm":
		hint = who + " calls a model: choose one with --model (spell models lists them)"
	}
	return msg, hint
}

// effectOutside returns the cause for an unbound symbol named name when it
// is an effect builtin, else nil.
func effectOutside(name string) error {
	if e, ok := catalog.Lookup(name); ok && e.Kind == catalog.EffectBuiltin {
		return &EffectOutsideEval{Name: name}
	}
	return nil
}

// noteVia records, on an effect-outside-eval error first located at the
// user's form l, the built-in macro heading l (print for !llm-self).
func noteVia(e *Error, l *value.List) {
	var eo *EffectOutsideEval
	if !errors.As(e.Cause, &eo) || eo.Via != "" {
		return
	}
	if h, ok := l.First().(*value.Symbol); ok && h.Eval != nil && symText(h) != eo.Name {
		eo.Via = symText(h)
	}
}
