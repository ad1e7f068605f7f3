package spe

import (
	"context"
	"io"
	"sort"
	"sync"

	"github.com/spell-go/spell/eval/value"
	spellmcp "github.com/spell-go/spell/spe/mcp"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
	"github.com/spell-go/spell/spe/skills"
)

// extensions are what an agent gets besides its profile's namespaces:
// the discovered skills (effects.md §9) and its MCP servers (§10).
type extensions struct {
	skills *skills.Set
}

// mcpRegistries are the MCP connections of a run's agents.
type mcpRegistries struct {
	mu   sync.Mutex
	regs []*spellmcp.Registry
}

func (m *mcpRegistries) add(r *spellmcp.Registry) {
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
	red := &spellmcp.Redactor{}
	reg, err := spellmcp.Open(context.Background(), spellmcp.Setup{
		Grants: prof.MCPServers, Reserved: prof.NamespaceNames(),
		Dirs:   spellmcp.Dirs{Project: s.dirs.Project, User: s.dirs.User},
		Getenv: s.cfg.Getenv, Environ: s.cfg.Environ, Cwd: root,
		AllowPrivateNet: s.sandboxOf(prof).privNet, Version: s.cfg.Version,
		Hook: spellmcp.Hook(s.RT.Hook), Redactor: red, Send: s.RT.mcpListen,
		Warn: func(msg string) { warnf(s.cfg.Stderr, "%s", msg) },
	})
	if atOpen {
		s.redact.Add(red.Secrets()...)
	}
	if err != nil {
		return configErr("%v", err)
	}
	s.mcp.add(reg)
	for name, m := range reg.Namespaces() {
		ns[name] = m
	}
	return nil
}

// discoverSkills finds the skills of the working directory, the user and
// the bundled ones, and prints the diagnostics of invalid files on stderr
// (never shown to the model).
func (o *opening) discoverSkills() error {
	o.ext.skills = DiscoverSkills(o.cfg.Cwd, o.cfg.Getenv("HOME"), o.cfg.Stderr)
	return nil
}

// DiscoverSkills finds the skills an agent started in cwd gets (home is
// $HOME, "" for none) and writes the bounded diagnostics of invalid files
// to stderr as warnings.
func DiscoverSkills(cwd, home string, stderr io.Writer) *skills.Set {
	set := skills.Discover(cwd, skills.Sources(cwd, repoRoot(cwd), home, nil))
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
func (o *opening) promptDocs() []prompt.NamespaceDoc { return o.promptDocsFor(o.prof) }

// promptDocsFor is promptDocs for the agent of profile p (a worker).
func (o *opening) promptDocsFor(p *profile.Profile) []prompt.NamespaceDoc {
	return append(SkillDocs(o.ext.skills), MCPDocs(p.MCPServers)...)
}

// MCPDocs are the NAMESPACES entries of MCP grants: mcp/ and one summary
// entry per alias, without server text.
func MCPDocs(grants map[string]profile.MCPGrant) []prompt.NamespaceDoc {
	if len(grants) == 0 {
		return nil
	}
	d := prompt.NamespaceDoc{Name: "mcp", ShortDoc: spellmcp.MCPShortDocs}
	for _, f := range spellmcp.MCPFunctions() {
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
