package sched

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run starts one goroutine per script; each step appends to the log
// while holding the baton.
type logger struct {
	mu  sync.Mutex
	out []string
}

func (l *logger) add(s string) {
	l.mu.Lock()
	l.out = append(l.out, s)
	l.mu.Unlock()
}

// TestVirtualOrder: delays reorder runners on the virtual clock; ties go
// by registration order; no wall-clock time passes.
func TestVirtualOrder(t *testing.T) {
	for range 50 {
		s := New(true)
		main := s.Register("main")
		ctx := context.Background()
		main.Acquire(ctx)
		var l logger
		var wg sync.WaitGroup
		delays := map[string]time.Duration{"a": time.Hour, "b": 0, "c": time.Minute}
		for _, h := range []string{"a", "b", "c"} {
			r := s.Register(h)
			r.Start()
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.Await(ctx)
				l.add(h + "1")
				if err := r.Sleep(ctx, delays[h]); err != nil {
					t.Error(err)
				}
				l.add(h + "2")
				r.Release()
			}()
		}
		l.add("main")
		main.Release()
		wg.Wait()
		got := strings.Join(l.out, " ")
		if want := "main a1 b1 b2 c1 c2 a2"; got != want {
			t.Fatalf("order %q, want %q", got, want)
		}
		if s.Now() != time.Hour {
			t.Fatalf("virtual clock %v", s.Now())
		}
	}
}

// TestParkWake: a parked runner runs again only after a Wake; a Wake
// that comes before the Park is not lost.
func TestParkWake(t *testing.T) {
	s := New(true)
	ctx := context.Background()
	a, b := s.Register("a"), s.Register("b")
	a.Acquire(ctx)
	var l logger
	done := make(chan struct{})
	b.Start()
	go func() {
		defer close(done)
		b.Await(ctx)
		l.add("b")
		a.Wake()
		b.Wake() // a wake of a running runner: its next Park returns at once
		b.Park(ctx)
		l.add("b-again")
		b.Release()
	}()
	l.add("a")
	a.Park(ctx)
	l.add("a-woken")
	a.Release()
	<-done
	if got := strings.Join(l.out, " "); got != "a b b-again a-woken" {
		t.Fatalf("order %q", got)
	}
}

// TestCancelParked: cancelling the context makes a parked runner
// runnable; it still returns holding the baton.
func TestCancelParked(t *testing.T) {
	s := New(false)
	ctx, cancel := context.WithCancel(context.Background())
	a := s.Register("a")
	a.Acquire(ctx)
	go cancel()
	a.Park(ctx) // returns once cancelled
	if s.holder != a {
		t.Fatal("Park returned without the baton")
	}
	a.Release()
}

// TestLiveExclusive: in live mode at most one runner holds the baton.
func TestLiveExclusive(t *testing.T) {
	s := New(false)
	ctx := context.Background()
	var inside, maxInside int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 20 {
		r := s.Register("r")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				r.Acquire(ctx)
				mu.Lock()
				inside++
				maxInside = max(maxInside, inside)
				mu.Unlock()
				if i%2 == 0 {
					mu.Lock()
					inside--
					mu.Unlock()
					_ = r.Sleep(ctx, 0)
					mu.Lock()
					inside++
					mu.Unlock()
				}
				mu.Lock()
				inside--
				mu.Unlock()
				r.Release()
			}
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Fatalf("%d runners held the baton at once", maxInside)
	}
}

// TestStartWhileHolding: a runner whose goroutine is ending (still holding
// the baton) is started again for a new goroutine: Release queues it, so
// the new goroutine gets the baton.
func TestStartWhileHolding(t *testing.T) {
	s := New(false)
	ctx := context.Background()
	r := s.Register("a")
	r.Acquire(ctx)
	r.Start() // a new goroutine will Await
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Await(ctx)
		r.Release()
	}()
	r.Release()
	<-done
}
