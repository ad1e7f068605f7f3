package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// RetryPolicy is the retry policy of runtime.md §8.7 (model profile
// `:retries {:max-attempts 4 :base-ms 1000 :max-ms 60000}`).
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, including the first (4)
	Base        time.Duration // base delay (1 s)
	Max         time.Duration // delay cap (60 s)
}

// DefaultRetryPolicy is the §8.7 default: 4 attempts, base 1 s, cap 60 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, Base: time.Second, Max: 60 * time.Second}
}

func (p RetryPolicy) normalised() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	return p
}

// Backoff is the nominal (un-jittered) delay before attempt k+1:
// min(Max, Base×2^(k−1)).
func (p RetryPolicy) Backoff(k int) time.Duration {
	p = p.normalised()
	if k < 1 {
		k = 1
	}
	exp := math.Pow(2, float64(k-1))
	d := float64(p.Base) * exp
	if d >= float64(p.Max) || math.IsInf(d, 0) {
		return p.Max
	}
	return time.Duration(d)
}

// Clock abstracts time for the retry loop so tests run instantly.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, whichever is first; it returns
	// ctx.Err() when interrupted.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep sleeps d, returning at once with ctx.Err() when ctx is done (Ctrl-C).
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// MaxEmptyRetries is the number of extra attempts after an empty completion.
const MaxEmptyRetries = 2

// EmptyRetryNote is the note appended to the user message on an
// empty-completion retry (§8.7); %d is the max output tokens.
const EmptyRetryNote = "\n;; system: retrying - the previous response was truncated or empty (max output tokens %d)"

// ErrEmptyCompletion is the message of the failure after the empty-completion
// retries are used up.
const ErrEmptyCompletion = "empty completion after 3 attempts"

// MissingToolCall is the message of the retryable error a tool-call
// transport returns when the response holds no usable spell_suffix call.
const MissingToolCall = "missing tool call"

// IsExempt reports whether the provider name is one §8.7 exempts from the
// retry policy (their suffix is used as it is).
func IsExempt(name string) bool {
	switch name {
	case "replay", "human", "user", "test":
		return true
	}
	return false
}

// Retrying wraps p with the §8.7 retry policy. Exempt providers (replay,
// human, test) are returned unwrapped; callers normally do not wrap them at
// all.
//
// The wrapped Complete returns the final Response with Attempts set and the
// Usage of every attempt summed (a failed or empty attempt may still be
// billed). On failure it returns the error together with a non-nil Response
// that carries only Attempts and the summed Usage, so the caller can record
// what was spent.
func Retrying(p Provider, pol RetryPolicy, clock Clock) Provider {
	if IsExempt(p.Name()) {
		return p
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &retrying{p: p, pol: pol.normalised(), clock: clock, jitter: rand.Float64}
}

type retrying struct {
	p      Provider
	pol    RetryPolicy
	clock  Clock
	jitter func() float64 // uniform in [0,1)
}

func (r *retrying) Name() string { return r.p.Name() }

// Unwrap returns the wrapped provider.
func (r *retrying) Unwrap() Provider { return r.p }

func (r *retrying) delay(k int) time.Duration {
	f := 0.5 + 0.5*r.jitter()
	return time.Duration(f * float64(r.pol.Backoff(k)))
}

func (r *retrying) Complete(ctx context.Context, req *Request) (*Response, error) {
	start := r.clock.Now()
	cur := req
	var usage Usage
	attempts, errRetries, empties := 0, 0, 0
	fail := func(err error) (*Response, error) {
		return &Response{Usage: usage, Attempts: attempts, Latency: r.clock.Now().Sub(start)}, err
	}
	for {
		attempts++
		resp, err := r.p.Complete(ctx, cur)
		if resp != nil {
			usage = usage.Add(resp.Usage)
		}
		var retryAfter time.Duration
		switch {
		case err == nil && resp == nil:
			return fail(&Error{Provider: r.p.Name(), Msg: "provider returned no response"})
		case err == nil && strings.TrimSpace(resp.Suffix) != "":
			resp.Usage = usage
			resp.Attempts = attempts
			resp.Latency = r.clock.Now().Sub(start)
			return resp, nil
		case err == nil:
			// Empty or whitespace-only suffix after post-processing.
			if empties >= MaxEmptyRetries {
				return fail(&Error{Provider: r.p.Name(), Msg: ErrEmptyCompletion})
			}
			empties++
			c := *req
			c.RetryNote = fmt.Sprintf(EmptyRetryNote, req.MaxTokens)
			cur = &c
		default:
			if cerr := ctx.Err(); cerr != nil {
				return fail(CtxError(r.p.Name(), cerr))
			}
			retryable, after := Classify(err)
			if !retryable || errRetries >= r.pol.MaxAttempts-1 {
				return fail(err)
			}
			errRetries++
			retryAfter = after
		}
		d := max(r.delay(attempts), retryAfter)
		if dl, ok := ctx.Deadline(); ok && r.clock.Now().Add(d).After(dl) {
			// The wait would outlive the run timeout: fail at once.
			if err == nil {
				err = &Error{Provider: r.p.Name(), Msg: "empty completion; no time left to retry"}
			}
			return fail(err)
		}
		if serr := r.clock.Sleep(ctx, d); serr != nil {
			return fail(CtxError(r.p.Name(), serr))
		}
	}
}

// Classify reports whether err is retryable under §8.7 and the minimum delay
// the server asked for. Context cancellation and deadlines never are.
func Classify(err error) (retryable bool, after time.Duration) {
	if err == nil {
		return false, 0
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, 0
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Retryable, pe.RetryAfter
	}
	return IsRetryableNetError(err), 0
}

// CtxError wraps a context error (cancellation, run timeout) as a
// non-retryable *Error that still satisfies errors.Is(err, context.Canceled).
func CtxError(provider string, err error) *Error {
	msg := "cancelled"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "timed out"
	}
	return &Error{Provider: provider, Msg: msg, Err: err}
}

// RetryableStatus reports whether an HTTP status is retryable (§8.7): 408,
// 409, 429, 500, 502, 503, 504, 529.
func RetryableStatus(code int) bool {
	switch code {
	case 408, 409, 429, 500, 502, 503, 504, 529:
		return true
	}
	return false
}

// IsRetryableNetError reports whether a transport-level error is one §8.7
// retries: connection refused/reset/aborted, broken pipe, a connection
// closed early (short read) and TLS handshake timeouts. Temporary DNS
// failures need package net, which this package does not link (issue 11,
// start-up): the HTTP clients map their failures with
// spe/provider/netclass.NetError, which adds them.
func IsRetryableNetError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "TLS handshake timeout") ||
		strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "server closed idle connection")
}

// NetError maps a transport-level failure (no HTTP status) to *Error;
// retryable says whether §8.7 retries it.
func NetError(provider string, err error, retryable func(error) bool) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return CtxError(provider, err)
	}
	return &Error{Provider: provider, Msg: err.Error(), Retryable: retryable(err), Err: err}
}

// MaxBodyExcerpt is the size cap of Error.Body.
const MaxBodyExcerpt = 500

// BodyExcerpt trims b to at most MaxBodyExcerpt bytes on a rune boundary.
func BodyExcerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= MaxBodyExcerpt {
		return s
	}
	cut := MaxBodyExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// HTTPError maps an HTTP error response to *Error: status, body excerpt,
// Retryable per §8.7 and RetryAfter from the headers.
func HTTPError(provider string, status int, h HeaderGetter, body []byte, now time.Time, err error) *Error {
	msg := statusText(status)
	if status == 529 {
		msg = "Overloaded"
	}
	if msg == "" {
		msg = "error"
	}
	return &Error{
		Provider:   provider,
		Status:     status,
		Body:       BodyExcerpt(body),
		Retryable:  RetryableStatus(status),
		RetryAfter: ParseRetryAfter(h, now),
		Msg:        msg,
		Err:        err,
	}
}

// ParseRetryAfter reads `retry-after-ms` (milliseconds) or `Retry-After`
// (seconds or an HTTP date relative to now); 0 when absent or invalid.
func ParseRetryAfter(h HeaderGetter, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && !math.IsInf(ms, 0) {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || math.IsInf(s, 0) || s > 1e9 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := parseHTTPTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
