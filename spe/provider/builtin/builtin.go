// Package builtin is the registry of the providers Spell-Go ships: the
// model SDK clients (anthropic, openai, compat), replay of a transcript,
// the human provider and the static test provider. Commands that run
// models wire it into the runtime (spe.Config.Providers); nothing else
// imports it, so the SDKs are linked only into those commands.
package builtin

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/anthropic"
	"github.com/spell-go/spell/spe/provider/offline"
	"github.com/spell-go/spell/spe/provider/openai"
	"github.com/spell-go/spell/spe/trace"
)

// Registry returns the built-in providers by :provider name: the
// offline ones (spe/provider/offline) and the model SDK clients.
func Registry() provider.Registry {
	r := offline.Registry()
	r["anthropic"] = newAnthropic
	r["openai"] = newOpenAI
	r["compat"] = newOpenAI
	return r
}

// errNoKey is the message for a provider whose API key variable is unset.
func errNoKey(s provider.Setup) error {
	return fmt.Errorf("%s is not set: the %s provider needs an API key (or use --model replay:FILE)", s.Profile.APIKeyEnv, s.Spec.Provider)
}

func newAnthropic(s provider.Setup) (provider.Provider, error) {
	if s.APIKey == "" {
		return nil, errNoKey(s)
	}
	base := s.BaseURL
	if base == "" {
		base = s.Getenv("ANTHROPIC_BASE_URL")
	}
	c := anthropic.New(anthropic.Config{APIKey: s.APIKey, BaseURL: base, Headers: s.Headers, Model: s.Spec.Model,
		Transport: s.Transport, MaxTokens: s.MaxTokens, Thinking: s.Thinking, Effort: s.Effort,
		RequestTimeout: s.RequestTimeout, SSEIdle: s.SSEIdle, SSETotal: s.SSETotal})
	return provider.Retrying(c, s.Retry, provider.SystemClock{}), nil
}

func newOpenAI(s provider.Setup) (provider.Provider, error) {
	kind := openai.KindOpenAI
	if s.Profile.Provider == "compat" {
		kind = openai.KindCompat
	}
	// OpenAI always needs its key; an OpenAI-compatible profile that names
	// a key variable (fireworks: FIREWORKS_API_KEY) needs it too, checked
	// here so a missing key is a configuration error before any request.
	if s.APIKey == "" && (kind == openai.KindOpenAI || s.Profile.APIKeyEnv != "") {
		return nil, errNoKey(s)
	}
	base := openAIBaseURL(s, kind)
	if base == "" && kind == openai.KindCompat {
		return nil, errors.New("the " + s.Spec.Provider + " provider needs a base URL: pass --base-url URL or set :base-url in a model profile")
	}
	tmpl := openai.TemplateFor(s.Profile.ChatTemplate, s.Spec.Model)
	// A leading <think> block comes only from reasoning models, so
	// converting by default is :convert-think? true for exactly those.
	convertThink := s.Profile.ConvertThink == nil || *s.Profile.ConvertThink
	c := openai.New(openai.Config{Kind: kind, Name: s.Spec.Provider, APIKey: s.APIKey, BaseURL: base, Headers: s.Headers,
		Template: &tmpl, FireworksIDs: s.Spec.ProfileName() == "fireworks", ConvertThink: convertThink,
		Model: s.Spec.Model, Transport: s.Transport, MaxTokens: s.MaxTokens, Effort: s.Effort, Verbosity: s.Verbosity,
		UseResponsesAPI: s.ResponsesAPI, PromptCacheKey: trace.NewRunID(time.Now(), nil),
		RequestTimeout: s.RequestTimeout, SSEIdle: s.SSEIdle, SSETotal: s.SSETotal})
	return provider.Retrying(c, s.Retry, provider.SystemClock{}), nil
}

// OllamaDefaultURL is the local Ollama server's OpenAI-compatible endpoint
// (runtime.md §8.4), used when neither --base-url, a profile's :base-url
// nor OLLAMA_HOST names another.
const OllamaDefaultURL = "http://localhost:11434/v1"

// openAIBaseURL is the base URL of an OpenAI or OpenAI-compatible client
// (runtime.md §8.1): --base-url or the profile's :base-url (s.BaseURL),
// then the provider's variable (OPENAI_BASE_URL; OLLAMA_HOST + /v1), then
// the provider default ("" for OpenAI: the SDK's; the local server for
// Ollama; "" for compat, which then needs one).
func openAIBaseURL(s provider.Setup, kind string) string {
	switch {
	case s.BaseURL != "":
		return s.BaseURL
	case s.Spec.ProfileName() == "ollama":
		if h := s.Getenv("OLLAMA_HOST"); h != "" {
			return strings.TrimSuffix(h, "/") + "/v1"
		}
		return OllamaDefaultURL
	case kind == openai.KindOpenAI:
		return s.Getenv("OPENAI_BASE_URL")
	}
	return ""
}
