package spellmcp

import (
	"context"
	"errors"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/mcp/mcptest"
	"github.com/spell-go/spell/spe/profile"
)

// listenConn connects to an in-process SDK server and returns both ends.
func listenConn(t *testing.T, grant profile.MCPGrant) (*Conn, *sdk.Server) {
	t.Helper()
	ctx := guard(t)
	ct, st := sdk.NewInMemoryTransports()
	server := mcptest.NewServer(false)
	ss, err := server.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	srv := &Server{Name: "t", Source: "t.mcp.edn", Stdio: &StdioConfig{Command: []string{"in-memory"}}, Timeout: time.Minute}
	c, err := Connect(ctx, Options{Alias: "t", Server: srv, Grant: grant, Transport: ct, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, server
}

// collect is a listener's send: the bodies arrive on the channel.
func collect() (chan value.Value, func(value.Value) error) {
	ch := make(chan value.Value, 16)
	return ch, func(v value.Value) error { ch <- v; return nil }
}

func next(t *testing.T, ch chan value.Value) value.Value {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(60 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("no notification arrived")
		return nil
	}
}

// TestListenResourceUpdated: mcp/listen-send on a granted resource
// subscribes through the SDK (subscriptions/listen); the server's
// ResourceUpdated reaches the listener as {:server :notification}; an
// update of another resource does not (effects.md §10).
func TestListenResourceUpdated(t *testing.T) {
	g := allGrant
	g.Subscriptions = true
	c, server := listenConn(t, g)
	ch, send := collect()
	env, err := c.Listen(context.Background(), "mem://notes/a", send)
	if err != nil || get(env, kwOk) != true {
		t.Fatalf("listen = %s, %v", value.PrStr(env), err)
	}
	ctx := guard(t)
	if err := server.ResourceUpdated(ctx, &sdk.ResourceUpdatedNotificationParams{URI: "mem://notes/b"}); err != nil {
		t.Fatal(err)
	}
	if err := server.ResourceUpdated(ctx, &sdk.ResourceUpdatedNotificationParams{URI: "mem://notes/a"}); err != nil {
		t.Fatal(err)
	}
	got := next(t, ch)
	n := get(got, value.Kw("notification"))
	if get(got, value.Kw("server")) != "t" || get(n, "method") != notifyResourceUpdated || get(get(n, "params"), "uri") != "mem://notes/a" {
		t.Errorf("delivered %s", value.PrStr(got))
	}
	select {
	case extra := <-ch:
		t.Errorf("a second delivery (the unsubscribed resource?): %s", value.PrStr(extra))
	default:
	}
}

// TestListenToolsChanged: {:list-changed [:tools]} forwards the server's
// tools/list_changed (the SDK opted in at connect because the grant
// allows subscriptions).
func TestListenToolsChanged(t *testing.T) {
	g := allGrant
	g.Subscriptions = true
	c, server := listenConn(t, g)
	ch, send := collect()
	filter := value.NewMap(value.Kw("list-changed"), value.NewVector([]value.Value{value.Kw("tools")}))
	if env, err := c.Listen(context.Background(), filter, send); err != nil || get(env, kwOk) != true {
		t.Fatalf("listen = %s, %v", value.PrStr(env), err)
	}
	server.AddTool(&sdk.Tool{Name: "late", InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			return &sdk.CallToolResult{}, nil
		})
	got := next(t, ch)
	if get(get(got, value.Kw("notification")), "method") != notifyToolsChanged {
		t.Errorf("delivered %s", value.PrStr(got))
	}
}

// TestListenRefused: without :subscriptions, for a resource the grant
// does not name, or with a malformed filter, listen-send fails before
// subscribing.
func TestListenRefused(t *testing.T) {
	c, _ := listenConn(t, allGrant)
	_, send := collect()
	if _, err := c.Listen(context.Background(), "mem://notes/a", send); !errors.Is(err, ErrPermission) {
		t.Errorf("no :subscriptions grant: %v", err)
	}
	g := allGrant
	g.Subscriptions = true
	c, _ = listenConn(t, g)
	if _, err := c.Listen(context.Background(), "mem://notes/b", send); !errors.Is(err, ErrPermission) {
		t.Errorf("resource not granted: %v", err)
	}
	for _, f := range []value.Value{int64(3), value.EmptyMap, value.NewMap(value.Kw("list-changed"), value.NewVector([]value.Value{value.Kw("files")})),
		value.NewMap(value.Kw("bogus"), true)} {
		if _, err := c.Listen(context.Background(), f, send); !errors.Is(err, ErrArguments) {
			t.Errorf("filter %s: %v", value.PrStr(f), err)
		}
	}
}
