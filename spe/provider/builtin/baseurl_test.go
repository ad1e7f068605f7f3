package builtin

import (
	"testing"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/openai"
)

// TestOpenAIBaseURL: --base-url wins; ollama uses $OLLAMA_HOST/v1, else
// the local server; OpenAI reads OPENAI_BASE_URL; compat has no default.
func TestOpenAIBaseURL(t *testing.T) {
	ollama, err := provider.ResolveSpec("ollama:llama3", nil)
	if err != nil {
		t.Fatal(err)
	}
	oa, err := provider.ResolveSpec("openai:gpt-x", nil)
	if err != nil {
		t.Fatal(err)
	}
	compat, err := provider.ResolveSpec("compat:m", nil)
	if err != nil {
		t.Fatal(err)
	}
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	none := env(nil)
	for _, tt := range []struct {
		name string
		s    provider.Setup
		kind string
		want string
	}{
		{"ollama default", provider.Setup{Spec: ollama, Getenv: none}, openai.KindCompat, "http://localhost:11434/v1"},
		{"ollama host", provider.Setup{Spec: ollama, Getenv: env(map[string]string{"OLLAMA_HOST": "http://box:1/"})}, openai.KindCompat, "http://box:1/v1"},
		{"ollama flag", provider.Setup{Spec: ollama, BaseURL: "http://127.0.0.1:9/v1", Getenv: env(map[string]string{"OLLAMA_HOST": "http://box:1"})}, openai.KindCompat, "http://127.0.0.1:9/v1"},
		{"openai env", provider.Setup{Spec: oa, Getenv: env(map[string]string{"OPENAI_BASE_URL": "http://gw/v1"})}, openai.KindOpenAI, "http://gw/v1"},
		{"openai default", provider.Setup{Spec: oa, Getenv: none}, openai.KindOpenAI, ""},
		{"compat", provider.Setup{Spec: compat, Getenv: env(map[string]string{"OLLAMA_HOST": "http://box:1"})}, openai.KindCompat, ""},
	} {
		if got := openAIBaseURL(tt.s, tt.kind); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
