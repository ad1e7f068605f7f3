// Package cli owns the `spell` command line: the command tree (built on
// package cmdline, itself on the standard library's flag package), one
// file per subcommand, help texts, and the mapping of errors to exit codes.
//
// Main never calls os.Exit: it returns the exit code, so the whole command
// line runs in-process in tests (tooling.md §9). Data goes to stdout, errors
// and diagnostics to stderr.
//
// Exit codes: 0 success; 1 the command ran and found something to report
// (a failed spell run, fmt --check, lint findings); 2 usage and
// configuration errors (fmt and lint: also syntax errors). Each command's
// help states its own; the README's table is tested by TestExitCodeTable.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval/catalog"
)

// exitError is an error that carries the process exit code. An empty msg
// means the command already reported the problem itself.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError returns an exit-2 error for a command invoked the wrong way.
// cmd is the full command name ("spell fmt") used in the message and in the
// pointer to its help.
func usageError(cmd, format string, args ...any) *exitError {
	msg := fmt.Sprintf(format, args...)
	help := "spell help"
	if cmd != "spell" && cmd != "spell help" {
		help = "spell help " + strings.TrimPrefix(cmd, "spell ")
	}
	return &exitError{code: 2, msg: fmt.Sprintf("%s: %s\nRun '%s' for usage.", cmd, msg, help)}
}

// silentExit returns an error carrying only an exit code; the command has
// already printed whatever the user needs to see.
func silentExit(code int) *exitError { return &exitError{code: code} }

// appHelpHead and appHelpTail surround the list of commands in spell's
// overview (spell, spell help, spell --help).
const appHelpHead = `spell is the Spell-Go toolchain. Spell is a Lisp whose programs are
written by language models: a model's completion is a program, and the
program decides what happens next.

Usage:
  spell <command> [flags] [arguments]

Commands:`

const appHelpTail = `

Examples:
  spell run -e '(+ 1 2)'          run a Spell program; prints 3
  spell run -p "Say hello" --model replay:examples/hello-world.txtar
                                  run a task, replaying a recorded model
  spell models                    list the models and which API keys are set
  spell fmt program.spl           print program.spl formatted
  spell fmt -w .                  format every .spl file under . in place
  spell fmt -d src                show what formatting would change, as a diff
  spell fmt --check .             list unformatted files; exit 1 if any (CI)
  echo '(+ 1(* 2 3))' | spell fmt   format standard input
  spell lint .                    report likely mistakes in every .spl file under .
  spell doc strings/split         show the documentation of a name
  spell repl                      evaluate Spell forms interactively
  spell test examples/tests       run the *_test.txtar scripts offline (replay)

Global flags:
  -h, --help      show help (also: spell help <command>)
  -v, --version   print the version (same as spell version)

Run 'spell help <command>' for the flags and examples of one command.
Exit codes: 0 success; 1 a failed run or findings (fmt --check, lint);
2 usage or configuration errors (and syntax errors in fmt and lint).
`

// writeAppHelp writes spell's overview: every visible command with its
// one-line usage.
func writeAppHelp(w io.Writer, _ *cmdline.Command) {
	var b strings.Builder
	b.WriteString(appHelpHead)
	for _, c := range allCommands() {
		if !c.Hidden {
			fmt.Fprintf(&b, "\n  %-9s %s", c.Name, c.Usage)
		}
	}
	fmt.Fprintf(&b, "\n  %-9s %s", "help", "Shows a list of commands or help for one command")
	b.WriteString(appHelpTail)
	io.WriteString(w, b.String())
}

// newApp builds the application for the command line args (args[0] is the
// program name; see commandsFor). Every run gets a fresh App so that Main
// is safe to call repeatedly in one process.
func newApp(args []string, stdin io.Reader, stdout, stderr io.Writer) *cmdline.Command {
	return &cmdline.Command{
		Name:      "spell",
		Usage:     "the Spell-Go toolchain",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Metadata:  map[string]any{"args": args},
		Flags: []cmdline.Flag{
			&cmdline.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version", HideDefault: true},
		},
		Commands: commandsFor(args),
		RootHelp: writeAppHelp,
		UsageError: func(c *cmdline.Command, err error) error {
			msg := err.Error()
			var unknown *cmdline.UnknownFlagError
			if errors.As(err, &unknown) {
				if s := catalog.Suggest(unknown.Name, c.FlagNames()); s != "" {
					msg += "\n  hint: did you mean " + cmdline.Dashed(s) + "?"
				}
			}
			return usageError(c.FullName(), "%s", msg)
		},
		// spell help NAME, spell trace help NAME, spell fmt --help NAME.
		NotFound: func(c *cmdline.Command, name string) error {
			return unknownCommand("spell help", c, name)
		},
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if c.Bool("version") {
				return printVersion(c.Root().Writer)
			}
			if c.Args().Present() {
				return unknownCommand("spell", c, c.Args().First())
			}
			return c.ShowHelp()
		},
	}
}

// topCommands are spell's commands, in the order help lists them, each
// with the function that builds it.
var topCommands = []struct {
	name  string
	build func() *cmdline.Command
}{
	{"doc", docCommand},
	{"eval", evalCommand},
	{"fmt", fmtCommand},
	{"lint", lintCommand},
	{"mcp", mcpCommand},
	{"models", modelsCommand},
	{"repl", replCommand},
	{"run", func() *cmdline.Command { return withEngine(runCommand()) }},
	{"test", testCommand},
	{"trace", traceCommand},
	{"version", versionCommand},
	{"web-call", webCallCommand},
	// EngineBinary's commands.
	{"worker", func() *cmdline.Command {
		return engineCommand("worker", "run Spell runs of a Temporal task queue (spell run --engine temporal)",
			"spell worker [--address HOST:PORT] [--namespace NS] [--task-queue Q] [--max-runs N] [--max-steps N]")
	}},
	{"status", func() *cmdline.Command {
		return engineCommand("status", "show the state of a run started with --engine temporal",
			"spell status [--address HOST:PORT] [--namespace NS] RUN")
	}},
	{"result", func() *cmdline.Command {
		return engineCommand("result", "wait for a run started with --engine temporal and print its result",
			"spell result [--address HOST:PORT] [--namespace NS] [--json] RUN")
	}},
	{"cancel", func() *cmdline.Command {
		return engineCommand("cancel", "cancel a run started with --engine temporal",
			"spell cancel [--address HOST:PORT] [--namespace NS] RUN")
	}},
}

// allCommands builds every command, in the order help lists them.
func allCommands() []*cmdline.Command {
	out := make([]*cmdline.Command, len(topCommands))
	for i, c := range topCommands {
		out[i] = c.build()
	}
	return out
}

// commandsFor returns the commands the application for args needs: only
// the command args name when they name one (spell fmt a.spl), none for
// spell --version, and all of them otherwise (help, an unknown name).
// Building all sixteen, some with forty flags, would be most of what
// spell --version and spell fmt allocate (measured with cmdline: 28 KB
// and 210 allocations per spell --version instead of 4 KB and 40; issue
// 11, start-up).
// TestCommandsFor checks each selection against the whole tree.
func commandsFor(args []string) []*cmdline.Command {
	name, version := commandNamed(args)
	if name == "" && version {
		return nil
	}
	var out []*cmdline.Command
	for _, c := range topCommands {
		if name == "" || c.name == name {
			out = append(out, c.build())
		}
	}
	return out
}

// commandNamed returns the first positional argument of args when it is
// one of topCommands, and whether args ask for the version and nothing
// else: no positional argument, no help flag. The root command's only
// flags are booleans (-v/--version, -h/--help), so the first argument that
// does not start with a dash is the command.
func commandNamed(args []string) (name string, version bool) {
	if len(args) < 2 {
		return "", false
	}
	for _, a := range args[1:] {
		switch {
		case a == "--":
			return "", false
		case a == "-v" || a == "--version" || a == "-version":
			version = true
		case strings.HasPrefix(a, "-"):
			// A help flag, or one the root rejects: either way the whole
			// tree answers.
			return "", false
		default:
			for _, c := range topCommands {
				if c.name == a {
					return a, false
				}
			}
			return "", false
		}
	}
	return "", version
}

// Main runs the spell command line with the given arguments (args[0] is the
// program name) and returns the process exit code. It never calls os.Exit.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer internalError(stderr, &code)
	wireNet()
	return exitCode(newApp(args, stdin, stdout, stderr).Run(context.Background(), args), stderr)
}

// unknownCommand is the usage error of a name that is not a command of
// parent, with the nearest visible one as a hint (catalog.Suggest: the
// did-you-mean rule of every tool).
func unknownCommand(cmd string, parent *cmdline.Command, name string) *exitError {
	subs := parent.Commands
	if parent.Parent() == nil {
		subs = allCommands() // the application holds only what args named (commandsFor)
	}
	var names []string
	for _, c := range subs {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := catalog.Suggest(name, names); s != "" {
		msg += "\n  hint: did you mean " + s + "?"
	}
	return usageError(cmd, "%s", msg)
}

// exitCode reports err on stderr (unless it is silent) and returns the exit
// code it stands for.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "spell: "+err.Error())
	return 1
}

// exitInternal is the exit code of a bug in spell itself (EX_SOFTWARE).
const exitInternal = 70

// internalError turns a panic of the command into one line on stderr and
// exit code 70 instead of a Go stack trace; SPELL_DEBUG=1 re-panics, so
// the stack can be had for a bug report.
func internalError(stderr io.Writer, code *int) {
	r := recover()
	if r == nil {
		return
	}
	if os.Getenv("SPELL_DEBUG") == "1" {
		panic(r)
	}
	fmt.Fprintf(stderr, "spell: internal error: %v\nThis is a bug in spell; run again with SPELL_DEBUG=1 for the Go stack trace to report it.\n", r)
	*code = exitInternal
}
