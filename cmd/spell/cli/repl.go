package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/syntax"
)

// replCommand is `spell repl` (runtime.md §12).
func replCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "repl",
		Usage:     "evaluate Spell forms interactively",
		UsageText: "spell repl [--agent NAME|FILE] [--max-steps N] [--max-nesting N] [--seed N]",
		Description: `Reads Spell forms from standard input, evaluates each one and prints its
value in readable form. Definitions persist from one input to the next. A
form may span several lines: input is read until every form is closed.

Syntax errors print on stderr as "<repl>:LINE:COL: error: MESSAGE", lines
counted within the input (a form spanning several lines is one input);
other errors as "error: MESSAGE", then the Spell call trace and a
did-you-mean hint when there is one. The session goes on. Ctrl-C during a
long evaluation cancels it and returns to the prompt.

The environment is the pipeline's: eval is bound, and (eval '(...)) runs
its argument with the effect builtins. Without --agent they are those of a
run without a model and no effect namespace; with --agent the effects of
that profile are granted exactly as to 'spell run -e' (io/ under the
working directory or the profile's root), so effects can be tried
interactively: (eval '(io/read-file "README.md")). The skills found from
the working directory are in the skills namespace, as in 'spell run':
(describe-fn skills) lists them, (describe-fn skills :NAME) shows one.

Commands (alone on a line):
  :help      show this summary
  :env       list the names defined in this session
  :history   show the inputs of this session
  :quit      leave (so does end of input, Ctrl-D)

On a terminal the line is edited in place (arrows, Ctrl-A/E, Ctrl-R
searches the history), Up and Down recall earlier lines, Tab completes the
names of special forms, macros, builtins, namespace members and the names
defined in the session, and Ctrl-C drops the line being typed. Each line is
kept in $XDG_STATE_HOME/spell/repl_history (default
~/.local/state/spell/repl_history). When standard input is not a terminal,
lines are read as they come, with no prompt, so a piped session prints
values only.

Examples:
  spell repl                              start an interactive session
  echo '(def x 2) (* x 21)' | spell repl  evaluate piped forms; prints 2 and 42
  spell repl --max-steps 100000           stop runaway loops sooner
  spell repl -a readonly                  try io/ reads inside (eval '(...))`,
		Flags: []cmdline.Flag{
			&cmdline.StringFlag{Name: "agent", Aliases: []string{"a"}, Usage: "grant the effects of agent profile `NAME` or FILE.agent.edn inside eval, as spell run -e does"},
			&cmdline.Int64Flag{Name: "max-steps", Usage: "evaluation step budget per input form (`N`)", Value: eval.DefaultLimits.MaxSteps},
			&cmdline.IntFlag{Name: "max-nesting", Usage: "evaluator nesting depth limit (`N`)", Value: eval.DefaultLimits.MaxNesting},
			&cmdline.Int64Flag{Name: "seed", Usage: "seed (`N`) for rand, shuffle, random-uuid, gensym", Value: 1},
		},
		Action: runREPL,
	}
}

const (
	replPrompt     = "spell> "
	replContPrompt = "  ...> "
	replSource     = "<repl>"
)

const replHelp = `Enter Spell forms; each value is printed in readable form.
Definitions persist across inputs; a form may span several lines.
  :help      show this help
  :env       list the names defined in this session
  :history   show the inputs of this session
  :quit      leave (so does end of input, Ctrl-D)
Tab completes names; Up and Down recall earlier lines (on a terminal).
Ctrl-C cancels a running evaluation, or drops the line being typed.
`

// replRun is the state of one `spell repl` session.
type replRun struct {
	lines          lineSource
	stdout, stderr io.Writer

	interp *eval.Interp
	ctx    *replContext
	env    *eval.Env
	base   *eval.Env // the initial environment; :env lists what differs

	history []string
	// complete completes names at the prompt; it learns the session's
	// names after every input.
	complete *replCompleter

	// interrupts returns the channel on which Ctrl-C arrives during one
	// evaluation, and a function that stops the delivery. Tests replace it.
	interrupts func() (<-chan os.Signal, func())
}

func runREPL(ctx context.Context, c *cmdline.Command) error {
	if c.Args().Present() {
		return usageError("spell repl", "unexpected argument %q", c.Args().First())
	}
	steps, nesting := c.Int64("max-steps"), c.Int("max-nesting")
	if steps <= 0 {
		return usageError("spell repl", "--max-steps must be positive (got %d)", steps)
	}
	if nesting <= 0 {
		return usageError("spell repl", "--max-nesting must be positive (got %d)", nesting)
	}
	limits := eval.DefaultLimits
	limits.MaxSteps, limits.MaxNesting = steps, nesting
	opts := eval.Options{Limits: limits, Seed: c.Int64("seed")}

	if netParts == nil && replIsTerminal(c.Root().Reader) && replIsTerminal(c.Root().Writer) {
		// The line editor is in NetBinary; without it the lines are
		// read as they come.
		if _, err := findSibling(NetBinary); err == nil {
			return execNet(c, "spell repl", "the line editor")
		}
		fmt.Fprintln(c.Root().ErrWriter, "warning: spell repl: "+notInstalled("line editing")+"; reading plain lines")
	}
	if c.IsSet("agent") {
		// The grants of `spell run -e -a NAME`: the same session set-up
		// (profile search, root, effect namespaces), with no trace.
		cwd, _ := os.Getwd()
		if what := needsNet(spe.Config{Agent: c.String("agent"), Cwd: cwd}); what != "" {
			return execNet(c, "spell repl", what)
		}
		sess, err := spe.Open(spe.Config{
			ProgramName: replSource, Agent: c.String("agent"), EvalLimits: limits, Seed: opts.Seed,
			NoTrace: true, Version: Version, Argv: os.Args, Cwd: cwd, Stdin: c.Root().Reader, Stderr: c.Root().ErrWriter,
			Providers: providers(),
		})
		if err != nil {
			return &exitError{code: 2, msg: "spell repl: " + err.Error()}
		}
		defer sess.Close(nil, nil)
		opts.Effects = sess.Effects()
		opts.Core = sess.Core()
	} else {
		// The skills of `spell run -e` in this directory (effects.md §9):
		// the skills namespace, with the diagnostics of invalid files.
		cwd, _ := os.Getwd()
		if set := spe.DiscoverSkills(cwd, os.Getenv("HOME"), c.Root().ErrWriter); len(set.Skills) > 0 {
			opts.Core = map[string]*value.Map{"skills": set.Namespace()}
		}
	}

	r := newREPL(c.Root().Reader, c.Root().Writer, c.Root().ErrWriter, opts)
	if replIsTerminal(c.Root().Reader) {
		fmt.Fprintln(r.stdout, "Spell-Go REPL — :help for help, :quit to leave.")
		r.lines = &plainLines{in: bufio.NewReader(c.Root().Reader), out: r.stdout, prompts: true}
		if replIsTerminal(c.Root().Writer) {
			if netParts != nil && netParts.LineEditor != nil {
				if tl, err := netParts.LineEditor(replPrompt, replHistoryPath(), r.stdout, r.stderr, r.complete, errLineInterrupted); err == nil {
					r.lines = tl
				}
			}
		}
	}
	defer r.lines.Close()
	return r.loop()
}

func newREPL(stdin io.Reader, stdout, stderr io.Writer, opts eval.Options) *replRun {
	rc := &replContext{}
	bg := context.Background()
	rc.cur.Store(&bg)
	base := eval.PipelineEnv()
	r := &replRun{
		lines:      &plainLines{in: bufio.NewReader(stdin)},
		stdout:     stdout,
		stderr:     stderr,
		interp:     eval.New(rc, opts),
		ctx:        rc,
		env:        base,
		base:       base,
		complete:   newREPLCompleter(),
		interrupts: replInterrupts,
	}
	r.complete.learn(r.env)
	return r
}

// loop reads inputs until :quit or end of input.
func (r *replRun) loop() error {
	var buf strings.Builder
	for {
		prompt := replPrompt
		if buf.Len() > 0 {
			prompt = replContPrompt
		}
		line, err := r.lines.ReadLine(prompt)
		switch {
		case errors.Is(err, errLineInterrupted):
			// Ctrl-C at the prompt drops the input being typed.
			buf.Reset()
			continue
		case errors.Is(err, io.EOF):
			if strings.TrimSpace(buf.String()) != "" {
				// Unfinished input at the end: evaluate it to report why.
				r.evalText(buf.String())
			}
			return nil
		case err != nil:
			return &exitError{code: 1, msg: "spell repl: " + err.Error()}
		}
		line += "\n"
		if buf.Len() == 0 {
			if quit, ok := r.command(strings.TrimSpace(line)); ok {
				r.record(line)
				if quit {
					return nil
				}
				continue
			}
		}
		buf.WriteString(line)
		text := buf.String()
		if replIncomplete(text) {
			continue
		}
		r.record(text)
		buf.Reset()
		r.evalText(text)
		r.complete.learn(r.env)
	}
}

// command runs a REPL command (:help, :env, :history, :quit). ok is false
// when line is not one; quit is true when the session ends.
func (r *replRun) command(line string) (quit, ok bool) {
	switch line {
	case ":quit":
		return true, true
	case ":help":
		io.WriteString(r.stdout, replHelp)
	case ":env":
		r.listEnv()
	case ":history":
		for i, h := range r.history {
			fmt.Fprintf(r.stdout, "%4d  %s\n", i+1, strings.ReplaceAll(strings.TrimRight(h, "\n"), "\n", "\n      "))
		}
	default:
		return false, false
	}
	return false, true
}

// listEnv prints the names defined in this session, sorted, with a short
// readable preview of each value.
func (r *replRun) listEnv() {
	syms, vals := r.env.Diff(r.base)
	type binding struct{ name, val string }
	var bs []binding
	for i, s := range syms {
		name := s.Name
		if s.NS != "" {
			name = s.NS + "/" + s.Name
		}
		bs = append(bs, binding{name, replPreview(value.PrStr(vals[i]), 60)})
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].name < bs[j].name })
	if len(bs) == 0 {
		fmt.Fprintln(r.stdout, "no definitions yet")
		return
	}
	width := 0
	for _, b := range bs {
		width = max(width, len(b.name))
	}
	for _, b := range bs {
		fmt.Fprintf(r.stdout, "%-*s  %s\n", width, b.name, b.val)
	}
}

// replPreview shortens s to one line of at most n runes.
func replPreview(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}

// replIncomplete reports whether text needs more lines: its only syntax errors
// are forms, strings or prefixes left open at the end of the text.
func replIncomplete(text string) bool {
	f := syntax.Parse(replSource, []byte(text))
	if len(f.Errors) == 0 {
		return false
	}
	for _, e := range f.Errors {
		if int(e.Off) != len(text) || !strings.HasPrefix(e.LangMessage(), "EOF while reading") {
			return false
		}
	}
	return true
}

// evalText parses one complete input and evaluates its forms in order,
// printing each value. A syntax error rejects the whole input; it is
// reported as <repl>:LINE:COL: error: MESSAGE, lines counted within the
// input.
func (r *replRun) evalText(text string) {
	f := syntax.Parse(replSource, []byte(text))
	if len(f.Errors) > 0 {
		for _, e := range f.Errors {
			r.syntaxError(f, int(e.Off), e.Msg)
		}
		if f.Truncated {
			fmt.Fprintf(r.stderr, "%s: too many syntax errors; only the first %d are shown\n", replSource, len(f.Errors))
		}
		return
	}
	for _, n := range f.Forms {
		form, spans, err := eval.Lower(f, n)
		if err != nil {
			// A reader error found while lowering (an invalid token): a
			// syntax error of this input too.
			var e *eval.Error
			if errors.As(err, &e) && e.Span != nil {
				r.syntaxError(f, int(e.Span.Start), e.Msg)
			} else {
				r.printError(err)
			}
			return
		}
		r.interp.Spans = spans
		v, err := r.evalForm(form)
		if err != nil {
			r.printError(err)
			continue
		}
		fmt.Fprintln(r.stdout, value.PrStr(v))
	}
}

// syntaxError prints a syntax error of the input in f at offset off. The
// newline that ends every input line is the REPL's, not the user's: an
// error at the very end (a form left open) is placed after the last
// character typed rather than on a line that was never shown.
func (r *replRun) syntaxError(f *syntax.File, off int, msg string) {
	if n := len(f.Src); off >= n && n > 0 && f.Src[n-1] == '\n' {
		off = n - 1
	}
	fmt.Fprintf(r.stderr, "%s:%s: error: %s\n", replSource, f.Position(int32(off)), msg)
}

// evalForm evaluates one form in the session environment. Ctrl-C cancels
// it: the handler is installed only while the evaluation runs.
func (r *replRun) evalForm(form value.Value) (value.Value, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.ctx.cur.Store(&ctx)
	sigs, stop := r.interrupts()
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			// A second Ctrl-C gets the default behaviour again.
			stop()
			cancel()
		case <-done:
		}
	}()
	v, env, err := r.interp.Eval(form, r.env)
	close(done)
	stop()
	if env != nil {
		// Definitions made before a failure stay, as in a program's do.
		r.env = env
	}
	return v, err
}

// printError prints an evaluation error: the message, then the Spell call
// trace and a hint when there are.
func (r *replRun) printError(err error) {
	var e *eval.Error
	if !errors.As(err, &e) {
		fmt.Fprintf(r.stderr, "error: %v\n", err)
		return
	}
	msg, hint := presentation(e)
	fmt.Fprintf(r.stderr, "error: %s\n", msg)
	if t := e.CallTrace(); t != "" {
		fmt.Fprintf(r.stderr, "  %s\n", t)
	}
	if hint != "" {
		fmt.Fprintf(r.stderr, "  hint: %s\n", hint)
	}
}

// record keeps an input in the session history (:history).
func (r *replRun) record(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	r.history = append(r.history, text)
}

// replHistoryPath is $XDG_STATE_HOME/spell/repl_history, defaulting to
// ~/.local/state; "" when neither is known.
func replHistoryPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "spell", "repl_history")
}

// replIsTerminal reports whether r (standard input or output) is a
// character device such as a terminal.
func replIsTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// replInterrupts delivers Ctrl-C (SIGINT) until stop is called.
func replInterrupts() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return ch, func() { signal.Stop(ch) }
}

// replContext is the interpreter's context. One Interp serves the whole
// session (its random state and gensym counter carry over), while each
// evaluation gets its own cancellable context: replContext delegates to the
// context of the evaluation running now.
type replContext struct {
	cur atomic.Pointer[context.Context]
}

func (c *replContext) get() context.Context { return *c.cur.Load() }

func (c *replContext) Deadline() (time.Time, bool) { return c.get().Deadline() }
func (c *replContext) Done() <-chan struct{}       { return c.get().Done() }
func (c *replContext) Err() error                  { return c.get().Err() }
func (c *replContext) Value(key any) any           { return c.get().Value(key) }
