package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// urfave/cli v2 recomputes a flag's names with a regular expression on
// every Names call, and Command.Run asks IsSet of every flag, which looks
// every unset flag up by scanning all flags' names: for `spell run`'s
// forty-odd flags that was thousands of regexp replacements, the largest
// cost of `spell run -e` after process start (issue 11, start-up). The
// wrappers below embed the flag (all its methods and interfaces are
// promoted, Apply and help text unchanged) and answer Names from a slice
// computed once.

type namedString struct {
	*ucli.StringFlag
	names []string
}

func (f *namedString) Names() []string { return f.names }

type namedBool struct {
	*ucli.BoolFlag
	names []string
}

func (f *namedBool) Names() []string { return f.names }

// GetDefaultText honours DisableDefaultText as urfave's help text does
// for a plain *BoolFlag (its test for that type no longer matches).
func (f *namedBool) GetDefaultText() string {
	if f.DisableDefaultText {
		return ""
	}
	return f.BoolFlag.GetDefaultText()
}

type namedInt struct {
	*ucli.IntFlag
	names []string
}

func (f *namedInt) Names() []string { return f.names }

type namedInt64 struct {
	*ucli.Int64Flag
	names []string
}

func (f *namedInt64) Names() []string { return f.names }

type namedFloat64 struct {
	*ucli.Float64Flag
	names []string
}

func (f *namedFloat64) Names() []string { return f.names }

type namedDuration struct {
	*ucli.DurationFlag
	names []string
}

func (f *namedDuration) Names() []string { return f.names }

// flagNames is urfave's FlagNames without its regular expression (which
// allocated some 40 kB per spell start): each of name and aliases up to
// its first comma or space.
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
// wrappers with precomputed names. A Hidden bool flag stays as it is:
// urfave's completion tests for *BoolFlag to skip it.
func cacheFlagNames(cmd *ucli.Command) {
	for i, f := range cmd.Flags {
		switch f := f.(type) {
		case *ucli.StringFlag:
			cmd.Flags[i] = &namedString{f, flagNames(f.Name, f.Aliases)}
		case *ucli.BoolFlag:
			if !f.Hidden { // completion skips a hidden *BoolFlag by its type
				cmd.Flags[i] = &namedBool{f, flagNames(f.Name, f.Aliases)}
			}
		case *ucli.IntFlag:
			cmd.Flags[i] = &namedInt{f, flagNames(f.Name, f.Aliases)}
		case *ucli.Int64Flag:
			cmd.Flags[i] = &namedInt64{f, flagNames(f.Name, f.Aliases)}
		case *ucli.Float64Flag:
			cmd.Flags[i] = &namedFloat64{f, flagNames(f.Name, f.Aliases)}
		case *ucli.DurationFlag:
			cmd.Flags[i] = &namedDuration{f, flagNames(f.Name, f.Aliases)}
		}
	}
	for _, sub := range cmd.Subcommands {
		cacheFlagNames(sub)
	}
}
