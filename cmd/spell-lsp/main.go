// Command spell-lsp is the Spell language server: LSP 3.18 over stdio
// (tooling.md §5–§6). All of it lives in package lsp.
package main

import (
	"os"

	"github.com/spell-go/spell/lsp"
)

func main() {
	os.Exit(lsp.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
