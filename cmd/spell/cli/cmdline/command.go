// Package cmdline is the command layer of spell and spell-temporal: a tree
// of commands, each with its flags, help text and action.
//
// Flags are parsed by the standard library's flag package, one
// flag.FlagSet per command, as the go tool, gofmt and vet do: package flag
// is the well-kept library for this, and it links nothing a command line
// does not need (no templates, no URL parsing), so every spell process
// starts faster than with a general CLI framework (issue 11, start-up).
// What this package adds is what flag leaves to its caller: subcommands,
// aliases (extra names of the same value), values from environment
// variables, help rendered by plain Go code, and usage errors handed to
// the caller instead of printed.
//
// Parsing is flag's: a flag is -name or --name, with its value as the next
// argument or after =; flags end at the first positional argument or at
// "--", so `spell fmt a.spl -w` passes -w as a path.
package cmdline

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
)

// ActionFunc runs a command once its flags are parsed.
type ActionFunc func(ctx context.Context, c *Command) error

// Command is one command of the tree. The root's Reader, Writer and
// ErrWriter are every command's standard streams.
type Command struct {
	Name        string
	Usage       string // one line, for the list of commands
	UsageText   string // the synopsis of the help's Usage: section
	Description string
	Flags       []Flag
	Commands    []*Command
	Action      ActionFunc
	// Hidden commands are left out of lists of commands and suggestions.
	Hidden bool
	// SkipFlagParsing passes every argument to the action, flags included
	// (the command parses them itself).
	SkipFlagParsing bool

	// Root only.
	Reader    io.Reader
	Writer    io.Writer
	ErrWriter io.Writer
	Metadata  map[string]any
	// RootHelp writes the root command's help (without it, the root's help
	// is a command's).
	RootHelp func(w io.Writer, c *Command)
	// UsageError turns a flag parsing error of command c into the error
	// the run returns.
	UsageError func(c *Command, err error) error
	// NotFound is the error of help asked for a name that is not a
	// subcommand of c (spell help nosuch).
	NotFound func(c *Command, name string) error

	parent *Command
	set    *flag.FlagSet
	args   []string
}

// helpName is the help flag every parsed command has, and the pseudo
// subcommand of every command with subcommands (spell help fmt, spell
// trace help show).
const helpName = "help"

// Run runs the command line args (args[0] is the program name) on the root
// command c.
func (c *Command) Run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		args = args[1:]
	}
	return c.run(ctx, args)
}

func (c *Command) run(ctx context.Context, args []string) error {
	if c.SkipFlagParsing {
		c.args = args
		return c.act(ctx)
	}
	help, err := c.parse(args)
	if err != nil {
		return c.Root().usageError(c, err)
	}
	rest := c.set.Args()
	if help {
		if len(rest) > 0 {
			return c.helpFor(rest)
		}
		return c.ShowHelp()
	}
	if len(rest) > 0 && len(c.Commands) > 0 {
		if rest[0] == helpName {
			return c.helpFor(rest[1:])
		}
		if sub := c.Command(rest[0]); sub != nil {
			sub.parent = c
			return sub.run(ctx, rest[1:])
		}
	}
	c.args = rest
	return c.act(ctx)
}

func (c *Command) act(ctx context.Context) error {
	if c.Action == nil {
		if len(c.args) > 0 && len(c.Commands) > 0 {
			return c.helpFor(c.args[:1]) // not a subcommand: NotFound
		}
		return c.ShowHelp()
	}
	return c.Action(ctx, c)
}

// helpFor shows the help of the command names lead to from c (spell help
// trace show), or the root's NotFound error.
func (c *Command) helpFor(names []string) error {
	for _, name := range names {
		if name == helpName {
			break // spell help help: the help of help is the overview
		}
		sub := c.Command(name)
		if sub == nil {
			root := c.Root()
			if root.NotFound != nil {
				return root.NotFound(c, name)
			}
			return errors.New("unknown command " + name)
		}
		sub.parent = c
		c = sub
	}
	return c.ShowHelp()
}

func (c *Command) usageError(cmd *Command, err error) error {
	if c.UsageError != nil {
		return c.UsageError(cmd, err)
	}
	return err
}

// Command returns c's subcommand name, or nil.
func (c *Command) Command(name string) *Command {
	for _, sub := range c.Commands {
		if sub.Name == name {
			return sub
		}
	}
	return nil
}

// Root returns the root of c's tree.
func (c *Command) Root() *Command {
	for c.parent != nil {
		c = c.parent
	}
	return c
}

// Parent returns the command c is a subcommand of (nil for the root).
func (c *Command) Parent() *Command { return c.parent }

// FullName is c's name with its ancestors' ("spell trace show").
func (c *Command) FullName() string {
	if c.parent == nil {
		return c.Name
	}
	return c.parent.FullName() + " " + c.Name
}

// Args are the positional arguments of the command, after its flags.
func (c *Command) Args() Args { return Args(c.args) }

// NArg is the number of positional arguments.
func (c *Command) NArg() int { return len(c.args) }

// Args are a command's positional arguments.
type Args []string

// Present reports whether there is any argument.
func (a Args) Present() bool { return len(a) > 0 }

// First is the first argument, "" when there is none.
func (a Args) First() string { return a.Get(0) }

// Get is argument i, "" when there is none.
func (a Args) Get(i int) string {
	if i >= 0 && i < len(a) {
		return a[i]
	}
	return ""
}

// Len is the number of arguments.
func (a Args) Len() int { return len(a) }

// Slice is the arguments as a slice.
func (a Args) Slice() []string { return a }

// isFlagArg reports whether a is a flag as package flag reads it.
func isFlagArg(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }

// flagName is a flag argument's name and whether it carries its value
// (-name=value).
func flagName(a string) (name string, hasValue bool) {
	name = strings.TrimPrefix(a[1:], "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue
}
