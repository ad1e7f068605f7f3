package cli

import (
	"slices"
	"testing"
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
