package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests drive this test binary acting as spell-lsp (see TestMain)
// over real pipes: broken frames, malformed JSON and wrong parameter types
// (issue 8 item 9). Deadlines are hang guards, not timing assertions.

type stdioServer struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	frames chan map[string]json.RawMessage
	mu     sync.Mutex
	stderr bytes.Buffer
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func startServer(t *testing.T) *stdioServer {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := &stdioServer{t: t, frames: make(chan map[string]json.RawMessage, 64)}
	s.cmd = exec.Command(self)
	s.cmd.Env = append(os.Environ(), "SPELL_LSP_TEST_SERVER=1")
	s.cmd.Stderr = lockedWriter{&s.mu, &s.stderr}
	s.stdin, err = s.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	go func() {
		defer close(s.frames)
		r := bufio.NewReader(stdout)
		for {
			h, err := textproto.NewReader(r).ReadMIMEHeader()
			if err != nil {
				return
			}
			n, err := strconv.Atoi(h.Get("Content-Length"))
			if err != nil {
				return
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				return
			}
			var m map[string]json.RawMessage
			if json.Unmarshal(body, &m) == nil {
				s.frames <- m
			}
		}
	}()
	s.send(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`))
	s.wait(`1`)
	s.send(frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`))
	return s
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

func (s *stdioServer) send(raw string) {
	s.t.Helper()
	if _, err := io.WriteString(s.stdin, raw); err != nil {
		s.t.Fatal(err)
	}
}

func (s *stdioServer) errText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// wait returns the next response with the given id ("null" for responses
// to unreadable messages), skipping server notifications.
func (s *stdioServer) wait(id string) map[string]json.RawMessage {
	s.t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-s.frames:
			if !ok {
				s.t.Fatalf("server closed its output waiting for id %s; stderr:\n%s", id, s.errText())
			}
			if m["method"] == nil && string(m["id"]) == id {
				return m
			}
		case <-timeout:
			s.t.Fatalf("no response with id %s; stderr:\n%s", id, s.errText())
		}
	}
}

// finish sends shutdown and exit and returns the exit code.
func (s *stdioServer) finish() int {
	s.t.Helper()
	s.send(frame(`{"jsonrpc":"2.0","id":1000,"method":"shutdown"}`))
	s.wait(`1000`)
	s.send(frame(`{"jsonrpc":"2.0","method":"exit"}`))
	return s.exitCode()
}

func (s *stdioServer) exitCode() int {
	s.t.Helper()
	s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		s.t.Fatalf("server did not exit; stderr:\n%s", s.errText())
		return -1
	}
}

func errorCode(t *testing.T, m map[string]json.RawMessage) (int, string) {
	t.Helper()
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(m["error"], &e); err != nil {
		t.Fatalf("response has no error object: %v", m)
	}
	return e.Code, e.Message
}

const hoverCall = `{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///ws/a.spl"},"position":{"line":0,"character":0}}}`

// TestStdioBrokenFrame: a frame whose header cannot be used is logged on
// stderr with the reason, answered with ParseError (id null) and skipped;
// the server resynchronises on the next header (here glued to the broken
// frame's body, without a newline) and keeps serving.
func TestStdioBrokenFrame(t *testing.T) {
	body := `{"jsonrpc":"2.0","id":7,"method":"shutdown"}`
	cases := []struct {
		name, frame, reason string
	}{
		{"not a number", "Content-Length: abc\r\n\r\n" + body, "Content-Length abc is not a number"},
		{"negative", "Content-Length: -5\r\n\r\n" + body, "Content-Length -5 is negative"},
		{"huge", "Content-Length: 99999999999999999999999\r\n\r\n" + body, "larger than the limit"},
		{"over the limit", "Content-Length: 900000000\r\n\r\n" + body, "Content-Length 900000000 is larger than the limit of 67108864 bytes"},
		{"zero", "Content-Length: 0\r\n\r\n" + body, "Content-Length is 0"},
		{"missing", "Content-Type: application/json\r\n\r\n" + body, "no Content-Length"},
		{"no colon", "Content-Length 12\r\n\r\n" + body, "has no colon"},
		{"overlong header line", "X-Junk: " + strings.Repeat("x", 10000) + "\r\n\r\n" + body, "header line longer than 4096 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t)
			s.send(c.frame + frame(hoverCall))
			code, msg := errorCode(t, s.wait(`null`))
			if code != -32700 || !strings.Contains(msg, c.reason) {
				t.Errorf("error = %d %q, want -32700 mentioning %q", code, msg, c.reason)
			}
			// The next frame is read: the hover is answered (document not open: null).
			if r := s.wait(`2`); string(r["result"]) != "null" {
				t.Errorf("hover after resync = %v", r)
			}
			if code := s.finish(); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			if e := s.errText(); !strings.Contains(e, "broken frame") || !strings.Contains(e, c.reason) {
				t.Errorf("stderr does not give the reason %q:\n%s", c.reason, e)
			}
		})
	}
}

// TestStdioTruncatedFrame: input that ends inside a frame ends the server
// with exit code 1 and the reason on stderr.
func TestStdioTruncatedFrame(t *testing.T) {
	for name, raw := range map[string]string{
		"body":   "Content-Length: 100\r\n\r\n{\"jsonrpc\":",
		"header": "Content-Length: 10",
	} {
		t.Run(name, func(t *testing.T) {
			s := startServer(t)
			s.send(raw)
			if code := s.exitCode(); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if e := s.errText(); !strings.Contains(e, "input ended inside a frame") {
				t.Errorf("stderr does not give the reason:\n%s", e)
			}
		})
	}
}

// TestStdioEOFBeforeExit: a client that closes the input without exit gets
// exit code 1, and stderr says why.
func TestStdioEOFBeforeExit(t *testing.T) {
	s := startServer(t)
	if code := s.exitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if e := s.errText(); !strings.Contains(e, "input closed before exit") {
		t.Errorf("stderr does not give the reason:\n%s", e)
	}
}

// TestStdioMalformedJSON: a body that is not JSON gets ParseError (-32700,
// id null); one that is JSON but not a message gets InvalidRequest
// (-32600); the server keeps serving.
func TestStdioMalformedJSON(t *testing.T) {
	cases := []struct {
		name, body string
		code       int
	}{
		{"truncated object", `{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{`, -32700},
		{"not json", `this is not json`, -32700},
		{"trailing garbage", `{"jsonrpc":"2.0","method":"initialized"} x`, -32700},
		{"batch", `[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]`, -32600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t)
			s.send(frame(c.body) + frame(hoverCall))
			if code, msg := errorCode(t, s.wait(`null`)); code != c.code {
				t.Errorf("error = %d %q, want %d", code, msg, c.code)
			}
			if r := s.wait(`2`); string(r["result"]) != "null" {
				t.Errorf("hover after a malformed message = %v", r)
			}
			if code := s.finish(); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			if e := s.errText(); !strings.Contains(e, "malformed message") {
				t.Errorf("stderr does not log the malformed message:\n%s", e)
			}
		})
	}
}

// TestStdioInvalidParams: params of the wrong type get InvalidParams
// (-32602) for requests; for notifications they are logged and dropped.
func TestStdioInvalidParams(t *testing.T) {
	cases := []struct{ name, call string }{
		{"position is a string", `{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///ws/a.spl"},"position":"abc"}}`},
		{"line is a string", `{"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///ws/a.spl"},"position":{"line":"x","character":0}}}`},
		{"uri is a number", `{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":{"textDocument":{"uri":5},"options":{"tabSize":2,"insertSpaces":true}}}`},
		{"params is an array", `{"jsonrpc":"2.0","id":3,"method":"textDocument/documentSymbol","params":[1,2]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t)
			s.send(frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":5}}`))
			s.send(frame(c.call))
			if code, msg := errorCode(t, s.wait(`3`)); code != -32602 || !strings.Contains(msg, "invalid params") {
				t.Errorf("error = %d %q, want -32602", code, msg)
			}
			s.send(frame(hoverCall))
			s.wait(`2`)
			if code := s.finish(); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			if e := s.errText(); !strings.Contains(e, "invalid params for textDocument/didOpen") {
				t.Errorf("stderr does not log the bad notification:\n%s", e)
			}
		})
	}
}
