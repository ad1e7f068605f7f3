package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

type step struct {
	resp *Response
	err  error
}

type scripted struct {
	name  string
	steps []step
	reqs  []Request
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) Complete(ctx context.Context, req *Request) (*Response, error) {
	s.reqs = append(s.reqs, *req)
	i := len(s.reqs) - 1
	if i >= len(s.steps) {
		i = len(s.steps) - 1
	}
	st := s.steps[i]
	if st.resp != nil {
		r := *st.resp
		return &r, st.err
	}
	return nil, st.err
}

func ok(s string) step {
	return step{resp: &Response{Suffix: s, Usage: Usage{UncachedInput: 10, VisibleOutput: 2}}}
}
func fail(status int, after time.Duration) step {
	return step{err: &Error{Provider: "p", Status: status, Retryable: RetryableStatus(status), RetryAfter: after, Msg: "x"}}
}

func wrap(p Provider, clock Clock, jitter float64) *retrying {
	r := Retrying(p, DefaultRetryPolicy(), clock).(*retrying)
	r.jitter = func() float64 { return jitter }
	return r
}

func TestBackoff(t *testing.T) {
	p := DefaultRetryPolicy()
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 60 * time.Second, 60 * time.Second}
	for i, w := range want {
		if got := p.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := p.Backoff(500); got != 60*time.Second {
		t.Errorf("Backoff(500) = %v", got)
	}
	if got := (RetryPolicy{}).normalised(); got != DefaultRetryPolicy() {
		t.Errorf("zero policy normalised to %+v", got)
	}
}

func TestRetryJitterBounds(t *testing.T) {
	for _, j := range []float64{0, 0.5, 0.999999} {
		clock := newFakeClock()
		sp := &scripted{name: "p", steps: []step{fail(500, 0), fail(503, 0), ok("x")}}
		if _, err := wrap(sp, clock, j).Complete(context.Background(), &Request{}); err != nil {
			t.Fatal(err)
		}
		for k, d := range clock.sleeps {
			nominal := DefaultRetryPolicy().Backoff(k + 1)
			if d < nominal/2 || d > nominal {
				t.Errorf("jitter %v: sleep %d = %v outside [%v, %v]", j, k, d, nominal/2, nominal)
			}
		}
	}
	// Real jitter stays in [0.5, 1.0] × nominal.
	r := Retrying(&scripted{name: "p"}, DefaultRetryPolicy(), nil).(*retrying)
	for range 1000 {
		if d := r.delay(3); d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("delay(3) = %v", d)
		}
	}
}

func TestRetry500ThenSuccess(t *testing.T) {
	clock := newFakeClock()
	sp := &scripted{name: "p", steps: []step{fail(500, 0), ok("(+ 1 2))")}}
	resp, err := wrap(sp, clock, 1).Complete(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || resp.Suffix != "(+ 1 2))" {
		t.Fatalf("resp = %+v", resp)
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] != time.Second {
		t.Fatalf("sleeps = %v", clock.sleeps)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	clock := newFakeClock()
	sp := &scripted{name: "p", steps: []step{fail(429, 7*time.Second), ok("x")}}
	resp, err := wrap(sp, clock, 0).Complete(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || len(clock.sleeps) != 1 || clock.sleeps[0] != 7*time.Second {
		t.Fatalf("attempts %d sleeps %v", resp.Attempts, clock.sleeps)
	}
}

func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	clock := newFakeClock()
	sp := &scripted{name: "p", steps: []step{fail(429, time.Hour), ok("x")}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := wrap(sp, clock, 1).Complete(ctx, &Request{})
	var pe *Error
	if !errors.As(err, &pe) || pe.Status != 429 {
		t.Fatalf("err = %v", err)
	}
	if len(sp.reqs) != 1 || len(clock.sleeps) != 0 || resp.Attempts != 1 {
		t.Fatalf("attempts %d sleeps %v", len(sp.reqs), clock.sleeps)
	}
}

func TestRetryNotRetryable(t *testing.T) {
	for _, st := range []int{400, 401, 403, 404, 413, 422, 501, 505} {
		clock := newFakeClock()
		sp := &scripted{name: "p", steps: []step{fail(st, 0), ok("x")}}
		_, err := wrap(sp, clock, 1).Complete(context.Background(), &Request{})
		var pe *Error
		if !errors.As(err, &pe) || pe.Status != st || len(sp.reqs) != 1 || len(clock.sleeps) != 0 {
			t.Errorf("status %d: err %v, attempts %d", st, err, len(sp.reqs))
		}
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	clock := newFakeClock()
	sp := &scripted{name: "p", steps: []step{fail(529, 0)}}
	resp, err := wrap(sp, clock, 1).Complete(context.Background(), &Request{})
	var pe *Error
	if !errors.As(err, &pe) || pe.Status != 529 {
		t.Fatalf("err = %v", err)
	}
	if len(sp.reqs) != 4 || resp.Attempts != 4 {
		t.Fatalf("attempts = %d", len(sp.reqs))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if fmt.Sprint(clock.sleeps) != fmt.Sprint(want) {
		t.Fatalf("sleeps = %v, want %v", clock.sleeps, want)
	}
}

func TestRetryEmptyCompletion(t *testing.T) {
	clock := newFakeClock()
	sp := &scripted{name: "p", steps: []step{ok(""), ok(" \n\t"), ok("")}}
	resp, err := wrap(sp, clock, 1).Complete(context.Background(), &Request{MaxTokens: 16384, Prefix: "(do"})
	if err == nil || !strings.Contains(err.Error(), "empty completion after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	if len(sp.reqs) != 3 || resp.Attempts != 3 {
		t.Fatalf("attempts = %d", len(sp.reqs))
	}
	note := "\n;; system: retrying - the previous response was truncated or empty (max output tokens 16384)"
	if sp.reqs[0].RetryNote != "" || sp.reqs[1].RetryNote != note || sp.reqs[2].RetryNote != note {
		t.Fatalf("notes = %q %q %q", sp.reqs[0].RetryNote, sp.reqs[1].RetryNote, sp.reqs[2].RetryNote)
	}
	if resp.Usage.UncachedInput != 30 || resp.Usage.VisibleOutput != 6 {
		t.Fatalf("usage not summed over attempts: %+v", resp.Usage)
	}
}

func TestRetryEmptyThenSuccess(t *testing.T) {
	sp := &scripted{name: "p", steps: []step{ok(""), ok("42)")}}
	resp, err := wrap(sp, newFakeClock(), 1).Complete(context.Background(), &Request{MaxTokens: 8})
	if err != nil || resp.Suffix != "42)" || resp.Attempts != 2 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	if resp.Usage.UncachedInput != 20 {
		t.Fatalf("usage = %+v", resp.Usage)
	}
}

func TestRetryMissingToolCallUsageKept(t *testing.T) {
	st := step{resp: &Response{Usage: Usage{UncachedInput: 100}}, err: &Error{Provider: "p", Msg: MissingToolCall, Retryable: true}}
	sp := &scripted{name: "p", steps: []step{st, ok("x")}}
	resp, err := wrap(sp, newFakeClock(), 1).Complete(context.Background(), &Request{})
	if err != nil || resp.Attempts != 2 || resp.Usage.UncachedInput != 110 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

func TestRetryCancelledNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sp := &scripted{name: "p", steps: []step{{err: context.Canceled}}}
	_, err := wrap(sp, newFakeClock(), 1).Complete(ctx, &Request{})
	if !errors.Is(err, context.Canceled) || len(sp.reqs) != 1 {
		t.Fatalf("err %v attempts %d", err, len(sp.reqs))
	}
}

func TestRetryCtrlCInterruptsSleep(t *testing.T) {
	// The retry sleeps an hour; a minute is only a hang guard (a context
	// deadline cannot serve: the policy fails at once when Retry-After
	// reaches beyond it).
	ctx, cancel := context.WithCancel(context.Background())
	sp := &scripted{name: "p", steps: []step{fail(503, time.Hour)}}
	r := Retrying(sp, DefaultRetryPolicy(), SystemClock{})
	time.AfterFunc(20*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := r.Complete(ctx, &Request{})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the cancel did not interrupt the retry sleep")
	}
}

func TestRetryExempt(t *testing.T) {
	for _, n := range []string{"replay", "human", "user", "test"} {
		sp := &scripted{name: n}
		if Retrying(sp, DefaultRetryPolicy(), nil) != Provider(sp) {
			t.Errorf("%s wrapped", n)
		}
	}
	if _, ok := Retrying(&scripted{name: "anthropic"}, DefaultRetryPolicy(), nil).(*retrying); !ok {
		t.Error("anthropic not wrapped")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := func(kv ...string) http.Header {
		x := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			x.Set(kv[i], kv[i+1])
		}
		return x
	}
	cases := []struct {
		h    http.Header
		want time.Duration
	}{
		{h("Retry-After", "3"), 3 * time.Second},
		{h("Retry-After", "1.5"), 1500 * time.Millisecond},
		{h("retry-after-ms", "250"), 250 * time.Millisecond},
		{h("retry-after-ms", "250", "Retry-After", "9"), 250 * time.Millisecond},
		{h("Retry-After", now.Add(42*time.Second).Format(http.TimeFormat)), 42 * time.Second},
		{h("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), 0},
		{h("Retry-After", "soon"), 0},
		{h(), 0},
		{nil, 0},
	}
	for i, c := range cases {
		if got := ParseRetryAfter(c.h, now); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

func TestRetryableStatus(t *testing.T) {
	yes := []int{408, 409, 429, 500, 502, 503, 504, 529}
	no := []int{200, 400, 401, 403, 404, 413, 422, 501, 505}
	for _, s := range yes {
		if !RetryableStatus(s) {
			t.Errorf("%d not retryable", s)
		}
	}
	for _, s := range no {
		if RetryableStatus(s) {
			t.Errorf("%d retryable", s)
		}
	}
}

func TestIsRetryableNetError(t *testing.T) {
	op := func(e error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", e)}
	}
	yes := []error{
		op(syscall.ECONNREFUSED),
		op(syscall.ECONNRESET),
		fmt.Errorf("read: %w", io.ErrUnexpectedEOF),
		errors.New("net/http: TLS handshake timeout"),
	}
	no := []error{
		context.Canceled,
		fmt.Errorf("wrapped: %w", context.DeadlineExceeded),
		&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true},
		errors.New("boom"),
	}
	for _, e := range yes {
		if !IsRetryableNetError(e) {
			t.Errorf("%v not retryable", e)
		}
	}
	for _, e := range no {
		if IsRetryableNetError(e) {
			t.Errorf("%v retryable", e)
		}
	}
	if r, _ := Classify(NetError("p", op(syscall.ECONNREFUSED), IsRetryableNetError)); !r {
		t.Error("NetError(ECONNREFUSED) not retryable")
	}
	if r, _ := Classify(NetError("p", context.Canceled, IsRetryableNetError)); r {
		t.Error("NetError(Canceled) retryable")
	}
}

func TestHTTPErrorAndExcerpt(t *testing.T) {
	body := strings.Repeat("é", 400) // 800 bytes
	e := HTTPError("anthropic", 429, http.Header{"Retry-After": {"2"}}, []byte(body), time.Now(), nil)
	if !e.Retryable || e.RetryAfter != 2*time.Second || e.Status != 429 {
		t.Fatalf("%+v", e)
	}
	if len(e.Body) > MaxBodyExcerpt || !strings.HasPrefix(body, e.Body) || len(e.Body) != 500 {
		t.Fatalf("excerpt len %d", len(e.Body))
	}
	if e := HTTPError("x", 400, nil, []byte(`{"error":"bad"}`), time.Now(), nil); e.Retryable ||
		e.Error() != `x: HTTP 400: Bad Request: {"error":"bad"}` {
		t.Fatalf("%v", e)
	}
}
