package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tests of issue 8, item 2: cancellation reaches running io work. They run
// the real `spell` binary (the test binary under that name, see TestMain),
// send it signals and check its exit status, its trace and that no process
// it started survives. hangGuard only turns a hang into a failure; nothing
// asserts how fast anything is.

const hangGuard = 90 * time.Second

// spellProc is a started `spell run` in its own workspace.
type spellProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	dir    string // workspace and working directory
	trace  string // --trace-dir
	stderr bytes.Buffer
	done   chan struct{}
}

func startSpell(t *testing.T, args ...string) *spellProc {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc and POSIX signals")
	}
	bin, err := exec.LookPath("spell")
	if err != nil {
		t.Skip("the spell command is not set up: ", err)
	}
	p := &spellProc{t: t, dir: t.TempDir(), done: make(chan struct{})}
	p.trace = filepath.Join(t.TempDir(), "trace")
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home + "/config", "XDG_STATE_HOME=" + home + "/state",
		"XDG_CACHE_HOME=" + home + "/cache", "SPELL_SEED=1"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "XDG_") || k == "HOME" || strings.HasSuffix(k, "_API_KEY") || unsetVars[k] {
			continue
		}
		env = append(env, kv)
	}
	p.cmd = exec.Command(bin, append([]string{"run", "--trace-dir", p.trace}, args...)...)
	p.cmd.Dir, p.cmd.Env, p.cmd.Stderr = p.dir, env, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFile waits until the workspace file name holds a line (written by
// the program), failing when spell exits first.
func (p *spellProc) waitFile(name string) int {
	p.t.Helper()
	deadline := time.Now().Add(hangGuard)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(p.dir, name)); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				p.t.Fatalf("%s: %q", name, b)
			}
			return pid
		}
		select {
		case <-p.done:
			p.t.Fatalf("spell exited before writing %s: %v\n%s", name, p.cmd.ProcessState, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.t.Fatalf("%s never appeared", name)
	return 0
}

// wait waits for spell to exit and returns its exit code.
func (p *spellProc) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(hangGuard):
		p.t.Fatalf("spell did not exit\n%s", p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// lastEvent returns the last line of the trace's events.jsonl.
func (p *spellProc) lastEvent() string {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(p.trace, "events.jsonl"))
	if err != nil {
		p.t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// gone fails when a process is still running (zombies count as gone: they
// wait for a reaper that may not be this test).
func gone(t *testing.T, what string, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for procAlive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if procAlive(pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("%s (pid %d) survived the run", what, pid)
	}
}

func procAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z' && s[i+2] != 'X'
}

// longCommand writes the shell's and a background child's pids, then
// sleeps far longer than any test waits.
const longCommand = `(eval (quote (io/sh "echo $$ > sh.pid; sleep 300 & echo $! > bg.pid; sleep 300" {:timeout 0})))`

func TestSignalStopsRunningCommand(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		msg  string
	}{
		{syscall.SIGINT, 130, "Interrupted."},
		{syscall.SIGTERM, 143, "Terminated."},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			p := startSpell(t, "-e", longCommand)
			sh, bg := p.waitFile("sh.pid"), p.waitFile("bg.pid")
			if err := p.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(); code != tc.code {
				t.Errorf("exit code %d, want %d\n%s", code, tc.code, p.stderr.String())
			}
			if !strings.Contains(p.stderr.String(), tc.msg) {
				t.Errorf("stderr lacks %q:\n%s", tc.msg, p.stderr.String())
			}
			gone(t, "the shell", sh)
			gone(t, "its background child", bg)
			if ev := p.lastEvent(); !strings.Contains(ev, `"run.end"`) || !strings.Contains(ev, `"interrupted"`) {
				t.Errorf("the trace does not end with an interrupted run.end: %s", ev)
			}
		})
	}
}

// TestSignalStopsPureEvaluation: a run that only evaluates (no effect, no
// model call) watches Ctrl-C once its evaluation runs long (eval's Busy
// calls Acting): SIGINT then ends it with 130 and the message, not by the
// signal's default action.
func TestSignalStopsPureEvaluation(t *testing.T) {
	p := startSpell(t, "-e", "(loop [i 0] (recur (inc i)))")
	p.waitCPU(200 * time.Millisecond) // far past start-up: it is evaluating
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(); code != 130 || !strings.Contains(p.stderr.String(), "Interrupted.") {
		t.Errorf("exit code %d (%v), want 130 and Interrupted.\n%s", code, p.cmd.ProcessState, p.stderr.String())
	}
}

// waitCPU waits until spell has used d of CPU time (/proc/PID/stat's
// utime and stime, in clock ticks of 10 ms), failing when it exits first.
func (p *spellProc) waitCPU(d time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(hangGuard)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/stat")
		if err == nil {
			s := string(b)
			if i := strings.LastIndexByte(s, ')'); i > 0 {
				if f := strings.Fields(s[i+1:]); len(f) > 12 {
					ut, _ := strconv.Atoi(f[11])
					st, _ := strconv.Atoi(f[12])
					if time.Duration(ut+st)*10*time.Millisecond >= d {
						return
					}
				}
			}
		}
		select {
		case <-p.done:
			p.t.Fatalf("spell exited early: %v\n%s", p.cmd.ProcessState, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.t.Fatalf("spell used less than %v of CPU in %v", d, hangGuard)
}

// TestSecondSignalExitsAtOnce: a command that ignores SIGTERM would keep
// the first signal waiting for the kill grace period; a second signal
// kills the groups at once and exits.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	p := startSpell(t, "-e", `(eval (quote (io/sh "trap '' TERM; echo $$ > sh.pid; sleep 300" {:timeout 0})))`)
	sh := p.waitFile("sh.pid")
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(); code != 130 {
		t.Errorf("exit code %d, want 130\n%s", code, p.stderr.String())
	}
	gone(t, "the shell", sh)
}

func TestTimeoutStopsRunningCommand(t *testing.T) {
	p := startSpell(t, "--timeout", "2s", "-e", longCommand)
	if code := p.wait(); code != 1 {
		t.Errorf("exit code %d, want 1\n%s", code, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "Run timed out after 2s") {
		t.Errorf("stderr lacks the timeout:\n%s", p.stderr.String())
	}
	gone(t, "the shell", p.waitFile("sh.pid"))
	gone(t, "its background child", p.waitFile("bg.pid"))
}

// TestBackgroundChildDiesWithRun: `(io/sh "sleep 300 &")` returns at once;
// the sleep dies when the run ends.
func TestBackgroundChildDiesWithRun(t *testing.T) {
	p := startSpell(t, "-e", `(eval (quote (io/sh "sleep 300 > /dev/null 2>&1 & echo $! > bg.pid")))`)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, p.stderr.String())
	}
	gone(t, "the background child", p.waitFile("bg.pid"))
}

// TestSignalWatchStartsWhenNeeded: a run that makes no effect or model
// call and evaluates briefly never starts the signal watch (issue 11,
// start-up: no timer waits either); Acting (spe.Config.Acting, also
// called by a long evaluation) starts it, after which a real SIGINT
// cancels the run instead of ending the process.
func TestSignalWatchStartsWhenNeeded(t *testing.T) {
	brief := &runSignals{}
	brief.start(context.Background(), func() {})
	time.Sleep(50 * time.Millisecond)
	if brief.started.Load() {
		t.Error("a brief run started the signal watch")
	}
	brief.stop()
	brief.watch()
	if brief.started.Load() {
		t.Error("the watch started after the run stopped")
	}

	acting := &runSignals{}
	ctx := acting.start(context.Background(), func() {})
	defer acting.stop()
	acting.watch()
	if !acting.started.Load() {
		t.Fatal("Acting did not start the watch")
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(hangGuard):
		t.Fatal("SIGINT did not cancel the run")
	}
	if acting.status() != 130 || acting.message() != "Interrupted." {
		t.Errorf("status %d %q, want 130 Interrupted.", acting.status(), acting.message())
	}
}
