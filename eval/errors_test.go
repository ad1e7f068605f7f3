package eval

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestErrorSentinels: each sentinel is found with errors.Is on the error a
// run returns, and still after a caller wraps it again.
func TestErrorSentinels(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		src      string
		opts     Options
		sentinel error
		msg      string
	}{
		{"cancelled", cancelled, `(loop [] (recur))`, Options{}, ErrCancelled, "Cancelled"},
		{"steps", context.Background(), `(try (loop [] (recur)) (catch e :caught))`, Options{Limits: Limits{MaxSteps: 1000}}, ErrLimit, "Step limit exceeded: 1000 steps"},
		{"nesting", context.Background(), `(do (defn f [n] (inc (f n))) (f 1))`, Options{Limits: Limits{MaxNesting: 50}}, ErrLimit, "Nesting depth exceeded: 50"},
		{"output", context.Background(), `(vec (range 100))`, Options{Limits: Limits{MaxElems: 10}}, ErrLimit, ""},
	} {
		_, _, err := RunProgram(tc.ctx, "<eval>", []byte(tc.src), tc.opts)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: errors.Is(%v, %v) is false", tc.name, err, tc.sentinel)
		}
		if wrapped := fmt.Errorf("run: %w", err); !errors.Is(wrapped, tc.sentinel) {
			t.Errorf("%s: the sentinel is lost through fmt.Errorf %%w", tc.name)
		}
		if tc.msg != "" && err.Error() != tc.msg {
			t.Errorf("%s: message %q, want %q", tc.name, err.Error(), tc.msg)
		}
		for _, other := range []error{ErrCancelled, ErrLimit} {
			if other != tc.sentinel && errors.Is(err, other) {
				t.Errorf("%s: also matches %v", tc.name, other)
			}
		}
	}
}

// TestErrorUnwrapsBuiltinFailure: the "Function call failed" error of a
// builtin keeps the builtin's own error as its cause.
func TestErrorUnwrapsBuiltinFailure(t *testing.T) {
	_, _, err := RunProgram(context.Background(), "<eval>", []byte(`(math/factorial -1)`), Options{})
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("errors.As(%v, *DataError) is false", err)
	}
	if de.Msg != "factorial: negative argument" {
		t.Errorf("cause %q", de.Msg)
	}
	if errors.Is(err, ErrLimit) || errors.Is(err, ErrCancelled) {
		t.Error("a builtin failure matches a fatal sentinel")
	}
	if IsFatal(err) {
		t.Error("a builtin failure is fatal")
	}
}
