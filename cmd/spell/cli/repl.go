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

	ucli "github.com/urfave/cli/v2"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// replCommand is `spell repl` (runtime.md §12).
func replCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "repl",
		Usage:     "evaluate Spell forms interactively",
		UsageText: "spell repl [--max-steps N] [--max-nesting N] [--seed N]",
		Description: `Reads Spell forms from standard input, evaluates each one and prints its
value in readable form. Definitions persist from one input to the next. A
form may span several lines: input is read until every form is closed.

Errors print on stderr as "error: MESSAGE", then the Spell call trace and a
did-you-mean hint when there is one; the session goes on. Ctrl-C during a
long evaluation cancels it and returns to the prompt.

The environment is the pipeline's: eval is bound, so the trailing
expression of (eval '(...)) runs with the effect builtins of a run without
a model.

Commands (alone on a line):
  :help      show this summary
  :env       list the names defined in this session
  :history   show the inputs of this session
  :quit      leave (so does end of input, Ctrl-D)

The prompts (spell> and ...>) are printed only when standard input is a
terminal, so a piped session prints values only. Terminal input is also
appended to $XDG_STATE_HOME/spell/repl_history.

Examples:
  spell repl                              start an interactive session
  echo '(def x 2) (* x 21)' | spell repl  evaluate piped forms; prints 2 and 42
  spell repl --max-steps 100000           stop runaway loops sooner`,
		Flags: []ucli.Flag{
			&ucli.Int64Flag{Name: "max-steps", Usage: "evaluation step budget per input form (`N`)", Value: eval.DefaultLimits.MaxSteps},
			&ucli.IntFlag{Name: "max-nesting", Usage: "evaluator nesting depth limit (`N`)", Value: eval.DefaultLimits.MaxNesting},
			&ucli.Int64Flag{Name: "seed", Usage: "seed (`N`) for rand, shuffle, random-uuid, gensym", Value: 1},
		},
		CustomHelpTemplate: commandHelp,
		Action:             runREPL,
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
Ctrl-C cancels a running evaluation.
`

// replRun is the state of one `spell repl` session.
type replRun struct {
	in             *bufio.Reader
	stdout, stderr io.Writer
	interactive    bool // stdin is a terminal: prompts and history file

	interp *eval.Interp
	ctx    *replContext
	env    *eval.Env
	base   *eval.Env // the initial environment; :env lists what differs

	history  []string
	histPath string // "" when history is not saved

	// interrupts returns the channel on which Ctrl-C arrives during one
	// evaluation, and a function that stops the delivery. Tests replace it.
	interrupts func() (<-chan os.Signal, func())
}

func runREPL(c *ucli.Context) error {
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

	r := newREPL(c.App.Reader, c.App.Writer, c.App.ErrWriter, eval.Options{Limits: limits, Seed: c.Int64("seed")})
	r.interactive = replIsTerminal(c.App.Reader)
	if r.interactive {
		r.histPath = replHistoryPath()
		fmt.Fprintln(r.stdout, "Spell-Go REPL — :help for help, :quit to leave.")
	}
	return r.loop()
}

func newREPL(stdin io.Reader, stdout, stderr io.Writer, opts eval.Options) *replRun {
	rc := &replContext{}
	bg := context.Background()
	rc.cur.Store(&bg)
	base := eval.PipelineEnv()
	return &replRun{
		in:         bufio.NewReader(stdin),
		stdout:     stdout,
		stderr:     stderr,
		interp:     eval.New(rc, opts),
		ctx:        rc,
		env:        base,
		base:       base,
		interrupts: replInterrupts,
	}
}

// loop reads inputs until :quit or end of input.
func (r *replRun) loop() error {
	var buf strings.Builder
	for {
		if r.interactive {
			if buf.Len() == 0 {
				io.WriteString(r.stdout, replPrompt)
			} else {
				io.WriteString(r.stdout, replContPrompt)
			}
		}
		line, err := r.in.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return &exitError{code: 1, msg: "spell repl: " + err.Error()}
		}
		eof := err != nil
		if eof && line == "" {
			if r.interactive {
				fmt.Fprintln(r.stdout)
			}
			if strings.TrimSpace(buf.String()) != "" {
				// Unfinished input at the end: evaluate it to report why.
				r.evalText(buf.String())
			}
			return nil
		}
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
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
		if replIncomplete(text) && !eof {
			continue
		}
		r.record(text)
		buf.Reset()
		r.evalText(text)
		if eof {
			return nil
		}
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
// printing each value. A syntax error rejects the whole input.
func (r *replRun) evalText(text string) {
	f := syntax.Parse(replSource, []byte(text))
	if len(f.Errors) > 0 {
		for _, e := range f.Errors {
			fmt.Fprintf(r.stderr, "error: %s\n", e.Msg)
		}
		return
	}
	for _, n := range f.Forms {
		form, spans, err := eval.Lower(f, n)
		if err != nil {
			r.printError(err)
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
	fmt.Fprintf(r.stderr, "error: %s\n", e.Msg)
	if t := e.CallTrace(); t != "" {
		fmt.Fprintf(r.stderr, "  %s\n", t)
	}
	if e.Hint != "" {
		fmt.Fprintf(r.stderr, "  hint: %s\n", e.Hint)
	}
}

// record keeps an input in the session history and, for terminal
// sessions, appends it to the history file (best effort).
func (r *replRun) record(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	r.history = append(r.history, text)
	if r.histPath == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(r.histPath), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(r.histPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	io.WriteString(f, text)
	f.Close()
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

// replIsTerminal reports whether r is a character device such as a terminal.
func replIsTerminal(r io.Reader) bool {
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
