package cli

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// runSignals turns SIGINT (Ctrl-C) and SIGTERM into cancellation of the run
// (runtime.md §12.2): the first one cancels the context, so running
// processes are killed, evaluation stops and the trace is finished; a second
// one calls abort (which kills the process groups at once) and exits
// immediately. The exit status is 130 after SIGINT and 143 after SIGTERM.
type runSignals struct {
	got  atomic.Int32 // the first signal's number, 0 while none
	stop func()
}

func watchSignals(parent context.Context, abort func()) (context.Context, *runSignals) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	rs := &runSignals{}
	rs.stop = func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
	go func() {
		for {
			select {
			case s := <-ch:
				n := int32(syscall.SIGINT)
				if s == syscall.SIGTERM {
					n = int32(syscall.SIGTERM)
				}
				if !rs.got.CompareAndSwap(0, n) {
					abort()
					os.Exit(128 + int(rs.got.Load()))
				}
				cancel()
			case <-done:
				return
			}
		}
	}()
	return ctx, rs
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
