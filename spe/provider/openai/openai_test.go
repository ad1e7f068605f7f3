package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spell-go/spell/spe/provider"
)

// ---- fake OpenAI server speaking the real JSON wire formats ----

type captured struct {
	Header http.Header
	Path   string
	Body   map[string]any
}

type fake struct {
	mu       sync.Mutex
	reqs     []captured
	handlers []http.HandlerFunc // one per request; the last repeats
	srv      *httptest.Server
}

func newFake(t *testing.T, handlers ...http.HandlerFunc) *fake {
	f := &fake{handlers: handlers}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v: %s", err, raw)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, captured{Header: r.Header.Clone(), Path: r.URL.Path, Body: body})
		h := f.handlers[min(len(f.reqs)-1, len(f.handlers)-1)]
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
	cfg := Config{Kind: KindOpenAI, APIKey: "sk-test", BaseURL: f.srv.URL + "/v1", Model: "gpt-6-astra",
		Headers: map[string]string{"X-Extra": "yes"}}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg)
}

func compat(c *Config) { c.Kind = KindCompat; c.Name = "ollama"; c.APIKey = ""; c.Model = "llama3.2" }

func reply(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-request-id", "req_xyz")
		io.WriteString(w, body)
	}
}

const chatUsage = `"usage":{"prompt_tokens":1000,"completion_tokens":300,"total_tokens":1300,` +
	`"prompt_tokens_details":{"cached_tokens":600,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":200}}`

func chatText(content string) http.HandlerFunc {
	c, _ := json.Marshal(content)
	return reply(`{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-6-astra-2026",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":` + string(c) + `,"refusal":null},"logprobs":null,"finish_reason":"stop"}],` +
		chatUsage + `}`)
}

func chatTool(name, args string) http.HandlerFunc {
	a, _ := json.Marshal(args)
	return reply(`{"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"llama3.2",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",` +
		`"function":{"name":"` + name + `","arguments":` + string(a) + `}}]},"logprobs":null,"finish_reason":"tool_calls"}],` +
		chatUsage + `}`)
}

const respUsage = `"usage":{"input_tokens":2000,"input_tokens_details":{"cached_tokens":1500},"output_tokens":400,` +
	`"output_tokens_details":{"reasoning_tokens":250},"total_tokens":2400}`

func responsesReply(status, incomplete string, output ...string) http.HandlerFunc {
	inc := "null"
	if incomplete != "" {
		inc = `{"reason":"` + incomplete + `"}`
	}
	return reply(`{"id":"resp_1","object":"response","created_at":1700000000,"status":"` + status + `",` +
		`"error":null,"incomplete_details":` + inc + `,"instructions":null,"max_output_tokens":16384,"model":"gpt-6-astra-2026",` +
		`"output":[` + strings.Join(output, ",") + `],"parallel_tool_calls":true,"temperature":1.0,"tool_choice":"required",` +
		`"tools":[],"top_p":1.0,` + respUsage + `}`)
}

const reasoningItem = `{"type":"reasoning","id":"rs_1","summary":[]}`

func customCall(name, input string) string {
	in, _ := json.Marshal(input)
	return `{"type":"custom_tool_call","id":"ctc_1","call_id":"call_1","name":"` + name + `","input":` + string(in) + `,"status":"completed"}`
}

func messageItem(text string) string {
	t, _ := json.Marshal(text)
	return `{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":` + string(t) + `,"annotations":[]}]}`
}

func jsonError(status int, msg string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"error","param":null,"code":null}}`, msg)
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

func TestChatMessage(t *testing.T) {
	f := newFake(t, chatText("```clojure\n(do (def x 1)\n(+ x 1))\n```"))
	c := f.client(func(c *Config) { c.Transport = provider.Message; c.PromptCacheKey = "run42" })
	req := &provider.Request{Handle: "main", CallNumber: 1, System: "You write Spell.", Prefix: "(do (def x 1)\n",
		ReasoningEffort: "medium", Verbosity: "low", MaxTokens: 4096}
	resp, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ x 1))" {
		t.Errorf("suffix = %q", resp.Suffix)
	}
	want := provider.Usage{UncachedInput: 400, CachedInput: 600, VisibleOutput: 100, ReasoningOutput: 200}
	if resp.Usage != want {
		t.Errorf("usage = %+v, want %+v", resp.Usage, want)
	}
	if resp.EffectiveModel != "gpt-6-astra-2026" || resp.RequestID != "req_xyz" || resp.StopReason != "stop" {
		t.Errorf("resp = %+v", resp)
	}
	req.CallNumber = 2
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	r := reqs[0]
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-test" || r.Header.Get("X-Extra") != "yes" {
		t.Errorf("path %s headers %v", r.Path, r.Header)
	}
	b := r.Body
	if b["model"] != "gpt-6-astra" || b["max_completion_tokens"] != 4096.0 || b["reasoning_effort"] != "medium" || b["verbosity"] != "low" {
		t.Errorf("body = %v", b)
	}
	wantMsgs := `[{"content":"You write Spell.","role":"system"},{"content":"(do (def x 1)\n","role":"user"}]`
	if got := asJSON(t, b["messages"]); got != wantMsgs {
		t.Errorf("messages = %s", got)
	}
	for _, k := range []string{"tools", "tool_choice", "prompt_cache_key", "stream"} {
		if _, ok := b[k]; ok {
			t.Errorf("unexpected %s", k)
		}
	}
	if got := reqs[1].Body["prompt_cache_key"]; got != "run42-main" {
		t.Errorf("second call prompt_cache_key = %v", got)
	}
}

const functionTool = `[{"function":{"description":"Return the Spell suffix (the rest of the program) in input.suffix.",` +
	`"name":"spell_suffix","parameters":{"additionalProperties":false,"properties":{"suffix":{"type":"string"}},"required":["suffix"],"type":"object"}},` +
	`"type":"function"}]`

func TestCompatToolCall(t *testing.T) {
	f := newFake(t, chatTool("spell_suffix", `{"suffix":"(+ 1 2))"}`))
	c := f.client(compat, func(c *Config) { c.Transport = provider.ToolCall })
	resp, err := c.Complete(context.Background(), &provider.Request{Prefix: "(do ", System: "sys"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ 1 2))" || resp.StopReason != "tool_calls" || c.Name() != "ollama" {
		t.Errorf("resp = %+v", resp)
	}
	r := f.requests()[0]
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "" {
		t.Errorf("path %s auth %q", r.Path, r.Header.Get("Authorization"))
	}
	if got := asJSON(t, r.Body["tools"]); got != functionTool {
		t.Errorf("tools = %s\nwant %s", got, functionTool)
	}
	if got := asJSON(t, r.Body["tool_choice"]); got != `{"function":{"name":"spell_suffix"},"type":"function"}` {
		t.Errorf("tool_choice = %s", got)
	}
	if r.Body["model"] != "llama3.2" || r.Body["max_tokens"] != 16384.0 || r.Body["max_completion_tokens"] != nil {
		t.Errorf("body = %v", r.Body)
	}
	if _, ok := r.Body["reasoning_effort"]; ok {
		t.Error("reasoning_effort sent though unset")
	}
}

func TestResponsesToolCall(t *testing.T) {
	f := newFake(t, responsesReply("completed", "", reasoningItem, customCall("spell_suffix", "(+ x 1))")))
	c := f.client(func(c *Config) { c.Effort = "medium"; c.PromptCacheKey = "run7" })
	resp, err := c.Complete(context.Background(), &provider.Request{Handle: "spawn-1", CallNumber: 3,
		System: "You write Spell.", Prefix: "(do (def x 1)\n", Verbosity: "low", MaxTokens: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(+ x 1))" || resp.EffectiveModel != "gpt-6-astra-2026" || resp.StopReason != "completed" {
		t.Errorf("resp = %+v", resp)
	}
	want := provider.Usage{UncachedInput: 500, CachedInput: 1500, VisibleOutput: 150, ReasoningOutput: 250}
	if resp.Usage != want {
		t.Errorf("usage = %+v, want %+v", resp.Usage, want)
	}
	r := f.requests()[0]
	if r.Path != "/v1/responses" {
		t.Errorf("path %s", r.Path)
	}
	b := r.Body
	if b["instructions"] != "You write Spell.\n\n"+ToolParagraph {
		t.Errorf("instructions = %q", b["instructions"])
	}
	if b["input"] != "(do (def x 1)\n" || b["model"] != "gpt-6-astra" || b["max_output_tokens"] != 20000.0 ||
		b["tool_choice"] != "required" || b["prompt_cache_key"] != "run7-spawn-1" {
		t.Errorf("body = %v", b)
	}
	wantTools := `[{"description":"Return the Spell suffix (the rest of the program) in input.suffix.","name":"spell_suffix","type":"custom"}]`
	if got := asJSON(t, b["tools"]); got != wantTools {
		t.Errorf("tools = %s", got)
	}
	if got := asJSON(t, b["reasoning"]); got != `{"effort":"medium"}` {
		t.Errorf("reasoning = %s", got)
	}
	if got := asJSON(t, b["text"]); got != `{"verbosity":"low"}` {
		t.Errorf("text = %s", got)
	}
}

func TestResponsesMessageOutputText(t *testing.T) {
	f := newFake(t, responsesReply("completed", "", messageItem("(do (x)\n(y))")))
	c := f.client(func(c *Config) { c.Transport = provider.Message; c.UseResponsesAPI = true })
	resp, err := c.Complete(context.Background(), &provider.Request{Prefix: "(do (x)\n"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "(y))" {
		t.Errorf("suffix = %q", resp.Suffix)
	}
	b := f.requests()[0].Body
	if _, ok := b["tools"]; ok || b["instructions"] != nil {
		t.Errorf("body = %v", b)
	}
}

// ---- faults ----

func TestMissingToolCall(t *testing.T) {
	cases := map[string]struct {
		h   http.HandlerFunc
		mod func(*Config)
	}{
		"responses incomplete": {responsesReply("incomplete", "max_output_tokens", reasoningItem), nil},
		"responses no call":    {responsesReply("completed", "", messageItem("(+ 1 2))")), nil},
		"responses other tool": {responsesReply("completed", "", customCall("other", "x")), nil},
		"compat text only":     {chatText("(+ 1 2))"), func(c *Config) { compat(c); c.Transport = provider.ToolCall }},
		"compat bad arguments": {chatTool("spell_suffix", `{"suffix": "unterminated`), func(c *Config) { compat(c); c.Transport = provider.ToolCall }},
	}
	for name, tc := range cases {
		f := newFake(t, tc.h)
		var mods []func(*Config)
		if tc.mod != nil {
			mods = append(mods, tc.mod)
		}
		resp, err := f.client(mods...).Complete(context.Background(), &provider.Request{Prefix: "("})
		pe := perr(t, err)
		if !pe.Retryable || !strings.Contains(pe.Msg, "missing tool call") {
			t.Errorf("%s: err %v", name, err)
		}
		if resp == nil || resp.Usage.Total() == 0 {
			t.Errorf("%s: usage not recorded: %+v", name, resp)
		}
	}
}

func TestRetryAfter429ThenSuccess(t *testing.T) {
	f := newFake(t, jsonError(429, "Rate limit reached", "Retry-After", "4"), responsesReply("completed", "", customCall("spell_suffix", "1)")))
	clock := &fakeClock{now: time.Now()}
	resp, err := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Prefix: "("})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != "1)" || resp.Attempts != 2 || len(f.requests()) != 2 {
		t.Fatalf("resp %+v requests %d", resp, len(f.requests()))
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] < 4*time.Second {
		t.Fatalf("sleeps = %v (Retry-After 4 s)", clock.sleeps)
	}
}

func TestHTTPErrors(t *testing.T) {
	for _, c := range []struct {
		status    int
		retryable bool
	}{{400, false}, {401, false}, {404, false}, {422, false}, {408, true}, {409, true}, {429, true}, {500, true}, {502, true}, {503, true}} {
		f := newFake(t, jsonError(c.status, "details here", "retry-after-ms", "20"))
		_, err := f.client().Complete(context.Background(), &provider.Request{Prefix: "("})
		pe := perr(t, err)
		if pe.Status != c.status || pe.Retryable != c.retryable || !strings.Contains(pe.Body, "details here") || pe.RetryAfter != 20*time.Millisecond {
			t.Errorf("%d: %+v", c.status, pe)
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%d: SDK retried (%d requests)", c.status, n)
		}
	}
}

func Test500ThenSuccessAnd400NotRetried(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	f := newFake(t, jsonError(500, "oops"), chatText("fine)"))
	resp, err := provider.Retrying(f.client(func(c *Config) { c.Transport = provider.Message }), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Prefix: "("})
	if err != nil || resp.Suffix != "fine)" || resp.Attempts != 2 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	f = newFake(t, jsonError(400, "bad"), chatText("never"))
	_, err = provider.Retrying(f.client(func(c *Config) { c.Transport = provider.Message }), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Prefix: "("})
	if pe := perr(t, err); pe.Status != 400 || pe.Retryable || len(f.requests()) != 1 {
		t.Fatalf("err %v requests %d", err, len(f.requests()))
	}
}

func TestMalformedAndDroppedBodies(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"malformed JSON": reply(`{"id":"chatcmpl-1","choices":[{"index":0,"message":`),
		"connection dropped": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "5000")
			w.WriteHeader(200)
			io.WriteString(w, `{"id":"chatcmpl-1","choices":[`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"non-JSON error body": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			io.WriteString(w, "<html>upstream unavailable")
		},
	}
	for name, h := range cases {
		f := newFake(t, h)
		_, err := f.client(func(c *Config) { c.Transport = provider.Message }).Complete(context.Background(), &provider.Request{Prefix: "("})
		if pe := perr(t, err); !pe.Retryable {
			t.Errorf("%s: not retryable: %v", name, err)
		}
	}
}

func TestEmptyCompletionRetries(t *testing.T) {
	f := newFake(t, chatText(" \n "))
	clock := &fakeClock{now: time.Now()}
	c := f.client(func(c *Config) { c.Transport = provider.Message })
	resp, err := provider.Retrying(c, provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Prefix: "(do", MaxTokens: 512})
	if err == nil || !strings.Contains(err.Error(), "empty completion after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	reqs := f.requests()
	if len(reqs) != 3 || resp.Attempts != 3 || resp.Usage.CachedInput != 1800 {
		t.Fatalf("%d requests, resp %+v", len(reqs), resp)
	}
	note := "\n;; system: retrying - the previous response was truncated or empty (max output tokens 512)"
	user := func(i int) any { return reqs[i].Body["messages"].([]any)[0].(map[string]any)["content"] }
	if user(0) != "(do" || user(1) != "(do"+note || user(2) != "(do"+note {
		t.Fatalf("user messages %q %q %q", user(0), user(1), user(2))
	}

	// Responses tool call with an empty input: same policy, note in input.
	f = newFake(t, responsesReply("completed", "", customCall("spell_suffix", "")), responsesReply("completed", "", customCall("spell_suffix", "2)")))
	resp, err = provider.Retrying(f.client(), provider.DefaultRetryPolicy(), clock).
		Complete(context.Background(), &provider.Request{Prefix: "(do", MaxTokens: 64})
	if err != nil || resp.Suffix != "2)" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	if got := f.requests()[1].Body["input"]; !strings.HasSuffix(fmt.Sprint(got), "(max output tokens 64)") {
		t.Fatalf("input = %q", got)
	}
}

func TestContextCancellation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
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
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := provider.Retrying(f.client(), provider.DefaultRetryPolicy(), provider.SystemClock{}).
		Complete(ctx, &provider.Request{Prefix: "("})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

func TestTotalTimeoutNotRetryable(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := f.client(func(c *Config) { c.SSETotal = 100 * time.Millisecond }).Complete(context.Background(), &provider.Request{Prefix: "("})
	if pe := perr(t, err); pe.Retryable || !strings.Contains(pe.Msg, "timeout") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := New(Config{BaseURL: url, Model: "m", Kind: KindCompat}).Complete(context.Background(), &provider.Request{Prefix: "("})
	if pe := perr(t, err); !pe.Retryable || pe.Status != 0 {
		t.Fatalf("err = %v", err)
	}
}

func TestPrefillUnsupportedForOpenAI(t *testing.T) {
	f := newFake(t, chatText("x"))
	_, err := f.client().Complete(context.Background(), &provider.Request{Transport: provider.Prefill, Prefix: "("})
	if pe := perr(t, err); pe.Retryable || len(f.requests()) != 0 {
		t.Fatalf("err = %v", err)
	}
}

func completionReply(text string) http.HandlerFunc {
	b, _ := json.Marshal(text)
	return reply(`{"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"qwen3",` +
		`"choices":[{"index":0,"text":` + string(b) + `,"logprobs":null,"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":90,"completion_tokens":30,"total_tokens":120}}`)
}

func TestCompatPrefill(t *testing.T) {
	f := newFake(t, completionReply("<think>\nadd \"one\"\n</think>\n\n(+ x 1))"),
		completionReply("```\n(+ x 2))\n```"))
	c := f.client(compat, func(c *Config) { c.Transport = provider.Prefill; c.ConvertThink = true })
	resp, err := c.Complete(context.Background(), &provider.Request{System: "SYS", Prefix: "(do (def x 1)\n", MaxTokens: 300})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != `(think "add \"one\"") (+ x 1))` {
		t.Errorf("suffix = %q", resp.Suffix)
	}
	if resp.Usage != (provider.Usage{UncachedInput: 90, VisibleOutput: 30}) || resp.StopReason != "stop" {
		t.Errorf("resp = %+v", resp)
	}
	glm := &Template{BOS: "[gMASK]<sop>", SystemStart: "<|system|>\n", UserStart: "<|user|>\n", AssistantStart: "<|assistant|>\n",
		Stop: []string{"<|user|>", "<|observation|>"}}
	c = f.client(compat, func(c *Config) { c.Transport = provider.Prefill; c.Template = glm })
	resp, err = c.Complete(context.Background(), &provider.Request{Prefix: "(do ", RetryNote: " NOTE"})
	if err != nil || resp.Suffix != "(+ x 2))" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	reqs := f.requests()
	b := reqs[0].Body
	wantPrompt := "<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nContinue this Spell program.<|im_end|>\n<|im_start|>assistant\n(do (def x 1)\n"
	if reqs[0].Path != "/v1/completions" || b["prompt"] != wantPrompt || b["max_tokens"] != 300.0 || fmt.Sprint(b["stop"]) != "[<|im_end|>]" {
		t.Errorf("request = %s %v", reqs[0].Path, b)
	}
	b = reqs[1].Body
	if b["prompt"] != "[gMASK]<sop><|user|>\nContinue this Spell program. NOTE<|assistant|>\n(do " || fmt.Sprint(b["stop"]) != "[<|user|> <|observation|>]" {
		t.Errorf("glm request = %v", b)
	}
}

func TestEnvironmentIgnored(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1")
	t.Setenv("OPENAI_API_KEY", "env-key")
	t.Setenv("OPENAI_ORG_ID", "org-env")
	t.Setenv("OPENAI_PROJECT_ID", "proj-env")
	t.Setenv("OPENAI_CUSTOM_HEADERS", "X-Env: 1")
	f := newFake(t, chatText("x)"))
	if _, err := f.client(func(c *Config) { c.Transport = provider.Message }).Complete(context.Background(), &provider.Request{Prefix: "("}); err != nil {
		t.Fatal(err)
	}
	h := f.requests()[0].Header
	if h.Get("Authorization") != "Bearer sk-test" || h.Get("OpenAI-Organization") != "" || h.Get("OpenAI-Project") != "" || h.Get("X-Env") != "" {
		t.Fatalf("environment leaked into the request: %v", h)
	}
}

func TestFireworksModelID(t *testing.T) {
	if got := FireworksModelID("glm-5p2"); got != "accounts/fireworks/models/glm-5p2" {
		t.Error(got)
	}
	if got := FireworksModelID("accounts/me/models/x"); got != "accounts/me/models/x" {
		t.Error(got)
	}
}

func TestTemplateFor(t *testing.T) {
	for _, tt := range []struct {
		ct    *provider.ChatTemplate
		model string
		want  Template
	}{
		{nil, "qwen3p7-plus", ChatML},
		{nil, "glm-5p2", GLM},
		{nil, "accounts/fireworks/models/GLM-5p1", GLM},
		{nil, "deepseek-v3p2", DeepSeek},
		{&provider.ChatTemplate{Name: "chatml"}, "glm-5p2", ChatML},
		{&provider.ChatTemplate{Name: "deepseek"}, "llama3", DeepSeek},
		{&provider.ChatTemplate{UserStart: "U:", AssistantStart: "A:", Stop: []string{"U:"}}, "glm-5p2",
			Template{UserStart: "U:", AssistantStart: "A:", Stop: []string{"U:"}}},
	} {
		if got := TemplateFor(tt.ct, tt.model); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("TemplateFor(%+v, %q) = %+v, want %+v", tt.ct, tt.model, got, tt.want)
		}
	}
}

// Fireworks prefill: the DeepSeek template's prompt and stops, and the bare
// id expanded in the request (an id with a path is kept).
func TestFireworksPrefillRequest(t *testing.T) {
	f := newFake(t, completionReply("(+ 1 2))"))
	tmpl := TemplateFor(nil, "deepseek-v3p2")
	c := f.client(compat, func(c *Config) {
		c.Name, c.Transport, c.Template, c.FireworksIDs, c.Model = "fireworks", provider.Prefill, &tmpl, true, "deepseek-v3p2"
	})
	if _, err := c.Complete(context.Background(), &provider.Request{System: "SYS", Prefix: "(do "}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Complete(context.Background(), &provider.Request{Prefix: "(do ", Model: "accounts/me/models/x"}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	b := reqs[0].Body
	want := "<｜begin▁of▁sentence｜>SYS<｜User｜>Continue this Spell program.<｜Assistant｜>(do "
	if b["prompt"] != want || fmt.Sprint(b["stop"]) != "[<｜end▁of▁sentence｜> <｜User｜>]" || b["model"] != "accounts/fireworks/models/deepseek-v3p2" {
		t.Errorf("request = %v", b)
	}
	if m := reqs[1].Body["model"]; m != "accounts/me/models/x" {
		t.Errorf("model with a path = %v", m)
	}
}
