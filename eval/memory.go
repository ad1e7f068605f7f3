package eval

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The memory budget (Limits.MaxMemory) bounds the Go heap of the whole
// process: there is one heap, shared by every evaluation, future and
// nested self-call of a run. While at least one evaluation with a budget
// runs, a sampler goroutine publishes the heap size every memSampleEvery.
// The evaluator compares the sample with its budget every 1,024 steps
// (beside the cancellation check) and before every large allocation a
// builtin announces with CheckBytes or CheckCount. When the sample says the
// budget is reached, the slow path looks at the live heap of the last
// collection, and when that is over the budget too, collects and measures
// again: only live data fails a program, never garbage.
//
// The CLI also sets the Go runtime's soft memory limit to the budget
// (debug.SetMemoryLimit), so the collector works harder as the heap
// approaches it; the checks here are what turn "no more memory" into a
// Spell error instead of an out-of-memory kill.

const (
	// memSampleEvery is the sampler's period.
	memSampleEvery = 5 * time.Millisecond
	// bigAlloc: announced allocations at least this large are checked
	// against the budget at once; smaller ones wait for the step check.
	bigAlloc = 1 << 20
	// elemBytes estimates the memory of one collection element (an
	// interface value) for CheckCount.
	elemBytes = 16
)

var memSampler struct {
	mu    sync.Mutex
	users int
	stop  chan struct{}
	heap  atomic.Int64 // latest sample: bytes of heap objects (live and not yet swept)
	// running is set while the sampler goroutine runs: from the first
	// memory check of a watched evaluation (memStart) until the last one
	// ends. An evaluation that ends before its first check (spell run -e
	// '(+ 1 2)') starts no goroutine and no ticker (issue 11, start-up).
	running atomic.Bool
	starts  int // sampler goroutines started (tests)
}

// heapObjects returns the bytes of heap objects, live ones and dead ones
// not yet swept (MemStats.HeapAlloc). runtime.ReadMemStats stops the
// world for about 20 us here, once per sample: under 0.5% of a core at
// memSampleEvery. runtime/metrics reads it without stopping, but its
// package initialisation alone cost every spell process 0.6 ms of its
// start-up (issue 11), most commands never sample, and a sample here is
// rare enough.
func heapObjects() int64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// memWatch registers a running evaluation with a memory budget; call the
// returned function when it ends. The sampler runs while any is registered.
func memWatch() (done func()) {
	memSampler.mu.Lock()
	defer memSampler.mu.Unlock()
	memSampler.users++
	if memSampler.users == 1 {
		// The first sample comes one period after the sampler starts, at
		// the first memory check: a program that ends sooner (spell run
		// -e '(+ 1 2)') never stops the world for one, which cost a
		// fresh process ~115 page faults. Until then only an announced
		// allocation larger than the budget fails, after a collection
		// (checkMemory's slow path), and the Go memory limit holds the
		// heap.
		memSampler.heap.Store(0)
	}
	return memUnwatch
}

// memStart starts the sampler for the watched evaluations when it is
// not running (checkMemory).
func memStart() {
	memSampler.mu.Lock()
	defer memSampler.mu.Unlock()
	if memSampler.users == 0 || memSampler.stop != nil {
		return
	}
	stop := make(chan struct{})
	memSampler.stop = stop
	memSampler.running.Store(true)
	memSampler.starts++
	go sampleHeap(stop)
}

func memUnwatch() {
	memSampler.mu.Lock()
	defer memSampler.mu.Unlock()
	memSampler.users--
	if memSampler.users == 0 && memSampler.stop != nil {
		close(memSampler.stop)
		memSampler.stop = nil
		memSampler.running.Store(false)
	}
}

func sampleHeap(stop chan struct{}) {
	t := time.NewTicker(memSampleEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		memSampler.heap.Store(heapObjects())
	}
}

// checkMemory fails with the memory limit when the live heap plus n more
// bytes would exceed the budget. The fast path is one atomic load; past
// it, garbage is left to the collector (the Go memory limit) and only a
// live heap over the budget, confirmed by a collection, fails. The
// collection also resets the sample to the live heap, so the slow path
// runs again only once garbage has grown to the budget once more.
func (in *Interp) checkMemory(n int64) error {
	limit := in.limits.MaxMemory
	if limit <= 0 {
		return nil
	}
	if !memSampler.running.Load() {
		memStart()
	}
	if memSampler.heap.Load()+n <= limit {
		return nil
	}
	runtime.GC()
	// After a full collection and its sweep, the heap's objects are the
	// live ones (and whatever other goroutines allocated since).
	live := heapObjects()
	memSampler.heap.Store(live)
	if live+n <= limit {
		return nil
	}
	msg := "Memory limit exceeded: " + FormatSize(live) + " in use"
	if n > 0 {
		msg += ", " + FormatSize(n) + " more requested"
	}
	return LimitError(msg + " (--max-memory " + FormatSize(limit) + ")")
}

// Size units: binary multiples, as memory sizes usually are (1MB =
// 1,048,576 bytes).
var sizeUnits = []struct {
	name  string
	bytes int64
}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}}

// FormatSize renders a byte count for messages: "64MB" for an exact
// multiple of a unit, "70.3MB" otherwise, "512 bytes" below 1KB.
func FormatSize(n int64) string {
	for _, u := range sizeUnits {
		if n >= u.bytes {
			if n%u.bytes == 0 {
				return strconv.FormatInt(n/u.bytes, 10) + u.name
			}
			return strconv.FormatFloat(float64(n)/float64(u.bytes), 'f', 1, 64) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// sizeSuffix returns the multiplier of a size unit (upper case).
func sizeSuffix(unit string) (int64, bool) {
	switch unit {
	case "", "B":
		return 1, true
	case "K", "KB", "KIB":
		return 1 << 10, true
	case "M", "MB", "MIB":
		return 1 << 20, true
	case "G", "GB", "GIB":
		return 1 << 30, true
	case "T", "TB", "TIB":
		return 1 << 40, true
	}
	return 0, false
}

// ParseSize reads a size such as 512MB, 2GB, 1.5GB, 64KiB, 100M or 4096
// (bytes). Units are binary and case-insensitive: K/KB/KiB, M/MB/MiB,
// G/GB/GiB, B.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' })
	unit := strings.ToUpper(strings.TrimSpace(t[len(num):]))
	mult, ok := sizeSuffix(unit)
	if !ok {
		return 0, fmt.Errorf("invalid size %q (use a number with B, KB, MB or GB)", s)
	}
	num = strings.TrimSpace(num)
	if v, err := strconv.ParseInt(num, 10, 64); err == nil {
		if v < 0 || v > (1<<62)/mult {
			return 0, fmt.Errorf("invalid size %q", s)
		}
		return v * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("invalid size %q (use a number with B, KB, MB or GB)", s)
	}
	return int64(f * float64(mult)), nil
}
