package cmdline

import (
	"io"
	"strings"
	"text/tabwriter"
)

// ShowHelp writes c's help to the root's Writer.
func (c *Command) ShowHelp() error {
	root := c.Root()
	if c == root && c.RootHelp != nil {
		c.RootHelp(root.Writer, c)
		return nil
	}
	return c.WriteHelp(root.Writer)
}

// helpFlag is the help line of -h/--help, the last flag of every command.
const helpFlag = "--help, -h\tshow help"

// WriteHelp writes c's help: the usage line, the description and the
// flags, one per line, their texts aligned in a column.
//
//	Usage:
//	  spell fmt [-w] [PATH...]
//
//	Formats Spell source. …
//
//	Flags:
//	  -w          write the result back …
//	  --help, -h  show help
func (c *Command) WriteHelp(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Usage:\n  ")
	if c.UsageText != "" {
		b.WriteString(c.UsageText)
	} else {
		b.WriteString(c.FullName())
		if len(c.Commands) > 0 {
			b.WriteString(" COMMAND")
		}
		if c.visibleFlags() {
			b.WriteString(" [flags]")
		}
	}
	b.WriteString("\n\n")
	b.WriteString(c.Description)
	if c.Description == "" {
		b.WriteString(c.Usage)
	}
	if subs := c.visibleCommands(); len(subs) > 0 && c.UsageText == "" {
		b.WriteString("\n\nCommands:")
		for _, sub := range subs {
			b.WriteString("\n  " + sub.Name + "\t" + sub.Usage)
		}
	}
	b.WriteString("\n\nFlags:")
	for _, f := range c.Flags {
		if !f.hidden() {
			b.WriteString("\n  " + f.helpLine())
		}
	}
	b.WriteString("\n  " + helpFlag + "\n")
	tw := tabwriter.NewWriter(w, 1, 8, 2, ' ', 0)
	if _, err := io.WriteString(tw, b.String()); err != nil {
		return err
	}
	return tw.Flush()
}

func (c *Command) visibleFlags() bool {
	for _, f := range c.Flags {
		if !f.hidden() {
			return true
		}
	}
	return false
}

func (c *Command) visibleCommands() []*Command {
	var out []*Command
	for _, sub := range c.Commands {
		if !sub.Hidden {
			out = append(out, sub)
		}
	}
	return out
}

// VisibleCommands are c's subcommands that are not hidden.
func (c *Command) VisibleCommands() []*Command { return c.visibleCommands() }
