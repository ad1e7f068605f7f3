package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// write creates a file under dir and returns its path.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, arg, cwd, user, project string) *Profile {
	t.Helper()
	p, err := Load(arg, cwd, user, project)
	if err != nil {
		t.Fatalf("Load(%q): %v", arg, err)
	}
	return p
}

func loadErr(t *testing.T, arg, cwd, user, project string) string {
	t.Helper()
	p, err := Load(arg, cwd, user, project)
	if err == nil {
		t.Fatalf("Load(%q) succeeded: %+v", arg, p)
	}
	return err.Error()
}

func TestEmbeddedProfiles(t *testing.T) {
	if got, want := Embedded(), []string{"base", "cli", "explore", "readonly"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Embedded() = %v, want %v", got, want)
	}
	cwd := t.TempDir()

	base := mustLoad(t, "base", cwd, "", "")
	if len(base.Namespaces) != 0 || len(base.AvailableAgents) != 0 {
		t.Errorf("base: namespaces %v, workers %v; want none", base.Namespaces, base.AvailableAgents)
	}
	if base.Name != "base" || base.Source != "embedded:base" || !base.Recover || base.MaxConsecutiveErrors != 3 || base.FormatRetries != 3 {
		t.Errorf("base defaults wrong: %+v", base)
	}

	cli := mustLoad(t, "", cwd, "", "") // default agent
	if cli.Name != "cli" {
		t.Fatalf("default agent = %s, want cli", cli.Name)
	}
	if got := cli.NamespaceNames(); !reflect.DeepEqual(got, []string{"agents", "globals", "io", "web"}) {
		t.Errorf("cli namespaces = %v", got)
	}
	io := cli.Namespaces["io"]
	if io.Stdlib != "io" || io.Subsets != (Subsets{Read: true, Write: true, Exec: true}) || io.Items != nil {
		t.Errorf("cli io = %+v", io)
	}
	if !io.Grants("io", "sh") || !io.Grants("io", "write-file") || !io.Grants("io", "read-file") {
		t.Errorf("cli io should grant sh, write-file and read-file")
	}
	if len(cli.AvailableAgents) != 1 || cli.AvailableAgents[0].Name != "explore" || cli.AvailableAgents[0].Source != "embedded:explore" {
		t.Errorf("cli workers = %+v", cli.AvailableAgents)
	}
	worker, err := LoadRef(cli.AvailableAgents[0], "", "")
	if err != nil || worker.Name != "explore" {
		t.Fatalf("LoadRef(explore) = %+v, %v", worker, err)
	}

	for _, name := range []string{"readonly", "explore"} {
		p := mustLoad(t, name, cwd, "", "")
		if got := p.NamespaceNames(); !reflect.DeepEqual(got, []string{"io", "web"}) {
			t.Errorf("%s namespaces = %v", name, got)
		}
		io := p.Namespaces["io"]
		if io.Subsets != (Subsets{Read: true}) {
			t.Errorf("%s io subsets = %v, want read only", name, io.Subsets)
		}
		if io.Grants("io", "write-file") || io.Grants("io", "sh") || !io.Grants("io", "grep") {
			t.Errorf("%s io grants wrong", name)
		}
		if len(p.AvailableAgents) != 0 {
			t.Errorf("%s workers = %v", name, p.AvailableAgents)
		}
		if p.Description == "" {
			t.Errorf("%s has no description", name)
		}
	}
}

// TestScenarioS05 is the profile of scenario S05: io bound to io-read on
// top of base, given to -a as a file name relative to the working
// directory.
func TestScenarioS05(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "io-read.agent.edn", "{:base base :namespaces {io stdlib/io-read}}\n")
	p := mustLoad(t, "io-read.agent.edn", cwd, "", "")
	if p.Name != "io-read" {
		t.Errorf("name = %q, want io-read (file stem)", p.Name)
	}
	if got := p.NamespaceNames(); !reflect.DeepEqual(got, []string{"io"}) {
		t.Fatalf("namespaces = %v, want [io]", got)
	}
	io := p.Namespaces["io"]
	if io.Stdlib != "io" || io.Subsets != (Subsets{Read: true}) || io.Items != nil || io.Merged != nil {
		t.Errorf("io = %+v, want io with Read only", io)
	}
	if !reflect.DeepEqual(p.Chain, []string{filepath.Join(cwd, "io-read.agent.edn"), "embedded:base"}) {
		t.Errorf("chain = %v", p.Chain)
	}
	if len(p.AvailableAgents) != 0 {
		t.Errorf("workers inherited from base should be none, got %v", p.AvailableAgents)
	}
}

func TestUnknownKeyPositionAndHint(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "io-read.agent.edn", "{:namspaces {io stdlib/io-read}}\n")
	got := loadErr(t, "io-read.agent.edn", cwd, "", "")
	want := "io-read.agent.edn:1:2: unknown key :namspaces (did you mean :namespaces?)"
	if got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}

	write(t, cwd, "b.agent.edn", "{:base base\n :sandbox {:root \".\"\n           :sh-timeout 5}}\n")
	got = loadErr(t, "b.agent.edn", cwd, "", "")
	want = "b.agent.edn:3:12: unknown key :sh-timeout in :sandbox (did you mean :sh-timeout-sec?)"
	if got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}

	write(t, cwd, "c.agent.edn", "{:frobnicate 1}")
	if got := loadErr(t, "c.agent.edn", cwd, "", ""); got != "c.agent.edn:1:2: unknown key :frobnicate" {
		t.Errorf("error without hint = %q", got)
	}
}

func TestErrorsNamePositions(t *testing.T) {
	cwd := t.TempDir()
	cases := []struct{ src, want string }{
		{"[1 2]", "x.agent.edn:1:1: an agent profile must be a map"},
		{"{:recover 1}", "x.agent.edn:1:11: :recover must be true or false, got 1"},
		{"{:max-consecutive-errors 0}", "x.agent.edn:1:26: :max-consecutive-errors must be an integer of at least 1, got 0"},
		{"{:context-max-chars 100}", "x.agent.edn:1:21: :context-max-chars must be an integer of at least 128"},
		{"{:namespaces {io stdlib/iox}}", "x.agent.edn:1:18: unknown namespace reference stdlib/iox (did you mean stdlib/io?)"},
		{"{:namespaces {io io-read}}", "x.agent.edn:1:18: unknown namespace reference io-read (did you mean stdlib/io-read?)"},
		{"{:namespaces {io \"stdlib/io\"}}", "x.agent.edn:1:18: namespace references are symbols"},
		{"{:namespaces {io tools.clj/io}}", "x.agent.edn:1:18: host-code namespace reference tools.clj/io is not supported"},
		{"{:namespaces {io {:file \"x.clj\" :items [a]}}}", "x.agent.edn:1:18: host-code namespace reference"},
		{"{:namespaces {strings stdlib/web}}", "x.agent.edn:1:15: :namespaces cannot bind strings"},
		{"{:namespaces {io stdlib/io-read/write-file}}", "x.agent.edn:1:18: stdlib/io-read has no item write-file"},
		{"{:namespaces {p stdlib/patterns}}", "x.agent.edn:1:17: stdlib/patterns is not available in this version of Spell-Go (specified in effects.md §8, not built)"},
		{"{:namespaces {f [stdlib/io-read stdlib/feedback/log]}}", "x.agent.edn:1:33: stdlib/feedback/log is not available in this version of Spell-Go (specified in effects.md §7, not built)"},
		{"{:namespaces {notes {:file \"missing.txt\"}}}", "x.agent.edn:1:21: namespace file: no such file or directory"},
		{"{:base nowhere}", "x.agent.edn:1:8: agent profile \"nowhere\" not found"},
		{"{:base \"sub/none.agent.edn\"}", "x.agent.edn:1:8: :base agent profile sub/none.agent.edn: no such file or directory"},
		{"{:available-agents [nobody]}", "x.agent.edn:1:21: agent profile \"nobody\" not found"},
		{"{:reasoning-effort :extreme}", "x.agent.edn:1:20: :reasoning-effort must be one of"},
		{"{:format {:required [\"a\"]}}", "x.agent.edn:1:22: :format :required must hold keywords"},
		{"{:format {:requird [:a]}}", "x.agent.edn:1:11: unknown key :requird in :format (did you mean :required?)"},
		{"{:recover true :recover false}", "x.agent.edn:1:"},
		{"{:system-prompt {:file \"p.txt\"}}", "x.agent.edn:1:17: :system-prompt file: no such file or directory"},
		{"{:mcp-servers {mcp {:server \"a.mcp.edn\"}}}", "x.agent.edn:1:16: MCP alias mcp is reserved"},
		{"{:a 1", "x.agent.edn:1:"},
	}
	for _, c := range cases {
		write(t, cwd, "x.agent.edn", c.src)
		got := loadErr(t, "x.agent.edn", cwd, "", "")
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\n got  %q\n want prefix %q", c.src, got, c.want)
		}
	}
}

func TestInheritanceAndMerge(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "notes.txt", "remember the milk")
	write(t, cwd, "parent.agent.edn", `{:base cli
 :agent-description "parent"
 :max-consecutive-errors 5
 :default-budget 2
 :sandbox {:root "ws" :env-allow ["GOPATH"]}
 :mcp-servers {gh {:server "gh.mcp.edn" :tools :all}}
 :namespaces {notes {:file "notes.txt"}}}`)
	write(t, cwd, "sub/child.agent.edn", `{:base "../parent.agent.edn"
 :agent-name reviewer
 :namespaces {io stdlib/io-read web nil extra [stdlib/globals stdlib/io-exec/sh stdlib/io-read/grep]}
 :mcp-servers {docs {:server "docs.mcp.edn"}}
 :recover false
 :available-agents {scout explore}
 :format {:required [:answer] :optional [:notes]}
 :prefill? false
 :thinking 2048
 :model "anthropic:claude-sonnet-5-5"}`)
	p := mustLoad(t, "sub/child.agent.edn", cwd, "", "")

	if p.Name != "reviewer" || p.Description != "parent" {
		t.Errorf("name/description = %q/%q", p.Name, p.Description)
	}
	if p.MaxConsecutiveErrors != 5 || p.DefaultBudget == nil || *p.DefaultBudget != 2 || p.Recover {
		t.Errorf("scalars: mce %d budget %v recover %v", p.MaxConsecutiveErrors, p.DefaultBudget, p.Recover)
	}
	if p.Sandbox.Root != filepath.Join(cwd, "ws") || !reflect.DeepEqual(p.Sandbox.EnvAllow, []string{"GOPATH"}) {
		t.Errorf("sandbox = %+v", p.Sandbox)
	}
	// :namespaces merge by key: io replaced, web removed by nil, agents and
	// globals inherited from cli, notes from parent, extra added.
	if got := p.NamespaceNames(); !reflect.DeepEqual(got, []string{"agents", "extra", "globals", "io", "notes"}) {
		t.Fatalf("namespaces = %v", got)
	}
	if io := p.Namespaces["io"]; io.Subsets != (Subsets{Read: true}) {
		t.Errorf("io = %+v", io)
	}
	if n := p.Namespaces["notes"]; !n.IsFile() || n.FileText != "remember the milk" || n.File != filepath.Join(cwd, "notes.txt") {
		t.Errorf("notes = %+v", n)
	}
	extra := p.Namespaces["extra"]
	parts := extra.Parts()
	if len(parts) != 2 || parts[0].Stdlib != "globals" || parts[1].Stdlib != "io" {
		t.Fatalf("extra parts = %+v", parts)
	}
	if parts[1].Subsets != (Subsets{Read: true, Exec: true}) || !reflect.DeepEqual(parts[1].Items, []string{"grep", "sh"}) {
		t.Errorf("extra io part = %+v", parts[1])
	}
	if !extra.Grants("io", "sh") || extra.Grants("io", "exec") || !extra.Grants("globals", "get") {
		t.Errorf("extra grants wrong")
	}
	// :mcp-servers merge by key.
	if len(p.MCPServers) != 2 || p.MCPServers["gh"].Grant != `{:server "gh.mcp.edn", :tools :all}` || p.MCPServers["docs"].Alias != "docs" {
		t.Errorf("mcp = %+v", p.MCPServers)
	}
	// :available-agents replaced wholesale.
	if len(p.AvailableAgents) != 1 || p.AvailableAgents[0].Name != "scout" || p.AvailableAgents[0].Source != "embedded:explore" {
		t.Errorf("workers = %+v", p.AvailableAgents)
	}
	if p.Format == nil || !reflect.DeepEqual(p.Format.Required, []string{"answer"}) || !reflect.DeepEqual(p.Format.Optional, []string{"notes"}) {
		t.Errorf("format = %+v", p.Format)
	}
	if p.Prefill == nil || *p.Prefill || p.Thinking == nil || *p.Thinking != 2048 || p.Model != "anthropic:claude-sonnet-5-5" {
		t.Errorf("model overrides wrong: %+v", p)
	}
	wantChain := []string{filepath.Join(cwd, "sub", "child.agent.edn"), filepath.Join(cwd, "parent.agent.edn"), "embedded:cli"}
	if !reflect.DeepEqual(p.Chain, wantChain) {
		t.Errorf("chain = %v", p.Chain)
	}

	// The parent itself is unchanged by loading the child.
	parent := mustLoad(t, "parent.agent.edn", cwd, "", "")
	if got := parent.NamespaceNames(); !reflect.DeepEqual(got, []string{"agents", "globals", "io", "notes", "web"}) {
		t.Errorf("parent namespaces = %v", got)
	}
	if parent.Name != "parent" || !parent.Recover {
		t.Errorf("parent = %+v", parent)
	}
}

func TestSystemPromptFile(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "cfg/prompt.txt", "Custom base text.")
	write(t, cwd, "cfg/a.agent.edn", `{:base base :system-prompt {:file "prompt.txt"}}`)
	p := mustLoad(t, "cfg/a.agent.edn", cwd, "", "")
	if p.SystemPrompt != "Custom base text." || p.SystemPromptFile != filepath.Join(cwd, "cfg", "prompt.txt") {
		t.Errorf("system prompt = %q from %q", p.SystemPrompt, p.SystemPromptFile)
	}
	write(t, cwd, "b.agent.edn", `{:base "cfg/a.agent.edn" :system-prompt "Inline."}`)
	if p := mustLoad(t, "b.agent.edn", cwd, "", ""); p.SystemPrompt != "Inline." || p.SystemPromptFile != "" {
		t.Errorf("inline system prompt = %q (%q)", p.SystemPrompt, p.SystemPromptFile)
	}
}

func TestCycle(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "a.agent.edn", `{:base "b.agent.edn"}`)
	write(t, cwd, "b.agent.edn", `{:base "a.agent.edn"}`)
	got := loadErr(t, "a.agent.edn", cwd, "", "")
	a, b := filepath.Join(cwd, "a.agent.edn"), filepath.Join(cwd, "b.agent.edn")
	want := "agent profile cycle: " + a + " -> " + b + " -> " + a
	if got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}
	write(t, cwd, "self.agent.edn", `{:base "./self.agent.edn"}`)
	if got := loadErr(t, "self.agent.edn", cwd, "", ""); !strings.HasPrefix(got, "agent profile cycle: ") {
		t.Errorf("self cycle: %q", got)
	}
	// Named cycle through the project directory.
	proj := filepath.Join(t.TempDir(), ".spell")
	write(t, proj, "agents/x.agent.edn", "{:base y}")
	write(t, proj, "agents/y.agent.edn", "{:base x}")
	got = loadErr(t, "x", cwd, "", proj)
	if !strings.HasPrefix(got, "agent profile cycle: ") || !strings.Contains(got, "x.agent.edn -> ") || !strings.Contains(got, "y.agent.edn -> ") {
		t.Errorf("named cycle: %q", got)
	}
}

func TestPrecedenceAndPathLookup(t *testing.T) {
	cwd := t.TempDir()
	user := filepath.Join(t.TempDir(), "spell")
	proj := filepath.Join(t.TempDir(), ".spell")

	// embedded only
	if p := mustLoad(t, "readonly", cwd, user, proj); p.Source != "embedded:readonly" {
		t.Fatalf("source = %s", p.Source)
	}
	// user overrides embedded
	write(t, user, "agents/readonly.agent.edn", `{:agent-description "user readonly" :namespaces {io stdlib/io-read}}`)
	if p := mustLoad(t, "readonly", cwd, user, proj); p.Description != "user readonly" || p.Source != filepath.Join(user, "agents", "readonly.agent.edn") {
		t.Fatalf("user: %+v", p)
	}
	// project overrides user
	write(t, proj, "agents/readonly.agent.edn", `{:agent-description "project readonly"}`)
	if p := mustLoad(t, "readonly", cwd, user, proj); p.Description != "project readonly" {
		t.Fatalf("project: %+v", p)
	}
	// A project profile whose :base names its own name extends the next
	// lower level (user), which in turn may extend the embedded one.
	write(t, proj, "agents/cli.agent.edn", `{:base cli :agent-description "project cli"}`)
	write(t, user, "agents/cli.agent.edn", `{:base cli :max-consecutive-errors 7}`)
	p := mustLoad(t, "cli", cwd, user, proj)
	if p.Description != "project cli" || p.MaxConsecutiveErrors != 7 || len(p.Namespaces) != 4 {
		t.Errorf("layered cli: %+v", p)
	}
	if len(p.Chain) != 3 || p.Chain[2] != "embedded:cli" {
		t.Errorf("layered chain = %v", p.Chain)
	}
	// A path argument never searches the directories; a name never reads
	// the working directory.
	write(t, cwd, "readonly.agent.edn", `{:agent-description "cwd readonly"}`)
	if p := mustLoad(t, "readonly.agent.edn", cwd, user, proj); p.Description != "cwd readonly" {
		t.Errorf("path lookup: %+v", p)
	}
	if p := mustLoad(t, "./readonly.agent.edn", cwd, user, proj); p.Description != "cwd readonly" {
		t.Errorf("./ path lookup: %+v", p)
	}
	if p := mustLoad(t, "readonly", cwd, user, proj); p.Description != "project readonly" {
		t.Errorf("name lookup read the cwd file: %+v", p)
	}
	// A relative :base path resolves against the profile's directory.
	write(t, proj, "agents/lib/common.agent.edn", `{:base base :default-model-profile anthropic}`)
	write(t, proj, "agents/team.agent.edn", `{:base "lib/common.agent.edn"}`)
	if p := mustLoad(t, "team", cwd, user, proj); p.DefaultModelProfile != "anthropic" {
		t.Errorf("relative base: %+v", p)
	}
	// Unknown name.
	got := loadErr(t, "nosuch", cwd, user, proj)
	if !strings.Contains(got, `agent profile "nosuch" not found`) || !strings.Contains(got, "base, cli, explore, readonly") {
		t.Errorf("not found: %q", got)
	}
	if !IsPath("a/b") || !IsPath("x.agent.edn") || IsPath("cli") {
		t.Errorf("IsPath wrong")
	}
}

func TestConfigDirs(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	d := ConfigDirs(sub)
	if d.Project != filepath.Join(root, ".spell") || d.User != "/xdg/spell" {
		t.Errorf("ConfigDirs = %+v", d)
	}
}

// TestDirsExisting: Existing drops only the directories that do not exist
// (a run looks nothing up in them; issue 11, start-up).
func TestDirsExisting(t *testing.T) {
	root := t.TempDir()
	project := filepath.Join(root, ".spell")
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want Dirs }{
		{Dirs{Project: project, User: filepath.Join(root, "absent")}, Dirs{Project: project}},
		{Dirs{Project: filepath.Join(root, "absent"), User: project}, Dirs{User: project}},
		{Dirs{Project: filepath.Join(file, "x")}, Dirs{Project: filepath.Join(file, "x")}}, // not a directory: its errors stay
		{Dirs{}, Dirs{}},
	} {
		if got := c.in.Existing(); got != c.want {
			t.Errorf("%+v.Existing() = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestEmbeddedParsedOnce: an embedded profile is parsed once per process
// (a run loads the default twice: spe.NeedsOf, then spe.Open), and every
// Load still returns a profile of its own.
func TestEmbeddedParsedOnce(t *testing.T) {
	useTable = false // the profiles the table holds are not parsed at all
	defer func() { useTable = true }()
	dir := t.TempDir()
	p1, err := Load("", dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := Load("", dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p1, p2) {
		t.Fatalf("the second Load differs:\n%+v\n%+v", p1, p2)
	}
	embeddedDocs.Lock()
	n := len(embeddedDocs.m)
	embeddedDocs.Unlock()
	if n == 0 {
		t.Error("no parsed embedded profile was kept")
	}
	for k := range p1.Namespaces {
		delete(p1.Namespaces, k)
	}
	p1.Chain[0] = "changed"
	p3, err := Load("", dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p2, p3) {
		t.Fatalf("changing a loaded profile changed a later Load:\n%+v\n%+v", p2, p3)
	}
}

// TestEmbeddedExists checks the existence test against EmbeddedSource for
// the embedded profiles and a name that is not one.
func TestEmbeddedExists(t *testing.T) {
	for _, name := range append(Embedded(), "main", "", "no-such-agent", "../agents/main", "cli.agent.edn", "agents/cli") {
		_, want := EmbeddedSource(name)
		if got := embeddedExists(name); got != want {
			t.Errorf("embeddedExists(%q) = %v, EmbeddedSource says %v", name, got, want)
		}
	}
	if !embeddedExists(DefaultAgent) {
		t.Errorf("the default agent %q is not embedded", DefaultAgent)
	}
}
