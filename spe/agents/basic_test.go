package agents

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// recorder collects notifications.
type recorder struct {
	ch chan Notification
}

func newRec() *recorder { return &recorder{ch: make(chan Notification, 4096)} }

func (r *recorder) notify(n Notification) { r.ch <- n }

func (r *recorder) drain() []Notification {
	var out []Notification
	for {
		select {
		case n := <-r.ch:
			out = append(out, n)
		default:
			return out
		}
	}
}

func newCoord(t testing.TB, opts Options) (*Coordinator, *recorder) {
	t.Helper()
	r := newRec()
	c := New(opts, r.notify)
	if err := c.RegisterMain(); err != nil {
		t.Fatal(err)
	}
	return c, r
}

// pr prints v readably without the map commas (the form the spec writes).
func pr(v Value) string { return strings.ReplaceAll(value.PrStr(v), ", :", " :") }

func begin(t testing.TB, c *Coordinator, h Handle) (Token, []Message) {
	t.Helper()
	tok, _, batch, err := c.Begin(h)
	if err != nil {
		t.Fatalf("Begin(%s): %v", h, err)
	}
	return tok, batch
}

// hangGuard is a generous deadline against hangs (never a timing assertion).
func hangGuard(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestSpawnAskFanOut is S09 at the coordinator level: one edge over three
// children, one aggregate report in target order, main woken once.
func TestSpawnAskFanOut(t *testing.T) {
	c, r := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	edge, hs, err := c.SpawnAsk(Main, []Handle{"bidder-a", "bidder-b", "bidder-c"})
	if err != nil || edge != 1 || len(hs) != 3 {
		t.Fatalf("SpawnAsk = %d %v %v", edge, hs, err)
	}
	res, err := c.Wait(Main, mtok)
	if err != nil || res.Kind != Asleep {
		t.Fatalf("Wait = %+v %v", res, err)
	}
	bids := map[Handle]int64{"bidder-a": 300, "bidder-b": 700, "bidder-c": 500}
	for _, h := range []Handle{"bidder-c", "bidder-b", "bidder-a"} { // a answers last
		tok, gen, batch, err := c.Begin(h)
		if err != nil || gen != 1 || len(batch) != 0 {
			t.Fatalf("Begin(%s) = %d %v %v", h, gen, batch, err)
		}
		if again := c.Finish(h, tok, bids[h], nil); again {
			t.Fatalf("Finish(%s) again", h)
		}
	}
	if err := res.Ticket.Block(hangGuard(t)); err != nil {
		t.Fatal(err)
	}
	msgs := c.Drain(Main, KindWait)
	if len(msgs) != 1 || msgs[0].Name != "msg-1" || msgs[0].Label != "[wait resumed: msg-1 arrived]" {
		t.Fatalf("drain = %+v", msgs)
	}
	want := "{:from [:bidder-a :bidder-b :bidder-c] :edge-id 1 :body [{:from :bidder-a :body 300} {:from :bidder-b :body 700} {:from :bidder-c :body 500}]}"
	if got := pr(msgs[0].Value); got != want {
		t.Fatalf("report\n got %s\nwant %s", got, want)
	}
	wakes := 0
	for _, n := range r.drain() {
		if n.Kind == Wake && n.Handle == Main {
			wakes++
		}
	}
	if wakes != 1 {
		t.Fatalf("main woken %d times, want 1", wakes)
	}
}

func TestAskReplyRoundTrip(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	if _, err := c.Spawn(Main, "b"); err != nil {
		t.Fatal(err)
	}
	btok, _ := begin(t, c, "b")
	edge, err := c.Ask(Main, []Handle{"b"}, "q", true)
	if err != nil || edge != 1 {
		t.Fatal(edge, err)
	}
	msgs := c.Drain("b", KindPreEval)
	if len(msgs) != 1 || pr(msgs[0].Value) != `{:from :main :expects-response true :edge-id 1 :body "q"}` {
		t.Fatalf("b got %+v", msgs)
	}
	if filled, err := c.ReplyMsg("b", msgs[0].Value, int64(42)); !filled || err != nil {
		t.Fatal(filled, err)
	}
	if filled, _ := c.ReplyMsg("b", msgs[0].Value, int64(43)); filled {
		t.Fatal("second reply filled")
	}
	res, err := c.Wait(Main, mtok)
	if err != nil || res.Kind != Ready || len(res.Batch) != 1 {
		t.Fatalf("wait %+v %v", res, err)
	}
	if got := pr(res.Batch[0].Value); got != "{:from :b :edge-id 1 :body 42}" {
		t.Fatal(got)
	}
	_ = btok
	if err := c.Send(Main, "nobody", nil); !errors.Is(err, ErrUnknownHandle) || err.Error() != "Unknown agent handle: :nobody" {
		t.Fatal("send to unknown:", err)
	}
}

// TestFirstToken: main's first lifecycle on a new coordinator has
// FirstToken (the runtime knows it before it makes the coordinator).
func TestFirstToken(t *testing.T) {
	c := New(Options{}, nil)
	if err := c.RegisterMain(); err != nil {
		t.Fatal(err)
	}
	if tok, _, _, err := c.Begin(Main); err != nil || tok != FirstToken {
		t.Errorf("Begin(main) = %d, %v; want %d", tok, err, FirstToken)
	}
}
