package cli

import (
	"io"
	"slices"
	"testing"

	ucli "github.com/urfave/cli/v3"
)

// TestFlagNamesCached: every command's value and bool flags answer Names
// from a precomputed slice (urfave recomputes them per call, and every
// flag lookup asks every flag), with the same names as the plain flag.
func TestFlagNamesCached(t *testing.T) {
	var nf string
	app := newApp([]string{"spell"}, nil, io.Discard, io.Discard, &nf)
	var walk func(*ucli.Command)
	walk = func(cmd *ucli.Command) {
		for _, f := range cmd.Flags {
			switch f := f.(type) {
			case *ucli.StringFlag, *ucli.BoolFlag, *ucli.IntFlag, *ucli.Int64Flag, *ucli.Float64Flag, *ucli.DurationFlag:
				t.Errorf("spell %s: flag %v still recomputes its names", cmd.Name, f.Names())
			case interface {
				ucli.Flag
				plain() ucli.Flag
			}:
				if want := f.plain().Names(); !slices.Equal(f.Names(), want) {
					t.Errorf("spell %s: names %v, want %v", cmd.Name, f.Names(), want)
				}
			}
		}
		for _, sub := range cmd.Commands {
			walk(sub)
		}
	}
	for _, cmd := range app.Commands {
		walk(cmd)
	}
}

// flagNames cuts names as urfave's FlagNames does.
func TestFlagNamesLikeUrfave(t *testing.T) {
	for _, c := range []struct {
		name    string
		aliases []string
	}{
		{"model", []string{"m"}},
		{"a, b", nil},
		{"x y z", []string{"q,r", " lead"}},
		{"", []string{""}},
		{"a,,b", []string{"c ,d"}},
	} {
		if got, want := flagNames(c.name, c.aliases), ucli.FlagNames(c.name, c.aliases); !slices.Equal(got, want) {
			t.Errorf("flagNames(%q, %q) = %q, want %q", c.name, c.aliases, got, want)
		}
	}
}
