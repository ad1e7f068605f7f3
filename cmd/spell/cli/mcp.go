package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/spell-go/spell/eval/value"
	spellmcp "github.com/spell-go/spell/spe/mcp"
	"github.com/spell-go/spell/spe/secret"
)

// mcpCommand is `spell mcp` (effects.md §10): check an MCP server from the
// shell. The work is done by spe/mcp; this only parses and prints.
func mcpCommand() *ucli.Command {
	flags := func() []ucli.Flag {
		return []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print JSON", DisableDefaultText: true},
			&ucli.BoolFlag{Name: "allow-private-net", Usage: "let an HTTP server be on a loopback or private address", DisableDefaultText: true},
		}
	}
	subs := []*ucli.Command{
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
			Action: runMCPList,
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
			Action: runMCPInspect,
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
			Action: runMCPCall,
		},
	}
	for _, sub := range subs {
		name := "spell mcp " + sub.Name
		sub.OnUsageError = func(_ *ucli.Context, err error, _ bool) error { return usageError(name, "%v", err) }
		sub.CustomHelpTemplate = commandHelp
	}
	return &ucli.Command{
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
		CustomHelpTemplate: commandHelp,
		Subcommands:        subs,
		Action: func(c *ucli.Context) error {
			if c.Args().Present() {
				return usageError("spell mcp", "unknown subcommand %q", c.Args().First())
			}
			return ucli.ShowCommandHelp(c.Lineage()[1], "mcp")
		},
	}
}

func mcpCheck(c *ucli.Context, ref string) spellmcp.Check {
	cwd, _ := os.Getwd()
	return spellmcp.Check{Ref: ref, Cwd: cwd, Dirs: spellmcp.DirsFor(cwd), Getenv: secret.Getenv, Environ: secret.Environ(),
		AllowPrivateNet: c.Bool("allow-private-net"), Version: version()}
}

// mcpDial connects, bounded by a generous deadline; failures exit 2.
func mcpDial(c *ucli.Context, cmd, ref string) (*spellmcp.Conn, context.Context, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(c.Context, 10*time.Minute)
	conn, err := mcpCheck(c, ref).Dial(ctx)
	if err != nil {
		cancel()
		return nil, nil, nil, &exitError{code: 2, msg: cmd + ": " + err.Error()}
	}
	return conn, ctx, cancel, nil
}

func runMCPList(c *ucli.Context) error {
	out := c.App.Writer
	switch c.NArg() {
	case 0:
		cwd, _ := os.Getwd()
		ps := spellmcp.Profiles(spellmcp.DirsFor(cwd))
		if c.Bool("json") {
			return printJSON(out, ps)
		}
		if len(ps) == 0 {
			fmt.Fprintln(out, "No MCP server profiles (put NAME.mcp.edn in .spell/mcp or $XDG_CONFIG_HOME/spell/mcp).")
		}
		for _, p := range ps {
			if p.Err != "" {
				fmt.Fprintf(out, "%s\tinvalid: %s\n", p.Name, p.Err)
				continue
			}
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", p.Name, p.Transport, p.Endpoint, p.Path)
		}
		return nil
	case 1:
	default:
		return usageError("spell mcp list", "expected at most one SERVER, got %d arguments", c.NArg())
	}
	conn, _, cancel, err := mcpDial(c, "spell mcp list", c.Args().First())
	if err != nil {
		return err
	}
	defer cancel()
	defer conn.Close()
	if c.Bool("json") {
		var tools []map[string]string
		for _, t := range conn.Tools {
			tools = append(tools, map[string]string{"name": t.Name, "signature": t.Signature, "summary": t.Summary})
		}
		return printJSON(out, map[string]any{"server": conn.Alias, "tools": tools, "excluded": conn.Excluded})
	}
	for _, l := range conn.ToolLines() {
		fmt.Fprintln(out, l)
	}
	for _, x := range conn.Excluded {
		fmt.Fprintln(c.App.ErrWriter, "warning: tool left out: "+x)
	}
	return nil
}

func runMCPInspect(c *ucli.Context) error {
	if c.NArg() < 1 || c.NArg() > 2 {
		return usageError("spell mcp inspect", "expected SERVER [TOOL]")
	}
	conn, _, cancel, err := mcpDial(c, "spell mcp inspect", c.Args().First())
	if err != nil {
		return err
	}
	defer cancel()
	defer conn.Close()
	var v value.Value = conn.Info()
	if c.NArg() == 2 {
		t := conn.FindTool(c.Args().Get(1))
		if t == nil {
			return &exitError{code: 1, msg: fmt.Sprintf("spell mcp inspect: %s has no tool %q (tools: %s)", conn.Alias, c.Args().Get(1), toolNames(conn))}
		}
		if !c.Bool("json") {
			_, err := fmt.Fprintln(c.App.Writer, conn.ToolDoc(t))
			return err
		}
		v = value.NewMap("name", t.Name, "doc", conn.ToolDoc(t))
	}
	return printValue(c, v)
}

func runMCPCall(c *ucli.Context) error {
	if c.NArg() < 2 || c.NArg() > 3 {
		return usageError("spell mcp call", "expected SERVER TOOL [JSON-ARGS]")
	}
	args, err := spellmcp.ParseArgs(c.Args().Get(2))
	if err != nil {
		return usageError("spell mcp call", "%v", err)
	}
	conn, ctx, cancel, err := mcpDial(c, "spell mcp call", c.Args().First())
	if err != nil {
		return err
	}
	defer cancel()
	defer conn.Close()
	t := conn.FindTool(c.Args().Get(1))
	if t == nil {
		return &exitError{code: 2, msg: fmt.Sprintf("spell mcp call: %s has no tool %q (tools: %s)", conn.Alias, c.Args().Get(1), toolNames(conn))}
	}
	env, err := conn.CallTool(ctx, t, args)
	var ae *spellmcp.ArgumentError
	if errors.As(err, &ae) {
		return &exitError{code: 2, msg: "spell mcp call: " + err.Error()}
	}
	if err != nil {
		return &exitError{code: 1, msg: "spell mcp call: " + err.Error()}
	}
	if err := printValue(c, env); err != nil {
		return err
	}
	if !spellmcp.Ok(env) {
		return silentExit(1)
	}
	return nil
}

func toolNames(conn *spellmcp.Conn) string {
	var names []string
	for _, t := range conn.Tools {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

func printValue(c *ucli.Context, v value.Value) error {
	if c.Bool("json") {
		b, err := spellmcp.JSON(v)
		if err != nil {
			return err
		}
		_, err = c.App.Writer.Write(b)
		return err
	}
	_, err := fmt.Fprintln(c.App.Writer, value.PrStr(v))
	return err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
