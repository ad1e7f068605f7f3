package spellmcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spell-go/spell/eval/value"
)

var (
	kwOk        = value.Kw("ok")
	kwOut       = value.Kw("out")
	kwErr       = value.Kw("err")
	kwTruncated = value.Kw("truncated")
)

// envelope builds {:ok :out :err :truncated} (effects.md §0).
func envelope(ok bool, out value.Value, msg value.Value) *value.Map {
	return value.NewMap(kwOk, ok, kwOut, out, kwErr, msg, kwTruncated, false)
}

func failure(err error) *value.Map { return envelope(false, nil, err.Error()) }

// toSpell converts SDK data to Spell data through JSON, with secrets
// redacted in every string.
func (c *Conn) toSpell(v any) (value.Value, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return FromJSON([]byte(c.red.Redact(string(b))))
}

// ArgumentError is a misuse of an MCP function (wrong argument shape, a
// schema mismatch): a catchable Spell error, not an envelope.
type ArgumentError struct {
	Msg   string
	Cause error
}

func (e *ArgumentError) Error() string { return e.Msg }
func (e *ArgumentError) Unwrap() error { return e.Cause }

// jsonArgs converts a tool's argument (nil or a map with string keys) to
// JSON data and the generic form validators read.
func jsonArgs(name string, arg value.Value) (map[string]any, any, error) {
	if arg == nil {
		return map[string]any{}, map[string]any{}, nil
	}
	if _, ok := arg.(*value.Map); !ok {
		return nil, nil, &ArgumentError{Msg: fmt.Sprintf("%s takes one map with string keys, e.g. {\"query\" \"x\"}; got %s", name, value.TypeName(arg)), Cause: ErrArguments}
	}
	j, err := ToJSON(arg)
	if err != nil {
		return nil, nil, &ArgumentError{Msg: fmt.Sprintf("%s: %v", name, err), Cause: err}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return nil, nil, &ArgumentError{Msg: fmt.Sprintf("%s: %v", name, err), Cause: ErrArguments}
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, nil, &ArgumentError{Msg: fmt.Sprintf("%s: %v", name, err), Cause: ErrArguments}
	}
	return j.(map[string]any), generic, nil
}

// CallTool calls a permitted tool with arg (nil or a map with string
// keys). Arguments breaking the inputSchema are an *ArgumentError; every
// failure of the call itself is an envelope with :ok false.
func (c *Conn) CallTool(ctx context.Context, t *Tool, arg value.Value) (value.Value, error) {
	full := c.Alias + "/" + t.Name
	args, generic, err := jsonArgs(full, arg)
	if err != nil {
		return nil, err
	}
	if t.in != nil {
		if err := t.in.Validate(generic); err != nil {
			return nil, &ArgumentError{Msg: c.red.Redact(fmt.Sprintf("%s: the arguments do not match the tool's inputSchema: %v", full, err)), Cause: ErrSchema}
		}
	}
	res, err := c.callOnce(ctx, t, args)
	var we *jsonrpc.Error
	if errors.As(err, &we) && we.Code == CodeStaleCatalogue {
		// The server's tools changed: read the catalogue again and retry
		// once with the tool as it is now (effects.md §10).
		fresh, ferr := c.freshTool(ctx, t)
		if ferr != nil {
			return failure(ferr), nil
		}
		if fresh.in != nil {
			if verr := fresh.in.Validate(generic); verr != nil {
				return failure(c.red.Error(fmt.Errorf("%w: %s: after a catalogue refresh the arguments no longer match the inputSchema: %v", ErrSchema, full, verr))), nil
			}
		}
		t = fresh
		res, err = c.callOnce(ctx, t, args)
	}
	if err != nil {
		return failure(err), nil
	}
	if res.NeedsInput() {
		return failure(fmt.Errorf("%w: %s answered input_required, which Spell-Go does not support", ErrUnsupported, full)), nil
	}
	if t.out != nil && !res.IsError {
		if res.StructuredContent == nil {
			return failure(fmt.Errorf("%w: %s declares an outputSchema but returned no structuredContent", ErrSchema, full)), nil
		}
		var generic any
		b, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(b, &generic)
		if err := t.out.Validate(generic); err != nil {
			return failure(c.red.Error(fmt.Errorf("%w: %s returned structuredContent that does not match its outputSchema: %v", ErrSchema, full, err))), nil
		}
	}
	sc, err := c.toSpell(res.StructuredContent)
	if err != nil {
		return failure(fmt.Errorf("%w: %s: structuredContent: %v", ErrProtocol, full, err)), nil
	}
	content, err := c.toSpell(res.Content)
	if err != nil {
		return failure(fmt.Errorf("%w: %s: content: %v", ErrProtocol, full, err)), nil
	}
	if content == nil {
		content = value.NewVector(nil)
	}
	out := value.NewMap("mcp/server", c.Alias, "mcp/operation", "tools/call",
		"structuredContent", sc, "content", content, "isError", res.IsError)
	var msg value.Value
	if res.IsError {
		msg = c.red.Redact("the tool reported an error: " + firstText(res.Content))
	}
	return envelope(!res.IsError, out, msg), nil
}

// CodeStaleCatalogue is the JSON-RPC error a server answers when the
// client's tool catalogue is out of date.
const CodeStaleCatalogue = -32020

func (c *Conn) callOnce(ctx context.Context, t *Tool, args map[string]any) (*sdk.CallToolResult, error) {
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	res, err := c.cs.CallTool(cctx, &sdk.CallToolParams{Name: t.Raw.Name, Arguments: args})
	var we *jsonrpc.Error
	if errors.As(err, &we) && we.Code == CodeStaleCatalogue {
		return nil, err
	}
	return res, c.wrap(cctx, "tools/call "+t.Raw.Name, err)
}

// freshTool reads the catalogue again and returns t as the server offers
// it now (same Spell name).
func (c *Conn) freshTool(ctx context.Context, t *Tool) (*Tool, error) {
	fresh := &Conn{Alias: c.Alias, Server: c.Server, Grant: c.Grant, Caps: c.Caps, cs: c.cs, red: c.red, timeout: c.timeout, proc: c.proc, httpRT: c.httpRT}
	if err := fresh.loadTools(ctx); err != nil {
		return nil, err
	}
	for _, x := range fresh.Tools {
		if x.Name == t.Name {
			return x, nil
		}
	}
	return nil, fmt.Errorf("%w: %s/%s: the server no longer offers this tool", ErrProtocol, c.Alias, t.Name)
}

func firstText(cs []sdk.Content) string {
	for _, c := range cs {
		if t, ok := c.(*sdk.TextContent); ok {
			return firstLine(t.Text, 300)
		}
	}
	return "(no text)"
}

// result wraps a protocol result as the :out of an envelope.
func (c *Conn) result(op string, key string, v any) (value.Value, error) {
	data, err := c.toSpell(v)
	if err != nil {
		return failure(fmt.Errorf("%w: %s %s: %v", ErrProtocol, c.Alias, op, err)), nil
	}
	return envelope(true, value.NewMap("mcp/server", c.Alias, "mcp/operation", op, key, data), nil), nil
}

func (c *Conn) deny(what string) error {
	return &ArgumentError{Msg: fmt.Sprintf("MCP permission denied: %s of %s is not granted by the agent profile", what, c.Alias), Cause: ErrPermission}
}

// Resources lists the granted resources (resources/list, all pages),
// sorted by URI.
func (c *Conn) Resources(ctx context.Context) (value.Value, error) {
	if !c.Grant.Resources.Granted() {
		return nil, c.deny("resources")
	}
	if c.Caps.Resources == nil {
		return envelope(true, value.NewMap("mcp/server", c.Alias, "mcp/operation", "resources/list", "resources", value.NewVector(nil)), nil), nil
	}
	var all []*sdk.Resource
	err := c.pages(ctx, "resources/list", func(ctx context.Context, cursor string) (string, error) {
		r, err := c.cs.ListResources(ctx, &sdk.ListResourcesParams{Cursor: cursor})
		if err != nil {
			return "", err
		}
		for _, x := range r.Resources {
			if x != nil && c.Grant.Resources.Allows(x.URI) {
				all = append(all, x)
			}
		}
		return r.NextCursor, nil
	})
	if err != nil {
		return failure(err), nil
	}
	sort.Slice(all, func(i, j int) bool { return all[i].URI < all[j].URI })
	return c.result("resources/list", "resources", all)
}

// ResourceTemplates lists resources/templates/list (resources :all only).
func (c *Conn) ResourceTemplates(ctx context.Context) (value.Value, error) {
	if !c.Grant.Resources.All {
		return nil, c.deny("resource templates (they need :resources :all)")
	}
	var all []*sdk.ResourceTemplate
	if c.Caps.Resources != nil {
		err := c.pages(ctx, "resources/templates/list", func(ctx context.Context, cursor string) (string, error) {
			r, err := c.cs.ListResourceTemplates(ctx, &sdk.ListResourceTemplatesParams{Cursor: cursor})
			if err != nil {
				return "", err
			}
			for _, x := range r.ResourceTemplates {
				if x != nil {
					all = append(all, x)
				}
			}
			return r.NextCursor, nil
		})
		if err != nil {
			return failure(err), nil
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].URITemplate < all[j].URITemplate })
	return c.result("resources/templates/list", "resourceTemplates", all)
}

// ReadResource reads one granted resource.
func (c *Conn) ReadResource(ctx context.Context, uri string) (value.Value, error) {
	if !c.Grant.Resources.Allows(uri) {
		return nil, c.deny("resource " + uri)
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r, err := c.cs.ReadResource(cctx, &sdk.ReadResourceParams{URI: uri})
	if err != nil {
		return failure(c.wrap(cctx, "resources/read", err)), nil
	}
	return c.result("resources/read", "contents", r.Contents)
}

// Prompts lists the granted prompts, sorted by name.
func (c *Conn) Prompts(ctx context.Context) (value.Value, error) {
	if !c.Grant.Prompts.Granted() {
		return nil, c.deny("prompts")
	}
	var all []*sdk.Prompt
	if c.Caps.Prompts != nil {
		err := c.pages(ctx, "prompts/list", func(ctx context.Context, cursor string) (string, error) {
			r, err := c.cs.ListPrompts(ctx, &sdk.ListPromptsParams{Cursor: cursor})
			if err != nil {
				return "", err
			}
			for _, x := range r.Prompts {
				if x != nil && c.Grant.Prompts.Allows(x.Name) {
					all = append(all, x)
				}
			}
			return r.NextCursor, nil
		})
		if err != nil {
			return failure(err), nil
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return c.result("prompts/list", "prompts", all)
}

// GetPrompt gets a granted prompt; args is nil or a map of strings.
func (c *Conn) GetPrompt(ctx context.Context, name string, args value.Value) (value.Value, error) {
	if !c.Grant.Prompts.Allows(name) {
		return nil, c.deny("prompt " + name)
	}
	pa := map[string]string{}
	if args != nil {
		m, ok := args.(*value.Map)
		bad := !ok
		if ok {
			m.Range(func(k, v value.Value) bool {
				ks, ok1 := k.(string)
				vs, ok2 := v.(string)
				if !ok1 || !ok2 {
					bad = true
					return false
				}
				pa[ks] = vs
				return true
			})
		}
		if bad {
			return nil, &ArgumentError{Msg: "mcp/get-prompt arguments must be a map of strings to strings", Cause: ErrArguments}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r, err := c.cs.GetPrompt(cctx, &sdk.GetPromptParams{Name: name, Arguments: pa})
	if err != nil {
		return failure(c.wrap(cctx, "prompts/get", err)), nil
	}
	if r.NeedsInput() {
		return failure(fmt.Errorf("%w: %s answered input_required", ErrUnsupported, c.Alias)), nil
	}
	return c.result("prompts/get", "prompt", r)
}

// Complete asks completion/complete; ref and arg are maps with string
// keys ({"type" "ref/prompt" "name" "p"}, {"name" "a" "value" "x"}).
func (c *Conn) Complete(ctx context.Context, ref, arg value.Value) (value.Value, error) {
	if !c.Grant.Completion {
		return nil, c.deny("completion")
	}
	rj, err1 := ToJSON(ref)
	aj, err2 := ToJSON(arg)
	if err := errors.Join(err1, err2); err != nil {
		return nil, &ArgumentError{Msg: "mcp/complete: " + err.Error(), Cause: ErrArguments}
	}
	b, _ := json.Marshal(map[string]any{"ref": rj, "argument": aj})
	var p sdk.CompleteParams
	if err := json.Unmarshal(b, &p); err != nil || p.Ref == nil {
		return nil, &ArgumentError{Msg: "mcp/complete takes a reference map {\"type\" \"ref/prompt\" \"name\" …} and an argument map {\"name\" … \"value\" …}", Cause: ErrArguments}
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r, err := c.cs.Complete(cctx, &p)
	if err != nil {
		return failure(c.wrap(cctx, "completion/complete", err)), nil
	}
	return c.result("completion/complete", "completion", r.Completion)
}

// Refresh reads the tool catalogue again (the run's functions do not
// change) and returns the info map.
func (c *Conn) Refresh(ctx context.Context) (value.Value, error) {
	fresh := &Conn{Alias: c.Alias, Server: c.Server, Grant: c.Grant, Caps: c.Caps, ServerName: c.ServerName,
		ServerVersion: c.ServerVersion, cs: c.cs, red: c.red, timeout: c.timeout, proc: c.proc, fail: c.Failure()}
	if err := fresh.loadTools(ctx); err != nil {
		return failure(err), nil
	}
	return envelope(true, fresh.Info(), nil), nil
}

// pages runs a paginated listing: at most maxPages pages, a repeated
// cursor is an error.
func (c *Conn) pages(ctx context.Context, op string, page func(context.Context, string) (string, error)) error {
	seen := map[string]bool{}
	cursor := ""
	for n := 0; ; n++ {
		if n == maxPages {
			return fmt.Errorf("%w: %s %s: more than %d pages", ErrProtocol, c.Alias, op, maxPages)
		}
		cctx, cancel := context.WithTimeout(ctx, c.timeout)
		next, err := page(cctx, cursor)
		if err != nil {
			err = c.wrap(cctx, op, err)
		}
		cancel()
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("%w: %s %s: the cursor %q came back twice", ErrProtocol, c.Alias, op, capStr(next, 40))
		}
		seen[next] = true
		cursor = next
	}
}

// Info describes the connection (mcp/info): server, protocol, tools,
// exclusions, missing grants, stderr and the transport failure.
func (c *Conn) Info() *value.Map {
	var tools []value.Value
	for _, t := range c.Tools {
		tools = append(tools, t.Name)
	}
	strs := func(ss []string) *value.Vector {
		out := make([]value.Value, len(ss))
		for i, s := range ss {
			out[i] = c.red.Redact(s)
		}
		return value.NewVector(out)
	}
	var caps []string
	if c.Caps != nil {
		for name, on := range map[string]bool{"tools": c.Caps.Tools != nil, "resources": c.Caps.Resources != nil,
			"prompts": c.Caps.Prompts != nil, "completions": c.Caps.Completions != nil} {
			if on {
				caps = append(caps, name)
			}
		}
	}
	sort.Strings(caps)
	var failure value.Value
	if f := c.Failure(); f != nil {
		failure = c.red.Redact(f.Error())
	}
	transport := "http"
	if c.Server.Stdio != nil {
		transport = "stdio"
	}
	return value.NewMap("mcp/server", c.Alias, "profile", c.Server.Source, "transport", transport,
		"endpoint", c.red.Redact(c.Server.Endpoint()), "protocolVersion", ProtocolVersion,
		"serverInfo", value.NewMap("name", c.ServerName, "version", c.ServerVersion),
		"capabilities", strs(caps), "tools", value.NewVector(tools), "excluded", strs(c.Excluded),
		"missing", strs(c.Missing), "stderr", strs(c.Stderr()), "failure", failure)
}

// ToolDoc is the :detail text of a tool: signature, description and
// schemas (untrusted server text, shown only through !describe).
func (c *Conn) ToolDoc(t *Tool) string {
	var b strings.Builder
	b.WriteString(t.Signature)
	if d := strings.TrimSpace(t.Raw.Description); d != "" {
		b.WriteString("\n")
		b.WriteString(capStr(d, 4000))
	}
	if in, err := json.Marshal(t.Raw.InputSchema); err == nil {
		b.WriteString("\ninputSchema: ")
		b.WriteString(capStr(string(in), 4000))
	}
	if t.Raw.OutputSchema != nil {
		if out, err := json.Marshal(t.Raw.OutputSchema); err == nil {
			b.WriteString("\noutputSchema: ")
			b.WriteString(capStr(string(out), 4000))
		}
	}
	return c.red.Redact(b.String())
}
