// Command evalcore evaluates one Spell expression and prints its value
// with nothing but the syntax and eval packages: the language core of
// `spell run -e` without the SPE runtime, the command line and the rest
// of the toolchain linked in. BenchmarkStartup (cmd/spell) execs it beside
// spell and a trivial Go binary (bench/README.md, Start-up).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/syntax"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: evalcore EXPR")
		os.Exit(2)
	}
	f := syntax.Parse("<eval>", []byte(os.Args[1]))
	if len(f.Errors) > 0 {
		fmt.Fprintln(os.Stderr, f.Errors[0].Msg)
		os.Exit(2)
	}
	in := eval.New(context.Background(), eval.Options{Limits: eval.DefaultLimits})
	env := eval.PipelineEnv()
	for _, n := range f.Forms {
		form, spans, err := eval.Lower(f, n)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		in.Spans = spans
		v, next, err := in.Eval(form, env)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		env = next
		fmt.Println(v)
	}
}
