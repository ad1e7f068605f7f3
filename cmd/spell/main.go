// Command spell is the Spell-Go toolchain: formatter, and later runner,
// linter, documentation browser, trace inspector, test runner and REPL.
//
// All behaviour lives in package cli; this file only turns its result into
// the process exit status.
package main

import (
	"os"

	"github.com/spell-go/spell/cmd/spell/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
