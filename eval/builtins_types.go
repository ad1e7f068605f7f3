package eval

// Comparison and logic (language.md §9.3), types, identity and names
// (§9.5), and the miscellaneous builtins random-uuid and gensym (§9.11).

import (
	"fmt"

	"github.com/spell-go/spell/eval/value"
)

// registerTypes is part of loadBuiltins.
func registerTypes() {
	// 9.3 Comparison and logic
	register("=", func(c *Call, args []value.Value) (value.Value, error) {
		for i := 1; i < len(args); i++ {
			if !value.Equal(args[i-1], args[i]) {
				return false, nil
			}
		}
		return true, nil
	})
	register("not=", func(c *Call, args []value.Value) (value.Value, error) {
		for i := 1; i < len(args); i++ {
			if !value.Equal(args[i-1], args[i]) {
				return true, nil
			}
		}
		return false, nil
	})
	register("<", scChain(value.NumLT))
	register(">", scChain(value.NumGT))
	register("<=", scChain(value.NumLE))
	register(">=", scChain(value.NumGE))
	register("compare", func(c *Call, args []value.Value) (value.Value, error) {
		n, err := value.Compare(args[0], args[1])
		if err != nil {
			return nil, err
		}
		return int64(n), nil
	})
	register("not", scPred(func(v value.Value) bool { return !value.Truthy(v) }))
	register("nil?", scPred(func(v value.Value) bool { return v == nil }))
	register("some?", scPred(func(v value.Value) bool { return v != nil }))
	register("true?", scPred(func(v value.Value) bool { b, ok := v.(bool); return ok && b }))
	register("false?", scPred(func(v value.Value) bool { b, ok := v.(bool); return ok && !b }))

	// 9.5 Types, identity, names
	register("string?", scPred(func(v value.Value) bool { _, ok := v.(string); return ok }))
	register("number?", scPred(value.IsNumber))
	register("vector?", scPred(func(v value.Value) bool { _, ok := v.(*value.Vector); return ok }))
	register("set?", scPred(func(v value.Value) bool {
		switch v.(type) {
		case *value.Set, *value.SortedSet:
			return true
		}
		return false
	}))
	register("keyword?", scPred(func(v value.Value) bool { _, ok := v.(*value.Keyword); return ok }))
	register("symbol?", scPred(func(v value.Value) bool { _, ok := v.(*value.Symbol); return ok }))
	register("coll?", scPred(scIsColl))
	register("sequential?", scPred(func(v value.Value) bool {
		switch v.(type) {
		case *value.List, *value.Vector:
			return true
		}
		return false
	}))
	register("int?", scPred(func(v value.Value) bool { _, ok := v.(int64); return ok }))
	register("boolean?", scPred(func(v value.Value) bool { _, ok := v.(bool); return ok }))
	register("list?", scPred(func(v value.Value) bool { l, ok := v.(*value.List); return ok && !l.IsSeq() }))
	register("seq?", scPred(func(v value.Value) bool { _, ok := v.(*value.List); return ok }))
	register("map?", scPred(scIsMap))
	register("fn?", func(c *Call, args []value.Value) (value.Value, error) { return scFnP(args[0]), nil })
	register("any?", scPred(func(value.Value) bool { return true }))
	register("boolean", scPred(value.Truthy))
	register("identity", func(c *Call, args []value.Value) (value.Value, error) { return args[0], nil })
	register("name", func(c *Call, args []value.Value) (value.Value, error) {
		switch x := args[0].(type) {
		case string:
			return x, nil
		case *value.Keyword:
			return x.Name, nil
		case *value.Symbol:
			return x.Name, nil
		}
		return nil, Errorf("Doesn't support name: %s", shown(args[0]))
	})
	register("namespace", func(c *Call, args []value.Value) (value.Value, error) {
		var ns string
		switch x := args[0].(type) {
		case *value.Keyword:
			ns = x.NS
		case *value.Symbol:
			ns = x.NS
		default:
			return nil, Errorf("Doesn't support namespace: %s", shown(args[0]))
		}
		if ns == "" {
			return nil, nil
		}
		return ns, nil
	})
	register("symbol", func(c *Call, args []value.Value) (value.Value, error) {
		if len(args) == 1 {
			switch x := args[0].(type) {
			case *value.Symbol:
				return x, nil
			case *value.Keyword:
				return value.SymNS(x.NS, x.Name), nil
			case string:
				return value.Sym(x), nil
			}
			return nil, Errorf("no conversion to symbol: %s", shown(args[0]))
		}
		ns, err := scNamePart(args[0], true)
		if err != nil {
			return nil, err
		}
		name, err := scNamePart(args[1], false)
		if err != nil {
			return nil, err
		}
		return value.SymNS(ns, name), nil
	})
	register("keyword", func(c *Call, args []value.Value) (value.Value, error) {
		if len(args) == 1 {
			switch x := args[0].(type) {
			case *value.Keyword:
				return x, nil
			case *value.Symbol:
				return value.KwNS(x.NS, x.Name), nil
			case string:
				return value.Kw(x), nil
			}
			return nil, nil // Clojure: keyword of anything else is nil
		}
		ns, err := scNamePart(args[0], true)
		if err != nil {
			return nil, err
		}
		name, err := scNamePart(args[1], false)
		if err != nil {
			return nil, err
		}
		return value.KwNS(ns, name), nil
	})
	register("type", func(c *Call, args []value.Value) (value.Value, error) { return scTypeName(args[0]), nil })

	// 9.11 Miscellaneous
	register("random-uuid", func(c *Call, args []value.Value) (value.Value, error) {
		var b [16]byte
		r := c.Rand()
		for i := 0; i < 16; i += 8 {
			u := r.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(u >> (8 * j))
			}
		}
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // IETF variant
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
	})
	register("gensym", func(c *Call, args []value.Value) (value.Value, error) {
		prefix := "G__"
		if len(args) == 1 {
			prefix = value.Str(args[0])
		}
		return c.Gensym(prefix), nil
	})
}

// scChain is a variadic numeric ordering (`<` …): pairwise, stopping at
// the first false pair like Clojure; one argument is true.
func scChain(op func(a, b value.Value) (bool, error)) BuiltinFunc {
	return func(c *Call, args []value.Value) (value.Value, error) {
		if len(args) == 1 {
			if !value.IsNumber(args[0]) {
				return nil, scNotNumber(args[0])
			}
			return true, nil
		}
		for i := 1; i < len(args); i++ {
			ok, err := op(args[i-1], args[i])
			if err != nil {
				return nil, err
			}
			if !ok {
				return false, nil
			}
		}
		return true, nil
	}
}

// scNamePart reads the namespace or name argument of 2-argument symbol /
// keyword (a string; nil allowed for the namespace).
func scNamePart(v value.Value, nsPart bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case nil:
		if nsPart {
			return "", nil
		}
	}
	return "", Errorf("expected a string, got %s: %s", value.TypeName(v), shown(v))
}

// scIsColl is coll?: lists, seqs, vectors, maps (Spell-function, macro,
// exception and future maps included, as they are maps) and sets.
func scIsColl(v value.Value) bool {
	switch v.(type) {
	case *value.List, *value.Vector, *value.Map, *value.SortedMap, *value.Set, *value.SortedSet, *value.SpellFn:
		return true
	}
	return false
}

// scIsMap is map? (§2.1): false for Spell-function maps and future tokens.
func scIsMap(v value.Value) bool {
	switch x := v.(type) {
	case *value.SortedMap:
		return true
	case *value.Map:
		return !value.IsSpellFnMap(x) && !value.IsFuture(x)
	}
	return false
}

// scFnP is fn? (§2.1): true for host and Spell functions, false for
// non-map values, and for other maps the value of :spell/fn (nil when
// absent), as in the reference's (or (fn? v) (and (map? v) (:spell/fn v))).
func scFnP(v value.Value) value.Value {
	switch x := v.(type) {
	case *value.SpellFn:
		return true
	case value.HostFn:
		return true
	case *value.Map:
		fv, _ := x.Get(value.KwSpellFn)
		return fv
	case *value.SortedMap:
		fv, ok := x.Get(value.KwSpellFn)
		if !ok {
			return nil
		}
		return fv
	}
	return false
}

// scTypeName is `type` (§9.5).
func scTypeName(v value.Value) string {
	if value.IsSpellFnMap(v) {
		return "function"
	}
	return value.TypeName(v)
}
