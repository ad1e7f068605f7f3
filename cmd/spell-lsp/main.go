// Command spell-lsp is the Spell language server (stdio LSP, tooling.md §6).
//
// It is not built yet: for now it reports that on stderr and exits with
// status 2 so editors fail loudly instead of waiting for a server that never
// answers.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "spell-lsp: the language server is not built yet")
	os.Exit(2)
}
