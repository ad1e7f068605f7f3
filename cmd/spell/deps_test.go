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
// stays in spell-lsp and the Temporal SDK in spell-temporal
// (TestSpellDoesNotLinkTemporal); the model SDKs, the MCP SDK and net/http
// (web/, HTTP MCP) and package net (the line editor's library links it)
// stay in spell-net, which spell execs for what needs them
// (cli.NetBinary), and so does spell test's runner (the testscript
// engine links testing and go/build); test-only modules stay in tests;
// no CLI framework (cmd/spell/cli/cmdline is built on package flag) and
// no template engine. Within spell-net
// the model SDKs are imported directly only by their two provider
// packages, which only spe/provider/builtin imports.
func TestStartupDeps(t *testing.T) {
	deps := listDeps(t, ".")
	module := "github.com/spell-go/spell/"
	forbidden := []string{"go.lsp.dev/", module + "lsp", "go.uber.org/goleak", "github.com/creack/pty",
		// spell-net's: the model SDKs and their clients, MCP, the network.
		"github.com/anthropics/", "github.com/openai/", "github.com/modelcontextprotocol/", "github.com/google/jsonschema-go",
		module + "spe/provider/builtin", module + "spe/provider/anthropic", module + "spe/provider/openai",
		module + "spe/mcp", module + "spe/web", module + "spe/online", module + "cmd/spell/cli/mcpcli",
		"net/http", "crypto/tls", "golang.org/x/net/",
		// The line editor's library links package net (spell-net has it).
		"github.com/chzyer/readline", module + "cmd/spell/cli/lineedit", module + "spe/provider/netclass",
		// spell test's runner: the testscript engine links testing and
		// go/build (internal/buildcfg, internal/platform), whose package
		// initialisation every start would pay.
		module + "cmd/spell/cli/testcli", "github.com/rogpeppe/go-internal/testscript", "testing", "go/build",
		// Unicode case mapping is eval's own (eval/casing.go): x/text's
		// language and cases tables were initialised at every start.
		"golang.org/x/text/",
		// urfave/cli v2 linked its man-page generator's markdown packages,
		// whose initialisation cost ~1.3 ms CPU and 762 allocations at
		// every start; v3's package inits, its per-run command setup and
		// its 51 itabs cost ~6 % of spell run -e, and it linked
		// text/template (help) and net/url: cmdline (on package flag)
		// replaced it, and help is written by plain Go code.
		"github.com/russross/blackfriday", "github.com/cpuguy83/go-md2man", "github.com/urfave/cli/",
		"text/template",
		// net/url links net/netip, whose initialisation runs unique.Make;
		// SARIF's URIs are escaped by cli's own sarifuri.go.
		"net/url", "net/netip",
		// Packages whose initialisation alone cost every start: yaml/v3
		// compiles two regexps (SKILL.md front matter is read with
		// goccy/go-yaml), go-udiff one (diffs are go-internal/diff's; its
		// lcs package, used by trace token diffs, is fine), runtime/metrics
		// builds its description table (eval's memory sampler reads
		// runtime.MemStats).
		"go.yaml.in/", "gopkg.in/yaml", "runtime/metrics",
		// crypto/sha256 and crypto/rand link the FIPS 140 module (AES-GCM,
		// SHA-3, SHA-512 and their self-test registrations), initialised
		// at every start: trace hashes prompts with its own SHA-256
		// (spe/trace/internal/sha256) and draws run ids from math/rand/v2.
		"crypto/"}
	if _, ok := deps["github.com/aymanbagabas/go-udiff"]; ok {
		t.Errorf("spell links github.com/aymanbagabas/go-udiff")
	}
	allowed := map[string]bool{module + "spe/mcp/mcpdoc": true, module + "spe/web/webconf": true}
	for path := range deps {
		for _, f := range forbidden {
			if (path == f || strings.HasPrefix(path, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(path, f+"/"))) && !allowed[path] {
				t.Errorf("spell links %s", path)
			}
		}
	}
	// Package net makes a binary dynamically linked where cgo is
	// available (its resolver): spell is static and starts without the
	// dynamic loader.
	if deps["net"] != nil {
		t.Errorf("spell links package net")
	}
	if deps[module+"spe"] == nil || deps[module+"spe/provider/offline"] == nil {
		t.Fatalf("go list found no spe or spe/provider/offline among the %d packages spell links", len(deps))
	}

	net := listDeps(t, "./spell-net")
	sdks := []string{"github.com/anthropics/anthropic-sdk-go", "github.com/openai/openai-go/"}
	clients := map[string]bool{module + "spe/provider/anthropic": true, module + "spe/provider/openai": true}
	for path, imports := range net {
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
	for _, p := range []string{"spe/provider/builtin", "spe/online", "cmd/spell/cli/mcpcli", "cmd/spell/cli/lineedit", "cmd/spell/cli/testcli"} {
		if net[module+p] == nil {
			t.Errorf("spell-net does not link %s", p)
		}
	}
}

// TestStartupInitialisesEarly checks what package startup relies on: it
// imports nothing and so initialises before the packages of the
// standard library that allocate or grow the main goroutine's stack
// (syscall did), as GODEBUG=inittrace=1 shows in a built spell.
func TestStartupInitialisesEarly(t *testing.T) {
	const pkg = "github.com/spell-go/spell/cmd/spell/internal/startup"
	deps := listDeps(t, ".")
	if imps, ok := deps[pkg]; !ok || len(imps) != 0 {
		t.Fatalf("spell links %s: %v, imports %v; it must be linked and import nothing", pkg, ok, imps)
	}
	bin := filepath.Join(t.TempDir(), "spell")
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(goCmd, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(cmd.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("spell --version: %v\n%s", err, out)
	}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "init" {
			order = append(order, f[1])
		}
	}
	at := func(p string) int {
		for i, q := range order {
			if q == p {
				return i
			}
		}
		t.Fatalf("no init of %s in the init trace:\n%s", p, out)
		return -1
	}
	s := at(pkg)
	for _, later := range []string{"syscall", "os", "unicode", "internal/godebug", "time"} {
		if l := at(later); s > l {
			t.Errorf("startup initialises after %s (%d > %d): %v", later, s, l, order[:s+1])
		}
	}
}
