package builtin

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
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
