package spe

import (
	"io"

	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/provider"
)

// Needs are what a run needs that only some executables link, decided
// before the run starts as Open decides them: the spell command runs
// without the model SDKs and the MCP SDK and hands a run that needs them
// to the executable that links them (issue 11, start-up).
type Needs struct {
	// Provider is the :provider of the resolved model profile
	// (anthropic, openai, compat, replay, human, test); "" without a
	// model.
	Provider string
	// MCP: the agent's profile, or a worker's reachable from it through
	// :available-agents, grants MCP servers.
	MCP bool

	// resolved is what NeedsOf resolved, for Open to take over
	// (Config.Needs); nil when it cannot.
	resolved *resolved
}

// resolved is the part of an opening NeedsOf decides as Open does: the
// configuration directories, the model and the agent profile (stages
// resumeRun without --resume, resolveModel, loadAgent).
type resolved struct {
	model, agent, cwd string
	test              bool
	// userLooked and projectLooked: dirs.User and dirs.Project exist
	// (opening.look). Flags, not a second Dirs, keep resolved in its
	// size class (issue 11, start-up: a new class costs page faults).
	userLooked, projectLooked bool

	dirs          profile.Dirs
	aliases       *provider.Aliases
	spec          string
	mspec         provider.Spec
	mprof         provider.ModelProfile
	resolvedModel string
	prof          *profile.Profile
}

// reusable returns what n resolved when Open, given cfg (filled as def),
// would resolve the same: the same model, agent, test flag and working
// directory, no --resume and the process environment in both; and
// resolveModel would not fail where NeedsOf did not (a task without a
// model).
func (n *Needs) reusable(cfg, def Config) *resolved {
	if n == nil || n.resolved == nil || cfg.Resume != "" || cfg.Getenv != nil {
		return nil
	}
	r := n.resolved
	if r.model != def.Model || r.agent != def.Agent || r.test != def.Test || r.cwd != def.Cwd {
		return nil
	}
	if r.spec == "" && def.Task != "" {
		return nil
	}
	return r
}

// adoptDirs sets what resumeRun decides without --resume.
func (r *resolved) adoptDirs(o *opening) {
	o.dirs, o.look = r.dirs, profile.Dirs{}
	if r.userLooked {
		o.look.User = r.dirs.User
	}
	if r.projectLooked {
		o.look.Project = r.dirs.Project
	}
}

// adoptModel sets what resolveModel decides.
func (r *resolved) adoptModel(o *opening) {
	o.aliases, o.spec, o.mspec, o.mprof, o.model = r.aliases, r.spec, r.mspec, r.mprof, r.resolvedModel
}

// NeedsOf resolves cfg's model and agent profile the way Open does,
// without side effects: no warnings, no trace, no connections. An error
// is the one Open would report; the caller lets Open report it.
func NeedsOf(cfg Config) (Needs, error) {
	if cfg.Environ == nil {
		// The resolution reads the environment through Getenv only; the
		// copy withDefaults would make is for Open's redaction (issue 11,
		// start-up).
		cfg.Environ = []string{}
	}
	o := &opening{cfg: withDefaults(cfg)}
	o.cfg.Stderr = io.Discard
	for _, stage := range []func() error{o.resumeRun, o.resolveModel, o.loadAgent} {
		if err := stage(); err != nil {
			return Needs{}, err
		}
	}
	n := Needs{Provider: o.mprof.Provider}
	if cfg.Resume == "" && cfg.Getenv == nil {
		n.resolved = &resolved{model: o.cfg.Model, agent: o.cfg.Agent, cwd: o.cfg.Cwd, test: o.cfg.Test,
			dirs: o.dirs, userLooked: o.look.User != "", projectLooked: o.look.Project != "", aliases: o.aliases, spec: o.spec, mspec: o.mspec, mprof: o.mprof, resolvedModel: o.model, prof: o.prof}
	}
	seen := map[string]bool{}
	var walk func(p *profile.Profile)
	walk = func(p *profile.Profile) {
		if len(p.MCPServers) > 0 {
			n.MCP = true
		}
		for _, ref := range p.AvailableAgents {
			if n.MCP || seen[ref.Source] {
				continue
			}
			seen[ref.Source] = true
			// A worker that cannot be loaded fails when it starts, in
			// whichever executable runs it.
			if wp, err := profile.LoadRef(ref, o.look.User, o.look.Project); err == nil {
				walk(wp)
			}
		}
	}
	walk(o.prof)
	return n, nil
}
