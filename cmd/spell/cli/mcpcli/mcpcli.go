// Package mcpcli does the work of spell mcp list, inspect and call
// (effects.md §10) for spell-net: it links the MCP SDK, which spell does
// not (issue 11, start-up). The command line (names, flags, help) is
// cmd/spell/cli's; it reaches these actions through cli.UseNet.
package mcpcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval/value"
	spellmcp "github.com/spell-go/spell/spe/mcp"
	"github.com/spell-go/spell/spe/secret"
)

// Host are the command line's conventions the actions report through.
type Host struct {
	// Usage is an exit-2 error for a command invoked the wrong way.
	Usage func(cmd, format string, args ...any) error
	// Exit is an error with an exit code and a message ("": the command
	// printed what the user needs to see).
	Exit func(code int, msg string) error
	// Version is spell's version (the MCP client's).
	Version func() string
}

// Actions are the actions of spell mcp list, inspect and call, by name.
func Actions(h Host) map[string]cmdline.ActionFunc {
	return map[string]cmdline.ActionFunc{"list": h.list, "inspect": h.inspect, "call": h.call}
}

func (h Host) check(c *cmdline.Command, ref string) spellmcp.Check {
	cwd, _ := os.Getwd()
	return spellmcp.Check{Ref: ref, Cwd: cwd, Dirs: spellmcp.DirsFor(cwd), Getenv: secret.Getenv, Environ: secret.Environ(),
		AllowPrivateNet: c.Bool("allow-private-net"), Version: h.Version()}
}

// dial connects, bounded by a generous deadline; failures exit 2.
func (h Host) dial(c *cmdline.Command, cmd, ref string) (*spellmcp.Conn, context.Context, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	conn, err := h.check(c, ref).Dial(ctx)
	if err != nil {
		cancel()
		return nil, nil, nil, h.Exit(2, cmd+": "+err.Error())
	}
	return conn, ctx, cancel, nil
}

func (h Host) list(ctx context.Context, c *cmdline.Command) error {
	out := c.Root().Writer
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
		return h.Usage("spell mcp list", "expected at most one SERVER, got %d arguments", c.NArg())
	}
	conn, _, cancel, err := h.dial(c, "spell mcp list", c.Args().First())
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
		fmt.Fprintln(c.Root().ErrWriter, "warning: tool left out: "+x)
	}
	return nil
}

func (h Host) inspect(ctx context.Context, c *cmdline.Command) error {
	if c.NArg() < 1 || c.NArg() > 2 {
		return h.Usage("spell mcp inspect", "expected SERVER [TOOL]")
	}
	conn, _, cancel, err := h.dial(c, "spell mcp inspect", c.Args().First())
	if err != nil {
		return err
	}
	defer cancel()
	defer conn.Close()
	var v value.Value = conn.Info()
	if c.NArg() == 2 {
		t := conn.FindTool(c.Args().Get(1))
		if t == nil {
			return h.Exit(1, fmt.Sprintf("spell mcp inspect: %s has no tool %q (tools: %s)", conn.Alias, c.Args().Get(1), toolNames(conn)))
		}
		if !c.Bool("json") {
			_, err := fmt.Fprintln(c.Root().Writer, conn.ToolDoc(t))
			return err
		}
		v = value.NewMap("name", t.Name, "doc", conn.ToolDoc(t))
	}
	return printValue(c, v)
}

func (h Host) call(ctx context.Context, c *cmdline.Command) error {
	if c.NArg() < 2 || c.NArg() > 3 {
		return h.Usage("spell mcp call", "expected SERVER TOOL [JSON-ARGS]")
	}
	args, err := spellmcp.ParseArgs(c.Args().Get(2))
	if err != nil {
		return h.Usage("spell mcp call", "%v", err)
	}
	conn, ctx, cancel, err := h.dial(c, "spell mcp call", c.Args().First())
	if err != nil {
		return err
	}
	defer cancel()
	defer conn.Close()
	t := conn.FindTool(c.Args().Get(1))
	if t == nil {
		return h.Exit(2, fmt.Sprintf("spell mcp call: %s has no tool %q (tools: %s)", conn.Alias, c.Args().Get(1), toolNames(conn)))
	}
	env, err := conn.CallTool(ctx, t, args)
	var ae *spellmcp.ArgumentError
	if errors.As(err, &ae) {
		return h.Exit(2, "spell mcp call: "+err.Error())
	}
	if err != nil {
		return h.Exit(1, "spell mcp call: "+err.Error())
	}
	if err := printValue(c, env); err != nil {
		return err
	}
	if !spellmcp.Ok(env) {
		return h.Exit(1, "")
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

func printValue(c *cmdline.Command, v value.Value) error {
	if c.Bool("json") {
		b, err := spellmcp.JSON(v)
		if err != nil {
			return err
		}
		_, err = c.Root().Writer.Write(b)
		return err
	}
	_, err := fmt.Fprintln(c.Root().Writer, value.PrStr(v))
	return err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
