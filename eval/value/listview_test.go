package value

import (
	"math/rand"
	"testing"
)

// TestListViewLikeLinked: a list NewListAfter builds as a view (a long
// body taken over turn after turn) answers every list operation as the
// linked list of the same elements does, alone, behind linked nodes
// (Cons) and as a seq; and a body that grows by a form shares its
// previous version's vector instead of copying it.
func TestListViewLikeLinked(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	items := []Value{}
	var l *List = EmptyList
	for turn := 0; turn < 300; turn++ {
		keep := len(items)
		if keep > 0 && r.Intn(3) > 0 {
			keep -= 1 + r.Intn(min(keep, 3)) // the model's last forms are read again
		}
		if r.Intn(40) == 0 {
			keep = r.Intn(keep + 1) // an edit far back
		}
		more := []Value{}
		for k := r.Intn(4); k >= 0; k-- {
			more = append(more, []Value{int64(turn), "s", NewList(Sym("x"), int64(k)), nil, Kw("k")}[r.Intn(5)])
		}
		prevItems, prev := items, l
		items = append(items[:keep:keep], more...)
		l = NewListAfter(l, keep, more)
		want := NewList(items...)
		for _, pair := range [][2]*List{{l, prev}, {want, prev}, {l, NewList(prevItems...)}, {Cons(int64(0), l), Cons(int64(0), prev)}} {
			limit := r.Intn(len(items) + 2)
			naive := 0
			for x, y := pair[0], pair[1]; naive < limit && x.Count() > 0 && y.Count() > 0 && Equal(x.First(), y.First()); x, y = x.Rest(), y.Rest() {
				naive++
			}
			if got := CommonPrefix(pair[0], pair[1], limit, Equal); got != naive {
				t.Fatalf("CommonPrefix %d, want %d", got, naive)
			}
		}
		if calls := 0; len(items) > 200 && keep == len(prevItems) {
			// The same blocks are not compared element by element.
			CommonPrefix(l, prev, keep, func(x, y Value) bool { calls++; return Equal(x, y) })
			if calls > 64 {
				t.Fatalf("%d calls to compare %d shared elements", calls, keep)
			}
		}
		checkSameList(t, l, want)
		checkSameList(t, Cons(int64(-1), l), Cons(int64(-1), want))
		checkSameList(t, l.AsSeq(), want.AsSeq())
		if len(items) > 2 {
			checkSameList(t, l.Drop(2), want.Drop(2))
			checkSameList(t, l.Rest().Rest(), want.Rest().Rest())
		}
	}
	if !l.view {
		t.Fatal("a long body is not a view")
	}
	// Growing by one form: the same vector, extended.
	before := l.vec()
	n := NewListAfter(l, l.Count(), []Value{int64(1)})
	if !n.view || n.vec().root != before.root {
		t.Error("the grown body does not share its vector")
	}
}

func checkSameList(t *testing.T, got, want *List) {
	t.Helper()
	if got.Count() != want.Count() || got.IsSeq() != want.IsSeq() || got.Empty() != want.Empty() {
		t.Fatalf("count/kind %d %v, want %d %v", got.Count(), got.IsSeq(), want.Count(), want.IsSeq())
	}
	if !Equal(got, want) || !Equal(want, got) || Hash(got) != Hash(want) || PrStr(got) != PrStr(want) {
		t.Fatalf("%s, want %s", PrStr(got), PrStr(want))
	}
	ws := want.Slice()
	gs := got.Slice()
	for i := range ws {
		if !Equal(gs[i], ws[i]) {
			t.Fatalf("Slice[%d] %v, want %v", i, gs[i], ws[i])
		}
		if x, ok := got.Nth(i); !ok || !Equal(x, ws[i]) {
			t.Fatalf("Nth(%d) %v, want %v", i, x, ws[i])
		}
	}
	if _, ok := got.Nth(len(ws)); ok {
		t.Fatal("Nth past the end")
	}
	i := 0
	for x := got; x.Count() > 0; x = x.Rest() {
		if !Equal(x.First(), ws[i]) || x.Count() != len(ws)-i {
			t.Fatalf("walk %d: %v (count %d), want %v", i, x.First(), x.Count(), ws[i])
		}
		if nx := x.Next(); (nx == nil) != (i == len(ws)-1) {
			t.Fatalf("Next at %d of %d: %v", i, len(ws), nx)
		}
		i++
	}
	if i != len(ws) || got.Rest().IsSeq() != want.Rest().IsSeq() {
		t.Fatalf("walked %d of %d", i, len(ws))
	}
	stop := len(ws) / 2
	seen := 0
	got.Range(func(j int, x Value) bool {
		if j != seen || !Equal(x, ws[j]) {
			t.Fatalf("Range %d: %v, want %d %v", j, x, seen, ws[j])
		}
		seen++
		return j < stop
	})
	if len(ws) > 0 && seen != stop+1 {
		t.Fatalf("Range stopped after %d, want %d", seen, stop+1)
	}
}
