package agents

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// TestCancelNoticeWhenAsleep: cancelling an edge of a sleeping source (from
// its future) enqueues {:from [targets] :edge-id id :cancelled true}; an
// awake source gets no notice.
func TestCancelNoticeWhenAsleep(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	spawnBegun(t, c, "c")
	e1, _ := c.Ask(Main, []Handle{"b", "c"}, nil, false)
	e2, _ := c.Ask(Main, []Handle{"b"}, nil, false)
	if _, err := c.Cancel(Main, e2); err != nil { // awake: no notice
		t.Fatal(err)
	}
	if n := agentOf(t, c, Main).mailLen(); n != 0 {
		t.Fatalf("awake source got %d notices", n)
	}
	res := mustWait(t, c, Main, mtok, Asleep)
	if _, err := c.Cancel(Main, e1); err != nil {
		t.Fatal(err)
	}
	if !fired(res.Ticket) {
		t.Fatal("cancel notice did not wake the sleeper")
	}
	m := c.Drain(Main, KindWait)
	if len(m) != 1 || pr(m[0].Value) != "{:from [:b :c] :edge-id 1 :cancelled true}" {
		t.Fatal(m)
	}
	// The targets' replies are now silent no-ops.
	c.Drain("b", KindPreEval)
	if f, err := c.Reply("b", e1, 1); f || err != nil {
		t.Fatal(f, err)
	}
}

func TestLabels(t *testing.T) {
	want := map[ReceiptKind]string{
		KindPreEval: "[pre-eval: msg-3 arrived; your last trailing expression was NOT run]",
		KindWait:    "[wait resumed: msg-3 arrived]",
		KindDormant: "[dormant resumed: msg-3 arrived; new lifecycle]",
		KindStartup: "[startup: msg-3 arrived before your first turn]",
		KindReceive: "[receive: msg-3 accepted; nothing was evaluated]",
	}
	for k, w := range want {
		if got := Label(k, "msg-3"); got != w {
			t.Errorf("Label(%d) = %q", k, got)
		}
	}
}

// TestStartupBatchAndNames: messages queued before a child's first
// lifecycle are its startup batch; msg-N numbers run per run in drain order.
func TestStartupBatchAndNames(t *testing.T) {
	c, _ := newCoord(t, Options{})
	begin(t, c, Main)
	h, _ := c.Spawn(Main, "")
	if h != "spawn-1" {
		t.Fatal(h)
	}
	_ = c.Send(Main, h, 1)
	_ = c.Send(Main, h, 2)
	_, gen, batch, err := c.Begin(h)
	if err != nil || gen != 1 || len(batch) != 2 {
		t.Fatal(gen, batch, err)
	}
	if batch[0].Name != "msg-1" || batch[1].Label != "[startup: msg-2 arrived before your first turn]" {
		t.Fatal(batch)
	}
}

func TestHandles(t *testing.T) {
	c, _ := newCoord(t, Options{})
	begin(t, c, Main)
	if _, err := c.Spawn(Main, "spawn-1"); err != nil {
		t.Fatal(err)
	}
	if h, _ := c.Spawn(Main, ""); h != "spawn-2" {
		t.Fatalf("auto name %s, want spawn-2 (spawn-1 is taken)", h)
	}
	if _, err := c.Spawn(Main, "main"); !errors.Is(err, ErrHandleTaken) || err.Error() != "Handle already registered: :main" {
		t.Fatal(err)
	}
	for _, bad := range []Handle{"coordinator", "future"} {
		if _, err := c.Spawn(Main, bad); !errors.Is(err, ErrHandleReserved) {
			t.Fatal(bad, err)
		}
	}
	for _, bad := range []Handle{":x", "a b", "(x)"} {
		if _, err := c.Spawn(Main, bad); !errors.Is(err, ErrBadHandle) {
			t.Fatal(bad, err)
		}
	}
	if _, err := c.Spawn("ghost", "x"); !errors.Is(err, ErrUnknownHandle) {
		t.Fatal(err)
	}
	if p, _ := c.Parent("spawn-2"); p != Main {
		t.Fatal(p)
	}
	if p, err := c.Parent(Main); p != "" || err != nil {
		t.Fatal(p, err)
	}
	if hs := c.Handles(); strings.Join(hs, " ") != "main spawn-1 spawn-2" {
		t.Fatal(hs)
	}
}

// TestRegisterDormant: a registered agent is :finished with its checkpoint;
// its first message starts it once (kind dormant).
func TestRegisterDormant(t *testing.T) {
	c, r := newCoord(t, Options{})
	begin(t, c, Main)
	if err := c.Register(Main, "keeper", "(quine p (eval (do '(!extend))))"); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.StatusOf("keeper"); pr(st) != "{:handle :keeper :status :finished :generation 0}" {
		t.Fatal(pr(st))
	}
	if cp, _ := c.Checkpoint("keeper"); cp != "(quine p (eval (do '(!extend))))" {
		t.Fatal(cp)
	}
	_ = c.Send(Main, "keeper", 1)
	_ = c.Send(Main, "keeper", 2)
	starts := 0
	for _, n := range r.drain() {
		if n.Kind == Start && n.Handle == "keeper" {
			starts++
		}
	}
	if starts != 1 {
		t.Fatalf("%d Start notifications", starts)
	}
	tok, gen, batch, err := c.Begin("keeper")
	if err != nil || gen != 1 || len(batch) != 2 || batch[0].Label != "[dormant resumed: msg-1 arrived; new lifecycle]" {
		t.Fatal(gen, batch, err)
	}
	if c.Finish("keeper", tok, nil, nil) {
		t.Fatal("again with an empty mailbox")
	}
	_ = c.Send(Main, "keeper", 3)
	if n := r.drain(); len(n) != 1 || n[0] != (Notification{Start, "keeper"}) {
		t.Fatal(n)
	}
}

// TestFinishFillsClaimedAndCancelsOutgoing: Finish fills the slots its
// generation claimed (with the failure data when it failed), cancels its own
// pending edges with a warning event, and leaves unclaimed requests queued.
func TestFinishFillsClaimedAndCancelsOutgoing(t *testing.T) {
	var events []string
	var mu sync.Mutex
	c, _ := newCoord(t, Options{Event: func(kind string, f map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if kind == "warning" {
			events = append(events, fmt.Sprint(f["handle"], ": ", f["message"], " ", f["edges"]))
		}
	}})
	mtok, _ := begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	spawnBegun(t, c, "c")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	c.Drain("b", KindPreEval)
	if _, err := c.Ask("b", []Handle{"c"}, nil, false); err != nil {
		t.Fatal(err)
	}
	fail := ChildFailure("b", PhaseLifecycle, Failure{Class: "eval-error", Message: "boom", Data: value.NewMap(value.Kw("x"), int64(1))})
	c.Finish("b", btok, "ignored", fail)
	if len(events) != 1 || events[0] != "b: finished with unfinished outgoing edges [2]" {
		t.Fatal(events)
	}
	res := mustWait(t, c, Main, mtok, Ready)
	want := `{:from :b :edge-id 1 :body {:spell/child-failure true :handle :b :phase :lifecycle :exception {:spell/exception true :class "eval-error" :message "boom" :data {:x 1}}}}`
	if got := pr(res.Batch[0].Value); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	if out, _ := c.OutEdges("b"); pr(out) != "[]" {
		t.Fatal(pr(out))
	}
	if in, _ := c.InEdges("c"); pr(in) != "[]" {
		t.Fatal(pr(in))
	}
}

// TestRetireFillsUnclaimed: Retire fills even unclaimed slots.
func TestRetireFillsUnclaimed(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	_, _ = c.Spawn(Main, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	if err := c.Retire("b", "gone"); err != nil {
		t.Fatal(err)
	}
	res := mustWait(t, c, Main, mtok, Ready)
	if pr(res.Batch[0].Value) != `{:from :b :edge-id 1 :body "gone"}` {
		t.Fatal(pr(res.Batch[0].Value))
	}
	if err := c.Send(Main, "b", 1); !errors.Is(err, ErrUnknownHandle) {
		t.Fatal(err)
	}
	if err := c.Retire("b", nil); !errors.Is(err, ErrUnknownHandle) {
		t.Fatal(err)
	}
}

// TestViews pins the shapes of agents/status, out-edges, in-edges and graph.
func TestViews(t *testing.T) {
	c, _ := newCoord(t, Options{})
	begin(t, c, Main)
	spawnBegun(t, c, "b")
	spawnBegun(t, c, "c")
	_, _ = c.Ask(Main, []Handle{"b", "c"}, nil, false)
	c.Drain("b", KindPreEval)
	_, _ = c.Reply("b", 1, 5)
	st, _ := c.Status("b")
	if got := pr(st); got != "{:handle :b :status :awake :generation 1 :out-edges [] :in-edges [{:id 1 :source :main :targets [:b :c] :created-seq 1}]}" {
		t.Fatal(got)
	}
	st, _ = c.Status(Main)
	if got := pr(st); got != "{:handle :main :status :awake :generation 1 :out-edges [{:id 1 :source :main :targets [:b :c] :created-seq 1}] :in-edges []}" {
		t.Fatal(got)
	}
	g := pr(c.Graph())
	want := "{:nodes {:main {:status :awake :generation 1} :b {:status :awake :generation 1} :c {:status :awake :generation 1}} :edges {1 {:id 1 :source :main :targets [:b :c] :created-seq 1 :status :pending :tracked false :slots [{:target :b :state :filled :claimed 1} {:target :c :state :pending :claimed nil}]}}}"
	if g != want {
		t.Fatalf("\n got %s\nwant %s", g, want)
	}
	if _, err := c.StatusOf("nobody"); !errors.Is(err, ErrUnknownHandle) {
		t.Fatal(err)
	}
}

func TestReplyMsgRules(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	noEdge := value.NewMap(kwFrom, kw(Main), kwExpectsResponse, true)
	if _, err := c.ReplyMsg("b", noEdge, 1); !errors.Is(err, ErrReplyNoEdge) {
		t.Fatal(err)
	}
	agg := value.NewMap(kwFrom, value.VectorOf(kw("b"), kw("c")), kwEdgeID, int64(1), kwBody, value.EmptyVector)
	if _, err := c.ReplyMsg(Main, agg, 1); !errors.Is(err, ErrReplyAggregate) {
		t.Fatal(err)
	}
	if _, err := c.ReplyMsg(Main, "not a map", 1); !errors.Is(err, ErrNotMessage) {
		t.Fatal(err)
	}
	// A plain message: reply is a send to :from.
	if _, err := c.ReplyMsg("b", value.NewMap(kwFrom, kw(Main), kwBody, 1), "back"); err != nil {
		t.Fatal(err)
	}
	res := mustWait(t, c, Main, mtok, Ready)
	if pr(res.Batch[0].Value) != `{:from :b :body "back"}` {
		t.Fatal(pr(res.Batch[0].Value))
	}
	// A reply to an edge that does not exist is a silent no-op.
	if f, err := c.Reply("b", 99, 1); f || err != nil {
		t.Fatal(f, err)
	}
	if _, err := c.ReplyAsk("b", agg, 1); !errors.Is(err, ErrReplyAskFrom) {
		t.Fatal(err)
	}
}

func TestTrackedRequestCancelled(t *testing.T) {
	c, _ := newCoord(t, Options{})
	btok := spawnBegun(t, c, "b")
	begin(t, c, Main)
	tr, err := c.Request("b", btok, Main, "q", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cancel("b", tr.Edge()); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Await(hangGuard(t)); !errors.Is(err, ErrRequestCancelled) || err.Error() != "Request cancelled" {
		t.Fatal(err)
	}
	// A tracked request answered: the value, and no report in the mailbox.
	tr2, _ := c.Request("b", btok, Main, "q2", true)
	for _, m := range c.Drain(Main, KindPreEval) {
		_, _ = c.ReplyMsg(Main, m.Value, nil)
	}
	if v, err := tr2.Await(hangGuard(t)); v != nil || err != nil {
		t.Fatal(v, err)
	}
	if agentOf(t, c, "b").mailLen() != 0 {
		t.Fatal("tracked request sent a report")
	}
}

func TestBlockCancelledByContext(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	res := mustWait(t, c, Main, mtok, Asleep)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := res.Ticket.Block(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if st, _ := c.StatusOf(Main); pr(st) != "{:handle :main :status :awake :generation 1}" {
		t.Fatal(pr(st))
	}
	if len(c.waiters) != 0 {
		t.Fatal("waiter left behind")
	}
}

// TestChildFailureBounds: depth ≤ 8, ≤ 100 items, reader-safe data only.
func TestChildFailureBounds(t *testing.T) {
	var deep Value = int64(0)
	for i := 0; i < 20; i++ {
		deep = value.VectorOf(deep)
	}
	items := make([]Value, 150)
	for i := range items {
		items[i] = int64(i)
	}
	data := value.NewMap(value.Kw("deep"), deep, value.Kw("long"), value.NewVector(items),
		value.Kw("fn"), value.Sym("not-a-problem"), value.Kw("chan"), make(chan int))
	cause := &Failure{Class: "c", Message: "m"}
	for i := 0; i < 10; i++ {
		cause = &Failure{Class: "c", Message: "m", Cause: cause}
	}
	v := ChildFailure("h", PhaseCompletionSource, Failure{Class: "k", Message: "msg", Data: data, Cause: cause})
	if d := depth(v); d > 8 {
		t.Fatalf("depth %d", d)
	}
	checkItems(t, v)
	if !IsChildFailure(v) {
		t.Fatal("not child-failure data")
	}
	if s := pr(v); !strings.Contains(s, `:chan "#object[chan int]"`) || !strings.Contains(s, `:cause "…"`) {
		t.Fatal(s)
	}
}

func depth(v Value) int {
	d := 0
	each(v, func(x Value) {
		if n := depth(x); n > d {
			d = n
		}
	})
	switch v.(type) {
	case *value.Vector, *value.Map, *value.List, *value.Set:
		return d + 1
	}
	return 0
}

func each(v Value, f func(Value)) {
	switch x := v.(type) {
	case *value.Vector:
		x.Range(func(_ int, it Value) bool { f(it); return true })
	case *value.Map:
		x.Range(func(k, it Value) bool { f(k); f(it); return true })
	case *value.List:
		x.Range(func(_ int, it Value) bool { f(it); return true })
	case *value.Set:
		x.Range(func(it Value) bool { f(it); return true })
	}
}

func checkItems(t *testing.T, v Value) {
	n := 0
	each(v, func(x Value) { n++; checkItems(t, x) })
	if _, ok := v.(*value.Map); ok {
		n /= 2
	}
	if n > 100 {
		t.Fatalf("%d items", n)
	}
	switch v.(type) {
	case nil, bool, int64, float64, string, *value.Keyword, *value.Symbol, *value.Vector, *value.Map, *value.List, *value.Set, value.Char, value.BigDec:
	default:
		t.Fatalf("not data: %T", v)
	}
}

// TestConcurrentRunners: real runner goroutines (one per agent) ask each
// other in a ring, answer and wait with Block; the race detector watches,
// the hang guard catches a deadlock.
func TestConcurrentRunners(t *testing.T) {
	const n, rounds = 6, 30
	c, _ := newCoord(t, Options{})
	hs := make([]Handle, n)
	for i := range hs {
		hs[i] = Handle(fmt.Sprintf("r%d", i))
		if _, err := c.Spawn(Main, hs[i]); err != nil {
			t.Fatal(err)
		}
	}
	ctx := hangGuard(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range hs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			h := hs[i]
			tok, _, batch, err := c.Begin(h)
			if err != nil {
				errs <- err
				return
			}
			answered := 0
			pending := 0
			handle := func(ms []Message) {
				for _, m := range ms {
					mm := m.Value.(*value.Map)
					if mm.Contains(kwExpectsResponse) {
						if _, err := c.ReplyMsg(h, m.Value, int64(i)); err != nil {
							errs <- err
						}
						answered++
					} else if mm.Contains(kwEdgeID) {
						pending--
					}
				}
			}
			handle(batch)
			for r := 0; r < rounds; r++ {
				if _, err := c.Ask(h, []Handle{hs[(i+1)%n], hs[(i+2)%n]}, int64(r), true); err != nil {
					errs <- err
					return
				}
				pending++
				for pending > 0 {
					res, err := c.Wait(h, tok)
					if err != nil {
						errs <- fmt.Errorf("%s: %w", h, err)
						return
					}
					switch res.Kind {
					case Ready:
						handle(res.Batch)
					case Asleep:
						if err := res.Ticket.Block(ctx); err != nil {
							errs <- fmt.Errorf("%s: %w", h, err)
							return
						}
						handle(c.Drain(h, KindWait))
					case Idle:
						errs <- fmt.Errorf("%s idle with %d pending", h, pending)
						return
					}
				}
			}
			// Keep answering until everyone is done: answer what arrives,
			// finish when idle.
			for answered < 2*rounds {
				res, err := c.Wait(h, tok)
				if err != nil {
					errs <- err
					return
				}
				switch res.Kind {
				case Ready:
					handle(res.Batch)
				case Asleep:
					if err := res.Ticket.Block(ctx); err != nil {
						errs <- err
						return
					}
					handle(c.Drain(h, KindWait))
				case Idle:
					// incoming requests are still to come: poll the mailbox
					select {
					case <-ctx.Done():
						errs <- ctx.Err()
						return
					default:
					}
					runtime.Gosched()
					handle(c.Drain(h, KindPreEval))
				}
			}
			c.Finish(h, tok, nil, nil)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c.Close()
}

// TestEventsInCommitOrder: trace events from concurrent operations are
// dispatched in the order their transitions committed (the mailbox order).
func TestEventsInCommitOrder(t *testing.T) {
	var mu sync.Mutex
	var enq []int64
	c, _ := newCoord(t, Options{Event: func(kind string, f map[string]any) {
		if kind == "enqueued" && f["handle"] == "r" {
			b, _ := f["message"].(*value.Map).Get(kwBody)
			mu.Lock()
			enq = append(enq, b.(int64))
			mu.Unlock()
		}
	}})
	spawnBegun(t, c, "r")
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 250; j++ {
				_ = c.Send(Main, "r", int64(i*1000+j))
			}
		}(i)
	}
	wg.Wait()
	batch := c.Drain("r", KindPreEval)
	if len(batch) != 1000 || len(enq) != 1000 {
		t.Fatal(len(batch), len(enq))
	}
	for i, m := range batch {
		b, _ := m.Value.(*value.Map).Get(kwBody)
		if b.(int64) != enq[i] {
			t.Fatalf("event %d is %d, mailbox has %d", i, enq[i], b)
		}
	}
}

// TestDrainEndsSleep: a drain of a sleeper (not through its ticket) fires
// the ticket, so nobody blocks on a sleep that no longer exists.
func TestDrainEndsSleep(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	res := mustWait(t, c, Main, mtok, Asleep)
	if m := c.Drain(Main, KindReceive); m != nil {
		t.Fatal(m)
	}
	if !fired(res.Ticket) {
		t.Fatal("ticket of an ended sleep did not fire")
	}
	if st, _ := c.StatusOf(Main); pr(st) != "{:handle :main :status :awake :generation 1}" {
		t.Fatal(pr(st))
	}
}
