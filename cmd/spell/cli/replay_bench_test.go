package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/bench/cputime"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// Long runs (issue 11 items 3 and 5). Every benchmark here replays a
// transcript through the whole `spell run` path (provider, prompt, trace,
// reader, evaluator) and reports, beside ns/op, what the targets are about:
// ns/turn and cpu-ns/turn (the process's CPU time: the measure that
// means something on a loaded machine), the trace's bytes and the heap in
// use at two points of the run.
//
//	go test ./cmd/spell/cli -run XXX -bench 'Replay|TurnOverhead' -benchtime 1x -benchmem

// replayTranscript writes a transcript of n turns, each adding one form
// to the program (`(def vK K) '(!extend)`), the last answering :done.
func replayTranscript(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "-- main/%d.completion --\n%s '(!extend)\n", i, growForm(i))
	}
	fmt.Fprintf(&b, "-- main/%d.completion --\n:done\n", n)
	path := filepath.Join(dir, "long.txtar")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// growForm is the form turn i adds.
func growForm(i int) string { return fmt.Sprintf("(def v%d {:n %d :name \"item %d\"})", i, i, i) }

// dirBytes is the total size of the regular files under dir.
func dirBytes(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkReplay2000Turns runs `spell run -p … --model replay:FILE`
// over a transcript of 2,000 turns that each add one form, with the trace
// on, and reports the trace's size (trace-bytes) beside the time
// (target: 4 s and 8 MB).
func BenchmarkReplay2000Turns(b *testing.B) { benchReplay(b, 2000) }

// BenchmarkReplay10000Turns is the same run over 10,000 turns. Linear
// time: the per-turn time of the last tenth of the turns (last-ns/turn,
// last-cpu-ns/turn) stays near that of the first tenth (first-…), i.e.
// last/first-cpu stays near 1 although the program is 10–100× as long.
// last/first-cpu-med is the same ratio of the medians over ten
// sub-windows of each tenth (steadier on a loaded machine); first-B/turn
// and last-B/turn are the bytes a turn allocates, first-gc-share and
// last-gc-share the garbage collector's share of the CPU time (the
// runtime's estimate, which counts idle-time marking in full: high on an
// idle machine).
// Flat memory: the heap in use after a collection (heap-tK-B at turns
// 20 %, 40 %, 60 %, 80 %) grows by the same amount over each fifth of the
// run (heap-curve: the growth over the last measured fifth over that of
// the first, near 1 when the heap is linear in the program, 3 when it is
// quadratic), and the heap per program byte (heap-B/prog-B: the heap's
// growth over the growth of the program text between turns 20 % and 80 %)
// stays what the program's representation costs.
func BenchmarkReplay10000Turns(b *testing.B) { benchReplay(b, 10000) }

func benchReplay(b *testing.B, turns int) {
	tmp := b.TempDir()
	tr := replayTranscript(b, tmp, turns)
	var traceBytes int64
	var probe heapProbe
	probe.at = []int{turns / 5, turns * 2 / 5, turns * 3 / 5, turns * 4 / 5}
	w := turns / 10
	clock := turnClock{at: []int{1, 1 + w, turns - w, turns}, profile: os.Getenv("SPELL_REPLAY_CPUPROFILE")}
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(tmp, fmt.Sprintf("run%d", i))
		probe.reset()
		clock.reset()
		v, err := runReplay(tr, dir, turns+1, func(pending bool, info spe.ProgressInfo) {
			clock.progress(pending, info)
			probe.progress(pending, info)
		})
		if err != nil || value.PrStr(v) != ":done" {
			b.Fatalf("value %v, error %v", v, err)
		}
		b.StopTimer()
		traceBytes = dirBytes(b, dir)
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(traceBytes), "trace-bytes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*turns), "ns/turn")
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N*turns), "cpu-ns/turn")
	if first, last, ok := clock.windows(w); ok {
		b.ReportMetric(float64(first.wall.Nanoseconds()), "first-ns/turn")
		b.ReportMetric(float64(last.wall.Nanoseconds()), "last-ns/turn")
		b.ReportMetric(float64(first.cpu.Nanoseconds()), "first-cpu-ns/turn")
		b.ReportMetric(float64(last.cpu.Nanoseconds()), "last-cpu-ns/turn")
		b.ReportMetric(float64(last.cpu)/float64(first.cpu), "last/first-cpu")
		if first.cpu > 0 && last.cpu > 0 {
			b.ReportMetric(float64(first.gc)/float64(first.cpu), "first-gc-share")
			b.ReportMetric(float64(last.gc)/float64(last.cpu), "last-gc-share")
		}
		if sub := w / 10; sub > 0 {
			mf, ok1 := clock.medianCPU(clock.at[0], clock.at[1], sub)
			ml, ok2 := clock.medianCPU(clock.at[2], clock.at[3], sub)
			if ok1 && ok2 && mf > 0 {
				b.ReportMetric(float64(mf.Nanoseconds()), "first-cpu-med-ns/turn")
				b.ReportMetric(float64(ml.Nanoseconds()), "last-cpu-med-ns/turn")
				b.ReportMetric(float64(ml)/float64(mf), "last/first-cpu-med")
			}
		}
		b.ReportMetric(float64(first.alloc), "first-B/turn")
		b.ReportMetric(float64(last.alloc), "last-B/turn")
	}
	h := probe.heap
	if slices.Contains(h, 0) {
		return
	}
	for i, t := range probe.at {
		b.ReportMetric(float64(h[i]), fmt.Sprintf("heap-t%d-B", t))
	}
	early, late := h[0], h[len(h)-1]
	b.ReportMetric(float64(early), "heap-early-B")
	b.ReportMetric(float64(late), "heap-late-B")
	b.ReportMetric(float64(late)/float64(early), "heap-ratio")
	if d0 := float64(h[1]) - float64(h[0]); d0 > 0 {
		b.ReportMetric((float64(h[len(h)-1])-float64(h[len(h)-2]))/d0, "heap-curve")
	}
	grown := programBytes(probe.at[len(h)-1]) - programBytes(probe.at[0])
	b.ReportMetric((float64(late)-float64(early))/float64(grown), "heap-B/prog-B")
}

// programBytes is the length of the forms the first t-1 turns of
// replayTranscript add to the program.
func programBytes(t int) int {
	n := 0
	for i := 1; i < t; i++ {
		n += len(growForm(i)) + 1
	}
	return n
}

// turnClock records the wall and CPU time (and the CPU time the garbage
// collector has used, as the runtime estimates it) when the model calls of
// the given turns start. With profile set (SPELL_REPLAY_CPUPROFILE=PREFIX
// in the benchmarks) it also writes a CPU profile of each window, between
// at[0] and at[1] to PREFIX.first and between at[2] and at[3] to
// PREFIX.last: what grows from the first to the last is what a turn pays
// for the program's size.
type turnClock struct {
	at      []int
	wall    []time.Time
	cpu     []time.Duration
	gc      []time.Duration
	alloc   []uint64
	profile string
	out     *os.File
	// cpuAt is the CPU time at each turn of the windows [at[0], at[1]]
	// and [at[2], at[3]] (robust: the median of their sub-windows).
	cpuAt map[int]time.Duration
}

func (c *turnClock) reset() {
	c.wall, c.cpu, c.gc = make([]time.Time, len(c.at)), make([]time.Duration, len(c.at)), make([]time.Duration, len(c.at))
	c.alloc = make([]uint64, len(c.at))
	c.cpuAt = map[int]time.Duration{}
}

func (c *turnClock) progress(pending bool, info spe.ProgressInfo) {
	if !pending {
		return
	}
	if len(c.at) == 4 && (info.Turn >= c.at[0] && info.Turn <= c.at[1] || info.Turn >= c.at[2] && info.Turn <= c.at[3]) {
		c.cpuAt[info.Turn] = cputime.Process()
	}
	for i, t := range c.at {
		if info.Turn == t {
			c.gc[i], c.alloc[i] = gcStats()
			c.wall[i], c.cpu[i] = time.Now(), cputime.Process()
			c.profileAt(i)
		}
	}
}

// profileAt starts a CPU profile at an even index of at and stops it at
// the next one.
func (c *turnClock) profileAt(i int) {
	if c.profile == "" || len(c.at) != 4 {
		return
	}
	if c.out != nil {
		pprof.StopCPUProfile()
		c.out.Close()
		c.out = nil
	}
	if i%2 == 0 {
		name := c.profile + ".first"
		if i == 2 {
			name = c.profile + ".last"
		}
		f, err := os.Create(name)
		if err != nil {
			return
		}
		if pprof.StartCPUProfile(f) != nil {
			f.Close()
			return
		}
		c.out = f
	}
}

// gcStats is the CPU time the garbage collector has used so far (the
// runtime's estimate: /cpu/classes/gc/total:cpu-seconds) and the bytes
// allocated so far.
func gcStats() (time.Duration, uint64) {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	var gc time.Duration
	var alloc uint64
	if s[0].Value.Kind() == metrics.KindFloat64 {
		gc = time.Duration(s[0].Value.Float64() * 1e9)
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		alloc = s[1].Value.Uint64()
	}
	return gc, alloc
}

// medianCPU is the median CPU time per turn over the sub-windows of sub
// turns in [from, to]: a load spike on the shared machine or a garbage
// collection that falls in one sub-window moves the mean of the whole
// window, not the median.
func (c *turnClock) medianCPU(from, to, sub int) (time.Duration, bool) {
	var per []time.Duration
	for t := from; t+sub <= to; t += sub {
		a, ok1 := c.cpuAt[t]
		b, ok2 := c.cpuAt[t+sub]
		if !ok1 || !ok2 {
			return 0, false
		}
		per = append(per, (b-a)/time.Duration(sub))
	}
	if len(per) == 0 {
		return 0, false
	}
	slices.Sort(per)
	return per[len(per)/2], true
}

type perTurn struct {
	wall, cpu, gc time.Duration
	alloc         uint64 // bytes allocated a turn
}

// windows is the time per turn of the first and the second pair of at
// (n turns each).
func (c *turnClock) windows(n int) (first, last perTurn, ok bool) {
	if len(c.at) != 4 || n == 0 || slices.ContainsFunc(c.wall, time.Time.IsZero) {
		return first, last, false
	}
	per := func(i int) perTurn {
		d := time.Duration(n)
		return perTurn{c.wall[i+1].Sub(c.wall[i]) / d, (c.cpu[i+1] - c.cpu[i]) / d, (c.gc[i+1] - c.gc[i]) / d,
			(c.alloc[i+1] - c.alloc[i]) / uint64(n)}
	}
	return per(0), per(2), true
}

// runReplay is `spell run -p count --model replay:tr --trace-dir dir` with
// a progress hook (told when each model call starts and ends).
func runReplay(tr, dir string, maxTurns int, progress func(bool, spe.ProgressInfo)) (value.Value, error) {
	cwd, _ := os.Getwd()
	lim := spe.DefaultLimits
	lim.MaxTurns = maxTurns
	cfg := spe.Config{Task: "count", Model: "replay:" + tr, Providers: builtin.Registry(), Limits: lim,
		LimitsSet: map[string]bool{"max-turns": true}, TraceDir: dir, Cwd: cwd, Seed: 1,
		Stdin: strings.NewReader(""), Stderr: io.Discard, Progress: progress}
	sess, err := spe.Open(cfg)
	if err != nil {
		return nil, err
	}
	v, err := sess.Run(context.Background())
	if cerr := sess.Close(v, err); err == nil {
		err = cerr
	}
	return v, err
}

// heapProbe records the heap in use (after a collection) when the model
// calls of the given turns start; SPELL_REPLAY_HEAPPROFILE=FILE writes a
// heap profile at the last of them (what the program's size keeps live).
type heapProbe struct {
	at   []int
	heap []uint64
}

func (p *heapProbe) reset() { p.heap = make([]uint64, len(p.at)) }

func (p *heapProbe) progress(pending bool, info spe.ProgressInfo) {
	if !pending {
		return
	}
	for i, t := range p.at {
		if info.Turn == t {
			p.heap[i] = heapInUse()
			if name := os.Getenv("SPELL_REPLAY_HEAPPROFILE"); name != "" && i == len(p.at)-1 {
				if f, err := os.Create(name); err == nil {
					pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
		}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkTurnOverhead is the cost of one turn that adds one form to a
// program of 10 KB, 100 KB and 1 MB (target: 10 ms at 1 MB). The first
// turn writes the program; the timer runs from the second turn's model
// call to the end of the run, over b.N turns. first-turn-ms is the first
// turn's cost (reading, evaluating, editing and printing the whole program
// once), outside the timer.
//
// The first completion writes its forms side by side, as the runtime
// prints a program in the next prompt: a real run reaches a large program
// by many turns, each appending to the printed prompt, so the turns after
// the first share the printed text. (Written one form per line instead,
// the second turn's text would differ from the first's after a hundred
// bytes and that turn would read and evaluate the whole program again: a
// one-off cost like first-turn-ms, not a per-turn one.)
func BenchmarkTurnOverhead(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"10KB", 10 << 10}, {"100KB", 100 << 10}, {"1MB", 1 << 20}} {
		b.Run(size.name, func(b *testing.B) { benchTurnOverhead(b, size.bytes) })
	}
}

func benchTurnOverhead(b *testing.B, size int) {
	b.StopTimer()
	tmp := b.TempDir()
	var t strings.Builder
	fmt.Fprintf(&t, "-- main/1.completion --\n%s'(!extend)\n", filler(size, " "))
	for i := 2; i < b.N+2; i++ {
		fmt.Fprintf(&t, "-- main/%d.completion --\n%s '(!extend)\n", i, growForm(i))
	}
	fmt.Fprintf(&t, "-- main/%d.completion --\n:done\n", b.N+2)
	tr := filepath.Join(tmp, "grow.txtar")
	if err := os.WriteFile(tr, []byte(t.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	var first time.Time
	var firstTurn time.Duration
	v, err := runReplay(tr, filepath.Join(tmp, "run"), b.N+2, func(pending bool, info spe.ProgressInfo) {
		if pending && info.Turn == 1 {
			first = time.Now()
		}
		if pending && info.Turn == 2 {
			firstTurn = time.Since(first)
			cpu = cputime.Process()
			b.StartTimer()
		}
	})
	b.StopTimer()
	if err != nil || value.PrStr(v) != ":done" {
		b.Fatalf("value %v, error %v", v, err)
	}
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N)/1e6, "cpu-ms/turn")
	b.ReportMetric(float64(firstTurn.Microseconds())/1e3, "first-turn-ms")
}

// filler is about size bytes of top-level forms (definitions of small
// maps and functions), separated by sep.
func filler(size int, sep string) string {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		if i%4 == 3 {
			fmt.Fprintf(&b, "(defn f%d [x] (if (> x %d) (+ x 1) (* x 2)))%s", i, i, sep)
		} else {
			fmt.Fprintf(&b, "(def w%d {:n %d :name \"filler %d\" :tags [:a :b %d]})%s", i, i, i, i, sep)
		}
	}
	return b.String()
}

// TestLongRunHeapFlat: a run whose program stays the same size (every
// turn starts the task afresh) holds no more memory after 1,500 turns than
// after 300: nothing the runtime keeps per turn (trace bases, prompts,
// transcript state, ledger, agent state) grows with the number of turns
// beyond a few bytes a turn.
func TestLongRunHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("long run")
	}
	const turns = 1500
	tmp := t.TempDir()
	var b strings.Builder
	for i := 1; i < turns; i++ {
		fmt.Fprintf(&b, "-- main/%d.completion --\n(def x {:n %d :pad %q}) (prune 2) '(!extend)\n", i, i, strings.Repeat("p", 2000))
	}
	fmt.Fprintf(&b, "-- main/%d.completion --\n:done\n", turns)
	tr := filepath.Join(tmp, "flat.txtar")
	if err := os.WriteFile(tr, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	probe := heapProbe{at: []int{300, turns}}
	probe.reset()
	v, err := runReplay(tr, filepath.Join(tmp, "run"), turns+1, probe.progress)
	if err != nil || value.PrStr(v) != ":done" {
		t.Fatalf("value %v, error %v", v, err)
	}
	early, late := probe.heap[0], probe.heap[1]
	t.Logf("heap in use: turn 300 %d B, turn %d %d B", early, turns, late)
	// 1,200 more turns may cost a few hundred bytes each (the transcript's
	// used set, the ledger), never a turn's 2 KB program.
	if late > early+1200*512 {
		t.Errorf("heap grew from %d B at turn 300 to %d B at turn %d: %d B a turn", early, late, turns, (late-early)/1200)
	}
}

// TestLongRunGrowingMemory: a run whose program grows by one form a turn
// (the replay benchmarks' run, trace on) keeps memory linear in the
// program and allocates per turn about what the turn adds:
//   - retained: the heap in use after a collection grows by about the
//     same amount over each stretch of turns (the growth over turns
//     1,500–2,000 is at most twice that over 500–1,000; a quadratic heap
//     gives 3×), and by at most heapPerProgByte bytes per byte of program
//     text (what the program's reading, values, spans and kept snapshots
//     cost: about 84 now, 108 before the kept prefix stopped copying
//     the nodes);
//   - allocated: the bytes a turn allocates grow with the program by at
//     most allocPerProgByte per program byte (bytes allocated per turn
//     over turns 1,800–2,000 less those over turns 200–400, over the
//     program's growth in between, counted as the forms the turns add:
//     the text grows by 1.4 times that). About 0 now: a turn writes its
//     program text into the buffer of an earlier one (spe/read.go); it
//     was 1.5 with a new buffer a turn (1.4), 2.0 with the parser's child
//     list of the body copied (now extended in place, syntax.KidsIntact),
//     7 with the reader's two further copies and a body list linked anew
//     every turn (1.9), 14 before that; every further copy or walk of the
//     whole program shows here (one text copy is about 1.4), and costs the
//     time to make it plus a collection's share of the heap.
func TestLongRunGrowingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("long run")
	}
	const turns, heapPerProgByte, allocPerProgByte = 2000, 400, 0.25
	tmp := t.TempDir()
	tr := replayTranscript(t, tmp, turns)
	heap := heapProbe{at: []int{500, 1000, 1500, turns}}
	heap.reset()
	alloc := allocProbe{at: []int{200, 400, 1800, turns}}
	v, err := runReplay(tr, filepath.Join(tmp, "run"), turns+1, func(pending bool, info spe.ProgressInfo) {
		alloc.progress(pending, info)
		heap.progress(pending, info)
	})
	if err != nil || value.PrStr(v) != ":done" {
		t.Fatalf("value %v, error %v", v, err)
	}
	h, a := heap.heap, alloc.total
	early, late := float64(h[1])-float64(h[0]), float64(h[3])-float64(h[2])
	perByte := (float64(h[3]) - float64(h[0])) / float64(programBytes(heap.at[3])-programBytes(heap.at[0]))
	first, last := float64(a[1]-a[0])/200, float64(a[3]-a[2])/200
	slope := (last - first) / float64(programBytes(1900)-programBytes(300))
	t.Logf("heap in use at turns %v: %v B (growth %.0f B then %.0f B; %.0f B per program byte)", heap.at, h, early, late, perByte)
	t.Logf("allocated per turn: %.0f B over turns 200-400, %.0f B over turns 1,800-2,000 (program %d B then %d B): %.1f B more per program byte",
		first, last, programBytes(300), programBytes(1900), slope)
	if late > 2*early {
		t.Errorf("heap grew %.0f B over turns 500-1,000 but %.0f B over turns 1,500-2,000: not linear in the program", early, late)
	}
	if perByte > heapPerProgByte {
		t.Errorf("heap grew %.0f B per byte of program (budget %d)", perByte, heapPerProgByte)
	}
	if slope > allocPerProgByte {
		t.Errorf("a turn allocates %.0f B at turn 1,900 but %.0f B at turn 300: %.1f B more per byte of program (budget %g)", last, first, slope, allocPerProgByte)
	}
}

// allocProbe records the bytes allocated so far (runtime.MemStats
// TotalAlloc) when the model calls of the given turns start.
type allocProbe struct {
	at    []int
	total []uint64
}

func (p *allocProbe) progress(pending bool, info spe.ProgressInfo) {
	if !pending {
		return
	}
	if p.total == nil {
		p.total = make([]uint64, len(p.at))
	}
	for i, t := range p.at {
		if info.Turn == t {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p.total[i] = ms.TotalAlloc
		}
	}
}
