package cli

import (
	"context"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
)

// mcpCommand is `spell mcp` (effects.md §10): check an MCP server from the
// shell. The work is done by spe/mcp through mcpcli, which only NetBinary
// links: spell execs NetBinary for the subcommands.
func mcpCommand() *cmdline.Command {
	flags := func() []cmdline.Flag {
		return []cmdline.Flag{
			&cmdline.BoolFlag{Name: "json", Usage: "print JSON", HideDefault: true},
			&cmdline.BoolFlag{Name: "allow-private-net", Usage: "let an HTTP server be on a loopback or private address", HideDefault: true},
		}
	}
	subs := []*cmdline.Command{
		{
			Name:      "list",
			Usage:     "list the server profiles, or the tools of one server",
			UsageText: "spell mcp list [--json] [--allow-private-net] [SERVER]",
			Description: `Without SERVER, lists the server profiles in .spell/mcp of the project and
$XDG_CONFIG_HOME/spell/mcp (name, transport, endpoint, file). With SERVER
(a profile name such as github or github.mcp.edn, or a path), connects to
it and prints one line per tool: name(required: type, optional?: type) —
the first line of its description.

Examples:
  spell mcp list
  spell mcp list github
  spell mcp list --json ./servers/local.mcp.edn`,
			Flags:  flags(),
			Action: mcpAction("list"),
		},
		{
			Name:      "inspect",
			Usage:     "show a server's info, capabilities and tools, or one tool's schemas",
			UsageText: "spell mcp inspect [--json] [--allow-private-net] SERVER [TOOL]",
			Description: `Connects to SERVER and prints what mcp/info shows a program: server name and
version, protocol version, capabilities, tools, tools left out of the
catalogue (with why) and the last stderr lines of a stdio server. With
TOOL, prints the tool's signature, description and input and output
schemas. Secrets are shown as [REDACTED].

Examples:
  spell mcp inspect github
  spell mcp inspect github search_code`,
			Flags:  flags(),
			Action: mcpAction("inspect"),
		},
		{
			Name:      "call",
			Usage:     "call one tool and print the result envelope",
			UsageText: "spell mcp call [--json] [--allow-private-net] SERVER TOOL [JSON-ARGS]",
			Description: `Calls TOOL of SERVER with JSON-ARGS (a JSON object, default {}), validated
against the tool's inputSchema; the result's structuredContent is
validated against its outputSchema. Prints the envelope a program gets,
{:ok :out :err :truncated}, in readable form (JSON with --json).

Exit codes: 0 the call succeeded; 1 the envelope has :ok false (a tool
error, a timeout, a broken server); 2 usage errors, a server profile that
cannot be read, a missing secret, a server that cannot be reached or
arguments that break the inputSchema.

Examples:
  spell mcp call github search_code '{"query": "spell"}'
  spell mcp call --json local echo '{"text": "hi"}'`,
			Flags:  flags(),
			Action: mcpAction("call"),
		},
	}
	return &cmdline.Command{
		Name:      "mcp",
		Usage:     "check MCP servers: list their tools, inspect them, call a tool",
		UsageText: "spell mcp list [SERVER] | inspect SERVER [TOOL] | call SERVER TOOL [JSON-ARGS]",
		Description: `An MCP server is described by a server profile NAME.mcp.edn in .spell/mcp of
the project or $XDG_CONFIG_HOME/spell/mcp, e.g.
  {:transport {:stdio {:command ["my-server" "--flag"] :env {"TOKEN" {:env "MY_TOKEN"}}}}}
  {:transport {:http {:url "https://mcp.example.com/mcp"}} :auth {:bearer-token-env "MY_TOKEN"}}
Secrets come only from environment variables (Missing MCP secret: ENV when
unset) and are printed as [REDACTED]. A stdio server gets only HOME, LANG,
LC_ALL, PATH and TMPDIR from the environment, plus its :env. Agents use a
server when their profile grants it in :mcp-servers.

Commands:
  list      the server profiles, or the tools of one server
  inspect   a server's info and catalogue, or one tool's schemas
  call      call a tool and print the result envelope

Examples:
  spell mcp list
  spell mcp list github
  spell mcp call github search_code '{"query": "spell"}'`,
		Commands: subs,
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if c.Args().Present() {
				return usageError("spell mcp", "unknown subcommand %q", c.Args().First())
			}
			return c.ShowHelp()
		},
	}
}

// mcpAction is the action of spell mcp SUB: NetBinary's (UseNet), else
// exec NetBinary with the same command line.
func mcpAction(sub string) cmdline.ActionFunc {
	return func(ctx context.Context, c *cmdline.Command) error {
		if netParts != nil && netParts.MCP[sub] != nil {
			return netParts.MCP[sub](ctx, c)
		}
		return execNet(c, "spell mcp "+sub, "MCP")
	}
}
