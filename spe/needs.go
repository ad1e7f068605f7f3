package spe

import (
	"io"

	"github.com/spell-go/spell/spe/profile"
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
}

// NeedsOf resolves cfg's model and agent profile the way Open does,
// without side effects: no warnings, no trace, no connections. An error
// is the one Open would report; the caller lets Open report it.
func NeedsOf(cfg Config) (Needs, error) {
	o := &opening{cfg: withDefaults(cfg)}
	o.cfg.Stderr = io.Discard
	for _, stage := range []func() error{o.resumeRun, o.resolveModel, o.loadAgent} {
		if err := stage(); err != nil {
			return Needs{}, err
		}
	}
	n := Needs{Provider: o.mprof.Provider}
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
			if wp, err := profile.LoadRef(ref, o.dirs.User, o.dirs.Project); err == nil {
				walk(wp)
			}
		}
	}
	walk(o.prof)
	return n, nil
}
