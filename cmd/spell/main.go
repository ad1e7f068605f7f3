// Command spell is the Spell-Go toolchain: formatter, and later runner,
// linter, documentation browser, trace inspector, test runner and REPL.
//
// All behaviour lives in package cli; this file only moves the secrets out
// of the environment and turns cli's result into the process exit status.
package main

import (
	"os"

	"github.com/spell-go/spell/cmd/spell/cli"
)

func main() {
	cli.ProtectSecrets(os.Args, os.Stderr)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
