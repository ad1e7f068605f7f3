// Command spell-net is spell with what reaches the network: the model SDK
// clients (anthropic, openai, compat), MCP servers and web/ (net/http).
// spell links none of them, so that it starts within twice a trivial Go
// program's time (issue 11, start-up), and execs spell-net, git-style, for
// a command that needs them (cli.NetBinary); web/ calls of a run spell runs
// itself are made here one at a time; spell test's scripts run here (the
// testscript engine links testing and go/build). Its command line is
// spell's.
package main

import (
	"io"
	"os"

	"github.com/spell-go/spell/cmd/spell/cli"
	"github.com/spell-go/spell/cmd/spell/cli/lineedit"
	"github.com/spell-go/spell/cmd/spell/cli/mcpcli"
	"github.com/spell-go/spell/cmd/spell/cli/testcli"
	"github.com/spell-go/spell/spe/online"
	"github.com/spell-go/spell/spe/provider/builtin"
)

func main() {
	cli.UseNet(Parts())
	cli.ProtectSecrets(os.Args, os.Stderr)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Parts are what spell-net adds to spell's command line.
func Parts() cli.NetParts {
	return cli.NetParts{
		Providers: builtin.Registry(),
		Effects:   online.Effects(),
		MCP:       mcpcli.Actions(mcpcli.Host{Usage: cli.UsageError, Exit: cli.ExitError, Version: cli.VersionString}),
		Test:      testcli.Host{Usage: cli.UsageError, Exit: cli.ExitError, SkipDir: cli.SkipDir}.Run,
		LineEditor: func(prompt, hist string, stdout, stderr io.Writer, complete cli.Completer, interrupted error) (cli.LineReader, error) {
			return lineedit.New(prompt, hist, stdout, stderr, complete, interrupted)
		},
	}
}
