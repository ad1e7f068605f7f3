// Package mcptest builds the MCP servers Spell-Go's tests talk to: real
// servers of the official SDK, run in-process (in-memory or loopback HTTP
// transports) or as a stdio child (Main, from a test binary re-executed
// under another name).
//
// The tools cover the good path and the bad input of effects.md §10: a
// tool whose result breaks its outputSchema, one that reports an error,
// one that never answers, and — over stdio only — one that exits, one that
// writes a line that is not JSON and one that writes an oversized line.
package mcptest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

func schema(s string) json.RawMessage { return json.RawMessage(s) }

func text(s string) []sdk.Content { return []sdk.Content{&sdk.TextContent{Text: s}} }

func args(req *sdk.CallToolRequest) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(req.Params.Arguments, &m)
	return m
}

// NewServer returns the example server. stdio adds the tools that break
// the stdio transport (exit, garbage, huge).
func NewServer(stdio bool) *sdk.Server {
	// Resource subscriptions are accepted (the server then announces
	// resources.subscribe); ResourceUpdated notifies the subscribers.
	noop := func(context.Context, *sdk.SubscribeRequest) error { return nil }
	s := sdk.NewServer(&sdk.Implementation{Name: "spell-test-server", Version: "1.0.0"}, &sdk.ServerOptions{
		SubscribeHandler:   noop,
		UnsubscribeHandler: func(context.Context, *sdk.UnsubscribeRequest) error { return nil },
	})
	s.AddTool(&sdk.Tool{Name: "echo", Description: "Echo the text back.\nSecond line.",
		InputSchema:  schema(`{"type":"object","properties":{"text":{"type":"string"},"times":{"type":"integer"}},"required":["text"]}`),
		OutputSchema: schema(`{"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"]}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			a := args(req)
			t, _ := a["text"].(string)
			n := 1
			if f, ok := a["times"].(float64); ok {
				n = int(f)
			}
			out := strings.Repeat(t, n)
			return &sdk.CallToolResult{Content: text(out), StructuredContent: map[string]any{"echo": out}}, nil
		})
	s.AddTool(&sdk.Tool{Name: "add", Description: "Add two numbers.",
		InputSchema: schema(`{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			a := args(req)
			x, _ := a["a"].(float64)
			y, _ := a["b"].(float64)
			return &sdk.CallToolResult{Content: text(fmt.Sprint(x + y))}, nil
		})
	s.AddTool(&sdk.Tool{Name: "broken", Description: "Returns a result that breaks its own outputSchema.",
		InputSchema:  schema(`{"type":"object"}`),
		OutputSchema: schema(`{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			return &sdk.CallToolResult{Content: text("oops"), StructuredContent: map[string]any{"n": "not a number"}}, nil
		})
	s.AddTool(&sdk.Tool{Name: "fail", Description: "Reports a tool error.", InputSchema: schema(`{"type":"object"}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			return &sdk.CallToolResult{Content: text("it went wrong"), IsError: true}, nil
		})
	s.AddTool(&sdk.Tool{Name: "hang", Description: "Never answers.", InputSchema: schema(`{"type":"object"}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
	var staleCalls atomic.Int32
	s.AddTool(&sdk.Tool{Name: "stale", Description: "Answers -32020 (stale catalogue) the first time.", InputSchema: schema(`{"type":"object"}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			if staleCalls.Add(1) == 1 {
				return nil, &jsonrpc.Error{Code: -32020, Message: "tool catalogue changed"}
			}
			return &sdk.CallToolResult{Content: text(fmt.Sprintf("fresh after %d calls", staleCalls.Load()))}, nil
		})
	s.AddTool(&sdk.Tool{Name: "env", Description: "Lists the server's environment variable names and the value of SPELL_TEST_TOKEN.",
		InputSchema: schema(`{"type":"object"}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			var names []string
			for _, kv := range os.Environ() {
				k, _, _ := strings.Cut(kv, "=")
				names = append(names, k)
			}
			sort.Strings(names)
			return &sdk.CallToolResult{Content: text(strings.Join(names, " ") + "\ntoken=" + os.Getenv("SPELL_TEST_TOKEN"))}, nil
		})
	s.AddTool(&sdk.Tool{Name: "touch", Description: "Marks a resource as updated (its subscribers are notified).",
		InputSchema: schema(`{"type":"object","properties":{"uri":{"type":"string"}},"required":["uri"]}`)},
		func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			uri, _ := args(req)["uri"].(string)
			if err := s.ResourceUpdated(ctx, &sdk.ResourceUpdatedNotificationParams{URI: uri}); err != nil {
				return nil, err
			}
			return &sdk.CallToolResult{Content: text("touched " + uri)}, nil
		})
	if stdio {
		s.AddTool(&sdk.Tool{Name: "exit", Description: "Exits the server.", InputSchema: schema(`{"type":"object"}`)},
			func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
				fmt.Fprintln(os.Stderr, "exiting now")
				os.Exit(3)
				return nil, nil
			})
		s.AddTool(&sdk.Tool{Name: "garbage", Description: "Writes a line that is not JSON.", InputSchema: schema(`{"type":"object"}`)},
			func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
				os.Stdout.WriteString("this is not json\n")
				<-ctx.Done()
				return nil, ctx.Err()
			})
		s.AddTool(&sdk.Tool{Name: "huge", Description: "Writes a 2 MB line.", InputSchema: schema(`{"type":"object"}`)},
			func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
				return &sdk.CallToolResult{Content: text(strings.Repeat("x", 2<<20))}, nil
			})
	}
	s.AddResource(&sdk.Resource{URI: "mem://notes/a", Name: "a", MIMEType: "text/plain"},
		func(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
			return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: req.Params.URI, MIMEType: "text/plain", Text: "note A"}}}, nil
		})
	s.AddResource(&sdk.Resource{URI: "mem://notes/b", Name: "b", MIMEType: "text/plain"},
		func(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
			return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: req.Params.URI, MIMEType: "text/plain", Text: "note B"}}}, nil
		})
	s.AddPrompt(&sdk.Prompt{Name: "greet", Description: "Greets someone.", Arguments: []*sdk.PromptArgument{{Name: "name", Required: true}}},
		func(ctx context.Context, req *sdk.GetPromptRequest) (*sdk.GetPromptResult, error) {
			return &sdk.GetPromptResult{Messages: []*sdk.PromptMessage{{Role: "user", Content: &sdk.TextContent{Text: "Hello, " + req.Params.Arguments["name"]}}}}, nil
		})
	return s
}

// Main runs the stdio server until stdin closes; it writes a line to
// stderr first (tests read the stderr ring).
func Main() {
	fmt.Fprintln(os.Stderr, "spell-test-server: ready (token="+os.Getenv("SPELL_TEST_TOKEN")+")")
	if err := NewServer(true).Run(context.Background(), &sdk.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "spell-test-server:", err)
		os.Exit(1)
	}
}

// greeting is the typed input of the hello server's tool; the SDK derives
// the inputSchema from it.
type greeting struct {
	Name string `json:"name" jsonschema:"who to greet"`
}

// greeted is the typed output (the outputSchema).
type greeted struct {
	Message string `json:"message"`
}

// HelloMain runs a server in the style of the SDK's stdio examples: one
// typed tool, greet, registered with the generic AddTool.
func HelloMain() {
	s := sdk.NewServer(&sdk.Implementation{Name: "hello", Version: "0.1.0"}, nil)
	sdk.AddTool(s, &sdk.Tool{Name: "greet", Description: "Greets a person by name."},
		func(ctx context.Context, req *sdk.CallToolRequest, in greeting) (*sdk.CallToolResult, greeted, error) {
			return nil, greeted{Message: "Hello, " + in.Name + "!"}, nil
		})
	if err := s.Run(context.Background(), &sdk.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}
