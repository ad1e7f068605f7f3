// Package provider owns the model-provider contract of the SPE runtime:
// requests and responses, usage and cost, typed provider errors, the retry
// policy (runtime.md §8.7), model-spec resolution from the alias table, and
// the Registry through which the runtime builds providers (sub-packages
// hold the clients; package builtin wires them).
package provider

import (
	"context"
	"fmt"
	"time"
)

// Kind is the kind of a model call.
type Kind string

const (
	KindSelf     Kind = "self"
	KindLeaf     Kind = "leaf"
	KindRecovery Kind = "recovery"
	KindCompactB Kind = "compact-b"
	KindCompactC Kind = "compact-c"
)

// Transport is how the prefix is sent and the suffix extracted (§8.2).
type Transport string

const (
	ToolCall Transport = "tc"
	Prefill  Transport = "pf"
	Message  Transport = "msg"
	Text     Transport = "text" // leaf calls
)

// Request is one model call.
type Request struct {
	Handle          string // "main", "spawn-1", …
	CallNumber      int    // 1-based per handle
	Kind            Kind
	System          string
	Prefix          string // the open program prefix (or the leaf prompt)
	Transport       Transport
	Model           string
	MaxTokens       int
	Thinking        int    // thinking budget tokens; 0 = off
	ReasoningEffort string // none low medium high xhigh max
	Verbosity       string
	PreviousPrefix  string // previous prefix of the same handle (cache splitting)
	RetryNote       string // appended to the user message on empty-completion retries
}

// Usage is the canonical per-call token usage (§8.9).
type Usage struct {
	UncachedInput   int64 `json:"uncached_input_tokens"`
	CachedInput     int64 `json:"cached_input_tokens"`
	CacheWriteInput int64 `json:"cache_write_input_tokens"`
	VisibleOutput   int64 `json:"visible_output_tokens"`
	ReasoningOutput int64 `json:"reasoning_output_tokens"`
}

// Total is input plus output tokens.
func (u Usage) Total() int64 {
	return u.UncachedInput + u.CachedInput + u.CacheWriteInput + u.VisibleOutput + u.ReasoningOutput
}

// Add returns u + v.
func (u Usage) Add(v Usage) Usage {
	return Usage{u.UncachedInput + v.UncachedInput, u.CachedInput + v.CachedInput, u.CacheWriteInput + v.CacheWriteInput,
		u.VisibleOutput + v.VisibleOutput, u.ReasoningOutput + v.ReasoningOutput}
}

// Response is the result of one model call.
type Response struct {
	Suffix         string
	Usage          Usage
	StopReason     string
	EffectiveModel string
	RequestID      string
	Attempts       int
	Latency        time.Duration
	BaseURL        string // recorded in the trace (never the key)
}

// Provider calls a model. Implementations honour ctx (cancellation and
// deadlines), make exactly one attempt per Complete (retries are the
// Retrying wrapper's job) and return *Error for failures.
type Provider interface {
	Complete(ctx context.Context, req *Request) (*Response, error)
	// Name is the provider name of the model spec ("anthropic", "replay", …).
	Name() string
}

// Error is a provider failure.
type Error struct {
	Provider   string
	Status     int           // HTTP status, 0 when none
	Body       string        // excerpt of the response body
	Retryable  bool          // §8.7
	RetryAfter time.Duration // from Retry-After / retry-after-ms, 0 when absent
	Msg        string
	Err        error
}

func (e *Error) Error() string {
	switch {
	case e.Status != 0 && e.Body != "":
		return fmt.Sprintf("%s: HTTP %d: %s: %s", e.Provider, e.Status, e.Msg, e.Body)
	case e.Status != 0:
		return fmt.Sprintf("%s: HTTP %d: %s", e.Provider, e.Status, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Provider, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }
