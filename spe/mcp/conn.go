package spellmcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/web"
)

// ProtocolVersion is the MCP version Spell-Go speaks (stateless: the first
// call is server/discover, there is no initialize and no session id).
const ProtocolVersion = "2026-07-28"

// Errors of connections (errors.Is).
var (
	ErrProtocol     = errors.New("MCP protocol error")
	ErrTransport    = errors.New("MCP transport failed")
	ErrTimeout      = errors.New("MCP request timed out")
	ErrPermission   = errors.New("MCP permission denied")
	ErrSchema       = errors.New("MCP schema validation failed")
	ErrUnsupported  = errors.New("MCP feature not supported")
	ErrUnknownAlias = errors.New("unknown MCP server")
)

// Options configure one connection.
type Options struct {
	Alias  string
	Server *Server
	// Grant is the agent profile's permission; the zero grant permits
	// nothing.
	Grant profile.MCPGrant
	// Getenv reads secrets; Environ is the parent environment a stdio
	// child takes HOME LANG LC_ALL PATH TMPDIR from.
	Getenv  func(string) string
	Environ []string
	// Cwd is the stdio child's directory when the profile has no :cwd.
	Cwd             string
	AllowPrivateNet bool
	Version         string // Spell-Go's version for clientInfo
	// Redactor collects the server's secrets (shared by the run); nil: a
	// private one.
	Redactor *Redactor
	// Transport, when set, replaces the profile's transport (tests).
	Transport sdk.Transport
}

// Conn is a connection to one MCP server with its catalogue.
type Conn struct {
	Alias  string
	Server *Server
	Grant  profile.MCPGrant
	// ServerName and Instructions come from server/discover (untrusted).
	ServerName, ServerVersion, Instructions string
	Caps                                    *sdk.ServerCapabilities
	// Tools are the valid tools the grant permits, sorted by Spell name.
	Tools []*Tool
	// Excluded lists tools left out of the catalogue, with the reason.
	Excluded []string
	// Missing lists granted tool names the server does not have.
	Missing []string

	cs      *sdk.ClientSession
	red     *Redactor
	timeout time.Duration
	proc    *process // stdio child, nil for HTTP
	httpRT  *headerRoundTripper

	mu        sync.Mutex
	fail      error      // the first transport failure (bad message, exit)
	listeners []listener // mcp/listen-send subscriptions
	acks      acks       // what the server acknowledged of them
}

// Tool is one permitted tool.
type Tool struct {
	Name      string // the Spell name (alias/Name)
	Raw       *sdk.Tool
	in, out   *jsonschema.Resolved
	Signature string
	Summary   string // first description line, ≤ 500 characters
}

// Connect starts the transport, checks the protocol version through
// server/discover and reads the tool catalogue.
func Connect(ctx context.Context, o Options) (*Conn, error) {
	if o.Redactor == nil {
		o.Redactor = &Redactor{}
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	res, err := o.Server.Resolve(o.Getenv)
	if err != nil {
		return nil, err
	}
	o.Redactor.Add(res.Secrets...)
	c := &Conn{Alias: o.Alias, Server: o.Server, Grant: o.Grant, red: o.Redactor, timeout: o.Server.Timeout}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	tr := o.Transport
	if tr == nil {
		if o.Server.HTTP != nil {
			tr = c.httpTransport(res, o.AllowPrivateNet)
		} else {
			p, err := startProcess(o.Server.Stdio, res.Env, o.Environ, o.Cwd, c.setFailure, c.red)
			if err != nil {
				return nil, c.red.Error(fmt.Errorf("%w: starting %s: %v", ErrTransport, o.Server.Stdio.Command[0], err))
			}
			c.proc = p
			tr = &sdk.IOTransport{Reader: p.stdout, Writer: p, MaxLineLength: o.Server.Stdio.MaxMessageBytes + 1}
		}
	}
	version := o.Version
	if version == "" {
		version = "dev"
	}
	copts := &sdk.ClientOptions{
		Capabilities:   &sdk.ClientCapabilities{},
		MultiRoundTrip: &sdk.MultiRoundTripOptions{Disabled: true},
		Logger:         slog.New(slog.DiscardHandler),
	}
	listens := c.listenOptions(copts)
	client := sdk.NewClient(&sdk.Implementation{Name: "Spell-Go", Version: version}, copts)
	if listens {
		client.AddReceivingMiddleware(c.ackMiddleware)
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cs, err := client.Connect(cctx, tr, &sdk.ClientSessionOptions{ProtocolVersion: ProtocolVersion})
	if err != nil {
		err = c.wrap(cctx, "server/discover", err)
		c.closeProc()
		return nil, err
	}
	c.cs = cs
	ir := cs.InitializeResult()
	if ir == nil || ir.ProtocolVersion != ProtocolVersion {
		got := ""
		if ir != nil {
			got = ir.ProtocolVersion
		}
		_ = c.Close()
		return nil, fmt.Errorf("%w: %s does not support MCP %s through server/discover (it answered with version %q)", ErrProtocol, o.Alias, ProtocolVersion, got)
	}
	c.Caps = ir.Capabilities
	if c.Caps == nil {
		c.Caps = &sdk.ServerCapabilities{}
	}
	if ir.ServerInfo != nil {
		c.ServerName, c.ServerVersion = c.red.Redact(ir.ServerInfo.Name), c.red.Redact(ir.ServerInfo.Version)
	}
	c.Instructions = c.red.Redact(ir.Instructions)
	if err := c.loadTools(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// Close ends the session: for stdio, stdin is closed, then SIGTERM, then
// SIGKILL, 2 s apart.
func (c *Conn) Close() error {
	var err error
	if c.cs != nil {
		err = c.cs.Close()
	}
	c.closeProc()
	return err
}

func (c *Conn) closeProc() {
	if c.proc != nil {
		_ = c.proc.Close()
	}
}

// Stderr returns the server's last stderr lines (stdio), redacted.
func (c *Conn) Stderr() []string {
	if c.proc == nil {
		return nil
	}
	lines := c.proc.stderr.lines()
	for i, l := range lines {
		lines[i] = c.red.Redact(l)
	}
	return lines
}

func (c *Conn) setFailure(err error) {
	c.mu.Lock()
	first := c.fail == nil
	if first {
		c.fail = err
	}
	c.mu.Unlock()
	if first {
		c.notifyFailure(err)
	}
}

// Failure is the transport failure that closed the connection, or nil.
func (c *Conn) Failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fail
}

// wrap turns an SDK error into a redacted, classified error.
func (c *Conn) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var bodyErr error
	if c.httpRT != nil {
		bodyErr = c.httpRT.takeErr()
	}
	if f := c.Failure(); f != nil {
		err = fmt.Errorf("%w: %s %s: %v", ErrTransport, c.Alias, op, f)
	} else if bodyErr != nil {
		err = fmt.Errorf("%w: %s %s: %w", ErrTransport, c.Alias, op, bodyErr)
	} else if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %s %s: no answer within %s", ErrTimeout, c.Alias, op, c.timeout)
	} else if errors.Is(err, sdk.ErrConnectionClosed) || errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: %s %s: the connection is closed (%v)", ErrTransport, c.Alias, op, err)
	} else {
		err = fmt.Errorf("%s %s: %w", c.Alias, op, err)
	}
	return c.red.Error(err)
}

// maxPages bounds pagination (effects.md §10).
const maxPages = 1000

// loadTools lists the tools (complete pagination) and keeps the valid ones
// the grant permits.
func (c *Conn) loadTools(ctx context.Context) error {
	g := c.Grant
	if c.Caps.Tools == nil || (!g.ToolsAll && len(g.Tools) == 0) {
		for _, n := range sortedKeys(g.Tools) {
			c.Missing = append(c.Missing, n)
		}
		return nil
	}
	var all []*sdk.Tool
	seen := map[string]bool{}
	cursor := ""
	for page := 0; ; page++ {
		if page == maxPages {
			return fmt.Errorf("%w: %s tools/list: more than %d pages", ErrProtocol, c.Alias, maxPages)
		}
		cctx, cancel := context.WithTimeout(ctx, c.timeout)
		res, err := c.cs.ListTools(cctx, &sdk.ListToolsParams{Cursor: cursor})
		if err != nil {
			err = c.wrap(cctx, "tools/list", err)
			cancel()
			return err
		}
		cancel()
		all = append(all, res.Tools...)
		if res.NextCursor == "" {
			break
		}
		if seen[res.NextCursor] {
			return fmt.Errorf("%w: %s tools/list: the cursor %q came back twice", ErrProtocol, c.Alias, capStr(res.NextCursor, 40))
		}
		seen[res.NextCursor] = true
		cursor = res.NextCursor
	}
	byRaw := map[string]*sdk.Tool{}
	for _, t := range all {
		if t == nil {
			continue
		}
		if n := utf8.RuneCountInString(t.Name); n < 1 || n > 128 {
			c.Excluded = append(c.Excluded, fmt.Sprintf("%q: a tool name must have 1 to 128 characters", capStr(t.Name, 40)))
			continue
		}
		byRaw[t.Name] = t
	}
	want := map[string]string{} // spell name → raw name
	if g.ToolsAll {
		for raw := range byRaw {
			want[raw] = raw
		}
	} else {
		for spell, raw := range g.Tools {
			if byRaw[raw] == nil {
				c.Missing = append(c.Missing, raw)
				continue
			}
			want[spell] = raw
		}
		sort.Strings(c.Missing)
	}
	for _, spell := range sortedKeys(want) {
		t := byRaw[want[spell]]
		tool, err := c.newTool(spell, t)
		if err != nil {
			c.Excluded = append(c.Excluded, c.red.Redact(fmt.Sprintf("%s: %v", t.Name, err)))
			continue
		}
		c.Tools = append(c.Tools, tool)
	}
	return nil
}

func (c *Conn) newTool(spell string, t *sdk.Tool) (*Tool, error) {
	tool := &Tool{Name: spell, Raw: t}
	var err error
	if tool.in, err = resolveSchema(t.InputSchema); err != nil {
		return nil, fmt.Errorf("invalid inputSchema: %v", err)
	}
	if t.OutputSchema != nil {
		if tool.out, err = resolveSchema(t.OutputSchema); err != nil {
			return nil, fmt.Errorf("invalid outputSchema: %v", err)
		}
	}
	tool.Summary = c.red.Redact(firstLine(t.Description, 500))
	tool.Signature = capStr(spell+"("+params(t.InputSchema)+")", 2000)
	return tool, nil
}

// resolveSchema decodes and resolves a JSON Schema without a loader: an
// external $ref is an error, never fetched.
func resolveSchema(v any) (*jsonschema.Resolved, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return s.Resolve(&jsonschema.ResolveOptions{})
}

// params renders "req: type, opt?: type" from an input schema.
func params(schema any) string {
	m, _ := asObject(schema)
	props, _ := m["properties"].(map[string]any)
	req := map[string]bool{}
	if r, ok := m["required"].([]any); ok {
		for _, x := range r {
			if s, ok := x.(string); ok {
				req[s] = true
			}
		}
	}
	var names []string
	for k := range props {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if req[names[i]] != req[names[j]] {
			return req[names[i]]
		}
		return names[i] < names[j]
	})
	var parts []string
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		typ := "any"
		switch t := p["type"].(type) {
		case string:
			typ = t
		case []any:
			var ts []string
			for _, x := range t {
				if s, ok := x.(string); ok {
					ts = append(ts, s)
				}
			}
			typ = strings.Join(ts, "|")
		}
		opt := "?"
		if req[n] {
			opt = ""
		}
		parts = append(parts, n+opt+": "+typ)
	}
	return strings.Join(parts, ", ")
}

func asObject(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

func firstLine(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// httpTransport is the streamable HTTP transport with the profile's
// headers, the network rules and the response cap.
func (c *Conn) httpTransport(res *Resolved, allowPrivate bool) sdk.Transport {
	h := c.Server.HTTP
	// The network rules of effects.md §11.3 (address checked at connect
	// time, connect timeout, http/https only, ≤ 5 redirects) are web's.
	client := web.NewHTTPClient(allowPrivate)
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.httpRT = &headerRoundTripper{base: base, bearer: res.Bearer, headers: res.Headers, max: h.MaxResponseBytes}
	client.Transport = c.httpRT
	return &sdk.StreamableClientTransport{Endpoint: h.URL, HTTPClient: client, MaxRetries: -1, DisableStandaloneSSE: true, MaxEventSize: int(min(h.MaxResponseBytes, 1<<30))}
}
