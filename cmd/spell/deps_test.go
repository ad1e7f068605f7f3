package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The Temporal SDK (and the gRPC and protobuf packages it brings) stays
// out of spell: spell-temporal links it, and spell execs spell-temporal
// (issue 11: start-up; docs/temporal.md).
func TestSpellDoesNotLinkTemporal(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "temporal") || strings.HasPrefix(p, "google.golang.org/grpc") {
			t.Errorf("spell links %s", p)
		}
	}
}

// listDeps returns every package the package pattern links, each with its
// direct imports (go list -deps).
func listDeps(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goCmd, "list", "-deps", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}", pattern).Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, "|")
		deps[path] = strings.Fields(imports)
	}
	return deps
}

// TestStartupDeps guards what spell links, since Go initialises every
// linked package at every start (issue 11, start-up): the language server
// stays in spell-lsp (the Temporal SDK: TestSpellDoesNotLinkTemporal),
// test-only modules stay in tests, and the model SDKs are imported
// directly only by their two provider packages, which only
// spe/provider/builtin imports (TestSDKsLinkedOnlyThroughBuiltin checks
// that the formatter, linter, evaluator and runtime do not link them).
func TestStartupDeps(t *testing.T) {
	deps := listDeps(t, ".")
	module := "github.com/spell-go/spell/"
	forbidden := []string{"go.lsp.dev/", module + "lsp", "go.uber.org/goleak", "github.com/creack/pty"}
	sdks := []string{"github.com/anthropics/anthropic-sdk-go", "github.com/openai/openai-go/"}
	clients := map[string]bool{module + "spe/provider/anthropic": true, module + "spe/provider/openai": true}
	for path, imports := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(path, f) {
				t.Errorf("spell links %s", path)
			}
		}
		if !strings.HasPrefix(path, module) {
			continue
		}
		for _, imp := range imports {
			for _, sdk := range sdks {
				if strings.HasPrefix(imp, sdk) && !clients[path] {
					t.Errorf("%s imports the model SDK package %s: only spe/provider/anthropic and spe/provider/openai may", path, imp)
				}
			}
			if clients[imp] && path != module+"spe/provider/builtin" {
				t.Errorf("%s imports %s: only spe/provider/builtin may", path, imp)
			}
		}
	}
	if deps[module+"spe/provider/builtin"] == nil {
		t.Fatalf("go list found no spe/provider/builtin among the %d packages spell links", len(deps))
	}
}
