package agents

import (
	"strconv"

	"github.com/spell-go/spell/eval/value"
)

// Keywords of messages and views (effects.md §3.2, §3.3).
var (
	kwFrom             = value.Kw("from")
	kwBody             = value.Kw("body")
	kwExpectsResponse  = value.Kw("expects-response")
	kwEdgeID           = value.Kw("edge-id")
	kwCancelled        = value.Kw("cancelled")
	kwCoordinator      = value.Kw("coordinator")
	kwObligationChange = value.Kw("wait-obligation-changed")
	kwFuture           = value.Kw("future")
	kwFutureAwaitError = value.KwNS("future-await", "error")
	kwRunClosed        = value.KwNS("spell", "run-closed")

	kwHandle     = value.Kw("handle")
	kwStatus     = value.Kw("status")
	kwGeneration = value.Kw("generation")
	kwOutEdges   = value.Kw("out-edges")
	kwInEdges    = value.Kw("in-edges")
	kwID         = value.Kw("id")
	kwSource     = value.Kw("source")
	kwTargets    = value.Kw("targets")
	kwCreatedSeq = value.Kw("created-seq")
	kwNodes      = value.Kw("nodes")
	kwEdges      = value.Kw("edges")
	kwSlots      = value.Kw("slots")
	kwTarget     = value.Kw("target")
	kwState      = value.Kw("state")
	kwClaimed    = value.Kw("claimed")
	kwPending    = value.Kw("pending")
	kwFilled     = value.Kw("filled")
	kwTracked    = value.Kw("tracked")
)

// RunClosed is the value a completion of a closed run resolves to:
// {:spell/run-closed true}.
var RunClosed Value = value.NewMap(kwRunClosed, true)

// FutureErrorBody is the body of an !ask-await result whose future failed:
// {:future-await/error msg}.
func FutureErrorBody(msg string) Value { return value.NewMap(kwFutureAwaitError, msg) }

// kw is the keyword of a handle.
func kw(h Handle) *value.Keyword { return value.Kw(h) }

// HandleOf returns the handle a keyword names ("" for a non-keyword).
func HandleOf(v Value) (Handle, bool) {
	k, ok := v.(*value.Keyword)
	if !ok {
		return "", false
	}
	return k.FullName(), true
}

func msgSend(from Handle, body Value) Value {
	return value.NewMap(kwFrom, kw(from), kwBody, body)
}

func msgRequest(from Handle, edge int, body Value, hasBody bool) Value {
	if !hasBody {
		return value.NewMap(kwFrom, kw(from), kwExpectsResponse, true, kwEdgeID, int64(edge))
	}
	return value.NewMap(kwFrom, kw(from), kwExpectsResponse, true, kwEdgeID, int64(edge), kwBody, body)
}

func msgReport(e *edge) Value {
	if len(e.slots) == 1 {
		return value.NewMap(kwFrom, kw(e.slots[0].target), kwEdgeID, int64(e.id), kwBody, e.slots[0].value)
	}
	froms := make([]Value, len(e.slots))
	bodies := make([]Value, len(e.slots))
	for i, s := range e.slots {
		froms[i] = kw(s.target)
		bodies[i] = value.NewMap(kwFrom, kw(s.target), kwBody, s.value)
	}
	return value.NewMap(kwFrom, value.NewVector(froms), kwEdgeID, int64(e.id), kwBody, value.NewVector(bodies))
}

func msgCancel(e *edge) Value {
	return value.NewMap(kwFrom, targetsVec(e), kwEdgeID, int64(e.id), kwCancelled, true)
}

var msgObligationChanged Value = value.NewMap(kwFrom, kwCoordinator, kwBody, kwObligationChange)

func msgFuture(body Value) Value { return value.NewMap(kwFrom, kwFuture, kwBody, body) }

func targetsVec(e *edge) *value.Vector {
	ts := make([]Value, len(e.slots))
	for i, s := range e.slots {
		ts[i] = kw(s.target)
	}
	return value.NewVector(ts)
}

// ReceiptKind is the occasion of a drain (effects.md §3.4).
type ReceiptKind uint8

const (
	KindPreEval ReceiptKind = iota
	KindWait
	KindDormant
	KindStartup
	KindReceive
)

func (k ReceiptKind) String() string {
	switch k {
	case KindPreEval:
		return "pre-eval"
	case KindWait:
		return "wait"
	case KindDormant:
		return "dormant"
	case KindStartup:
		return "startup"
	default:
		return "receive"
	}
}

// Label is the normative annotation of message name under kind.
func Label(kind ReceiptKind, name string) string {
	switch kind {
	case KindPreEval:
		return "[pre-eval: " + name + " arrived; your last trailing expression was NOT run]"
	case KindWait:
		return "[wait resumed: " + name + " arrived]"
	case KindDormant:
		return "[dormant resumed: " + name + " arrived; new lifecycle]"
	case KindStartup:
		return "[startup: " + name + " arrived before your first turn]"
	default:
		return "[receive: " + name + " accepted; nothing was evaluated]"
	}
}

// Message is one drained message: its name (msg-N), its Spell map and its
// label for the drain's kind.
type Message struct {
	Name  string
	Value Value
	Label string
}

func msgName(n int) string { return "msg-" + strconv.Itoa(n) }

// edgeSummary is {:id :source :targets :created-seq}.
func edgeSummary(e *edge) Value {
	return value.NewMap(kwID, int64(e.id), kwSource, kw(e.source), kwTargets, targetsVec(e), kwCreatedSeq, int64(e.id))
}

// edgeFull is the summary plus :status :pending and the slots (agents/graph).
func edgeFull(e *edge) Value {
	slots := make([]Value, len(e.slots))
	for i, s := range e.slots {
		st := kwPending
		if s.state == slotFilled {
			st = kwFilled
		}
		var claimed Value
		if s.claimed != 0 {
			claimed = int64(s.claimed)
		}
		slots[i] = value.NewMap(kwTarget, kw(s.target), kwState, st, kwClaimed, claimed)
	}
	return value.NewMap(kwID, int64(e.id), kwSource, kw(e.source), kwTargets, targetsVec(e),
		kwCreatedSeq, int64(e.id), kwStatus, kwPending, kwTracked, e.tracked, kwSlots, value.NewVector(slots))
}
