package spe

import (
	"errors"

	"github.com/spell-go/spell/eval/value"
)

// watchSendFrom is the sender of io/watch-send's messages: they reach the
// handle as {:from :watch-send :body …} (effects.md §1.5, §3.2).
const watchSendFrom = "watch-send"

// errNoRun is io/watch-send's failure outside a run (the REPL's effects).
var errNoRun = errors.New("io/watch-send: messaging needs a run (spell run), not available here")

// watchSend is io/watch-send's spellio.Config.Send. It runs at the call,
// on the caller's runner: it binds the call to the coordinator of the run
// in progress and checks the handle (an unknown handle fails the call).
// The watcher's goroutine later delivers the body through the
// coordinator, whose transitions take its own lock; a closed run drops it.
func (rt *Runtime) watchSend(h value.Value) (func(body value.Value) error, error) {
	m := rt.multi
	if m == nil {
		return nil, errNoRun
	}
	target, err := handleArg("io/watch-send", h)
	if err != nil {
		return nil, err
	}
	if _, err := m.coord.StatusOf(target); err != nil {
		return nil, agentErr(err)
	}
	coord := m.coord
	return func(body value.Value) error { return coord.Send(watchSendFrom, target, body) }, nil
}
