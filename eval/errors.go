package eval

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spell-go/spell/eval/value"
)

// Error is a Spell evaluation error. Its Msg is a Spell value (the
// `:message` a catch sees, the text conformance cases match); positions,
// call traces and hints are presentation, kept beside it.
type Error struct {
	Msg string
	// Thrown is the value given to throw when the error came from throw
	// directly; HasThrown says whether it is set.
	Thrown    value.Value
	HasThrown bool
	// Expr is the failing expression.
	Expr value.Value
	// Env is the environment at the failure (what try continues with).
	Env *Env
	// Trace holds the Spell function head symbols the error passed
	// through, innermost first.
	Trace []string
	// ContainingForm is the top-level body form of the enclosing do that
	// was running (first failure wins).
	ContainingForm value.Value
	// Span locates the failing expression, when known.
	Span *Span
	// Hint is a did-you-mean or how-to suggestion (presentation only).
	Hint string
	// Fatal marks typed, uncatchable failures: resource limits,
	// cancellation and runtime terminal conditions.
	Fatal bool
	// Cause is the error this one reports, when it has one: a sentinel
	// (ErrCancelled, ErrLimit) or the failure of a builtin or provider.
	Cause error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause, so that errors.Is and errors.As see through a
// Spell error (errors.Is(err, eval.ErrCancelled)).
func (e *Error) Unwrap() error { return e.Cause }

// Sentinel causes of fatal errors.
var (
	// ErrCancelled is the cause of an evaluation stopped by its context
	// (an interrupt); the message a program sees is "Cancelled".
	ErrCancelled = errors.New("cancelled")
	// ErrLimit is the cause of a resource-limit failure: steps, nesting,
	// output size, and the runtime's turns, depth, budget, tokens, time.
	ErrLimit = errors.New("resource limit exceeded")
)

// Errorf makes a plain builtin failure; the call site wraps it as
// `Function call failed: <head>: <message>`.
func Errorf(format string, args ...any) error { return errors.New(fmt.Sprintf(format, args...)) }

// shown is the readable form of v for a builtin's failure message, cut
// after value.MessageValueMax bytes with "...". A value with shared
// structure can denote text far larger than memory; shown whole, its
// message took the printer's full 64 MiB and a second to build.
func shown(v value.Value) string { return value.PrStrMax(v, value.MessageValueMax) }

// DataError is a builtin failure carrying a data map (printed after the
// message: `Function call failed: f: not found {:key "hi"}`).
type DataError struct {
	Msg  string
	Data value.Value
}

func (e *DataError) Error() string { return e.Msg }

// FatalError makes an uncatchable error (limits, cancellation, terminal
// runtime conditions).
func FatalError(msg string) *Error { return &Error{Msg: msg, Fatal: true} }

// WrapFatal makes an uncatchable error that reports err (its message) and
// wraps it.
func WrapFatal(err error) *Error { return &Error{Msg: err.Error(), Fatal: true, Cause: err} }

// Cancelled is the fatal error of a cancelled evaluation (ErrCancelled).
func Cancelled() *Error { return &Error{Msg: msgCancelled, Fatal: true, Cause: ErrCancelled} }

// LimitError is the fatal error of an exceeded resource limit (ErrLimit).
func LimitError(msg string) *Error { return &Error{Msg: msg, Fatal: true, Cause: ErrLimit} }

// msgCancelled is the message of cancelled evaluations.
const msgCancelled = "Cancelled"

// IsFatal reports whether err is an uncatchable Spell error.
func IsFatal(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Fatal
}

// spellErr makes a catchable error for expr in env.
func spellErr(msg string, expr value.Value, env *Env) *Error {
	return &Error{Msg: msg, Expr: expr, Env: env}
}

// asError converts any error into *Error.
func asError(err error, expr value.Value, env *Env) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Msg: err.Error(), Expr: expr, Env: env, Cause: err}
}

// ErrorValue is the value a catch clause binds: the thrown value itself
// when the error came from throw directly, else {:message … :expr …}.
func (e *Error) ErrorValue() value.Value {
	if e.HasThrown {
		return e.Thrown
	}
	m := value.NewMap(kwMessage, e.Msg, kwExpr, e.Expr)
	// A builtin failure that carries data (a refused agents/!wait's
	// edges, effects.md §3.5) keeps it for ex-data.
	var de *DataError
	if errors.As(e.Cause, &de) && de.Data != nil {
		m = m.Assoc(kwData, de.Data)
	}
	return m
}

// CallTrace renders the Spell call trace: "in inner, called from outer".
func (e *Error) CallTrace() string {
	if len(e.Trace) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("in ")
	b.WriteString(e.Trace[0])
	for _, t := range e.Trace[1:] {
		b.WriteString(", called from ")
		b.WriteString(t)
	}
	return b.String()
}

var (
	kwMessage = value.Kw("message")
	kwExpr    = value.Kw("expr")
	kwData    = value.Kw("data")
)
