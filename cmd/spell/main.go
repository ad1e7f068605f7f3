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
	"github.com/spell-go/spell/cmd/spell/internal/startup"
)

func main() {
	startup.Done() // package initialisation ran on one P: see startup
	cli.ProtectSecrets(os.Args, os.Stderr)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
