package spe

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/mcp/mcpdoc"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
	"github.com/spell-go/spell/spe/skills"
)

// extensions are what an agent gets besides its profile's namespaces:
// the discovered skills (effects.md §9) and its MCP servers (§10).
type extensions struct {
	skills *skills.Set
}

// NetEffects are the effects that reach the network, which spe does not
// link (the MCP SDK, net/http): the command that runs them registers their
// implementations with RegisterNet (spe/online.Register: spe/web and
// spe/mcp), so that what links spe alone starts fast (issue 11, start-up).
type NetEffects struct {
	// Web builds the web/ namespace of one agent (effects.md §2). nil:
	// the namespace exists and each member fails with ErrNotLinked.
	Web func(WebSetup) (*value.Map, error)
	// WebOpen, when set, is Web in two steps, which sessions prefer: it
	// reports Web's errors and returns the builder of the map, which a
	// session calls when a program first uses web/ (issue 11, start-up).
	WebOpen func(WebSetup) (build func() *value.Map, err error)
	// MCP connects the MCP servers of one agent (effects.md §10). nil: a
	// profile with :mcp-servers is a configuration error (ErrNotLinked).
	MCP func(context.Context, MCPSetup) (MCPServers, error)
}

// ErrNotLinked is the cause of using an effect whose implementation was
// not registered (RegisterNet).
var ErrNotLinked = errors.New("not linked into this executable")

// NetHook wraps every call of a network effect member: the runtime traces it
// and, on resume, returns the recorded result instead (effects.md §0).
type NetHook func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error)

// WebSetup configures the web/ namespace of one agent.
type WebSetup struct {
	UserDir, ProjectDir string // where web.edn is read
	// Existing is UserDir and ProjectDir as Open found them, "" for one
	// that did not exist: where web.edn can be checked when the run opens
	// without another look at the disk (issue 11, start-up).
	Existing        profile.Dirs
	AllowPrivateNet bool
	Getenv          func(string) string // SERPER_API_KEY
	Version         string              // the user agent's
	Hook            NetHook
}

// MCPSetup configures the MCP servers of one agent (spe/mcp.Setup).
type MCPSetup struct {
	Grants              map[string]profile.MCPGrant
	Reserved            []string // the agent's namespace names, which an alias may not take
	UserDir, ProjectDir string   // where server profiles are found
	Getenv              func(string) string
	Environ             []string
	Cwd                 string
	AllowPrivateNet     bool
	Version             string
	Hook                NetHook
	// Send delivers mcp/listen-send's notifications to an agent.
	Send func(handle value.Value) (func(body value.Value) error, error)
	// Warn reports a server that could not be reached.
	Warn func(string)
	// Secrets receives the secrets the servers were given, for the
	// trace's redactor, even when connecting fails.
	Secrets func([]string)
}

// MCPServers are the connected MCP servers of one agent.
type MCPServers interface {
	// Namespaces are the alias/ namespaces and mcp/.
	Namespaces() map[string]*value.Map
	Close()
}

var netEffects atomic.Pointer[NetEffects]

// RegisterNet sets the implementations of the network effects for every
// session opened afterwards.
func RegisterNet(n NetEffects) { netEffects.Store(&n) }

func registeredNet() NetEffects {
	if n := netEffects.Load(); n != nil {
		return *n
	}
	return NetEffects{}
}

// mcpRegistries are the MCP connections of a run's agents.
type mcpRegistries struct {
	mu   sync.Mutex
	regs []MCPServers
}

func (m *mcpRegistries) add(r MCPServers) {
	m.mu.Lock()
	m.regs = append(m.regs, r)
	m.mu.Unlock()
}

func (m *mcpRegistries) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.regs {
		r.Close()
	}
	m.regs = nil
}

// openMCP connects the MCP servers prof grants and adds their alias/
// namespaces and mcp/ to ns. A missing secret or an unreadable server
// profile is a configuration error; a server that cannot be reached is a
// warning (its tools are absent, mcp/info says why). atOpen adds the
// secrets to the trace's redactor, which may change only before the run
// starts (a worker compiled later relies on the MCP client's own
// redaction of everything a server sends).
func (s *Session) openMCP(prof *profile.Profile, root string, ns map[string]*value.Map, atOpen bool) error {
	if len(prof.MCPServers) == 0 {
		return nil
	}
	open := registeredNet().MCP
	if open == nil {
		return configErr("%s grants MCP servers (:mcp-servers): MCP is %v", prof.Name, ErrNotLinked)
	}
	setup := MCPSetup{
		Grants: prof.MCPServers, Reserved: prof.NamespaceNames(),
		UserDir: s.dirs.User, ProjectDir: s.dirs.Project,
		Getenv: s.cfg.Getenv, Environ: s.cfg.Environ, Cwd: root,
		AllowPrivateNet: s.sandboxOf(prof).privNet, Version: s.cfg.Version,
		Hook: s.RT.Hook, Send: s.RT.mcpListen,
		Warn: func(msg string) { warnf(s.cfg.Stderr, "%s", msg) },
	}
	if atOpen {
		setup.Secrets = func(secrets []string) { s.redact.Add(secrets...) }
	}
	reg, err := open(context.Background(), setup)
	if err != nil {
		return configErr("%v", err)
	}
	s.mcp.add(reg)
	for name, m := range reg.Namespaces() {
		ns[name] = m
	}
	return nil
}

// webNamespace builds the web/ namespace of an agent with the registered
// implementation; without one, each member fails with ErrNotLinked.
func (s *Session) webNamespace(rt *Runtime, sb sandbox) (*value.Map, error) {
	open := registeredNet().Web
	if open == nil {
		return notLinkedNamespace("web"), nil
	}
	return open(s.webSetup(rt, sb))
}

func (s *Session) webSetup(rt *Runtime, sb sandbox) WebSetup {
	dirs := s.dirs // ConfigDirs(s.cfg.Cwd), found by Open
	return WebSetup{UserDir: dirs.User, ProjectDir: dirs.Project, Existing: s.look, AllowPrivateNet: sb.privNet,
		Getenv: s.cfg.Getenv, Version: s.cfg.Version, Hook: rt.Hook}
}

// notLinkedNamespace is a namespace whose every member exists (so programs
// and docs see the real catalogue) and fails with ErrNotLinked.
func notLinkedNamespace(ns string) *value.Map {
	m := value.NewMap(value.Kw("short-docs"), "The "+ns+" namespace (not linked into this executable).")
	for e := range catalog.Members(ns) {
		name := e.Name
		b := &eval.Builtin{Name: name, Min: e.MinArgs, Max: e.MaxArgs, Fn: func(*eval.Call, []value.Value) (value.Value, error) {
			return nil, eval.Errorf("%s: the %s namespace is %v", name, ns, ErrNotLinked)
		}}
		m = m.Assoc(value.Kw(strings.TrimPrefix(name, ns+"/")), b)
	}
	return m
}

// discoverSkills finds the skills of the working directory, the user and
// the bundled ones, and prints the diagnostics of invalid files on stderr
// (never shown to the model).
func (o *opening) discoverSkills() error {
	// The project root resumeRun found (o.dirs.Project is ROOT/.spell):
	// the walk up to / for .git is made once per run (issue 11, start-up).
	root := filepath.Dir(o.dirs.Project)
	if root == o.cfg.Cwd {
		root = ""
	}
	o.ext.skills = discoverSkillsIn(o.cfg.Cwd, root, o.cfg.Getenv("HOME"), o.cfg.Stderr)
	return nil
}

// DiscoverSkills finds the skills an agent started in cwd gets (home is
// $HOME, "" for none) and writes the bounded diagnostics of invalid files
// to stderr as warnings.
func DiscoverSkills(cwd, home string, stderr io.Writer) *skills.Set {
	return discoverSkillsIn(cwd, repoRoot(cwd), home, stderr)
}

// discoverSkillsIn is DiscoverSkills with the repository root above cwd
// found (repoRoot).
func discoverSkillsIn(cwd, repo, home string, stderr io.Writer) *skills.Set {
	set := skills.Discover(cwd, skills.Sources(cwd, repo, home, nil))
	_ = set.Catalogue() // decides what the catalogue drops, for the warning
	for _, w := range set.Warnings() {
		warnf(stderr, "skill %s", w)
	}
	return set
}

// SkillDocs is the NAMESPACES entry of a skill set: the catalogue, or
// nothing when there are no skills.
func SkillDocs(set *skills.Set) []prompt.NamespaceDoc {
	if set == nil || len(set.Skills) == 0 {
		return nil
	}
	return []prompt.NamespaceDoc{{Name: "skills", ShortDoc: skills.ShortDocs, Catalogue: set.Catalogue()}}
}

// repoRoot is the repository root above cwd, or "" outside a repository
// (skills are then looked up in cwd alone).
func repoRoot(cwd string) string {
	r := profile.ProjectRoot(cwd)
	if r == cwd {
		return ""
	}
	return r
}

// promptDocs are the NAMESPACES entries of the extensions: the skills
// catalogue when there are skills, and the MCP namespaces of the grants
// (in Spell-Go's words only: server text never enters the system prompt,
// effects.md §11.5).
func (o *opening) promptDocs() []prompt.NamespaceDoc { return o.ext.promptDocsFor(o.prof) }

// promptDocsFor is promptDocs for the agent of profile p (a worker).
func (e extensions) promptDocsFor(p *profile.Profile) []prompt.NamespaceDoc {
	return append(SkillDocs(e.skills), MCPDocs(p.MCPServers)...)
}

// MCPDocs are the NAMESPACES entries of MCP grants: mcp/ and one summary
// entry per alias, without server text.
func MCPDocs(grants map[string]profile.MCPGrant) []prompt.NamespaceDoc {
	if len(grants) == 0 {
		return nil
	}
	d := prompt.NamespaceDoc{Name: "mcp", ShortDoc: mcpdoc.ShortDocs}
	for _, f := range mcpdoc.Functions() {
		d.Functions = append(d.Functions, prompt.FunctionDoc{Usage: f[0], Doc: f[1]})
	}
	out := []prompt.NamespaceDoc{d}
	for _, alias := range sortedAliases(grants) {
		out = append(out, prompt.NamespaceDoc{Name: alias, Summary: true,
			ShortDoc: "MCP server " + alias + ": tools called as (" + alias + "/TOOL {\"arg\" value}), each returning an envelope"})
	}
	return out
}

func sortedAliases(m map[string]profile.MCPGrant) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// core are the core namespaces the extensions replace.
func (o *opening) core() map[string]*value.Map {
	if o.ext.skills == nil || len(o.ext.skills.Skills) == 0 {
		return nil
	}
	return map[string]*value.Map{"skills": o.ext.skills.Namespace()}
}
