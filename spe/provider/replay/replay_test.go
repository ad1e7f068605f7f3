package replay

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/transcript"
)

const archive = `comment
-- main/1.completion --
(def n 42)
-- main/1.prompt --
(quine completion (eval (do (quine prompt "T") (quote (!extend)) 
-- main/2.completion --
n)))
-- main/3.completion --
unused
-- spawn-1/1.completion --
"x"
-- spawn-1/1.delay --
1h
`

func load(t *testing.T) *transcript.Transcript {
	t.Helper()
	tr, err := transcript.Parse(filepath.Join(t.TempDir(), "t.txtar"), []byte(archive))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func req(h string, n int, prefix string) *provider.Request {
	return &provider.Request{Handle: h, CallNumber: n, Prefix: prefix, Kind: provider.KindSelf}
}

const p1 = `(quine completion (eval (do (quine prompt "T") (quote (!extend)) `

func TestServe(t *testing.T) {
	p := New(load(t), true)
	p.Update = false
	var _ provider.Provider = p
	r, err := p.Complete(context.Background(), req("main", 1, p1))
	if err != nil {
		t.Fatal(err)
	}
	if r.Suffix != "(def n 42)" {
		t.Errorf("suffix %q", r.Suffix)
	}
	if r.Usage.Total() != 0 {
		t.Error("replay usage must be zero")
	}
	r, err = p.Complete(context.Background(), req("main", 2, "anything (no .prompt entry)"))
	if err != nil || r.Suffix != "n)))" {
		t.Fatalf("%v %v", r, err)
	}
	_, err = p.Complete(context.Background(), req("main", 4, "the prompt asked"))
	if err == nil || !strings.HasPrefix(err.Error(), "replay: no completion for main/4") || !strings.Contains(err.Error(), "the prompt asked") {
		t.Errorf("missing entry: %v", err)
	}
	err = p.Finish()
	want := "replay: unused entries: main/3.completion, spawn-1/1.completion"
	if err == nil || err.Error() != want {
		t.Errorf("Finish = %v, want %q", err, want)
	}
}

func TestStrictPromptMismatch(t *testing.T) {
	p := New(load(t), true)
	p.Update = false
	_, err := p.Complete(context.Background(), req("main", 1, strings.TrimSuffix(p1, " ")))
	if err == nil {
		t.Fatal("want mismatch error")
	}
	msg := err.Error()
	for _, s := range []string{"replay: prompt mismatch for main/1", "--- main/1.prompt (transcript)", "+++ main/1.prompt (actual)", "@@"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error lacks %q:\n%s", s, msg)
		}
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Retryable {
		t.Errorf("want non-retryable *provider.Error, got %#v", err)
	}
}

func TestLenientWarnings(t *testing.T) {
	p := New(load(t), false)
	p.Update = false
	var seen []string
	p.OnWarning = func(m string) { seen = append(seen, m) }
	r, err := p.Complete(context.Background(), req("main", 1, "different"))
	if err != nil || r.Suffix != "(def n 42)" {
		t.Fatalf("%v %v", r, err)
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	w := p.Warnings()
	if len(w) != 2 || !strings.HasPrefix(w[0], "replay: prompt mismatch for main/1") ||
		w[1] != "replay: unused entries: main/2.completion, main/3.completion, spawn-1/1.completion" {
		t.Errorf("warnings %q", w)
	}
	if len(seen) != 2 {
		t.Errorf("OnWarning saw %d", len(seen))
	}
}

func TestDelayHonoursContext(t *testing.T) {
	p := New(load(t), true)
	p.Update = false
	// The entry's delay is an hour: returning at all shows the deadline
	// ended it (a stuck sleep would hit the go test timeout).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := p.Complete(ctx, req("spawn-1", 1, ""))
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	var slept time.Duration
	p.Sleep = func(_ context.Context, d time.Duration) error { slept = d; return nil }
	if r, err := p.Complete(context.Background(), req("spawn-1", 1, "")); err != nil || r.Suffix != `"x"` || slept != time.Hour {
		t.Fatalf("%v %v %v", r, err, slept)
	}
}

func TestUpdateWritesActualPrompts(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "main"), 0o777)
	os.WriteFile(filepath.Join(dir, "main", "1.completion"), []byte("42\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main", "1.prompt"), []byte("old \n"), 0o644)
	t.Setenv("SPELL_UPDATE", "1")
	p, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Update {
		t.Fatal("SPELL_UPDATE=1 not honoured")
	}
	// In update mode a mismatch does not stop the run.
	if _, err := p.Complete(context.Background(), req("main", 1, "new ")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ".spell-actual", "main", "1.prompt"))
	if err != nil || string(data) != "new \n" {
		t.Errorf("actual prompt %q %v", data, err)
	}
	// The .spell-actual folder is not part of the transcript.
	tr, err := transcript.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := tr.Prompt("main", 1); p != "old " {
		t.Errorf("prompt %q", p)
	}
	if err := p.Finish(); err != nil {
		t.Error(err)
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "none.txtar"), false); err == nil || !strings.HasPrefix(err.Error(), "replay: ") {
		t.Errorf("err %v", err)
	}
}
