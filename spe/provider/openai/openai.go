// Package openai is the OpenAI provider of the SPE runtime (runtime.md §8.5)
// and also serves OpenAI-compatible servers (compat, ollama, vllm, llamacpp,
// fireworks). It is built on github.com/openai/openai-go/v3, makes exactly
// one attempt per Complete (SDK retries are disabled; the §8.7 policy lives
// in provider.Retrying) and returns *provider.Error.
//
// API choice per kind and transport:
//
//	openai msg          Chat Completions (Responses with Config.UseResponsesAPI)
//	openai tc           Responses API + forced custom tool spell_suffix
//	compat msg          Chat Completions
//	compat tc           Chat Completions + forced function tool spell_suffix
//	compat pf           legacy /completions with a chat-template prompt
//	openai pf           not supported (OpenAI models have no prefill)
//
// Requests are not streamed: the response body is read whole.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/netclass"
)

// Kinds of server.
const (
	KindOpenAI = "openai"
	KindCompat = "compat"
)

// DefaultBaseURL is the OpenAI endpoint used when Config.BaseURL is empty.
const DefaultBaseURL = "https://api.openai.com/v1"

// Defaults of §8.5 and §8.8.
const (
	DefaultMaxTokens      = 16384
	DefaultRequestTimeout = 600 * time.Second
	DefaultTotalTimeout   = 1000 * time.Second
	ConnectTimeout        = 30 * time.Second
)

// Prompt texts of §8.2.
const (
	ToolName        = "spell_suffix"
	ToolDescription = "Return the Spell suffix (the rest of the program) in input.suffix."
	// ToolParagraph is appended to the instructions in the Responses tool-call
	// transport.
	ToolParagraph = "Return the full Spell suffix as the input of exactly one call to the custom tool spell_suffix. No assistant text, no markdown, no JSON wrapper."
)

// Config configures a Client. Request fields (Model, MaxTokens,
// ReasoningEffort, Verbosity, Transport) override the Config defaults when
// set.
type Config struct {
	Kind      string // KindOpenAI (default) or KindCompat
	Name      string // provider name reported by Name (default Kind)
	APIKey    string // may be empty for local servers
	BaseURL   string // default DefaultBaseURL
	Headers   map[string]string
	Model     string
	Transport provider.Transport // default tc for openai, msg for compat
	MaxTokens int                // default 16384
	Effort    string             // reasoning effort
	Verbosity string
	// PromptCacheKey, when set, is the per-run cache key base: calls from a
	// handle's second on send prompt_cache_key = PromptCacheKey + "-" + handle
	// (§8.6).
	PromptCacheKey string
	// UseResponsesAPI sends msg calls of an openai Kind through the Responses
	// API (--responses-api).
	UseResponsesAPI bool
	// Template renders the compat prefill prompt (default ChatML).
	Template *Template
	// FireworksIDs expands bare model ids to accounts/fireworks/models/<id>
	// in requests (FireworksModelID).
	FireworksIDs bool
	// ConvertThink turns a leading <think>…</think> block of a prefill
	// completion into a (think "…") form (§8.4 step 4).
	ConvertThink bool
	// RequestTimeout bounds the time to response headers (600 s); SSETotal
	// bounds the whole request (1,000 s). SSEIdle is unused: requests are
	// not streamed.
	RequestTimeout, SSEIdle, SSETotal time.Duration
	HTTPClient                        *http.Client
}

// Client is the OpenAI / OpenAI-compatible provider.
type Client struct {
	cfg  Config
	comp sdk.CompletionService
	chat sdk.ChatCompletionService
	resp responses.ResponseService
	now  func() time.Time
}

var _ provider.Provider = (*Client)(nil)

// New returns a Client. Key and base URL are passed to the SDK explicitly;
// the SDK's environment defaults (OPENAI_BASE_URL, OPENAI_ORG_ID, …) are
// not consulted because the services are built without NewClient (§8.1).
func New(cfg Config) *Client {
	if cfg.Kind == "" {
		cfg.Kind = KindOpenAI
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Kind
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Transport == "" {
		cfg.Transport = provider.Message
		if cfg.Kind == KindOpenAI {
			cfg.Transport = provider.ToolCall
		}
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.SSETotal <= 0 {
		cfg.SSETotal = DefaultTotalTimeout
	}
	hc := cfg.HTTPClient
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
		t.ResponseHeaderTimeout = cfg.RequestTimeout
		hc = &http.Client{Transport: t}
	}
	opts := []option.RequestOption{
		option.WithHTTPClient(hc),
		option.WithEnvironmentProduction(),
		option.WithBaseURL(cfg.BaseURL),
		option.WithMaxRetries(0),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	}
	for k, v := range cfg.Headers {
		opts = append(opts, option.WithHeader(k, v))
	}
	return &Client{
		cfg:  cfg,
		comp: sdk.NewCompletionService(opts...),
		chat: sdk.NewChatCompletionService(opts...),
		resp: responses.NewResponseService(opts...),
		now:  time.Now,
	}
}

// Name is Config.Name (default the kind).
func (c *Client) Name() string { return c.cfg.Name }

type settings struct {
	model, effort, verbosity, cacheKey string
	transport                          provider.Transport
	maxTokens                          int
	responses                          bool
}

func (c *Client) settings(req *provider.Request) settings {
	s := settings{model: req.Model, effort: req.ReasoningEffort, verbosity: req.Verbosity,
		transport: req.Transport, maxTokens: req.MaxTokens}
	if s.model == "" {
		s.model = c.cfg.Model
	}
	if c.cfg.FireworksIDs {
		s.model = FireworksModelID(s.model)
	}
	if s.effort == "" {
		s.effort = c.cfg.Effort
	}
	if s.verbosity == "" {
		s.verbosity = c.cfg.Verbosity
	}
	if s.transport == "" {
		s.transport = c.cfg.Transport
	}
	if s.maxTokens <= 0 {
		s.maxTokens = c.cfg.MaxTokens
	}
	if s.maxTokens <= 0 {
		s.maxTokens = DefaultMaxTokens
	}
	if c.cfg.PromptCacheKey != "" && req.CallNumber != 1 {
		s.cacheKey = c.cfg.PromptCacheKey
		if req.Handle != "" {
			s.cacheKey += "-" + req.Handle
		}
	}
	s.responses = c.cfg.Kind == KindOpenAI &&
		(s.transport == provider.ToolCall || (s.transport == provider.Message && c.cfg.UseResponsesAPI))
	return s
}

// ChatParams builds the Chat Completions request (msg, text, compat tc).
func (c *Client) ChatParams(req *provider.Request) sdk.ChatCompletionNewParams {
	s := c.settings(req)
	var msgs []sdk.ChatCompletionMessageParamUnion
	if req.System != "" {
		msgs = append(msgs, sdk.SystemMessage(req.System))
	}
	msgs = append(msgs, sdk.UserMessage(req.Prefix+req.RetryNote))
	p := sdk.ChatCompletionNewParams{
		Model:    shared.ChatModel(s.model),
		Messages: msgs,
	}
	if c.cfg.Kind == KindCompat {
		// OpenAI-compatible servers (ollama, vLLM, llama.cpp, Fireworks)
		// all understand the older max_tokens; not all know
		// max_completion_tokens.
		p.MaxTokens = param.NewOpt(int64(s.maxTokens))
	} else {
		p.MaxCompletionTokens = param.NewOpt(int64(s.maxTokens))
	}
	if s.effort != "" {
		p.ReasoningEffort = shared.ReasoningEffort(s.effort)
	}
	if s.verbosity != "" {
		p.Verbosity = sdk.ChatCompletionNewParamsVerbosity(s.verbosity)
	}
	if s.cacheKey != "" {
		p.PromptCacheKey = param.NewOpt(s.cacheKey)
	}
	if s.transport == provider.ToolCall {
		p.Tools = []sdk.ChatCompletionToolUnionParam{sdk.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        ToolName,
			Description: param.NewOpt(ToolDescription),
			Parameters: shared.FunctionParameters{
				"type":                 "object",
				"properties":           map[string]any{"suffix": map[string]any{"type": "string"}},
				"required":             []string{"suffix"},
				"additionalProperties": false,
			},
		})}
		p.ToolChoice = sdk.ToolChoiceOptionFunctionToolChoice(sdk.ChatCompletionNamedToolChoiceFunctionParam{Name: ToolName})
	}
	return p
}

// ResponsesParams builds the Responses API request (openai tc, and msg with
// UseResponsesAPI).
func (c *Client) ResponsesParams(req *provider.Request) responses.ResponseNewParams {
	s := c.settings(req)
	p := responses.ResponseNewParams{
		Model:           shared.ResponsesModel(s.model),
		Input:           responses.ResponseNewParamsInputUnion{OfString: param.NewOpt(req.Prefix + req.RetryNote)},
		MaxOutputTokens: param.NewOpt(int64(s.maxTokens)),
	}
	instructions := req.System
	if s.transport == provider.ToolCall {
		if instructions != "" {
			instructions += "\n\n"
		}
		instructions += ToolParagraph
		p.Tools = []responses.ToolUnionParam{{OfCustom: &responses.CustomToolParam{
			Name:        ToolName,
			Description: param.NewOpt(ToolDescription),
		}}}
		p.ToolChoice = responses.ResponseNewParamsToolChoiceUnion{OfToolChoiceMode: param.NewOpt(responses.ToolChoiceOptionsRequired)}
	}
	if instructions != "" {
		p.Instructions = param.NewOpt(instructions)
	}
	if s.effort != "" {
		p.Reasoning = shared.ReasoningParam{Effort: shared.ReasoningEffort(s.effort)}
	}
	if s.verbosity != "" {
		p.Text = responses.ResponseTextConfigParam{Verbosity: responses.ResponseTextConfigVerbosity(s.verbosity)}
	}
	if s.cacheKey != "" {
		p.PromptCacheKey = param.NewOpt(s.cacheKey)
	}
	return p
}

var errTotal = errors.New("request exceeded the completion timeout")

// Complete makes one call.
func (c *Client) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	s := c.settings(req)
	if s.transport == provider.Prefill && c.cfg.Kind != KindCompat {
		return nil, &provider.Error{Provider: c.Name(),
			Msg: "the prefill transport is not supported by OpenAI models; use tc or msg"}
	}
	start := c.now()
	tctx, cancel := context.WithTimeoutCause(ctx, c.cfg.SSETotal, errTotal)
	defer cancel()
	var raw *http.Response
	var resp *provider.Response
	var err error
	switch {
	case s.transport == provider.Prefill:
		resp, err = c.completePrefill(tctx, req, s, &raw)
	case s.responses:
		resp, err = c.completeResponses(tctx, req, s, &raw)
	default:
		resp, err = c.completeChat(tctx, req, s, &raw)
	}
	if resp == nil {
		resp = &provider.Response{}
	}
	resp.BaseURL = c.cfg.BaseURL
	if resp.EffectiveModel == "" {
		resp.EffectiveModel = s.model
	}
	if raw != nil {
		if id := raw.Header.Get("x-request-id"); id != "" {
			resp.RequestID = id
		}
	}
	resp.Latency = c.now().Sub(start)
	if err != nil {
		return resp, c.mapError(ctx, tctx, raw, err)
	}
	return resp, nil
}

// callError marks an error decided after a successful HTTP exchange.
type callError struct{ pe *provider.Error }

func (e callError) Error() string { return e.pe.Error() }

func (c *Client) completeChat(ctx context.Context, req *provider.Request, s settings, raw **http.Response) (*provider.Response, error) {
	cc, err := c.chat.New(ctx, c.ChatParams(req), option.WithResponseInto(raw))
	if err != nil {
		return nil, err
	}
	u := cc.Usage
	resp := &provider.Response{
		EffectiveModel: cc.Model,
		RequestID:      cc.ID,
		Usage: usage(u.PromptTokens, u.PromptTokensDetails.CachedTokens, u.PromptTokensDetails.CacheWriteTokens,
			u.CompletionTokens, u.CompletionTokensDetails.ReasoningTokens),
	}
	if len(cc.Choices) == 0 {
		if s.transport == provider.ToolCall {
			return resp, callError{c.missing("no choices")}
		}
		return resp, nil // empty completion: the retry policy decides
	}
	ch := cc.Choices[0]
	resp.StopReason = ch.FinishReason
	if s.transport != provider.ToolCall {
		resp.Suffix = provider.PostProcess(s.transport, req.Prefix, ch.Message.Content)
		return resp, nil
	}
	for _, tc := range ch.Message.ToolCalls {
		if tc.Function.Name != ToolName {
			continue
		}
		var in struct {
			Suffix *string `json:"suffix"`
		}
		if err := json.Unmarshal([]byte(tc.Function.Arguments), &in); err != nil {
			return resp, callError{c.missing("malformed arguments: " + err.Error())}
		}
		if in.Suffix == nil {
			return resp, callError{c.missing("arguments without suffix")}
		}
		resp.Suffix = provider.PostProcess(provider.ToolCall, req.Prefix, *in.Suffix)
		return resp, nil
	}
	return resp, callError{c.missing("")}
}

func (c *Client) completeResponses(ctx context.Context, req *provider.Request, s settings, raw **http.Response) (*provider.Response, error) {
	r, err := c.resp.New(ctx, c.ResponsesParams(req), option.WithResponseInto(raw))
	if err != nil {
		return nil, err
	}
	u := r.Usage
	resp := &provider.Response{
		EffectiveModel: string(r.Model),
		RequestID:      r.ID,
		StopReason:     string(r.Status),
		Usage: usage(u.InputTokens, u.InputTokensDetails.CachedTokens, u.InputTokensDetails.CacheWriteTokens,
			u.OutputTokens, u.OutputTokensDetails.ReasoningTokens),
	}
	if r.Status == "incomplete" && r.IncompleteDetails.Reason != "" {
		resp.StopReason = "incomplete:" + r.IncompleteDetails.Reason
	}
	if s.transport != provider.ToolCall {
		resp.Suffix = provider.PostProcess(s.transport, req.Prefix, r.OutputText())
		return resp, nil
	}
	if r.Status == "incomplete" {
		return resp, callError{c.missing("response incomplete (" + r.IncompleteDetails.Reason + ")")}
	}
	for _, item := range r.Output {
		if item.Type == "custom_tool_call" && item.Name == ToolName {
			call := item.AsCustomToolCall()
			resp.Suffix = provider.PostProcess(provider.ToolCall, req.Prefix, call.Input)
			return resp, nil
		}
	}
	return resp, callError{c.missing("")}
}

// Template is an OpenAI-compatible prefill chat template (§8.5): the prompt
// is BOS + SystemStart + system + SystemEnd + UserStart + "Continue this
// Spell program." + UserEnd + AssistantStart + prefix, sent to the legacy
// /completions endpoint with Stop as stop sequences.
type Template struct {
	BOS, SystemStart, SystemEnd, UserStart, UserEnd, AssistantStart string
	Stop                                                            []string
}

// ChatML is the default template (stop <|im_end|>).
var ChatML = Template{
	SystemStart: "<|im_start|>system\n", SystemEnd: "<|im_end|>\n",
	UserStart: "<|im_start|>user\n", UserEnd: "<|im_end|>\n",
	AssistantStart: "<|im_start|>assistant\n",
	Stop:           []string{"<|im_end|>"},
}

// GLM is the template of GLM models (stops <|user|> and <|observation|>,
// the next turns the model would open).
var GLM = Template{
	BOS: "[gMASK]<sop>", SystemStart: "<|system|>\n", UserStart: "<|user|>\n", AssistantStart: "<|assistant|>\n",
	Stop: []string{"<|user|>", "<|observation|>"},
}

// DeepSeek is the template of DeepSeek models (stops end-of-sentence and
// the user turn).
var DeepSeek = Template{
	BOS: "<｜begin▁of▁sentence｜>", UserStart: "<｜User｜>", AssistantStart: "<｜Assistant｜>",
	Stop: []string{"<｜end▁of▁sentence｜>", "<｜User｜>"},
}

// TemplateFor chooses the prefill template of a model (§8.5): the
// profile's :chat-template (a name, or an explicit map used as written),
// else :glm when the model id contains "glm", :deepseek when it contains
// "deepseek", else ChatML.
func TemplateFor(ct *provider.ChatTemplate, model string) Template {
	name := ""
	if ct != nil {
		if ct.Name == "" {
			return Template{BOS: ct.BOS, SystemStart: ct.SystemStart, SystemEnd: ct.SystemEnd, UserStart: ct.UserStart,
				UserEnd: ct.UserEnd, AssistantStart: ct.AssistantStart, Stop: append([]string(nil), ct.Stop...)}
		}
		name = ct.Name
	}
	if name == "" {
		m := strings.ToLower(model)
		switch {
		case strings.Contains(m, "glm"):
			name = "glm"
		case strings.Contains(m, "deepseek"):
			name = "deepseek"
		}
	}
	switch name {
	case "glm":
		return GLM
	case "deepseek":
		return DeepSeek
	}
	return ChatML
}

// PrefillUserMessage is the user turn of the prefill transport.
const PrefillUserMessage = "Continue this Spell program."

// Render renders the prompt for system and prefix. The retry note, if any,
// is appended to the user turn.
func (t Template) Render(system, prefix, note string) string {
	var b strings.Builder
	b.WriteString(t.BOS)
	if system != "" {
		b.WriteString(t.SystemStart + system + t.SystemEnd)
	}
	b.WriteString(t.UserStart + PrefillUserMessage + note + t.UserEnd)
	b.WriteString(t.AssistantStart + prefix)
	return b.String()
}

// CompletionParams builds the legacy /completions request of a compat
// prefill call.
func (c *Client) CompletionParams(req *provider.Request) sdk.CompletionNewParams {
	s := c.settings(req)
	t := ChatML
	if c.cfg.Template != nil {
		t = *c.cfg.Template
	}
	p := sdk.CompletionNewParams{
		Model:     sdk.CompletionNewParamsModel(s.model),
		Prompt:    sdk.CompletionNewParamsPromptUnion{OfString: param.NewOpt(t.Render(req.System, req.Prefix, req.RetryNote))},
		MaxTokens: param.NewOpt(int64(s.maxTokens)),
	}
	if len(t.Stop) > 0 {
		p.Stop = sdk.CompletionNewParamsStopUnion{OfStringArray: t.Stop}
	}
	return p
}

func (c *Client) completePrefill(ctx context.Context, req *provider.Request, s settings, raw **http.Response) (*provider.Response, error) {
	cp, err := c.comp.New(ctx, c.CompletionParams(req), option.WithResponseInto(raw))
	if err != nil {
		return nil, err
	}
	u := cp.Usage
	resp := &provider.Response{
		EffectiveModel: cp.Model,
		RequestID:      cp.ID,
		Usage: usage(u.PromptTokens, u.PromptTokensDetails.CachedTokens, u.PromptTokensDetails.CacheWriteTokens,
			u.CompletionTokens, u.CompletionTokensDetails.ReasoningTokens),
	}
	if len(cp.Choices) == 0 {
		return resp, nil // empty completion: the retry policy decides
	}
	resp.StopReason = string(cp.Choices[0].FinishReason)
	resp.Suffix = prefillSuffix(req.Prefix, cp.Choices[0].Text, c.cfg.ConvertThink)
	return resp, nil
}

// prefillSuffix post-processes a prefill completion: the leading think
// block (when converted) becomes a (think "…") form and the rest is
// fence-stripped.
func prefillSuffix(prefix, text string, convert bool) string {
	if convert {
		s := strings.TrimLeft(text, " \t\r\n")
		if strings.HasPrefix(s, "<think>") {
			if end := strings.Index(s, "</think>"); end >= 0 {
				head := provider.ConvertThink(s[:end+len("</think>")])
				return head + provider.PostProcess(provider.Prefill, prefix, strings.TrimLeft(s[end+len("</think>"):], " \t\r\n"))
			}
		}
	}
	return provider.PostProcess(provider.Prefill, prefix, text)
}

func (c *Client) missing(detail string) *provider.Error {
	msg := provider.MissingToolCall
	if detail != "" {
		msg += ": " + detail
	}
	return &provider.Error{Provider: c.Name(), Msg: msg, Retryable: true}
}

// usage maps OpenAI token counts to the canonical usage (§8.9): input minus
// cached (and cache writes, when reported) is uncached; output minus
// reasoning is visible.
func usage(input, cached, cacheWrite, output, reasoning int64) provider.Usage {
	return provider.Usage{
		UncachedInput:   max(0, input-cached-cacheWrite),
		CachedInput:     cached,
		CacheWriteInput: cacheWrite,
		VisibleOutput:   max(0, output-reasoning),
		ReasoningOutput: reasoning,
	}
}

func (c *Client) mapError(ctx, tctx context.Context, raw *http.Response, err error) error {
	var ce callError
	if errors.As(err, &ce) {
		return ce.pe
	}
	if cerr := ctx.Err(); cerr != nil {
		return provider.CtxError(c.Name(), cerr)
	}
	if context.Cause(tctx) == errTotal {
		return &provider.Error{Provider: c.Name(), Msg: errTotal.Error(), Err: errTotal}
	}
	var ae *sdk.Error
	if errors.As(err, &ae) && ae.StatusCode >= 400 {
		var h http.Header
		var body []byte
		if ae.Response != nil {
			h = ae.Response.Header
			if ae.Response.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(ae.Response.Body, 64<<10))
			}
		}
		return provider.HTTPError(c.Name(), ae.StatusCode, h, body, c.now(), err)
	}
	if raw != nil && raw.StatusCode >= 400 {
		// Error response whose body the SDK could not turn into an API error.
		return provider.HTTPError(c.Name(), raw.StatusCode, raw.Header, nil, c.now(), err)
	}
	if raw != nil {
		// A 2xx response whose body could not be read or decoded.
		return &provider.Error{Provider: c.Name(), Status: raw.StatusCode,
			Msg: "malformed response: " + err.Error(), Retryable: true, Err: err}
	}
	return netclass.NetError(c.Name(), err)
}

// String describes the client (never the key).
func (c *Client) String() string { return fmt.Sprintf("%s(%s)", c.cfg.Name, c.cfg.BaseURL) }

// FireworksModelID expands a bare Fireworks model id to
// accounts/fireworks/models/<id> (§8.5); ids with a slash are kept.
func FireworksModelID(id string) string {
	if id == "" || strings.Contains(id, "/") {
		return id
	}
	return "accounts/fireworks/models/" + id
}
