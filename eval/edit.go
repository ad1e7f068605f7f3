package eval

import (
	"github.com/spell-go/spell/eval/value"
)

// ApplyEdits applies the edit markers of a program (language.md §8.1):
// persist materialisation from env, prune and rethink sibling processing;
// quoted data and fn bodies are untouched.
func ApplyEdits(form value.Value, env *Env) (value.Value, error) {
	return applyEdits(form, env, nil)
}

// applyEdits is ApplyEdits charging step (when non-nil) once per visited
// node, so a form with heavily shared structure (a DAG whose tree is
// exponentially large) stays bounded by the step budget and cancellation.
func applyEdits(form value.Value, env *Env, step func() error) (value.Value, error) {
	if step != nil {
		if err := step(); err != nil {
			return nil, err
		}
	}
	switch f := form.(type) {
	case *value.List:
		if f.Count() == 0 {
			return f, nil
		}
		head := f.First()
		if head == value.Value(symQuote) || head == value.Value(symFn) || head == value.Value(symFnStar) {
			return f, nil
		}
		if head == value.Value(symPersist) && (f.Count() == 2 || f.Count() == 3) {
			if s, ok := f.Rest().First().(*value.Symbol); ok {
				if v, ok := env.Lookup(s); ok {
					src, err := value.SourceForm(v)
					if err != nil {
						return nil, err
					}
					return value.NewList(symPersist, s, src), nil
				}
				return f, nil
			}
		}
		newHead, err := applyEdits(head, env, step)
		if err != nil {
			return nil, err
		}
		// Copy on write: an unchanged subtree (no edited child, no marker
		// among its siblings) is returned as it is, without allocating.
		var rest []value.Value
		changed := newHead != head
		i := 0
		for x := f.Rest(); x.Count() > 0; x = x.Rest() {
			old := x.First()
			y, err := applyEdits(old, env, step)
			if err != nil {
				return nil, err
			}
			if rest == nil && (isCollection(old) && y != old || isMarker(y)) {
				rest = make([]value.Value, 0, f.Count()-1)
				for z := f.Rest(); len(rest) < i; z = z.Rest() {
					rest = append(rest, z.First())
				}
			}
			if rest != nil {
				rest = append(rest, y)
			}
			i++
		}
		if rest == nil {
			if !changed {
				return f, nil
			}
			rest = f.Rest().Slice()
		}
		out := append([]value.Value{newHead}, siblings(rest)...)
		return value.NewList(out...), nil
	case *value.Vector:
		items := f.Slice()
		changed := false
		for i, x := range items {
			y, err := applyEdits(x, env, step)
			if err != nil {
				return nil, err
			}
			if y != x {
				changed = true
			}
			items[i] = y
		}
		if !changed {
			return f, nil
		}
		return value.NewVector(items).WithLines(f.FirstLine, f.Segments), nil
	case *value.Map:
		kvs := make([]value.Value, 0, 2*f.Count())
		changed := false
		var err error
		f.Range(func(k, v value.Value) bool {
			var k2, v2 value.Value
			if k2, err = applyEdits(k, env, step); err != nil {
				return false
			}
			if v2, err = applyEdits(v, env, step); err != nil {
				return false
			}
			if isCollection(k) && k2 != k || isCollection(v) && v2 != v {
				changed = true
			}
			kvs = append(kvs, k2, v2)
			return true
		})
		if err != nil {
			return nil, err
		}
		if !changed {
			return f, nil
		}
		return value.NewMap(kvs...), nil
	}
	return form, nil
}

// isCollection reports values that edits may rebuild (compared by
// identity to detect a change).
func isCollection(v value.Value) bool {
	switch v.(type) {
	case *value.List, *value.Vector, *value.Map:
		return true
	}
	return false
}

// isMarker reports a prune or rethink marker (sibling processing needed).
func isMarker(v value.Value) bool {
	l, ok := v.(*value.List)
	if !ok || l.Count() == 0 {
		return false
	}
	h := l.First()
	return h == value.Value(symPrune) || h == value.Value(symRethink)
}

// siblings runs sibling processing: prune and rethink markers act on the
// already processed siblings before them.
func siblings(items []value.Value) []value.Value {
	out := make([]value.Value, 0, len(items))
	for _, x := range items {
		l, ok := x.(*value.List)
		if !ok || l.Count() == 0 {
			out = append(out, x)
			continue
		}
		switch l.First() {
		case value.Value(symPrune):
			k, ok := pruneCount(l)
			if !ok {
				out = append(out, x)
				continue
			}
			out = dropLast(out, k)
		case value.Value(symRethink):
			a := l.Rest().Slice()
			n := 1
			if len(a) > 0 && value.IsNumber(a[0]) {
				if c, err := value.TruncToInt64(a[0]); err == nil {
					n = int(max(c, 0))
				}
				a = a[1:]
			}
			out = dropLast(out, n)
			out = append(out, value.NewList(append([]value.Value{symThink}, a...)...))
		default:
			out = append(out, x)
		}
	}
	return out
}

func pruneCount(l *value.List) (int, bool) {
	switch l.Count() {
	case 1:
		return 1, true
	case 2:
		k := l.Rest().First()
		if !value.IsNumber(k) {
			return 0, false
		}
		n, err := value.TruncToInt64(k)
		if err != nil {
			return 0, false
		}
		return int(max(n, 0)), true
	}
	return 0, false
}

func dropLast(out []value.Value, k int) []value.Value {
	if k >= len(out) {
		return out[:0]
	}
	return out[:len(out)-k]
}
