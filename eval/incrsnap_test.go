package eval

import (
	"math/rand"
	"testing"
)

// TestSnapListShares: lists cut from one another and pushed to keep
// every earlier list's snapshots as they were (the kept prefixes of
// earlier turns), across chunk boundaries.
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
