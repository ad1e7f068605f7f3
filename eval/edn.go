package eval

import (
	"fmt"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// ReadEDN reads configuration text as data with Spell's reader in strict
// mode (never evaluated; tagged literals and other D8 forms rejected). The
// text must hold exactly one form. Errors name the position:
// `name:line:col: message`.
func ReadEDN(name string, src []byte) (value.Value, *Spans, error) {
	f := syntax.Parse(name, src)
	if len(f.Errors) > 0 {
		e := f.Errors[0]
		return nil, nil, fmt.Errorf("%s:%s: %s", name, f.Position(e.Off), e.Msg)
	}
	switch len(f.Forms) {
	case 0:
		return nil, nil, fmt.Errorf("%s: empty file: expected one EDN form", name)
	case 1:
	default:
		return nil, nil, fmt.Errorf("%s:%s: expected one EDN form, found %d", name, f.Position(f.Forms[1].Start), len(f.Forms))
	}
	v, spans, err := Lower(f, f.Forms[0])
	if err != nil {
		if e, ok := err.(*Error); ok && e.Span != nil {
			return nil, nil, fmt.Errorf("%s: %s", e.Span, e.Msg)
		}
		return nil, nil, err
	}
	return v, spans, nil
}

// PositionOf returns "name:line:col" of a lowered collection value (a map
// key's map, a vector…) or "" when unknown, for configuration errors.
func (s *Spans) PositionOf(v value.Value) string {
	if sp := s.Of(v); sp != nil {
		return sp.String()
	}
	return ""
}

// PositionOfChild returns "name:line:col" of element i of a lowered
// collection (for maps, keys and values alternate), or "".
func (s *Spans) PositionOfChild(v value.Value, i int) string {
	if sp := s.Child(v, i); sp != nil {
		return sp.String()
	}
	return ""
}
