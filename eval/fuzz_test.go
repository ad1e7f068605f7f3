package eval

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spell-go/spell/eval/value"
)

// fuzzRegressions are inputs the fuzzer found; each once misbehaved.
var fuzzRegressions = []string{}

// FuzzEval runs arbitrary program texts: evaluation must not panic, must
// return within its timeout, and every error must be an *Error with a
// message.
func FuzzEval(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range a.Files {
			if strings.HasSuffix(af.Name, ".spl") {
				f.Add(string(af.Data))
			}
		}
	}
	for _, table := range [][]langCase{langSpecialForms, langMacros, langEvaluation, langWrapper, langEdits, langDivergences, langCatchability} {
		for _, tc := range table {
			f.Add(tc.src)
		}
	}
	for _, src := range fuzzRegressions {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkFuzzProgram(t, src)
	})
}

func checkFuzzProgram(t *testing.T, src string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	type result struct {
		v   value.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		_, res, err := RunProgram(ctx, "<fuzz>", []byte(src), Options{Limits: Limits{MaxSteps: 100000}})
		var s string
		if err == nil {
			s = value.PrStr(res.Value) // printing must not panic either
		}
		_ = s
		done <- result{res.Value, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			var e *Error
			if !errors.As(r.err, &e) {
				t.Fatalf("%q: error %T %v is not *eval.Error", src, r.err, r.err)
			}
			if e.Msg == "" {
				t.Fatalf("%q: empty error message", src)
			}
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("%q: did not return within 3s of a 1s timeout", src)
	}
}

// TestFuzzRegressions replays the fuzzer's findings in ordinary test runs.
func TestFuzzRegressions(t *testing.T) {
	for _, src := range fuzzRegressions {
		checkFuzzProgram(t, src)
	}
}
