package eval

import (
	"math/rand"
	"testing"
)

// TestSnapListShares: lists cut from one another and pushed to keep
// every earlier list's snapshots as they were (the kept prefixes of
// earlier turns), across chunk boundaries, also when two lists cut at
// the same point both push; and a list cut at its end and pushed to
// shares the chunk it ends in (no copy).
func TestSnapListShares(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	type kept struct {
		l    snapList
		want []int64
	}
	var all []kept
	cur, want := snapList{}, []int64(nil)
	for turn := 0; turn < 300; turn++ {
		k := len(want) - r.Intn(min(len(want), 3)+1)
		if r.Intn(10) == 0 {
			k = r.Intn(len(want) + 1)
		}
		if r.Intn(4) == 0 {
			// A sibling cut from the same list at the same length (a
			// turn that failed after pushing): the list cut next finds
			// its slots taken.
			sib, sw := cur.cut(k), append([]int64(nil), want[:k]...)
			for i := r.Intn(listChunk / 2); i >= 0; i-- {
				sib.push(PrefixState{steps: int64(-turn*1000 - i)})
				sw = append(sw, int64(-turn*1000-i))
			}
			all = append(all, kept{sib, sw})
		}
		cur, want = cur.cut(k), append([]int64(nil), want[:k]...)
		for i := r.Intn(listChunk / 4); i >= 0; i-- {
			cur.push(PrefixState{steps: int64(turn*1000 + i)})
			want = append(want, int64(turn*1000+i))
		}
		all = append(all, kept{cur, want})
	}
	for j, x := range all {
		if x.l.len() != len(x.want) {
			t.Fatalf("list %d: len %d, want %d", j, x.l.len(), len(x.want))
		}
		for i, w := range x.want {
			if got := x.l.at(i).steps; got != w {
				t.Fatalf("list %d: snapshot %d is %d, want %d", j, i, got, w)
			}
		}
	}
}

// TestSnapListCutAtEndShares: the usual turn (cut at the end or one
// before it, push) writes into the chunk the list ended in; a second
// list cut there copies its part.
func TestSnapListCutAtEndShares(t *testing.T) {
	n := listChunk + 10
	for _, k := range []int{n, n - 1} {
		var a snapList
		for i := 0; i < n; i++ {
			a.push(PrefixState{steps: int64(i)})
		}
		a2 := a.cut(n)
		b := a2.cut(k)
		b.push(PrefixState{steps: -1})
		b.push(PrefixState{steps: -2})
		c := a2.cut(k)
		c.push(PrefixState{steps: -3})
		c.push(PrefixState{steps: -4})
		if b.at(k).steps != -1 || b.at(k+1).steps != -2 || c.at(k).steps != -3 || c.at(k+1).steps != -4 || a.at(n-1).steps != int64(n-1) || a2.at(n-1).steps != int64(n-1) {
			t.Fatalf("cut at %d: lists see each other's elements", k)
		}
		if b.chunks[1] != a.chunks[1] {
			t.Fatalf("a list cut at %d of %d copied the chunk it ends in", k, n)
		}
		if c.chunks[1] == a.chunks[1] || c.chunks[0] != a.chunks[0] {
			t.Fatal("a second list cut at the same point shares the taken chunk, or copied a full one")
		}
	}
}
