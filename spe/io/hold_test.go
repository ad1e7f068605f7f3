package spellio

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// Tests of issue 8 ("hold the line"): git confinement, cancellation of
// running work, FIFOs, bounded line reads, atomic appends and the workspace
// prefix boundary.

// hangGuard is a generous bound for calls that used to hang forever; it
// only turns a hang into a failure and asserts nothing about speed.
const hangGuard = 60 * time.Second

// callCtx invokes a member from an evaluation running under ctx (the way
// the runtime calls it: the run's context is the evaluator's).
func (f *fixture) callCtx(ctx context.Context, name string, args ...value.Value) (value.Value, error) {
	f.t.Helper()
	v, ok := f.ns.Get(value.Kw(name))
	if !ok {
		f.t.Fatalf("io/%s is absent", name)
	}
	b := v.(*eval.Builtin)
	c := &eval.Call{In: eval.New(ctx, eval.Options{}), Name: b.Name}
	return b.Fn(c, args)
}

// guarded runs fn and fails the test if it does not return within
// hangGuard.
func guarded[T any](t *testing.T, what string, fn func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(hangGuard):
		t.Fatalf("%s hangs", what)
		panic("unreachable")
	}
}

func gitRepo(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	gitEnv := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "HOME=" + f.root}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "first"}, {"branch", "notes"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = f.root, append(os.Environ(), gitEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
}

// procFails requires a process envelope with :ok false whose :err contains
// want and whose :out holds nothing of the secret.
func (f *fixture) procFails(want, secret, name string, args ...value.Value) {
	f.t.Helper()
	v, err := f.call(name, args...)
	if err != nil {
		f.t.Fatalf("io/%s %s: want an :ok false envelope, got error %v", name, value.PrStr(value.NewVector(args)), err)
	}
	m := v.(*value.Map)
	if get(m, "ok") != false || !strings.Contains(value.Str(get(m, "err")), want) {
		f.t.Fatalf("io/%s %s: want :ok false with %q, got %s", name, value.PrStr(value.NewVector(args)), want, value.PrStr(v))
	}
	if secret != "" && strings.Contains(value.PrStr(v), secret) {
		f.t.Fatalf("io/%s %s leaked the outside file: %s", name, value.PrStr(value.NewVector(args)), value.PrStr(v))
	}
}

func TestGitPathsConfined(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	must(t, os.WriteFile(secret, []byte("s3cret-line\n"), 0o644))
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	f.write("notes", "a file named like a branch\n")
	gitRepo(t, f)
	must(t, os.Symlink(outside, filepath.Join(f.root, "outdir")))
	tmp := f.ok("temp-file").(string)
	must(t, os.WriteFile(tmp, []byte("temp\n"), 0o644))

	escape := "Path escapes the workspace root"
	for _, args := range [][]string{
		{"diff", "/dev/null", "/etc/passwd"},
		{"diff", "/dev/null", secret},
		{"diff", "a.txt", secret},
		{"diff", "--", "a.txt", "../" + filepath.Base(outside) + "/secret.txt"},
		{"diff", "--stat", "--", secret},
		{"diff", "outdir/secret.txt", "a.txt"},
		{"diff", tmp, "a.txt"},
		{"log", "-p", "--", secret},
		{"show", "HEAD", "--", "../x"},
		{"blame", "--ignore-revs-file=" + secret, "a.txt"},
		{"blame", "--ignore-revs-file", secret, "a.txt"},
		{"blame", "-S" + secret, "a.txt"},
		{"diff", "-O" + secret},
		{"status", "--pathspec-from-file=" + secret},
	} {
		vals := make([]value.Value, len(args))
		for i, a := range args {
			vals[i] = a
		}
		f.procFails(escape, "s3cret", "git", vals...)
	}
	// inside paths, revisions and range syntax still work
	f.write("a.txt", "two\n")
	if got := f.ok("git", "diff", "a.txt"); !strings.Contains(got.(string), "+two") {
		t.Errorf("diff a.txt: %q", got)
	}
	if got := f.ok("git", "diff", "HEAD", "--", "a.txt"); !strings.Contains(got.(string), "+two") {
		t.Errorf("diff HEAD -- a.txt: %q", got)
	}
	if got := f.ok("git", "log", "--format=%s", "HEAD~0..HEAD"); got != "" {
		t.Errorf("log range: %q", got)
	}
	if got := f.ok("git", "show", "HEAD:a.txt"); got != "one\n" {
		t.Errorf("show HEAD:a.txt: %q", got)
	}
	// a file named like a branch is passed as a path after "--" (git
	// alone calls the argument ambiguous)
	if got := f.ok("git", "log", "--format=%s", "notes"); got != "first\n" {
		t.Errorf("log notes (file and branch): %q", got)
	}
}

func TestGitDiffOutsideRepositoryRefused(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	f := newFixture(t, nil)
	if err := exec.Command("git", "-C", f.root, "rev-parse", "--is-inside-work-tree").Run(); err == nil {
		t.Skip("the temp directory lies inside a git work tree")
	}
	f.write("a.txt", "one\n")
	f.write("b.txt", "two\n")
	// outside a repository git diff would silently switch to --no-index
	f.procFails("Not inside a git work tree", "", "git", "diff", "a.txt", "b.txt")
	f.procFails("Not inside a git work tree", "", "git", "diff", "--", "a.txt", "b.txt")
}

// TestWorkspacePrefixBoundary: a sibling directory whose name extends the
// root's (<root>-evil) is outside the workspace, spelled absolute,
// relative or through a link.
func TestWorkspacePrefixBoundary(t *testing.T) {
	f := newFixture(t, nil)
	evil := f.root + "-evil"
	must(t, os.Mkdir(evil, 0o755))
	t.Cleanup(func() { os.RemoveAll(evil) })
	must(t, os.WriteFile(filepath.Join(evil, "x"), []byte("evil"), 0o644))
	must(t, os.Symlink(evil+"/x", filepath.Join(f.root, "to-evil")))
	rel := "../" + filepath.Base(evil) + "/x"
	for _, p := range []string{evil + "/x", evil, rel, "to-evil"} {
		f.fails("Path escapes the workspace root: "+p, "slurp", p)
		f.fails("Path escapes the workspace root: "+p, "stat", p)
		f.misuse("Path escapes the workspace root: "+p, "exists?", p)
	}
	for _, p := range []string{evil + "/x", evil + "/new", rel, "to-evil"} {
		f.fails("Path escapes the workspace root: "+p, "write-file", p, "pwned")
	}
	if b, _ := os.ReadFile(evil + "/x"); string(b) != "evil" {
		t.Fatal("the sibling directory's file was overwritten")
	}
	if _, err := os.Stat(evil + "/new"); err == nil {
		t.Fatal("a file was written into the sibling directory")
	}
	if _, ok := within(evil+"/x", []string{f.root}); ok {
		t.Errorf("within: %s counted as inside %s", evil+"/x", f.root)
	}
	if r, ok := within(f.root+"/x", []string{f.root}); !ok || r != "x" {
		t.Errorf("within: inside path refused: %q %v", r, ok)
	}
}

// TestCallContextReachesProcesses: the evaluation's context (--timeout,
// Ctrl-C, run shutdown) stops a running command and kills its group, even
// though the namespace was built without a context.
func TestCallContextReachesProcesses(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for i := 0; i < 600; i++ {
			// The shell creates bg before echo writes to it: wait for the
			// whole line, or a cancel in between leaves bg empty.
			if b, err := os.ReadFile(filepath.Join(f.root, "bg")); err == nil && strings.HasSuffix(string(b), "\n") {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
	}()
	err := guarded(t, "io/sh under a cancelled evaluation", func() error {
		_, err := f.callCtx(ctx, "sh", "echo $$ > pid; sleep 120 & echo $! > bg; sleep 120", opts(kw("timeout"), int64(0)))
		return err
	})
	if err == nil || !eval.IsFatal(err) || err.Error() != "Cancelled" {
		t.Fatalf("want fatal Cancelled, got %v", err)
	}
	v, err2 := f.callCtx(ctx, "sh", "true")
	if err2 == nil || !eval.IsFatal(err2) || err2.Error() != "Cancelled" {
		t.Fatalf("sh after cancel: %v %v", v, err2)
	}
	for _, name := range []string{"pid", "bg"} {
		pid, err := strconv.Atoi(strings.TrimSpace(f.read(name)))
		if err != nil {
			t.Fatal(err)
		}
		waitGone(t, pid)
	}
}

// waitGone fails when pid is still a live (non-zombie) process after a
// generous grace period.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if alive(pid) {
		t.Fatalf("process %d is still running", pid)
	}
}

func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil && runtime.GOOS != "linux"
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z' && s[i+2] != 'X'
}

// TestBackgroundProcessesDieWithRun: a command's background process
// outlives the command (a server used by the next command) but dies when
// the run kills its process groups.
func TestBackgroundProcessesDieWithRun(t *testing.T) {
	procs := NewProcs()
	f := newFixture(t, func(c *Config) { c.Procs = procs })
	f.ok("sh", "sleep 120 > /dev/null 2>&1 & echo $! > bg")
	pid, err := strconv.Atoi(strings.TrimSpace(f.read("bg")))
	if err != nil {
		t.Fatal(err)
	}
	if !alive(pid) {
		t.Fatal("the background process died with its command")
	}
	guarded(t, "KillAll", func() bool { procs.KillAll(false); return true })
	waitGone(t, pid)
	// a group whose processes are gone is left alone (its id may be reused)
	f.ok("sh", "true")
	guarded(t, "KillAll", func() bool { procs.KillAll(false); return true })
}

// fifo makes a named pipe in the workspace (nobody ever opens its write
// end).
func fifo(t *testing.T, f *fixture, rel string) {
	t.Helper()
	if err := syscall.Mkfifo(filepath.Join(f.root, rel), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

func TestFIFOsNeverBlock(t *testing.T) {
	f := newFixture(t, nil)
	f.write("d/a.txt", "needle\n")
	fifo(t, f, "d/pipe")
	fifo(t, f, "pipe2")
	type res struct {
		v   value.Value
		err error
	}
	call := func(name string, args ...value.Value) *value.Map {
		t.Helper()
		r := guarded(t, "io/"+name+" on a FIFO", func() res {
			v, err := f.call(name, args...)
			return res{v, err}
		})
		if r.err != nil {
			t.Fatalf("io/%s: %v", name, r.err)
		}
		return r.v.(*value.Map)
	}
	for _, name := range []string{"slurp", "slurp-bytes", "read-file", "read-lines"} {
		m := call(name, "d/pipe")
		if get(m, "ok") != false || !strings.Contains(value.Str(get(m, "err")), "d/pipe is not a regular file (a named pipe)") {
			t.Errorf("io/%s on a FIFO: %s", name, value.PrStr(m))
		}
	}
	m := call("grep", "needle", ".")
	if get(m, "out") != "d/a.txt:1:needle\n" || get(m, "exit") != int64(0) {
		t.Errorf("grep over a tree with FIFOs: %s", value.PrStr(m))
	}
	m = call("grep", "needle", "pipe2")
	if get(m, "ok") != false || get(m, "exit") != int64(2) || !strings.Contains(value.Str(get(m, "err")), "not a regular file") {
		t.Errorf("grep on a FIFO: %s", value.PrStr(m))
	}
	m = call("glob", "pipe*")
	if get(m, "out") != "d/pipe\npipe2" {
		t.Errorf("glob lists FIFOs by name: %s", value.PrStr(m))
	}
	for _, c := range [][]value.Value{
		{"str-replace", "pipe2", "a", "b"},
		{"replace-lines", "pipe2", int64(1), int64(1), "x"},
		{"copy", "pipe2", "copied"},
		{"spit", "pipe2", "x", opts(kw("append"), true)},
	} {
		m := call(c[0].(string), c[1:]...)
		if get(m, "ok") != false || !strings.Contains(value.Str(get(m, "err")), "not a regular file") {
			t.Errorf("io/%s on a FIFO: %s", c[0], value.PrStr(m))
		}
	}
}

// sparse makes a file of size bytes of zeros without newlines (sparse: it
// costs no disk).
func sparse(t *testing.T, f *fixture, rel string, size int64) {
	t.Helper()
	fh, err := os.Create(filepath.Join(f.root, rel))
	must(t, err)
	must(t, fh.Truncate(size))
	must(t, fh.Close())
}

// TestLongLineBoundedMemory: a file without newlines is read with memory
// bounded by the line cap, not by its size.
func TestLongLineBoundedMemory(t *testing.T) {
	f := newFixture(t, nil)
	const size = 256 << 20
	sparse(t, f, "big", size)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := f.call("read-lines", "big")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	env := m.(*value.Map)
	if get(env, "ok") != true || get(env, "truncated") != true || value.PrStr(get(env, "out")) != "[]" {
		t.Errorf("read-lines of a 256 MiB line: %.200s", value.PrStr(env))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/2 {
		t.Errorf("read-lines of a %d-byte line allocated %d bytes", size, alloc)
	}
	// a window inside the kept prefix is exact
	m, err = f.call("read-lines", "big", opts(kw("char-end"), int64(3)))
	if err != nil {
		t.Fatal(err)
	}
	env = m.(*value.Map)
	if rows := get(env, "out").(*value.Vector).Slice(); get(env, "truncated") != false || len(rows) != 1 || rows[0] != "\x00\x00\x00" {
		t.Errorf("windowed long line: %.200s", value.PrStr(env))
	}
	// lines after a long one are still found
	fh, err := os.OpenFile(filepath.Join(f.root, "big"), os.O_WRONLY|os.O_APPEND, 0)
	must(t, err)
	_, err = fh.WriteString("\nsecond\n")
	must(t, err)
	must(t, fh.Close())
	if got := f.ok("read-file", "big", int64(2), int64(3)); got != "2: second" {
		t.Errorf("line after a long line: %q", got)
	}
}

// TestReadsCancellable: a long read stops when the evaluation is
// cancelled.
func TestReadsCancellable(t *testing.T) {
	f := newFixture(t, nil)
	sparse(t, f, "big", 64<<20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"read-lines", "read-file", "slurp"} {
		_, err := f.callCtx(ctx, name, "big")
		if err == nil || !eval.IsFatal(err) || err.Error() != "Cancelled" {
			t.Errorf("io/%s under a cancelled evaluation: %v", name, err)
		}
	}
	f.write("t.txt", "needle\n")
	if _, err := f.callCtx(ctx, "grep", "needle", "t.txt"); err == nil || err.Error() != "Cancelled" {
		t.Errorf("io/grep under a cancelled evaluation: %v", err)
	}
}

// TestAppendAllOrNothing: a failing append (a full disk, simulated by the
// write hook after half the bytes) leaves the file as it was.
func TestAppendAllOrNothing(t *testing.T) {
	f := newFixture(t, nil)
	f.write("log.txt", "line 1\n")
	defer func(w func(*os.File, []byte) (int, error)) { writeAppended = w }(writeAppended)
	writeAppended = func(fh *os.File, b []byte) (int, error) {
		n, _ := fh.Write(b[:len(b)/2])
		return n, &os.PathError{Op: "write", Path: fh.Name(), Err: syscall.ENOSPC}
	}
	m := f.fails("no space left on device", "spit", "log.txt", "line 2 that does not fit\n", opts(kw("append"), true))
	if get(m, "ok") != false {
		t.Fatal(value.PrStr(m))
	}
	if got := f.read("log.txt"); got != "line 1\n" {
		t.Errorf("after a failed append the file holds %q", got)
	}
	// a file the failed append would have created is not left behind
	f.fails("no space left on device", "spit", "new.txt", "text", opts(kw("append"), true))
	if _, err := os.Stat(filepath.Join(f.root, "new.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed append left new.txt: %v", err)
	}
	writeAppended = func(fh *os.File, b []byte) (int, error) { return fh.Write(b) }
	f.ok("spit", "log.txt", "line 2\n", opts(kw("append"), true))
	if got := f.read("log.txt"); got != "line 1\nline 2\n" {
		t.Errorf("append: %q", got)
	}
}

// TestLineReaderCap: lines up to the cap are whole, longer ones are cut at
// it and the rest is skipped, at every position relative to the buffer.
func TestLineReaderCap(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	for _, tc := range []struct {
		in   string
		max  int
		want []string // "+" suffix: cut
	}{
		{"0123456789\nabc", 10, []string{"0123456789\n", "abc"}},
		{"0123456789A\nb\n", 10, []string{"0123456789+", "b\n"}},
		{"0123456789", 10, []string{"0123456789"}},
		{"0123456789AB", 10, []string{"0123456789+"}},
		{"\n\n", 10, []string{"\n", "\n"}},
		{"", 10, nil},
		{long + "\nz", 100 << 10, []string{long[:100<<10] + "+", "z"}},
		{long + "\nz", 300 << 10, []string{long + "\n", "z"}},
		{long + "\nz", 200 << 10, []string{long + "\n", "z"}},
		{long + "\nz", 200<<10 - 1, []string{long[:200<<10-1] + "+", "z"}},
	} {
		lr := newLineReader(strings.NewReader(tc.in), tc.max)
		var got []string
		for {
			line, cut, err := lr.next(true)
			if err != nil {
				break
			}
			s := string(line)
			if cut {
				s += "+"
				must(t, lr.skipRest())
			}
			got = append(got, s)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%.20q max %d: got %d lines %.60q, want %.60q", tc.in, tc.max, len(got), got, tc.want)
		}
	}
}
