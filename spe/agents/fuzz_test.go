package agents

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// The schedule fuzzer: random interleavings of coordinator operations by
// several simulated agents, driven by a deterministic interleaver (one
// goroutine, a seeded PRNG), with the §3.12 invariants checked after every
// step: every asleep agent satisfies the sleep rule, a sleeping set always
// has an awake target (no deadlock), no message is lost or delivered twice,
// every slot is filled at most once, no wake-up is lost. A settle phase then
// lets every agent answer and finish and checks that the run drains
// completely.
//
// Long run: go test ./spe/agents -run TestScheduleFuzz -for=12m -timeout=0 (or -schedules=N)
// (or SPELL_AGENTS_SCHEDULES=…); go test ./spe/agents -fuzz=FuzzSchedule.

var (
	schedulesFlag = flag.Int("schedules", 0, "schedules for TestScheduleFuzz (default 2000, env SPELL_AGENTS_SCHEDULES)")
	opsFlag       = flag.Int("ops", 0, "operations per schedule for TestScheduleFuzz (default 120)")
	seedFlag      = flag.Int64("seed", 0, "first seed for TestScheduleFuzz")
	forFlag       = flag.Duration("for", 0, "TestScheduleFuzz: keep running schedules until this much time passed (long runs; with -schedules as an upper bound)")
)

type simPhase uint8

const (
	simIdle     simPhase = iota // no lifecycle
	simRunning                  // in a lifecycle, evaluating
	simSleeping                 // blocked in !wait
	simExtWait                  // blocked in !ask-await
)

type simReq struct {
	msg Value
	gen int
}

type simAgent struct {
	h      Handle
	phase  simPhase
	tok    Token
	gen    int
	ticket Ticket
	extID  int
	reqs   []simReq
}

type fuzzer struct {
	t       testing.TB
	seed    int64
	rng     *rand.Rand
	c       *Coordinator
	sims    []*simAgent
	byH     map[Handle]*simAgent
	step    int
	closed  bool
	bodySeq int64
	sent    map[int64]Handle // plain sends not yet delivered → target
	got     map[int64]bool   // delivered plain sends
	fills   map[[2]any]int   // (edge, target) → fills
	enq     map[Handle]int
	del     map[Handle]int
	tracked []*Tracked
	names   []Handle
	log     []string
	stats   map[string]int
}

func newFuzzer(t testing.TB, seed int64, _ int) *fuzzer {
	f := &fuzzer{
		t: t, seed: seed, rng: rand.New(rand.NewSource(seed)),
		byH:  map[Handle]*simAgent{},
		sent: map[int64]Handle{}, got: map[int64]bool{},
		fills: map[[2]any]int{}, enq: map[Handle]int{}, del: map[Handle]int{},
		names: []Handle{"a", "b", "c", "d", "e"},
		stats: map[string]int{},
	}
	max := 3 + f.rng.Intn(12)
	f.c = New(Options{MaxEdges: max, Event: f.onEvent}, nil)
	if err := f.c.RegisterMain(); err != nil {
		t.Fatal(err)
	}
	f.add(Main)
	return f
}

func (f *fuzzer) onEvent(kind string, fields map[string]any) {
	h, _ := fields["handle"].(Handle)
	f.stats[kind]++
	switch kind {
	case "edge-filled":
		k := [2]any{fields["edge"], h}
		f.fills[k]++
		if f.fills[k] > 1 {
			f.fail("slot (%v, %s) filled twice", fields["edge"], h)
		}
	case "enqueued":
		f.enq[h]++
	case "delivered":
		f.del[h]++
		if m, ok := fields["message"].(*value.Map); ok && !m.Contains(kwExpectsResponse) && !m.Contains(kwEdgeID) {
			if from, _ := m.Get(kwFrom); from != kwCoordinator && from != kwFuture {
				if b, ok := m.Get(kwBody); ok {
					if n, ok := b.(int64); ok {
						if f.got[n] {
							f.fail("message %d delivered twice", n)
						}
						f.got[n] = true
						delete(f.sent, n)
					}
				}
			}
		}
	case "retire":
		delete(f.enq, h)
		delete(f.del, h)
	}
}

func (f *fuzzer) fail(format string, args ...any) {
	f.t.Helper()
	tail := f.log
	if len(tail) > 40 {
		tail = tail[len(tail)-40:]
	}
	f.t.Fatalf("seed %d step %d: %s\nlast operations:\n%s", f.seed, f.step, fmt.Sprintf(format, args...), joinLines(tail))
}

func joinLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}

func (f *fuzzer) logf(format string, args ...any) {
	f.log = append(f.log, fmt.Sprintf(format, args...))
	if len(f.log) > 200 {
		f.log = f.log[100:]
	}
}

func (f *fuzzer) add(h Handle) *simAgent {
	s := &simAgent{h: h}
	f.sims = append(f.sims, s)
	f.byH[h] = s
	return s
}

func (f *fuzzer) remove(h Handle) {
	delete(f.byH, h)
	for i, s := range f.sims {
		if s.h == h {
			f.sims = append(f.sims[:i], f.sims[i+1:]...)
			break
		}
	}
}

func (f *fuzzer) target() Handle {
	if f.rng.Intn(30) == 0 {
		return "ghost" // unknown handle
	}
	return f.sims[f.rng.Intn(len(f.sims))].h
}

func (f *fuzzer) process(s *simAgent, batch []Message) {
	for _, m := range batch {
		if mm, ok := m.Value.(*value.Map); ok && mm.Contains(kwExpectsResponse) {
			s.reqs = append(s.reqs, simReq{m.Value, s.gen})
		}
	}
}

func (f *fuzzer) begin(s *simAgent) {
	tok, gen, batch, err := f.c.Begin(s.h)
	f.logf("%s begin → gen %d, %d msgs, %v", s.h, gen, len(batch), err)
	if err != nil {
		if f.closed && errors.Is(err, ErrClosed) {
			return
		}
		f.fail("Begin(%s): %v", s.h, err)
	}
	s.tok, s.gen, s.phase, s.reqs = tok, gen, simRunning, nil
	f.process(s, batch)
}

// ok checks an operation's error: only the documented sentinels are allowed.
func (f *fuzzer) ok(op string, err error) bool {
	if err == nil {
		return true
	}
	for _, s := range []error{ErrClosed, ErrCapacity, ErrUnknownHandle, ErrHandleTaken, ErrDuplicateTarget,
		ErrNoOutgoingEdge, ErrReplyAskStale, ErrReplyAskFrom, ErrReplyAggregate, ErrSleepRefused} {
		if errors.Is(err, s) {
			f.stats[s.Error()]++
			if errors.Is(err, ErrClosed) && !f.closed {
				f.fail("%s: closed before Close", op)
			}
			return false
		}
	}
	f.fail("%s: unexpected error %v", op, err)
	return false
}

func (f *fuzzer) body() (Value, bool) {
	f.bodySeq++
	return f.bodySeq, true
}

// act performs one random operation for one random agent.
func (f *fuzzer) act() {
	s := f.sims[f.rng.Intn(len(f.sims))]
	a, live := f.c.view().agent(s.h)
	if !live {
		f.fail("sim agent %s not in the state", s.h)
	}
	switch s.phase {
	case simIdle:
		if a.status == StatusAwake && a.token == 0 {
			f.begin(s)
			return
		}
		if a.status == StatusFinished && f.rng.Intn(4) == 0 {
			n, _ := f.body()
			f.logf("ext send %d → %s", n, s.h)
			if f.ok("send", f.c.Send("watch-send", s.h, n)) {
				f.sent[n.(int64)] = s.h
			}
		}
		return
	case simSleeping, simExtWait:
		if fired(s.ticket) {
			batch := f.c.Drain(s.h, KindWait)
			f.logf("%s woken, drained %d", s.h, len(batch))
			s.phase = simRunning
			f.process(s, batch)
			return
		}
		switch f.rng.Intn(5) {
		case 2: // the agent's future cancels one of its edges
			if a.outs != nil {
				id := a.outs[0]
				_, err := f.c.Cancel(s.h, id)
				f.logf("%s future cancel %d → %v", s.h, id, err)
				f.ok("cancel", err)
			}
		case 0: // the agent's future makes a tracked request
			tr, err := f.c.Request(s.h, s.tok, f.target(), int64(0), f.rng.Intn(2) == 0)
			f.logf("%s future request → %v", s.h, err)
			if f.ok("request", err) {
				f.tracked = append(f.tracked, tr)
			}
		case 1:
			if s.phase == simExtWait {
				n, _ := f.body()
				f.logf("%s future result %d (wait %d)", s.h, n, s.extID)
				f.c.ExternalResult(s.h, s.extID, n)
			}
		}
		return
	}
	// running
	switch op := f.rng.Intn(100); {
	case op < 14:
		k := 1 + f.rng.Intn(3)
		ts := make([]Handle, k)
		for i := range ts {
			ts[i] = f.target()
		}
		b, hasBody := f.body()
		if f.rng.Intn(3) == 0 {
			hasBody = false
		}
		e, err := f.c.Ask(s.h, ts, b, hasBody)
		f.logf("%s ask %v → %d %v", s.h, ts, e, err)
		f.ok("ask", err)
	case op < 24:
		to := f.target()
		n, _ := f.body()
		err := f.c.Send(s.h, to, n)
		f.logf("%s send %d → %s: %v", s.h, n, to, err)
		if f.ok("send", err) {
			f.sent[n.(int64)] = to
		}
	case op < 30:
		if len(f.sims) >= 10 {
			return
		}
		k := 1 + f.rng.Intn(2)
		names := make([]Handle, k)
		for i := range names {
			if f.rng.Intn(2) == 0 {
				names[i] = f.names[f.rng.Intn(len(f.names))]
			}
		}
		e, hs, err := f.c.SpawnAsk(s.h, names)
		f.logf("%s spawn-ask %v → %d %v %v", s.h, names, e, hs, err)
		if f.ok("spawn-ask", err) {
			for _, h := range hs {
				f.add(h)
			}
		}
	case op < 33:
		if len(f.sims) >= 10 {
			return
		}
		h, err := f.c.Spawn(s.h, "")
		f.logf("%s spawn → %s %v", s.h, h, err)
		if f.ok("spawn", err) {
			f.add(h)
		}
	case op < 45:
		if len(s.reqs) == 0 {
			return
		}
		i := f.rng.Intn(len(s.reqs))
		r := s.reqs[i]
		if f.rng.Intn(3) > 0 { // else keep it: a duplicate reply later
			s.reqs = append(s.reqs[:i], s.reqs[i+1:]...)
		}
		var v Value
		if f.rng.Intn(3) > 0 {
			v, _ = f.body()
		}
		filled, err := f.c.ReplyMsg(s.h, r.msg, v)
		f.logf("%s reply %s → %v %v", s.h, pr(r.msg), filled, err)
		f.ok("reply", err)
	case op < 49:
		if len(s.reqs) == 0 {
			return
		}
		r := s.reqs[0]
		s.reqs = s.reqs[1:]
		e, err := f.c.ReplyAsk(s.h, r.msg, int64(-1))
		f.logf("%s reply-ask %s → %d %v", s.h, pr(r.msg), e, err)
		if f.ok("reply-ask", err) {
			f.wait(s)
		}
	case op < 53:
		id := 1 + f.rng.Intn(f.c.view().edgeSeq+1)
		_, err := f.c.Cancel(s.h, id)
		f.logf("%s cancel %d → %v", s.h, id, err)
		f.ok("cancel", err)
	case op < 70:
		f.wait(s)
	case op < 75:
		id, tk, err := f.c.ExternalWait(s.h, s.tok)
		f.logf("%s ask-await → %d %v", s.h, id, err)
		if f.ok("ask-await", err) {
			if id == 0 {
				f.process(s, f.c.Drain(s.h, KindWait))
			} else {
				s.phase, s.ticket, s.extID = simExtWait, tk, id
			}
		}
	case op < 80:
		kind := KindPreEval
		if f.rng.Intn(2) == 0 {
			kind = KindReceive
		}
		batch := f.c.Drain(s.h, kind)
		f.logf("%s drain %d", s.h, len(batch))
		f.process(s, batch)
	case op < 88:
		f.finish(s)
	case op < 93:
		tr, err := f.c.Request(s.h, s.tok, f.target(), int64(0), true)
		f.logf("%s request → %v", s.h, err)
		if f.ok("request", err) {
			f.tracked = append(f.tracked, tr)
		}
	case op < 95:
		// Retire an agent that has no runner (as after a failed launch).
		for _, o := range f.sims {
			if o.phase == simIdle && o.h != Main && o.h != s.h {
				err := f.c.Retire(o.h, ChildFailure(o.h, PhaseStartup, Failure{Class: "launch", Message: "failed"}))
				f.logf("retire %s → %v", o.h, err)
				if f.ok("retire", err) {
					for n, to := range f.sent {
						if to == o.h {
							delete(f.sent, n) // dropped with the handle
						}
					}
					f.remove(o.h)
				}
				break
			}
		}
	case op < 96 && f.rng.Intn(8) == 0:
		f.logf("close")
		f.c.Close()
		f.closed = true
	default:
		_, _ = f.c.Status(s.h)
		_ = f.c.Graph()
	}
}

func (f *fuzzer) wait(s *simAgent) {
	res, err := f.c.Wait(s.h, s.tok)
	f.logf("%s wait → %v %d %v", s.h, res.Kind, len(res.Batch), err)
	if err == nil {
		f.stats[[]string{"wait ready", "wait idle", "wait asleep"}[res.Kind]]++
	}
	if !f.ok("wait", err) {
		return
	}
	switch res.Kind {
	case Ready:
		f.process(s, res.Batch)
	case Asleep:
		s.phase, s.ticket = simSleeping, res.Ticket
	}
}

func (f *fuzzer) finish(s *simAgent) {
	var v, failure Value
	switch f.rng.Intn(4) {
	case 0:
	case 1:
		failure = ChildFailure(s.h, PhaseLifecycle, Failure{Class: "eval", Message: "boom"})
	default:
		v, _ = f.body()
	}
	again := f.c.Finish(s.h, s.tok, v, failure)
	f.logf("%s finish → again %v", s.h, again)
	if f.c.Finish(s.h, s.tok, v, failure) {
		f.fail("double Finish reported again")
	}
	s.phase, s.reqs = simIdle, nil
	if again {
		f.begin(s)
	}
}

// check verifies the invariants on the committed state.
func (f *fuzzer) check() {
	st := f.c.view()
	t := newTx(st)
	if st.edges.Len() > st.maxEdges {
		f.fail("%d pending edges over capacity %d", st.edges.Len(), st.maxEdges)
	}
	var sleepers []*agent
	for _, a := range st.sortedAgents() {
		s := f.byH[a.handle]
		if s == nil {
			f.fail("state agent %s unknown to the simulation", a.handle)
		}
		out, in := t.obligations(a)
		switch a.status {
		case StatusAsleep:
			if !sleepAllowed(out, in) {
				f.fail("%s asleep against the sleep rule (out %d, in %d)", a.handle, out, in)
			}
			sleepers = append(sleepers, a)
		case StatusExternalWait:
			if in != 0 && !sleepAllowed(out, in) {
				f.fail("%s in an external wait over an incoming request (out %d, in %d)", a.handle, out, in)
			}
			sleepers = append(sleepers, a)
		case StatusFinished:
			if a.token != 0 || a.starting {
				f.fail("%s finished with a token or a pending start", a.handle)
			}
		}
		if a.mailLen() > 0 && a.status != StatusAwake {
			f.fail("lost wake-up: %s has %d messages and is %s", a.handle, a.mailLen(), a.status)
		}
		if (s.phase == simSleeping || s.phase == simExtWait) && a.sleepID != s.ticket.w.id && !fired(s.ticket) {
			f.fail("lost wake-up: %s no longer asleep but its ticket did not fire", a.handle)
		}
		if (a.status == StatusAsleep || a.status == StatusExternalWait) && fired(Ticket{w: f.c.waiters[a.sleepID]}) {
			f.fail("%s asleep with a fired ticket", a.handle)
		}
		if !f.closed && f.enq[a.handle]-f.del[a.handle] != a.mailLen() {
			f.fail("lost message: %s enqueued %d delivered %d mailbox %d", a.handle, f.enq[a.handle], f.del[a.handle], a.mailLen())
		}
		// index consistency
		for _, set := range []idSet{a.outs, a.ins} {
			for _, id := range set {
				if _, ok := st.edges.Get(id); !ok {
					f.fail("%s indexes dead edge %d", a.handle, id)
				}
			}
		}
	}
	it := st.edges.Iterator()
	for !it.Done() {
		id, e, _ := it.Next()
		n := 0
		for _, sl := range e.slots {
			if sl.state == slotFilled {
				n++
			} else if ta, ok := st.agent(sl.target); !ok {
				f.fail("edge %d has a pending slot for retired %s", id, sl.target)
			} else if !ta.ins.has(id) {
				f.fail("edge %d missing from %s's in-edges", id, sl.target)
			}
		}
		if n != e.filled || n == len(e.slots) {
			f.fail("edge %d: filled %d of %d, counter %d", id, n, len(e.slots), e.filled)
		}
		src, ok := st.agent(e.source)
		if !ok || !src.outs.has(id) {
			f.fail("edge %d's source %s does not own it", id, e.source)
		}
	}
	// No deadlock: the newest edge among the sleepers' pending edges has an
	// awake target.
	newest := 0
	for _, a := range sleepers {
		if out, _ := t.obligations(a); out > newest {
			newest = out
		}
	}
	if newest != 0 {
		e, _ := st.edges.Get(newest)
		awake := false
		for _, sl := range e.slots {
			if ta, ok := st.agent(sl.target); ok && sl.state == slotPending && ta.status == StatusAwake {
				awake = true
			}
		}
		if !awake {
			f.fail("deadlock: edge %d of the sleeping set has no awake target", newest)
		}
	}
}

func (f *fuzzer) run(ops int) {
	for f.step = 0; f.step < ops && !f.closed; f.step++ {
		f.act()
		f.check()
	}
	if f.closed {
		f.checkClosed()
	}
}

func (f *fuzzer) checkClosed() {
	for _, s := range f.sims {
		if (s.phase == simSleeping || s.phase == simExtWait) && !fired(s.ticket) {
			f.fail("close did not wake %s", s.h)
		}
	}
	for _, tr := range f.tracked {
		select {
		case <-tr.Done():
		default:
			f.fail("close left tracked request %d unresolved", tr.edge)
		}
	}
	if err := f.c.Send(Main, Main, 1); !errors.Is(err, ErrClosed) {
		f.fail("send after close: %v", err)
	}
}

// settle lets every agent answer its requests and finish; the run must
// drain: no sleeper left, no edge, no message lost.
func (f *fuzzer) settle() {
	if f.closed {
		return
	}
	for round := 0; ; round++ {
		if round > 10000 {
			f.fail("settle did not converge")
		}
		progress := false
		for _, s := range append([]*simAgent(nil), f.sims...) {
			a, _ := f.c.view().agent(s.h)
			switch s.phase {
			case simIdle:
				if a.status == StatusAwake && a.token == 0 {
					f.begin(s)
					progress = true
				}
				continue
			case simSleeping, simExtWait:
				if s.phase == simExtWait && !fired(s.ticket) {
					f.c.ExternalResult(s.h, s.extID, "done")
				}
				if !fired(s.ticket) {
					continue
				}
				f.process(s, f.c.Drain(s.h, KindWait))
				s.phase = simRunning
			}
			progress = true
			for _, r := range s.reqs {
				_, err := f.c.ReplyMsg(s.h, r.msg, "settled")
				f.ok("reply", err)
			}
			s.reqs = nil
			res, err := f.c.Wait(s.h, s.tok)
			f.logf("settle %s wait → %v %v", s.h, res.Kind, err)
			switch {
			case errors.Is(err, ErrSleepRefused):
				f.finish(s)
			case err != nil:
				f.fail("settle wait: %v", err)
			case res.Kind == Ready:
				f.process(s, res.Batch)
			case res.Kind == Idle:
				f.finish(s)
			default:
				s.phase, s.ticket = simSleeping, res.Ticket
			}
			f.step++
			f.check()
		}
		if !progress {
			break
		}
	}
	st := f.c.view()
	for _, s := range f.sims {
		if s.phase != simIdle {
			f.fail("deadlock at quiescence: %s is %v", s.h, s.phase)
		}
	}
	if st.edges.Len() != 0 {
		f.fail("%d edges left after settling", st.edges.Len())
	}
	if len(f.sent) != 0 {
		f.fail("lost messages: %v", f.sent)
	}
	for _, tr := range f.tracked {
		select {
		case <-tr.Done():
		default:
			f.fail("tracked request %d never resolved", tr.edge)
		}
	}
	f.c.Close()
}

func fuzzCounts() (schedules, ops int, seed int64) {
	schedules, ops, seed = 2000, 120, *seedFlag
	if *schedulesFlag > 0 {
		schedules = *schedulesFlag
	} else if n, err := strconv.Atoi(os.Getenv("SPELL_AGENTS_SCHEDULES")); err == nil && n > 0 {
		schedules = n
	}
	if *opsFlag > 0 {
		ops = *opsFlag
	}
	if (testing.Short() || raceEnabled) && *schedulesFlag == 0 {
		schedules = 200
	}
	return
}

// TestScheduleFuzz runs thousands of fixed-seed schedules (seeds seed,
// seed+1, …), each with an operation budget, then settles it.
func TestScheduleFuzz(t *testing.T) {
	schedules, ops, seed0 := fuzzCounts()
	start := time.Now()
	steps := 0
	stats := map[string]int{}
	if *forFlag > 0 && *schedulesFlag == 0 {
		schedules = math.MaxInt
	}
	done := 0
	for i := 0; i < schedules; i++ {
		if *forFlag > 0 && i%100 == 0 && time.Since(start) >= *forFlag {
			break
		}
		f := newFuzzer(t, seed0+int64(i), 0)
		f.run(ops)
		f.settle()
		steps += f.step
		done++
		for k, v := range f.stats {
			stats[k] += v
		}
		if *forFlag > 0 && done%20000 == 0 {
			t.Logf("progress: %d schedules, %d steps, %s", done, steps, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("%d schedules, %d steps, seeds %d..%d, %s", done, steps, seed0, seed0+int64(done)-1, time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		keys := make([]string, 0, len(stats))
		for k := range stats {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("  %8d %s", stats[k], k)
		}
	}
}

// FuzzSchedule explores seeds and operation budgets with go test -fuzz.
func FuzzSchedule(f *testing.F) {
	f.Add(int64(1), uint16(400))
	f.Add(int64(42), uint16(50))
	f.Fuzz(func(t *testing.T, seed int64, ops uint16) {
		fz := newFuzzer(t, seed, 0)
		fz.run(int(ops % 2000))
		fz.settle()
	})
}
