package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v3"
)

// urfave/cli v3 recomputes a flag's names (FlagNames, a fresh slice) on
// every Names call, and every c.String, c.Bool, c.IsSet… looks its flag
// up by asking each flag of the command for its names: for `spell run`'s
// forty-odd flags that was a fifth of what Main allocated (issue 11,
// start-up). named embeds the flag (all its methods and interfaces are
// promoted: parsing, Get, IsSet and help text are the flag's own) and
// answers Names from a slice computed once.
type named[T any, C any, VC ucli.ValueCreator[T, C]] struct {
	*ucli.FlagBase[T, C, VC]
	names []string
}

func (f *named[T, C, VC]) Names() []string { return f.names }

// plain returns the wrapped flag (tests compare their names).
func (f *named[T, C, VC]) plain() ucli.Flag { return f.FlagBase }

func cacheNamesOf[T any, C any, VC ucli.ValueCreator[T, C]](f *ucli.FlagBase[T, C, VC]) ucli.Flag {
	return &named[T, C, VC]{f, flagNames(f.Name, f.Aliases)}
}

// flagNames is urfave's FlagNames: each of name and aliases up to its
// first comma or space.
func flagNames(name string, aliases []string) []string {
	names := make([]string, 0, 1+len(aliases))
	for _, part := range append([]string{name}, aliases...) {
		if i := strings.IndexAny(part, ", "); i >= 0 {
			part = part[:i]
		}
		names = append(names, part)
	}
	return names
}

// cacheFlagNames replaces the flags of cmd and its subcommands by
// wrappers with precomputed names.
func cacheFlagNames(cmd *ucli.Command) {
	for i, f := range cmd.Flags {
		switch f := f.(type) {
		case *ucli.StringFlag:
			cmd.Flags[i] = cacheNamesOf(f)
		case *ucli.BoolFlag:
			cmd.Flags[i] = cacheNamesOf(f)
		case *ucli.IntFlag:
			cmd.Flags[i] = cacheNamesOf(f)
		case *ucli.Int64Flag:
			cmd.Flags[i] = cacheNamesOf(f)
		case *ucli.Float64Flag:
			cmd.Flags[i] = cacheNamesOf(f)
		case *ucli.DurationFlag:
			cmd.Flags[i] = cacheNamesOf(f)
		}
	}
	for _, sub := range cmd.Commands {
		cacheFlagNames(sub)
	}
}
