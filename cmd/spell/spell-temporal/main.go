// Command spell-temporal runs Spell runs on Temporal (docs/temporal.md):
// spell worker, spell run --engine temporal, spell status, spell result
// and spell cancel exec it. It is a separate executable so that the
// Temporal SDK (gRPC, protobuf) stays out of spell's start-up.
package main

import (
	"os"

	"github.com/spell-go/spell/spe/online"
	"github.com/spell-go/spell/spe/secret"
)

func main() {
	// Runs use web/ and MCP as spell-net runs them.
	online.Register()
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		// Workers run programs: keep API keys out of their processes'
		// reach, as spell run does.
		secret.Protect(os.Stderr)
	}
	os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
