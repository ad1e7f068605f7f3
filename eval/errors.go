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
}

func (e *Error) Error() string { return e.Msg }

// Errorf makes a plain builtin failure; the call site wraps it as
// `Function call failed: <head>: <message>`.
func Errorf(format string, args ...any) error { return errors.New(fmt.Sprintf(format, args...)) }

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

// ErrCancelled is the message of cancelled evaluations.
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
	return &Error{Msg: err.Error(), Expr: expr, Env: env}
}

// ErrorValue is the value a catch clause binds: the thrown value itself
// when the error came from throw directly, else {:message … :expr …}.
func (e *Error) ErrorValue() value.Value {
	if e.HasThrown {
		return e.Thrown
	}
	return value.NewMap(kwMessage, e.Msg, kwExpr, e.Expr)
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
)
