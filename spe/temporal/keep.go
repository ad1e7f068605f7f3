package temporal

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/trace"
)

// A worker keeps a run between its steps (Stepper.Keep): after a step the
// run waits at its next live action instead of ending, and when the
// run's next step comes to the same worker with the log that step left,
// the run goes on from there. Each step then costs its own action, not a
// replay of the whole log: a run of n actions costs O(n), not O(n²).
// Anything else (another worker, a retried step, a lost attempt's marker,
// a log that is not the one the kept run wrote) replays the log as
// before, and the kept run is dropped.

// run is one run of the SPE runtime on this worker.
type run struct {
	id        string
	base, dir string // dir: the run's trace directory, under base
	sess      *spe.Session
	pacer     *pacer
	cancel    context.CancelFunc
	done      chan runResult
	ended     bool // done was received, into res
	res       runResult
	closed    bool // sess was closed
	// The log as this worker holds it: after the run's last step here.
	events    []byte            // event lines
	hash      hash.Hash         // of events (Digest)
	files     map[string][]byte // other files
	completed map[string]bool   // turns (handle/n) whose completion is in events
	verbose   *verboseLog       // -v text not yet returned (RunSpec.Verbose)
	// What the run's next step must bring to go on with it.
	step  int
	timer *time.Timer
}

// advance adds a step's delta to the log the run holds.
func (r *run) advance(d Log) {
	r.events = append(r.events, d.Events...)
	r.hash.Write(d.Events)
	for name, b := range d.Files {
		if r.files == nil {
			r.files = map[string][]byte{}
		}
		r.files[name] = b
	}
	for k := range completions(d.Events) {
		r.completed[k] = true
	}
}

// digest is the Digest of the log the run holds.
func (r *run) digest() string { return hex.EncodeToString(r.hash.Sum(nil)[:16]) }

// completions returns the turns (handle/n) whose model.completion is in
// events.
func completions(events []byte) map[string]bool {
	out := map[string]bool{}
	mark := []byte(`"ev":"` + trace.EvModelCompletion + `"`)
	for len(events) > 0 {
		line := events
		if i := bytes.IndexByte(events, '\n'); i >= 0 {
			line, events = events[:i], events[i+1:]
		} else {
			events = nil
		}
		if !bytes.Contains(line, mark) {
			continue
		}
		var c struct {
			Handle string `json:"handle"`
			N      int    `json:"n"`
		}
		if json.Unmarshal(line, &c) == nil {
			out[turnKey(c.Handle, c.N)] = true
		}
	}
	return out
}

func turnKey(handle string, n int) string { return handle + "/" + strconv.Itoa(n) }

type runResult struct {
	v   value.Value
	err error
}

// take returns the kept run that can do step in, removing it from the
// kept runs, or nil. A kept run of the same id that cannot is dropped.
func (w *Stepper) take(in StepInput, hooks StepHooks) *run {
	w.mu.Lock()
	r := w.kept[in.RunID]
	delete(w.kept, in.RunID)
	w.mu.Unlock()
	if r == nil {
		return nil
	}
	r.timer.Stop()
	want := Digest(in.Log.Events)
	if in.Ref != nil {
		want = in.Ref.Digest
	}
	ok := r.step == in.Step-1 && r.digest() == want && hooks.Marker == nil && r.pacer.quiet()
	if !ok {
		w.drop(r)
		return nil
	}
	return r
}

// keep keeps r, which just did step in, for the run's next step, and
// reports whether it did; without Keep it drops it.
func (w *Stepper) keep(r *run, in StepInput) bool {
	if w.Keep <= 0 {
		w.drop(r)
		return false
	}
	r.step = in.Step
	limit := w.MaxKept
	if limit <= 0 {
		limit = 64
	}
	var evict []*run
	w.mu.Lock()
	if w.kept == nil {
		w.kept = map[string]*run{}
	}
	if old := w.kept[r.id]; old != nil {
		evict = append(evict, old)
	}
	w.kept[r.id] = r
	for id, k := range w.kept {
		if len(w.kept) <= limit {
			break
		}
		if k != r {
			delete(w.kept, id)
			evict = append(evict, k)
		}
	}
	r.timer = time.AfterFunc(w.Keep, func() {
		w.mu.Lock()
		mine := w.kept[r.id] == r
		if mine {
			delete(w.kept, r.id)
		}
		w.mu.Unlock()
		if mine {
			w.drop(r)
		}
	})
	w.mu.Unlock()
	for _, k := range evict {
		k.timer.Stop()
		w.drop(k)
	}
	return true
}

// drop ends a run that is not kept: it stops the runtime, waits for it,
// kills its processes and removes its directory.
func (w *Stepper) drop(r *run) {
	r.cancel()
	if !r.ended {
		r.res = <-r.done
		r.ended = true
	}
	if !r.closed {
		r.sess.KillProcesses(true)
		_ = r.sess.Close(r.res.v, r.res.err)
		r.closed = true
	}
	os.RemoveAll(r.base)
}

// Close drops the runs the worker keeps.
func (w *Stepper) Close() {
	w.mu.Lock()
	kept := w.kept
	w.kept = nil
	w.mu.Unlock()
	for _, r := range kept {
		r.timer.Stop()
		w.drop(r)
	}
}

// Replays is the number of runs this worker opened by replaying their log
// (a kept run that goes on is not one).
func (w *Stepper) Replays() int64 { return w.replays.Load() }

// pacer is the runtime's Stepper of a run: it lets one live action
// through per step. At the next one it waits until nothing is in flight,
// takes the log as it stands (a prefix ending just before that action)
// and holds the run there until the run's next step (resume) or its end.
type pacer struct {
	ctx      context.Context
	mu       sync.Mutex
	cond     *sync.Cond
	live     int
	inflight int
	yield    bool
	cut      bool
	gen      int           // steps begun on this run
	cutCh    chan struct{} // closed at this step's cut
	dir      string
	from     int64 // offset in the events file where this step's events begin
	size     int64 // the events file's size at the cut
	events   []byte
	files    map[string][]byte
	action   string
	began    func(kind, name string)
}

func newPacer(ctx context.Context, dir string, from int64, began func(kind, name string)) *pacer {
	p := &pacer{ctx: ctx, dir: dir, from: from, began: began, cutCh: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	return p
}

func (p *pacer) Begin(ctx context.Context, kind, name string) error {
	p.mu.Lock()
	for {
		if p.live == 0 && !p.yield {
			p.live++
			p.inflight++
			if kind == "model" {
				p.action = "model call of " + name
			} else {
				p.action = "effect " + name
			}
			began := p.began
			p.mu.Unlock()
			began(kind, name)
			return ctx.Err()
		}
		p.yield = true
		if p.inflight == 0 {
			p.takeCut()
		}
		gen := p.gen
		for p.gen == gen && ctx.Err() == nil && p.ctx.Err() == nil {
			p.cond.Wait()
		}
		if err := ctx.Err(); err != nil {
			p.mu.Unlock()
			return err
		}
		if err := p.ctx.Err(); err != nil {
			p.mu.Unlock()
			return err
		}
	}
}

func (p *pacer) End() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if p.yield && p.inflight == 0 {
		p.takeCut()
	}
}

// takeCut records the log as it stands and signals the step. Called with
// p.mu held.
func (p *pacer) takeCut() {
	if p.cut {
		return
	}
	p.cut = true
	p.events, p.size = readFrom(filepath.Join(p.dir, trace.EventsFile), p.from)
	p.files, _ = snapshot(p.dir)
	delete(p.files, trace.ResultFile)
	close(p.cutCh)
}

// cutAt is closed at the current step's cut.
func (p *pacer) cutAt() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cutCh
}

// quiet reports whether the run wrote nothing to its log since its cut
// (with several agents, one may still be evaluating): only then does
// the log the step brings describe the kept run exactly.
func (p *pacer) quiet() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	fi, err := os.Stat(filepath.Join(p.dir, trace.EventsFile))
	return p.cut && err == nil && fi.Size() == p.size
}

// resume starts the run's next step: the actions waiting at the cut
// compete again for its one live action.
func (p *pacer) resume(began func(kind, name string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live, p.yield, p.cut = 0, false, false
	p.from, p.events, p.files, p.action = p.size, nil, nil, ""
	p.began = began
	p.cutCh = make(chan struct{})
	p.gen++
	p.cond.Broadcast()
}

// readFrom reads a file from offset from on, and returns its size.
func readFrom(name string, from int64) ([]byte, int64) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < from {
		return nil, 0
	}
	b := make([]byte, fi.Size()-from)
	n, _ := f.ReadAt(b, from)
	return b[:n], from + int64(n)
}
