package agents

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// The properties of effects.md §3.12, one test each.

func agentOf(t testing.TB, c *Coordinator, h Handle) *agent {
	t.Helper()
	a, ok := c.view().agent(h)
	if !ok {
		t.Fatalf("no agent %s", h)
	}
	return a
}

func spawnBegun(t testing.TB, c *Coordinator, h Handle) Token {
	t.Helper()
	if _, err := c.Spawn(Main, h); err != nil {
		t.Fatal(err)
	}
	tok, _ := begin(t, c, h)
	return tok
}

func mustWait(t testing.TB, c *Coordinator, h Handle, tok Token, want WaitKind) WaitResult {
	t.Helper()
	res, err := c.Wait(h, tok)
	if err != nil {
		t.Fatalf("Wait(%s): %v", h, err)
	}
	if res.Kind != want {
		t.Fatalf("Wait(%s) = %v, want %v", h, res.Kind, want)
	}
	return res
}

func fired(tk Ticket) bool {
	select {
	case <-tk.Done():
		return true
	default:
		return false
	}
}

// TestPropStateAndNotificationsCommitTogether: the pure transition returns
// the next state and its notifications together, and when a notification is
// dispatched the state it announces is already committed and visible.
func TestPropStateAndNotificationsCommitTogether(t *testing.T) {
	s := newState(10, false)
	s, _, _ = s.apply(func(t *tx) error { t.putAgent(&agent{handle: Main, status: StatusAwake}); return nil })
	s, _, _ = s.apply(func(t *tx) error {
		_, err := t.register(Main, "b", StatusFinished, "")
		return err
	})
	next, fx, err := s.apply(func(t *tx) error { t.enqueue("b", message{v: msgSend(Main, int64(1))}); return nil })
	if err != nil || len(fx) != 1 || fx[0].kind != fxStart {
		t.Fatalf("fx = %+v %v", fx, err)
	}
	if a, _ := next.agent("b"); a.mailLen() != 1 || !a.starting {
		t.Fatal("the start and the message are not in the same state")
	}
	if a, _ := s.agent("b"); a.mailLen() != 0 {
		t.Fatal("the old state changed")
	}

	var c *Coordinator
	var seen []int
	c = New(Options{}, func(n Notification) {
		if n.Kind == Start {
			a, _ := c.view().agent(n.Handle)
			seen = append(seen, a.mailLen())
		}
	})
	_ = c.RegisterMain()
	_ = c.Register(Main, "d", "(quine p (eval (do '(!extend))))")
	if err := c.Send(Main, "d", "hi"); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != 1 {
		t.Fatalf("notification saw mailbox %v, want [1]", seen)
	}
}

// TestPropWaitSeesReadyBeforeDispatch: a message committed while its wake
// notification has not been dispatched yet is already visible to Wait (and
// to a woken sleeper's Drain): the mailbox, not the signal, decides.
func TestPropWaitSeesReadyBeforeDispatch(t *testing.T) {
	release := make(chan struct{})
	blocked := make(chan struct{})
	var once sync.Once
	c := New(Options{}, func(n Notification) {
		if n.Kind == Wake && n.Handle == "b" {
			once.Do(func() { close(blocked); <-release })
		}
	})
	_ = c.RegisterMain()
	mtok, _ := begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	_ = mtok
	// b asks main (so b may sleep), sleeps.
	if _, err := c.Ask("b", []Handle{Main}, nil, false); err != nil {
		t.Fatal(err)
	}
	res := mustWait(t, c, "b", btok, Asleep)
	done := make(chan struct{})
	go func() { _ = c.Send(Main, "b", "x"); close(done) }()
	<-blocked // the Send committed; its Wake dispatch is held
	if !fired(res.Ticket) {
		t.Fatal("ticket not fired before the notify callback")
	}
	msgs := c.Drain("b", KindWait)
	if len(msgs) != 1 {
		t.Fatalf("drain during dispatch = %d messages", len(msgs))
	}
	// A later message while dispatch is still held: Wait is Ready at once.
	if err := c.Send(Main, "b", "y"); err != nil {
		t.Fatal(err)
	}
	r2 := mustWait(t, c, "b", btok, Ready)
	if len(r2.Batch) != 1 {
		t.Fatal(r2.Batch)
	}
	close(release)
	<-done
}

// TestPropFillOnceNilAndLarge: a slot is filled exactly once; nil is a result
// and a large value is kept as is.
func TestPropFillOnceNilAndLarge(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	spawnBegun(t, c, "c")
	e, _ := c.Ask(Main, []Handle{"b", "c"}, nil, false)
	c.Drain("b", KindPreEval)
	c.Drain("c", KindPreEval)
	if f, _ := c.Reply("b", e, nil); !f {
		t.Fatal("nil reply did not fill")
	}
	if f, _ := c.Reply("b", e, int64(5)); f {
		t.Fatal("second reply filled")
	}
	items := make([]Value, 100000)
	for i := range items {
		items[i] = int64(i)
	}
	big := value.NewVector(items)
	if f, _ := c.Reply("c", e, big); !f {
		t.Fatal("large reply did not fill")
	}
	if f, _ := c.Reply("c", e, nil); f {
		t.Fatal("second reply filled")
	}
	res := mustWait(t, c, Main, mtok, Ready)
	if len(res.Batch) != 1 {
		t.Fatalf("%d reports", len(res.Batch))
	}
	body, _ := res.Batch[0].Value.(*value.Map).Get(kwBody)
	r0, _ := body.(*value.Vector).Nth(0)
	r1, _ := body.(*value.Vector).Nth(1)
	if v, ok := r0.(*value.Map).Get(kwBody); !ok || v != nil {
		t.Fatalf("nil result lost: %s", pr(r0))
	}
	if v, _ := r1.(*value.Map).Get(kwBody); v != Value(big) {
		t.Fatal("large result not kept")
	}
}

// TestPropUndrainedRequestBelongsToNextLifecycle: a request that arrives
// after the drain is not filled by this lifecycle's return value; the next
// lifecycle claims and answers it.
func TestPropUndrainedRequestBelongsToNextLifecycle(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	e, _ := c.Ask(Main, []Handle{"b"}, "late", true)
	if again := c.Finish("b", btok, "gen1", nil); !again {
		t.Fatal("Finish with a queued request: again = false")
	}
	if _, ok := c.view().edges.Get(e); !ok {
		t.Fatal("generation 1's value filled a request it never received")
	}
	tok2, gen, batch, err := c.Begin("b")
	if err != nil || gen != 2 || len(batch) != 1 || batch[0].Label != "[dormant resumed: msg-1 arrived; new lifecycle]" {
		t.Fatalf("Begin = %d %+v %v", gen, batch, err)
	}
	c.Finish("b", tok2, "gen2", nil)
	res := mustWait(t, c, Main, mtok, Ready)
	if got := pr(res.Batch[0].Value); got != `{:from :b :edge-id 1 :body "gen2"}` {
		t.Fatal(got)
	}
}

// TestPropDurableWaitSurvivesUnrelatedMessage: a sleeper woken by an
// unrelated message keeps its obligation: it can sleep again and the
// completion still reaches it.
func TestPropDurableWaitSurvivesUnrelatedMessage(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	spawnBegun(t, c, "c")
	e, _ := c.Ask(Main, []Handle{"b"}, nil, false)
	res := mustWait(t, c, Main, mtok, Asleep)
	_ = c.Send("c", Main, "noise")
	if err := res.Ticket.Block(hangGuard(t)); err != nil {
		t.Fatal(err)
	}
	if m := c.Drain(Main, KindWait); len(m) != 1 || pr(m[0].Value) != `{:from :c :body "noise"}` {
		t.Fatal(m)
	}
	res = mustWait(t, c, Main, mtok, Asleep)
	c.Drain("b", KindPreEval)
	_, _ = c.Reply("b", e, "answer")
	if !fired(res.Ticket) {
		t.Fatal("completion did not wake the re-entered wait")
	}
	if m := c.Drain(Main, KindWait); len(m) != 1 || pr(m[0].Value) != `{:from :b :edge-id 1 :body "answer"}` {
		t.Fatal(m)
	}
}

// TestPropOlderOutgoingNewerIncomingRefused: A asks B, B asks A; after
// draining, A's older outgoing edge does not let it sleep over B's newer
// request; the refusal carries the edges and changes nothing.
func TestPropOlderOutgoingNewerIncomingRefused(t *testing.T) {
	c, _ := newCoord(t, Options{})
	atok := spawnBegun(t, c, "a")
	btok := spawnBegun(t, c, "b")
	if _, err := c.Ask("a", []Handle{"b"}, nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Ask("b", []Handle{"a"}, nil, false); err != nil {
		t.Fatal(err)
	}
	mustWait(t, c, "a", atok, Ready) // b's request is in a's mailbox
	before := c.view()
	_, err := c.Wait("a", atok)
	var sr *SleepRefusedError
	if !errors.Is(err, ErrSleepRefused) || !errors.As(err, &sr) {
		t.Fatalf("Wait = %v", err)
	}
	if err.Error() != "Sleep refused: you hold incoming requests newer than your newest outgoing request; answer them first" {
		t.Fatal(err.Error())
	}
	want := "{:out-edges [{:id 1 :source :a :targets [:b] :created-seq 1}] :in-edges [{:id 2 :source :b :targets [:a] :created-seq 2}]}"
	if got := pr(sr.Data); got != want {
		t.Fatalf("data\n got %s\nwant %s", got, want)
	}
	if c.view() != before {
		t.Fatal("a refused wait changed the state")
	}
	// b may sleep: its outgoing edge 2 is newer than its incoming slot 1.
	mustWait(t, c, "b", btok, Ready)
	mustWait(t, c, "b", btok, Asleep)
}

// TestPropReplyAskReplacesSingletonReport: !reply-ask fills the slot without
// the singleton report and opens the reverse request in one transition; a
// rejected one (capacity) rolls its fill back.
func TestPropReplyAskReplacesSingletonReport(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, "offer?", true)
	req := c.Drain("b", KindPreEval)[0].Value
	e2, err := c.ReplyAsk("b", req, "counter?")
	if err != nil || e2 != 2 {
		t.Fatal(e2, err)
	}
	res := mustWait(t, c, Main, mtok, Ready)
	if len(res.Batch) != 1 || pr(res.Batch[0].Value) != `{:from :b :expects-response true :edge-id 2 :body "counter?"}` {
		t.Fatalf("main got %d messages: %v", len(res.Batch), res.Batch)
	}
	if _, ok := c.view().edges.Get(1); ok {
		t.Fatal("edge 1 still pending")
	}
	if _, err := c.ReplyAsk("b", req, "again"); !errors.Is(err, ErrReplyAskStale) {
		t.Fatalf("stale reply-ask: %v", err)
	}

	// Rollback: a multi-target edge at capacity.
	c2, _ := newCoord(t, Options{MaxEdges: 1})
	begin(t, c2, Main)
	spawnBegun(t, c2, "x")
	spawnBegun(t, c2, "y")
	_, _ = c2.Ask(Main, []Handle{"x", "y"}, nil, false)
	r := c2.Drain("x", KindPreEval)[0].Value
	before := c2.view()
	if _, err := c2.ReplyAsk("x", r, 1); !errors.Is(err, ErrCapacity) || err.Error() != "Coordinator capacity exceeded: 1 pending edges" {
		t.Fatalf("reply-ask at capacity: %v", err)
	}
	if c2.view() != before {
		t.Fatal("rejected reply-ask changed the state")
	}
	if e, _ := c2.view().edges.Get(1); e.slots[0].state != slotPending {
		t.Fatal("fill not rolled back")
	}
}

// TestPropCommittedWakeVisibleAcrossDrain (race test): concurrent senders
// and a receiver that sleeps, drains and sleeps again lose no message and
// no wake-up.
func TestPropCommittedWakeVisibleAcrossDrain(t *testing.T) {
	const senders, per = 4, 200
	c, _ := newCoord(t, Options{})
	rtok := spawnBegun(t, c, "r")
	for i := 0; i < senders; i++ {
		spawnBegun(t, c, Handle(fmt.Sprintf("s%d", i)))
	}
	// The receiver keeps an outgoing edge so that it may sleep.
	if _, err := c.Ask("r", []Handle{Main}, nil, false); err != nil {
		t.Fatal(err)
	}
	ctx := hangGuard(t)
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < per; j++ {
				_ = c.Send(Handle(fmt.Sprintf("s%d", i)), "r", int64(i*per+j))
			}
		}(i)
	}
	seen := map[int64]bool{}
	for len(seen) < senders*per {
		res, err := c.Wait("r", rtok)
		if err != nil {
			t.Fatal(err)
		}
		batch := res.Batch
		if res.Kind == Asleep {
			if err := res.Ticket.Block(ctx); err != nil {
				t.Fatalf("lost wake-up: %v after %d messages", err, len(seen))
			}
			batch = c.Drain("r", KindWait)
		}
		for _, m := range batch {
			b, _ := m.Value.(*value.Map).Get(kwBody)
			if seen[b.(int64)] {
				t.Fatalf("message %d delivered twice", b)
			}
			seen[b.(int64)] = true
		}
	}
	wg.Wait()
	if n := agentOf(t, c, "r").mailLen(); n != 0 {
		t.Fatalf("%d extra messages", n)
	}
}

// TestPropClosedRunRejectsLateSends: after Close every operation fails with
// "Coordinator closed", sleepers wake with it, tracked requests fail with it.
func TestPropClosedRunRejectsLateSends(t *testing.T) {
	c, r := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	tr, err := c.Request("b", btok, Main, "q", true)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	c.Drain(Main, KindPreEval)
	res := mustWait(t, c, Main, mtok, Asleep)
	c.Close()
	c.Close() // idempotent
	if err := res.Ticket.Block(hangGuard(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("sleeper woke with %v", err)
	}
	if _, err := tr.Await(hangGuard(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("tracked request: %v", err)
	}
	if err := c.Send("b", Main, 1); !errors.Is(err, ErrClosed) || err.Error() != "Coordinator closed" {
		t.Fatalf("late send: %v", err)
	}
	if _, err := c.Ask("b", []Handle{Main}, nil, false); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if _, err := c.Spawn(Main, "z"); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if _, err := c.Wait(Main, mtok); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if c.view().edges.Len() != 0 {
		t.Fatal("edges survive close")
	}
	closed := 0
	for _, n := range r.drain() {
		if n.Kind == Closed {
			closed++
		}
	}
	if closed != 1 {
		t.Fatalf("%d Closed notifications", closed)
	}
	if pr(RunClosed) != "{:spell/run-closed true}" {
		t.Fatal(pr(RunClosed))
	}
}

// TestPropNewRunReusesHandles: each run has its own coordinator; handles,
// edge ids and message names start afresh.
func TestPropNewRunReusesHandles(t *testing.T) {
	for run := 0; run < 2; run++ {
		c, _ := newCoord(t, Options{})
		begin(t, c, Main)
		e, hs, err := c.SpawnAsk(Main, []Handle{"bidder-a", ""})
		if err != nil || e != 1 || hs[1] != "spawn-1" {
			t.Fatalf("run %d: %d %v %v", run, e, hs, err)
		}
		c.Close()
	}
}

// TestPropTokenPreventsDoubleFinish: Finish is idempotent by token; a stale
// token cannot finish, wait or re-enter; a second runner is refused.
func TestPropTokenPreventsDoubleFinish(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	_, hs, _ := c.SpawnAsk(Main, []Handle{"b"})
	btok, _ := begin(t, c, hs[0])
	if _, _, _, err := c.Begin("b"); !errors.Is(err, ErrAgentActive) || err.Error() != "Agent already active" {
		t.Fatalf("second runner: %v", err)
	}
	c.Finish("b", btok, "first", nil)
	c.Finish("b", btok, "second", nil)
	res := mustWait(t, c, Main, mtok, Ready)
	if len(res.Batch) != 1 || pr(res.Batch[0].Value) != `{:from :b :edge-id 1 :body "first"}` {
		t.Fatal(res.Batch)
	}
	if _, err := c.Wait("b", btok); !errors.Is(err, ErrStaleLifecycle) {
		t.Fatalf("stale wait: %v", err)
	}
	if _, _, err := c.ExternalWait("b", btok); !errors.Is(err, ErrStaleLifecycle) {
		t.Fatalf("stale external wait: %v", err)
	}
	if _, err := c.Request("b", btok, Main, nil, false); !errors.Is(err, ErrStaleComputation) || err.Error() != "Stale computation lifecycle" {
		t.Fatalf("stale computation: %v", err)
	}
	if st, _ := c.StatusOf("b"); pr(st) != "{:handle :b :status :finished :generation 1}" {
		t.Fatal(pr(st))
	}
}

// TestPropRandomScheduleSleepRule: a fixed-seed random schedule of 400
// operations keeps "every asleep agent satisfies the sleep rule" (the
// schedule fuzzer checks every step; this is its 400-operation seed).
func TestPropRandomScheduleSleepRule(t *testing.T) {
	f := newFuzzer(t, 1, 6)
	f.run(400)
	f.settle()
}

// TestPropStartupFailureIsTerminalData: a child that cannot start is retired;
// its slot holds child-failure data and the handle is gone.
func TestPropStartupFailureIsTerminalData(t *testing.T) {
	c, _ := newCoord(t, Options{})
	mtok, _ := begin(t, c, Main)
	_, hs, _ := c.SpawnAsk(Main, []Handle{"ok", "bad"})
	okTok, _ := begin(t, c, hs[0])
	fail := ChildFailure("bad", PhaseStartup, Failure{Class: "launch-error", Message: "no model"})
	if err := c.Retire("bad", fail); err != nil {
		t.Fatal(err)
	}
	c.Finish("ok", okTok, int64(1), nil)
	res := mustWait(t, c, Main, mtok, Ready)
	want := `{:from [:ok :bad] :edge-id 1 :body [{:from :ok :body 1} {:from :bad :body {:spell/child-failure true :handle :bad :phase :startup :exception {:spell/exception true :class "launch-error" :message "no model" :data {}}}}]}`
	if got := pr(res.Batch[0].Value); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	if _, err := c.StatusOf("bad"); !errors.Is(err, ErrUnknownHandle) {
		t.Fatal(err)
	}
	if !IsChildFailure(fail) || IsChildFailure(nil) {
		t.Fatal("IsChildFailure")
	}
}

// TestPropFutureCycleWakes: futures of two agents ask each other (tracked
// requests) while both agents wait: nobody deadlocks.
func TestPropFutureCycleWakes(t *testing.T) {
	c, _ := newCoord(t, Options{})
	atok := spawnBegun(t, c, "a")
	btok := spawnBegun(t, c, "b")
	ctx := hangGuard(t)
	ta, err := c.Request("a", atok, "b", "from a's future", true) // edge 1
	if err != nil {
		t.Fatal(err)
	}
	ra := mustWait(t, c, "a", atok, Asleep)
	tb, err := c.Request("b", btok, "a", "from b's future", true) // edge 2
	if err != nil {
		t.Fatal(err)
	}
	if !fired(ra.Ticket) {
		t.Fatal("b's future's request did not wake a")
	}
	// b holds a's request (1) and its own newer edge 2: it may sleep.
	rb := mustWait(t, c, "b", btok, Ready)
	rb = mustWait(t, c, "b", btok, Asleep)
	// a answers b's future; b's only newer edge is gone, so its sleep is
	// invalidated and it is woken with :wait-obligation-changed.
	for _, m := range c.Drain("a", KindWait) {
		if _, err := c.ReplyMsg("a", m.Value, "a answers"); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := tb.Await(ctx); err != nil || v != "a answers" {
		t.Fatal(v, err)
	}
	if !fired(rb.Ticket) {
		t.Fatal("b not woken when its obligation changed")
	}
	m := c.Drain("b", KindWait)
	if len(m) != 1 || pr(m[0].Value) != "{:from :coordinator :body :wait-obligation-changed}" {
		t.Fatal(m)
	}
	if _, err := c.Reply("b", 1, "b answers"); err != nil {
		t.Fatal(err)
	}
	if v, err := ta.Await(ctx); err != nil || v != "b answers" {
		t.Fatal(v, err)
	}
}

// TestPropExternalWaitCannotOutrankIncoming: !ask-await is refused like a
// sleep while an incoming request is newer than every outgoing edge.
func TestPropExternalWaitCannotOutrankIncoming(t *testing.T) {
	c, _ := newCoord(t, Options{})
	begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	c.Drain("b", KindPreEval)
	before := c.view()
	if _, _, err := c.ExternalWait("b", btok); !errors.Is(err, ErrSleepRefused) {
		t.Fatalf("external wait over an incoming request: %v", err)
	}
	if c.view() != before {
		t.Fatal("refusal changed the state")
	}
	// With a newer outgoing edge it is allowed.
	_, _ = c.Ask("b", []Handle{Main}, nil, false)
	id, tk, err := c.ExternalWait("b", btok)
	if err != nil || id == 0 || tk.w == nil {
		t.Fatal(id, err)
	}
	if st, _ := c.StatusOf("b"); pr(st) != "{:handle :b :status :external-wait :generation 1}" {
		t.Fatal(pr(st))
	}
	if !c.ExternalResult("b", id, int64(9)) {
		t.Fatal("result not delivered")
	}
	if err := tk.Block(hangGuard(t)); err != nil {
		t.Fatal(err)
	}
	if m := c.Drain("b", KindWait); len(m) != 1 || pr(m[0].Value) != "{:from :future :body 9}" {
		t.Fatal(m)
	}
}

// TestPropLateExternalResultCannotWakeNextLifecycle.
func TestPropLateExternalResultCannotWakeNextLifecycle(t *testing.T) {
	c, r := newCoord(t, Options{})
	begin(t, c, Main)
	btok := spawnBegun(t, c, "b")
	id, tk, err := c.ExternalWait("b", btok)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Send(Main, "b", "other") // resumes b first
	if !fired(tk) {
		t.Fatal("message did not resume the external wait")
	}
	c.Drain("b", KindWait)
	c.Finish("b", btok, nil, nil)
	_ = c.Send(Main, "b", "restart")
	tok2, _, _, _ := c.Begin("b")
	r.drain()
	if c.ExternalResult("b", id, "late") {
		t.Fatal("a late result was delivered")
	}
	if agentOf(t, c, "b").mailLen() != 0 || len(r.drain()) != 0 {
		t.Fatal("a late result reached the next lifecycle")
	}
	_ = tok2
	// Within one lifecycle, a result for a wait that was resumed is dropped too.
	id2, _, _ := c.ExternalWait("b", tok2)
	_ = c.Send(Main, "b", "x")
	if c.ExternalResult("b", id2, "stale") {
		t.Fatal("result for a resumed wait delivered")
	}
	if m := c.Drain("b", KindWait); len(m) != 1 {
		t.Fatal(m)
	}
	if m := c.Drain("b", KindWait); m != nil {
		t.Fatal(m)
	}
}

// TestPropCapacity: counting, release, admission races (exactly one wins)
// and spawn-batch rollback.
func TestPropCapacity(t *testing.T) {
	c, _ := newCoord(t, Options{MaxEdges: 2})
	mtok, _ := begin(t, c, Main)
	spawnBegun(t, c, "b")
	e1, _ := c.Ask(Main, []Handle{"b"}, nil, false)
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	before := c.view()
	_, err := c.Ask(Main, []Handle{"b"}, nil, false)
	var ce *CapacityError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCapacity) || err.Error() != "Coordinator capacity exceeded: 2 pending edges" {
		t.Fatalf("third ask: %v", err)
	}
	if c.view() != before || agentOf(t, c, "b").mailLen() != 2 {
		t.Fatal("a rejected ask sent something")
	}
	// Spawn batch at capacity: nothing registered, no spawn number used.
	if _, _, err := c.SpawnAsk(Main, []Handle{"", "x"}); !errors.Is(err, ErrCapacity) {
		t.Fatal(err)
	}
	if c.view() != before {
		t.Fatal("a rejected spawn-ask changed the state")
	}
	// Release: a reply frees one.
	c.Drain("b", KindPreEval)
	_, _ = c.Reply("b", e1, 1)
	e3, err := c.Ask(Main, []Handle{"b"}, nil, false)
	if err != nil || e3 != 3 {
		t.Fatal(e3, err)
	}
	// Cancel frees one too.
	if v, err := c.Cancel(Main, e3); err != nil || pr(v) != "{:id 3 :source :main :targets [:b] :created-seq 3 :status :cancelled}" {
		t.Fatal(pr(v), err)
	}
	if _, err := c.Cancel(Main, e3); !errors.Is(err, ErrNoOutgoingEdge) || err.Error() != "No outgoing edge owned by caller" {
		t.Fatal(err)
	}
	// Race: many askers for the one free place; exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Ask(Main, []Handle{"b"}, nil, false); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, ErrCapacity) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d askers won one place", wins)
	}
	// Spawn-batch rollback on a duplicate handle.
	c2, _ := newCoord(t, Options{})
	begin(t, c2, Main)
	before = c2.view()
	if _, _, err := c2.SpawnAsk(Main, []Handle{"a", "", "a"}); !errors.Is(err, ErrHandleTaken) || err.Error() != "Handle already registered: :a" {
		t.Fatal(err)
	}
	if c2.view() != before {
		t.Fatal("rejected spawn-ask registered someone")
	}
	_ = mtok
}

// TestPropBodylessVsNilRequest: a bodyless request has no :body key; a nil
// body is :body nil.
func TestPropBodylessVsNilRequest(t *testing.T) {
	c, _ := newCoord(t, Options{})
	begin(t, c, Main)
	spawnBegun(t, c, "b")
	_, _ = c.Ask(Main, []Handle{"b"}, nil, false)
	_, _ = c.Ask(Main, []Handle{"b"}, nil, true)
	m := c.Drain("b", KindPreEval)
	if got := pr(m[0].Value); got != "{:from :main :expects-response true :edge-id 1}" {
		t.Fatal(got)
	}
	if got := pr(m[1].Value); got != "{:from :main :expects-response true :edge-id 2 :body nil}" {
		t.Fatal(got)
	}
	if m[0].Value.(*value.Map).Contains(kwBody) || !m[1].Value.(*value.Map).Contains(kwBody) {
		t.Fatal("bodyless and nil bodies confused")
	}
}

// TestPropOverlappingRunsSeparate: two runs at once in one process share
// nothing.
func TestPropOverlappingRunsSeparate(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]string, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := New(Options{}, nil)
			_ = c.RegisterMain()
			mtok, _, _, _ := c.Begin(Main)
			for j := 0; j < 50; j++ {
				_, hs, err := c.SpawnAsk(Main, []Handle{Handle(fmt.Sprintf("w%d", j))})
				if err != nil {
					t.Error(err)
					return
				}
				tok, _, _, _ := c.Begin(hs[0])
				c.Finish(hs[0], tok, int64(i), nil)
			}
			res, _ := c.Wait(Main, mtok)
			var b strings.Builder
			for _, m := range res.Batch {
				b.WriteString(m.Name + " ")
			}
			results[i] = fmt.Sprint(len(res.Batch), " ", b.String()[:12], c.Graph() != nil)
			c.Close()
		}(i)
	}
	wg.Wait()
	if results[0] != results[1] || !strings.HasPrefix(results[0], "50 msg-1 msg-2") {
		t.Fatal(results)
	}
}
