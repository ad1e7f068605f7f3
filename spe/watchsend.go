package spe

import (
	"errors"
	"fmt"

	"github.com/spell-go/spell/eval/value"
)

// The senders of messages that come from outside the agents: io/watch-send's
// reach the handle as {:from :watch-send :body …} (effects.md §1.5, §3.2),
// mcp/listen-send's as {:from :mcp-listen :body …} (§10).
const (
	watchSendFrom = "watch-send"
	mcpListenFrom = "mcp-listen"
)

// errNoRun is the failure of these senders outside a run (the REPL's
// effects).
var errNoRun = errors.New("messaging needs a run (spell run), not available here")

// watchSend is io/watch-send's spellio.Config.Send. It runs at the call,
// on the caller's runner: it binds the call to the coordinator of the run
// in progress and checks the handle (an unknown handle fails the call).
// The watcher's goroutine later delivers the body through the
// coordinator, whose transitions take its own lock; a closed run drops it.
func (rt *Runtime) watchSend(h value.Value) (func(body value.Value) error, error) {
	return rt.externalSend("io/watch-send", watchSendFrom, h)
}

// mcpListen is mcp/listen-send's spellmcp.Setup.Send (the same rules).
func (rt *Runtime) mcpListen(h value.Value) (func(body value.Value) error, error) {
	return rt.externalSend("mcp/listen-send", mcpListenFrom, h)
}

func (rt *Runtime) externalSend(fn, from string, h value.Value) (func(body value.Value) error, error) {
	m := rt.multi
	if m == nil {
		return nil, fmt.Errorf("%s: %w", fn, errNoRun)
	}
	target, err := handleArg(fn, h)
	if err != nil {
		return nil, err
	}
	if _, err := m.coord().StatusOf(target); err != nil {
		return nil, agentErr(err)
	}
	coord := m.coord()
	return func(body value.Value) error { return coord.Send(from, target, body) }, nil
}
