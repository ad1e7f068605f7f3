package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chzyer/readline"

	"github.com/spell-go/spell/cmd/spell/cli/lineedit"
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

// TestREPLPrompts checks the prompts of a terminal session read line by
// line (the fallback when standard output is not a terminal), and the new
// line printed at the end of input.
func TestREPLPrompts(t *testing.T) {
	r, out, _ := newTestREPL("")
	r.lines = &plainLines{in: bufio.NewReader(strings.NewReader("(+ 1\n2)\n")), out: out, prompts: true}
	if err := r.loop(); err != nil {
		t.Fatal(err)
	}
	if want := replPrompt + replContPrompt + "3\n" + replPrompt + "\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}

// fakeTerminal is a line editor on a pipe: keys written to the returned
// writer are read as typed on a terminal of 80 columns.
func fakeTerminal(t *testing.T, r *replRun, out io.Writer, histPath string) *io.PipeWriter {
	t.Helper()
	pr, pw := io.Pipe()
	cfg := &readline.Config{
		Stdin:              pr,
		FuncIsTerminal:     func() bool { return true },
		FuncMakeRaw:        func() error { return nil },
		FuncExitRaw:        func() error { return nil },
		FuncGetWidth:       func() int { return 80 },
		FuncOnWidthChanged: func(func()) {},
	}
	tl, err := lineedit.NewConfig(cfg, replPrompt, histPath, out, out, r.complete, errLineInterrupted)
	if err != nil {
		t.Fatal(err)
	}
	r.lines = tl
	t.Cleanup(func() { tl.Close() })
	return pw
}

// TestREPLTerminal drives the line editor as a user would: Tab completes a
// name defined in the session and a builtin, Ctrl-P recalls the previous
// line, Ctrl-C drops an unfinished form, Ctrl-D ends the session; every
// line lands in the history file, which the next session reads back.
func TestREPLTerminal(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "state", "spell", "repl_history")
	r, stdout, errs := newTestREPL("")
	var screen syncBuffer
	keys := fakeTerminal(t, r, &screen, hist)
	go func() {
		io.WriteString(keys, "(def answer-value 41)\r")
		io.WriteString(keys, "(strings/upp\t (str (inc answer-v\t)))\r") // completes both names
		io.WriteString(keys, "\x10\r")                                   // Ctrl-P: the same line again
		io.WriteString(keys, "(+ 1\r\x03")                               // Ctrl-C drops the open form
		io.WriteString(keys, "(str \"ok\")\r\x04")                       // then Ctrl-D
	}()
	done := make(chan error, 1)
	go func() { done <- r.loop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the session did not end on Ctrl-D")
	}
	line := "(strings/upper-case (str (inc answer-value)))\n"
	want := []string{"(def answer-value 41)\n", line, line, "(str \"ok\")\n"}
	if strings.Join(r.history, "|") != strings.Join(want, "|") {
		t.Errorf("history = %q, want %q", r.history, want)
	}
	if want := "41\n\"42\"\n\"42\"\n\"ok\"\n"; stdout.String() != want || errs.Len() > 0 {
		t.Errorf("stdout = %q, want %q; stderr %q", stdout, want, errs)
	}
	if !strings.Contains(screen.String(), "  ...> ^C") {
		t.Errorf("the screen does not show the dropped continuation line:\n%q", screen.String())
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	// The editor keeps one copy of a line entered twice in a row.
	if want := "(def answer-value 41)\n" + line + "(+ 1\n(str \"ok\")\n"; string(data) != want {
		t.Errorf("history file = %q, want %q", data, want)
	}
	if fi, err := os.Stat(hist); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("history file: %v, want mode 0600", err)
	}

	// A new session recalls the last line of the previous one.
	r2, _, _ := newTestREPL("")
	var out2 syncBuffer
	keys2 := fakeTerminal(t, r2, &out2, hist)
	go io.WriteString(keys2, "\x10\r\x04")
	if err := r2.loop(); err != nil {
		t.Fatal(err)
	}
	if len(r2.history) != 1 || r2.history[0] != "(str \"ok\")\n" {
		t.Errorf("recalled %q, want the last line of the previous session", r2.history)
	}
}

// syncBuffer is a bytes.Buffer safe for the line editor's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestREPLCompleter: builtins, special forms, macros and namespace members
// complete from the catalogue, names defined in the session once defined;
// keywords, numbers and an empty prefix complete nothing.
func TestREPLCompleter(t *testing.T) {
	r, _, _ := newTestREPL("(def my-counter 1)\n(defn my-helper [x] x)\n")
	c := r.complete
	if got := c.Candidates("my-"); len(got) != 0 {
		t.Errorf("before the session defines them: %q", got)
	}
	if err := r.loop(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string
		want []string // the candidates' remaining text
		n    int      // the prefix length
	}{
		{"(my-", []string{"counter", "helper"}, 3},
		{"(inc my-c", []string{"ounter"}, 4},
		{"(strings/upp", []string{"er-case"}, 11},
		{"(keep", []string{"", "-indexed"}, 4},
		{"(reop", []string{"en", "en-eval"}, 4}, // special forms
		{"(when-l", []string{"et"}, 6},          // macros
		{"'(io/read-f", []string{"ile"}, 9},     // effect namespace members
		{"(!llm-s", []string{"elf"}, 6},         // effect builtins
		{"(map inc [1 2]) (filt", []string{"er"}, 4},
		{"(:ke", nil, 0},
		{"(+ 12", nil, 0},
		{"(", nil, 0},
		{"", nil, 0},
		{"(zzzz", nil, 4},
	}
	for _, tt := range tests {
		got, n := c.Do([]rune(tt.line), len([]rune(tt.line)))
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if strings.Join(gs, " ") != strings.Join(tt.want, " ") || (len(tt.want) > 0 && n != tt.n) {
			t.Errorf("Do(%q) = %q, %d; want %q, %d", tt.line, gs, n, tt.want, tt.n)
		}
	}
	// The cursor need not be at the end of the line.
	line := []rune("(my-c 1)")
	if got, n := c.Do(line, 5); len(got) != 1 || string(got[0]) != "ounter" || n != 4 {
		t.Errorf("Do in mid-line = %q, %d", got, n)
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
