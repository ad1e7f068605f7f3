package spellio

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// killGrace is the time between SIGTERM and SIGKILL of a process group.
const killGrace = 2 * time.Second

// pipeGrace is how long output is still collected after the command itself
// exited while a background process keeps its pipes open.
const pipeGrace = 500 * time.Millisecond

// shell is bash when present, else /bin/sh; looked up on first use.
func shell() string {
	shellOnce.Do(func() {
		shellPath = "/bin/sh"
		if p, err := exec.LookPath("bash"); err == nil {
			shellPath = p
		}
	})
	return shellPath
}

var (
	shellOnce sync.Once
	shellPath string
)

// procOpts are the options of sh and exec.
type procOpts struct {
	timeout time.Duration // 0: none besides the run's context
}

func (n *ns) parseProcOpts(v value.Value) (procOpts, error) {
	o := procOpts{timeout: n.defaultTimeout()}
	opts, err := eval.OptionMap(v, "timeout")
	if err != nil {
		return o, err
	}
	if t, ok := opts["timeout"]; ok && t != nil {
		f, ok := value.ToFloat64(t)
		if !ok || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return o, fmt.Errorf("option :timeout must be a number of seconds >= 0, got %s", value.PrStr(t))
		}
		o.timeout = time.Duration(math.Ceil(f)) * time.Second
	}
	return o, nil
}

// defaultTimeout: SPELL_SH_TIMEOUT, else the profile's, else 30 s.
func (n *ns) defaultTimeout() time.Duration {
	if s := os.Getenv("SPELL_SH_TIMEOUT"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 {
			return time.Duration(math.Ceil(f)) * time.Second
		}
	}
	if n.cfg.ShTimeout > 0 {
		return n.cfg.ShTimeout
	}
	return DefaultShTimeout
}

func (n *ns) sh(c *eval.Call, args []value.Value) (value.Value, error) {
	parts := args
	var optv value.Value
	if len(parts) > 1 {
		if m, ok := parts[len(parts)-1].(*value.Map); ok {
			optv, parts = m, parts[:len(parts)-1]
		}
	}
	var b strings.Builder
	for _, p := range parts {
		s, ok := p.(string)
		if !ok {
			return nil, errors.New("io/sh: all command segments must be strings")
		}
		b.WriteString(s)
	}
	o, err := n.parseProcOpts(optv)
	if err != nil {
		return nil, err
	}
	return n.run([]string{shell(), "-c", b.String()}, o)
}

func (n *ns) exec(c *eval.Call, args []value.Value) (value.Value, error) {
	argv, err := argvOf(args[0])
	if err != nil {
		return nil, err
	}
	var optv value.Value
	if len(args) == 2 {
		optv = args[1]
	}
	o, err := n.parseProcOpts(optv)
	if err != nil {
		return nil, err
	}
	return n.run(argv, o)
}

func argvOf(v value.Value) ([]string, error) {
	var items []value.Value
	switch x := v.(type) {
	case *value.Vector:
		items = x.Slice()
	case *value.List:
		items = x.Slice()
	default:
		return nil, fmt.Errorf("argv must be a vector of strings, got %s: %s", value.TypeName(v), value.PrStr(v))
	}
	if len(items) == 0 {
		return nil, errors.New("argv must not be empty")
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("every argv entry must be a string, got %s: %s", value.TypeName(it), value.PrStr(it))
		}
		out[i] = s
	}
	return out, nil
}

// run starts argv in the workspace root in its own process group with the
// filtered environment and returns the process envelope. A timeout kills
// the whole group (SIGTERM, SIGKILL after 2 s); so does cancellation of the
// run's context, which is reported as a fatal "Cancelled" error.
func (n *ns) run(argv []string, o procOpts) (value.Value, error) {
	return n.runEnv(argv, o, nil)
}

func (n *ns) runEnv(argv []string, o procOpts, extraEnv []string) (value.Value, error) {
	return n.runFull(argv, o, append(FilterEnv(n.environ(), n.cfg.EnvAllow), extraEnv...))
}

// runFull is run with env as the whole environment of the process.
func (n *ns) runFull(argv []string, o procOpts, env []string) (value.Value, error) {
	if err := n.cfg.Ctx.Err(); err != nil {
		return nil, eval.Cancelled()
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = n.space.rootDir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	outR, outW, err := os.Pipe()
	if err != nil {
		return procEnvelope(false, "", err.Error(), nil, false), nil
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return procEnvelope(false, "", err.Error(), nil, false), nil
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	startErr := cmd.Start()
	outW.Close()
	errW.Close()
	if startErr != nil {
		outR.Close()
		errR.Close()
		return procEnvelope(false, "", "Cannot start process: "+startErr.Error(), nil, false), nil
	}
	pgid := cmd.Process.Pid
	n.cfg.Procs.started(pgid)
	defer n.cfg.Procs.leftBehind(pgid) // after the leader was reaped
	stdout := &cappedBuffer{max: maxOutput}
	stderr := &cappedBuffer{max: maxOutput}
	var readers sync.WaitGroup
	for _, p := range []struct {
		r *os.File
		w io.Writer
	}{{outR, stdout}, {errR, stderr}} {
		readers.Add(1)
		go func() {
			defer readers.Done()
			_, _ = io.Copy(p.w, p.r)
		}()
	}
	readersDone := make(chan struct{})
	go func() { readers.Wait(); close(readersDone) }()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var timeout <-chan time.Time
	if o.timeout > 0 {
		t := time.NewTimer(o.timeout)
		defer t.Stop()
		timeout = t.C
	}
	closePipes := func() {
		outR.Close()
		errR.Close()
		<-readersDone
	}
	select {
	case waitErr := <-exited:
		select {
		case <-readersDone:
		case <-time.After(pipeGrace):
			// a background process holds the pipes: stop collecting
		}
		closePipes()
		out, tOut := stdout.result()
		errText, tErr := stderr.result()
		code := exitCode(cmd.ProcessState, waitErr)
		var errv value.Value
		if errText != "" {
			errv = errText
		}
		return procEnvelope(code == 0, out, errv, int64(code), tOut || tErr), nil
	case <-timeout:
		killGroup(pgid, exited)
		closePipes()
		secs := int64(math.Ceil(o.timeout.Seconds()))
		return procEnvelope(false, "", fmt.Sprintf("Command timed out after %d seconds", secs), int64(-1), true), nil
	case <-n.cfg.Ctx.Done():
		killGroup(pgid, exited)
		closePipes()
		return nil, eval.Cancelled()
	}
}

// exitCode is the exit status, or 128+signal for a signalled process.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// killGroup sends SIGTERM to the process group, then SIGKILL after
// killGrace if any member is still alive, and reaps the leader.
func killGroup(pgid int, exited <-chan error) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(killGrace)
	leaderDone := false
	for time.Now().Before(deadline) {
		if !leaderDone {
			select {
			case <-exited:
				leaderDone = true
			default:
			}
		}
		if leaderDone && !groupAlive(pgid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if !leaderDone {
		<-exited
	}
}

// groupAlive reports whether a process of the group still exists (zombies
// awaiting their reaper count as gone).
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); err != nil {
		return false
	}
	return groupMembers(pgid) > 0
}

// groupMembers counts the live (non-zombie) processes of a group via /proc;
// without /proc it trusts kill(2) and reports 1.
func groupMembers(pgid int) int {
	m, ok := groupPids(pgid)
	if !ok {
		return 1
	}
	return len(m)
}

// groupPids lists the live (non-zombie) processes of a group with their
// start times (clock ticks since boot) via /proc; ok is false without
// /proc.
func groupPids(pgid int) (map[int]string, bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, false
	}
	out := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp … starttime (field 22); comm may
		// contain spaces and parentheses
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 20 {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid && f[0] != "Z" && f[0] != "X" {
			out[pid] = f[19]
		}
	}
	return out, true
}

// Procs tracks the process groups whose commands ended while background
// members were still running (`(io/sh "server &")`), so that those
// processes live on for the rest of the run and die with it: KillAll is
// called when the run ends. One Procs serves every io namespace of a run.
type Procs struct {
	mu      sync.Mutex
	running map[int]bool           // groups of commands still running (leader not reaped)
	groups  map[int]map[int]string // pgid → members (pid → start time) seen at command end
}

// NewProcs returns an empty tracker.
func NewProcs() *Procs {
	return &Procs{running: map[int]bool{}, groups: map[int]map[int]string{}}
}

func (p *Procs) started(pgid int) {
	p.mu.Lock()
	p.running[pgid] = true
	p.mu.Unlock()
}

// leftBehind ends the tracking of a running command (its leader exited and
// was reaped) and records its group if members remain.
func (p *Procs) leftBehind(pgid int) {
	members, ok := groupPids(pgid)
	gone := (ok && len(members) == 0) || (!ok && syscall.Kill(-pgid, 0) != nil)
	p.mu.Lock()
	delete(p.running, pgid)
	if !gone {
		p.groups[pgid] = members
	}
	p.mu.Unlock()
}

// KillAll kills the groups of running commands and every recorded group
// that still has live members: SIGTERM, then SIGKILL after 2 s, or at once
// when now is set. A recorded group counts as ours only while one of the
// processes seen at command end is still alive with the same start time,
// so a process group id reused by an unrelated program is left alone.
func (p *Procs) KillAll(now bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	groups := p.groups
	p.groups = map[int]map[int]string{}
	var live []int
	for g := range p.running {
		live = append(live, g)
	}
	p.mu.Unlock()
	for pgid, seen := range groups {
		cur, ok := groupPids(pgid)
		if !ok {
			if syscall.Kill(-pgid, 0) == nil {
				live = append(live, pgid)
			}
			continue
		}
		for pid, start := range cur {
			if seen[pid] == start {
				live = append(live, pgid)
				break
			}
		}
	}
	for _, g := range live {
		_ = syscall.Kill(-g, syscall.SIGTERM)
	}
	grace := killGrace
	if now {
		grace = 0
	}
	deadline := time.Now().Add(grace)
	for len(live) > 0 && time.Now().Before(deadline) {
		rest := live[:0]
		for _, g := range live {
			if groupAlive(g) {
				rest = append(rest, g)
			}
		}
		live = rest
		if len(live) > 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, g := range live {
		_ = syscall.Kill(-g, syscall.SIGKILL)
	}
}

// ---- sh-test ----

func (n *ns) shTest(c *eval.Call, args []value.Value) (value.Value, error) {
	cmdText, err := argString("command", args[0])
	if err != nil {
		return nil, err
	}
	fn := eval.NewFn("io/sh-test", func(c2 *eval.Call, a []value.Value) (value.Value, error) {
		if len(a) != 0 {
			return nil, fmt.Errorf("the io/sh-test function takes no arguments, got %d", len(a))
		}
		cn := n.forCall(c2)
		res, err := n.through(c2, "io/sh", []value.Value{cmdText}, func() (value.Value, error) {
			o, err := cn.parseProcOpts(nil)
			if err != nil {
				return nil, err
			}
			return cn.run([]string{shell(), "-c", cmdText}, o)
		})
		if err != nil {
			return nil, err
		}
		m, ok := res.(*value.Map)
		if !ok {
			return nil, fmt.Errorf("io/sh-test: unexpected result %s", value.PrStr(res))
		}
		exit, _ := m.Get(value.Kw("exit"))
		out, _ := m.Get(value.Kw("out"))
		errv, _ := m.Get(value.Kw("err"))
		pass := false
		if code, ok := exit.(int64); ok && code == 0 {
			pass = true
		}
		exitText := "nil"
		if exit != nil {
			exitText = value.Str(exit)
		}
		output := "COMMAND: " + cmdText + "\nEXIT: " + exitText + "\nOUT: " + value.Str(out) + "\nERR: " + value.Str(errv)
		return value.NewMap(value.Kw("pass"), pass, value.Kw("output"), output), nil
	})
	fn.Min, fn.Max = 0, 0
	return fn, nil
}

// ---- git ----

var gitAllowed = []string{"blame", "diff", "log", "rev-parse", "show", "status"}

// gitRefusedLong are long flags that write files, run programs or leave the
// workspace; abbreviations git would accept are refused too. --contents
// (blame reads an arbitrary file) is refused in addition to the spec's list.
var gitRefusedLong = []string{"--output", "--ext-diff", "--textconv", "--config-env", "--exec-path",
	"--git-dir", "--work-tree", "--no-index", "--contents"}

// gitExactFlags are real flags that merely look like abbreviations of a
// refused one (git prefers the exact name).
var gitExactFlags = []string{"--text", "--no-ext-diff", "--no-textconv"}

var gitRefusedShort = []string{"-c", "-C"}

// gitSafety are configuration overrides so repository configuration cannot
// run programs (fsmonitor, pager, external diff, signature verification).
var gitSafety = []string{"--no-pager", "-c", "core.fsmonitor=false", "-c", "core.pager=cat",
	"-c", "diff.external=", "-c", "log.showSignature=false", "-c", "core.hooksPath=/dev/null",
	"-c", "gpg.program=false", "-c", "gpg.ssh.program=false", "-c", "gpg.x509.program=false",
	"-c", "protocol.allow=never", "-c", "diff.ignoreSubmodules=all"}

func (n *ns) git(c *eval.Call, args []value.Value) (value.Value, error) {
	strs := make([]string, len(args))
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("git arguments must be strings, got %s: %s", value.TypeName(a), value.PrStr(a))
		}
		strs[i] = s
	}
	sub := strs[0]
	if !contains(gitAllowed, sub) {
		return nil, fmt.Errorf("git subcommand not allowed: %q. Allowed: %s", sub, strings.Join(gitAllowed, ", "))
	}
	for _, a := range strs[1:] {
		if flag := gitRefused(a); flag != "" || gitSubmoduleRecursion(a) {
			if flag == "" {
				flag = a
			}
			return nil, fmt.Errorf("git flag not allowed: %q (%s writes files, runs programs or leaves the workspace)", a, flag)
		}
	}
	rest, err := n.gitPaths(sub, strs[1:])
	if err != nil {
		var f *failure
		if errors.As(err, &f) {
			return procEnvelope(false, "", f.msg, nil, false), nil
		}
		return nil, err
	}
	o, err := n.parseProcOpts(nil)
	if err != nil {
		return nil, err
	}
	env := n.gitEnv(false)
	repo, err := n.gitLocate(o, env)
	if err != nil {
		return nil, err
	}
	switch {
	case repo.fail != "":
		return procEnvelope(false, "", repo.fail, nil, false), nil
	case !repo.found && sub == "diff":
		// Outside a work tree git diff silently compares two arbitrary
		// files (its --no-index mode): refuse instead.
		return procEnvelope(false, "", "Not inside a git work tree: io/git diff outside a repository would compare arbitrary files (git's --no-index mode), which is refused", nil, false), nil
	case repo.prefix != "" && sub != "rev-parse":
		env = n.gitEnv(true)
		if rest, err = n.gitSubdir(sub, rest, repo.prefix, o, env); err != nil {
			var f *failure
			if errors.As(err, &f) {
				return procEnvelope(false, "", f.msg, nil, false), nil
			}
			return nil, err
		}
	}
	filtersOff, err := n.gitFiltersOff(o, env)
	if err != nil {
		return nil, err
	}
	argv := append(append([]string{"git"}, gitSafety...), filtersOff...)
	argv = append(argv, sub)
	switch sub {
	case "diff", "log", "show":
		argv = append(argv, "--no-ext-diff", "--no-textconv")
	case "blame":
		argv = append(argv, "--no-textconv")
	}
	argv = append(argv, rest...)
	return n.runFull(argv, o, env)
}

// gitPaths confines the path arguments of a git call to the workspace
// (effects.md §1.3, §11.1) and returns the arguments to pass. Every
// argument that git may read as a path — each non-option argument, every
// argument after "--", and the value of a "--flag=value" or of an attached
// short option — must resolve inside the workspace root (not the temp
// directory: git would compare it outside the repository). Revisions such
// as HEAD~2 or main..topic resolve harmlessly inside. When the caller gave
// no "--", the trailing arguments that name existing workspace files are
// passed after a "--" so git cannot take them for revisions or options.
func (n *ns) gitPaths(sub string, args []string) ([]string, error) {
	sep := -1
	for i, a := range args {
		var cands []string
		switch {
		case sep >= 0 || !strings.HasPrefix(a, "-"):
			cands = []string{a}
		case a == "--":
			sep = i
			continue
		case strings.HasPrefix(a, "--"):
			if _, v, ok := strings.Cut(a, "="); ok {
				cands = []string{v}
			}
		case len(a) > 2:
			cands = []string{a[2:]}
		}
		for _, p := range cands {
			if p == "" {
				continue
			}
			if err := n.gitConfined(p); err != nil {
				return nil, err
			}
		}
	}
	if sep >= 0 || sub == "rev-parse" {
		return args, nil
	}
	// the trailing run of existing files, not directly after an option
	// (which may take it as its value)
	start := len(args)
	for start > 0 {
		a := args[start-1]
		if strings.HasPrefix(a, "-") || (start >= 2 && strings.HasPrefix(args[start-2], "-") && !strings.Contains(args[start-2], "=")) {
			break
		}
		if !n.gitExists(a) {
			break
		}
		start--
	}
	if start == len(args) {
		return args, nil
	}
	out := append(append(append([]string{}, args[:start]...), "--"), args[start:]...)
	return out, nil
}

// gitConfined refuses a git path argument that leaves the workspace root.
func (n *ns) gitConfined(p string) error {
	l, err := n.space.resolve(p, true)
	if err != nil {
		var e *escapeError
		if errors.As(err, &e) {
			return &failure{msg: e.Error()}
		}
		return &failure{msg: err.Error()}
	}
	if l.temp {
		return &failure{msg: (&escapeError{p}).Error()}
	}
	return nil
}

// gitExists reports whether a (confined) argument names an existing entry
// of the workspace.
func (n *ns) gitExists(p string) bool {
	l, err := n.space.resolve(p, false)
	if err != nil || l.temp {
		return false
	}
	_, err = l.r.Lstat(l.rel)
	return err == nil
}

// gitRefused returns the refused flag an argument names, or "".
func gitRefused(a string) string {
	for _, s := range gitRefusedShort {
		if a == s {
			return s
		}
	}
	if !strings.HasPrefix(a, "--") || a == "--" {
		return ""
	}
	name, _, _ := strings.Cut(a, "=")
	if contains(gitExactFlags, name) {
		return ""
	}
	for _, l := range gitRefusedLong {
		if name == l || (len(name) > 4 && strings.HasPrefix(l, name)) {
			return l
		}
	}
	return ""
}
