package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Flag is a flag of a command: one of the Typed flags below.
type Flag interface {
	// Names are the flag's name and aliases.
	Names() []string
	// IsSet reports whether the command line or an environment variable
	// gave the flag a value.
	IsSet() bool
	// Get is the flag's value.
	Get() any

	register(fs *flag.FlagSet)
	reset()
	fromEnv() error
	takesValue() bool
	hidden() bool
	helpLine() string
}

// Value is what a flag holds.
type Value interface {
	string | bool | int | int64 | float64 | time.Duration
}

// Typed is a flag holding a T. Name is the long or one-letter name; every
// name is taken with one dash or two (-w, --w; -check, --check). The
// Usage text's first `back-quoted` word is the placeholder of the value
// in help (--timeout DURATION); without one it is "value".
type Typed[T Value] struct {
	Name    string
	Aliases []string
	Usage   string
	Value   T // the default
	// DefaultText is shown in help as the default instead of Value.
	DefaultText string
	// HideDefault shows no default in help.
	HideDefault bool
	// Hidden flags are left out of help.
	Hidden bool
	// EnvVars give the flag a value when the command line does not: the
	// first one that is set.
	EnvVars []string

	val T
	set bool
	bad *string // a boolean's value that did not parse (see Set)
}

// The flag types the commands use.
type (
	StringFlag   = Typed[string]
	BoolFlag     = Typed[bool]
	IntFlag      = Typed[int]
	Int64Flag    = Typed[int64]
	Float64Flag  = Typed[float64]
	DurationFlag = Typed[time.Duration]
)

func (f *Typed[T]) Names() []string {
	return append([]string{f.Name}, f.Aliases...)
}

func (f *Typed[T]) IsSet() bool { return f.set }

func (f *Typed[T]) Get() any { return f.val }

func (f *Typed[T]) register(fs *flag.FlagSet) {
	fs.Var(f, f.Name, "")
	for _, a := range f.Aliases {
		fs.Var(f, a, "")
	}
}

func (f *Typed[T]) reset() { f.val, f.set, f.bad = f.Value, false, nil }

func (f *Typed[T]) fromEnv() error {
	for _, name := range f.EnvVars {
		if v, ok := os.LookupEnv(name); ok {
			if err := f.Set(v); err != nil || f.bad != nil {
				f.bad = nil
				return fmt.Errorf("could not parse %q as %T value from environment variable %q for flag %s", v, f.Value, name, f.Name)
			}
			return nil
		}
	}
	return nil
}

func (f *Typed[T]) takesValue() bool {
	_, isBool := any(f.Value).(bool)
	return !isBool
}

func (f *Typed[T]) hidden() bool { return f.Hidden }

// errParse is the error of a boolean flag's value that does not parse.
var errParse = errors.New("parse error")

// Set parses s into the flag's value (flag.Value). A boolean's bad value
// is kept for badBool instead of failing: package flag would word that
// error differently from every other flag's.
func (f *Typed[T]) Set(s string) error {
	var err error
	switch p := any(&f.val).(type) {
	case *string:
		*p = s
	case *bool:
		b, e := strconv.ParseBool(s)
		if e != nil {
			if f.bad == nil {
				f.bad = &s
			}
			return nil
		}
		*p = b
	case *int:
		var n int64
		n, err = strconv.ParseInt(s, 0, strconv.IntSize)
		*p = int(n)
	case *int64:
		*p, err = strconv.ParseInt(s, 0, 64)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	case *time.Duration:
		*p, err = time.ParseDuration(s)
	}
	if err != nil {
		return err
	}
	f.set = true
	return nil
}

// String is the flag's value as text (flag.Value).
func (f *Typed[T]) String() string {
	if f == nil {
		return ""
	}
	return valueText(f.val)
}

// IsBoolFlag tells package flag that a boolean takes no argument.
func (f *Typed[T]) IsBoolFlag() bool { return !f.takesValue() }

func valueText[T Value](v T) string {
	switch v := any(v).(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Duration:
		return v.String()
	}
	return ""
}

// helpLine is the flag's line in help: its names with the placeholder, a
// tab, the usage text with the default and the environment variables.
func (f *Typed[T]) helpLine() string {
	placeholder, usage := unquoteUsage(f.Usage)
	if !f.takesValue() {
		placeholder = ""
	} else if placeholder == "" {
		placeholder = "value"
	}
	var b strings.Builder
	for i, name := range f.Names() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(dashes(name))
		if placeholder != "" {
			b.WriteString(" " + placeholder)
		}
	}
	b.WriteByte('\t')
	def := f.DefaultText
	if def == "" && f.takesValue() {
		def = valueText(f.Value)
		if _, ok := any(f.Value).(string); ok && def != "" {
			def = strconv.Quote(def)
		}
	}
	if def != "" && !f.HideDefault {
		usage += " (default: " + def + ")"
	}
	b.WriteString(strings.TrimSpace(usage))
	if len(f.EnvVars) > 0 {
		b.WriteString(" [$" + strings.Join(f.EnvVars, ", $") + "]")
	}
	return b.String()
}

// dashes is name as help shows it: -x for one letter, --name otherwise.
func dashes(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}

// unquoteUsage returns the first `back-quoted` word of usage and usage
// without the quotes.
func unquoteUsage(usage string) (placeholder, text string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	placeholder = usage[i+1 : i+1+j]
	return placeholder, usage[:i] + placeholder + usage[i+2+j:]
}

// parse parses c's flags from args; help reports -h or --help.
func (c *Command) parse(args []string) (help bool, err error) {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, f := range c.Flags {
		f.reset()
		f.register(fs)
	}
	for _, name := range []string{helpName, "h"} {
		if fs.Lookup(name) == nil { // a command's own -h wins
			fs.BoolVar(&help, name, false, "")
		}
	}
	c.set = fs
	for _, f := range c.Flags {
		if err := f.fromEnv(); err != nil {
			return false, err
		}
	}
	if err := fs.Parse(args); err != nil {
		// Only a failed parse walks args again (issue 11, start-up).
		// Package flag stops at the first error, so a flag left without
		// its argument (only the last can be) is the error only when
		// nothing came before it; it names it as -name, the message
		// names it as typed (--stdin-filename).
		unknown, last := scanFlags(fs, args)
		if last != "" && strings.HasPrefix(err.Error(), "flag needs an argument") {
			if bad := c.badBool(args, nil); bad != nil {
				return false, bad // a bad boolean before it came first
			}
			return false, fmt.Errorf("flag needs an argument: %s", last)
		}
		if unknown != "" {
			err = &UnknownFlagError{Name: unknown}
		}
		return false, c.badBool(args, err)
	}
	return help, c.badBool(args, nil)
}

// UnknownFlagError is the error of a flag the command does not define,
// worded as package flag words it; callers add a hint from Name.
type UnknownFlagError struct{ Name string }

func (e *UnknownFlagError) Error() string { return "flag provided but not defined: -" + e.Name }

// FlagNames returns the names and aliases of c's flags that help shows.
func (c *Command) FlagNames() []string {
	var names []string
	for _, f := range c.Flags {
		if !f.hidden() {
			names = append(names, f.Names()...)
		}
	}
	return names
}

// Dashed is name as help shows it: -x for one letter, --name otherwise.
func Dashed(name string) string { return dashes(name) }

// badBool is the error of the boolean flag given a value that does not
// parse (-w=maybe), worded as for every other flag (package flag says
// "invalid boolean value"); else err. Package flag stopped at the first
// error, so a bad boolean it met came before it.
func (c *Command) badBool(args []string, err error) error {
	bad := false
	for _, f := range c.Flags {
		if b, ok := f.(*BoolFlag); ok && b.bad != nil {
			bad = true
		}
	}
	if !bad {
		return err
	}
	for _, a := range args {
		if !isFlagArg(a) {
			break
		}
		name, hasValue := flagName(a)
		if fl := c.set.Lookup(name); hasValue && fl != nil {
			if b, ok := fl.Value.(*BoolFlag); ok && b.bad != nil {
				return fmt.Errorf("invalid value %q for flag -%s: %v", *b.bad, name, errParse)
			}
		}
	}
	return err
}

// scanFlags walks the flags of args as package flag does and returns the
// first one fs does not define (its name), or else the last of args when
// it is a flag that takes a value and has none; "" for either that is not
// there.
func scanFlags(fs *flag.FlagSet, args []string) (unknown, missing string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !isFlagArg(a) {
			return "", ""
		}
		name, hasValue := flagName(a)
		fl := fs.Lookup(name)
		if fl == nil {
			return name, ""
		}
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); (ok && b.IsBoolFlag()) || hasValue {
			continue
		}
		if i == len(args)-1 {
			return "", a
		}
		i++ // the flag's value
	}
	return "", ""
}
