package eval

import (
	"github.com/spell-go/spell/eval/value"
)

var (
	kwKeys = value.Kw("keys")
	kwStrs = value.Kw("strs")
	kwSyms = value.Kw("syms")
	kwOr   = value.Kw("or")
	kwAs   = value.Kw("as")
)

func badPattern(p value.Value) error {
	return &Error{Msg: "Invalid destructuring pattern: " + value.PrStr(p)}
}

// destructure binds pattern p to v on top of env (language.md §5.8).
func (in *Interp) destructure(p value.Value, v value.Value, env *Env) (*Env, error) {
	switch pat := p.(type) {
	case *value.Symbol:
		return env.Bind(pat, v), nil
	case *value.Vector:
		return in.destructureVector(pat, v, env)
	case *value.Map:
		return in.destructureMap(pat, v, env)
	}
	return nil, badPattern(p)
}

func (in *Interp) destructureVector(pat *value.Vector, v value.Value, env *Env) (*Env, error) {
	var items []value.Value
	switch x := v.(type) {
	case *value.Vector:
		items = x.Slice()
	case *value.List:
		items = x.Slice()
	default:
		items = []value.Value{v}
	}
	ps := pat.Slice()
	pos := 0
	var err error
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		switch {
		case p == value.Value(symAmp):
			if i+1 >= len(ps) {
				return nil, badPattern(pat)
			}
			var rest []value.Value
			if pos < len(items) {
				rest = items[pos:]
			}
			if env, err = in.destructure(ps[i+1], value.NewVector(append([]value.Value(nil), rest...)), env); err != nil {
				return nil, err
			}
			i++
		case p == value.Value(kwAs):
			if i+1 >= len(ps) {
				return nil, badPattern(pat)
			}
			s, ok := ps[i+1].(*value.Symbol)
			if !ok {
				return nil, badPattern(pat)
			}
			env = env.Bind(s, v)
			i++
		default:
			var x value.Value
			if pos < len(items) {
				x = items[pos]
			}
			pos++
			if env, err = in.destructure(p, x, env); err != nil {
				return nil, err
			}
		}
	}
	return env, nil
}

func (in *Interp) destructureMap(pat *value.Map, v value.Value, env *Env) (*Env, error) {
	var defaults *value.Map
	if d, ok := pat.Get(kwOr); ok {
		dm, ok := d.(*value.Map)
		if !ok {
			return nil, badPattern(pat)
		}
		defaults = dm
	}
	get := func(k value.Value) value.Value {
		x, _ := lookupIn(v, k)
		return x
	}
	bindOne := func(s *value.Symbol, x value.Value) {
		if x == nil && defaults != nil {
			if d, ok := defaults.Get(s); ok {
				x = d
			}
		}
		env = env.Bind(s, x)
	}
	var err error
	pat.Range(func(k, pv value.Value) bool {
		switch k {
		case value.Value(kwKeys), value.Value(kwStrs), value.Value(kwSyms):
			names, ok := pv.(*value.Vector)
			if !ok {
				err = badPattern(pat)
				return false
			}
			for _, n := range names.Slice() {
				var s *value.Symbol
				switch x := n.(type) {
				case *value.Symbol:
					s = value.SymNS("", x.Name)
				case *value.Keyword:
					s = value.SymNS("", x.Name)
				default:
					err = badPattern(pat)
					return false
				}
				var key value.Value
				switch k {
				case value.Value(kwKeys):
					if kw, ok := n.(*value.Keyword); ok {
						key = kw
					} else {
						key = value.KwNS(n.(*value.Symbol).NS, s.Name)
					}
				case value.Value(kwStrs):
					key = s.Name
				default:
					key = n
				}
				bindOne(s, get(key))
			}
		case value.Value(kwOr):
		case value.Value(kwAs):
			s, ok := pv.(*value.Symbol)
			if !ok {
				err = badPattern(pat)
				return false
			}
			env = env.Bind(s, v)
		default:
			x := get(pv)
			if s, ok := k.(*value.Symbol); ok {
				bindOne(s, x)
				return true
			}
			env, err = in.destructure(k, x, env)
			if err != nil {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return env, nil
}
