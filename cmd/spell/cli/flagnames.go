package cli

import (
	"strings"
	"time"

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

// urfave/cli's c.String, c.Bool, c.IsSet… copy the command's whole flag
// list on every call to look one flag up: for spell run, that was 65 of
// the 175 KB that run -e allocated (issue 11, start-up). The functions
// below answer from an index of the command's flags and its ancestors'
// (the nearest command's flag wins, as in urfave/cli), built on the
// first lookup and kept in the command's Metadata.

const flagIndexKey = "spell.flags"

func flagOf(c *ucli.Command, name string) ucli.Flag {
	idx, _ := c.Metadata[flagIndexKey].(map[string]ucli.Flag)
	if idx == nil {
		idx = map[string]ucli.Flag{}
		lineage := c.Lineage()
		for i := len(lineage) - 1; i >= 0; i-- {
			for _, f := range lineage[i].Flags {
				for _, n := range f.Names() {
					idx[n] = f
				}
			}
		}
		if c.Metadata == nil {
			c.Metadata = map[string]any{}
		}
		c.Metadata[flagIndexKey] = idx
	}
	return idx[name]
}

func flagValue(c *ucli.Command, name string) any {
	if f := flagOf(c, name); f != nil {
		return f.Get()
	}
	return nil
}

func flagIsSet(c *ucli.Command, name string) bool {
	f := flagOf(c, name)
	return f != nil && f.IsSet()
}

// flagGet is the value of c's flag name as a T (T's zero value when the
// flag is unknown or holds another type).
func flagGet[T any](c *ucli.Command, name string) T {
	v, _ := flagValue(c, name).(T)
	return v
}

func flagString(c *ucli.Command, name string) string          { return flagGet[string](c, name) }
func flagBool(c *ucli.Command, name string) bool              { return flagGet[bool](c, name) }
func flagInt(c *ucli.Command, name string) int                { return flagGet[int](c, name) }
func flagInt64(c *ucli.Command, name string) int64            { return flagGet[int64](c, name) }
func flagFloat64(c *ucli.Command, name string) float64        { return flagGet[float64](c, name) }
func flagDuration(c *ucli.Command, name string) time.Duration { return flagGet[time.Duration](c, name) }
