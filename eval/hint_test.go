package eval

import (
	"errors"
	"testing"
)

// TestHintNamesForms: an unbound name near a special form or a built-in
// macro gets it as the hint (their names come from the catalog).
func TestHintNamesForms(t *testing.T) {
	for src, hint := range map[string]string{
		"(loo [i 0] i)":    "did you mean loop?",
		"(whne true 1)":    "did you mean when?",
		"(defmacr m [] 1)": "did you mean defmacro?",
		"(qoute 1)":        "did you mean quote?",
	} {
		_, err := EvalString(src)
		var e *Error
		if !errors.As(err, &e) || e.Hint != hint {
			t.Errorf("%s: error %v (hint %q), want the hint %q", src, err, hintOf(e), hint)
		}
	}
}

func hintOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Hint
}
