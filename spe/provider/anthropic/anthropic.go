// Package anthropic is the Anthropic Messages provider of the SPE runtime
// (runtime.md §8.5), built on the official SDK
// github.com/anthropics/anthropic-sdk-go. It always streams (SSE), makes
// exactly one attempt per Complete (SDK retries are disabled; the §8.7
// policy lives in provider.Retrying) and returns *provider.Error.
package anthropic

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
	"unicode/utf8"

	sdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
	"github.com/anthropics/anthropic-sdk-go/packages/param"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/netclass"
)

// Name is the provider name.
const Name = "anthropic"

// DefaultBaseURL is the API endpoint used when Config.BaseURL is empty.
const DefaultBaseURL = "https://api.anthropic.com/"

// Defaults of §8.5 and §8.8.
const (
	DefaultMaxTokens         = 16384
	DefaultMaxTokensThinking = 32768
	DefaultThinkingBudget    = 10000
	DefaultRequestTimeout    = 600 * time.Second
	DefaultSSEIdle           = 100 * time.Second
	DefaultSSETotal          = 1000 * time.Second
	ConnectTimeout           = 30 * time.Second
)

// Prompt texts of §8.2.
const (
	PrefillUserMessage = "Continue this Spell program."
	ToolName           = "spell_suffix"
	ToolDescription    = "Return the Spell suffix (the rest of the program) in input.suffix."
)

// CacheMinChars is the minimum block size (characters) that gets
// cache_control (§8.6); claude-3-haiku* needs CacheMinCharsHaiku3.
const (
	CacheMinChars       = 4000
	CacheMinCharsHaiku3 = 8000
)

// Config configures a Client. Request fields (Model, MaxTokens, Thinking,
// ReasoningEffort, Transport) override the corresponding Config defaults
// when set.
type Config struct {
	APIKey    string
	BaseURL   string // default DefaultBaseURL
	Headers   map[string]string
	Model     string
	Transport provider.Transport // default tc
	MaxTokens int                // default 16384 (32768 with thinking)
	Thinking  int                // thinking budget; 0 = off
	Effort    string             // reasoning effort for adaptive thinking
	// RequestTimeout bounds the time to response headers (600 s); SSEIdle
	// the gap between events (100 s); SSETotal the whole stream (1,000 s).
	RequestTimeout, SSEIdle, SSETotal time.Duration
	// HTTPClient replaces the default client (connect 30 s, response headers
	// RequestTimeout).
	HTTPClient *http.Client
}

// Client is the Anthropic provider.
type Client struct {
	cfg     Config
	baseURL string
	msgs    sdk.MessageService
	now     func() time.Time
}

var _ provider.Provider = (*Client)(nil)

// New returns a Client. The key and base URL are passed to the SDK
// explicitly and the SDK's environment defaults are disabled, so no
// environment variable changes a request (§8.1).
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Transport == "" {
		cfg.Transport = provider.ToolCall
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.SSEIdle <= 0 {
		cfg.SSEIdle = DefaultSSEIdle
	}
	if cfg.SSETotal <= 0 {
		cfg.SSETotal = DefaultSSETotal
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newHTTPClient(cfg.RequestTimeout)
	}
	opts := []option.RequestOption{
		option.WithoutEnvironmentDefaults(),
		option.WithHTTPClient(hc),
		option.WithAPIKey(cfg.APIKey),
		option.WithBaseURL(cfg.BaseURL),
		option.WithMaxRetries(0),
	}
	for k, v := range cfg.Headers {
		opts = append(opts, option.WithHeader(k, v))
	}
	c := sdk.NewClient(opts...)
	return &Client{cfg: cfg, baseURL: cfg.BaseURL, msgs: c.Messages, now: time.Now}
}

func newHTTPClient(headerTimeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.ResponseHeaderTimeout = headerTimeout
	return &http.Client{Transport: t}
}

// Name returns "anthropic".
func (c *Client) Name() string { return Name }

// IsAdaptive reports whether model belongs to an adaptive-thinking family
// (§8.3, §8.5): claude-opus-4-7, claude-opus-4-8, claude-sonnet-5*,
// claude-fable-5*, claude-mythos-5*.
func IsAdaptive(model string) bool {
	for _, p := range []string{"claude-opus-4-7", "claude-opus-4-8", "claude-sonnet-5", "claude-fable-5", "claude-mythos-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

type settings struct {
	model     string
	transport provider.Transport
	maxTokens int
	thinking  int
	effort    string
}

func (c *Client) settings(req *provider.Request) settings {
	s := settings{model: req.Model, transport: req.Transport, maxTokens: req.MaxTokens,
		thinking: req.Thinking, effort: req.ReasoningEffort}
	if s.model == "" {
		s.model = c.cfg.Model
	}
	if s.transport == "" {
		s.transport = c.cfg.Transport
	}
	if s.thinking == 0 {
		s.thinking = c.cfg.Thinking
	}
	if s.effort == "" {
		s.effort = c.cfg.Effort
	}
	if s.maxTokens <= 0 {
		s.maxTokens = c.cfg.MaxTokens
	}
	if s.maxTokens <= 0 {
		s.maxTokens = DefaultMaxTokens
		if s.thinking > 0 {
			s.maxTokens = DefaultMaxTokensThinking
		}
	}
	return s
}

// BuildParams builds the Messages request of §8.5/§8.6 for req.
func (c *Client) BuildParams(req *provider.Request) sdk.MessageNewParams {
	s := c.settings(req)
	p := sdk.MessageNewParams{
		Model:     sdk.Model(s.model),
		MaxTokens: int64(s.maxTokens),
	}
	minChars := CacheMinChars
	if strings.HasPrefix(s.model, "claude-3-haiku") {
		minChars = CacheMinCharsHaiku3
	}
	if req.System != "" {
		b := sdk.TextBlockParam{Text: req.System}
		if utf8.RuneCountInString(req.System) >= minChars {
			b.CacheControl = sdk.NewCacheControlEphemeralParam()
		}
		p.System = []sdk.TextBlockParam{b}
	}
	switch s.transport {
	case provider.Prefill:
		prefix := strings.TrimRight(req.Prefix, " \t\r\n\f\v")
		blocks := prefixBlocks(prefix, req.PreviousPrefix, minChars, "")
		p.Messages = []sdk.MessageParam{
			{Role: sdk.MessageParamRoleUser, Content: []sdk.ContentBlockParamUnion{textBlock(PrefillUserMessage + req.RetryNote)}},
			{Role: sdk.MessageParamRoleAssistant, Content: blocks},
		}
	default: // tc, msg, text
		blocks := prefixBlocks(req.Prefix, req.PreviousPrefix, minChars, req.RetryNote)
		p.Messages = []sdk.MessageParam{{Role: sdk.MessageParamRoleUser, Content: blocks}}
	}
	if s.transport == provider.ToolCall {
		p.Tools = []sdk.ToolUnionParam{{OfTool: &sdk.ToolParam{
			Name:        ToolName,
			Description: param.NewOpt(ToolDescription),
			InputSchema: sdk.ToolInputSchemaParam{
				Properties:  map[string]any{"suffix": map[string]any{"type": "string"}},
				Required:    []string{"suffix"},
				ExtraFields: map[string]any{"additionalProperties": false},
			},
		}}}
		if s.thinking > 0 {
			// Forced tool use is not allowed with thinking.
			p.ToolChoice = sdk.ToolChoiceUnionParam{OfAuto: &sdk.ToolChoiceAutoParam{}}
		} else {
			p.ToolChoice = sdk.ToolChoiceUnionParam{OfAny: &sdk.ToolChoiceAnyParam{}}
		}
	}
	if s.thinking > 0 {
		if IsAdaptive(s.model) {
			p.Thinking = sdk.ThinkingConfigParamUnion{OfAdaptive: &sdk.ThinkingConfigAdaptiveParam{}}
			if s.effort != "" && s.effort != "none" {
				p.OutputConfig = sdk.OutputConfigParam{Effort: sdk.OutputConfigEffort(s.effort)}
			}
		} else {
			p.Thinking = sdk.ThinkingConfigParamOfEnabled(int64(s.thinking))
		}
	}
	return p
}

func textBlock(s string) sdk.ContentBlockParamUnion {
	return sdk.ContentBlockParamUnion{OfText: &sdk.TextBlockParam{Text: s}}
}

func cachedBlock(s string) sdk.ContentBlockParamUnion {
	return sdk.ContentBlockParamUnion{OfText: &sdk.TextBlockParam{Text: s, CacheControl: sdk.NewCacheControlEphemeralParam()}}
}

// prefixBlocks splits the block holding the prefix at the longest common
// prefix with the previous prefix of the same handle into [shared, tail],
// both with cache_control, when the shared part has at least minChars
// characters (§8.6). note (the retry note) is appended to the last block.
func prefixBlocks(prefix, previous string, minChars int, note string) []sdk.ContentBlockParamUnion {
	n := commonPrefixLen(prefix, previous)
	if previous != "" && utf8.RuneCountInString(prefix[:n]) >= minChars {
		shared, tail := prefix[:n], prefix[n:]+note
		if tail == "" {
			return []sdk.ContentBlockParamUnion{cachedBlock(shared)}
		}
		return []sdk.ContentBlockParamUnion{cachedBlock(shared), cachedBlock(tail)}
	}
	return []sdk.ContentBlockParamUnion{textBlock(prefix + note)}
}

// commonPrefixLen is the byte length of the longest common prefix of a and
// b, backed off to a rune boundary of a.
func commonPrefixLen(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	for i > 0 && i < len(a) && !utf8.RuneStart(a[i]) {
		i--
	}
	return i
}

var (
	errIdle  = errors.New("SSE stream stalled (idle timeout)")
	errTotal = errors.New("SSE stream exceeded the completion timeout")
)

// Complete makes one streamed Messages call.
func (c *Client) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	start := c.now()
	s := c.settings(req)
	params := c.BuildParams(req)

	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	tctx, tcancel := context.WithTimeoutCause(sctx, c.cfg.SSETotal, errTotal)
	defer tcancel()

	var raw *http.Response
	stream := c.msgs.NewStreaming(tctx, params, option.WithResponseInto(&raw))
	defer stream.Close()

	// Idle watchdog: cancel the stream when no event arrives for SSEIdle.
	idle := time.AfterFunc(c.cfg.SSEIdle, func() { cancel(errIdle) })
	defer idle.Stop()

	resp := &provider.Response{BaseURL: c.baseURL, EffectiveModel: s.model}
	var acc sdk.Message
	var accErr error
	sawStop := false
	for stream.Next() {
		idle.Reset(c.cfg.SSEIdle)
		ev := stream.Current()
		if accErr == nil {
			accErr = acc.Accumulate(ev)
		}
		switch ev.Type {
		case "message_start", "message_delta":
			resp.Usage = mapUsage(acc.Usage)
		case "message_stop":
			sawStop = true
		}
	}
	idle.Stop()
	if raw != nil {
		resp.RequestID = raw.Header.Get("request-id")
	}
	if resp.RequestID == "" {
		resp.RequestID = acc.ID
	}
	if acc.Model != "" {
		resp.EffectiveModel = string(acc.Model)
	}
	resp.StopReason = string(acc.StopReason)
	resp.Latency = c.now().Sub(start)

	if err := stream.Err(); err != nil {
		return resp, c.streamError(ctx, sctx, tctx, raw, err)
	}
	if err := ctx.Err(); err != nil {
		return resp, provider.CtxError(Name, err)
	}
	if accErr != nil {
		return resp, &provider.Error{Provider: Name, Msg: "malformed event stream: " + accErr.Error(), Retryable: true, Err: accErr}
	}
	if !sawStop {
		return resp, &provider.Error{Provider: Name, Msg: "stream ended before message_stop", Retryable: true, Err: io.ErrUnexpectedEOF}
	}

	switch s.transport {
	case provider.ToolCall:
		suffix, ok, err := toolSuffix(acc.Content)
		if err != nil {
			return resp, &provider.Error{Provider: Name, Msg: provider.MissingToolCall + ": malformed tool input: " + err.Error(), Retryable: true, Err: err}
		}
		if !ok {
			return resp, &provider.Error{Provider: Name, Msg: provider.MissingToolCall, Retryable: true}
		}
		resp.Suffix = provider.PostProcess(provider.ToolCall, req.Prefix, suffix)
	default:
		var b strings.Builder
		for _, blk := range acc.Content {
			if blk.Type == "text" {
				b.WriteString(blk.Text)
			}
		}
		resp.Suffix = provider.PostProcess(s.transport, req.Prefix, b.String())
	}
	return resp, nil
}

func toolSuffix(blocks []sdk.ContentBlockUnion) (string, bool, error) {
	for _, b := range blocks {
		if b.Type != "tool_use" || b.Name != ToolName {
			continue
		}
		var in struct {
			Suffix *string `json:"suffix"`
		}
		if err := json.Unmarshal(b.Input, &in); err != nil {
			return "", false, err
		}
		if in.Suffix == nil {
			return "", false, nil
		}
		return *in.Suffix, true, nil
	}
	return "", false, nil
}

func mapUsage(u sdk.Usage) provider.Usage {
	out := provider.Usage{
		UncachedInput:   u.InputTokens,
		CachedInput:     u.CacheReadInputTokens,
		CacheWriteInput: u.CacheCreationInputTokens,
		VisibleOutput:   u.OutputTokens,
	}
	if th := u.OutputTokensDetails.ThinkingTokens; th > 0 && th <= u.OutputTokens {
		out.VisibleOutput = u.OutputTokens - th
		out.ReasoningOutput = th
	}
	return out
}

// streamError maps a failure of the request or of the event stream.
func (c *Client) streamError(ctx, sctx, tctx context.Context, raw *http.Response, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return provider.CtxError(Name, cerr)
	}
	switch context.Cause(tctx) {
	case errIdle:
		return &provider.Error{Provider: Name, Msg: errIdle.Error(), Retryable: true, Err: errIdle}
	case errTotal:
		return &provider.Error{Provider: Name, Msg: errTotal.Error(), Err: errTotal}
	}
	var ae *sdk.Error
	if errors.As(err, &ae) {
		status := ae.StatusCode
		var h http.Header
		var body []byte
		if ae.Response != nil {
			h = ae.Response.Header
			if ae.Response.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(ae.Response.Body, 64<<10))
			}
		}
		if status < 400 {
			// An `error` event inside a 200 stream: map its type.
			body = []byte(ae.RawJSON())
			status = streamErrorStatus(string(ae.Type()))
			pe := provider.HTTPError(Name, status, h, body, c.now(), err)
			pe.Msg = "stream error event " + string(ae.Type())
			if status == 0 {
				pe.Retryable = false
			}
			return pe
		}
		if len(body) == 0 {
			body = []byte(ae.RawJSON())
		}
		return provider.HTTPError(Name, status, h, body, c.now(), err)
	}
	if raw != nil && raw.StatusCode >= 400 {
		return provider.HTTPError(Name, raw.StatusCode, raw.Header, nil, c.now(), err)
	}
	pe := netclass.NetError(Name, err)
	if raw != nil {
		// The response had started: a broken or garbled body is a stream
		// that ended early.
		pe.Msg = "stream interrupted: " + err.Error()
		pe.Retryable = true
	}
	return pe
}

// streamErrorStatus maps the type of an SSE `error` event to the HTTP
// status the same failure has as a response.
func streamErrorStatus(t string) int {
	switch t {
	case "overloaded_error":
		return 529
	case "rate_limit_error":
		return 429
	case "api_error":
		return 500
	case "timeout_error":
		return 504
	case "invalid_request_error":
		return 400
	case "authentication_error":
		return 401
	case "permission_error":
		return 403
	case "not_found_error":
		return 404
	case "request_too_large":
		return 413
	}
	return 0
}

// String describes the client (never the key).
func (c *Client) String() string { return fmt.Sprintf("anthropic(%s)", c.baseURL) }
