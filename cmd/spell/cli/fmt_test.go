package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// run calls Main in-process (so it must never call os.Exit) and returns the
// exit code and outputs.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(append([]string{"spell"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestExitCodes pins the exit codes that testscript can only see as
// "failed" (tooling.md §3.3).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.spl", "(def ok 1)\n")
	write("ugly.spl", "(def  ugly 1)\n")
	write("bad.spl", "(def bad\n")

	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"no args shows help", "", nil, 0},
		{"help", "", []string{"help"}, 0},
		{"version", "", []string{"version"}, 0},
		{"unknown command", "", []string{"nope"}, 2},
		{"unknown global flag", "", []string{"--nope"}, 2},
		{"help unknown command", "", []string{"help", "nope"}, 2},
		{"fmt stdin", "(a  b)", []string{"fmt"}, 0},
		{"fmt file", "", []string{"fmt", "ugly.spl"}, 0},
		{"fmt -l", "", []string{"fmt", "-l", "."}, 2}, // bad.spl
		{"fmt -l clean", "", []string{"fmt", "-l", "ok.spl", "ugly.spl"}, 0},
		{"fmt -d", "", []string{"fmt", "-d", "ugly.spl"}, 0},
		{"fmt --check clean", "", []string{"fmt", "--check", "ok.spl"}, 0},
		{"fmt --check dirty", "", []string{"fmt", "--check", "ok.spl", "ugly.spl"}, 1},
		{"fmt --check stdin dirty", "(a  b)\n", []string{"fmt", "--check"}, 1},
		{"fmt syntax error", "", []string{"fmt", "bad.spl"}, 2},
		{"fmt --check syntax error beats 1", "", []string{"fmt", "--check", "ugly.spl", "bad.spl"}, 2},
		{"fmt stdin syntax error", "(", []string{"fmt"}, 2},
		{"fmt unknown flag", "", []string{"fmt", "--nope"}, 2},
		{"fmt missing file", "", []string{"fmt", "missing.spl"}, 2},
		{"fmt flag after path", "", []string{"fmt", "ok.spl", "-l"}, 2},
		{"fmt -w stdin", "(a)", []string{"fmt", "-w"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
		})
	}
	// Nothing above used -w.
	if b, _ := os.ReadFile(filepath.Join(dir, "ugly.spl")); string(b) != "(def  ugly 1)\n" {
		t.Errorf("ugly.spl was modified: %q", b)
	}
}

// TestFmtWriteKeepsMode checks that -w replaces the file atomically with the
// original permissions, leaves no temporary file, and writes through
// symbolic links instead of replacing them.
func TestFmtWriteKeepsMode(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("a.spl", []byte("(def  a 1)\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod("a.spl", 0o640); err != nil { // umask-proof
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "fmt", "-w", "a.spl")
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	b, err := os.ReadFile("a.spl")
	if err != nil || string(b) != "(def a 1)\n" {
		t.Fatalf("a.spl = %q, %v", b, err)
	}
	fi, err := os.Stat("a.spl")
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(".")
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.spl", len(entries))
	}

	if runtime.GOOS == "windows" {
		return
	}
	if err := os.WriteFile("target.spl", []byte("(def  t 1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.spl", "link.spl"); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "fmt", "-w", "link.spl"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat("link.spl"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.spl is no longer a symbolic link (%v)", err)
	}
	if b, _ := os.ReadFile("target.spl"); string(b) != "(def t 1)\n" {
		t.Errorf("target.spl = %q", b)
	}
}

// TestFmtNeverWritesBrokenFiles: a file with syntax errors keeps its bytes
// and its modification time.
func TestFmtNeverWritesBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	src := "(def  x [1 2)\n"
	if err := os.WriteFile("x.spl", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat("x.spl")
	code, stdout, stderr := run(t, "", "fmt", "-w", ".")
	if code != 2 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	if !strings.HasPrefix(stderr, "x.spl:1:13: error: ") || !strings.HasSuffix(stderr, " [syntax]\n") {
		t.Errorf("stderr %q", stderr)
	}
	after, _ := os.Stat("x.spl")
	if b, _ := os.ReadFile("x.spl"); string(b) != src || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("x.spl was touched: %q", b)
	}
}
