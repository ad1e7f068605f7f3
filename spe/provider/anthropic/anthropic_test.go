package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spell-go/spell/spe/provider"
)

// ---- fake Anthropic server speaking the real SSE wire format ----

type captured struct {
	Header http.Header
	Path   string
	Body   map[string]any
}

type fake struct {
	t        *testing.T
	mu       sync.Mutex
	reqs     []captured
	handlers []http.HandlerFunc // one per request; the last repeats
	srv      *httptest.Server
}

func newFake(t *testing.T, handlers ...http.HandlerFunc) *fake {
	f := &fake{t: t, handlers: handlers}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v: %s", err, raw)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, captured{Header: r.Header.Clone(), Path: r.URL.Path, Body: body})
		i := min(len(f.reqs)-1, len(f.handlers)-1)
		h := f.handlers[i]
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []captured {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]captured(nil), f.reqs...)
}

func (f *fake) client(mod ...func(*Config)) *Client {
	cfg := Config{APIKey: "sk-test", BaseURL: f.srv.URL, Model: "claude-haiku-4-5-20251001",
		Headers: map[string]string{"X-Extra": "yes"}}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg)
}

func event(w io.Writer, typ, data string) {
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", typ, data)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

const messageStart = `{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":120,"cache_creation_input_tokens":4100,"cache_read_input_tokens":5200,"output_tokens":1}}}`

func sseHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("request-id", "req_abc")
	w.WriteHeader(200)
}

func messageEnd(w io.Writer, stop string, out int) {
	event(w, "message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":%q,"stop_sequence":null},"usage":{"output_tokens":%d}}`, stop, out))
	event(w, "message_stop", `{"type":"message_stop"}`)
}

// textStream answers with one text block streamed in chunks.
func textStream(chunks ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		event(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		event(w, "ping", `{"type": "ping"}`)
		for _, c := range chunks {
			b, _ := json.Marshal(c)
			event(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`+string(b)+`}}`)
		}
		event(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		messageEnd(w, "end_turn", 37)
	}
}

// toolStream answers with a thinking block, a short text block and a
// tool_use block whose input arrives as input_json_delta fragments.
func toolStream(name string, fragments ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		event(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		event(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Here you go."}}`)
		event(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		event(w, "content_block_start", fmt.Sprintf(`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":%q,"input":{}}}`, name))
		for _, f := range fragments {
			b, _ := json.Marshal(f)
			event(w, "content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":`+string(b)+`}}`)
		}
		event(w, "content_block_stop", `{"type":"content_block_stop","index":1}`)
		messageEnd(w, "tool_use", 55)
	}
}

func jsonError(status int, typ, msg string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "req_err")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"type":"error","error":{"type":%q,"message":%q}}`, typ, msg)
	}
}

type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
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

// jsonPath walks a decoded JSON value: keys for objects, ints for arrays.
func jsonPath(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not an object: %v", p, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: not an array of > %d: %v", p, k, v)
			}
			v = a[k]
		}
	}
	return v
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func perr(t *testing.T, err error) *provider.Error {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *provider.Error", err, err)
	}
	return pe
}

// ---- requests and parsing ----

func TestPrefill(t *testing.T) {
	f := newFake(t, textStream("(+ x", " 1))"))
	c := f.client()
	resp, err := c.Complete(context.Background(), &provider.Request{
		Handle: "main", CallNumber: 1, Transport: provider.Prefill,
		System: "You write Spell.", Prefix: "(do (def x 1)\n  ",
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ x 1))" {
		t.Errorf("suffix = %q", resp.Suffix)
	}
	wantUsage := provider.Usage{UncachedInput: 120, CachedInput: 5200, CacheWriteInput: 4100, VisibleOutput: 37}
	if resp.Usage != wantUsage {
		t.Errorf("usage = %+v, want %+v", resp.Usage, wantUsage)
	}
	if resp.RequestID != "req_abc" || resp.EffectiveModel != "claude-haiku-4-5-20251001" || resp.StopReason != "end_turn" || resp.BaseURL != f.srv.URL {
		t.Errorf("resp = %+v", resp)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/v1/messages" || r.Header.Get("X-Api-Key") != "sk-test" || r.Header.Get("X-Extra") != "yes" || r.Header.Get("Anthropic-Version") == "" {
		t.Errorf("path %s headers %v", r.Path, r.Header)
	}
	b := r.Body
	if b["model"] != "claude-haiku-4-5-20251001" || b["max_tokens"] != 16384.0 || b["stream"] != true {
		t.Errorf("model/max_tokens/stream: %v %v %v", b["model"], b["max_tokens"], b["stream"])
	}
	if _, ok := b["tools"]; ok {
		t.Error("pf request has tools")
	}
	if got := asJSON(t, b["system"]); got != `[{"text":"You write Spell.","type":"text"}]` {
		t.Errorf("system = %s", got)
	}
	want := `[{"content":[{"text":"Continue this Spell program.","type":"text"}],"role":"user"},` +
		`{"content":[{"text":"(do (def x 1)","type":"text"}],"role":"assistant"}]`
	if got := asJSON(t, b["messages"]); got != want {
		t.Errorf("messages = %s\nwant %s", got, want)
	}
}

const toolJSON = `[{"description":"Return the Spell suffix (the rest of the program) in input.suffix.",` +
	`"input_schema":{"additionalProperties":false,"properties":{"suffix":{"type":"string"}},"required":["suffix"],"type":"object"},` +
	`"name":"spell_suffix"}]`

func TestToolCall(t *testing.T) {
	f := newFake(t, toolStream("spell_suffix", `{"suf`, `fix": "(+ x`, ` 1))\n"}`))
	c := f.client()
	prefix := "(do (def x 1)\n"
	resp, err := c.Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: prefix, System: "sys"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ x 1))\n" || resp.StopReason != "tool_use" {
		t.Errorf("suffix %q stop %q", resp.Suffix, resp.StopReason)
	}
	b := f.requests()[0].Body
	if got := asJSON(t, b["tools"]); got != toolJSON {
		t.Errorf("tools = %s\nwant %s", got, toolJSON)
	}
	if got := asJSON(t, b["tool_choice"]); got != `{"type":"any"}` {
		t.Errorf("tool_choice = %s", got)
	}
	if got := asJSON(t, b["messages"]); got != `[{"content":[{"text":"(do (def x 1)\n","type":"text"}],"role":"user"}]` {
		t.Errorf("messages = %s", got)
	}
	if _, ok := b["thinking"]; ok {
		t.Error("thinking sent while off")
	}
}

func TestToolCallEchoAndFenceStripped(t *testing.T) {
	f := newFake(t, toolStream("spell_suffix", `{"suffix":"`+"```clojure\\n(do (def x 1)\\n(+ x 1))\\n```"+`"}`))
	resp, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: "(do (def x 1)\n"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ x 1))" {
		t.Errorf("suffix = %q", resp.Suffix)
	}
}

func TestThinking(t *testing.T) {
	f := newFake(t, toolStream("spell_suffix", `{"suffix":"1)"}`))
	c := f.client()
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: "(", Thinking: 5000}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: "(",
		Model: "claude-opus-4-8", Thinking: 10000, ReasoningEffort: "high"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "(",
		Model: "claude-sonnet-5", Thinking: 10000, ReasoningEffort: "none"}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	b := reqs[0].Body
	if got := asJSON(t, b["thinking"]); got != `{"budget_tokens":5000,"type":"enabled"}` {
		t.Errorf("thinking = %s", got)
	}
	if got := asJSON(t, b["tool_choice"]); got != `{"type":"auto"}` {
		t.Errorf("tool_choice with thinking = %s", got)
	}
	if b["max_tokens"] != 32768.0 {
		t.Errorf("max_tokens with thinking = %v", b["max_tokens"])
	}
	b = reqs[1].Body
	if got := asJSON(t, b["thinking"]); got != `{"type":"adaptive"}` {
		t.Errorf("adaptive thinking = %s", got)
	}
	if got := asJSON(t, b["output_config"]); got != `{"effort":"high"}` {
		t.Errorf("output_config = %s", got)
	}
	b = reqs[2].Body
	if _, ok := b["output_config"]; ok {
		t.Errorf("effort none sent output_config: %v", b["output_config"])
	}
	if _, ok := b["tools"]; ok {
		t.Error("msg request has tools")
	}
}

func TestPromptCaching(t *testing.T) {
	f := newFake(t, textStream("x)"))
	c := f.client()
	longSys := strings.Repeat("s", 4000)
	shared := "(do " + strings.Repeat("(def a 1) ", 500) // 5004 chars
	prev := shared + "(def b 2)\n"
	prefix := shared + "(def c 3)\n"
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message,
		System: longSys, Prefix: prefix, PreviousPrefix: prev, RetryNote: "\n;; note"}); err != nil {
		t.Fatal(err)
	}
	// Shared part too small: no split, no cache_control; short system.
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message,
		System: longSys[:3999], Prefix: "(do (a) (b))", PreviousPrefix: "(do (a) (c))"}); err != nil {
		t.Fatal(err)
	}
	// Prefill: the split applies to the assistant message.
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Prefill,
		Prefix: prefix + "  ", PreviousPrefix: prev}); err != nil {
		t.Fatal(err)
	}
	// claude-3-haiku needs 8,000 characters.
	if _, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message,
		Model: "claude-3-haiku-20240307", System: longSys, Prefix: prefix, PreviousPrefix: prev}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	eph := map[string]any{"type": "ephemeral"}

	b := reqs[0].Body
	if !reflect.DeepEqual(jsonPath(t, b, "system", 0, "cache_control"), eph) {
		t.Errorf("system cache_control = %v", jsonPath(t, b, "system", 0, "cache_control"))
	}
	content := jsonPath(t, b, "messages", 0, "content").([]any)
	if len(content) != 2 {
		t.Fatalf("user content blocks = %d", len(content))
	}
	if got := jsonPath(t, content, 0, "text"); got != shared+"(def " {
		t.Errorf("shared block = %q…", fmt.Sprint(got)[:20])
	}
	if got := jsonPath(t, content, 1, "text"); got != "c 3)\n\n;; note" {
		t.Errorf("tail block = %q", got)
	}
	for i := range 2 {
		if !reflect.DeepEqual(jsonPath(t, content, i, "cache_control"), eph) {
			t.Errorf("block %d cache_control = %v", i, jsonPath(t, content, i, "cache_control"))
		}
	}

	b = reqs[1].Body
	if got := asJSON(t, b["system"]); strings.Contains(got, "cache_control") {
		t.Errorf("short system cached: %.80s", got)
	}
	if got := asJSON(t, b["messages"]); got != `[{"content":[{"text":"(do (a) (b))","type":"text"}],"role":"user"}]` {
		t.Errorf("messages = %s", got)
	}

	b = reqs[2].Body
	content = jsonPath(t, b, "messages", 1, "content").([]any)
	if len(content) != 2 || jsonPath(t, content, 1, "text") != "c 3)" || jsonPath(t, b, "messages", 1, "role") != "assistant" {
		t.Errorf("prefill split = %s", asJSON(t, content)[len(shared):])
	}

	b = reqs[3].Body
	if got := asJSON(t, b["system"]); strings.Contains(got, "cache_control") {
		t.Error("claude-3-haiku system cached below 8000 chars")
	}
	if n := len(jsonPath(t, b, "messages", 0, "content").([]any)); n != 1 {
		t.Errorf("claude-3-haiku split below 8000 chars: %d blocks", n)
	}
}

// ---- faults ----

func TestMissingToolCall(t *testing.T) {
	f := newFake(t, textStream("(+ 1 2))"))
	resp, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: "("})
	pe := perr(t, err)
	if !pe.Retryable || !strings.Contains(pe.Msg, "missing tool call") {
		t.Fatalf("err = %v retryable %v", err, pe.Retryable)
	}
	if resp == nil || resp.Usage.UncachedInput != 120 {
		t.Fatalf("usage not recorded: %+v", resp)
	}
	// A tool_use of another name, or a malformed input, is missing too.
	f2 := newFake(t, toolStream("other_tool", `{"suffix":"x"}`), toolStream("spell_suffix", `{"suffix": "unterminated`))
	for range 2 {
		_, err := f2.client().Complete(context.Background(), &provider.Request{Transport: provider.ToolCall, Prefix: "("})
		if pe := perr(t, err); !pe.Retryable || !strings.Contains(pe.Msg, "missing tool call") {
			t.Errorf("err = %v", err)
		}
	}
}

func TestRetryAfter429ThenSuccess(t *testing.T) {
	f := newFake(t, jsonError(429, "rate_limit_error", "slow down", "Retry-After", "3"), textStream("ok)"))
	clock := &fakeClock{now: time.Now()}
	p := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock)
	resp, err := p.Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "ok)" || resp.Attempts != 2 {
		t.Fatalf("resp = %+v", resp)
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] < 3*time.Second {
		t.Fatalf("sleeps = %v (Retry-After 3 s)", clock.sleeps)
	}
	if len(f.requests()) != 2 {
		t.Fatalf("%d requests (SDK retries must be off)", len(f.requests()))
	}
}

func TestHTTPErrors(t *testing.T) {
	cases := []struct {
		status    int
		typ       string
		retryable bool
	}{
		{400, "invalid_request_error", false},
		{401, "authentication_error", false},
		{404, "not_found_error", false},
		{429, "rate_limit_error", true},
		{500, "api_error", true},
		{529, "overloaded_error", true},
	}
	for _, c := range cases {
		f := newFake(t, jsonError(c.status, c.typ, "details here", "retry-after-ms", "1500"))
		_, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
		pe := perr(t, err)
		if pe.Status != c.status || pe.Retryable != c.retryable || !strings.Contains(pe.Body, "details here") ||
			pe.RetryAfter != 1500*time.Millisecond || pe.Provider != "anthropic" {
			t.Errorf("%d: %+v", c.status, pe)
		}
		if len(f.requests()) != 1 {
			t.Errorf("%d: SDK retried (%d requests)", c.status, len(f.requests()))
		}
	}
}

func Test500ThenSuccessAnd400NotRetried(t *testing.T) {
	f := newFake(t, jsonError(500, "api_error", "oops"), textStream("fine)"))
	clock := &fakeClock{now: time.Now()}
	resp, err := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	if err != nil || resp.Suffix != "fine)" || resp.Attempts != 2 {
		t.Fatalf("resp %+v err %v", resp, err)
	}

	f = newFake(t, jsonError(400, "invalid_request_error", "bad field"), textStream("never"))
	_, err = provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	if pe := perr(t, err); pe.Status != 400 || pe.Retryable {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("400 retried: %d requests", n)
	}
}

func TestStreamFaults(t *testing.T) {
	partial := func(w http.ResponseWriter) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		event(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		event(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"(+ 1"}}`)
	}
	cases := map[string]http.HandlerFunc{
		"connection dropped": func(w http.ResponseWriter, r *http.Request) {
			partial(w)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
		},
		"ended before message_stop": func(w http.ResponseWriter, r *http.Request) {
			partial(w)
		},
		"malformed event": func(w http.ResponseWriter, r *http.Request) {
			partial(w)
			event(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":`)
		},
		"overloaded error event": func(w http.ResponseWriter, r *http.Request) {
			partial(w)
			event(w, "error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`)
		},
	}
	for name, h := range cases {
		f := newFake(t, h)
		resp, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
		pe := perr(t, err)
		if !pe.Retryable {
			t.Errorf("%s: not retryable: %v", name, err)
		}
		if name == "overloaded error event" && pe.Status != 529 {
			t.Errorf("%s: status %d", name, pe.Status)
		}
		if resp == nil || resp.Usage.UncachedInput != 120 {
			t.Errorf("%s: usage of the partial stream lost: %+v", name, resp)
		}
	}
}

func TestMalformedErrorBody(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(502)
		io.WriteString(w, "<html>bad gateway")
	})
	_, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	pe := perr(t, err)
	if pe.Status != 502 || !pe.Retryable || !strings.Contains(pe.Body, "bad gateway") {
		t.Fatalf("%+v", pe)
	}
}

func TestSSEIdleStall(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	arrived := make(chan struct{}, 1)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := f.client(func(c *Config) { c.SSEIdle = 100 * time.Millisecond })
	// The server never sends more; a minute is only a hang guard (without
	// stall detection the guard ends the call and the message differs).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.Complete(ctx, &provider.Request{Transport: provider.Message, Prefix: "("})
	pe := perr(t, err)
	if !pe.Retryable || !strings.Contains(pe.Msg, "stalled") {
		t.Fatalf("err = %v", err)
	}
}

func TestSSETotalNotRetryable(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		for {
			select {
			case <-release:
				return
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				event(w, "ping", `{"type":"ping"}`)
			}
		}
	})
	c := f.client(func(c *Config) { c.SSEIdle = time.Minute; c.SSETotal = 150 * time.Millisecond })
	_, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	if pe := perr(t, err); pe.Retryable || !strings.Contains(pe.Msg, "completion timeout") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyCompletionRetries(t *testing.T) {
	f := newFake(t, textStream("  \n"))
	clock := &fakeClock{now: time.Now()}
	p := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock)
	resp, err := p.Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "(do", MaxTokens: 2048})
	if err == nil || !strings.Contains(err.Error(), "empty completion after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	reqs := f.requests()
	if len(reqs) != 3 || resp.Attempts != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	note := "\n;; system: retrying - the previous response was truncated or empty (max output tokens 2048)"
	if got := jsonPath(t, reqs[0].Body, "messages", 0, "content", 0, "text"); got != "(do" {
		t.Errorf("first user message = %q", got)
	}
	for i := 1; i < 3; i++ {
		if got := jsonPath(t, reqs[i].Body, "messages", 0, "content", 0, "text"); got != "(do"+note {
			t.Errorf("retry %d user message = %q", i, got)
		}
	}
	if resp.Usage.UncachedInput != 360 {
		t.Errorf("usage over attempts = %+v", resp.Usage)
	}

	// Prefill: the note goes to the user message, not the assistant prefix.
	f = newFake(t, textStream(""), textStream("1)"))
	resp, err = provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Transport: provider.Prefill, Prefix: "(do", MaxTokens: 100})
	if err != nil || resp.Suffix != "1)" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	b := f.requests()[1].Body
	if got := jsonPath(t, b, "messages", 0, "content", 0, "text"); !strings.HasSuffix(fmt.Sprint(got), "(max output tokens 100)") {
		t.Errorf("pf retry user message = %q", got)
	}
	if got := jsonPath(t, b, "messages", 1, "content", 0, "text"); got != "(do" {
		t.Errorf("pf retry assistant = %q", got)
	}
}

func TestContextCancellation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	arrived := make(chan struct{}, 1)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		event(w, "message_start", messageStart)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// A minute is only a hang guard: if the cancel did not end the call,
	// the guard does, and the error is DeadlineExceeded, not Canceled.
	guard, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	ctx, cancel := context.WithCancel(guard)
	// Cancel once the request is streaming (not after a fixed delay: under
	// load the request may not have reached the server yet).
	go func() {
		select {
		case <-arrived:
			cancel()
		case <-guard.Done():
		}
	}()
	p := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), provider.SystemClock{})
	_, err := p.Complete(ctx, &provider.Request{Transport: provider.Message, Prefix: "("})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if pe := perr(t, err); pe.Retryable {
		t.Fatal("cancellation retryable")
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d requests after cancellation", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := New(Config{APIKey: "k", BaseURL: url, Model: "m"})
	_, err := c.Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("})
	if pe := perr(t, err); !pe.Retryable || pe.Status != 0 {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvironmentIgnored(t *testing.T) {
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1") // would fail if used
	t.Setenv("ANTHROPIC_API_KEY", "env-key")
	t.Setenv("ANTHROPIC_CUSTOM_HEADERS", "X-Env: 1")
	f := newFake(t, textStream("x)"))
	if _, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.Message, Prefix: "("}); err != nil {
		t.Fatal(err)
	}
	h := f.requests()[0].Header
	if h.Get("X-Api-Key") != "sk-test" || h.Get("X-Env") != "" {
		t.Fatalf("environment leaked into the request: %v", h)
	}
}

func TestCommonPrefixLen(t *testing.T) {
	if n := commonPrefixLen("abcé", "abcè"); n != 3 {
		t.Errorf("rune boundary: %d", n)
	}
	if n := commonPrefixLen("abc", "abcdef"); n != 3 {
		t.Errorf("%d", n)
	}
	if n := commonPrefixLen("", "x"); n != 0 {
		t.Errorf("%d", n)
	}
}
