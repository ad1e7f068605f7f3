package agents

import (
	"errors"
	"strconv"
)

// Sentinels. Callers branch with errors.Is; the error values returned by the
// Coordinator wrap these and their Error() text is exactly the spec's message
// (effects.md §3), e.g. "Handle already registered: :bidder-a".
var (
	ErrClosed           = errors.New("Coordinator closed")
	ErrHandleTaken      = errors.New("Handle already registered")
	ErrHandleReserved   = errors.New("Handle is reserved")
	ErrBadHandle        = errors.New("Invalid agent handle")
	ErrUnknownHandle    = errors.New("Unknown agent handle")
	ErrAgentActive      = errors.New("Agent already active")
	ErrStaleLifecycle   = errors.New("stale-agent-lifecycle")
	ErrStaleComputation = errors.New("Stale computation lifecycle")
	ErrSleepRefused     = errors.New("Sleep refused: you hold incoming requests newer than your newest outgoing request; answer them first")
	ErrCapacity         = errors.New("Coordinator capacity exceeded")
	ErrNoOutgoingEdge   = errors.New("No outgoing edge owned by caller")
	ErrRequestCancelled = errors.New("Request cancelled")
	ErrNoTargets        = errors.New("agents/ask needs at least one target")
	ErrDuplicateTarget  = errors.New("agents/ask: duplicate target")
	ErrNotMessage       = errors.New("expects a message map")
	ErrReplyNoEdge      = errors.New("agents/reply: the request has no :edge-id")
	ErrReplyAggregate   = errors.New("agents/reply: cannot reply to an aggregate report (its :from is a vector)")
	ErrReplyNoSender    = errors.New("agents/reply: the message has no :from handle")
	ErrReplyAskFrom     = errors.New("agents/!reply-ask requires a request with a single :from")
	ErrReplyAskStale    = errors.New("agents/!reply-ask: the request is stale or already answered")
)

// handleError is a sentinel about one handle: "Sentinel: :h".
type handleError struct {
	sentinel error
	h        Handle
}

func (e *handleError) Error() string { return e.sentinel.Error() + ": :" + e.h }
func (e *handleError) Unwrap() error { return e.sentinel }

func errHandle(sentinel error, h Handle) error { return &handleError{sentinel, h} }

// CapacityError is ErrCapacity with the number of pending edges.
type CapacityError struct{ Pending int }

func (e *CapacityError) Error() string {
	return ErrCapacity.Error() + ": " + strconv.Itoa(e.Pending) + " pending edges"
}
func (e *CapacityError) Unwrap() error { return ErrCapacity }

// SleepRefusedError is ErrSleepRefused with its data
// {:out-edges [...] :in-edges [...]} (edge summaries as in agents/status).
type SleepRefusedError struct{ Data Value }

func (e *SleepRefusedError) Error() string { return ErrSleepRefused.Error() }
func (e *SleepRefusedError) Unwrap() error { return ErrSleepRefused }
