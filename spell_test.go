package spell

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/spe/trace"
)

// isolate keeps the user's configuration out of a test and returns a
// fresh working directory.
func isolate(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("SPELL_MODEL", "")
	return t.TempDir()
}

func run(t *testing.T, opts Options) (Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard
	defer cancel()
	return Run(ctx, opts)
}

func TestRunProgram(t *testing.T) {
	dir := isolate(t)
	res, err := run(t, Options{Program: `(+ 1 2)`, Dir: dir})
	if err != nil || res.Text != "3" || res.Readable != "3" {
		t.Errorf("(+ 1 2): %+v, %v", res, err)
	}
	res, err = run(t, Options{Program: `(str "a" "b")`, Dir: dir})
	if err != nil || res.Text != "ab" || res.Readable != `"ab"` {
		t.Errorf("str: %+v, %v", res, err)
	}
}

func TestRunTask(t *testing.T) {
	dir := isolate(t)
	res, err := run(t, Options{Task: "Say hello", Model: "test", Dir: dir})
	if err != nil || res.Text != "hello world" || res.Calls["main"] != 1 {
		t.Errorf("task: %+v, %v", res, err)
	}
}

// Effects work through the profile's grants, confined to the root.
func TestRunEffects(t *testing.T) {
	dir := isolate(t)
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("from a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := run(t, Options{Program: `(eval (quote (:out (io/slurp "a.txt"))))`, Dir: dir, Agent: "readonly"})
	if err != nil || res.Text != "from a file" || res.Effects["io/slurp"] != 1 {
		t.Errorf("io/slurp: %+v, %v", res, err)
	}
	res, err = run(t, Options{Program: `(eval (quote (:out (io/slurp "../x"))))`, Dir: dir, Agent: "readonly"})
	if err != nil || res.Text != "nil" {
		t.Errorf("escape: %+v, %v", res, err)
	}
}

func TestRunConfigErrors(t *testing.T) {
	dir := isolate(t)
	for _, opts := range []Options{
		{Task: "hi", Model: "mystery", Dir: dir},
		{Task: "hi", Model: "test", Agent: "no-such-agent", Dir: dir},
		{Task: "hi", Program: "1", Dir: dir},
		{Dir: dir},
		{Task: "hi", Dir: dir, Getenv: func(string) string { return "" }}, // no model configured
	} {
		if _, err := run(t, opts); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v is not ErrConfig", opts, err)
		}
	}
}

func TestRunFailures(t *testing.T) {
	dir := isolate(t)
	_, err := run(t, Options{Program: `(/ 1 0)`, Dir: dir})
	if err == nil || errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "Divide by zero") {
		t.Errorf("(/ 1 0): %v", err)
	}
	_, err = run(t, Options{Program: `(loop [] (recur))`, Dir: dir, Timeout: 20 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Options{Program: `(loop [] (recur))`, Dir: dir}); err == nil {
		t.Error("a cancelled context ran to the end")
	}
}

func TestRunTrace(t *testing.T) {
	dir := isolate(t)
	tdir := filepath.Join(t.TempDir(), "run")
	res, err := run(t, Options{Task: "Say hello", Model: "test", Dir: dir, TraceDir: tdir})
	if err != nil || res.TraceDir != tdir {
		t.Fatalf("%+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(tdir, trace.EventsFile)); err != nil {
		t.Error(err)
	}
}
