package trace

import (
	"encoding/hex"

	"github.com/spell-go/spell/spe/trace/internal/sha256"
)

// Event names (runtime.md §14.2).
const (
	EvRunStart        = "run.start"
	EvTurnStart       = "turn.start"
	EvModelCall       = "model.call"
	EvModelCompletion = "model.completion"
	EvProgram         = "program"
	EvEffectBegin     = "effect.begin"
	EvEffectEnd       = "effect.end"
	EvEvalValue       = "eval.value"
	EvEvalError       = "eval.error"
	EvAgent           = "agent"
	EvLimit           = "limit"
	EvRunEnd          = "run.end"
	EvRunResume       = "run.resume"
)

// Field keys. The common keys handle, n (call number), turn (global turn)
// and depth appear wherever they are relevant.
const (
	KeyHandle = "handle"
	KeyN      = "n"
	KeyTurn   = "turn"
	KeyDepth  = "depth"

	// run.start
	KeyRunID   = "run_id"
	KeyVersion = "version"
	KeyArgv    = "argv"
	KeyCwd     = "cwd"
	KeyRoot    = "root"
	KeyModel   = "model"
	KeyAgent   = "agent"
	KeyLimits  = "limits"
	KeySeed    = "seed"
	KeyTask    = "task"
	KeyProgram = "program"

	// turn.start
	KeyKind        = "kind"
	KeyPromptSHA   = "prompt_sha256"
	KeyPromptFile  = "prompt_file"
	KeyParentTurn  = "parent_turn"
	KeyPromptBytes = "prompt_bytes" // optional: length of the prompt in bytes

	// model.call
	KeyProvider   = "provider"
	KeyTransport  = "transport"
	KeyAttempts   = "attempts"
	KeyLatencyMS  = "latency_ms"
	KeyUsage      = "usage"
	KeyCostUSD    = "cost_usd"
	KeyStopReason = "stop_reason"
	KeyRequestID  = "request_id"

	// model.completion
	KeyText = "text"

	// program
	KeyFile    = "file"
	KeyRepairs = "repairs"
	KeyReceipt = "receipt"

	// effect.begin / effect.end
	KeyK          = "k"
	KeyFn         = "fn"
	KeyArgs       = "args"
	KeyResult     = "result"
	KeyResultFile = "result_file"
	KeyDurationMS = "duration_ms"

	// eval.value / eval.error
	KeyValue             = "value"
	KeyError             = "error"
	KeyRecovery          = "recovery"
	KeyConsecutiveErrors = "consecutive_errors"

	// agent
	KeyEvent = "event"

	// limit
	KeyLimit = "limit"

	// run.end
	KeyStatus = "status"
)

// Turn kinds (turn.start "kind").
const (
	KindSelf     = "self"
	KindLeaf     = "leaf"
	KindRecovery = "recovery"
	KindCompactB = "compact-b"
	KindCompactC = "compact-c"
)

// Recovery kinds (eval.value / eval.error "recovery").
const (
	RecoveryNamespaceFixup = "namespace-fixup"
	RecoveryTrailing       = "trailing"
	RecoveryInert          = "inert"
	RecoveryReader         = "reader"
	RecoveryNone           = "none"
)

// Run statuses (run.end "status"). A run without run.end is reported as
// StatusIncomplete.
const (
	StatusOK          = "ok"
	StatusError       = "error"
	StatusInterrupted = "interrupted"
	StatusIncomplete  = "incomplete"
)

// Fields are the fields of one event (everything but v, t and ev).
type Fields = map[string]any

// The helpers below only build maps: the runtime decides what to log and
// passes the result on, as in w.Event(trace.TurnStart(…)). Empty optional
// strings are left out.

// Turn returns the common fields handle, n, turn and depth.
func Turn(handle string, n, turn, depth int) Fields {
	return Fields{KeyHandle: handle, KeyN: n, KeyTurn: turn, KeyDepth: depth}
}

func with(f Fields, kv ...any) Fields {
	if f == nil {
		f = Fields{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if s, ok := kv[i+1].(string); ok && s == "" {
			continue
		}
		f[k] = kv[i+1]
	}
	return f
}

// RunStart is run.start. Exactly one of task and program is normally set;
// limits holds the effective limits (names as the CLI flags, without
// dashes).
func RunStart(runID, version string, argv []string, cwd, root, model, agent string, limits map[string]any, seed int64, task, program string) (string, Fields) {
	return EvRunStart, with(nil, KeyRunID, runID, KeyVersion, version, KeyArgv, argv, KeyCwd, cwd, KeyRoot, root,
		KeyModel, model, KeyAgent, agent, KeyLimits, limits, KeySeed, seed, KeyTask, task, KeyProgram, program)
}

// TurnStart is turn.start. promptFile names the file that holds the prompt:
// the turn's own program file NNNN.spl for a model-written program (whose
// text begins with the prompt), NNNN.txt for a leaf call. parent is the
// global turn whose evaluation made this call (0 for the root).
func TurnStart(handle string, n, turn, depth int, kind, promptSHA, promptFile string, parent int) (string, Fields) {
	return EvTurnStart, with(Turn(handle, n, turn, depth), KeyKind, kind, KeyPromptSHA, promptSHA,
		KeyPromptFile, promptFile, KeyParentTurn, parent)
}

// PromptSHA256 is the hex SHA-256 of a prompt, as turn.start records it.
func PromptSHA256(prompt string) string {
	h := sha256.New()
	h.WriteString(prompt)
	return hex.EncodeToString(h.Sum(nil))
}

// ModelCall is model.call. usage is the canonical usage of runtime.md §8.9
// (a struct with JSON tags or a map).
func ModelCall(handle string, n, turn int, provider, model, transport string, attempts int, latencyMS int64, usage any, costUSD float64, stopReason, requestID string) (string, Fields) {
	f := Fields{KeyHandle: handle, KeyN: n, KeyTurn: turn}
	return EvModelCall, with(f, KeyProvider, provider, KeyModel, model, KeyTransport, transport, KeyAttempts, attempts,
		KeyLatencyMS, latencyMS, KeyUsage, usage, KeyCostUSD, costUSD, KeyStopReason, stopReason, KeyRequestID, requestID)
}

// ModelCompletion is model.completion: the suffix text.
func ModelCompletion(handle string, n, turn int, suffix string) (string, Fields) {
	return EvModelCompletion, Fields{KeyHandle: handle, KeyN: n, KeyTurn: turn, KeyText: suffix}
}

// Repair is one completion-mode repair recorded in a program event.
type Repair struct {
	Kind string `json:"kind"`
	Pos  int    `json:"pos"` // byte offset in the program text
}

// Program is program: the program file, its repairs and the receipt
// (message names and labels; nil when nothing was received).
func Program(handle string, n, turn int, file string, repairs []Repair, receipt any) (string, Fields) {
	if repairs == nil {
		repairs = []Repair{}
	}
	f := Fields{KeyHandle: handle, KeyN: n, KeyTurn: turn, KeyFile: file, KeyRepairs: repairs}
	if receipt != nil {
		f[KeyReceipt] = receipt
	}
	return EvProgram, f
}

// EffectBegin is effect.begin: the K-th effect of the turn, fn as ns/name,
// args in readable form.
func EffectBegin(handle string, turn, k int, fn string, args []string) (string, Fields) {
	return EvEffectBegin, Fields{KeyHandle: handle, KeyTurn: turn, KeyK: k, KeyFn: fn, KeyArgs: args}
}

// EffectEnd is effect.end. result is the readable result, capped by the
// runtime; resultFile is the effects/ file holding the whole result when
// it was larger than EffectInlineMax ("" otherwise).
func EffectEnd(handle string, turn, k int, fn, result, resultFile string, durationMS int64) (string, Fields) {
	f := Fields{KeyHandle: handle, KeyTurn: turn, KeyK: k, KeyFn: fn, KeyResult: result, KeyDurationMS: durationMS}
	return EvEffectEnd, with(f, KeyResultFile, resultFile)
}

// EvalValue is eval.value: the readable value (capped at ValueMax by the
// caller), the recovery kind that produced it and the consecutive-error
// count.
func EvalValue(handle string, n, turn, depth int, value, recovery string, consecutive int) (string, Fields) {
	return EvEvalValue, with(Turn(handle, n, turn, depth), KeyValue, value, KeyRecovery, recovery, KeyConsecutiveErrors, consecutive)
}

// EvalError is eval.error: the message, the recovery kind attempted
// (RecoveryNone when the error propagates) and the consecutive-error count.
func EvalError(handle string, n, turn, depth int, message, recovery string, consecutive int) (string, Fields) {
	return EvEvalError, with(Turn(handle, n, turn, depth), KeyError, message, KeyRecovery, recovery, KeyConsecutiveErrors, consecutive)
}

// Agent is agent: a coordinator event (spawn, register, edge-created, …)
// with its own fields (merged in; nil allowed).
func Agent(handle, event string, fields map[string]any) (string, Fields) {
	f := Fields{}
	for k, v := range fields {
		f[k] = v
	}
	f[KeyHandle] = handle
	f[KeyEvent] = event
	return EvAgent, f
}

// Limit is limit: which limit was hit and its value.
func Limit(handle string, turn int, limit string, value any) (string, Fields) {
	return EvLimit, with(Fields{KeyTurn: turn, KeyLimit: limit, KeyValue: value}, KeyHandle, handle)
}

// RunEnd is run.end: status, the readable value or the error message,
// usage totals, cost and duration.
func RunEnd(status, value, errMsg string, usage any, costUSD float64, durationMS int64) (string, Fields) {
	f := Fields{KeyStatus: status, KeyUsage: usage, KeyCostUSD: costUSD, KeyDurationMS: durationMS}
	if errMsg != "" {
		f[KeyError] = errMsg
	} else {
		f[KeyValue] = value
	}
	return EvRunEnd, f
}

// RunResume is run.resume, logged when a resumed run has replayed the log
// and continues live: the turn it continues from and the new argv.
func RunResume(turn int, argv []string) (string, Fields) {
	return EvRunResume, Fields{KeyTurn: turn, KeyArgv: argv}
}
