package eval

import "github.com/spell-go/spell/eval/value"

// noModelMessage tells a user how to configure a model when a program
// reaches a model call without one.
const noModelMessage = "no model is configured: run the program with a model (spell run --model SPEC, e.g. --model replay:transcript.txtar) or set SPELL_MODEL"

// defaultEffects binds the effect builtins when no runtime is attached:
// each exists (so its name resolves inside eval) and fails with a message
// saying how to configure a model.
func defaultEffects() map[*value.Symbol]value.Value {
	out := map[*value.Symbol]value.Value{}
	for _, name := range []string{"!llm-self", "leaf-llm", "receive", "!ask-await"} {
		n := name
		out[value.Sym(n)] = NewFn(n, func(c *Call, _ []value.Value) (value.Value, error) {
			return nil, Errorf("%s", noModelMessage)
		})
	}
	return out
}
