package cli

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// runSignals turns SIGINT (Ctrl-C) and SIGTERM into cancellation of the run
// (runtime.md §12.2): the first one cancels the context, so running
// processes are killed, evaluation stops and the trace is finished; a second
// one calls abort (which kills the process groups at once) and exits
// immediately. The exit status is 130 after SIGINT and 143 after SIGTERM.
//
// The watch starts (watch) before the run's first effect or model call,
// or once an evaluation has run 1,024 steps (both call spe.Config.Acting):
// a run that only evaluates briefly, such as spell run -e '(+ 1 2)', does
// not start it, since signal.Notify starts the runtime's signal thread
// and signal.Stop costs about as much again (two threads, some thirty
// futex calls and ~0.8 ms of CPU in a fresh process: issue 11, start-up).
// Until then a signal does what it does while spell starts: it ends the
// process. (A timer that started the watch after 10 ms of evaluation
// cost ~0.35 ms of CPU even when it never fired: arming the process's
// first timer starts the network poller, and the scheduler then polls.)
type runSignals struct {
	got     atomic.Int32 // the first signal's number, 0 while none
	started atomic.Bool  // the watch started (fast path of watch)

	mu       sync.Mutex
	cancel   context.CancelFunc
	abort    func()
	ch       chan os.Signal // the watch's channel, nil until it starts
	done     chan struct{}
	finished bool // stop was called
}

// start makes the run's context; abort kills the run's processes at once.
func (rs *runSignals) start(parent context.Context, abort func()) context.Context {
	ctx, cancel := context.WithCancel(parent)
	rs.mu.Lock()
	rs.cancel, rs.abort = cancel, abort
	rs.mu.Unlock()
	return ctx
}

// watch starts watching the signals (once; not after stop).
func (rs *runSignals) watch() {
	if rs.started.Load() {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.finished || rs.ch != nil {
		return
	}
	rs.started.Store(true)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	rs.ch, rs.done = ch, make(chan struct{})
	cancel, abort, done := rs.cancel, rs.abort, rs.done
	go func() {
		for {
			select {
			case s := <-ch:
				n := int32(syscall.SIGINT)
				if s == syscall.SIGTERM {
					n = int32(syscall.SIGTERM)
				}
				if !rs.got.CompareAndSwap(0, n) {
					if abort != nil {
						abort()
					}
					os.Exit(128 + int(rs.got.Load()))
				}
				if cancel != nil {
					cancel()
				}
			case <-done:
				return
			}
		}
	}()
}

// stop ends the watch and cancels the run's context.
func (rs *runSignals) stop() {
	rs.mu.Lock()
	rs.finished = true
	if rs.ch != nil {
		signal.Stop(rs.ch)
		close(rs.done)
	}
	cancel := rs.cancel
	rs.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// status is the exit code of a run ended by a signal.
func (rs *runSignals) status() int {
	if rs.got.Load() == int32(syscall.SIGTERM) {
		return 143
	}
	return 130
}

// message is what the CLI prints when a signal ended the run.
func (rs *runSignals) message() string {
	if rs.got.Load() == int32(syscall.SIGTERM) {
		return "Terminated."
	}
	return "Interrupted."
}
