package eval

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// editForm is a random body form for the edit pass: plain data and code,
// markers, persist forms, quoted and fn forms, nested long lists.
func editForm(r *rand.Rand, depth int) string {
	switch r.Intn(14) {
	case 0:
		return "(prune)"
	case 1:
		return fmt.Sprintf("(prune %d)", r.Intn(3))
	case 2:
		return fmt.Sprintf("(rethink %d \"again\")", 1+r.Intn(2))
	case 3:
		return fmt.Sprintf("(persist p%d)", r.Intn(3)) // p0, p1 bound; p2 not
	case 4:
		return fmt.Sprintf("(persist p%d 7)", r.Intn(3))
	case 5:
		return "'(prune 1)"
	case 6:
		return "(fn [x] (prune) x)"
	case 7:
		if depth < 2 {
			var b strings.Builder
			b.WriteString("(do")
			for i := 0; i < 30+r.Intn(10); i++ {
				b.WriteString(" " + editForm(r, depth+1))
			}
			return b.String() + ")"
		}
	case 8:
		if depth < 3 {
			return "[" + editForm(r, depth+1) + " 1 " + editForm(r, depth+1) + "]"
		}
	case 9:
		if depth < 3 {
			return "{:a " + editForm(r, depth+1) + " " + editForm(r, depth+1) + " 2}"
		}
	case 10:
		return "#{1 2 (prune)}"
	}
	return fmt.Sprintf("(def v%d {:n %d :tags [:a %d]})", r.Intn(100), r.Intn(100), r.Intn(9))
}

// editRun is one edit pass of form with in.Edits = memo (nil: none).
func editRun(memo *EditMemo, form value.Value, maxSteps int64) (string, int64, error, bool) {
	in := New(context.Background(), Options{Limits: Limits{MaxSteps: maxSteps}})
	in.Edits = memo
	env := PipelineEnv().Bind(value.Sym("p0"), int64(5)).Bind(value.Sym("p1"), value.NewVector([]value.Value{int64(1)}))
	v, err := in.editReopen(form, env)
	return value.PrStr(v), in.steps, err, v == form
}

// TestEditMemoMatchesWalk: an edit pass that skips what an earlier pass
// of the same handle walked gives the value, the unchanged identity, the
// step count and the step-limit error of the whole walk, over programs
// that grow, change early forms and shrink, with the limit anywhere.
func TestEditMemoMatchesWalk(t *testing.T) {
	skipped := 0
	for seed := int64(1); seed <= 100; seed++ {
		r := rand.New(rand.NewSource(seed))
		memo := &EditMemo{}
		var body []value.Value
		for i := 0; i < 20+r.Intn(40); i++ {
			body = append(body, mustRead(t, editForm(r, 0)))
		}
		for turn := 0; turn < 6; turn++ {
			switch r.Intn(5) {
			case 0: // an early form changes
				if len(body) > 0 {
					body[r.Intn(len(body))] = mustRead(t, editForm(r, 0))
				}
			case 1: // the program shrinks
				body = body[:len(body)*2/3]
			}
			for i := r.Intn(4); i >= 0; i-- { // and grows by a few forms
				body = append(body, mustRead(t, editForm(r, 0)))
			}
			do := value.NewList(append([]value.Value{symDo}, body...)...)
			prog := value.NewList(symQuine, value.Sym("completion"), value.NewList(symEval, do))
			want, wantSteps, wantErr, wantSame := editRun(nil, prog, 1<<40)
			if wantErr != nil {
				t.Fatalf("seed %d turn %d: %v", seed, turn, wantErr)
			}
			// With a step limit somewhere in the pass: the same error at
			// the same count (the memo is not changed by a failed pass).
			limit := 1 + r.Int63n(wantSteps+5)
			_, lw, lwErr, _ := editRun(nil, prog, limit)
			_, lm, lmErr, _ := editRun(memo, prog, limit)
			if lw != lm || fmt.Sprint(lwErr) != fmt.Sprint(lmErr) {
				t.Fatalf("seed %d turn %d limit %d: walk %d steps %v, memo %d steps %v", seed, turn, limit, lw, lwErr, lm, lmErr)
			}
			before := memo.load()
			got, gotSteps, gotErr, gotSame := editRun(memo, prog, 1<<40)
			if got != want || gotSteps != wantSteps || gotErr != nil || gotSame != wantSame {
				t.Fatalf("seed %d turn %d: memo pass %d steps (%v, same %v)\n%s\nwhole walk %d steps (same %v)\n%s", seed, turn, gotSteps, gotErr, gotSame, got, wantSteps, wantSame, want)
			}
			if before != nil && before.n > 0 && sameEdit(before.list.First(), body[0]) {
				skipped++
			}
		}
	}
	if skipped == 0 {
		t.Fatal("no pass started from the memo")
	}
}

// TestEditMemoSkips: a pass over a program that grows by one form visits
// the new form (and the lists around it), not the program again.
func TestEditMemoSkips(t *testing.T) {
	memo := &EditMemo{}
	var body []value.Value
	for i := 0; i < 500; i++ {
		body = append(body, mustRead(t, fmt.Sprintf("(def v%d {:n %d :tags [:a :b %d]})", i, i, i)))
	}
	var whole int64
	for turn := 0; turn < 4; turn++ {
		body = append(body, mustRead(t, fmt.Sprintf("(def w%d 1)", turn)))
		do := value.NewList(append([]value.Value{symDo}, body...)...)
		in := New(context.Background(), Options{})
		w := editWalk{env: PipelineEnv(), step: in.step, in: in, memo: memo, prev: memo.load()}
		v, err := w.walk(do)
		if err != nil || v != value.Value(do) {
			t.Fatalf("turn %d: %v", turn, err)
		}
		memo.store(w.best)
		if turn == 0 {
			whole = w.steps
			continue
		}
		if visited := w.steps - w.charged; visited > 10 {
			t.Fatalf("turn %d: visited %d values of %d", turn, visited, w.steps)
		}
		if in.steps != w.steps || w.steps != whole+int64(turn)*4 {
			t.Fatalf("turn %d: charged %d steps (interpreter %d), want %d", turn, w.steps, in.steps, whole+int64(turn)*4)
		}
	}
}

func mustRead(t *testing.T, src string) value.Value {
	t.Helper()
	v, err := ReadString(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v
}
