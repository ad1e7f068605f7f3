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
	w := editWalk{env: env, step: step}
	return w.walk(form)
}

// editReopen is the edit-reopen builtin: applyEdits charging in's steps,
// with in.Edits (when set) skipping the unchanged forms an earlier pass
// of the same handle already walked (editmemo.go).
func (in *Interp) editReopen(form value.Value, env *Env) (value.Value, error) {
	w := editWalk{env: env, step: in.step, in: in, memo: in.Edits}
	if w.memo != nil {
		w.prev = w.memo.load()
	}
	v, err := w.walk(form)
	if err == nil && w.memo != nil && w.best != nil {
		w.memo.store(w.best)
	}
	return v, err
}

// editWalk is one edit pass.
type editWalk struct {
	env  *Env
	step func() error // nil: no budget
	in   *Interp      // whose steps step charges (nil: charge one by one)
	// steps counts the steps charged; impure the persist forms visited
	// whose result is read from env (a form holding one is not memoised).
	steps   int64
	impure  int64
	charged int64 // steps charged for skipped forms
	// memo, prev and best: the handle's memo, its record when the pass
	// began and the record this pass leaves (editmemo.go).
	memo *EditMemo
	prev *editRecord
	best *editRecord
}

// charge charges n steps, as n calls of step would.
func (w *editWalk) charge(n int64) error {
	w.steps += n
	w.charged += n
	if w.step == nil {
		return nil
	}
	if w.in != nil {
		return w.in.stepN(n)
	}
	for ; n > 0; n-- {
		if err := w.step(); err != nil {
			return err
		}
	}
	return nil
}

func (w *editWalk) walk(form value.Value) (value.Value, error) {
	w.steps++
	if w.step != nil {
		if err := w.step(); err != nil {
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
				w.impure++
				if v, ok := w.env.Lookup(s); ok {
					src, err := value.SourceForm(v)
					if err != nil {
						return nil, err
					}
					return value.NewList(symPersist, s, src), nil
				}
				return f, nil
			}
		}
		newHead, err := w.walk(head)
		if err != nil {
			return nil, err
		}
		// Copy on write: an unchanged subtree (no edited child, no marker
		// among its siblings) is returned as it is, without allocating.
		var rest []value.Value
		changed := newHead != head
		i := 0
		x := f.Rest()
		// rec notes the elements of a long list that come out unchanged,
		// for the memo; the first skip are the memo's own.
		var rec *editRecord
		if w.memo != nil && f.Count() > editMemoMin {
			var skip int
			rec, skip = w.prev.match(x)
			if skip > 0 {
				if err := w.charge(rec.cum.at(skip)); err != nil {
					return nil, err
				}
				x, i = x.Drop(skip), skip
			}
		}
		for ; x.Count() > 0; x = x.Rest() {
			old := x.First()
			s0, p0 := w.steps, w.impure
			y, err := w.walk(old)
			if err != nil {
				return nil, err
			}
			if rec != nil {
				// The unchanged run goes on while rec.n == i.
				if y == old && !isMarker(y) && w.impure == p0 && rec.n == i {
					rec.add(w.steps - s0)
				}
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
		if rec != nil && (w.best == nil || rec.n > w.best.n) {
			w.best = rec
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
		var items []value.Value // copy on write
		var err error
		f.Range(func(i int, x value.Value) bool {
			var y value.Value
			if y, err = w.walk(x); err != nil {
				return false
			}
			if items == nil && y != x {
				items = f.Slice()
			}
			if items != nil {
				items[i] = y
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		if items == nil {
			return f, nil
		}
		return value.NewVector(items).WithLines(f.FirstLine, f.Segments), nil
	case *value.Map:
		var kvs []value.Value // copy on write
		n := 0
		var err error
		f.Range(func(k, v value.Value) bool {
			var k2, v2 value.Value
			if k2, err = w.walk(k); err != nil {
				return false
			}
			if v2, err = w.walk(v); err != nil {
				return false
			}
			if kvs == nil && (isCollection(k) && k2 != k || isCollection(v) && v2 != v) {
				kvs = make([]value.Value, 0, 2*f.Count())
				f.Range(func(k, v value.Value) bool {
					if len(kvs) == 2*n {
						return false
					}
					kvs = append(kvs, k, v)
					return true
				})
			}
			if kvs != nil {
				kvs = append(kvs, k2, v2)
			}
			n++
			return true
		})
		if err != nil {
			return nil, err
		}
		if kvs == nil {
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
