package trace

import (
	"math/rand"
	"strings"
	"testing"
)

func TestTraceTokenize(t *testing.T) {
	for _, src := range []string{
		"", "  ", "(a b)", `(str "a \" b" 'x ; c` + "\n" + `#{1 2} [:k 1.5])`, `"unterminated \`, "(a,b)\n\n",
	} {
		toks := tokenize(src)
		if got := strings.Join(toks, ""); got != src {
			t.Errorf("tokenize(%q) joins to %q", src, got)
		}
		for i, tok := range toks {
			if i > 0 && strings.TrimSpace(tok) == "" {
				t.Errorf("tokenize(%q): blank token %q after the first", src, tok)
			}
		}
	}
	if got := tokenize(`(def x "a b") `); strings.Join(got, "|") != `(|def |x |"a b"|) ` {
		t.Errorf("tokens = %q", got)
	}
}

// applyOps rebuilds both sides of a diff.
func applyOps(ops []Op) (a, b string) {
	var x, y strings.Builder
	for _, op := range ops {
		if op.Kind != OpIns {
			x.WriteString(op.Text)
		}
		if op.Kind != OpDel {
			y.WriteString(op.Text)
		}
	}
	return x.String(), y.String()
}

func TestTraceTokenDiffForms(t *testing.T) {
	prev := `(quine completion (eval (do (think "plan") (def x 42) (prune 2) (def y (f x)) '(!extend))))`
	prompt := `(quine completion (eval (do (def y (f x)) (def _error {:error "boom"}) `
	ops := TokenDiff(prev, prompt)
	var b strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case OpEq:
			b.WriteString(op.Text)
		case OpDel:
			b.WriteString("[-" + op.Text + "-]")
		case OpIns:
			b.WriteString("{+" + op.Text + "+}")
		}
	}
	want := `(quine completion (eval (do [-(think "plan") (def x 42) (prune 2) -](def y (f x)) [-'(!extend))))-]{+(def _error {:error "boom"}) +}`
	if b.String() != want {
		t.Errorf("diff:\n got %s\nwant %s", b.String(), want)
	}
	if !SameContext(ops) {
		t.Error("an extension is not the same context")
	}
	if SameContext(TokenDiff(prev, `(quine completion (eval (do (quine prompt "a fresh sub-task with many words") `)) {
		t.Error("a fresh sub-task is the same context")
	}
}

func TestTraceTokenDiffRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	words := []string{"(", ")", "a ", "b ", "(def ", "x ", `"s" `, "'", "[", "] ", "42 "}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[rnd.Intn(len(words))])
		}
		return b.String()
	}
	for i := range 200 {
		a, b := gen(rnd.Intn(40)), gen(rnd.Intn(40))
		if i%3 == 0 {
			b = a[:len(a)/2] + b
		}
		ga, gb := applyOps(TokenDiff(a, b))
		if ga != a || gb != b {
			t.Fatalf("round trip of %q -> %q gave %q -> %q", a, b, ga, gb)
		}
	}
	// Large middles take the heuristic path and still round-trip.
	a, b := strings.Repeat("(a b) ", 3000), strings.Repeat("(b a) ", 3000)
	if ga, gb := applyOps(TokenDiff(a, b)); ga != a || gb != b {
		t.Fatal("large diff does not round-trip")
	}
}

func TestTraceAddedOffset(t *testing.T) {
	tv := &TurnView{TurnInfo: &TurnInfo{}, Program: "(a (b c))\n", Prompt: "(a ", PromptOK: true}
	if got := addedOffset(tv); got != 3 {
		t.Errorf("prefix: %d", got)
	}
	tv.Prompt = "(a x"
	if got := addedOffset(tv); got != 3 {
		t.Errorf("common prefix: %d", got)
	}
	tv.PromptOK, tv.HasCompletion, tv.Completion = false, true, "(b c))"
	if got := addedOffset(tv); got != 3 {
		t.Errorf("by completion: %d", got)
	}
}

func TestQuinePrompt(t *testing.T) {
	for text, want := range map[string]string{
		`(quine completion (eval (do (quine prompt "Say \"hi\"\nnow") '(!extend)) `:   "Say \"hi\"\nnow",
		`(quine completion "(quine prompt \"inside a string\")" (do (def _error {}) `: "",
		`(quine completion (eval (do (def x 1) `:                                      "",
	} {
		got, ok := quinePrompt(text)
		if got != want || ok != (want != "") {
			t.Errorf("quinePrompt(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}
