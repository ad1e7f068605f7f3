package globals

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
)

var kCount, kTasks = value.Kw("count"), value.Kw("tasks")

func inc(old value.Value) (value.Value, error) {
	n, _ := old.(int64)
	return n + 1, nil
}

func TestUpdateLosesNothing(t *testing.T) {
	s := New()
	var wg sync.WaitGroup
	var runs atomic.Int64
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Update(kCount, func(old value.Value) (value.Value, error) { runs.Add(1); return inc(old) }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := s.Get(kCount); got != int64(100) {
		t.Fatalf("count = %v, want 100", got)
	}
	if runs.Load() < 100 {
		t.Fatalf("f ran %d times, fewer than the 100 updates", runs.Load())
	}
}

func TestUpdateReturnsNewValueAndRetries(t *testing.T) {
	s := New()
	s.Set(kCount, int64(1))
	first := true
	v, err := s.Update(kCount, func(old value.Value) (value.Value, error) {
		if first {
			// another writer slips in between read and commit
			first = false
			s.Set(kCount, int64(10))
		}
		return old.(int64) * 2, nil
	})
	if err != nil || v != int64(20) || s.Get(kCount) != int64(20) {
		t.Fatalf("update = %v, %v; stored %v; want 20 (recomputed from 10)", v, err, s.Get(kCount))
	}
	// a write to another key does not force a retry
	calls := 0
	_, _ = s.Update(kCount, func(old value.Value) (value.Value, error) {
		calls++
		if calls == 1 {
			s.Set(kTasks, nil)
		}
		return old, nil
	})
	if calls != 1 {
		t.Fatalf("f ran %d times after an unrelated write, want 1", calls)
	}
	boom := errors.New("boom")
	if _, err := s.Update(kCount, func(value.Value) (value.Value, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if s.Get(kCount) != int64(20) {
		t.Fatal("a failed update stored something")
	}
}

func TestPopClaimsEachItemOnce(t *testing.T) {
	for _, kind := range []string{"vector", "list"} {
		s := New()
		items := make([]value.Value, 500)
		for i := range items {
			items[i] = int64(i)
		}
		if kind == "vector" {
			s.Set(kTasks, value.NewVector(items))
		} else {
			s.Set(kTasks, value.NewList(items...))
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 20; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					v, err := s.Pop(kTasks)
					if err != nil {
						t.Error(err)
						return
					}
					if v == nil {
						return
					}
					mu.Lock()
					seen[v.(int64)]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 500 {
			t.Fatalf("%s: %d distinct items popped, want 500", kind, len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("%s: item %d popped %d times", kind, k, n)
			}
		}
	}
}

func TestPopEdges(t *testing.T) {
	s := New()
	if v, err := s.Pop(kTasks); v != nil || err != nil {
		t.Fatalf("missing: %v %v", v, err)
	}
	s.Set(kTasks, value.EmptyVector)
	if v, err := s.Pop(kTasks); v != nil || err != nil {
		t.Fatalf("empty: %v %v", v, err)
	}
	s.Set(kTasks, value.NewVector([]value.Value{int64(1), int64(2)}))
	v, _ := s.Pop(kTasks)
	if v != int64(1) || value.PrStr(s.Get(kTasks)) != "[2]" {
		t.Fatalf("pop = %v, left %s", v, value.PrStr(s.Get(kTasks)))
	}
	s.Set(kTasks, int64(3))
	if _, err := s.Pop(kTasks); !errors.Is(err, ErrNotSequential) {
		t.Fatalf("number: %v", err)
	}
}

func TestKeysAllSnapshot(t *testing.T) {
	s := New()
	if s.All().Count() != 0 || len(s.Keys()) != 0 {
		t.Fatal("a new store is not empty")
	}
	s.Set(kCount, int64(1))
	snap := s.All()
	s.Set(kCount, int64(2))
	s.Set(kTasks, value.EmptyVector)
	if v, _ := snap.Get(kCount); v != int64(1) {
		t.Fatal("a fetched map changed")
	}
	if len(s.Keys()) != 2 {
		t.Fatalf("keys = %v", s.Keys())
	}
}

func atLeast(n int64) func(m *value.Map) (bool, error) {
	return func(m *value.Map) (bool, error) {
		v, _ := m.Get(kCount)
		x, _ := v.(int64)
		return x >= n, nil
	}
}

func TestWaitUntilWakes(t *testing.T) {
	s := New()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard only
	defer cancel()
	done := make(chan bool)
	var blocked atomic.Int64
	go func() {
		ok, err := s.WaitUntil(ctx, atLeast(3), WaitOptions{Block: func(wait func()) { blocked.Add(1); wait() }})
		if err != nil {
			t.Error(err)
		}
		done <- ok
	}()
	for i := 0; i < 3; i++ {
		_, _ = s.Update(kCount, inc)
	}
	if !<-done {
		t.Fatal("wait-until returned false without a timeout")
	}
	// already true: no blocking at all
	blocked.Store(0)
	ok, err := s.WaitUntil(ctx, atLeast(1), WaitOptions{Block: func(wait func()) { blocked.Add(1); wait() }})
	if !ok || err != nil || blocked.Load() != 0 {
		t.Fatalf("ok=%v err=%v blocked=%d", ok, err, blocked.Load())
	}
}

func TestWaitUntilTimeout(t *testing.T) {
	s := New()
	fire := make(chan time.Time, 1)
	var asked time.Duration
	after := func(d time.Duration) <-chan time.Time { asked = d; return fire }
	var once sync.Once
	block := func(wait func()) {
		once.Do(func() { fire <- time.Time{} }) // the (virtual) clock runs out while blocked
		wait()
	}
	ok, err := s.WaitUntil(context.Background(), atLeast(1), WaitOptions{Timeout: 250 * time.Millisecond, HasTimeout: true, After: after, Block: block})
	if ok || err != nil || asked != 250*time.Millisecond {
		t.Fatalf("ok=%v err=%v timeout asked=%v", ok, err, asked)
	}
	// the wall clock default also times out (no assertion on how long)
	ok, err = s.WaitUntil(context.Background(), atLeast(1), WaitOptions{Timeout: time.Millisecond, HasTimeout: true})
	if ok || err != nil {
		t.Fatalf("wall clock: ok=%v err=%v", ok, err)
	}
	ok, err = s.WaitUntil(context.Background(), atLeast(1), WaitOptions{HasTimeout: true})
	if ok || err != nil {
		t.Fatalf("timeout 0: ok=%v err=%v", ok, err)
	}
}

func TestWaitUntilCancelled(t *testing.T) {
	s := New()
	ctx, cancel := context.WithCancel(context.Background())
	block := func(wait func()) { cancel(); wait() }
	ok, err := s.WaitUntil(ctx, atLeast(1), WaitOptions{Block: block})
	if ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
}

func TestWaitUntilPredError(t *testing.T) {
	s := New()
	boom := errors.New("boom")
	_, err := s.WaitUntil(context.Background(), func(*value.Map) (bool, error) { return false, boom }, WaitOptions{})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
}

func TestStoresAreSeparate(t *testing.T) {
	a, b := New(), New()
	a.Set(kCount, int64(1))
	if b.Get(kCount) != nil || b.All().Count() != 0 {
		t.Fatal("a write to one store is visible in another")
	}
}
