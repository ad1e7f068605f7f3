//go:build unix

package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenSourceLikeOpen: openSource (which keeps source files away from
// the runtime's poller, issue 11 start-up) gives what os.Open gives: the
// same errors, the same text, and a FIFO is read to its end.
func TestOpenSourceLikeOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.spl")
	if err := os.WriteFile(file, []byte("(+ 1 2)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.spl"), filepath.Join(dir, "a.spl", "x")} {
		_, want := os.Open(p)
		_, got := openSource(p)
		if got == nil || got.Error() != want.Error() || errors.Is(got, fs.ErrNotExist) != errors.Is(want, fs.ErrNotExist) {
			t.Errorf("openSource(%s) = %v, os.Open gives %v", p, got, want)
		}
	}
	if b, err := readSourceFile(file, 100); err != nil || string(b) != "(+ 1 2)\n" {
		t.Errorf("readSourceFile = %q, %v", b, err)
	}
	var tl *tooLargeError
	if _, err := readSourceFile(file, 3); !errors.As(err, &tl) {
		t.Errorf("over the limit: %v, want a tooLargeError", err)
	}
	_, err := readSourceFile(dir, 100)
	f, _ := os.Open(dir)
	_, want := readLimited(f, 100)
	f.Close()
	if err == nil || err.Error() != want.Error() {
		t.Errorf("a directory: %v, os.Open gives %v", err, want)
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO: ", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString("(inc 1)")
			w.Close()
		}
	}()
	if b, err := readSourceFile(fifo, 100); err != nil || string(b) != "(inc 1)" {
		t.Errorf("a FIFO: %q, %v", b, err)
	}
}
