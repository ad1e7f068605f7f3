//go:build !spell_nosdk

package spe_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/spe/transcript"
)

// Fake Anthropic and OpenAI servers for the scenario acceptance test
// (scenario_sdk_test.go). They speak the real wire formats — the Messages
// API as an SSE stream, the Responses and Chat Completions APIs as JSON —
// serve the completions of a scenario transcript in order, and check
// every request against the transcript's .prompt entries.

// ---- scenario transcripts ----

// scenarioCalls is one run's calls of the handle main, read from a
// scenario archive: completions[k] and prompts[k] belong to main/k+1;
// a prompt is "" when the archive has no .prompt entry for that call.
type scenarioCalls struct {
	completions []string
	prompts     []string
	hasPrompt   []bool
	files       map[string][]byte // other files of the archive (fixtures, profiles)
}

// loadScenario reads the archive at path (a scenario under testdata/script
// or an example transcript) and returns the calls of the run whose entries
// live under dir ("" for the archive root, "b" for the S01b/S07b variants).
func loadScenario(t *testing.T, path, dir string) *scenarioCalls {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(data)
	comp := map[int]string{}
	prom := map[int]string{}
	sc := &scenarioCalls{files: map[string][]byte{}}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	for _, f := range ar.Files {
		rel, ok := strings.CutPrefix(f.Name, prefix)
		if !ok {
			continue
		}
		handle, n, kind, quoted, ok := transcript.ParseEntryName(rel)
		if !ok {
			if dir == "" && !strings.Contains(rel, "/main/") {
				sc.files[rel] = f.Data
			}
			continue
		}
		if handle != "main" {
			t.Fatalf("%s: entry %s: only the handle main is supported here", path, f.Name)
		}
		text, err := transcript.Decode(f.Data, quoted)
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		switch kind {
		case transcript.KindCompletion:
			comp[n] = text
		case transcript.KindPrompt:
			prom[n] = text
		}
	}
	if len(comp) == 0 {
		t.Fatalf("%s: no completions under %q", path, dir)
	}
	for n := 1; n <= len(comp); n++ {
		c, ok := comp[n]
		if !ok {
			t.Fatalf("%s: completions are not numbered 1..%d (main/%d missing)", path, len(comp), n)
		}
		p, has := prom[n]
		sc.completions = append(sc.completions, c)
		sc.prompts = append(sc.prompts, p)
		sc.hasPrompt = append(sc.hasPrompt, has)
	}
	for n := range prom {
		if n > len(comp) {
			t.Fatalf("%s: main/%d.prompt has no completion", path, n)
		}
	}
	return sc
}

// ---- the fake server ----

// wire is one API dialect of the fake.
type wire struct {
	name     string // model spec prefix given to spe.Config.Model
	model    string // model id after the prefix
	keyEnv   string // API key variable
	path     string // request path served
	basePath string // appended to the server URL for spe.Config.BaseURL
	// prompt extracts the prompt from a request body and checks the
	// transport's shape; problems go to bad.
	prompt func(body map[string]any, bad func(string, ...any)) string
	// answer writes the response carrying suffix.
	answer func(w http.ResponseWriter, suffix string, n int)
	// compare: the prompt the request must carry for an expected .prompt.
	want func(expected string) string
}

const fakeKey = "sk-fake-0123456789"

// fakeAPI serves one scenario run.
type fakeAPI struct {
	t     *testing.T
	wire  wire
	calls *scenarioCalls
	srv   *httptest.Server

	mu       sync.Mutex
	n        int      // requests served
	got      []string // prompts received
	problems []string // request checks that failed
}

func newFakeAPI(t *testing.T, w wire, calls *scenarioCalls) *fakeAPI {
	f := &fakeAPI{t: t, wire: w, calls: calls}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	var probs []string
	bad := func(format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s call %d: ", f.wire.name, n)+fmt.Sprintf(format, args...))
	}
	defer func() {
		f.mu.Lock()
		f.problems = append(f.problems, probs...)
		f.mu.Unlock()
	}()
	if r.Method != http.MethodPost || r.URL.Path != f.wire.path {
		bad("request %s %s, want POST %s", r.Method, r.URL.Path, f.wire.path)
	}
	switch f.wire.keyEnv {
	case "ANTHROPIC_API_KEY":
		if got := r.Header.Get("X-Api-Key"); got != fakeKey {
			bad("x-api-key = %q", got)
		}
	case "OPENAI_API_KEY":
		if got := r.Header.Get("Authorization"); got != "Bearer "+fakeKey {
			bad("authorization = %q", got)
		}
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		bad("body is not JSON: %v", err)
		http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
		return
	}
	if body["model"] != f.wire.model {
		bad("model = %v, want %s", body["model"], f.wire.model)
	}
	prompt := f.wire.prompt(body, bad)
	f.mu.Lock()
	f.got = append(f.got, prompt)
	f.mu.Unlock()
	if n > len(f.calls.completions) {
		// Not retryable (400): the run fails at once with this message.
		bad("unexpected request: the transcript has %d completions", len(f.calls.completions))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"type":"error","error":{"type":"invalid_request_error","message":"fake: no completion for main/%d"}}`, n)
		return
	}
	if f.calls.hasPrompt[n-1] {
		if want := f.wire.want(f.calls.prompts[n-1]); prompt != want {
			bad("prompt differs from main/%d.prompt:\n got: %q\nwant: %q", n, prompt, want)
		}
	} else if !strings.HasPrefix(prompt, "(quine completion ") {
		bad("prompt does not start a program: %q", prompt)
	}
	f.wire.answer(w, f.calls.completions[n-1], n)
}

func (f *fakeAPI) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *fakeAPI) report() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

// ---- JSON helpers ----

func jget(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// textOf joins a message content: a string, or the text of every text
// block (the Anthropic client splits a long prefix into cache blocks).
func textOf(content any, bad func(string, ...any)) string {
	switch c := content.(type) {
	case string:
		return c
	case []any:
		var b strings.Builder
		for _, blk := range c {
			if jget(blk, "type") != "text" {
				bad("content block of type %v", jget(blk, "type"))
				continue
			}
			s, _ := jget(blk, "text").(string)
			b.WriteString(s)
		}
		return b.String()
	}
	bad("content is %T", content)
	return ""
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func rightTrim(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }

func identity(s string) string { return s }

// ---- Anthropic Messages (SSE) ----

func sse(w http.ResponseWriter, typ, data string) {
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", typ, data)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

func anthropicStart(w http.ResponseWriter, model string, n int) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("request-id", fmt.Sprintf("req_%d", n))
	w.WriteHeader(http.StatusOK)
	sse(w, "message_start", fmt.Sprintf(`{"type":"message_start","message":{"id":"msg_%d","type":"message","role":"assistant","model":%q,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}`, n, model))
	sse(w, "ping", `{"type": "ping"}`)
}

func anthropicEnd(w http.ResponseWriter, stop string) {
	sse(w, "message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":%q,"stop_sequence":null},"usage":{"output_tokens":20}}`, stop))
	sse(w, "message_stop", `{"type":"message_stop"}`)
}

// halves splits s in two pieces at a rune boundary (the stream sends
// several deltas).
func halves(s string) []string {
	r := []rune(s)
	return []string{string(r[:len(r)/2]), string(r[len(r)/2:])}
}

// anthropicText streams the suffix as one text block in two deltas.
func anthropicText(model string) func(http.ResponseWriter, string, int) {
	return func(w http.ResponseWriter, suffix string, n int) {
		anthropicStart(w, model, n)
		sse(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		for _, part := range halves(suffix) {
			sse(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`+mustJSON(part)+`}}`)
		}
		sse(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		anthropicEnd(w, "end_turn")
	}
}

// anthropicTool streams a tool_use block of spell_suffix whose input
// {"suffix": …} arrives as input_json_delta fragments.
func anthropicTool(model string) func(http.ResponseWriter, string, int) {
	return func(w http.ResponseWriter, suffix string, n int) {
		anthropicStart(w, model, n)
		sse(w, "content_block_start", fmt.Sprintf(`{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_%d","name":"spell_suffix","input":{}}}`, n))
		for _, part := range halves(mustJSON(map[string]string{"suffix": suffix})) {
			sse(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":`+mustJSON(part)+`}}`)
		}
		sse(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		anthropicEnd(w, "tool_use")
	}
}

// anthropicMessages checks the system prompt and returns the message list.
func anthropicMessages(body map[string]any, bad func(string, ...any)) []any {
	if body["stream"] != true {
		bad("stream = %v, want true", body["stream"])
	}
	if s := textOf(body["system"], bad); !strings.Contains(s, "Spell") {
		bad("system prompt missing or unexpected: %.80q", s)
	}
	msgs, _ := body["messages"].([]any)
	return msgs
}

var anthropicPF = wire{
	name: "anthropic-pf", model: "claude-test", keyEnv: "ANTHROPIC_API_KEY", path: "/v1/messages",
	prompt: func(body map[string]any, bad func(string, ...any)) string {
		msgs := anthropicMessages(body, bad)
		if len(msgs) != 2 || jget(msgs, 0, "role") != "user" || jget(msgs, 1, "role") != "assistant" {
			bad("prefill wants [user, assistant] messages, got %s", mustJSON(msgs))
			return ""
		}
		if u := textOf(jget(msgs, 0, "content"), bad); u != "Continue this Spell program." {
			bad("user message = %q", u)
		}
		if body["tools"] != nil {
			bad("prefill request offers tools")
		}
		return textOf(jget(msgs, 1, "content"), bad)
	},
	answer: anthropicText("claude-test"),
	// The API rejects trailing whitespace in the final assistant message.
	want: rightTrim,
}

var anthropicTC = wire{
	name: "anthropic-tc", model: "claude-test", keyEnv: "ANTHROPIC_API_KEY", path: "/v1/messages",
	prompt: func(body map[string]any, bad func(string, ...any)) string {
		msgs := anthropicMessages(body, bad)
		if len(msgs) != 1 || jget(msgs, 0, "role") != "user" {
			bad("tool-call wants one user message, got %s", mustJSON(msgs))
			return ""
		}
		tools, _ := body["tools"].([]any)
		if len(tools) != 1 || jget(tools, 0, "name") != "spell_suffix" ||
			jget(tools, 0, "input_schema", "properties", "suffix", "type") != "string" {
			bad("tools = %s", mustJSON(body["tools"]))
		}
		if jget(body, "tool_choice", "type") != "any" {
			bad("tool_choice = %s", mustJSON(body["tool_choice"]))
		}
		return textOf(jget(msgs, 0, "content"), bad)
	},
	answer: anthropicTool("claude-test"),
	want:   identity,
}

var anthropicMsg = wire{
	name: "anthropic-msg", model: "claude-test", keyEnv: "ANTHROPIC_API_KEY", path: "/v1/messages",
	prompt: func(body map[string]any, bad func(string, ...any)) string {
		msgs := anthropicMessages(body, bad)
		if len(msgs) != 1 || jget(msgs, 0, "role") != "user" {
			bad("message mode wants one user message, got %s", mustJSON(msgs))
			return ""
		}
		if body["tools"] != nil {
			bad("message request offers tools")
		}
		return textOf(jget(msgs, 0, "content"), bad)
	},
	// The model echoes the prefix inside a code fence; post-processing
	// strips both.
	answer: func(w http.ResponseWriter, suffix string, n int) {
		anthropicText("claude-test")(w, "```clojure\n"+suffix+"\n```", n)
	},
	want: identity,
}

// ---- OpenAI Responses and Chat Completions (JSON) ----

func openaiJSON(w http.ResponseWriter, n int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-request-id", fmt.Sprintf("req_%d", n))
	io.WriteString(w, body)
}

var openaiTC = wire{
	name: "openai-tc", model: "gpt-test", keyEnv: "OPENAI_API_KEY", path: "/v1/responses", basePath: "/v1",
	prompt: func(body map[string]any, bad func(string, ...any)) string {
		tools, _ := body["tools"].([]any)
		if len(tools) != 1 || jget(tools, 0, "type") != "custom" || jget(tools, 0, "name") != "spell_suffix" {
			bad("tools = %s", mustJSON(body["tools"]))
		}
		if body["tool_choice"] != "required" {
			bad("tool_choice = %s", mustJSON(body["tool_choice"]))
		}
		if ins, _ := body["instructions"].(string); !strings.HasSuffix(ins, "call to the custom tool spell_suffix. No assistant text, no markdown, no JSON wrapper.") {
			bad("instructions lack the tool paragraph: %.80q", ins)
		}
		in, ok := body["input"].(string)
		if !ok {
			bad("input = %s", mustJSON(body["input"]))
		}
		return in
	},
	answer: func(w http.ResponseWriter, suffix string, n int) {
		openaiJSON(w, n, `{"id":"resp_`+fmt.Sprint(n)+`","object":"response","created_at":1700000000,"status":"completed",`+
			`"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":16384,"model":"gpt-test",`+
			`"output":[{"type":"reasoning","id":"rs_1","summary":[]},`+
			`{"type":"custom_tool_call","id":"ctc_1","call_id":"call_1","name":"spell_suffix","input":`+mustJSON(suffix)+`,"status":"completed"}],`+
			`"parallel_tool_calls":true,"temperature":1.0,"tool_choice":"required","tools":[],"top_p":1.0,`+
			`"usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":0},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":120}}`)
	},
	want: identity,
}

var openaiMsg = wire{
	name: "openai", model: "gpt-test", keyEnv: "OPENAI_API_KEY", path: "/v1/chat/completions", basePath: "/v1",
	prompt: func(body map[string]any, bad func(string, ...any)) string {
		msgs, _ := body["messages"].([]any)
		if len(msgs) != 2 || jget(msgs, 0, "role") != "system" || jget(msgs, 1, "role") != "user" {
			bad("chat wants [system, user] messages, got %s", mustJSON(msgs))
			return ""
		}
		if s := textOf(jget(msgs, 0, "content"), bad); !strings.Contains(s, "Spell") {
			bad("system prompt missing or unexpected: %.80q", s)
		}
		if body["tools"] != nil {
			bad("message request offers tools")
		}
		return textOf(jget(msgs, 1, "content"), bad)
	},
	answer: func(w http.ResponseWriter, suffix string, n int) {
		openaiJSON(w, n, `{"id":"chatcmpl-`+fmt.Sprint(n)+`","object":"chat.completion","created":1700000000,"model":"gpt-test",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":`+mustJSON(suffix)+`,"refusal":null},"logprobs":null,"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}}`)
	},
	want: identity,
}
