package provider

import (
	"io"
	"time"
)

// Setup is what a Factory is given to build a provider: the resolved model
// spec and profile, and the run's settings, with keys, headers and the base
// URL already read from the environment.
type Setup struct {
	Spec      Spec
	Profile   ModelProfile
	Transport Transport

	APIKey  string            // the value of Profile.APIKeyEnv ("" when unset)
	Headers map[string]string // extra request headers, values resolved
	BaseURL string            // --base-url, else the profile's :base-url ("" = the provider's default)

	MaxTokens    int
	Thinking     int
	Effort       string
	Verbosity    string
	ResponsesAPI bool

	RequestTimeout time.Duration
	SSEIdle        time.Duration
	SSETotal       time.Duration
	Retry          RetryPolicy

	Strict  bool // strict replay
	Verbose bool // the human provider shows whole prompts

	Getenv func(string) string // provider-specific environment (base URLs)
	Stdin  io.Reader
	Stderr io.Writer
	Warn   func(msg string) // non-fatal notes while the run goes on
}

// Factory builds a provider; its error is a configuration problem found
// before the run starts (a missing key or base URL, an unreadable file).
type Factory func(Setup) (Provider, error)

// Registry maps a model profile's :provider name (anthropic, openai,
// compat, replay, human, test) to its Factory. The runtime knows providers
// only through the Registry its caller wires in, so that the packages that
// never call a model (the evaluator, the linter, the language server) do
// not link the model SDKs.
type Registry map[string]Factory

// Finisher is a provider with a check to run after a successful run (a
// strict replay with unused entries fails it).
type Finisher interface {
	Finish() error
}
