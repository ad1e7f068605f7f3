// Command fmtcore formats one Spell file to standard output with nothing
// but the syntax and format packages: the language core of `spell fmt`
// without the rest of the toolchain linked in. BenchmarkStartup
// (cmd/spell) execs it beside spell and a trivial Go binary, so that one
// run shows how much of spell's start-up is the core's and how much the
// packages every spell command links (bench/README.md, Start-up).
package main

import (
	"fmt"
	"os"

	"github.com/spell-go/spell/format"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fmtcore FILE")
		os.Exit(2)
	}
	src, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out, err := format.Source(os.Args[1], src)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Stdout.Write(out)
}
