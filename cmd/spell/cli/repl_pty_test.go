package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestREPLPty runs `spell repl` on a pseudo-terminal, as a user would: the
// line editor is on (a name defined in the session completes with Tab,
// Ctrl-P recalls the last line), Ctrl-C during an endless loop cancels the
// evaluation and the session goes on, Ctrl-D ends it, and the lines land
// in $XDG_STATE_HOME/spell/repl_history. The 60-second waits only guard
// against a hang.
func TestREPLPty(t *testing.T) {
	bin, err := exec.LookPath("spell") // the test binary, set up by TestMain
	if err != nil {
		t.Skip("spell command not set up:", err)
	}
	state := t.TempDir()
	cmd := exec.Command(bin, "repl")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, "HOME="+state)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	defer tty.Close()

	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// waitScreen waits until the screen shows want for the n-th time and
	// then, after it, the text then.
	waitScreen := func(want string, n int, then string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			s := screen.String()
			mu.Unlock()
			if i := nthIndex(s, want, n); i >= 0 && strings.Contains(s[i+len(want):], then) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q %d times, then %q:\n%q", want, n, then, s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// waitFor waits until the screen shows want for the n-th time.
	waitFor := func(want string, n int) { t.Helper(); waitScreen(want, n, "") }
	// waitPrompt waits until the screen shows want for the n-th time and
	// then the next prompt: keys sent before the line editor is back at
	// its prompt (the terminal not yet in raw mode) can be lost, and a
	// lost Ctrl-D hung the test on a loaded machine.
	waitPrompt := func(want string, n int) { t.Helper(); waitScreen(want, n, "spell> ") }
	send := func(keys string) {
		t.Helper()
		if _, err := tty.WriteString(keys); err != nil {
			t.Fatal(err)
		}
	}

	waitFor("spell> ", 1)
	send("(def answer-value 41)\r")
	waitPrompt("\r\n41\r\n", 1)
	send("(inc answer-v\t)\r") // Tab completes the session's name
	waitPrompt("\r\n42\r\n", 1)
	send("\x10\r") // Ctrl-P recalls (inc answer-value)
	waitPrompt("\r\n42\r\n", 2)
	send("(loop [] (recur))\r")
	waitFor("(loop [] (recur))\r\n", 1)
	time.Sleep(100 * time.Millisecond) // let the evaluation start
	send("\x03")                       // Ctrl-C cancels it
	waitPrompt("error: Cancelled", 1)
	send("(str \"still here\")\r")
	waitPrompt("\"still here\"", 2) // the echo and the value
	send("\x04")                    // Ctrl-D ends the session

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("spell repl: %v", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("spell repl did not end on Ctrl-D")
	}
	data, err := os.ReadFile(filepath.Join(state, "spell", "repl_history"))
	if err != nil {
		t.Fatal(err)
	}
	want := "(def answer-value 41)\n(inc answer-value)\n(loop [] (recur))\n(str \"still here\")\n"
	if string(data) != want {
		t.Errorf("history file = %q, want %q", data, want)
	}
}

// nthIndex returns the index of the n-th occurrence of sub in s, or -1.
func nthIndex(s, sub string, n int) int {
	at := -1
	for ; n > 0; n-- {
		i := strings.Index(s[at+1:], sub)
		if i < 0 {
			return -1
		}
		at += 1 + i
	}
	return at
}
