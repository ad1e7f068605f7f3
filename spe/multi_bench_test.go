package spe

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/transcript"
)

// countTracer counts agent "delivered" events and discards the rest.
type countTracer struct{ delivered atomic.Int64 }

func (c *countTracer) Event(ev string, f map[string]any) error {
	if ev == "agent" && f["event"] == "delivered" {
		c.delivered.Add(1)
	}
	return nil
}
func (*countTracer) WriteProgram(int, string) (string, error)      { return "", nil }
func (*countTracer) WriteLeaf(int, string, string) (string, error) { return "", nil }
func (*countTracer) Sync() error                                   { return nil }

// benchRun replays transcript tr once with the agents namespace.
func benchRun(b *testing.B, tr *transcript.Transcript, tracer Tracer) value.Value {
	p := replay.New(tr, false)
	p.Update = false
	p.Sleep = virtualSleep
	lim := DefaultLimits
	lim.MaxTurns, lim.Budget = 0, 0
	rt := New(Options{Provider: p, Transport: "pf", Limits: lim, Virtual: true, Trace: tracer})
	rt.opts.Namespaces = map[string]*value.Map{"agents": rt.agentsNamespace()}
	v, err := rt.Run(context.Background(), "<task>", []byte(Task("bench")))
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// archive builds a transcript from entries in order (name, text).
type archive struct{ b strings.Builder }

func (a *archive) add(name, text string) { fmt.Fprintf(&a.b, "-- %s --\n%s\n", name, text) }

func (a *archive) load(b *testing.B) *transcript.Transcript {
	tr, err := transcript.Parse("bench.txtar", []byte(a.b.String()))
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

// BenchmarkFanOut200: a 200-child spawn-ask fan-out replayed end to end
// (issue 10 target: under 2 s on the project's 2-core machine).
func BenchmarkFanOut200(b *testing.B) {
	const n = 200
	var a archive
	var specs strings.Builder
	for i := range n {
		fmt.Fprintf(&specs, `["You are child %d. Return %d." :c%d] `, i, i, i)
		a.add(fmt.Sprintf("c%d/1.completion", i), fmt.Sprintf("%d)))", i))
	}
	a.add("main/1.completion", "'(agents/!spawn-ask ["+specs.String()+"]))))")
	a.add("main/2.completion", "(reduce + (map :body (:body msg-1))))))")
	tr := a.load(b)
	b.ReportAllocs()
	for b.Loop() {
		if v := benchRun(b, tr, nil); v != int64(n*(n-1)/2) {
			b.Fatalf("value %v", v)
		}
	}
}

// BenchmarkMessages1000x100: 1,000 agents each send 100 messages (100,000
// in all) to the next 100 agents; every message is materialised into its
// recipient's program (a startup batch, or a dormant lifecycle for the
// agents that had finished). main's final call is delayed on the virtual
// clock so every dormant lifecycle runs first.
func BenchmarkMessages1000x100(b *testing.B) {
	const agents, per = 1000, 100
	var a archive
	var specs strings.Builder
	for i := range agents {
		h := fmt.Sprintf("a%d", i)
		fmt.Fprintf(&specs, `["Agent %d." :%s] `, i, h)
		a.add(h+"/1.completion", fmt.Sprintf(`'(do (vec (map (fn [k] (agents/send (keyword (str "a" (mod (+ %d k 1) %d))) k)) (range %d))) nil))))`, i, agents, per))
		for c := 2; c <= 4; c++ {
			a.add(fmt.Sprintf("%s/%d.completion", h, c), "nil)))")
		}
	}
	a.add("main/1.completion", "'(agents/!spawn-ask ["+specs.String()+"]))))")
	a.add("main/2.completion", ":done)))")
	a.add("main/2.delay", "1h")
	tr := a.load(b)
	b.ReportAllocs()
	for b.Loop() {
		ct := &countTracer{}
		if v := benchRun(b, tr, ct); v != value.Kw("done") {
			b.Fatalf("value %v", v)
		}
		b.ReportMetric(float64(ct.delivered.Load()), "delivered/op")
	}
}
