package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spell-go/spell/cmd/spell/cli"
	stemporal "github.com/spell-go/spell/spe/temporal"
	"github.com/spell-go/spell/spe/trace"
)

// TestMain makes the test binary double as spell and spell-temporal
// (dispatched on the name it is started under, through links in binDir),
// so that the tests run the real commands, exec from spell to
// spell-temporal included.
func TestMain(m *testing.M) {
	switch filepath.Base(os.Args[0]) {
	case "spell":
		cli.ProtectSecrets(os.Args, os.Stderr)
		os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
	case "spell-temporal":
		alterWorker(os.Getenv("SPELL_TEMPORAL_TEST_ALTER"))
		os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	stopServer()
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// bin returns a directory with spell and spell-temporal (links to this
// test binary).
func bin(t testing.TB) string {
	binOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			binErr = err
			return
		}
		binDir, binErr = os.MkdirTemp("", "spell-temporal-bin-")
		for _, n := range []string{"spell", "spell-temporal"} {
			if binErr == nil {
				binErr = os.Symlink(exe, filepath.Join(binDir, n))
			}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

// devserver is the test Temporal server (spe/temporal/devserver, built
// by .ci/run; its path in SPELL_TEMPORAL_DEVSERVER).
type devserver struct {
	cmd       *exec.Cmd
	stdin     io.WriteCloser
	addr, ns  string
	startErr  error
	startOnce sync.Once
}

var srv devserver

// server starts the one test server of this package, or skips (locally)
// or fails (in CI, where .ci/run always builds it) without it.
func server(t testing.TB) (addr, ns string) {
	t.Helper()
	path := os.Getenv("SPELL_TEMPORAL_DEVSERVER")
	if path == "" {
		msg := "SPELL_TEMPORAL_DEVSERVER is not set: build the test server with (cd spe/temporal/devserver && go build -o /tmp/devserver .) and set SPELL_TEMPORAL_DEVSERVER=/tmp/devserver (.ci/run does, and sets SPELL_TEMPORAL_REQUIRE=1: there a missing server fails the tests)"
		if os.Getenv("CI") != "" || os.Getenv("SPELL_TEMPORAL_REQUIRE") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	srv.startOnce.Do(func() {
		cmd := exec.Command(path)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			srv.startErr = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			srv.startErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			srv.startErr = err
			return
		}
		srv.cmd, srv.stdin = cmd, stdin
		line := make(chan string, 1)
		go func() {
			s := bufio.NewScanner(out)
			if s.Scan() {
				line <- s.Text()
			}
			close(line)
			_, _ = io.Copy(io.Discard, out)
		}()
		select {
		case l, ok := <-line:
			f := strings.Fields(l)
			if !ok || len(f) != 2 {
				srv.startErr = fmt.Errorf("devserver printed %q, want ADDRESS NAMESPACE", l)
				return
			}
			srv.addr, srv.ns = f[0], f[1]
		case <-time.After(3 * time.Minute):
			srv.startErr = fmt.Errorf("devserver did not start within 3 minutes")
		}
	})
	if srv.startErr != nil {
		t.Fatal(srv.startErr)
	}
	return srv.addr, srv.ns
}

func stopServer() {
	if srv.cmd == nil {
		return
	}
	srv.stdin.Close()
	done := make(chan struct{})
	go func() { _ = srv.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = srv.cmd.Process.Kill()
	}
}

// env is a test's environment: the server, a task queue of its own, a
// state directory, PATH with the commands.
type env struct {
	t         *testing.T
	addr, ns  string
	queue     string
	dir       string
	extra     []string
	mu        sync.Mutex
	processes []*exec.Cmd
}

func newEnv(t *testing.T) *env {
	addr, ns := server(t)
	e := &env{t: t, addr: addr, ns: ns, queue: "q-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), dir: t.TempDir()}
	t.Cleanup(e.stopAll)
	return e
}

func (e *env) environ(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(k, "_API_KEY") || k == "SPELL_MODEL" || k == "PATH" || strings.HasPrefix(k, "SPELL_TEMPORAL_") {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "PATH="+bin(e.t)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_STATE_HOME="+filepath.Join(e.dir, "state"), "TEMPORAL_ADDRESS="+e.addr, "TEMPORAL_NAMESPACE="+e.ns,
		"SPELL_TASK_QUEUE="+e.queue)
	out = append(out, e.extra...)
	return append(out, extra...)
}

// spell runs spell to completion (hang guard: 2 minutes).
func (e *env) spell(dir string, extra []string, args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin(e.t), "spell"), args...)
	cmd.Dir, cmd.Env = dir, e.environ(extra...)
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	err := cmd.Run()
	if ctx.Err() != nil {
		e.t.Fatalf("spell %v did not end within 2 minutes; stderr:\n%s", args, er.String())
	}
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		e.t.Fatalf("spell %v: %v", args, err)
	}
	return o.String(), er.String(), code
}

// start starts a long-running spell (a worker, a followed run).
func (e *env) start(dir string, extra []string, args ...string) (*exec.Cmd, *syncBuffer) {
	e.t.Helper()
	cmd := exec.Command(filepath.Join(bin(e.t), "spell"), args...)
	cmd.Dir, cmd.Env = dir, e.environ(extra...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.processes = append(e.processes, cmd)
	e.mu.Unlock()
	return cmd, out
}

// worker starts a worker on the test's queue and waits until it polls.
func (e *env) worker(extra []string, args ...string) (*exec.Cmd, *syncBuffer) {
	e.t.Helper()
	cmd, out := e.start(e.dir, extra, append([]string{"worker"}, args...)...)
	e.waitFor(out, "polling task queue")
	return cmd, out
}

func (e *env) waitFor(out *syncBuffer, text string) {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			e.t.Fatalf("no %q within 90 s; output:\n%s", text, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) stopAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, cmd := range e.processes {
		if cmd.ProcessState != nil {
			continue
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
}

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

// fxTask is the four-turn replayed task of spe/temporal/testdata: two
// io/spit effects append to fx.log (the effect side-file), io/slurp reads
// it back into the value.
func fxTask(t *testing.T) []string {
	tx, err := filepath.Abs("../../../spe/temporal/testdata/fx.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return []string{"-p", "Append lines", "--model", "replay:" + tx}
}

type runOut struct {
	Value    *string        `json:"value"`
	Error    *string        `json:"error"`
	Calls    map[string]int `json:"calls"`
	MaxDepth int            `json:"max_depth"`
	Effects  map[string]int `json:"effects"`
	TraceDir *string        `json:"trace_dir"`
}

func decodeRun(t *testing.T, stdout string) runOut {
	t.Helper()
	var r runOut
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output %q: %v", stdout, err)
	}
	return r
}

// normalized reads a trace's events without what differs between two runs
// of the same thing (times, durations, run id, argv, directories).
func normalized(t *testing.T, dir string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, trace.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var f map[string]any
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("bad event line %q: %v", line, err)
		}
		for _, k := range []string{"t", "duration_ms", "latency_ms", "run_id", "cwd", "root", "argv", "model"} {
			delete(f, k)
		}
		if f["ev"] == "run.end" {
			delete(f, "usage") // keyed by the model spec, which names the transcript's path
		}
		out = append(out, f)
	}
	return out
}

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == trace.EventsFile {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A replayed multi-turn task run through a worker gives the value, calls,
// effects, prompts (strict replay of the local run's recorded transcript)
// and trace of a local run.
func TestEngineRunMatchesLocalRun(t *testing.T) {
	e := newEnv(t)
	localRoot, remoteRoot := t.TempDir(), t.TempDir()
	rec := filepath.Join(e.dir, "rec.txtar")
	localTrace, remoteTrace := filepath.Join(e.dir, "local"), filepath.Join(e.dir, "remote")
	stdout, stderr, code := e.spell(localRoot, nil, append([]string{"run", "--json", "--record", rec, "--trace-dir", localTrace}, fxTask(t)...)...)
	if code != 0 {
		t.Fatalf("local run: exit %d\n%s%s", code, stdout, stderr)
	}
	local := decodeRun(t, stdout)

	e.worker(nil)
	stdout, stderr, code = e.spell(remoteRoot, nil, "run", "--engine", "temporal", "--json", "--strict", "--trace-dir", remoteTrace,
		"-p", "Append lines", "--model", "replay:"+rec)
	if code != 0 {
		t.Fatalf("temporal run: exit %d\n%s%s", code, stdout, stderr)
	}
	remote := decodeRun(t, stdout)
	if remote.Value == nil || local.Value == nil || *remote.Value != *local.Value || *remote.Value != `"done 2: a\nb\n"` {
		t.Errorf("value: temporal %v, local %v", remote.Value, local.Value)
	}
	if !reflect.DeepEqual(remote.Calls, local.Calls) || !reflect.DeepEqual(remote.Effects, local.Effects) || remote.MaxDepth != local.MaxDepth {
		t.Errorf("temporal %+v\nlocal %+v", remote, local)
	}
	if remote.TraceDir == nil || *remote.TraceDir != remoteTrace {
		t.Errorf("trace_dir %v, want %s", remote.TraceDir, remoteTrace)
	}
	if got, want := normalized(t, remoteTrace), normalized(t, localTrace); !reflect.DeepEqual(got, want) {
		t.Errorf("trace events differ:\ntemporal %v\nlocal    %v", got, want)
	}
	if got, want := files(t, remoteTrace), files(t, localTrace); !reflect.DeepEqual(got, want) {
		t.Errorf("trace files differ:\ntemporal %v\nlocal    %v", got, want)
	}
	if fx, _ := os.ReadFile(filepath.Join(remoteRoot, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("effect side-file: %q", fx)
	}
	// The plain output is a local run's too.
	stdout, _, code = e.spell(t.TempDir(), nil, append([]string{"run", "--engine", "temporal", "--no-trace"}, fxTask(t)...)...)
	if code != 0 || stdout != "done 2: a\nb\n\n" {
		t.Errorf("plain output %q (exit %d)", stdout, code)
	}
}

// A worker killed in the middle of a run (after two model calls and one
// effect) leaves the run to another: nothing is done twice.
func TestKillWorkerMidRun(t *testing.T) {
	e := newEnv(t)
	id, root := killWorkerAtStep4(t, e)
	e.worker(nil, "--identity", "second")
	stdout, stderr, code := e.spell(e.dir, nil, "result", "--json", id)
	if code != 0 {
		t.Fatalf("result: exit %d\n%s%s", code, stdout, stderr)
	}
	r := decodeRun(t, stdout)
	if r.Value == nil || *r.Value != `"done 2: a\nb\n"` {
		t.Errorf("value %v error %v", r.Value, r.Error)
	}
	if fx, _ := os.ReadFile(filepath.Join(root, "fx.log")); string(fx) != "a\nb\n" {
		t.Errorf("effect side-file fx.log = %q: want each of the 2 effects once", fx)
	}
	// Model calls: each (handle, n) once in the run's log.
	seen := map[string]int{}
	for _, ev := range normalized(t, *r.TraceDir) {
		if ev["ev"] == "model.call" || ev["ev"] == "effect.begin" {
			seen[fmt.Sprint(ev["ev"], ev["handle"], ev["n"], ev["turn"], ev["k"])]++
		}
	}
	calls, effects := 0, 0
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s recorded %d times", k, n)
		}
		if strings.HasPrefix(k, "model.call") {
			calls++
		} else {
			effects++
		}
	}
	if calls != 4 || effects != 3 || r.Calls["main"] != 4 {
		t.Errorf("%d model calls and %d effects in the log (calls %v), want 4 and 3", calls, effects, r.Calls)
	}
	// Step 4 was scheduled on the killed worker's own queue (it kept the
	// run after step 3), then on the shared queue; the history replays.
	var queues []string
	for _, ev := range replayable(t, e, id).GetEvents() {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			queues = append(queues, a.GetTaskQueue().GetName())
		}
	}
	shared := fmt.Sprintf("%s@p%d", e.queue, stemporal.Protocol)
	if len(queues) != 8 || queues[0] != shared || !strings.HasPrefix(queues[3], shared+"@") || queues[4] != shared {
		t.Errorf("steps scheduled on %q, want 8: the first on %s, step 4 on the first worker's own queue, then on %[2]s", queues, shared)
	}
}

// spell cancel stops a run whose step is in the middle of an effect; the
// worker goes on serving other runs.
func TestCancelRun(t *testing.T) {
	e := newEnv(t)
	e.worker(nil)
	hb := []string{"SPELL_TEMPORAL_HEARTBEAT_TIMEOUT=3s"}
	stdout, stderr, code := e.spell(e.dir, hb, "run", "--engine", "temporal", "--detach", "-e", `(eval '(io/sh "echo started > started; sleep 60"))`)
	if code != 0 {
		t.Fatalf("submit: exit %d\n%s", code, stderr)
	}
	id := strings.TrimSpace(stdout)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(e.dir, "started")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the effect never started")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, stderr, code := e.spell(e.dir, nil, "cancel", id); code != 0 {
		t.Fatalf("cancel: exit %d\n%s", code, stderr)
	}
	_, stderr, code = e.spell(e.dir, nil, "result", id)
	if code != 1 || !strings.Contains(stderr, "run "+id+" was cancelled") {
		t.Errorf("result of a cancelled run: exit %d\n%s", code, stderr)
	}
	stdout, _, _ = e.spell(e.dir, nil, "status", id)
	if !strings.Contains(stdout, id+" canceled") {
		t.Errorf("status: %q", stdout)
	}
	stdout, stderr, code = e.spell(e.dir, nil, "run", "--engine", "temporal", "--no-trace", "-e", `(eval '(io/sh "echo next"))`)
	if code != 0 || !strings.Contains(stdout, `"next\n"`) {
		t.Errorf("a run after the cancelled one: exit %d\n%s%s", code, stdout, stderr)
	}
}

// Nothing listens at the address: exit 2, the message names it.
func TestNoServer(t *testing.T) {
	e := &env{t: t, addr: "127.0.0.1:1", ns: "default", queue: "q", dir: t.TempDir()}
	for _, args := range [][]string{
		{"run", "--engine", "temporal", "-e", "(+ 1 2)"},
		{"worker"},
		{"status", "some-run"},
	} {
		_, stderr, code := e.spell(e.dir, nil, args...)
		if code != 2 || !strings.Contains(stderr, "no Temporal server at 127.0.0.1:1") {
			t.Errorf("spell %v: exit %d\n%s", args, code, stderr)
		}
	}
}

// A run on a queue no worker polls: the submitter says it is waiting and
// for what; Ctrl-C cancels it (exit 130).
func TestNoWorker(t *testing.T) {
	e := newEnv(t)
	cmd, out := e.start(e.dir, nil, "run", "--engine", "temporal", "--no-trace", "-e", `(eval '(io/sh "true"))`)
	e.waitFor(out, `waiting: no worker polls task queue "`+e.queue+`"`)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d after Ctrl-C, want 130\n%s", code, out.String())
	}
}

// A worker of another step protocol (an incompatible Spell-Go version)
// never takes the run's steps: the submitter says so, and the run goes on
// when a compatible worker comes.
func TestIncompatibleWorkerRefused(t *testing.T) {
	e := newEnv(t)
	root := t.TempDir()
	e.worker(nil, "--protocol", "0", "--identity", "old")
	cmd, out := e.start(root, nil, append([]string{"run", "--engine", "temporal", "--no-trace"}, fxTask(t)...)...)
	e.waitFor(out, fmt.Sprintf(`waiting: no worker of step protocol %d polls task queue "%s@p%d"`, stemporal.Protocol, e.queue, stemporal.Protocol))
	if _, err := os.Stat(filepath.Join(root, "fx.log")); err == nil {
		t.Fatal("the incompatible worker ran an effect")
	}
	e.worker(nil, "--identity", "new")
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(out.String(), "done 2: a\nb\n") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
}

// A step that outlives its start-to-close timeout on every attempt fails
// the run with a clear error.
func TestStepTimeout(t *testing.T) {
	e := newEnv(t)
	e.worker(nil)
	extra := []string{"SPELL_TEMPORAL_STEP_TIMEOUT=2s", "SPELL_TEMPORAL_STEP_ATTEMPTS=1"}
	_, stderr, code := e.spell(e.dir, extra, "run", "--engine", "temporal", "--no-trace", "-e", `(eval '(io/sh "sleep 20"))`)
	if code != 1 || !strings.Contains(stderr, "a step timed out (StartToClose)") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// --record works only with the local engine: refused before anything is
// submitted (exit 2), saying what to run instead.
func TestLocalOnlyFlagsRefused(t *testing.T) {
	e := &env{t: t, addr: "127.0.0.1:1", ns: "default", queue: "q", dir: t.TempDir()}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--engine", "temporal", "--record", "t.txtar", "-e", "(+ 1 2)"}, "--record works only with the local engine: record the transcript with a local run, spell run --record t.txtar … without --engine temporal"},
	} {
		stdout, stderr, code := e.spell(e.dir, nil, c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "spell run: "+c.want) || strings.Contains(stderr, "Temporal server") {
			t.Errorf("spell %q: exit %d\n%s%s", c.args, code, stdout, stderr)
		}
	}
}

// spell run --engine temporal --resume continues a run cut by a crash as
// spell run --resume does: the same output, and the effects of the log
// not run again (cut after the first effect; cut in the middle of the
// second effect's begin line, which may have run: outcome unknown).
func TestResumeOnTemporal(t *testing.T) {
	e := newEnv(t)
	e.worker(nil)
	root := t.TempDir()
	full := filepath.Join(e.dir, "full")
	if _, stderr, code := e.spell(root, nil, append([]string{"run", "--trace-dir", full}, fxTask(t)...)...); code != 0 {
		t.Fatalf("local run: exit %d\n%s", code, stderr)
	}
	events, err := os.ReadFile(filepath.Join(full, trace.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	firstEnd := bytes.Index(events, []byte(`"ev":"effect.end"`))
	firstEnd += bytes.IndexByte(events[firstEnd:], '\n') + 1
	secondBegin := firstEnd + bytes.Index(events[firstEnd:], []byte(`"ev":"effect.begin"`))
	for _, c := range []struct {
		name string
		cut  int
		fx   string
	}{
		{"after the first effect", firstEnd, "a\nb\n"},
		{"torn second effect", secondBegin, "a\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var outs []string
			for _, engine := range []string{"local", "temporal"} {
				dir, root2 := filepath.Join(t.TempDir(), "run-"+engine), t.TempDir()
				for name, text := range files(t, full) {
					if name == trace.ResultFile {
						continue
					}
					p := filepath.Join(dir, name)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				cut := bytes.ReplaceAll(events[:c.cut], []byte(root), []byte(root2))
				if err := os.WriteFile(filepath.Join(dir, trace.EventsFile), cut, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root2, "fx.log"), []byte("a\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				stdout, stderr, code := e.spell(e.dir, nil, "run", "--engine", engine, "--json", "--resume", dir)
				if code != 0 {
					t.Fatalf("%s --resume: exit %d\n%s%s", engine, code, stdout, stderr)
				}
				outs = append(outs, strings.ReplaceAll(stdout, dir, "DIR"))
				if fx, _ := os.ReadFile(filepath.Join(root2, "fx.log")); string(fx) != c.fx {
					t.Errorf("%s --resume: fx.log = %q, want %q", engine, fx, c.fx)
				}
				if engine == "temporal" {
					if b, err := os.ReadFile(filepath.Join(dir, trace.EventsFile)); err != nil || !bytes.Contains(b, []byte(`"ev":"run.end"`)) {
						t.Errorf("the resumed trace has no run.end (%v)", err)
					}
				}
			}
			if outs[0] != outs[1] {
				t.Errorf("--json:\nlocal    %s\ntemporal %s", outs[0], outs[1])
			}
		})
	}
}

// --timeout counts from the run's start, also on the worker that takes
// the run over (it counted from the step that opened the run on its
// worker: a run that moved had its whole timeout again). The run here
// spends more than its 10 s before the move and 4 s of sleeps after it.
func TestTimeoutCountsFromTheRunsStart(t *testing.T) {
	e := newEnv(t)
	held := filepath.Join(e.dir, "held")
	first, _ := e.worker([]string{"SPELL_TEMPORAL_HOLD=2:" + held}, "--identity", "first")
	program := `(do (eval '(io/sh "true")) (eval '(io/sh "sleep 2")) (eval '(io/sh "sleep 2")) :done)`
	stdout, stderr, code := e.spell(e.dir, []string{"SPELL_TEMPORAL_HEARTBEAT_TIMEOUT=3s"}, "run", "--engine", "temporal", "--detach", "--timeout", "10s", "-e", program)
	if code != 0 {
		t.Fatalf("submit: exit %d\n%s", code, stderr)
	}
	id := strings.TrimSpace(stdout)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := os.Stat(held); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first worker never reached step 2")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	time.Sleep(8 * time.Second) // with the heartbeat timeout: over 10 s since the start
	e.worker(nil, "--identity", "second")
	_, stderr, code = e.spell(e.dir, nil, "result", "--no-trace", id)
	if code != 1 || !strings.Contains(stderr, "Run timed out after 10s") {
		t.Errorf("result: exit %d\n%s", code, stderr)
	}
}
