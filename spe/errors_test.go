package spe

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/spell-go/spell/eval"
	spellio "github.com/spell-go/spell/spe/io"
	"github.com/spell-go/spell/spe/trace"
)

// TestCloseInterruptedByIdentity: the run ends "interrupted" when its
// error is a cancellation, recognised by errors.Is through any wrapping,
// and "error" for another error, even one with the same text.
func TestCloseInterruptedByIdentity(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"cancelled", eval.Cancelled(), trace.StatusInterrupted},
		{"wrapped", fmt.Errorf("turn 3: %w", eval.Cancelled()), trace.StatusInterrupted},
		{"fatal wrap", eval.WrapFatal(fmt.Errorf("call: %w", eval.Cancelled())), trace.StatusInterrupted},
		{"same text", errors.New("Cancelled"), trace.StatusError},
		{"limit", eval.LimitError("Step limit exceeded: 10 steps"), trace.StatusError},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		w, err := trace.Create(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := &Session{RT: New(Options{Limits: DefaultLimits}), trace: &lazyTrace{dir: dir, w: w}, procs: spellio.NewProcs()}
		if err := s.Close(nil, tc.err); err != nil {
			t.Fatalf("%s: Close: %v", tc.name, err)
		}
		r, err := trace.Open(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Summarize()
		if err != nil {
			t.Fatal(err)
		}
		if sum.Status != tc.want {
			t.Errorf("%s: status %q, want %q", tc.name, sum.Status, tc.want)
		}
	}
}
