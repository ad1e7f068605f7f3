package cli

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
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdLSPSession implements `lsp-session SCRIPT`: it starts the real
// spell-lsp binary, sends the scripted messages over its stdin with
// Content-Length framing and prints the responses to stdout, one line per
// message, for cmp against goldens (tooling.md §7.2).
//
// Script lines (blank lines and # comments are skipped):
//
//	call METHOD JSON      request; prints "METHOD: <result or error>"
//	notify METHOD JSON    notification
//	open NAME             didOpen of $WORK/NAME as file:///ws/NAME, version 1
//	diagnostics NAME      waits for the diagnostics of NAME and prints them
//	raw TEXT              sends TEXT as one frame body (malformed input)
//	exit                  sends exit, waits and prints "exit code N"
//
// In JSON, ${uri:NAME} stands for "file:///ws/NAME".
func cmdLSPSession(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lsp-session SCRIPT")
	}
	script := ts.ReadFile(args[0])
	bin, err := exec.LookPath("spell-lsp")
	ts.Check(err)
	cmd := exec.Command(bin)
	cmd.Dir = ts.MkAbs(".")
	env := os.Environ()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	ts.Check(err)
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())
	frames := make(chan map[string]json.RawMessage, 64)
	go func() {
		defer close(frames)
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
				frames <- m
			}
		}
	}()
	send := func(body string) {
		_, err := fmt.Fprintf(stdin, "Content-Length: %d\r\n\r\n%s", len(body), body)
		ts.Check(err)
	}
	var pending []map[string]json.RawMessage // server notifications not yet printed
	next := func(match func(map[string]json.RawMessage) bool) map[string]json.RawMessage {
		for i, m := range pending {
			if match(m) {
				pending = append(pending[:i], pending[i+1:]...)
				return m
			}
		}
		timeout := time.After(time.Minute) // a hang guard
		for {
			select {
			case m, ok := <-frames:
				if !ok {
					ts.Fatalf("spell-lsp closed its output; stderr:\n%s", stderr.String())
				}
				if match(m) {
					return m
				}
				pending = append(pending, m)
			case <-timeout:
				ts.Fatalf("timed out waiting for spell-lsp; stderr:\n%s", stderr.String())
			}
		}
	}
	expand := func(s string) string {
		for {
			i := strings.Index(s, "${uri:")
			if i < 0 {
				return s
			}
			j := strings.Index(s[i:], "}")
			if j < 0 {
				return s
			}
			s = s[:i] + `"file:///ws/` + s[i+6:i+j] + `"` + s[i+j+1:]
		}
	}
	id := 0
	exited := false
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		switch verb {
		case "call", "notify":
			method, params, _ := strings.Cut(rest, " ")
			params = strings.TrimSpace(expand(params))
			if params == "" {
				params = "null"
			}
			if verb == "notify" {
				send(fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":%s}`, method, params))
				continue
			}
			id++
			send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, id, method, params))
			want := strconv.Itoa(id)
			m := next(func(m map[string]json.RawMessage) bool { return string(m["id"]) == want && m["method"] == nil })
			if e, ok := m["error"]; ok {
				fmt.Fprintf(ts.Stdout(), "%s: error %s\n", method, e)
			} else {
				fmt.Fprintf(ts.Stdout(), "%s: %s\n", method, m["result"])
			}
		case "open":
			text := ts.ReadFile(rest)
			q, _ := json.Marshal(text)
			send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///ws/%s","languageId":"spell","version":1,"text":%s}}}`, rest, q))
		case "diagnostics":
			u := `"file:///ws/` + rest + `"`
			m := next(func(m map[string]json.RawMessage) bool {
				if string(m["method"]) != `"textDocument/publishDiagnostics"` {
					return false
				}
				var p struct {
					URI json.RawMessage `json:"uri"`
				}
				json.Unmarshal(m["params"], &p)
				return string(p.URI) == u
			})
			fmt.Fprintf(ts.Stdout(), "diagnostics %s: %s\n", rest, m["params"])
		case "raw":
			send(rest)
		case "exit":
			send(`{"jsonrpc":"2.0","method":"exit"}`)
			stdin.Close()
			err := cmd.Wait()
			exited = true
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				ts.Fatalf("spell-lsp: %v", err)
			}
			fmt.Fprintf(ts.Stdout(), "exit code %d\n", code)
		default:
			ts.Fatalf("lsp-session: unknown verb %q", verb)
		}
	}
	if !exited {
		stdin.Close()
		_ = cmd.Wait()
	}
}
