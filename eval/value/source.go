package value

import (
	"errors"
	"math"
	"math/big"
	"strconv"
)

// ErrNoSource is the error of SourceForm for regexes and host values.
var ErrNoSource = errors.New("Value has no ordinary source representation")

var (
	symQuote   = Sym("quote")
	symFn      = Sym("fn")
	symList    = Sym("list")
	symSet     = Sym("set")
	symInto    = Sym("into")
	symKeyword = Sym("keyword")
	symSymbol  = Sym("symbol")
	symFloat   = Sym("float")
)

// SymQuote is the symbol `quote`.
var SymQuote = symQuote

// Quote returns the form (quote v).
func Quote(v Value) *List { return NewList(symQuote, v) }

// float32Literal reports whether the printed form of f reads back as an equal value.
func float32Literal(f float32) (float64, bool) {
	if f != f {
		return 0, false
	}
	if math.IsInf(float64(f), 0) {
		return float64(f), true
	}
	var buf [40]byte
	s := appendJavaFloat(buf[:0], float64(f), 32)
	d, err := strconv.ParseFloat(string(s), 64)
	return d, err == nil && d == float64(f)
}

// IsLiteral reports whether v is literal data in the sense of §8.2: an atom
// whose printed form reads back as an equal value, or a list, seq, set, map
// or plain vector (no line metadata) whose elements are all literal. Spell
// functions, regexes and host values are never literal.
func IsLiteral(v Value) bool { return newWalker().lit(v) }

// lit is IsLiteral memoised by collection identity, so shared structure
// (a value built by repeated doubling) costs its distinct nodes only.
func (w *walker) lit(v Value) bool {
	switch v.(type) {
	case *List, *Vector, *Map, *Set, *SortedMap, *SortedSet:
		if r, ok := w.lits[v]; ok {
			return r
		}
		r := w.lit1(v)
		w.lits[v] = r
		return r
	}
	return w.lit1(v)
}

func (w *walker) lit1(v Value) bool {
	switch x := v.(type) {
	case nil, bool, string, Char, int64, *big.Int, *big.Rat, BigDec:
		return true
	case float64:
		return x == x
	case float32:
		_, ok := float32Literal(x)
		return ok
	case *Keyword:
		return KeywordReadable(x)
	case *Symbol:
		return SymbolReadable(x)
	case *List:
		for n := x; n != nil && n.count > 0; n = n.next() {
			if !w.lit(n.first) {
				return false
			}
		}
		return true
	case *Vector:
		if x.HasLineMeta() {
			return false
		}
		ok := true
		x.Range(func(_ int, e Value) bool { ok = w.lit(e); return ok })
		return ok
	case *Map:
		return w.mapLiteral(x)
	case *SortedMap:
		return w.mapLiteral(x)
	case *Set:
		return w.setLiteral(x)
	case *SortedSet:
		return w.setLiteral(x)
	}
	return false
}

func (w *walker) mapLiteral(m mapLike) bool {
	ok := true
	m.Range(func(k, v Value) bool { ok = w.lit(k) && w.lit(v); return ok })
	return ok
}

func (w *walker) setLiteral(s setLike) bool {
	ok := true
	s.Range(func(e Value) bool { ok = w.lit(e); return ok })
	return ok
}

func nameCall(head *Symbol, ns, name string) Value {
	if ns != "" {
		return NewList(head, ns, name)
	}
	if n, _ := SplitName(name); n != "" {
		return NewList(head, nil, name)
	}
	return NewList(head, name)
}

// SourceForm returns a form (as data) that evaluates back to a value equal
// to v (§8.2), or ErrNoSource when v (or something inside it) is a regex or
// host value.
func SourceForm(v Value) (Value, error) { return newWalker().form(v) }

// walker memoises IsLiteral and SourceForm by collection identity and
// bounds the work, so values with heavily shared structure neither hang
// nor blow up (the forms it builds share structure the same way).
type walker struct {
	lits  map[Value]bool
	forms map[Value]Value
	steps int
}

// MaxSourceSteps bounds the distinct nodes SourceForm visits.
const MaxSourceSteps = 10_000_000

// ErrSourceTooLarge is returned for values beyond MaxSourceSteps nodes.
var ErrSourceTooLarge = errors.New("Output limit exceeded: value too large for a source form")

func newWalker() *walker { return &walker{lits: map[Value]bool{}, forms: map[Value]Value{}} }

func (w *walker) form(v Value) (Value, error) {
	switch v.(type) {
	case *List, *Vector, *Map, *Set, *SortedMap, *SortedSet:
		if f, ok := w.forms[v]; ok {
			return f, nil
		}
		w.steps++
		if w.steps > MaxSourceSteps {
			return nil, ErrSourceTooLarge
		}
		f, err := w.form1(v)
		if err == nil {
			w.forms[v] = f
		}
		return f, err
	}
	return w.form1(v)
}

func (w *walker) form1(v Value) (Value, error) {
	switch x := v.(type) {
	case nil, bool, string, Char, int64, *big.Int, *big.Rat, BigDec, float64:
		return v, nil
	case float32:
		if _, ok := float32Literal(x); ok || x != x {
			return v, nil // NaN never compares equal; ##NaN is the best available
		}
		var buf [40]byte
		d, _ := strconv.ParseFloat(string(appendJavaFloat(buf[:0], float64(x), 32)), 64)
		return NewList(symFloat, d), nil
	case *Keyword:
		if KeywordReadable(x) {
			return v, nil
		}
		return nameCall(symKeyword, x.NS, x.Name), nil
	case *Symbol:
		if SymbolReadable(x) {
			return Quote(x), nil
		}
		return nameCall(symSymbol, x.NS, x.Name), nil
	case *SpellFn:
		items := []Value{symFn, x.Params}
		items = append(items, x.body().Slice()...)
		return NewList(items...), nil
	case *Vector:
		if x.HasLineMeta() {
			return w.firstLineSource(x)
		}
		return w.vectorSource(x)
	case *List:
		if w.lit(x) {
			return Quote(x), nil
		}
		items := make([]Value, 0, x.count+1)
		items = append(items, symList)
		for n := x; n != nil && n.count > 0; n = n.next() {
			s, err := w.form(n.first)
			if err != nil {
				return nil, err
			}
			items = append(items, s)
		}
		return NewList(items...), nil
	case *Set:
		return w.setSource(x)
	case *SortedSet:
		return w.setSource(x)
	case *Map:
		return w.mapSource(x)
	case *SortedMap:
		return w.mapSource(x)
	}
	return nil, ErrNoSource
}

func (w *walker) vectorSource(x *Vector) (Value, error) {
	items := make([]Value, 0, x.Count())
	var err error
	x.Range(func(_ int, e Value) bool {
		var s Value
		s, err = w.form(e)
		items = append(items, s)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return NewVector(items), nil
}

func (w *walker) firstLineSource(x *Vector) (Value, error) {
	items := []Value{symFirstLine}
	pos := 0
	for _, seg := range x.LineSegments() {
		var start Value
		if seg.Start != 0 {
			start = seg.Start
		}
		end := min(pos+int(seg.Count), x.Count())
		sub, _ := x.Sub(pos, end)
		rows, err := w.vectorSource(sub.Plain())
		if err != nil {
			return nil, err
		}
		items = append(items, start, rows)
		pos = end
	}
	return NewList(items...), nil
}

func (w *walker) setSource(s setLike) (Value, error) {
	if w.lit(s) {
		return Quote(s), nil
	}
	items := make([]Value, 0, s.Count())
	var err error
	s.Range(func(e Value) bool {
		var src Value
		src, err = w.form(e)
		items = append(items, src)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return NewList(symSet, NewVector(items)), nil
}

func (w *walker) mapSource(m mapLike) (Value, error) {
	if w.lit(m) {
		return Quote(m), nil
	}
	keysLiteral := true
	m.Range(func(k, _ Value) bool { keysLiteral = w.lit(k); return keysLiteral })
	var err error
	if keysLiteral {
		kvs := make([]Value, 0, 2*m.Count())
		m.Range(func(k, v Value) bool {
			var src Value
			src, err = w.form(v)
			kvs = append(kvs, k, src)
			return err == nil
		})
		if err != nil {
			return nil, err
		}
		return NewMap(kvs...), nil
	}
	pairs := make([]Value, 0, m.Count())
	m.Range(func(k, v Value) bool {
		var ks, vs Value
		if ks, err = w.form(k); err != nil {
			return false
		}
		if vs, err = w.form(v); err != nil {
			return false
		}
		pairs = append(pairs, VectorOf(ks, vs))
		return true
	})
	if err != nil {
		return nil, err
	}
	return NewList(symInto, EmptyMap, NewVector(pairs)), nil
}
