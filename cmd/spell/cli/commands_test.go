package cli

import (
	"context"
	"io"
	"slices"
	"testing"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
)

// TestCommandsFor checks that the application Main builds for a command
// line holds what the whole tree would answer it with: the command it
// names, built as in the whole tree; every command for help and unknown
// names; none for spell --version alone.
func TestCommandsFor(t *testing.T) {
	var all []string
	for _, c := range commandsFor([]string{"spell"}) {
		all = append(all, c.Name)
	}
	var table []string
	for _, c := range topCommands {
		table = append(table, c.name)
	}
	if !slices.Equal(all, table) {
		t.Fatalf("whole tree %v, table %v: a table name differs from its command's", all, table)
	}
	for _, name := range table {
		got := commandsFor([]string{"spell", name, "--help"})
		if len(got) != 1 || got[0].Name != name {
			t.Errorf("spell %s --help built %d commands, want only %s", name, len(got), name)
		}
		got = commandsFor([]string{"spell", "-v", name, "x"})
		if len(got) != 1 || got[0].Name != name {
			t.Errorf("spell -v %s x built %d commands, want only %s", name, len(got), name)
		}
	}
	for _, args := range [][]string{
		{"spell"}, {"spell", "help"}, {"spell", "help", "fmt"}, {"spell", "--help"},
		{"spell", "-h", "fmt"}, {"spell", "fmtt"}, {"spell", "--", "fmt"},
		{"spell", "--version", "--help"}, {"spell", "--nope"},
	} {
		if got := commandsFor(args); len(got) != len(table) {
			t.Errorf("%v built %d commands, want all %d", args, len(got), len(table))
		}
	}
	for _, args := range [][]string{{"spell", "--version"}, {"spell", "-v"}, {"spell", "-v", "--version"}} {
		if got := commandsFor(args); len(got) != 0 {
			t.Errorf("%v built %d commands, want none", args, len(got))
		}
	}
}

// TestFlagValues checks that a command reads the values its command line
// and the environment give its flags, by name or alias, and its defaults
// otherwise.
func TestFlagValues(t *testing.T) {
	t.Setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
	args := []string{"spell", "run", "--no-trace", "--max-steps", "7", "-b=0.5", "-e", "(+ 1 2)", "x.spl"}
	app := newApp(args, nil, io.Discard, io.Discard)
	ran := false
	app.Commands[0].Action = func(_ context.Context, c *cmdline.Command) error {
		ran = true
		if !c.Bool("no-trace") || c.Int64("max-steps") != 7 || c.String("e") != "(+ 1 2)" || c.String("eval") != "(+ 1 2)" {
			t.Errorf("run: no-trace %v, max-steps %d, -e %q", c.Bool("no-trace"), c.Int64("max-steps"), c.String("e"))
		}
		if c.Float64("budget") != 0.5 || c.Float64("b") != 0.5 || !c.IsSet("budget") {
			t.Errorf("run: --budget %v (set %v), -b %v", c.Float64("budget"), c.IsSet("budget"), c.Float64("b"))
		}
		if !c.IsSet("max-steps") || c.IsSet("seed") || c.Int64("seed") != 1 {
			t.Errorf("run: --seed %d set %v, --max-steps set %v", c.Int64("seed"), c.IsSet("seed"), c.IsSet("max-steps"))
		}
		if c.String("address") != "temporal.example:7233" || !c.IsSet("address") || c.String("namespace") != "default" || c.IsSet("namespace") {
			t.Errorf("run: --address %q (set %v), --namespace %q (set %v)", c.String("address"), c.IsSet("address"), c.String("namespace"), c.IsSet("namespace"))
		}
		if c.Value("no-such-flag") != nil || c.String("no-such-flag") != "" || c.IsSet("no-such-flag") {
			t.Errorf("run: an unknown flag has a value")
		}
		if got := c.Args().Slice(); len(got) != 1 || got[0] != "x.spl" {
			t.Errorf("run: args %q, want [x.spl]", got)
		}
		if c.Root().Bool("version") || c.Bool("version") {
			t.Errorf("run: the root's --version is set")
		}
		return nil
	}
	if err := app.Run(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("spell run's action did not run")
	}
}
