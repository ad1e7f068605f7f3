package lint

import (
	"strings"
	"sync"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/spe/profile"
)

// Namespace is a namespace the analysis knows: a core one (strings, math,
// builtins, skills, blocking) or an effect namespace of the agent profile.
type Namespace struct {
	Name string
	// Effect is set for namespaces bound only while eval runs.
	Effect bool
	// Members are the member names (without the namespace); nil means any
	// member is accepted (documentation namespaces, MCP aliases). The
	// namespaces of ProfileNamespaces fill it on first use: read it
	// through HasMember or MemberSet.
	Members map[string]bool

	// fill, when set, makes Members on first use (a file that names no
	// namespace member builds no member set: issue 11, start-up).
	fill     func() map[string]bool
	fillOnce sync.Once
}

// MemberSet returns Members, made first if the namespace makes it on use.
func (ns *Namespace) MemberSet() map[string]bool {
	if ns.fill != nil {
		ns.fillOnce.Do(func() { ns.Members = ns.fill() })
	}
	return ns.Members
}

// HasMember reports whether the namespace has member m. Documentation keys
// (short-docs, docs, detail, disclosure) are members of every namespace.
func (ns *Namespace) HasMember(m string) bool {
	members := ns.MemberSet()
	if members == nil {
		return true
	}
	switch m {
	case "short-docs", "docs", "detail", "disclosure":
		return true
	}
	return members[m]
}

// Options configure Analyze.
type Options struct {
	// Namespaces are the namespaces the program may use, by name. Nil means
	// DefaultNamespaces (the core namespaces and those of the default
	// agent profile, cli).
	Namespaces map[string]*Namespace
}

// namespaces returns the namespaces the analysis resolves against:
// Opts.Namespaces, or DefaultNamespaces when they are nil (made then, on
// the first name that needs them).
func (a *Analysis) namespaces() map[string]*Namespace {
	if a.Opts.Namespaces != nil {
		return a.Opts.Namespaces
	}
	return DefaultNamespaces()
}

func catalogMembers(ns string) map[string]bool {
	m := map[string]bool{}
	for e := range catalog.Members(ns) {
		m[strings.TrimPrefix(e.Name, ns+"/")] = true
	}
	return m
}

// coreNamespaces are the namespaces every program has.
func coreNamespaces() map[string]*Namespace {
	return map[string]*Namespace{
		"strings":  {Name: "strings", fill: catalogFill("strings")},
		"math":     {Name: "math", fill: catalogFill("math")},
		"builtins": {Name: "builtins"},
		"skills":   {Name: "skills"},
		// blocking exists inside futures started under eval; its members
		// are fixed by the catalogue.
		"blocking": {Name: "blocking", Effect: true, fill: catalogFill("blocking")},
	}
}

// catalogFill makes the member set of catalogue namespace ns on use.
func catalogFill(ns string) func() map[string]bool {
	return func() map[string]bool { return catalogMembers(ns) }
}

// ProfileNamespaces returns the core namespaces plus the effect namespaces
// an agent profile grants (with their granted members), its MCP aliases and
// workers/ when it has available agents. A {:file …} binding is a text
// value, not a namespace, and is left out.
func ProfileNamespaces(p *profile.Profile) map[string]*Namespace {
	out := coreNamespaces()
	if p == nil {
		return out
	}
	for name, ref := range p.Namespaces {
		if ref.IsFile() {
			continue
		}
		ref := ref
		out[name] = &Namespace{Name: name, Effect: true, fill: func() map[string]bool {
			members := map[string]bool{}
			for _, part := range ref.Parts() {
				if part.Stdlib == "" {
					return nil
				}
				for _, m := range part.Members() {
					members[m] = true
				}
			}
			return members
		}}
	}
	for alias := range p.MCPServers {
		if _, ok := out[alias]; !ok {
			out[alias] = &Namespace{Name: alias, Effect: true}
		}
	}
	if len(p.MCPServers) > 0 {
		// A profile that grants a server binds mcp/ too (effects.md §10).
		out["mcp"] = &Namespace{Name: "mcp", Effect: true, fill: catalogFill("mcp")}
	}
	if len(p.AvailableAgents) > 0 {
		ns := &Namespace{Name: "workers", Effect: true, Members: map[string]bool{}}
		for _, a := range p.AvailableAgents {
			ns.Members[a.Name] = true
		}
		out["workers"] = ns
	}
	return out
}

var (
	defaultNSOnce sync.Once
	defaultNS     map[string]*Namespace
)

// DefaultNamespaces returns the namespaces of the default agent profile
// (cli, embedded in the binary) plus the core namespaces. The result is
// shared: do not modify it.
func DefaultNamespaces() map[string]*Namespace {
	defaultNSOnce.Do(func() {
		p, err := profile.Load(profile.DefaultAgent, ".", "", "")
		if err != nil {
			p = nil
		}
		defaultNS = ProfileNamespaces(p)
	})
	return defaultNS
}

// effectNamespace reports whether name is an effect namespace known to
// Spell-Go (granted or not): outside eval each of them is an effect.
func effectNamespace(name string) bool {
	if ns, ok := catalog.NamespaceNamed(name); ok {
		return ns.Effect
	}
	return name == "workers" || name == "mcp"
}
