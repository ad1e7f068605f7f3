package cli

import (
	"context"
	"io"
	"reflect"
	"slices"
	"testing"

	ucli "github.com/urfave/cli/v3"
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

// TestFlagIndexAgreesWithUrfave checks that flagOf answers every flag of
// every command, the root's included, as urfave/cli's own lookups do,
// after parsing a command line that sets some of them.
func TestFlagIndexAgreesWithUrfave(t *testing.T) {
	for _, c := range topCommands {
		args := []string{"spell", c.name}
		switch c.name {
		case "run":
			args = append(args, "--no-trace", "--max-steps", "7", "-e", "(+ 1 2)")
		case "fmt":
			args = append(args, "-l", "x.spl")
		}
		var nf string
		app := newApp(args, nil, io.Discard, io.Discard, &nf)
		checked := 0
		for _, cmd := range app.Commands {
			cmd.SkipFlagParsing = false
			cmd.Commands = nil
			cmd.Action = func(_ context.Context, cmd *ucli.Command) error {
				for _, fl := range append(cmd.Flags, app.Flags...) {
					for _, n := range fl.Names() {
						checked++
						if got, want := flagValue(cmd, n), cmd.Value(n); !reflect.DeepEqual(got, want) {
							t.Errorf("spell %s: flag %s = %#v, urfave/cli says %#v", c.name, n, got, want)
						}
						if got, want := flagIsSet(cmd, n), cmd.IsSet(n); got != want {
							t.Errorf("spell %s: flag %s set %v, urfave/cli says %v", c.name, n, got, want)
						}
					}
				}
				if flagOf(cmd, "no-such-flag") != nil || flagString(cmd, "no-such-flag") != "" {
					t.Errorf("spell %s: an unknown flag has a value", c.name)
				}
				return nil
			}
		}
		if err := app.Run(context.Background(), args); err != nil {
			t.Errorf("spell %s: %v", c.name, err)
		}
		if checked == 0 {
			t.Errorf("spell %s: no flag checked", c.name)
		}
	}
	// The values set on the command line are the ones read.
	var nf string
	args := []string{"spell", "run", "--no-trace", "--max-steps", "7", "-e", "(+ 1 2)"}
	app := newApp(args, nil, io.Discard, io.Discard, &nf)
	app.Commands[0].Action = func(_ context.Context, cmd *ucli.Command) error {
		if !flagBool(cmd, "no-trace") || flagInt64(cmd, "max-steps") != 7 || flagString(cmd, "e") != "(+ 1 2)" || !flagIsSet(cmd, "max-steps") || flagIsSet(cmd, "seed") {
			t.Errorf("run: no-trace %v, max-steps %d, -e %q", flagBool(cmd, "no-trace"), flagInt64(cmd, "max-steps"), flagString(cmd, "e"))
		}
		return nil
	}
	if err := app.Run(context.Background(), args); err != nil {
		t.Fatal(err)
	}
}
