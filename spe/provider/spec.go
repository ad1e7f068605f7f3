package provider

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// data holds the embedded defaults: aliases.edn, pricing.edn and
// model-profiles/*.edn (runtime.md §9, §8.9, §10.1).
//
//go:embed data
var data embed.FS

// Spec is a resolved model spec (runtime.md §9).
type Spec struct {
	// Provider is the provider prefix: "anthropic", "anthropic-tc",
	// "openai-tc", "ollama", "human" ("user" is normalised to "human"),
	// "replay", "test", …
	Provider string
	// Model is the model id; "" means the provider profile's
	// :default-model. For replay it is the transcript PATH.
	Model string
	// Transport is fixed by the provider prefix when Explicit; otherwise it
	// is the prefill policy's choice with thinking off (§8.3) — call
	// ChooseTransport with the run's thinking and :prefill? settings.
	Transport Transport
	// Explicit reports that the provider prefix fixes the transport.
	Explicit bool
}

// ProfileName is the model profile that configures the spec's provider:
// the prefix without its transport suffix (`anthropic-tc` → `anthropic`,
// `fireworks-msg` → `fireworks`, `openai-tc` → `openai`).
func (s Spec) ProfileName() string {
	if p, ok := lookupProvider(s.Provider); ok {
		return p.profile
	}
	return s.Provider
}

// WithDefaultModel returns s with Model set to model when s has none (the
// provider profile's :default-model, §9), recomputing the policy
// transport for the new model.
func (s Spec) WithDefaultModel(model string, cfg *Aliases) Spec {
	if s.Model != "" || model == "" {
		return s
	}
	s.Model = model
	if !s.Explicit {
		s.Transport, _ = ChooseTransport(s, cfg, "", false, nil)
	}
	return s
}

// String renders the spec as `provider:model`.
func (s Spec) String() string { return s.Provider + ":" + s.Model }

type providerInfo struct {
	profile   string
	transport Transport // "" = prefill policy
}

// providers is the table of provider prefixes (§9) with their transport
// (§8.3), sorted by prefix: static data, where a map would be built at
// every start (issue 11). `compat`, `ollama`, `vllm` and `llamacpp` also
// accept the `-tc`, `-pf` and `-msg` suffixes (a Spell-Go extension).
// TestProvidersSorted keeps it sorted.
var providers = []struct {
	name string
	info providerInfo
}{
	{"anthropic", providerInfo{"anthropic", ""}},
	{"anthropic-msg", providerInfo{"anthropic", Message}},
	{"anthropic-pf", providerInfo{"anthropic", Prefill}},
	{"anthropic-tc", providerInfo{"anthropic", ToolCall}},
	{"compat", providerInfo{"compat", Message}},
	{"compat-msg", providerInfo{"compat", Message}},
	{"compat-pf", providerInfo{"compat", Prefill}},
	{"compat-tc", providerInfo{"compat", ToolCall}},
	{"fireworks", providerInfo{"fireworks", Prefill}},
	{"fireworks-msg", providerInfo{"fireworks", Message}},
	{"fireworks-tc", providerInfo{"fireworks", ToolCall}},
	{"human", providerInfo{"human", ""}},
	{"llamacpp", providerInfo{"llamacpp", Message}},
	{"llamacpp-msg", providerInfo{"llamacpp", Message}},
	{"llamacpp-pf", providerInfo{"llamacpp", Prefill}},
	{"llamacpp-tc", providerInfo{"llamacpp", ToolCall}},
	{"ollama", providerInfo{"ollama", Message}},
	{"ollama-msg", providerInfo{"ollama", Message}},
	{"ollama-pf", providerInfo{"ollama", Prefill}},
	{"ollama-tc", providerInfo{"ollama", ToolCall}},
	{"openai", providerInfo{"openai", Message}},
	{"openai-msg", providerInfo{"openai", Message}},
	{"openai-tc", providerInfo{"openai", ToolCall}},
	{"replay", providerInfo{"replay", ""}},
	{"test", providerInfo{"test", ""}},
	{"user", providerInfo{"human", ""}},
	{"vllm", providerInfo{"vllm", Message}},
	{"vllm-msg", providerInfo{"vllm", Message}},
	{"vllm-pf", providerInfo{"vllm", Prefill}},
	{"vllm-tc", providerInfo{"vllm", ToolCall}},
}

// lookupProvider returns the table's entry for the provider prefix name.
func lookupProvider(name string) (providerInfo, bool) {
	i := sort.Search(len(providers), func(i int) bool { return providers[i].name >= name })
	if i < len(providers) && providers[i].name == name {
		return providers[i].info, true
	}
	return providerInfo{}, false
}

// KnownProviders lists the accepted provider prefixes, sorted.
func KnownProviders() []string {
	out := make([]string, len(providers))
	for i, p := range providers {
		out[i] = p.name
	}
	return out
}

// Aliases is the alias table (aliases.edn, §9 and §15.1).
type Aliases struct {
	Aliases      map[string]string     // alias → spec
	Routes       map[string]string     // bare model-id prefix → provider (longest wins)
	Capabilities map[string]Capability // model-id prefix → capability (longest wins)
}

// Capability is a model family's capability data.
type Capability struct {
	Prefill                *bool  // nil: not set at this prefix
	DefaultReasoningEffort string // "" when none
}

// DefaultAliases returns the embedded alias table.
func DefaultAliases() *Aliases {
	a := &Aliases{Aliases: map[string]string{}, Routes: map[string]string{}, Capabilities: map[string]Capability{}}
	src, err := data.ReadFile("data/aliases.edn")
	if err == nil {
		err = a.parse("aliases.edn (embedded)", src)
	}
	if err != nil {
		panic("provider: embedded aliases.edn: " + err.Error())
	}
	return a
}

// LoadAliases returns the embedded alias table merged by key with
// userDir/aliases.edn and then projectDir/aliases.edn (§15.1; userDir is
// `$XDG_CONFIG_HOME/spell`, projectDir `.spell`, as profile.ConfigDirs
// returns them; "" or a missing file is skipped). Errors name file:line:col.
func LoadAliases(userDir, projectDir string) (*Aliases, error) {
	a := DefaultAliases()
	for _, dir := range []string{userDir, projectDir} {
		src, path, err := readConfig(dir, "aliases.edn")
		if err != nil {
			return nil, err
		}
		if src == nil {
			continue
		}
		if err := a.parse(path, src); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// ParseAliases reads one aliases.edn text into a table of its own.
func ParseAliases(name string, src []byte) (*Aliases, error) {
	a := &Aliases{Aliases: map[string]string{}, Routes: map[string]string{}, Capabilities: map[string]Capability{}}
	if err := a.parse(name, src); err != nil {
		return nil, err
	}
	return a, nil
}

// ConfigPresent reports whether userDir or projectDir has a file name
// (aliases.edn, pricing.edn) that LoadAliases or LoadPricing would read,
// or one it would fail to read. When it reports false those loaders
// return the embedded table and cannot fail, so a caller that may not
// need the table can skip building it.
func ConfigPresent(userDir, projectDir, name string) bool {
	for _, dir := range []string{userDir, projectDir} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

func readConfig(dir, name string) ([]byte, string, error) {
	if dir == "" {
		return nil, "", nil
	}
	path := filepath.Join(dir, name)
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return src, path, nil
}

// parse merges one aliases.edn text into a (by key).
func (a *Aliases) parse(name string, src []byte) error {
	doc, err := config.Read(name, src)
	if err != nil {
		return err
	}
	d := decoder{doc}
	top, err := d.topMap(doc.Root, "aliases.edn")
	if err != nil {
		return err
	}
	return d.fields(top, "", []string{"aliases", "routes", "capabilities"}, func(key string, val value.Value, at string) error {
		switch key {
		case "aliases":
			m, ok := val.(*value.Map)
			if !ok {
				return fmt.Errorf("%s: :aliases must be a map of alias symbol to spec string", at)
			}
			return d.each(m, func(k, v value.Value, kat, vat string) error {
				alias, ok := config.NameOf(k)
				if !ok {
					return fmt.Errorf("%s: alias must be a symbol or a string, got %s", kat, value.TypeName(k))
				}
				s, ok := v.(string)
				if !ok || s == "" {
					return fmt.Errorf("%s: alias %s: spec must be a non-empty string", vat, alias)
				}
				a.Aliases[alias] = s
				return nil
			})
		case "routes":
			vec, ok := val.(*value.Vector)
			if !ok {
				return fmt.Errorf("%s: :routes must be a vector of [\"prefix\" \"provider\"] pairs", at)
			}
			for i, r := range vec.Slice() {
				rat := d.ChildPos(vec, i, at)
				pair, ok := r.(*value.Vector)
				if !ok || pair.Count() != 2 {
					return fmt.Errorf("%s: route must be a pair [\"prefix\" \"provider\"]", rat)
				}
				pfx, ok1 := pair.Slice()[0].(string)
				prov, ok2 := config.NameOf(pair.Slice()[1])
				if !ok1 || !ok2 || pfx == "" {
					return fmt.Errorf("%s: route must be a pair [\"prefix\" \"provider\"]", rat)
				}
				if _, known := lookupProvider(prov); !known {
					return fmt.Errorf("%s: route %q: unknown provider %q%s", rat, pfx, prov, config.DidYouMean(prov, KnownProviders(), ""))
				}
				a.Routes[pfx] = prov
			}
			return nil
		case "capabilities":
			m, ok := val.(*value.Map)
			if !ok {
				return fmt.Errorf("%s: :capabilities must be a map of model prefix to capability map", at)
			}
			return d.each(m, func(k, v value.Value, kat, vat string) error {
				pfx, ok := k.(string)
				if !ok {
					return fmt.Errorf("%s: capability key must be a model-id prefix string", kat)
				}
				cm, ok := v.(*value.Map)
				if !ok {
					return fmt.Errorf("%s: capability of %q must be a map", vat, pfx)
				}
				c := a.Capabilities[pfx]
				err := d.fields(cm, "capability", []string{"prefill", "default-reasoning-effort"}, func(key string, val value.Value, at string) error {
					switch key {
					case "prefill":
						b, ok := val.(bool)
						if !ok {
							return fmt.Errorf("%s: :prefill must be true or false", at)
						}
						c.Prefill = &b
					case "default-reasoning-effort":
						e, err := d.effort(val, at)
						if err != nil {
							return err
						}
						c.DefaultReasoningEffort = e
					}
					return nil
				})
				a.Capabilities[pfx] = c
				return err
			})
		}
		return nil
	})
}

// longest returns the value of the longest key of m that prefixes s.
func longest[V any](m map[string]V, s string, ok func(V) bool) (V, bool) {
	var best V
	bestLen, found := -1, false
	for k, v := range m {
		if len(k) > bestLen && strings.HasPrefix(s, k) && (ok == nil || ok(v)) {
			best, bestLen, found = v, len(k), true
		}
	}
	return best, found
}

// SupportsPrefill reports the prefill capability of a model (§8.3): the
// longest :capabilities prefix that sets :prefill decides; models without
// an entry support prefill.
func (a *Aliases) SupportsPrefill(model string) bool {
	c, ok := longest(a.Capabilities, model, func(c Capability) bool { return c.Prefill != nil })
	return !ok || *c.Prefill
}

// DefaultReasoningEffort is the model's default reasoning effort from
// :capabilities ("" when none; the profile's setting applies then).
func (a *Aliases) DefaultReasoningEffort(model string) string {
	c, _ := longest(a.Capabilities, model, func(c Capability) bool { return c.DefaultReasoningEffort != "" })
	return c.DefaultReasoningEffort
}

// Route returns the provider of a bare model id from :routes.
func (a *Aliases) Route(model string) (string, bool) {
	return longest(a.Routes, model, nil)
}

// ResolveSpec resolves a model spec (§9): split at the first ':', resolve
// the model part through the alias table (an alias carrying a provider
// wins only when the spec had none), route bare names by :routes, and
// derive the transport from the provider prefix or the prefill policy
// (with thinking off; see ChooseTransport). cfg nil means the embedded
// table.
func ResolveSpec(s string, cfg *Aliases) (Spec, error) {
	if cfg == nil {
		cfg = DefaultAliases()
	}
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Spec{}, fmt.Errorf("empty model spec: use provider:model")
	}
	prov, model, hasProv := strings.Cut(s, ":")
	if !hasProv {
		model, prov = s, ""
	}
	if hasProv {
		if err := checkProvider(prov, orig); err != nil {
			return Spec{}, err
		}
	}
	switch {
	case prov == "replay":
		if model == "" {
			return Spec{}, fmt.Errorf("replay needs a transcript: use replay:PATH")
		}
		return Spec{Provider: "replay", Model: model, Transport: Prefill}, nil
	case prov == "human" || prov == "user":
		return Spec{Provider: "human", Model: orDefault(model, "human"), Transport: Prefill}, nil
	case prov == "test":
		return Spec{Provider: "test", Model: orDefault(model, "test"), Transport: Prefill}, nil
	}
	// Alias resolution (chains allowed, cycles reported).
	seen := map[string]bool{}
	for model != "" {
		target, ok := cfg.Aliases[model]
		if !ok {
			break
		}
		if seen[model] {
			return Spec{}, fmt.Errorf("alias cycle at %q in model spec %q", model, orig)
		}
		seen[model] = true
		ap, am, aHasProv := strings.Cut(target, ":")
		if !aHasProv {
			if target == model {
				break // an alias naming its own bare id (o3 "o3"): routed below
			}
			model = target
			continue
		}
		if err := checkProvider(ap, target); err != nil {
			return Spec{}, fmt.Errorf("alias %s: %w", model, err)
		}
		if prov == "" {
			prov = ap
		}
		model = am
	}
	if prov == "" {
		switch model {
		case "human", "user", "test":
			return ResolveSpec(model+":", cfg)
		case "replay":
			return Spec{}, fmt.Errorf("replay needs a transcript: use replay:PATH")
		}
		if _, ok := lookupProvider(model); ok {
			// A bare provider name: its profile's default model.
			return ResolveSpec(model+":", cfg)
		}
		if model == "codex-tc" {
			return Spec{}, errCodex
		}
		r, ok := cfg.Route(model)
		if !ok {
			return Spec{}, unknownModel(model, cfg)
		}
		prov = r
	}
	if prov == "human" || prov == "user" || prov == "test" || prov == "replay" {
		return ResolveSpec(prov+":"+model, cfg)
	}
	info, _ := lookupProvider(prov)
	sp := Spec{Provider: prov, Model: model, Transport: info.transport, Explicit: info.transport != ""}
	if !sp.Explicit {
		sp.Transport, _ = ChooseTransport(sp, cfg, "", false, nil)
	}
	return sp, nil
}

// unknownModel is the error for a bare name that is no alias, provider or
// routed model id: a did-you-mean over the aliases and provider names (the
// one rule, catalog.Suggest) and the command that lists them.
func unknownModel(model string, cfg *Aliases) error {
	cands := append(KnownProviders(), "human", "test", "replay")
	for a := range cfg.Aliases {
		cands = append(cands, a)
	}
	hint := ""
	if s := catalog.Suggest(model, cands); s != "" {
		hint = " (did you mean " + s + "?)"
	}
	return fmt.Errorf("unknown model %q%s: run 'spell models' for the aliases and providers, or use provider:model", model, hint)
}

var errCodex = errors.New("codex-tc is not supported; use openai-tc:MODEL")

func checkProvider(p, spec string) error {
	if p == "codex-tc" {
		return errCodex
	}
	if _, ok := lookupProvider(p); !ok {
		return fmt.Errorf("unknown provider %q in model spec %q; known providers: %s", p, spec, strings.Join(KnownProviders(), ", "))
	}
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ChooseTransport returns the effective transport of a call (§8.3):
// override (`--transport`) first, then a transport fixed by the provider
// prefix, then the prefill policy — prefill when the model supports it
// (cfg :capabilities, overridden by prefill, the profile's or agent's
// `:prefill?`) and thinking is off, else tool-call. An explicit
// `:prefill? true` on a model without the capability, or together with
// thinking, is a configuration error.
func ChooseTransport(s Spec, cfg *Aliases, override Transport, thinking bool, prefill *bool) (Transport, error) {
	switch override {
	case "":
	case ToolCall, Prefill, Message:
		return override, nil
	default:
		return "", fmt.Errorf("unknown transport %q: use tc, pf or msg", override)
	}
	if s.Explicit {
		return s.Transport, nil
	}
	if cfg == nil {
		cfg = DefaultAliases()
	}
	capable := true
	switch s.Provider {
	case "human", "replay", "test":
	default:
		capable = s.Model == "" || cfg.SupportsPrefill(s.Model)
	}
	if prefill != nil {
		switch {
		case !*prefill:
			return ToolCall, nil
		case !capable:
			return "", fmt.Errorf(":prefill? true, but model %q does not support prefill", s.Model)
		case thinking:
			return "", fmt.Errorf(":prefill? true cannot be combined with thinking (thinking disables prefill)")
		}
		return Prefill, nil
	}
	if capable && !thinking {
		return Prefill, nil
	}
	return ToolCall, nil
}

// NoModelError is the exact message of §15.3.
const NoModelError = "No model configured. Pass --model PROVIDER:MODEL, set SPELL_MODEL, set ANTHROPIC_API_KEY or OPENAI_API_KEY, or replay a transcript with --model replay:FILE."

// DefaultModel chooses the model spec (§15.3): flag, else SPELL_MODEL,
// else `anthropic:claude-sonnet-5-5` when ANTHROPIC_API_KEY is set, else
// `openai-tc:gpt-6-astra` when OPENAI_API_KEY is set; otherwise the error
// NoModelError. Empty variables count as unset.
func DefaultModel(flag string, env func(string) string) (string, error) {
	if env == nil {
		env = os.Getenv
	}
	switch {
	case flag != "":
		return flag, nil
	case env("SPELL_MODEL") != "":
		return env("SPELL_MODEL"), nil
	case env("ANTHROPIC_API_KEY") != "":
		return "anthropic:claude-sonnet-5-5", nil
	case env("OPENAI_API_KEY") != "":
		return "openai-tc:gpt-6-astra", nil
	}
	return "", errors.New(NoModelError)
}

// ---------------------------------------------------------------------
// Model profiles (§10.1)

// Retries is the retry policy of §8.7.
type Retries struct {
	MaxAttempts int
	BaseMS      int
	MaxMS       int
}

// DefaultRetries is `{:max-attempts 4 :base-ms 1000 :max-ms 60000}`.
var DefaultRetries = Retries{MaxAttempts: 4, BaseMS: 1000, MaxMS: 60000}

// Header is one extra HTTP header value: a literal or an environment
// variable's value.
type Header struct {
	Value string
	Env   string
}

// ThinkingMaxTokens is the output cap of a call with thinking on when
// -M does not set one and the model profile's :max-tokens is lower.
const ThinkingMaxTokens = 32768

// ChatTemplate is an OpenAI-compatible prefill template (§8.5): Name is
// "chatml", "glm" or "deepseek", or "" with the fields of an explicit map.
type ChatTemplate struct {
	Name                                            string
	BOS, SystemStart, SystemEnd, UserStart, UserEnd string
	AssistantStart                                  string
	Stop                                            []string
}

// ModelProfile is a model profile (`model-profiles/<name>.edn`).
type ModelProfile struct {
	Name   string // :model-profile-name, default the file stem
	Source string // file path, or "model-profiles/NAME.edn (embedded)"

	Provider               string // anthropic openai compat human replay test
	Transport              Transport
	APIKeyEnv              string
	BaseURL                string
	Headers                map[string]Header
	DefaultModel           string
	DefaultReasoningEffort string
	MaxTokens              int // 0: 16384 (32768 with thinking)
	Retries                Retries
	RequestTimeoutSec      float64
	SSEIdleTimeoutSec      float64
	SSECompletionTimeout   float64          // :sse-completion-timeout-sec
	Costs                  map[string]Price // :costs as a prefix table
	Cost                   *Price           // :costs as one price for every model
	CacheReadRatio         float64          // 0: default 0.10
	CacheWriteRatio        float64          // 0: default 1.25
	DefaultAgentProfile    string
	UseResponsesAPI        *bool
	ForceToolCall          *bool
	PromptCacheKey         string // "" unset; "true"/"false" or a literal key
	Verbosity              string
	ChatTemplate           *ChatTemplate
	ConvertThink           *bool
	PrefillOverride        *bool // :prefill?
}

// profileKeys are the keys of §10.1.
var profileKeys = []string{
	"provider", "transport", "model-profile-name", "api-key-env", "base-url", "headers",
	"default-model", "default-reasoning-effort", "max-tokens", "retries",
	"request-timeout-sec", "sse-idle-timeout-sec", "sse-completion-timeout-sec",
	"costs", "cache-read-ratio", "cache-write-ratio", "default-agent-profile",
	"use-responses-api", "force-tool-call", "prompt-cache-key", "verbosity",
	"chat-template", "convert-think?", "prefill?",
}

// EmbeddedModelProfiles lists the names of the embedded model profiles.
func EmbeddedModelProfiles() []string {
	ents, _ := fs.ReadDir(data, "data/model-profiles")
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".edn"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// LoadModelProfile finds model profile name in projectDir/model-profiles,
// then userDir/model-profiles, then the embedded set (whole file by name,
// §15.1) and parses it. Unknown keys are errors with file:line:col and a
// did-you-mean hint.
func LoadModelProfile(name, userDir, projectDir string) (ModelProfile, error) {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return ModelProfile{}, fmt.Errorf("invalid model profile name %q", name)
	}
	for _, dir := range []string{projectDir, userDir} {
		if dir == "" {
			continue
		}
		src, path, err := readConfig(filepath.Join(dir, "model-profiles"), name+".edn")
		if err != nil {
			return ModelProfile{}, err
		}
		if src != nil {
			return ParseModelProfile(path, name, src)
		}
	}
	src, err := data.ReadFile("data/model-profiles/" + name + ".edn")
	if err != nil {
		known := EmbeddedModelProfiles()
		for _, dir := range []string{projectDir, userDir} {
			if dir == "" {
				continue
			}
			ents, _ := os.ReadDir(filepath.Join(dir, "model-profiles"))
			for _, e := range ents {
				if n, ok := strings.CutSuffix(e.Name(), ".edn"); ok {
					known = append(known, n)
				}
			}
		}
		return ModelProfile{}, fmt.Errorf("unknown model profile %q%s", name, config.DidYouMean(name, known, ""))
	}
	return ParseModelProfile("model-profiles/"+name+".edn (embedded)", name, src)
}

// ParseModelProfile parses the text of a model profile; stem is the
// default :model-profile-name.
func ParseModelProfile(path, stem string, src []byte) (ModelProfile, error) {
	p := ModelProfile{Name: stem, Source: path, Retries: DefaultRetries,
		RequestTimeoutSec: 600, SSEIdleTimeoutSec: 100, SSECompletionTimeout: 1000}
	doc, err := config.Read(path, src)
	if err != nil {
		return p, err
	}
	d := decoder{doc}
	m, err := d.topMap(doc.Root, "model profile")
	if err != nil {
		return p, err
	}
	hasProvider := false
	err = d.fields(m, "", profileKeys, func(key string, val value.Value, at string) error {
		var err error
		switch key {
		case "provider":
			p.Provider, err = d.enum(val, at, key, "anthropic", "openai", "compat", "human", "replay", "test")
			hasProvider = true
		case "transport":
			var t string
			t, err = d.enum(val, at, key, "tc", "pf", "msg")
			p.Transport = Transport(t)
		case "model-profile-name":
			p.Name, err = d.str(val, at, key)
		case "api-key-env":
			p.APIKeyEnv, err = d.str(val, at, key)
		case "base-url":
			p.BaseURL, err = d.str(val, at, key)
		case "headers":
			p.Headers, err = d.headers(val, at)
		case "default-model":
			p.DefaultModel, err = d.str(val, at, key)
		case "default-reasoning-effort":
			p.DefaultReasoningEffort, err = d.effort(val, at)
		case "max-tokens":
			p.MaxTokens, err = d.posInt(val, at, key)
		case "retries":
			p.Retries, err = d.retries(val, at)
		case "request-timeout-sec":
			p.RequestTimeoutSec, err = d.posNum(val, at, key)
		case "sse-idle-timeout-sec":
			p.SSEIdleTimeoutSec, err = d.posNum(val, at, key)
		case "sse-completion-timeout-sec":
			p.SSECompletionTimeout, err = d.posNum(val, at, key)
		case "costs":
			p.Costs, p.Cost, err = d.costs(val, at)
		case "cache-read-ratio":
			p.CacheReadRatio, err = d.posNum(val, at, key)
		case "cache-write-ratio":
			p.CacheWriteRatio, err = d.posNum(val, at, key)
		case "default-agent-profile":
			if s, ok := config.NameOf(val); ok && s != "" {
				p.DefaultAgentProfile = s
			} else {
				err = fmt.Errorf("%s: :default-agent-profile must be a name", at)
			}
		case "use-responses-api":
			p.UseResponsesAPI, err = d.boolean(val, at, key)
		case "force-tool-call":
			p.ForceToolCall, err = d.boolean(val, at, key)
		case "prompt-cache-key":
			switch x := val.(type) {
			case bool:
				p.PromptCacheKey = fmt.Sprint(x)
			case string:
				p.PromptCacheKey = x
			default:
				err = fmt.Errorf("%s: :prompt-cache-key must be a boolean or a string", at)
			}
		case "verbosity":
			p.Verbosity, err = d.enum(val, at, key, "low", "medium", "high", "auto")
		case "chat-template":
			p.ChatTemplate, err = d.chatTemplate(val, at)
		case "convert-think?":
			p.ConvertThink, err = d.boolean(val, at, key)
		case "prefill?":
			p.PrefillOverride, err = d.boolean(val, at, key)
		}
		return err
	})
	if err != nil {
		return p, err
	}
	if !hasProvider {
		return p, fmt.Errorf("%s: model profile: missing required key :provider", d.Pos(m))
	}
	return p, nil
}

// ---------------------------------------------------------------------
// EDN decoding helpers

// decoder decodes the provider's configuration files (config.Doc).
type decoder struct{ *config.Doc }

func (d decoder) topMap(v value.Value, what string) (*value.Map, error) {
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: %s must be a map, got %s", d.Pos(v), what, value.TypeName(v))
	}
	return m, nil
}

// each calls f for every entry with the positions of key and value.
func (d decoder) each(m *value.Map, f func(k, v value.Value, kat, vat string) error) error {
	for _, e := range d.Entries(m) {
		if err := f(e.Key, e.Val, e.KeyPos, e.ValPos); err != nil {
			return err
		}
	}
	return nil
}

// fields decodes a map whose keys are keywords from known (config.Doc.Fields);
// in names a nested map in messages.
func (d decoder) fields(m *value.Map, in string, known []string, f func(key string, v value.Value, at string) error) error {
	fs, err := d.Fields(m, in, known)
	if err != nil {
		return err
	}
	for _, fl := range fs {
		if err := f(fl.Name, fl.Val, fl.ValPos); err != nil {
			return err
		}
	}
	return nil
}

func (d decoder) str(v value.Value, at, key string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: :%s must be a string, got %s", at, key, value.TypeName(v))
	}
	return s, nil
}

func (d decoder) enum(v value.Value, at, key string, allowed ...string) (string, error) {
	s, ok := config.NameOf(v)
	if !ok || !slices.Contains(allowed, s) {
		return "", fmt.Errorf("%s: :%s must be one of :%s, got %s%s", at, key, strings.Join(allowed, " :"), value.PrStr(v), config.DidYouMean(s, allowed, ":"))
	}
	return s, nil
}

func (d decoder) effort(v value.Value, at string) (string, error) {
	return d.enum(v, at, "default-reasoning-effort", "none", "low", "medium", "high", "xhigh", "max")
}

func (d decoder) boolean(v value.Value, at, key string) (*bool, error) {
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("%s: :%s must be true or false", at, key)
	}
	return &b, nil
}

func (d decoder) posInt(v value.Value, at, key string) (int, error) {
	n, ok := v.(int64)
	if !ok || n <= 0 || n > 1<<31-1 {
		return 0, fmt.Errorf("%s: :%s must be a positive integer, got %s", at, key, value.PrStr(v))
	}
	return int(n), nil
}

func (d decoder) posNum(v value.Value, at, key string) (float64, error) {
	f, ok := number(v)
	if !ok || f <= 0 {
		return 0, fmt.Errorf("%s: :%s must be a positive number, got %s", at, key, value.PrStr(v))
	}
	return f, nil
}

func number(v value.Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	if value.IsNumber(v) {
		return value.ToFloat64(v)
	}
	return 0, false
}

func (d decoder) retries(v value.Value, at string) (Retries, error) {
	r := DefaultRetries
	m, ok := v.(*value.Map)
	if !ok {
		return r, fmt.Errorf("%s: :retries must be a map {:max-attempts :base-ms :max-ms}", at)
	}
	err := d.fields(m, ":retries", []string{"max-attempts", "base-ms", "max-ms"}, func(key string, v value.Value, at string) error {
		n, err := d.posInt(v, at, key)
		switch key {
		case "max-attempts":
			r.MaxAttempts = n
		case "base-ms":
			r.BaseMS = n
		case "max-ms":
			r.MaxMS = n
		}
		return err
	})
	return r, err
}

func (d decoder) headers(v value.Value, at string) (map[string]Header, error) {
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: :headers must be a map of header name to string or {:env \"VAR\"}", at)
	}
	out := map[string]Header{}
	err := d.each(m, func(k, v value.Value, kat, vat string) error {
		name, ok := k.(string)
		if !ok || name == "" {
			return fmt.Errorf("%s: header name must be a string", kat)
		}
		switch x := v.(type) {
		case string:
			out[name] = Header{Value: x}
			return nil
		case *value.Map:
			var h Header
			err := d.fields(x, "header", []string{"env"}, func(_ string, v value.Value, at string) error {
				s, err := d.str(v, at, "env")
				h.Env = s
				return err
			})
			if err == nil && h.Env == "" {
				err = fmt.Errorf("%s: header %s: {:env \"VAR\"} expected", vat, name)
			}
			out[name] = h
			return err
		}
		return fmt.Errorf("%s: header %s: value must be a string or {:env \"VAR\"}", vat, name)
	})
	return out, err
}

func (d decoder) chatTemplate(v value.Value, at string) (*ChatTemplate, error) {
	if m, ok := v.(*value.Map); ok {
		t := &ChatTemplate{}
		err := d.fields(m, ":chat-template", []string{"bos", "system-start", "system-end", "user-start", "user-end", "assistant-start", "stop"}, func(key string, v value.Value, at string) error {
			if key == "stop" {
				vec, ok := v.(*value.Vector)
				if !ok {
					return fmt.Errorf("%s: :stop must be a vector of strings", at)
				}
				for _, x := range vec.Slice() {
					s, ok := x.(string)
					if !ok {
						return fmt.Errorf("%s: :stop must be a vector of strings", at)
					}
					t.Stop = append(t.Stop, s)
				}
				return nil
			}
			s, err := d.str(v, at, key)
			switch key {
			case "bos":
				t.BOS = s
			case "system-start":
				t.SystemStart = s
			case "system-end":
				t.SystemEnd = s
			case "user-start":
				t.UserStart = s
			case "user-end":
				t.UserEnd = s
			case "assistant-start":
				t.AssistantStart = s
			}
			return err
		})
		return t, err
	}
	n, err := d.enum(v, at, "chat-template", "chatml", "glm", "deepseek")
	if err != nil {
		return nil, err
	}
	return &ChatTemplate{Name: n}, nil
}
