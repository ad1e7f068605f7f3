// Command spell is the Spell-Go toolchain: runner, formatter, linter,
// documentation browser, REPL, trace inspector, test runner and model list.
//
// All behaviour lives in package cli; this file only moves the secrets out
// of the environment and turns cli's result into the process exit status.
// spell links no model SDK, no MCP SDK and no net/http (issue 11,
// start-up): a command that needs them execs spell-net (cmd/spell/spell-net,
// cli.NetBinary), installed with it by go install ./cmd/....
package main

import (
	"os"

	"github.com/spell-go/spell/cmd/spell/cli"
	_ "github.com/spell-go/spell/cmd/spell/internal/startup" // grows the main stack first: see startup
)

func main() {
	cli.ProtectSecrets(os.Args, os.Stderr)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
