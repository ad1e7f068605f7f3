package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spell-go/spell/spe/provider"
)

// sdkPackages are the import path prefixes of the model SDKs.
var sdkPackages = []string{"github.com/anthropics/anthropic-sdk-go", "github.com/openai/openai-go"}

// TestSDKsLinkedOnlyThroughBuiltin checks the dependency direction of the
// provider registry: the packages that never call a model do not link the
// model SDKs, and the runtime reaches them only through the registry its
// caller wires in.
func TestSDKsLinkedOnlyThroughBuiltin(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command: %v", err)
		}
	}
	const mod = "github.com/spell-go/spell/"
	for _, pkg := range []string{"cmd/spell-lsp", "lint", "eval", "lsp", "format", "spe"} {
		out, err := exec.Command(goTool, "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, sdk := range sdkPackages {
				if strings.HasPrefix(dep, sdk) {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
			if dep == mod+"spe/provider/builtin" {
				t.Errorf("%s imports the provider registry", pkg)
			}
		}
	}
	// The check itself works: the registry does link both SDKs.
	out, err := exec.Command(goTool, "list", "-deps", mod+"spe/provider/builtin").Output()
	if err != nil {
		t.Fatalf("go list -deps builtin: %v", err)
	}
	for _, sdk := range sdkPackages {
		if !strings.Contains(string(out), sdk) {
			t.Errorf("builtin does not link %s", sdk)
		}
	}
}

func TestRegistryNames(t *testing.T) {
	r := Registry()
	for _, name := range []string{"anthropic", "openai", "compat", "replay", "human", "test"} {
		if r[name] == nil {
			t.Errorf("no provider %q", name)
		}
	}
}

// A Fireworks profile without FIREWORKS_API_KEY fails when the provider is
// built, before any request; a local compat server needs no key.
func TestFireworksNeedsKey(t *testing.T) {
	fw, err := provider.ResolveSpec("fireworks:glm-5p2", nil)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := provider.LoadModelProfile(fw.ProfileName(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Registry()["compat"](provider.Setup{Spec: fw, Profile: prof, Transport: provider.Prefill, Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "FIREWORKS_API_KEY is not set") {
		t.Errorf("err = %v", err)
	}
	ol, _ := provider.ResolveSpec("ollama:llama3.2", nil)
	prof, _ = provider.LoadModelProfile(ol.ProfileName(), "", "")
	if _, err := Registry()["compat"](provider.Setup{Spec: ol, Profile: prof, Transport: provider.Message, Getenv: func(string) string { return "" }}); err != nil {
		t.Errorf("ollama: %v", err)
	}
}

// A Fireworks prefill call through the registry: the GLM template, the
// expanded model id, the key, and a leading think block converted
// (:convert-think? defaults to true).
func TestFireworksPrefillThroughRegistry(t *testing.T) {
	var body map[string]any
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"cmpl-1","object":"text_completion","created":1,"model":"accounts/fireworks/models/glm-5p2",`+
			`"choices":[{"index":0,"text":"<think>plan</think>\n(+ 1 2))","logprobs":null,"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	}))
	defer srv.Close()
	sp, _ := provider.ResolveSpec("fireworks:glm-5p2", nil)
	prof, _ := provider.LoadModelProfile(sp.ProfileName(), "", "")
	p, err := Registry()["compat"](provider.Setup{Spec: sp, Profile: prof, Transport: provider.Prefill, APIKey: "fw-test-key-0123456789",
		BaseURL: srv.URL, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.Complete(context.Background(), &provider.Request{System: "S", Prefix: "(do ", Model: sp.Model, Transport: provider.Prefill})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Suffix != `(think "plan") (+ 1 2))` {
		t.Errorf("suffix = %q", resp.Suffix)
	}
	if body["model"] != "accounts/fireworks/models/glm-5p2" || auth != "Bearer fw-test-key-0123456789" ||
		body["prompt"] != "[gMASK]<sop><|system|>\nS<|user|>\nContinue this Spell program.<|assistant|>\n(do " ||
		fmt.Sprint(body["stop"]) != "[<|user|> <|observation|>]" {
		t.Errorf("request: auth %q body %v", auth, body)
	}
}
