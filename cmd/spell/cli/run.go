package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// runCommand is `spell run` for programs (runtime.md §2, §12).
func runCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "run",
		Usage:     "run a Spell program",
		UsageText: "spell run [flags] FILE | spell run [flags] -e TEXT | spell run [flags] -",
		Description: `Runs one Spell program and prints its value: a string raw, anything else in
readable form (pr-str). A program is one form; it is read in completion mode,
the way model turns are read: a missing closing parenthesis is added, a code
fence is stripped, text after the first form is ignored. Each such repair is
a warning on stderr (FILE:LINE:COL: warning: ...); with --strict each one is
an error and nothing runs.

The program runs in the pipeline context: the trailing expression of a
(quine completion (eval (do ...))) wrapper is evaluated with effects
available. No model is configured yet, so a program that calls !llm-self
fails with a message saying so.

Errors print as FILE:LINE:COL: error: MESSAGE, then the Spell call trace
and a did-you-mean hint when there is one.

Exit codes: 0 success; 1 the program failed (Spell error, limit, repair
under --strict); 2 usage errors; 130 interrupted (Ctrl-C).

Examples:
  spell run hello.spl                     run a program file
  spell run -e '(+ 1 2)'                  run program text; prints 3
  echo '(str "a" "b")' | spell run -      read the program from stdin
  spell run --json -e '(inc 41)'          print {"value":"42",...}
  spell run --strict prog.spl             refuse programs that need repairs`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "eval", Aliases: []string{"e"}, Usage: "run program `TEXT` instead of a file"},
			&ucli.BoolFlag{Name: "strict", Usage: "treat every reader repair and ignored trailing text as an error", DisableDefaultText: true},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object with the value or the error instead of the value", DisableDefaultText: true},
			&ucli.Int64Flag{Name: "max-steps", Usage: "evaluation step budget (`N`)", Value: eval.DefaultLimits.MaxSteps},
			&ucli.IntFlag{Name: "max-nesting", Usage: "evaluator nesting depth limit (`N`)", Value: eval.DefaultLimits.MaxNesting},
			&ucli.Int64Flag{Name: "seed", Usage: "seed (`N`) for rand, shuffle, random-uuid, gensym", Value: 1},
		},
		CustomHelpTemplate: commandHelp,
		Action:             runRun,
	}
}

// runJSON is the --json object; field order is the spec's (runtime.md §12.2).
type runJSON struct {
	Value    *string          `json:"value"`
	Error    *string          `json:"error"`
	Calls    map[string]int   `json:"calls"`
	MaxDepth int              `json:"max_depth"`
	Effects  map[string]int   `json:"effects"`
	Usage    map[string]any   `json:"usage"`
	CostUSD  float64          `json:"cost_usd"`
	TraceDir *string          `json:"trace_dir"`
	Warnings []map[string]any `json:"-"`
}

func runRun(c *ucli.Context) error {
	stdout, stderr := c.App.Writer, c.App.ErrWriter
	args := c.Args().Slice()
	var name string
	var text []byte
	switch {
	case c.IsSet("eval") && len(args) > 0:
		return usageError("spell run", "give either -e TEXT or a FILE, not both")
	case c.IsSet("eval"):
		name, text = "<eval>", []byte(c.String("eval"))
	case len(args) == 0:
		return usageError("spell run", "missing program: give a FILE, -e TEXT, or - for stdin")
	case len(args) > 1:
		return usageError("spell run", "one program at a time (got %d arguments; flags go before the file)", len(args))
	case args[0] == "-":
		b, err := io.ReadAll(c.App.Reader)
		if err != nil {
			return &exitError{code: 1, msg: "spell run: reading stdin: " + err.Error()}
		}
		name, text = "<stdin>", b
	default:
		b, err := os.ReadFile(args[0])
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return usageError("spell run", "cannot read %s: %v", args[0], err)
		}
		name, text = filepath.ToSlash(args[0]), b
	}
	if max := c.Int64("max-steps"); max <= 0 {
		return usageError("spell run", "--max-steps must be positive")
	}
	if c.Int("max-nesting") <= 0 {
		return usageError("spell run", "--max-nesting must be positive")
	}

	rr := syntax.ReadCompletion(name, text)
	lines := syntax.NewLineTable(text)
	var problems []string
	for _, r := range rr.Repairs {
		problems = append(problems, fmt.Sprintf("%s:%s: %%s: %s", name, lines.Position(r.Off), r.Msg))
	}
	if c.Bool("strict") && len(problems) > 0 {
		var msg string
		for _, p := range problems {
			fmt.Fprintf(stderr, p+"\n", "error")
			if msg == "" {
				msg = fmt.Sprintf(p, "error")
			}
		}
		return reportResult(c, stdout, nil, fmt.Errorf("%d reader %s under --strict", len(problems), plural(len(problems), "repair", "repairs")), true)
	}
	if !c.Bool("json") {
		for _, p := range problems {
			fmt.Fprintf(stderr, p+"\n", "warning")
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := eval.Options{Seed: c.Int64("seed"), Limits: eval.Limits{MaxSteps: c.Int64("max-steps"), MaxNesting: c.Int("max-nesting")}}
	prog, res, err := eval.RunProgram(ctx, name, text, opts)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "Interrupted.")
			return silentExit(130)
		}
		if !c.Bool("json") {
			fmt.Fprint(stderr, formatError(err, prog, name, lines))
		}
		return reportResult(c, stdout, nil, err, false)
	}
	return reportResult(c, stdout, res.Value, nil, false)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reportResult prints the value (println semantics) or the --json object
// and returns the exit status.
func reportResult(c *ucli.Context, stdout io.Writer, v value.Value, err error, printed bool) error {
	if c.Bool("json") {
		out := runJSON{Calls: map[string]int{}, Effects: map[string]int{}, Usage: map[string]any{}}
		if err != nil {
			msg := err.Error()
			out.Error = &msg
		} else {
			s := value.PrStr(v)
			out.Value = &s
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
		_, _ = stdout.Write(b.Bytes())
		if err != nil {
			return silentExit(1)
		}
		return nil
	}
	if err != nil {
		return silentExit(1)
	}
	if s, ok := v.(string); ok {
		fmt.Fprintln(stdout, s)
	} else {
		fmt.Fprintln(stdout, value.PrStr(v))
	}
	return nil
}

// formatError renders a Spell error for a terminal: position and message,
// then the call trace and a hint (runtime.md §12.2).
func formatError(err error, prog *eval.ReadResult, name string, lines *syntax.LineTable) string {
	var b strings.Builder
	var e *eval.Error
	if !errors.As(err, &e) {
		fmt.Fprintf(&b, "Error: %v\n", err)
		return b.String()
	}
	if e.Span != nil && prog != nil && prog.Completion != nil {
		off := prog.Completion.OrigOffset(int(e.Span.Start))
		fmt.Fprintf(&b, "%s:%s: error: %s\n", name, lines.Position(off), e.Msg)
	} else {
		fmt.Fprintf(&b, "Error: %s\n", e.Msg)
	}
	if t := e.CallTrace(); t != "" {
		fmt.Fprintf(&b, "  %s\n", t)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, "  hint: %s\n", e.Hint)
	}
	return b.String()
}
