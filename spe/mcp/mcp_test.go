package spellmcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/mcp/mcptest"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/web"
)

// TestMain lets the test binary double as a stdio MCP server: a child
// started with SPELL_MCPTEST_SERVER=1 in its (cleared) environment runs
// mcptest.Main.
func TestMain(m *testing.M) {
	if os.Getenv("SPELL_MCPTEST_SERVER") == "1" {
		mcptest.Main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// guard bounds every test: a hung server fails the test instead of the
// whole run (no wall-clock assertion).
func guard(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var allGrant = profile.MCPGrant{Alias: "t", Server: "t.mcp.edn", ToolsAll: true,
	Resources: profile.MCPAccess{Names: []string{"mem://notes/a"}}, Prompts: profile.MCPAccess{All: true}}

// inMemory connects to an in-process SDK server.
func inMemory(t *testing.T, grant profile.MCPGrant, timeout time.Duration) *Conn {
	t.Helper()
	ctx := guard(t)
	ct, st := sdk.NewInMemoryTransports()
	ss, err := mcptest.NewServer(false).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	srv := &Server{Name: "t", Source: "t.mcp.edn", Stdio: &StdioConfig{Command: []string{"in-memory"}}, Timeout: timeout}
	c, err := Connect(ctx, Options{Alias: "t", Server: srv, Grant: grant, Transport: ct, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func tool(t *testing.T, c *Conn, name string) *Tool {
	t.Helper()
	for _, x := range c.Tools {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no tool %s in %v", name, c.Info())
	return nil
}

func get(m value.Value, k value.Value) value.Value {
	v, _ := m.(*value.Map).Get(k)
	return v
}

func TestInMemoryCatalogueAndCalls(t *testing.T) {
	c := inMemory(t, allGrant, DefaultTimeout)
	var names []string
	for _, x := range c.Tools {
		names = append(names, x.Name)
	}
	if strings.Join(names, " ") != "add broken echo env fail hang stale touch" {
		t.Fatalf("tools = %v", names)
	}
	echo := tool(t, c, "echo")
	if echo.Signature != "echo(text: string, times?: integer)" || echo.Summary != "Echo the text back." {
		t.Errorf("echo doc = %q — %q", echo.Signature, echo.Summary)
	}
	ctx := guard(t)
	res, err := c.CallTool(ctx, echo, value.NewMap("text", "ab", "times", int64(2)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{:ok true, :out {"mcp/server" "t", "mcp/operation" "tools/call", "structuredContent" {"echo" "abab"}, "content" [{"type" "text", "text" "abab"}], "isError" false}, :err nil, :truncated false}`
	if got := value.PrStr(res); got != want {
		t.Errorf("echo =\n %s\nwant\n %s", got, want)
	}
	// Input validation happens before the call: misuse is an error.
	for _, bad := range []value.Value{value.NewMap("times", int64(1)), value.NewMap(value.Kw("text"), "x"), "text", value.NewMap("text", int64(3))} {
		_, err := c.CallTool(ctx, echo, bad)
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: err = %v, want an ArgumentError", value.PrStr(bad), err)
		}
	}
	// A result breaking the tool's outputSchema fails.
	res, err = c.CallTool(ctx, tool(t, c, "broken"), nil)
	if err != nil || get(res, kwOk) != false || !strings.Contains(get(res, kwErr).(string), "does not match its outputSchema") {
		t.Errorf("broken = %s, %v", value.PrStr(res), err)
	}
	// A tool error is an envelope with :ok false and the tool's text.
	res, _ = c.CallTool(ctx, tool(t, c, "fail"), nil)
	if get(res, kwOk) != false || get(res, kwErr) != "the tool reported an error: it went wrong" || get(get(res, kwOut), "isError") != true {
		t.Errorf("fail = %s", value.PrStr(res))
	}
	// Resources are filtered by the grant; reading another is denied.
	res, _ = c.Resources(ctx)
	if s := value.PrStr(res); !strings.Contains(s, "mem://notes/a") || strings.Contains(s, "mem://notes/b") {
		t.Errorf("resources = %s", s)
	}
	res, _ = c.ReadResource(ctx, "mem://notes/a")
	if !strings.Contains(value.PrStr(res), `"text" "note A"`) {
		t.Errorf("read = %s", value.PrStr(res))
	}
	if _, err := c.ReadResource(ctx, "mem://notes/b"); !errors.Is(err, ErrPermission) || !strings.HasPrefix(err.Error(), "MCP permission denied: ") {
		t.Errorf("read b: %v", err)
	}
	res, _ = c.GetPrompt(ctx, "greet", value.NewMap("name", "Ada"))
	if !strings.Contains(value.PrStr(res), "Hello, Ada") {
		t.Errorf("prompt = %s", value.PrStr(res))
	}
	if _, err := c.Complete(ctx, nil, nil); !errors.Is(err, ErrPermission) {
		t.Errorf("complete: %v", err)
	}
}

func TestGrantSelectsAndRenamesTools(t *testing.T) {
	g := profile.MCPGrant{Alias: "t", Tools: map[string]string{"say": "echo", "plus": "add", "gone": "nope"}}
	c := inMemory(t, g, DefaultTimeout)
	if len(c.Tools) != 2 || c.Tools[0].Name != "plus" || c.Tools[1].Name != "say" || c.Tools[1].Raw.Name != "echo" {
		t.Fatalf("tools = %+v", c.Tools)
	}
	if strings.Join(c.Missing, ",") != "nope" {
		t.Errorf("missing = %v", c.Missing)
	}
	if _, err := c.Resources(guard(t)); !errors.Is(err, ErrPermission) {
		t.Errorf("resources without a grant: %v", err)
	}
}

func TestHangTimesOut(t *testing.T) {
	c := inMemory(t, allGrant, 300*time.Millisecond)
	res, err := c.CallTool(guard(t), tool(t, c, "hang"), nil)
	if err != nil || get(res, kwOk) != false || !strings.Contains(get(res, kwErr).(string), "no answer within 300ms") {
		t.Fatalf("hang = %s, %v", value.PrStr(res), err)
	}
	// The connection survives the cancelled call.
	res, _ = c.CallTool(guard(t), tool(t, c, "add"), value.NewMap("a", int64(1), "b", 2.5))
	if get(res, kwOk) != true {
		t.Errorf("after timeout: %s", value.PrStr(res))
	}
}

// stdioServer writes a server profile that starts this test binary as a
// stdio MCP server.
func stdioServer(t *testing.T, extra string) *Server {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "kid.mcp.edn")
	src := `{:transport {:stdio {:command [` + quote(os.Args[0]) + `]
  :env {"SPELL_MCPTEST_SERVER" "1" "SPELL_TEST_TOKEN" {:env "KID_TOKEN"}}` + extra + `}}
 :timeout-ms 20000}`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func quote(s string) string { return `"` + value.EscapeString(s) + `"` }

const token = "kid-secret-token-123"

func connectStdio(t *testing.T, s *Server) *Conn {
	t.Helper()
	env := func(k string) string {
		if k == "KID_TOKEN" {
			return token
		}
		return ""
	}
	c, err := Connect(guard(t), Options{Alias: "kid", Server: s, Grant: allGrant, Getenv: env,
		Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent", "OPENAI_API_KEY=sk-should-not-pass", "GOFLAGS=-x"}, Cwd: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestStdioSubprocess(t *testing.T) {
	c := connectStdio(t, stdioServer(t, ""))
	ctx := guard(t)
	res, err := c.CallTool(ctx, tool(t, c, "env"), nil)
	if err != nil || get(res, kwOk) != true {
		t.Fatalf("env = %s, %v", value.PrStr(res), err)
	}
	txt := value.PrStr(get(res, kwOut))
	// The child's environment is cleared: the kept names plus :env.
	if !strings.Contains(txt, `HOME PATH SPELL_MCPTEST_SERVER SPELL_TEST_TOKEN\ntoken=[REDACTED]`) {
		t.Errorf("env out = %s", txt)
	}
	if strings.Contains(txt, token) {
		t.Error("secret leaked in a result")
	}
	// stderr is kept in a ring, redacted.
	stderr := strings.Join(c.Stderr(), "\n")
	if !strings.Contains(stderr, "ready (token=[REDACTED])") || strings.Contains(stderr, token) {
		t.Errorf("stderr = %q", stderr)
	}
	info := value.PrStr(c.Info())
	if !strings.Contains(info, `"serverInfo" {"name" "spell-test-server"`) || !strings.Contains(info, `"protocolVersion" "2026-07-28"`) {
		t.Errorf("info = %s", info)
	}
}

func TestStdioBadServers(t *testing.T) {
	for _, c := range []struct {
		tool, extra, want string
		is                error
	}{
		{"exit", "", "the server exited (exit status 3)", ErrTransport},
		{"garbage", "", `message is not JSON: the server wrote "this is not json"`, ErrTransport},
		{"huge", " :max-message-bytes 1048576", "message larger than the limit (1048576 bytes)", ErrTransport},
	} {
		t.Run(c.tool, func(t *testing.T) {
			conn := connectStdio(t, stdioServer(t, c.extra))
			res, err := conn.CallTool(guard(t), tool(t, conn, c.tool), nil)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := get(res, kwErr).(string)
			if get(res, kwOk) != false || !strings.Contains(msg, c.want) {
				t.Fatalf("%s = %s", c.tool, value.PrStr(res))
			}
			// Pending and later work fails; the transport is closed.
			res, _ = conn.CallTool(guard(t), tool(t, conn, "add"), value.NewMap("a", int64(1), "b", int64(1)))
			if get(res, kwOk) != false {
				t.Errorf("after %s: %s", c.tool, value.PrStr(res))
			}
			if f, _ := get(conn.Info(), "failure").(string); !strings.Contains(f, c.want) {
				t.Errorf("info does not show the failure: %s", value.PrStr(conn.Info()))
			}
		})
	}
}

func TestMissingSecret(t *testing.T) {
	s := stdioServer(t, "")
	_, err := Connect(guard(t), Options{Alias: "kid", Server: s, Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrMissingSecret) || err.Error() != "Missing MCP secret: KID_TOKEN" {
		t.Fatalf("err = %v", err)
	}
}

func TestStdioCommandNotFound(t *testing.T) {
	s := &Server{Name: "x", Stdio: &StdioConfig{Command: []string{"/nonexistent/mcp-server"}, MaxMessageBytes: 1 << 20, StderrMaxLines: 10, StderrMaxLineBytes: 100}}
	_, err := Connect(guard(t), Options{Alias: "x", Server: s})
	if !errors.Is(err, ErrTransport) {
		t.Fatalf("err = %v", err)
	}
}

// httpServer serves the example server over streamable HTTP on loopback;
// requests must carry the bearer token.
func httpServer(t *testing.T) string {
	t.Helper()
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return mcptest.NewServer(false) }, &sdk.StreamableHTTPOptions{Stateless: true})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token || r.Header.Get("X-Team") != "spell" {
			http.Error(w, "bad credentials: got "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func httpProfile(t *testing.T, url, tokenEnv string) *Server {
	t.Helper()
	s, err := Decode("h.mcp.edn", []byte(`{:transport {:http {:url "`+url+`"}} :auth {:bearer-token-env "`+tokenEnv+`"}
 :headers {"X-Team" "spell"} :timeout-sec 30}`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHTTPTransport(t *testing.T) {
	url := httpServer(t)
	env := func(k string) string {
		switch k {
		case "H_TOKEN":
			return token
		case "WRONG":
			return "wrong-token-value"
		}
		return ""
	}
	// Loopback is refused by the network rules unless allowed.
	_, err := Connect(guard(t), Options{Alias: "h", Server: httpProfile(t, url, "H_TOKEN"), Grant: allGrant, Getenv: env})
	if !errors.Is(err, web.ErrPrivateAddress) || !strings.Contains(err.Error(), "it is a loopback address") || !strings.Contains(err.Error(), "--allow-private-net") {
		t.Fatalf("err = %v", err)
	}
	c, err := Connect(guard(t), Options{Alias: "h", Server: httpProfile(t, url, "H_TOKEN"), Grant: allGrant, Getenv: env, AllowPrivateNet: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.CallTool(guard(t), tool(t, c, "echo"), value.NewMap("text", "over http"))
	if err != nil || get(res, kwOk) != true || !strings.Contains(value.PrStr(res), "over http") {
		t.Fatalf("echo = %s, %v", value.PrStr(res), err)
	}
	// A rejected token never appears in the error.
	_, err = Connect(guard(t), Options{Alias: "h", Server: httpProfile(t, url, "WRONG"), Grant: allGrant, Getenv: env, AllowPrivateNet: true})
	if err == nil || strings.Contains(err.Error(), "wrong-token-value") {
		t.Fatalf("err = %v", err)
	}
}

func TestProfileDecodeErrors(t *testing.T) {
	for src, want := range map[string]string{
		`{:transport {:stdio {:command []}}}`:                                   `x.mcp.edn:1:31: :command must be a non-empty vector`,
		`{:transport {:http {:url "ftp://x"}}}`:                                 `x.mcp.edn:1:26: :url must be an http:// or https:// URL`,
		`{:transport {:http {:url "http://x"}} :headers {"Authorization" "x"}}`: `x.mcp.edn:1:48: header "Authorization" may not be set`,
		`{:transport {:http {:url "http://x"}} :timout-sec 3}`:                  `x.mcp.edn:1:39: unknown key :timout-sec (did you mean :timeout-sec?)`,
		`{:transport {:stdio {:command ["x"]}} :auth {:bearer-token-env "T"}}`:  `x.mcp.edn:1:39: :auth applies to the HTTP transport only`,
		`{:transport {:stdio {:command ["x"] :env {"A" {:env "no way"}}}}}`:     `x.mcp.edn:1:47: variable A must be {:env "ENV"}`,
		`{}`: `x.mcp.edn:1:1: missing :transport`,
		`[]`: `x.mcp.edn:1:1: a server profile must be a map`,
	} {
		_, err := Decode("x.mcp.edn", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s:\n got  %v\n want %s", src, err, want)
		}
	}
}

func TestChildEnv(t *testing.T) {
	got := ChildEnv([]string{"PATH=/bin", "HOME=/h", "SECRET_TOKEN=x", "LANG=C", "TMPDIR=/t", "LC_ALL=C", "EDITOR=vi"}, map[string]string{"A": "1", "PATH": "/custom"})
	if strings.Join(got, " ") != "HOME=/h LANG=C TMPDIR=/t LC_ALL=C A=1 PATH=/custom" {
		t.Errorf("env = %q", got)
	}
}

func TestNamespacesGoThroughTheHook(t *testing.T) {
	c := inMemory(t, allGrant, DefaultTimeout)
	var calls []string
	hook := func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
		calls = append(calls, name)
		return run()
	}
	r := NewRegistry(hook, c)
	ns := r.Namespaces()
	echo := get(ns["t"], value.Kw("echo")).(*eval.Builtin)
	res, err := echo.Fn(nil, []value.Value{value.NewMap("text", "hi")})
	if err != nil || get(res, kwOk) != true {
		t.Fatalf("t/echo = %v, %v", res, err)
	}
	// Misuse never reaches the hook.
	if _, err := echo.Fn(nil, []value.Value{value.NewMap(value.Kw("text"), "hi")}); err == nil {
		t.Error("keyword keys accepted")
	}
	info := get(ns["mcp"], value.Kw("info")).(*eval.Builtin)
	if _, err := info.Fn(nil, []value.Value{"t"}); err != nil {
		t.Fatal(err)
	}
	read := get(ns["mcp"], value.Kw("read-resource")).(*eval.Builtin)
	if _, err := read.Fn(nil, []value.Value{"t", "mem://notes/a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := info.Fn(nil, []value.Value{"nope"}); !errors.Is(err, ErrUnknownAlias) {
		t.Errorf("unknown alias: %v", err)
	}
	if strings.Join(calls, " ") != "t/echo mcp/read-resource" {
		t.Errorf("hook calls = %v", calls)
	}
	guide := get(get(ns["t"], kwDocs), kwGuide).(string)
	if !strings.Contains(guide, "- echo(text: string, times?: integer) — Echo the text back.") {
		t.Errorf("guide = %s", guide)
	}
}

func TestHTTPResponseCap(t *testing.T) {
	url := httpServer(t)
	s, err := Decode("h.mcp.edn", []byte(`{:transport {:http {:url "`+url+`"}} :auth {:bearer-token-env "H_TOKEN"}
 :headers {"X-Team" "spell"} :max-response-bytes 4096}`))
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"H_TOKEN": token}[k] }
	c, err := Connect(guard(t), Options{Alias: "h", Server: s, Grant: allGrant, Getenv: env, AllowPrivateNet: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.CallTool(guard(t), tool(t, c, "echo"), value.NewMap("text", strings.Repeat("x", 100), "times", int64(100)))
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := get(res, kwErr).(string); get(res, kwOk) != false || !strings.Contains(msg, "larger than :max-response-bytes") {
		t.Fatalf("big answer = %.300s", value.PrStr(res))
	}
	// A small answer still fits.
	res, _ = c.CallTool(guard(t), tool(t, c, "echo"), value.NewMap("text", "small"))
	if get(res, kwOk) != true {
		t.Errorf("small answer = %s", value.PrStr(res))
	}
}

func TestStdioHangTimesOut(t *testing.T) {
	s := stdioServer(t, "")
	c := connectStdio(t, s)
	hang := tool(t, c, "hang")
	// The short timeout applies from here on: connecting and listing
	// under CI load may take longer than the call's own budget.
	c.timeout = 500 * time.Millisecond
	res, err := c.CallTool(guard(t), hang, nil)
	if msg, _ := get(res, kwErr).(string); err != nil || get(res, kwOk) != false || !strings.Contains(msg, "no answer within 500ms") {
		t.Fatalf("hang = %s, %v", value.PrStr(res), err)
	}
	// The request was cancelled (notifications/cancelled): the server
	// still answers.
	c.timeout = DefaultTimeout
	res, _ = c.CallTool(guard(t), tool(t, c, "echo"), value.NewMap("text", "still here"))
	if get(res, kwOk) != true {
		t.Errorf("after the timeout: %s", value.PrStr(res))
	}
}

func TestStaleCatalogueRetriedOnce(t *testing.T) {
	c := inMemory(t, allGrant, DefaultTimeout)
	res, err := c.CallTool(guard(t), tool(t, c, "stale"), nil)
	if err != nil || get(res, kwOk) != true || !strings.Contains(value.PrStr(res), "fresh after 2 calls") {
		t.Fatalf("stale = %s, %v", value.PrStr(res), err)
	}
}

// More than 20 tools: the namespace documents itself by summary
// (:disclosure :summary), every tool still bound.
func TestManyToolsSummaryDisclosure(t *testing.T) {
	ctx := guard(t)
	srv := sdk.NewServer(&sdk.Implementation{Name: "many"}, nil)
	for i := 0; i < 21; i++ {
		srv.AddTool(&sdk.Tool{Name: fmt.Sprintf("t%02d", i), Description: "Tool.", InputSchema: json.RawMessage(`{"type":"object"}`)},
			func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
				return &sdk.CallToolResult{}, nil
			})
	}
	ct, st := sdk.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	c, err := Connect(ctx, Options{Alias: "many", Server: &Server{Name: "many", Stdio: &StdioConfig{Command: []string{"x"}}}, Grant: profile.MCPGrant{ToolsAll: true}, Transport: ct})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ns := NewRegistry(nil, c).Namespaces()["many"]
	if get(ns, kwDisclosure) != kwSummary || get(ns, value.Kw("t20")) == nil {
		t.Errorf("namespace = %.400s", value.PrStr(ns))
	}
}

func TestOpenChecksGrants(t *testing.T) {
	dir := t.TempDir()
	s := stdioServer(t, "")
	if err := os.MkdirAll(filepath.Join(dir, "mcp"), 0o755); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile(s.Source)
	if err := os.WriteFile(filepath.Join(dir, "mcp", "kid.mcp.edn"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	grant := func(server string) map[string]profile.MCPGrant {
		return map[string]profile.MCPGrant{"kid": {Alias: "kid", Server: server, Pos: "a.agent.edn:2:3", ToolsAll: true}}
	}
	// An alias may not take a configured namespace's name.
	_, err := Open(guard(t), Setup{Grants: grant("kid"), Reserved: []string{"io", "kid"}, Dirs: Dirs{Project: dir}})
	if err == nil || err.Error() != "a.agent.edn:2:3: MCP alias kid is the name of a configured namespace" {
		t.Errorf("reserved: %v", err)
	}
	_, err = Open(guard(t), Setup{Grants: grant("nope"), Dirs: Dirs{Project: dir}})
	if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "a.agent.edn:2:3: :mcp-servers kid: MCP server profile not found: nope") {
		t.Errorf("not found: %v", err)
	}
	_, err = Open(guard(t), Setup{Grants: grant("kid"), Dirs: Dirs{Project: dir}, Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrMissingSecret) || !strings.HasPrefix(err.Error(), "Missing MCP secret: KID_TOKEN (MCP server kid, ") {
		t.Errorf("secret: %v", err)
	}
	r, err := Open(guard(t), Setup{Grants: grant("kid"), Dirs: Dirs{Project: dir}, Environ: []string{"PATH=" + os.Getenv("PATH")},
		Getenv: func(k string) string { return map[string]string{"KID_TOKEN": token}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Conn("kid") == nil || len(r.Conn("kid").Tools) == 0 {
		t.Errorf("kid not connected: %v", r.Failure("kid"))
	}
}
