package value

import (
	"strings"
	"sync"
	"testing"
)

func TestVectorBasics(t *testing.T) {
	const n = 100_000
	v := EmptyVector
	for i := range n {
		v = v.Conj(int64(i))
	}
	if v.Count() != n {
		t.Fatal("count")
	}
	for i := range n {
		if x, ok := v.Nth(i); !ok || x != int64(i) {
			t.Fatalf("nth %d = %v", i, x)
		}
	}
	if _, ok := v.Nth(n); ok {
		t.Fatal("out of range")
	}
	// NewVector gives the same structure
	items := make([]Value, n)
	for i := range items {
		items[i] = int64(i)
	}
	w := NewVector(items)
	if !Equal(v, w) || Hash(v) != Hash(w) {
		t.Fatal("NewVector vs conj")
	}
	// conj onto NewVector-built vectors at every size near boundaries
	for _, size := range []int{0, 1, 31, 32, 33, 64, 1023, 1024, 1025, 1056, 32*32*32 + 32, 32*32*32 + 33} {
		items := make([]Value, size)
		for i := range items {
			items[i] = int64(i)
		}
		x := NewVector(items)
		for j := range 70 {
			x = x.Conj(int64(size + j))
		}
		for i := range size + 70 {
			if e, _ := x.Nth(i); e != int64(i) {
				t.Fatalf("size %d: nth %d = %v", size, i, e)
			}
		}
		// pop back down
		for j := size + 70; j > 0; j-- {
			x, _ = x.Pop()
			if x.Count() != j-1 {
				t.Fatal("pop count")
			}
			if j-2 >= 0 {
				if e, _ := x.Nth(j - 2); e != int64(j-2) {
					t.Fatalf("after pop nth %d = %v", j-2, e)
				}
			}
		}
	}
	// persistence: assoc does not affect the original; branching conj
	a, _ := v.Assoc(5, "x")
	b, _ := v.Assoc(n-1, "y")
	if e, _ := v.Nth(5); e != int64(5) {
		t.Fatal("assoc mutated original")
	}
	if e, _ := a.Nth(5); e != "x" {
		t.Fatal("assoc")
	}
	if e, _ := b.Nth(n - 1); e != "y" {
		t.Fatal("assoc tail")
	}
	base := VectorOf(int64(1), int64(2))
	base = base.Conj(int64(3))
	c1 := base.Conj("a")
	c2 := base.Conj("b")
	if PrStr(c1) != `[1 2 3 "a"]` || PrStr(c2) != `[1 2 3 "b"]` || PrStr(base) != "[1 2 3]" {
		t.Fatal(PrStr(c1), PrStr(c2), PrStr(base))
	}
	p, _ := c1.Pop()
	p2 := p.Conj("c")
	if PrStr(c1) != `[1 2 3 "a"]` || PrStr(p2) != `[1 2 3 "c"]` {
		t.Fatal("pop/conj sharing")
	}
	sub, _ := v.Sub(10, 20)
	if PrStr(sub) != "[10 11 12 13 14 15 16 17 18 19]" {
		t.Fatal(PrStr(sub))
	}
	if s := v.Slice(); len(s) != n || s[n-1] != int64(n-1) {
		t.Fatal("slice")
	}
}

func TestVectorConcurrentConj(t *testing.T) {
	base := VectorOf(int64(0))
	var wg sync.WaitGroup
	res := make([]*Vector, 16)
	for g := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := base
			for i := range 100 {
				x = x.Conj(int64(g*1000 + i))
			}
			res[g] = x
		}()
	}
	wg.Wait()
	for g, x := range res {
		for i := range 100 {
			if e, _ := x.Nth(i + 1); e != int64(g*1000+i) {
				t.Fatalf("goroutine %d elem %d = %v", g, i, e)
			}
		}
	}
}

func TestVectorLines(t *testing.T) {
	v := VectorOf("a", "b", "c", "d", "e").WithLines(4, nil)
	s, _ := v.Sub(2, 5)
	if s.FirstLine != 6 || PrStr(s) != `["c" "d" "e"]` {
		t.Fatal(s.FirstLine)
	}
	src, err := SourceForm(s)
	if err != nil || Prefix(src) != "(first-line 6 [\n \"c\" ; 6\n \"d\" ; 7\n \"e\" ; 8\n])" {
		t.Fatalf("%q %v", Prefix(src), err)
	}
	seg := VectorOf("a", "b", "x", "c").WithLines(10, []Segment{{10, 2}, {0, 1}, {40, 1}})
	src, _ = SourceForm(seg)
	if Prefix(src) != "(first-line 10 [\n \"a\" ; 10\n \"b\" ; 11\n] nil [\n \"x\"\n] 40 [\n \"c\" ; 40\n])" {
		t.Fatalf("%q", Prefix(src))
	}
	s2, _ := seg.Sub(1, 3)
	if len(s2.Segments) != 2 || s2.Segments[0] != (Segment{11, 1}) || s2.Segments[1] != (Segment{0, 1}) || s2.FirstLine != 11 {
		t.Fatalf("%+v", s2.Segments)
	}
	empty, _ := v.Sub(1, 1)
	src, _ = SourceForm(empty)
	if Prefix(src) != "(first-line 5 [])" {
		t.Fatal(Prefix(src))
	}
	if IsLiteral(v) {
		t.Fatal("numbered vector is not literal")
	}
	a, _ := v.Assoc(0, "z")
	if a.FirstLine != 4 {
		t.Fatal("assoc keeps lines")
	}
}

func TestListBasics(t *testing.T) {
	l := NewList(int64(1), int64(2), int64(3))
	if l.Count() != 3 || l.First() != int64(1) || l.Rest().Count() != 2 || l.IsSeq() {
		t.Fatal("list")
	}
	c := l.Conj(int64(0))
	if PrStr(c) != "(0 1 2 3)" || c.IsSeq() {
		t.Fatal("conj")
	}
	s := Cons(int64(0), l)
	if !s.IsSeq() || s.Rest().IsSeq() {
		t.Fatal("cons kind")
	}
	if EmptyList.First() != nil || EmptyList.Rest() != EmptyList || EmptyList.Next() != nil {
		t.Fatal("empty")
	}
	if NewList(int64(1)).Rest() != EmptyList || NewSeq([]Value{int64(1)}).Rest() != EmptySeq {
		t.Fatal("rest of single")
	}
	if x, ok := l.Nth(2); !ok || x != int64(3) {
		t.Fatal("nth")
	}
	if len(l.Slice()) != 3 {
		t.Fatal("slice")
	}
	n := 0
	for i, x := range l.All() {
		if x != int64(i+1) {
			t.Fatal("all")
		}
		n++
	}
	if n != 3 {
		t.Fatal("all count")
	}
}

func keysStr(m *Map) string {
	var b strings.Builder
	m.Range(func(k, v Value) bool {
		b.WriteString(PrStr(k))
		b.WriteByte(' ')
		return true
	})
	return b.String()
}

func TestMapOrder(t *testing.T) {
	m := EmptyMap
	for i := range 20 {
		m = m.Assoc(int64(i), int64(i))
	}
	m = m.Assoc(int64(3), "three") // keeps position
	m = m.Dissoc(int64(5)).Dissoc(int64(15)).Dissoc(int64(99))
	m = m.Assoc(int64(5), "five") // re-added at the end
	want := "0 1 2 3 4 6 7 8 9 10 11 12 13 14 16 17 18 19 5 "
	if got := keysStr(m); got != want {
		t.Fatalf("order %q", got)
	}
	if v, _ := m.Get(int64(3)); v != "three" {
		t.Fatal("get")
	}
	if v, ok := m.Get(bigInt(3)); !ok || v != "three" {
		t.Fatal("get with 3N")
	}
	if m.Count() != 19 || m.Contains(int64(15)) {
		t.Fatal("count/contains")
	}
	// remove many to trigger compaction and shrink to small
	x := m
	for i := range 17 {
		x = x.Dissoc(int64(i))
	}
	if got := keysStr(x); got != "17 18 19 " {
		t.Fatalf("after dissoc %q", got)
	}
	if x.order != nil {
		t.Fatal("expected small form")
	}
	// small form order
	s := NewMap(Kw("a"), int64(1), Kw("b"), int64(2), Kw("c"), int64(3))
	s = s.Assoc(Kw("a"), int64(9)).Dissoc(Kw("b")).Assoc(Kw("b"), int64(7))
	if PrStr(s) != "{:a 9, :c 3, :b 7}" {
		t.Fatal(PrStr(s))
	}
	// churn: many assoc/dissoc, order stays insertion order
	y := EmptyMap
	for i := range 1000 {
		y = y.Assoc(int64(i), int64(i))
		if i >= 10 {
			y = y.Dissoc(int64(i - 10))
		}
	}
	if got := keysStr(y); got != "990 991 992 993 994 995 996 997 998 999 " {
		t.Fatal(got)
	}
	ks, vs := y.Keys(), y.Vals()
	if len(ks) != 10 || vs[0] != int64(990) || len(y.Entries()) != 10 {
		t.Fatal("keys/vals")
	}
	if k, v, ok := y.Find(bigInt(995)); !ok || k != int64(995) || v != int64(995) {
		t.Fatal("find")
	}
	// NewMap with duplicates beyond small size
	kv := []Value{}
	for i := range 12 {
		kv = append(kv, int64(i%10), int64(i))
	}
	z := NewMap(kv...)
	if z.Count() != 10 || PrStr(z) != "{0 10, 1 11, 2 2, 3 3, 4 4, 5 5, 6 6, 7 7, 8 8, 9 9}" {
		t.Fatal(PrStr(z))
	}
}

func TestSetOrder(t *testing.T) {
	s := EmptySet
	for i := range 20 {
		s = s.Conj(int64(i))
	}
	s = s.Conj(int64(3)).Disj(int64(4)).Conj(int64(4)).Disj(int64(100))
	var b strings.Builder
	s.Range(func(x Value) bool { b.WriteString(PrStr(x) + " "); return true })
	if b.String() != "0 1 2 3 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 4 " {
		t.Fatal(b.String())
	}
	if !s.Contains(bigInt(7)) || s.Contains(int64(40)) || s.Count() != 20 {
		t.Fatal("contains")
	}
	for i := range 18 {
		s = s.Disj(int64(i))
	}
	if PrStr(s) != "#{18 19}" || s.order != nil {
		t.Fatal(PrStr(s))
	}
	if PrStr(NewSet(int64(1), int64(2), int64(1))) != "#{1 2}" {
		t.Fatal("dup")
	}
}

func TestSorted(t *testing.T) {
	m := NewSortedMap(nil)
	for _, k := range []string{"c", "a", "b"} {
		m, _ = m.Assoc(k, int64(len(k)))
	}
	if PrStr(m) != `{"a" 1, "b" 1, "c" 1}` {
		t.Fatal(PrStr(m))
	}
	if _, err := m.Assoc(int64(1), int64(1)); err == nil {
		t.Fatal("expected compare error")
	}
	if _, ok := m.Get(Kw("x")); ok {
		t.Fatal("get incomparable")
	}
	m, _ = m.Dissoc("b")
	if PrStr(m) != `{"a" 1, "c" 1}` || m.Count() != 2 {
		t.Fatal(PrStr(m))
	}
	s := NewSortedSet(func(a, b Value) (int, error) { c, err := Compare(a, b); return -c, err })
	for _, x := range []int64{3, 1, 2, 3} {
		s, _ = s.Conj(x)
	}
	if PrStr(s) != "#{3 2 1}" || !s.Contains(int64(2)) {
		t.Fatal(PrStr(s))
	}
	if !Equal(s, NewSet(int64(1), int64(2), int64(3))) {
		t.Fatal("sorted set equality")
	}
}

func TestSpellFnMap(t *testing.T) {
	fn := &SpellFn{Params: rd(t, "[x]"), Body: NewList(rd(t, "(* x x)"))}
	if v, ok := fn.Get(KwParams); !ok || PrStr(v) != "[x]" {
		t.Fatal("get")
	}
	if fn.Count() != 3 || PrStr(fn.AsMap()) != PrStr(fn) {
		t.Fatal("asmap")
	}
	if Prefix(fn) != "{:spell/fn true :params [x] :body ((* x x))}" {
		t.Fatal(Prefix(fn))
	}
	m := NewMap(fn, int64(1))
	if v, ok := m.Get(fn.AsMap()); !ok || v != int64(1) {
		t.Fatal("spellfn as key")
	}
}

// TestNewListAfter: l's first keep items then more, a list of its own
// (counts, kind, l unchanged), the same as NewList of those items.
func TestNewListAfter(t *testing.T) {
	l := NewList(int64(1), int64(2), int64(3))
	for keep := 0; keep <= 3; keep++ {
		for _, more := range [][]Value{nil, {"a"}, {"a", Kw("b")}} {
			got := NewListAfter(l, keep, more)
			want := NewList(append(l.Slice()[:keep:keep], more...)...)
			if PrStr(got) != PrStr(want) || got.Count() != want.Count() || got.seq {
				t.Errorf("keep %d more %v: got %s (%d), want %s", keep, more, PrStr(got), got.Count(), PrStr(want))
			}
			for x, i := got, got.Count(); i > 0; x, i = x.Rest(), i-1 {
				if x.Count() != i {
					t.Errorf("keep %d more %v: count %d where %d remain", keep, more, x.Count(), i)
				}
			}
		}
	}
	if PrStr(l) != "(1 2 3)" || l.Count() != 3 {
		t.Errorf("l changed: %s", PrStr(l))
	}
}
