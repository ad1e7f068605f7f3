package eval

import (
	"fmt"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/value"
)

// DefaultContextMaxChars is the snapshot target when none is given.
const DefaultContextMaxChars = 10000

var (
	kwOmitted     = value.Kw("spell/omitted")
	kwReprUnavail = value.Kw("spell/representation-unavailable")
	kwType        = value.Kw("type")
	kwReason      = value.Kw("reason")
	kwDepth       = value.Kw("depth")
	kwOk          = value.Kw("ok")
	kwOut         = value.Kw("out")
	kwErr         = value.Kw("err")
	kwExit        = value.Kw("exit")
	kwStatus      = value.Kw("status")
	kwTruncated   = value.Kw("truncated")
	kwRef         = value.Kw("ref")
	kwUnknown     = value.Kw("unknown")
)

// Snapshot renders the bounded snapshot source of v (runtime.md §6): the
// value form of a possibly shortened copy, in prefix-printer text, aiming
// at limit code points (the 120 % rule keeps values up to 1.2·limit whole).
func Snapshot(v value.Value, limit int) (value.Value, error) {
	if limit <= 0 {
		limit = DefaultContextMaxChars
	}
	hard := limit * 12 / 10
	budget := 2 * hard
	nv := normalise(v, 0, &budget)
	whole, err := value.SourceForm(nv)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(value.Prefix(whole)) <= hard {
		return whole, nil
	}
	// Binary search the largest shortening budget whose rendering fits.
	lo, hi := 0, hard
	var best value.Value
	for lo <= hi {
		mid := (lo + hi) / 2
		src, err := value.SourceForm(shorten(nv, mid))
		if err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(value.Prefix(src)) <= limit {
			best = src
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	if best == nil {
		return value.SourceForm(shorten(nv, 0))
	}
	return best, nil
}

// normalise replaces values without a source form by diagnostic maps and
// cuts collections deeper than 64 levels.
func normalise(v value.Value, depth int, budget *int) value.Value {
	*budget--
	switch x := v.(type) {
	case nil, bool, int64, float64, float32, string, value.Char, *value.Keyword, *value.Symbol, value.BigDec:
		return v
	case *value.SpellFn:
		return v
	case *value.List, *value.Vector, *value.Map, *value.Set, *value.SortedMap, *value.SortedSet:
		if depth >= 64 {
			return value.NewMap(kwOmitted, kwDepth)
		}
		if *budget <= 0 {
			// The traversal budget is spent: what remains is not counted.
			return value.NewMap(kwOmitted, kwUnknown)
		}
		if value.IsFuture(x) {
			m := x.(*value.Map)
			return m.Assoc(kwRef, unavailable(getKey(m, kwRef), "host reference"))
		}
		return mapColl(v, func(e value.Value) value.Value { return normalise(e, depth+1, budget) })
	}
	if value.IsNumber(v) {
		return v
	}
	return unavailable(v, "unsupported host value")
}

func unavailable(v value.Value, reason string) value.Value {
	return value.NewMap(kwReprUnavail, true, kwType, value.TypeName(v), kwReason, reason)
}

// mapColl rebuilds a collection with f applied to elements (map values).
func mapColl(v value.Value, f func(value.Value) value.Value) value.Value {
	switch x := v.(type) {
	case *value.List:
		items := x.Slice()
		for i := range items {
			items[i] = f(items[i])
		}
		if x.IsSeq() {
			return value.NewSeq(items)
		}
		return value.NewList(items...)
	case *value.Vector:
		items := x.Slice()
		for i := range items {
			items[i] = f(items[i])
		}
		return value.NewVector(items).WithLines(x.FirstLine, x.Segments)
	case *value.Map:
		kvs := make([]value.Value, 0, 2*x.Count())
		x.Range(func(k, e value.Value) bool { kvs = append(kvs, k, f(e)); return true })
		return value.NewMap(kvs...)
	case *value.Set:
		out := value.EmptySet
		x.Range(func(e value.Value) bool { out = out.Conj(f(e)); return true })
		return out
	case *value.SortedMap:
		kvs := make([]value.Value, 0, 2*x.Count())
		x.Range(func(k, e value.Value) bool { kvs = append(kvs, k, f(e)); return true })
		return value.NewMap(kvs...)
	case *value.SortedSet:
		out := value.EmptySet
		x.Range(func(e value.Value) bool { out = out.Conj(f(e)); return true })
		return out
	}
	return v
}

func isEnvelope(m *value.Map) bool {
	ok, has := m.Get(kwOk)
	if _, isBool := ok.(bool); !has || !isBool {
		return false
	}
	good := true
	m.Range(func(k, _ value.Value) bool {
		switch k {
		case value.Value(kwOk), value.Value(kwOut), value.Value(kwErr), value.Value(kwExit), value.Value(kwStatus), value.Value(kwTruncated):
		default:
			good = false
		}
		return good
	})
	return good
}

// shorten cuts v towards budget b (runtime.md §6).
func shorten(v value.Value, b int) value.Value {
	k := max(2, b/40)
	switch x := v.(type) {
	case string:
		n := utf8.RuneCountInString(x)
		if n <= b {
			return x
		}
		head := (3*b + 3) / 4
		tail := b / 4
		r := []rune(x)
		return string(r[:head]) + fmt.Sprintf("... [omitted %d chars; %d..%d of %d] ...", n-head-tail, head, n-tail, n) + string(r[n-tail:])
	case *value.Vector:
		items := x.Slice()
		if x.HasLineMeta() {
			return shortenNumbered(x, k, b)
		}
		return value.NewVector(shortenItems(items, k, b, false))
	case *value.List:
		items := shortenItems(x.Slice(), k, b, false)
		if x.IsSeq() {
			return value.NewSeq(items)
		}
		return value.NewList(items...)
	case *value.Set:
		items := shortenItems(x.Slice(), k, b, true)
		out := value.EmptySet
		for _, e := range items {
			out = out.Conj(e)
		}
		return out
	case *value.Map:
		if isEnvelope(x) {
			out := x
			truncated := false
			for _, key := range []*value.Keyword{kwOut, kwErr} {
				if e, ok := x.Get(key); ok {
					s := shorten(e, b)
					if !value.Equal(s, e) {
						truncated = true
					}
					out = out.Assoc(key, s)
				}
			}
			if truncated {
				out = out.Assoc(kwTruncated, true)
			}
			return out
		}
		kvs := make([]value.Value, 0, 2*min(k, x.Count())+2)
		i := 0
		x.Range(func(key, e value.Value) bool {
			if i >= k {
				return false
			}
			kvs = append(kvs, key, shorten(e, b))
			i++
			return true
		})
		if x.Count() > k {
			okey := kwOmitted
			for j := 1; x.Contains(okey); j++ {
				okey = value.Kw(fmt.Sprintf("spell/omitted-%d", j))
			}
			kvs = append(kvs, okey, int64(x.Count()-k))
		}
		return value.NewMap(kvs...)
	}
	return v
}

func shortenItems(items []value.Value, k, b int, atEnd bool) []value.Value {
	if len(items) <= k {
		out := make([]value.Value, len(items))
		for i, e := range items {
			out[i] = shorten(e, b)
		}
		return out
	}
	head := (3*k + 3) / 4
	tail := k / 4
	omitted := value.NewMap(kwOmitted, int64(len(items)-head-tail))
	out := make([]value.Value, 0, head+tail+1)
	for _, e := range items[:head] {
		out = append(out, shorten(e, b))
	}
	if !atEnd {
		out = append(out, omitted)
	}
	for _, e := range items[len(items)-tail:] {
		out = append(out, shorten(e, b))
	}
	if atEnd {
		out = append(out, omitted)
	}
	return out
}

// shortenNumbered keeps head and tail rows of a numbered vector with a nil
// segment holding one marker row.
func shortenNumbered(x *value.Vector, k, b int) value.Value {
	items := x.Slice()
	if len(items) <= k {
		out := make([]value.Value, len(items))
		for i, e := range items {
			out[i] = shorten(e, b)
		}
		return value.NewVector(out).WithLines(x.FirstLine, x.Segments)
	}
	lines := x.LineSegments()
	lineOf := make([]int64, 0, len(items))
	for _, s := range lines {
		for j := int64(0); j < s.Count; j++ {
			if s.Start == 0 {
				lineOf = append(lineOf, 0)
			} else {
				lineOf = append(lineOf, s.Start+j)
			}
		}
	}
	for len(lineOf) < len(items) {
		lineOf = append(lineOf, 0)
	}
	head := (3*k + 3) / 4
	tail := k / 4
	var rows []value.Value
	var segs []value.Segment
	add := func(i int) {
		ln := lineOf[i]
		if n := len(segs); n > 0 && ((segs[n-1].Start == 0 && ln == 0) || (segs[n-1].Start != 0 && ln == segs[n-1].Start+segs[n-1].Count)) {
			segs[n-1].Count++
		} else {
			segs = append(segs, value.Segment{Start: ln, Count: 1})
		}
		rows = append(rows, shorten(items[i], b))
	}
	for i := 0; i < head; i++ {
		add(i)
	}
	a, z := lineOf[head], lineOf[len(items)-tail-1]
	marker := fmt.Sprintf("... [omitted %d rows; source %d..%d] ...", len(items)-head-tail, a, z)
	segs = append(segs, value.Segment{Start: 0, Count: 1})
	rows = append(rows, marker)
	for i := len(items) - tail; i < len(items); i++ {
		add(i)
	}
	return value.NewVector(rows).WithLines(0, segs)
}
