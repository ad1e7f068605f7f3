package value

import (
	"strings"
	"testing"
)

// TestPrefixCache: each prompt of a growing quine form is PrefixOpen's
// byte for byte, and a form that keeps the previous forms' values prints
// only the new ones; an edit, a new head and a smaller body fall back to
// printing from the first form that differs. A prompt that extends the
// last one is appended to its bytes (nothing earlier is copied), and no
// prompt handed out earlier ever changes.
func TestPrefixCache(t *testing.T) {
	head := []Value{Sym("quine"), Sym("completion")}
	var body []Value
	quine := func(head []Value, body []Value) Value {
		do := NewList(append([]Value{Sym("do")}, body...)...)
		return NewList(append(append([]Value(nil), head...), NewList(Sym("eval"), do))...)
	}
	var c PrefixCache
	var got, kept []string // every prompt handed out, and a copy of it
	check := func(q Value, wantPrinted int) {
		t.Helper()
		want, werr := PrefixOpen(q)
		before := c.Printed
		s, err := c.PrefixOpen(q)
		got, kept = append(got, s), append(kept, strings.Clone(s))
		got := s
		if got != want || (err == nil) != (werr == nil) {
			t.Fatalf("PrefixCache:\n got %q %v\nwant %q %v", got, err, want, werr)
		}
		if n := c.Printed - before; n != wantPrinted {
			t.Errorf("printed %d forms, want %d", n, wantPrinted)
		}
	}
	body = append(body, NewList(Sym("quine"), Sym("prompt"), "count"), NewList(Sym("quote"), NewList(Sym("!extend"))))
	check(quine(head, body), 2)
	for i := 0; i < 50; i++ {
		body = append(body, NewList(Sym("def"), Sym("v"), NewMap(Kw("n"), int64(i), Kw("s"), strings.Repeat("x", i))), int64(i), "s", nil, true, Kw("k"))
		check(quine(head, body), 6)
	}
	if c.Copied != 0 {
		t.Errorf("growing prompts copied %d bytes of earlier ones", c.Copied)
	}
	// An edit of the third form: everything from it on is printed.
	body[2] = NewList(Sym("think"), "r")
	check(quine(head, body), len(body)-2)
	// A shorter body (pruned): nothing new to print.
	body = body[:10]
	check(quine(head, body), 0)
	// A different head: all printed.
	check(quine([]Value{Sym("quine"), Sym("other"), NewVector([]Value{int64(1)})}, body), len(body))
	check(quine(head, nil), 0)
	if _, err := c.PrefixOpen(NewList(Sym("quine"))); err == nil {
		t.Error("not a quine form: no error")
	}
	check(quine(head, body), len(body))
	for i := range got {
		if got[i] != kept[i] {
			t.Fatalf("prompt %d changed after it was handed out:\n got %q\nwas %q", i, got[i], kept[i])
		}
	}
}
