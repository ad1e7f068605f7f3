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

// TestSnapListCutAtEndShares: the usual turn (cut at the end, push)
// writes into the chunk the list ended in; a second list cut there copies
// its part.
func TestSnapListCutAtEndShares(t *testing.T) {
	var a snapList
	for i := 0; i < listChunk+10; i++ {
		a.push(PrefixState{steps: int64(i)})
	}
	b := a.cut(a.len())
	b.push(PrefixState{steps: -1})
	if b.chunks[1] != a.chunks[1] {
		t.Fatal("a list cut at the end copied the chunk it ends in")
	}
	c := a.cut(a.len())
	c.push(PrefixState{steps: -2})
	if c.chunks[1] == a.chunks[1] || c.chunks[0] != a.chunks[0] {
		t.Fatal("a second list cut at the same point shares the taken chunk, or copied a full one")
	}
	if b.at(a.len()).steps != -1 || c.at(a.len()).steps != -2 || a.at(a.len()-1).steps != int64(a.len()-1) {
		t.Fatal("lists see each other's elements")
	}
}
