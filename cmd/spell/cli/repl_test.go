package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// newTestREPL returns a session reading stdin, with its outputs.
func newTestREPL(stdin string) (r *replRun, stdout, stderr *bytes.Buffer) {
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	r = newREPL(strings.NewReader(stdin), stdout, stderr, eval.Options{Seed: 1})
	return r, stdout, stderr
}

// readForm reads one form for evalForm.
func readForm(t *testing.T, src string) value.Value {
	t.Helper()
	f := syntax.Parse(replSource, []byte(src))
	if len(f.Errors) > 0 || len(f.Forms) != 1 {
		t.Fatalf("bad test form %q", src)
	}
	v, _, err := eval.Lower(f, f.Forms[0])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestREPLInterrupt sends a fake Ctrl-C during an endless loop: the
// evaluation stops with Cancelled and the next one runs normally.
func TestREPLInterrupt(t *testing.T) {
	r, _, _ := newTestREPL("")
	sigs := make(chan os.Signal, 1)
	var stopped atomic.Int32
	r.interrupts = func() (<-chan os.Signal, func()) { return sigs, func() { stopped.Add(1) } }

	go func() {
		time.Sleep(50 * time.Millisecond)
		sigs <- os.Interrupt
	}()
	loop := readForm(t, "(loop [] (recur))")
	done := make(chan error, 1)
	go func() {
		_, err := r.evalForm(loop)
		done <- err
	}()
	select {
	case err := <-done:
		var e *eval.Error
		if !errors.As(err, &e) || e.Msg != "Cancelled" {
			t.Fatalf("interrupted loop: err = %v, want Cancelled", err)
		}
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("Ctrl-C did not stop (loop [] (recur))")
	}
	if stopped.Load() == 0 {
		t.Error("the interrupt handler was not removed after the evaluation")
	}

	v, err := r.evalForm(readForm(t, "(+ 1 2)"))
	if err != nil || value.PrStr(v) != "3" {
		t.Errorf("after an interrupt: %v, %v; want 3", v, err)
	}
}

// TestREPLContextCancel checks that cancelling the context of the running
// evaluation stops a loop (the evaluator polls every 1024 steps), and that
// the interpreter's context follows the evaluation's.
func TestREPLContextCancel(t *testing.T) {
	rc := &replContext{}
	ctx, cancel := context.WithCancel(context.Background())
	rc.cur.Store(&ctx)
	in := eval.New(rc, eval.Options{})
	time.AfterFunc(20*time.Millisecond, cancel)
	_, _, err := in.Eval(readForm(t, "(loop [] (recur))"), eval.PipelineEnv())
	if err == nil || err.Error() != "Cancelled" {
		t.Fatalf("err = %v, want Cancelled", err)
	}
	fresh := context.Background()
	rc.cur.Store(&fresh)
	if rc.Err() != nil {
		t.Error("replContext still cancelled after switching contexts")
	}
	v, _, err := in.Eval(readForm(t, "(inc 41)"), eval.PipelineEnv())
	if err != nil || value.PrStr(v) != "42" {
		t.Errorf("after cancel: %v, %v", v, err)
	}
}

func TestREPLIncomplete(t *testing.T) {
	tests := map[string]bool{
		"":                    false,
		"(+ 1 2)\n":           false,
		"(+ 1\n":              true,
		"(defn f [x]\n":       true,
		"\"abc\n":             true,
		"'\n":                 true,
		"#(\n":                true,
		"{:a [1\n":            true,
		"(a) (b\n":            true,
		"(foo]\n":             false, // a real error: evaluate and report
		")\n":                 false,
		"; comment only\n":    false,
		"(str \"a)\" \n":      true,
		"(def x 1) ; (open\n": false,
	}
	for text, want := range tests {
		if got := replIncomplete(text); got != want {
			t.Errorf("replIncomplete(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestREPLSession runs a piped session: no prompts, values on stdout,
// errors on stderr, definitions persisting, and one interpreter for the
// whole session (gensym keeps counting).
func TestREPLSession(t *testing.T) {
	r, out, errs := newTestREPL("(def a 1)\n(def b\n  (+ a 1))\n(gensym)\n(gensym)\n(nope)\n[a b]\n")
	if err := r.loop(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || lines[0] != "1" || lines[1] != "2" || lines[4] != "[1 2]" {
		t.Fatalf("stdout:\n%s", out)
	}
	if lines[2] == lines[3] {
		t.Errorf("gensym repeated %s across inputs", lines[2])
	}
	if !strings.HasPrefix(errs.String(), "error: Unbound symbol: nope\n") {
		t.Errorf("stderr: %q", errs)
	}
	if len(r.history) != 6 {
		t.Errorf("history has %d entries, want 6: %q", len(r.history), r.history)
	}
}

// TestREPLInteractive checks prompts and the history file of a terminal
// session.
func TestREPLInteractive(t *testing.T) {
	r, out, _ := newTestREPL("(+ 1\n2)\n:quit\n")
	r.interactive = true
	r.histPath = filepath.Join(t.TempDir(), "state", "spell", "repl_history")
	if err := r.loop(); err != nil {
		t.Fatal(err)
	}
	if want := replPrompt + replContPrompt + "3\n" + replPrompt; out.String() != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	data, err := os.ReadFile(r.histPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "(+ 1\n2)\n:quit\n"; string(data) != want {
		t.Errorf("history file = %q, want %q", data, want)
	}
}

func TestREPLExitCodes(t *testing.T) {
	tests := []struct {
		stdin string
		args  []string
		code  int
	}{
		{"(+ 1 2)\n", []string{"repl"}, 0},
		{"(undefined)\n", []string{"repl"}, 0}, // errors do not end the session
		{"", []string{"repl"}, 0},
		{":quit\n", []string{"repl", "--max-steps", "10", "--max-nesting", "5"}, 0},
		{"", []string{"repl", "x"}, 2},
		{"", []string{"repl", "--max-nesting", "-1"}, 2},
		{"", []string{"repl", "--nope"}, 2},
	}
	for _, tt := range tests {
		if code, _, errs := run(t, tt.stdin, tt.args...); code != tt.code {
			t.Errorf("spell %s: exit %d, want %d (stderr %q)", strings.Join(tt.args, " "), code, tt.code, errs)
		}
	}
}

func TestREPLNesting(t *testing.T) {
	code, out, errs := run(t, "(defn deep [n] (if (= n 0) 0 (inc (deep (dec n)))))\n(deep 500)\n(deep 5)\n", "repl", "--max-nesting", "100")
	if code != 0 || !strings.HasSuffix(out, "\n5\n") || !strings.Contains(errs, "error: ") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
}
