package cmdline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// tool is a small tree: tool [-v] sub [-w] [--name NAME] [--n N] [--d D] ARGS.
func tool(seen *[]string) *Command {
	var out strings.Builder
	sub := &Command{
		Name:        "sub",
		Usage:       "do the thing",
		UsageText:   "tool sub [-w] [--name NAME] [ARG...]",
		Description: "Does the thing.",
		Flags: []Flag{
			&BoolFlag{Name: "w", Usage: "write", HideDefault: true},
			&StringFlag{Name: "name", Aliases: []string{"N"}, Usage: "the `NAME` to use", Value: "x", EnvVars: []string{"CMDLINE_TEST_NAME"}},
			&IntFlag{Name: "n", Usage: "count `N`", Value: 3},
			&DurationFlag{Name: "timeout", Usage: "wait `D`", DefaultText: "none"},
			&Float64Flag{Name: "budget", Usage: "spend `USD`", Value: 1.5, Hidden: true},
		},
		Action: func(_ context.Context, c *Command) error {
			*seen = append(*seen, c.FullName(), strings.Join(c.Args(), ","))
			return nil
		},
	}
	return &Command{
		Name:     "tool",
		Writer:   &out,
		Flags:    []Flag{&BoolFlag{Name: "version", Aliases: []string{"v"}}},
		Commands: []*Command{sub},
		UsageError: func(c *Command, err error) error {
			return fmt.Errorf("%s: %w", c.FullName(), err)
		},
		NotFound: func(c *Command, name string) error { return errors.New("no " + name + " in " + c.FullName()) },
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the error, or what the action saw
	}{
		{[]string{"sub", "a", "b"}, "tool sub|a,b"},
		{[]string{"sub", "-w", "--w", "a"}, "tool sub|a"},
		{[]string{"sub", "a", "-w"}, "tool sub|a,-w"}, // flags end at the first argument
		{[]string{"sub", "--", "-w"}, "tool sub|-w"},
		{[]string{"sub", "-"}, "tool sub|-"},
		{[]string{"-v", "sub"}, "tool sub|"},
		{[]string{"sub", "--bogus"}, "tool sub: flag provided but not defined: -bogus"},
		{[]string{"sub", "--name"}, "tool sub: flag needs an argument: --name"},
		{[]string{"sub", "-N"}, "tool sub: flag needs an argument: -N"},
		{[]string{"sub", "--bogus", "--name"}, "tool sub: flag provided but not defined: -bogus"},
		{[]string{"sub", "--n", "x", "--name"}, `tool sub: invalid value "x" for flag -n: strconv.ParseInt: parsing "x": invalid syntax`},
		{[]string{"sub", "-w=maybe", "--name"}, `tool sub: invalid value "maybe" for flag -w: parse error`},
		{[]string{"sub", "-w", "--name"}, "tool sub: flag needs an argument: --name"},
		{[]string{"sub", "--timeout", "5"}, `tool sub: invalid value "5" for flag -timeout: time: missing unit in duration "5"`},
		{[]string{"sub", "-w=maybe", "--n", "x"}, `tool sub: invalid value "maybe" for flag -w: parse error`},
		{[]string{"sub", "--n", "x", "-w=maybe"}, `tool sub: invalid value "x" for flag -n: strconv.ParseInt: parsing "x": invalid syntax`},
		{[]string{"sub", "--n=x"}, `tool sub: invalid value "x" for flag -n: strconv.ParseInt: parsing "x": invalid syntax`},
		{[]string{"-x"}, "tool: flag provided but not defined: -x"},
		{[]string{"help", "nosuch"}, "no nosuch in tool"},
		{[]string{"nosuch"}, "no nosuch in tool"},
		{[]string{"help", "sub", "x"}, "no x in tool sub"},
	} {
		var seen []string
		err := tool(&seen).Run(context.Background(), append([]string{"tool"}, tc.args...))
		got := strings.Join(seen, "|")
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("tool %q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	t.Setenv("CMDLINE_TEST_NAME", "from-env")
	var seen []string
	root := tool(&seen)
	var got *Command
	root.Commands[0].Action = func(_ context.Context, c *Command) error { got = c; return nil }
	if err := root.Run(context.Background(), []string{"tool", "sub", "--n=7", "--timeout", "2s", "a"}); err != nil {
		t.Fatal(err)
	}
	c := got
	if c.Int("n") != 7 || !c.IsSet("n") || c.Duration("timeout") != 2*time.Second || c.Bool("w") || c.IsSet("w") {
		t.Errorf("n %d (set %v), timeout %v, w %v (set %v)", c.Int("n"), c.IsSet("n"), c.Duration("timeout"), c.Bool("w"), c.IsSet("w"))
	}
	if c.String("name") != "from-env" || c.String("N") != "from-env" || !c.IsSet("name") {
		t.Errorf("--name %q, -N %q, set %v: want the environment's value", c.String("name"), c.String("N"), c.IsSet("name"))
	}
	if c.Float64("budget") != 1.5 || c.Bool("version") || c.Root() != root || c.NArg() != 1 || c.Args().First() != "a" {
		t.Errorf("budget %v, version %v, args %q", c.Float64("budget"), c.Bool("version"), c.Args())
	}
	// The command line wins over the environment.
	if err := root.Run(context.Background(), []string{"tool", "sub", "-N", "cli"}); err != nil || got.String("name") != "cli" {
		t.Errorf("-N cli: %q, %v", got.String("name"), err)
	}
}

func TestHelp(t *testing.T) {
	const want = `Usage:
  tool sub [-w] [--name NAME] [ARG...]

Does the thing.

Flags:
  -w                    write
  --name NAME, -N NAME  the NAME to use (default: "x") [$CMDLINE_TEST_NAME]
  -n N                  count N (default: 3)
  --timeout D           wait D (default: none)
  --help, -h            show help
`
	for _, args := range [][]string{{"sub", "-h"}, {"sub", "--help"}, {"help", "sub"}, {"sub", "-w", "--help"}} {
		var seen []string
		root := tool(&seen)
		if err := root.Run(context.Background(), append([]string{"tool"}, args...)); err != nil {
			t.Fatalf("tool %q: %v", args, err)
		}
		if got := root.Writer.(*strings.Builder).String(); got != want {
			t.Errorf("tool %q:\n%s\nwant:\n%s", args, got, want)
		}
		if len(seen) > 0 {
			t.Errorf("tool %q ran the action", args)
		}
	}
}

// TestUnknownFlagError: an undefined flag is an *UnknownFlagError naming
// it (a value of a flag before it is skipped), so a caller can add a hint
// without reading the message.
func TestUnknownFlagError(t *testing.T) {
	for _, tc := range []struct {
		args []string
		name string
	}{
		{[]string{"sub", "--bogus"}, "bogus"},
		{[]string{"sub", "--n", "5", "-w", "--bogsu=1"}, "bogsu"},
		{[]string{"-x"}, "x"},
	} {
		var seen []string
		err := tool(&seen).Run(context.Background(), append([]string{"tool"}, tc.args...))
		var unknown *UnknownFlagError
		if !errors.As(err, &unknown) || unknown.Name != tc.name {
			t.Errorf("%q: error %v, want an UnknownFlagError for %q", tc.args, err, tc.name)
		}
	}
}
