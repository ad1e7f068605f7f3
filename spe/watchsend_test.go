package spe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
	spellio "github.com/spell-go/spell/spe/io"
)

// TestWatchSendDeliversToHandle: io/watch-send, wired as a Session wires it
// (spellio.Config.Send = rt.watchSend), delivers {:from :watch-send :body
// [{:kind :name} …]} to the handle's mailbox through the run's coordinator;
// an unknown handle fails the call; outside a run it says so (issue 10
// item 8).
func TestWatchSendDeliversToHandle(t *testing.T) {
	rt := New(Options{Limits: DefaultLimits, Virtual: true})
	if _, err := rt.watchSend(value.Kw("main")); !errors.Is(err, errNoRun) {
		t.Errorf("outside a run: %v", err)
	}
	ctx, main := rt.startMulti(context.Background())
	defer rt.multi.stop(main)

	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "w"), 0o755); err != nil {
		t.Fatal(err)
	}
	ns, err := spellio.Namespace(spellio.Config{Root: root, Subsets: spellio.Subsets{Read: true, Write: true, Exec: true}, Ctx: ctx, TempDir: t.TempDir(), Send: rt.watchSend})
	if err != nil {
		t.Fatal(err)
	}
	watch, _ := ns.Get(value.Kw("watch-send"))
	call := func(args ...value.Value) (value.Value, error) {
		in := eval.New(ctx, eval.Options{})
		return watch.(*eval.Builtin).Fn(&eval.Call{In: in}, args)
	}
	if _, err := call("w", value.Kw("nobody"), int64(1000)); err == nil || !strings.Contains(err.Error(), "Unknown agent handle: :nobody") {
		t.Errorf("unknown handle: %v", err)
	}
	if v, err := call("w", value.Kw("main"), int64(60000)); err != nil || v != nil {
		t.Fatalf("watch-send = %v, %v", v, err)
	}
	if err := os.WriteFile(filepath.Join(root, "w", "new.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second) // a hang guard
	for {
		msgs := rt.multi.coord().Drain(agents.Main, agents.KindWait)
		if len(msgs) > 0 {
			want := `{:from :watch-send, :body [{:kind :create, :name "new.txt"}]}`
			if len(msgs) != 1 || value.PrStr(msgs[0].Value) != want {
				t.Errorf("delivered %v, want one %s", msgs, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no message reached main")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMCPListenDeliversToHandle: mcp/listen-send's Sender (rt.mcpListen)
// checks the handle at the call and delivers each body to the handle's
// mailbox as a message from :mcp-listen (effects.md §10, §3.2).
func TestMCPListenDeliversToHandle(t *testing.T) {
	rt := New(Options{Limits: DefaultLimits, Virtual: true})
	if _, err := rt.mcpListen(value.Kw("main")); !errors.Is(err, errNoRun) {
		t.Errorf("outside a run: %v", err)
	}
	_, main := rt.startMulti(context.Background())
	defer rt.multi.stop(main)
	if _, err := rt.mcpListen(value.Kw("nobody")); err == nil || !strings.Contains(err.Error(), "Unknown agent handle: :nobody") {
		t.Errorf("unknown handle: %v", err)
	}
	send, err := rt.mcpListen(value.Kw("main"))
	if err != nil {
		t.Fatal(err)
	}
	body := value.NewMap(value.Kw("server"), "kid", value.Kw("notification"), value.NewMap("method", "notifications/resources/updated"))
	if err := send(body); err != nil {
		t.Fatal(err)
	}
	msgs := rt.multi.coord().Drain(agents.Main, agents.KindWait)
	want := `{:from :mcp-listen, :body {:server "kid", :notification {"method" "notifications/resources/updated"}}}`
	if len(msgs) != 1 || value.PrStr(msgs[0].Value) != want {
		t.Errorf("delivered %v, want one %s", msgs, want)
	}
}
