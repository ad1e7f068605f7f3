package eval

import (
	"sync"

	"github.com/spell-go/spell/eval/value"
)

// Edit pass memo (issue 11 item 2). Every turn that continues the program
// (!extend and friends) runs edit-reopen over the whole program: at 1 MB
// that walk was most of a turn. The values a reading keeps from the
// previous turn are the same pointers (readincr.go) and immutable, and
// what the pass does with a form that holds no persist form depends on
// the form alone. So the pass remembers, for the longest list it walked
// (the wrapper's do body), the run of leading elements that came out
// unchanged (no marker, nothing rebuilt, no persist inside) and the steps
// each took; the next pass over a list starting with the same elements
// skips them and charges their steps at once. The result, the steps
// counted and where a step limit or a cancellation stops the pass are
// those of the whole walk.

// editMemoMin: only lists with more elements than this are memoised.
const editMemoMin = 32

// EditMemo is what the edit passes of one handle leave for the next; set
// it as Interp.Edits. Safe for concurrent use.
type EditMemo struct {
	mu  sync.Mutex
	rec *editRecord
}

// editRecord: the first n elements of list (the elements after a list's
// head), compared by identity for collections, are those the pass left
// unchanged; cum.at(i) is the steps the pass charged for the first i.
// Never modified once stored (a pass cuts its own from it). The next
// pass compares a body with list (value.CommonPrefix: the blocks a
// resumed reading's body shares with the previous one are not compared
// form by form).
type editRecord struct {
	list *value.List
	n    int
	cum  chunkList[int64]
}

func (m *EditMemo) load() *editRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rec
}

// store keeps rec, the record of the last pass.
func (m *EditMemo) store(rec *editRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rec = rec
}

// match returns the record to fill for a list whose elements after its
// head are x, and how many of them are r's leading forms (their record
// entries are taken over).
func (r *editRecord) match(x *value.List) (*editRecord, int) {
	if r == nil {
		out := &editRecord{list: x}
		out.cum.push(0)
		return out, 0
	}
	k := value.CommonPrefix(x, r.list, r.n, func(v, was value.Value) bool { return sameEdit(was, v) })
	return &editRecord{list: x, n: k, cum: r.cum.cut(k + 1)}, k
}

// add notes that the next element of r.list took n steps and came out
// as it was.
func (r *editRecord) add(n int64) {
	r.n++
	r.cum.push(r.cum.at(r.cum.len()-1) + n)
}

// sameEdit reports whether the edit pass does with b what it did with a:
// the same list, vector or map (the pass descends into those), or two
// other values (one step each, returned as they are).
func sameEdit(a, b value.Value) bool {
	if same, coll := sameCollection(a, b); coll {
		return same
	}
	return !isCollection(b)
}

// stepN charges n steps exactly as n calls of step would: the same count,
// the same budget error at the same step, cancellation and memory checked
// at the same step counts.
func (in *Interp) stepN(n int64) error {
	for n > 0 {
		if in.steps+n < in.nextCheck {
			in.steps += n
			return nil
		}
		d := max(in.nextCheck-in.steps, 1) // the d-th step is the next check
		in.steps += d - 1
		n -= d
		if err := in.step(); err != nil {
			return err
		}
	}
	return nil
}
