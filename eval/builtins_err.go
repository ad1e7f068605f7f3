package eval

// Errors (language.md §9.12): throw, ex-info and the accessors. Exceptions
// are plain maps {:spell/exception true, :message …, :data …[, :cause …]};
// the accessors also read the {:message … :expr …} maps a catch binds.

import (
	"strings"

	"github.com/spell-go/spell/eval/value"
)

var (
	scKwData  = value.Kw("data")
	scKwCause = value.Kw("cause")
)

// registerErrors is part of loadBuiltins.
func registerErrors() {
	register("throw", func(c *Call, args []value.Value) (value.Value, error) {
		v := args[0]
		msg, ok := v.(string)
		if !ok {
			// pr-str of the value, cut with "..." past the output limit
			// (a value with shared structure would print without end).
			var b strings.Builder
			c.writePr(&b, v)
			msg = b.String()
		}
		return nil, &Error{Msg: msg, Thrown: v, HasThrown: true}
	})
	register("ex-info", func(c *Call, args []value.Value) (value.Value, error) {
		kvs := []value.Value{value.KwSpellException, true, kwMessage, args[0], scKwData, args[1]}
		if len(args) == 3 {
			kvs = append(kvs, scKwCause, args[2])
		}
		return value.NewMap(kvs...), nil
	})
	register("ex-data", scExField(scKwData))
	register("ex-message", scExField(kwMessage))
	register("ex-cause", scExField(scKwCause))
}

// scExField reads key k of an exception or caught-error map; nil for
// anything else.
func scExField(k *value.Keyword) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		m, ok := args[0].(*value.Map)
		if !ok {
			return nil, nil
		}
		v, _ := m.Get(k)
		return v, nil
	}
}
