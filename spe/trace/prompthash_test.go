package trace

import (
	"strings"
	"testing"
)

// TestPromptHasher: the hash of each of a handle's growing prompts is
// PromptSHA256's, and a prompt that extends the previous one costs only
// its new bytes; one that does not (an edit) is hashed whole.
func TestPromptHasher(t *testing.T) {
	var h PromptHasher
	prompt := "(quine completion (eval (do (quine prompt \"count\") "
	total := 0
	for i := 0; i < 300; i++ {
		add := strings.Repeat("(def v {:n 1}) ", i%7+1)
		prompt += add
		if got, want := h.Sum(prompt), PromptSHA256(prompt); got != want {
			t.Fatalf("turn %d: %s, want %s", i, got, want)
		}
		if i == 0 {
			total += len(prompt)
		} else {
			total += len(add)
		}
	}
	if h.Hashed != total {
		t.Errorf("hashed %d bytes for prompts that added %d", h.Hashed, total)
	}
	edited := "(quine completion (eval (do " + prompt[40:]
	before := h.Hashed
	if got, want := h.Sum(edited), PromptSHA256(edited); got != want {
		t.Errorf("edited prompt: %s, want %s", got, want)
	}
	if h.Hashed-before != len(edited) {
		t.Errorf("edited prompt: hashed %d of %d bytes", h.Hashed-before, len(edited))
	}
	if got, want := h.Sum(""), PromptSHA256(""); got != want {
		t.Errorf("empty prompt: %s, want %s", got, want)
	}
}
