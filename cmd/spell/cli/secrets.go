package cli

import (
	"io"

	"github.com/spell-go/spell/spe/secret"
)

// runsPrograms reports whether the command runs programs, whose processes
// must not find the secret variables in spell's own environment
// (effects.md §11.2).
func runsPrograms(command string) bool {
	switch command {
	case "run", "test", "repl":
		return true
	}
	return false
}

// ProtectSecrets moves the secret variables out of the process environment
// before a command that runs programs (secret.Protect: the binary
// re-executes itself once). Call it first thing in main with os.Args; the
// in-process Main of the tests never calls it.
func ProtectSecrets(args []string, stderr io.Writer) {
	if len(args) > 1 && runsPrograms(args[1]) {
		secret.Protect(stderr)
	}
}
