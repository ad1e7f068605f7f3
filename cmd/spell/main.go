// Command spell is the Spell-Go toolchain: runner, formatter, linter,
// documentation browser, REPL, trace inspector, test runner and model list.
//
// All behaviour lives in package cli; this file only moves the secrets out
// of the environment and turns cli's result into the process exit status.
package main

import (
	"os"

	"github.com/spell-go/spell/cmd/spell/cli"
	"github.com/spell-go/spell/spe/online"
)

func main() {
	online.Register()
	cli.ProtectSecrets(os.Args, os.Stderr)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
