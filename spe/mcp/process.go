package spellmcp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// keptEnv are the variables a stdio child inherits (effects.md §10); all
// others are cleared, and the profile's :env is added.
var keptEnv = []string{"HOME", "LANG", "LC_ALL", "PATH", "TMPDIR"}

// ChildEnv is the environment of a stdio child: keptEnv from environ plus
// explicit.
func ChildEnv(environ []string, explicit map[string]string) []string {
	var out []string
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || explicit[name] != "" {
			continue
		}
		for _, k := range keptEnv {
			if name == k {
				out = append(out, kv)
			}
		}
	}
	for _, k := range sortedKeys(explicit) {
		out = append(out, k+"="+explicit[k])
	}
	return out
}

// stopGrace is the wait between the steps of closing a child: close stdin,
// SIGTERM, SIGKILL.
var stopGrace = 2 * time.Second

// process is a running stdio server: its stdin is the transport's writer
// (closing it stops the child), its stdout is read through a guard that
// checks every message.
type process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *guardReader
	stderr *ring

	waitOnce sync.Once
	done     chan struct{}
	waitErr  error
	close    sync.Once
}

func startProcess(cfg *StdioConfig, env map[string]string, environ []string, cwd string, fail func(error), red *Redactor) (*process, error) {
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Env = ChildEnv(environ, env)
	cmd.Dir = cwd
	if cfg.Cwd != "" {
		cmd.Dir = cfg.Cwd
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{cmd: cmd, stderr: newRing(cfg.StderrMaxLines, cfg.StderrMaxLineBytes), done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p.stdout = &guardReader{src: bufio.NewReaderSize(stdout, 64<<10), max: cfg.MaxMessageBytes, fail: func(err error) {
		if errors.Is(err, io.EOF) {
			// The child closed its output: say how it ended.
			if p.wait(stopGrace) {
				err = fmt.Errorf("the server exited (%s)", exitText(p.waitErr))
			} else {
				err = errors.New("the server closed its output")
			}
		}
		fail(err)
	}}
	return p, nil
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// wait reaps the child, waiting at most d; it reports whether the child
// has exited.
func (p *process) wait(d time.Duration) bool {
	p.waitOnce.Do(func() {
		go func() {
			p.waitErr = p.cmd.Wait()
			close(p.done)
		}()
	})
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *process) Write(b []byte) (int, error) { return p.stdin.Write(b) }

// Close stops the child: close stdin, wait, SIGTERM the process group,
// wait, SIGKILL it.
func (p *process) Close() error {
	p.close.Do(func() {
		_ = p.stdin.Close()
		if p.wait(stopGrace) {
			return
		}
		pgid := -p.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		if p.wait(stopGrace) {
			return
		}
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		p.wait(stopGrace)
	})
	return nil
}

// guardReader passes the child's stdout on one whole line at a time after
// checking it: at most max bytes, valid UTF-8, valid JSON. A bad line, or
// the end of the output, fails the transport (fail is told why) and every
// later Read returns that error.
type guardReader struct {
	src  *bufio.Reader
	max  int
	fail func(error)
	buf  []byte // the checked line being served
	err  error
}

// Errors of the stdio guard.
var (
	ErrOversized = errors.New("message larger than the limit")
	ErrNotJSON   = errors.New("message is not JSON")
	ErrNotUTF8   = errors.New("message is not valid UTF-8")
)

func (g *guardReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		line, err := g.readLine()
		if err != nil {
			g.err = err
			g.fail(err)
			return 0, err
		}
		g.buf = line
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

func (g *guardReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := g.src.ReadSlice('\n')
		if len(line)+len(chunk) > g.max+1 { // +1: the newline
			return nil, fmt.Errorf("%w (%d bytes): the server sent an oversized message", ErrOversized, g.max)
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if len(strings.TrimSpace(string(line))) > 0 {
				return nil, fmt.Errorf("%w: the output ended inside a message", ErrNotJSON)
			}
			return nil, err
		}
		body := strings.TrimRight(string(line), "\r\n")
		if strings.TrimSpace(body) == "" {
			line = line[:0]
			continue
		}
		if !utf8.ValidString(body) {
			return nil, fmt.Errorf("%w: the server sent invalid UTF-8", ErrNotUTF8)
		}
		if !json.Valid([]byte(body)) {
			return nil, fmt.Errorf("%w: the server wrote %q", ErrNotJSON, capStr(body, 80))
		}
		return line, nil
	}
}

// ring keeps the last lines of stderr, each capped.
type ring struct {
	mu       sync.Mutex
	max      int
	maxLine  int
	buf      []string
	partial  []byte
	overflow bool // the partial line passed maxLine
}

func newRing(lines, lineBytes int) *ring {
	return &ring{max: lines, maxLine: lineBytes}
}

func (r *ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range p {
		if b == '\n' {
			r.push()
			continue
		}
		if len(r.partial) < r.maxLine {
			r.partial = append(r.partial, b)
		} else {
			r.overflow = true
		}
	}
	return len(p), nil
}

func (r *ring) push() {
	s := strings.ToValidUTF8(string(r.partial), "\uFFFD")
	if r.overflow {
		s += "…"
	}
	r.buf = append(r.buf, s)
	if len(r.buf) > r.max {
		r.buf = r.buf[len(r.buf)-r.max:]
	}
	r.partial, r.overflow = r.partial[:0], false
}

func (r *ring) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.buf...)
	if len(r.partial) > 0 {
		out = append(out, strings.ToValidUTF8(string(r.partial), "\uFFFD"))
	}
	return out
}

// Close is a no-op: the child's stdout closes when it is reaped.
func (g *guardReader) Close() error { return nil }
