package eval

// Function combinators (language.md §9.9). Each returns a host function
// whose calls go through the Call of the site that invokes it, so Spell
// callbacks run in that caller's environment (dynamic scope).

import (
	"sync"

	"github.com/spell-go/spell/eval/value"
)

// registerFunctions is part of loadBuiltins.
func registerFunctions() {
	register("comp", coCompFn)
	register("partial", coPartialFn)
	register("juxt", coJuxtFn)
	register("complement", coComplementFn)
	register("constantly", coConstantlyFn)
	register("every-pred", coEveryPredFn)
	register("some-fn", coSomeFnFn)
	register("fnil", coFnilFn)
	register("memoize", coMemoizeFn)
}

// coCopy returns a private copy of args (the caller may reuse its slice).
func coCopy(args []value.Value) []value.Value { return append([]value.Value(nil), args...) }

// coIdentity is the value of (comp): the identity builtin.
func coIdentity() value.Value {
	if b, ok := LookupBuiltin("identity"); ok {
		return b
	}
	return &Builtin{Name: "identity", Min: 1, Max: 1, Fn: func(_ *Call, xs []value.Value) (value.Value, error) {
		return xs[0], nil
	}}
}

func coCompFn(_ *Call, args []value.Value) (value.Value, error) {
	switch len(args) {
	case 0:
		return coIdentity(), nil
	case 1:
		return args[0], nil
	}
	fns := coCopy(args)
	return NewFn("comp", func(cc *Call, xs []value.Value) (value.Value, error) {
		r, err := cc.Apply(fns[len(fns)-1], xs...)
		for i := len(fns) - 2; i >= 0 && err == nil; i-- {
			r, err = cc.Apply(fns[i], r)
		}
		return r, err
	}), nil
}

func coPartialFn(_ *Call, args []value.Value) (value.Value, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	f, fixed := args[0], coCopy(args[1:])
	return NewFn("partial", func(cc *Call, xs []value.Value) (value.Value, error) {
		all := make([]value.Value, 0, len(fixed)+len(xs))
		all = append(all, fixed...)
		all = append(all, xs...)
		return cc.Apply(f, all...)
	}), nil
}

func coJuxtFn(_ *Call, args []value.Value) (value.Value, error) {
	fns := coCopy(args)
	return NewFn("juxt", func(cc *Call, xs []value.Value) (value.Value, error) {
		out := make([]value.Value, len(fns))
		for i, f := range fns {
			r, err := cc.Apply(f, coCopy(xs)...)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return coVec(out), nil
	}), nil
}

func coComplementFn(_ *Call, args []value.Value) (value.Value, error) {
	f := args[0]
	return NewFn("complement", func(cc *Call, xs []value.Value) (value.Value, error) {
		r, err := cc.Apply(f, xs...)
		if err != nil {
			return nil, err
		}
		return !value.Truthy(r), nil
	}), nil
}

func coConstantlyFn(_ *Call, args []value.Value) (value.Value, error) {
	x := args[0]
	return NewFn("constantly", func(*Call, []value.Value) (value.Value, error) { return x, nil }), nil
}

func coEveryPredFn(_ *Call, args []value.Value) (value.Value, error) {
	preds := coCopy(args)
	return NewFn("every-pred", func(cc *Call, xs []value.Value) (value.Value, error) {
		for _, p := range preds {
			for _, x := range xs {
				r, err := cc.Apply(p, x)
				if err != nil {
					return nil, err
				}
				if !value.Truthy(r) {
					return false, nil
				}
			}
		}
		return true, nil
	}), nil
}

func coSomeFnFn(_ *Call, args []value.Value) (value.Value, error) {
	preds := coCopy(args)
	return NewFn("some-fn", func(cc *Call, xs []value.Value) (value.Value, error) {
		for _, p := range preds {
			for _, x := range xs {
				r, err := cc.Apply(p, x)
				if err != nil {
					return nil, err
				}
				if value.Truthy(r) {
					return r, nil
				}
			}
		}
		return nil, nil
	}), nil
}

func coFnilFn(_ *Call, args []value.Value) (value.Value, error) {
	f, defaults := args[0], coCopy(args[1:])
	return NewFn("fnil", func(cc *Call, xs []value.Value) (value.Value, error) {
		patched := coCopy(xs)
		for i := 0; i < len(defaults) && i < len(patched); i++ {
			if patched[i] == nil {
				patched[i] = defaults[i]
			}
		}
		return cc.Apply(f, patched...)
	}), nil
}

// coMemo is the hidden cache of a memoized function, keyed by the argument
// list (value equality).
type coMemo struct {
	mu      sync.Mutex
	buckets map[uint64][]coMemoEntry
}

type coMemoEntry struct {
	args   *value.Vector
	result value.Value
}

func (m *coMemo) lookup(key *value.Vector, h uint64) (value.Value, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.buckets[h] {
		if value.Equal(e.args, key) {
			return e.result, true
		}
	}
	return nil, false
}

func (m *coMemo) store(key *value.Vector, h uint64, r value.Value) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.buckets[h] {
		if value.Equal(e.args, key) {
			return
		}
	}
	m.buckets[h] = append(m.buckets[h], coMemoEntry{args: key, result: r})
}

func coMemoizeFn(_ *Call, args []value.Value) (value.Value, error) {
	f := args[0]
	memo := &coMemo{buckets: map[uint64][]coMemoEntry{}}
	return NewFn("memoize", func(cc *Call, xs []value.Value) (value.Value, error) {
		key := value.VectorOf(xs...)
		h := value.Hash(key)
		if r, ok := memo.lookup(key, h); ok {
			return r, nil
		}
		r, err := cc.Apply(f, coCopy(xs)...)
		if err != nil {
			return nil, err
		}
		memo.store(key, h, r)
		return r, nil
	}), nil
}
