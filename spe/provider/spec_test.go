package provider

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbeddedAliasesComplete(t *testing.T) {
	a := DefaultAliases()
	want := map[string]string{
		"haiku":  "claude-haiku-4-5-20251001",
		"sonnet": "anthropic-tc:claude-sonnet-5", "sonnet5": "anthropic-tc:claude-sonnet-5",
		"opus": "anthropic-tc:claude-opus-4-8", "opus48": "anthropic-tc:claude-opus-4-8",
		"fable": "anthropic-tc:claude-fable-5-1", "fable51": "anthropic-tc:claude-fable-5-1",
		"gpt": "openai-tc:gpt-6-astra", "astra": "openai-tc:gpt-6-astra", "gpt6": "openai-tc:gpt-6-astra", "gpt6astra": "openai-tc:gpt-6-astra",
		"gpt54": "openai-tc:gpt-5.4", "gpt55": "openai-tc:gpt-5.5", "gpt56sol": "openai-tc:gpt-5.6-sol",
		"glm": "fireworks-tc:glm-5p2", "glm52": "fireworks-tc:glm-5p2",
		"kimi": "fireworks-tc:kimi-k2p7-code", "kimi27": "fireworks-tc:kimi-k2p7-code", "kimi27code": "fireworks-tc:kimi-k2p7-code",
		"kimi3": "fireworks-tc:kimi-k3", "kimik3": "fireworks-tc:kimi-k3",
		"qwen": "fireworks-tc:qwen3p7-plus", "qwen37p": "fireworks-tc:qwen3p7-plus",
		// The reference's older aliases (runtime.md §9), verbatim.
		"sonnet46": "anthropic-tc:claude-sonnet-4-6", "fable5": "anthropic-tc:claude-fable-5",
		"opus46": "anthropic-tc:claude-opus-4-6", "opus45": "anthropic-tc:claude-opus-4-5-20251101",
		"o3": "o3", "o4-mini": "o4-mini", "gpt52": "gpt-5.2", "gpt53": "gpt-5.3",
		"glm51": "fireworks-tc:glm-5p1", "kimi26": "fireworks-tc:kimi-k2p6", "qwen36p": "fireworks-tc:qwen3p6-plus",
	}
	for k, v := range want {
		if a.Aliases[k] != v {
			t.Errorf("alias %s = %q, want %q", k, a.Aliases[k], v)
		}
	}
	if len(a.Aliases) != len(want) {
		t.Errorf("%d aliases, want %d (no invented ids)", len(a.Aliases), len(want))
	}
}

func TestResolveSpec(t *testing.T) {
	tests := []struct {
		spec      string
		provider  string
		model     string
		transport Transport
		explicit  bool
	}{
		{"haiku", "anthropic", "claude-haiku-4-5-20251001", Prefill, false},
		{"sonnet", "anthropic-tc", "claude-sonnet-5", ToolCall, true},
		{"opus48", "anthropic-tc", "claude-opus-4-8", ToolCall, true},
		{"fable", "anthropic-tc", "claude-fable-5-1", ToolCall, true},
		{"gpt", "openai-tc", "gpt-6-astra", ToolCall, true},
		{"gpt56sol", "openai-tc", "gpt-5.6-sol", ToolCall, true},
		{"glm", "fireworks-tc", "glm-5p2", ToolCall, true},
		{"kimi27code", "fireworks-tc", "kimi-k2p7-code", ToolCall, true},
		{"qwen37p", "fireworks-tc", "qwen3p7-plus", ToolCall, true},
		{"sonnet46", "anthropic-tc", "claude-sonnet-4-6", ToolCall, true},
		{"opus45", "anthropic-tc", "claude-opus-4-5-20251101", ToolCall, true},
		{"opus46", "anthropic-tc", "claude-opus-4-6", ToolCall, true},
		{"fable5", "anthropic-tc", "claude-fable-5", ToolCall, true},
		{"o3", "openai-tc", "o3", ToolCall, true},
		{"gpt52", "openai-tc", "gpt-5.2", ToolCall, true},
		{"gpt53", "openai-tc", "gpt-5.3", ToolCall, true},
		{"openai-msg:gpt52", "openai-msg", "gpt-5.2", Message, true},
		{"glm51", "fireworks-tc", "glm-5p1", ToolCall, true},
		{"kimi26", "fireworks-tc", "kimi-k2p6", ToolCall, true},
		{"qwen36p", "fireworks-tc", "qwen3p6-plus", ToolCall, true},
		// Explicit provider wins over the alias's provider.
		{"anthropic:sonnet", "anthropic", "claude-sonnet-5", ToolCall, false},
		{"anthropic-pf:sonnet", "anthropic-pf", "claude-sonnet-5", Prefill, true},
		{"openai:gpt", "openai", "gpt-6-astra", Message, true},
		// Prefill policy for anthropic: (no thinking).
		{"anthropic:claude-sonnet-5-5", "anthropic", "claude-sonnet-5-5", ToolCall, false},
		{"anthropic:claude-opus-4-6", "anthropic", "claude-opus-4-6", ToolCall, false},
		{"anthropic:claude-opus-4-5-20251101", "anthropic", "claude-opus-4-5-20251101", Prefill, false},
		{"anthropic:claude-mythos-5", "anthropic", "claude-mythos-5", ToolCall, false},
		{"anthropic:", "anthropic", "", Prefill, false},
		// Transport by prefix.
		{"anthropic-tc:claude-haiku-4-5", "anthropic-tc", "claude-haiku-4-5", ToolCall, true},
		{"anthropic-msg:x", "anthropic-msg", "x", Message, true},
		{"openai-msg:gpt-5.4", "openai-msg", "gpt-5.4", Message, true},
		{"fireworks:glm-5p2", "fireworks", "glm-5p2", Prefill, true},
		{"fireworks-msg:kimi-k3", "fireworks-msg", "kimi-k3", Message, true},
		{"compat:m", "compat", "m", Message, true},
		{"ollama:llama3.2", "ollama", "llama3.2", Message, true},
		{"ollama-tc:qwen3", "ollama-tc", "qwen3", ToolCall, true},
		{"vllm:m", "vllm", "m", Message, true},
		{"llamacpp-pf:m", "llamacpp-pf", "m", Prefill, true},
		// Routes for bare names.
		{"claude-opus-4-8", "anthropic", "claude-opus-4-8", ToolCall, false},
		{"claude-haiku-4-5", "anthropic", "claude-haiku-4-5", Prefill, false},
		{"gpt-5.5", "openai-tc", "gpt-5.5", ToolCall, true},
		{"o3-pro", "openai-tc", "o3-pro", ToolCall, true},
		{"o4-mini", "openai-tc", "o4-mini", ToolCall, true},
		{"codex-mini", "openai-tc", "codex-mini", ToolCall, true},
		{"kimi-k2", "fireworks-tc", "kimi-k2", ToolCall, true},
		{"deepseek-v3", "fireworks-tc", "deepseek-v3", ToolCall, true},
		// Special providers.
		{"replay:.", "replay", ".", Prefill, false},
		{"replay:C:/t/x.txtar", "replay", "C:/t/x.txtar", Prefill, false},
		{"human", "human", "human", Prefill, false},
		{"user", "human", "human", Prefill, false},
		{"user:", "human", "human", Prefill, false},
		{"test", "test", "test", Prefill, false},
		{"ollama", "ollama", "", Message, true},
	}
	for _, tt := range tests {
		s, err := ResolveSpec(tt.spec, nil)
		if err != nil {
			t.Errorf("ResolveSpec(%q): %v", tt.spec, err)
			continue
		}
		if s.Provider != tt.provider || s.Model != tt.model || s.Transport != tt.transport || s.Explicit != tt.explicit {
			t.Errorf("ResolveSpec(%q) = %+v, want %s %s %s %v", tt.spec, s, tt.provider, tt.model, tt.transport, tt.explicit)
		}
	}
}

func TestResolveSpecErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"mystery", `unknown model "mystery": run 'spell models' for the aliases and providers, or use provider:model`},
		{"sonet", `unknown model "sonet" (did you mean sonnet?): run 'spell models' for the aliases and providers, or use provider:model`},
		{"codex-tc:gpt-5", "codex-tc is not supported; use openai-tc:MODEL"},
		{"codex-tc", "codex-tc is not supported; use openai-tc:MODEL"},
		{"replay:", "replay needs a transcript: use replay:PATH"},
		{"", "empty model spec"},
	}
	for _, tt := range tests {
		_, err := ResolveSpec(tt.spec, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ResolveSpec(%q): err = %v, want %q", tt.spec, err, tt.want)
		}
	}
	_, err := ResolveSpec("antropic:claude-x", nil)
	if err == nil || !strings.Contains(err.Error(), `unknown provider "antropic"`) ||
		!strings.Contains(err.Error(), "anthropic, anthropic-msg, anthropic-pf, anthropic-tc") ||
		!strings.Contains(err.Error(), "test") {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestAliasOverridesAndCycles(t *testing.T) {
	a, err := ParseAliases("u.edn", []byte(`{:aliases {fast "haiku" loop1 "loop2" loop2 "loop1" mine "ollama:qwen3"}
 :routes [["mist" "ollama"]]
 :capabilities {"claude-haiku" {:prefill false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	base := DefaultAliases()
	for k, v := range a.Aliases {
		base.Aliases[k] = v
	}
	for k, v := range a.Routes {
		base.Routes[k] = v
	}
	for k, v := range a.Capabilities {
		base.Capabilities[k] = v
	}
	s, err := ResolveSpec("fast", base)
	if err != nil || s.Provider != "anthropic" || s.Model != "claude-haiku-4-5-20251001" || s.Transport != ToolCall {
		t.Errorf("fast: %+v %v", s, err)
	}
	if s, err := ResolveSpec("mistral-7b", base); err != nil || s.Provider != "ollama" {
		t.Errorf("route: %+v %v", s, err)
	}
	if _, err := ResolveSpec("loop1", base); err == nil || !strings.Contains(err.Error(), "alias cycle") {
		t.Errorf("cycle: %v", err)
	}
}

func TestChooseTransport(t *testing.T) {
	cfg := DefaultAliases()
	yes, no := true, false
	haiku, _ := ResolveSpec("haiku", cfg)
	sonnet5, _ := ResolveSpec("anthropic:claude-sonnet-5", cfg)
	tc, _ := ResolveSpec("sonnet", cfg)
	tests := []struct {
		s        Spec
		override Transport
		thinking bool
		prefill  *bool
		want     Transport
		err      string
	}{
		{haiku, "", false, nil, Prefill, ""},
		{haiku, "", true, nil, ToolCall, ""},
		{haiku, "", false, &no, ToolCall, ""},
		{haiku, "", false, &yes, Prefill, ""},
		{haiku, "", true, &yes, "", "thinking"},
		{haiku, Message, false, nil, Message, ""},
		{sonnet5, "", false, nil, ToolCall, ""},
		{sonnet5, "", false, &yes, "", "does not support prefill"},
		{tc, "", false, nil, ToolCall, ""},
		{tc, Prefill, false, nil, Prefill, ""},
		{tc, "xx", false, nil, "", "unknown transport"},
	}
	for i, tt := range tests {
		got, err := ChooseTransport(tt.s, cfg, tt.override, tt.thinking, tt.prefill)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%d: err %v, want %q", i, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%d: %v %v, want %v", i, got, err, tt.want)
		}
	}
	if e := cfg.DefaultReasoningEffort("gpt-6-astra"); e != "medium" {
		t.Errorf("astra effort %q", e)
	}
	if e := cfg.DefaultReasoningEffort("gpt-5.4"); e != "" {
		t.Errorf("gpt-5.4 effort %q", e)
	}
}

func TestDefaultModel(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"haiku", map[string]string{"SPELL_MODEL": "gpt"}, "haiku"},
		{"", map[string]string{"SPELL_MODEL": "gpt", "ANTHROPIC_API_KEY": "k"}, "gpt"},
		{"", map[string]string{"ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k"}, "anthropic:claude-sonnet-5-5"},
		{"", map[string]string{"OPENAI_API_KEY": "k"}, "openai-tc:gpt-6-astra"},
	}
	for _, tt := range tests {
		got, err := DefaultModel(tt.flag, env(tt.env))
		if err != nil || got != tt.want {
			t.Errorf("DefaultModel(%q, %v) = %q %v", tt.flag, tt.env, got, err)
		}
	}
	_, err := DefaultModel("", env(map[string]string{"ANTHROPIC_API_KEY": ""}))
	if err == nil || err.Error() != "No model configured. Pass --model PROVIDER:MODEL, set SPELL_MODEL, set ANTHROPIC_API_KEY or OPENAI_API_KEY, or replay a transcript with --model replay:FILE." {
		t.Errorf("err %v", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadAliasesPrecedence(t *testing.T) {
	user, proj := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(user, "aliases.edn"), `{:aliases {fast "haiku" mine "openai:gpt-5.4"}}`)
	writeFile(t, filepath.Join(proj, "aliases.edn"), `{:aliases {mine "ollama:qwen3"} :capabilities {"claude-haiku" {:prefill false}}}`)
	a, err := LoadAliases(user, proj)
	if err != nil {
		t.Fatal(err)
	}
	if a.Aliases["mine"] != "ollama:qwen3" || a.Aliases["fast"] != "haiku" || a.Aliases["sonnet"] == "" {
		t.Errorf("merge: %v", a.Aliases)
	}
	if a.SupportsPrefill("claude-haiku-4-5") {
		t.Error("project capability not applied")
	}
	if _, err := LoadAliases(filepath.Join(user, "missing"), ""); err != nil {
		t.Errorf("missing dirs must be skipped: %v", err)
	}
}

func TestLoadAliasesErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{:aliases {fast \"haiku\"}\n :alias {}}", "aliases.edn:2:2: unknown key :alias (did you mean :aliases?)"},
		{"{:aliases {fast 1}}", "aliases.edn:1:17: alias fast: spec must be a non-empty string"},
		{"{:routes [[\"mist\" \"olama\"]]}", `aliases.edn:1:11: route "mist": unknown provider "olama" (did you mean ollama?)`},
		{"{:capabilities {\"x\" {:prefil true}}}", "aliases.edn:1:22: unknown key :prefil in capability (did you mean :prefill?)"},
		{"{:aliases {fast #inst \"x\"}}", "aliases.edn:1:"},
		{"[1 2]", "aliases.edn:1:1: aliases.edn must be a map"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "aliases.edn"), tt.src)
		_, err := LoadAliases("", dir)
		if err == nil || !strings.HasPrefix(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestEmbeddedModelProfiles(t *testing.T) {
	names := EmbeddedModelProfiles()
	want := []string{"anthropic", "compat", "fireworks", "human", "llamacpp", "ollama", "openai", "replay", "test", "vllm"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("embedded profiles %v", names)
	}
	for _, n := range names {
		p, err := LoadModelProfile(n, "", "")
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if p.Name != n || p.Provider == "" || p.Retries.MaxAttempts != 4 || p.RequestTimeoutSec != 600 {
			t.Errorf("%s: %+v", n, p)
		}
	}
	a, _ := LoadModelProfile("anthropic", "", "")
	if a.DefaultModel != "claude-sonnet-5-5" || a.APIKeyEnv != "ANTHROPIC_API_KEY" || a.MaxTokens != 16384 || a.BaseURL != "" {
		t.Errorf("anthropic %+v", a)
	}
	o, _ := LoadModelProfile("openai", "", "")
	if o.DefaultModel != "gpt-6-astra" || o.DefaultReasoningEffort != "medium" {
		t.Errorf("openai %+v", o)
	}
	f, _ := LoadModelProfile("fireworks", "", "")
	if f.Provider != "compat" || f.APIKeyEnv != "FIREWORKS_API_KEY" || f.BaseURL != "https://api.fireworks.ai/inference/v1" {
		t.Errorf("fireworks %+v", f)
	}
	ol, _ := LoadModelProfile("ollama", "", "")
	if ol.DefaultModel != "llama3.2" {
		t.Errorf("ollama %+v", ol)
	}
	for spec, want := range map[string]string{"anthropic-tc:x": "anthropic", "openai-tc:x": "openai", "fireworks-msg:x": "fireworks", "user": "human", "replay:.": "replay", "ollama-tc:x": "ollama"} {
		s, err := ResolveSpec(spec, nil)
		if err != nil || s.ProfileName() != want {
			t.Errorf("%s: profile %q %v", spec, s.ProfileName(), err)
		}
	}
}

func TestModelProfilePrecedenceAndFields(t *testing.T) {
	user, proj := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(user, "model-profiles", "anthropic.edn"), `{:provider :anthropic :default-model "u"}`)
	writeFile(t, filepath.Join(user, "model-profiles", "local.edn"), `{:provider :compat
 :model-profile-name "My local"
 :transport :tc
 :base-url "http://127.0.0.1:9999/v1"
 :headers {"X-A" "lit" "X-B" {:env "B_TOKEN"}}
 :default-model "qwen3"
 :default-reasoning-effort :high
 :max-tokens 8000
 :retries {:max-attempts 2}
 :request-timeout-sec 30
 :sse-idle-timeout-sec 10.5
 :sse-completion-timeout-sec 100
 :costs {"qwen" [0.1 0.2]}
 :cache-read-ratio 0.5
 :cache-write-ratio 2
 :default-agent-profile readonly
 :use-responses-api false
 :force-tool-call true
 :prompt-cache-key "k"
 :verbosity :low
 :chat-template {:bos "<s>" :assistant-start "<|a|>" :stop ["</s>"]}
 :convert-think? false
 :prefill? false}`)
	writeFile(t, filepath.Join(proj, "model-profiles", "anthropic.edn"), `{:provider :anthropic :default-model "p"}`)
	p, err := LoadModelProfile("anthropic", user, proj)
	if err != nil || p.DefaultModel != "p" || p.APIKeyEnv != "" {
		t.Errorf("project must win whole-file: %+v %v", p, err)
	}
	p, err = LoadModelProfile("local", user, proj)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "My local" || p.Transport != ToolCall || p.Headers["X-B"].Env != "B_TOKEN" || p.Headers["X-A"].Value != "lit" ||
		p.DefaultReasoningEffort != "high" || p.MaxTokens != 8000 || p.Retries != (Retries{2, 1000, 60000}) ||
		p.SSEIdleTimeoutSec != 10.5 || p.Costs["qwen"].Output != 0.2 || p.CacheWriteRatio != 2 ||
		p.DefaultAgentProfile != "readonly" || *p.UseResponsesAPI || !*p.ForceToolCall || p.PromptCacheKey != "k" ||
		p.Verbosity != "low" || p.ChatTemplate.BOS != "<s>" || p.ChatTemplate.Stop[0] != "</s>" || *p.ConvertThink || *p.PrefillOverride {
		t.Errorf("fields: %+v", p)
	}
	if !strings.HasSuffix(p.Source, filepath.Join("model-profiles", "local.edn")) {
		t.Errorf("source %q", p.Source)
	}
}

func TestModelProfileErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{:provider :anthropic\n :max-token 5}", "x.edn:2:2: unknown key :max-token (did you mean :max-tokens?)"},
		{"{:provider :anthropic :prefill true}", "x.edn:1:23: unknown key :prefill (did you mean :prefill??)"},
		{"{:provider :antropic}", "x.edn:1:12: :provider must be one of :anthropic :openai :compat :human :replay :test, got :antropic (did you mean :anthropic?)"},
		{"{:default-model \"m\"}", "x.edn:1:1: model profile: missing required key :provider"},
		{"{:provider :openai :max-tokens -1}", "x.edn:1:32: :max-tokens must be a positive integer, got -1"},
		{"{:provider :openai :retries {:max-attempt 3}}", "x.edn:1:30: unknown key :max-attempt in :retries (did you mean :max-attempts?)"},
		{"{:provider :openai :headers {\"X\" 3}}", "x.edn:1:34: header X: value must be a string or {:env \"VAR\"}"},
		{"{:provider :openai :costs [1]}", "x.edn:1:27: price must be [input output]"},
		{"{:provider :openai :transport :tool}", "x.edn:1:31: :transport must be one of :tc :pf :msg"},
		{"{:provider :openai} {}", "x.edn:1:21: expected one EDN form"},
	}
	for _, tt := range tests {
		_, err := ParseModelProfile("x.edn", "x", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n err  %v\n want %s", tt.src, err, tt.want)
		}
	}
	_, err := LoadModelProfile("antropic", "", "")
	if err == nil || err.Error() != `unknown model profile "antropic" (did you mean anthropic?)` {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := LoadModelProfile("../x", "", ""); err == nil {
		t.Error("path names must be rejected")
	}
	var pe *Error
	if errors.As(err, &pe) {
		t.Error("configuration errors are not provider errors")
	}
}

func TestWithDefaultModel(t *testing.T) {
	s, _ := ResolveSpec("anthropic:", nil)
	p, _ := LoadModelProfile(s.ProfileName(), "", "")
	s = s.WithDefaultModel(p.DefaultModel, nil)
	if s.Model != "claude-sonnet-5-5" || s.Transport != ToolCall {
		t.Errorf("%+v", s)
	}
	o, _ := ResolveSpec("openai-tc:", nil)
	if o = o.WithDefaultModel("gpt-6-astra", nil); o.Model != "gpt-6-astra" || o.Transport != ToolCall {
		t.Errorf("%+v", o)
	}
}

// TestProvidersSorted checks that the provider table is sorted by prefix
// without repeats (lookupProvider binary-searches it) and that every
// prefix finds its own entry.
func TestProvidersSorted(t *testing.T) {
	for i, p := range providers {
		if i > 0 && providers[i-1].name >= p.name {
			t.Errorf("providers[%d] %q after %q", i, p.name, providers[i-1].name)
		}
		if info, ok := lookupProvider(p.name); !ok || info != p.info {
			t.Errorf("lookupProvider(%q) = %v, %v", p.name, info, ok)
		}
	}
	if _, ok := lookupProvider("nope"); ok {
		t.Error("an unknown prefix was found")
	}
	for i := 1; i < len(statusTexts); i++ {
		if statusTexts[i-1].code >= statusTexts[i].code {
			t.Errorf("statusTexts[%d] %d after %d", i, statusTexts[i].code, statusTexts[i-1].code)
		}
	}
}
