package agents

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
	"time"

	"github.com/spell-go/spell/bench/cputime"
	"github.com/spell-go/spell/eval/value"
)

// go test ./spe/agents -run '^$' -bench . -benchmem
//
// Besides wall time, the transition benchmarks report cpu-ns/op: the
// process's CPU time (user + system, GC included) per operation, which a
// loaded machine inflates far less than wall time.

// cpuMeter reports cpu-ns per unit at the end of a benchmark.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
}

func meterCPU(b *testing.B) *cpuMeter { return &cpuMeter{b, cputime.Process()} }

func (m *cpuMeter) report(units int, name string) {
	m.b.ReportMetric(float64((cputime.Process()-m.start).Nanoseconds())/float64(units), name)
}

func benchCoord(b *testing.B, n int) (*Coordinator, []Handle, []Token) {
	b.Helper()
	c := New(Options{MaxEdges: 1 << 30}, nil)
	_ = c.RegisterMain()
	hs := make([]Handle, n)
	toks := make([]Token, n)
	for i := range hs {
		h, err := c.Spawn(Main, Handle(fmt.Sprintf("a%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		hs[i] = h
		toks[i], _, _, _ = c.Begin(h)
	}
	return c, hs, toks
}

// BenchmarkTransitionSend: one transition (a plain send to an awake agent
// among 100), the receiver drains every 16 messages.
func BenchmarkTransitionSend(b *testing.B) {
	c, hs, _ := benchCoord(b, 100)
	b.ReportAllocs()
	b.ResetTimer()
	m := meterCPU(b)
	for i := 0; i < b.N; i++ {
		_ = c.Send(hs[0], hs[1], int64(i))
		if i%16 == 15 {
			c.Drain(hs[1], KindPreEval)
		}
	}
	m.report(b.N, "cpu-ns/op")
}

// BenchmarkTransitionAskReply: an ask, the target's drain, its reply (which
// completes the edge and reports to the source) and the source's drain:
// four transitions per op among 100 agents; ns/transition is reported.
func BenchmarkTransitionAskReply(b *testing.B) {
	c, hs, _ := benchCoord(b, 100)
	b.ReportAllocs()
	b.ResetTimer()
	m := meterCPU(b)
	for i := 0; i < b.N; i++ {
		src, dst := hs[i%100], hs[(i+1)%100]
		e, err := c.Ask(src, []Handle{dst}, int64(i), true)
		if err != nil {
			b.Fatal(err)
		}
		c.Drain(dst, KindPreEval)
		if f, _ := c.Reply(dst, e, int64(i)); !f {
			b.Fatal("not filled")
		}
		c.Drain(src, KindWait)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(4*b.N), "ns/transition")
	m.report(4*b.N, "cpu-ns/transition")
}

// BenchmarkTransitionWaitWake: a sleep and the wake-up that ends it (the
// source sleeps on its edge; the reply wakes it; it drains).
func BenchmarkTransitionWaitWake(b *testing.B) {
	c, hs, toks := benchCoord(b, 2)
	b.ReportAllocs()
	b.ResetTimer()
	m := meterCPU(b)
	for i := 0; i < b.N; i++ {
		e, _ := c.Ask(hs[0], []Handle{hs[1]}, nil, false)
		res, err := c.Wait(hs[0], toks[0])
		if err != nil || res.Kind != Asleep {
			b.Fatal(res.Kind, err)
		}
		c.Drain(hs[1], KindPreEval)
		_, _ = c.Reply(hs[1], e, nil)
		c.Drain(hs[0], KindWait)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(5*b.N), "ns/transition")
	m.report(5*b.N, "cpu-ns/transition")
}

// BenchmarkIdleAgent: the heap one registered agent with an empty mailbox
// keeps (B/agent, measured over 10,000 agents after a GC).
func BenchmarkIdleAgent(b *testing.B) {
	const n = 10000
	b.ReportAllocs()
	var perAgent float64
	for i := 0; i < b.N; i++ {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		c := New(Options{}, nil)
		_ = c.RegisterMain()
		for j := 0; j < n; j++ {
			if _, err := c.Spawn(Main, ""); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		perAgent = float64(m1.HeapAlloc-m0.HeapAlloc) / n
		runtime.KeepAlive(c)
	}
	b.ReportMetric(perAgent, "B/agent")
}

// BenchmarkManyAgents: 1,000 agents exchange 100,000 messages at the
// coordinator level (each message a request to a random agent, drained and
// answered, the report drained by its source). One op = the whole run.
func BenchmarkManyAgents(b *testing.B) {
	const agents, messages = 1000, 100000
	b.ReportAllocs()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c, hs, _ := benchCoord(b, agents)
		rng := rand.New(rand.NewSource(1))
		b.StartTimer()
		cpu0 := cputime.Process()
		for m := 0; m < messages; m++ {
			src, dst := hs[rng.Intn(agents)], hs[rng.Intn(agents)]
			e, err := c.Ask(src, []Handle{dst}, int64(m), true)
			if err != nil {
				b.Fatal(err)
			}
			for _, msg := range c.Drain(dst, KindPreEval) {
				if _, err := c.ReplyMsg(dst, msg.Value, value.Kw("ok")); err != nil {
					b.Fatal(err)
				}
			}
			_ = e
			c.Drain(src, KindWait)
		}
		cpu += cputime.Process() - cpu0
		b.StopTimer()
		if c.view().edges.Len() != 0 {
			b.Fatal("edges left")
		}
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*messages), "ns/message")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*messages), "cpu-ns/message")
}
