// Package online gives spe the effects that reach the network: the web/
// namespace (spe/web, net/http) and MCP servers (spe/mcp, the MCP SDK).
// spe links neither (issue 11, start-up): a program that runs them calls
// Register once before opening sessions, as spell-net and the spell
// package do.
package online

import (
	"context"
	"fmt"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	spellmcp "github.com/spell-go/spell/spe/mcp"
	"github.com/spell-go/spell/spe/web"
)

// Register registers web/ and MCP with spe (spe.RegisterNet).
func Register() { spe.RegisterNet(Effects()) }

// Effects are the implementations of spe's network effects.
func Effects() spe.NetEffects { return spe.NetEffects{Web: Web, MCP: MCP} }

// Web builds the web/ namespace: web.edn's settings, then the members.
func Web(s spe.WebSetup) (*value.Map, error) {
	set, err := web.LoadSettings(s.UserDir, s.ProjectDir)
	if err != nil {
		return nil, err
	}
	m, err := web.Namespace(web.Config{Settings: &set, AllowPrivateNet: s.AllowPrivateNet, Getenv: s.Getenv, Version: s.Version, Hook: web.EffectHook(s.Hook)})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return m, nil
}

// MCP connects the servers of s.Grants (spe/mcp.Open).
func MCP(ctx context.Context, s spe.MCPSetup) (spe.MCPServers, error) {
	red := &spellmcp.Redactor{}
	reg, err := spellmcp.Open(ctx, spellmcp.Setup{
		Grants: s.Grants, Reserved: s.Reserved,
		Dirs:   spellmcp.Dirs{Project: s.ProjectDir, User: s.UserDir},
		Getenv: s.Getenv, Environ: s.Environ, Cwd: s.Cwd,
		AllowPrivateNet: s.AllowPrivateNet, Version: s.Version,
		Hook: spellmcp.Hook(s.Hook), Redactor: red, Send: s.Send, Warn: s.Warn,
	})
	if s.Secrets != nil {
		s.Secrets(red.Secrets())
	}
	if err != nil {
		return nil, err
	}
	return reg, nil
}
