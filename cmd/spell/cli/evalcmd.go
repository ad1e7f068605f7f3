package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// evalCommand is `spell eval`: editor evaluation of one form of a file (or
// of every top-level form) in the pipeline environment with no effects,
// the way `spell repl` evaluates without --agent. It is thin over
// syntax.Parse, eval.Lower and eval.Interp; editors call it in a child
// process so the language server never evaluates user code.
func evalCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "eval",
		Usage:     "evaluate the forms of a file without effects (for editors)",
		UsageText: "spell eval [--at OFFSET [--form top|current]] [--json] [flags] FILE | spell eval [flags] -",
		Description: `Evaluates Spell forms of FILE (- reads standard input) and prints their
values in readable form, one per line. Nothing runs with effects: the
environment is that of 'spell repl' without --agent (eval is bound, the
effect builtins fail, no model is called), so evaluating a form never
touches files, the network or a model.

Without --at, every top-level form is evaluated in order in one
environment (definitions carry over) and each value is printed.

With --at OFFSET (a byte offset into the text) one form is evaluated: the
top-level form at OFFSET (--form top, the default) or the innermost form at
OFFSET (--form current: the atom or bracketed form under the cursor, or the
one that ends right before it). Its context is evaluated first, silently:
the top-level forms before it and, inside (do ...) forms that enclose it,
the forms before it; their failures are ignored.

Each form gets the step budget --max-steps; --timeout bounds the whole
command. Syntax errors inside or before the chosen form are reported as
errors of that form; errors after it are ignored.

--json prints one object: {"file", "results": [{"start", "end", "line",
"col", "value", "error", "error_start", "hint"}]}, where start and end are
the byte offsets of the form, line and col its 1-based position (col in
code points), value the readable value or null, error the message or null.

Exit codes: 0 every evaluated form succeeded; 1 a form failed (Spell error,
syntax error, limit, timeout) or there is no form at OFFSET; 2 usage errors.

Examples:
  spell eval prog.spl                       print the value of every form
  spell eval --at 120 --json prog.spl       the top-level form at byte 120
  spell eval --at 120 --form current -      the innermost form, text on stdin`,
		Flags: []cmdline.Flag{
			&cmdline.IntFlag{Name: "at", Usage: "evaluate the form at byte `OFFSET` only", Value: -1, DefaultText: "every top-level form"},
			&cmdline.StringFlag{Name: "form", Usage: "with --at: `WHICH` form, top or current", Value: "top"},
			&cmdline.BoolFlag{Name: "json", Usage: "print one JSON object (results with offsets, values and errors)", HideDefault: true},
			&cmdline.StringFlag{Name: "stdin-filename", Usage: "the file `NAME` of text read from stdin (in messages)"},
			&cmdline.Int64Flag{Name: "max-steps", Usage: "evaluation step budget `N` per form", Value: eval.DefaultLimits.MaxSteps},
			&cmdline.IntFlag{Name: "max-nesting", Usage: "evaluator nesting depth limit `N`", Value: eval.DefaultLimits.MaxNesting},
			&cmdline.DurationFlag{Name: "timeout", Usage: "wall-clock limit `DURATION` of the whole command, e.g. 10s", DefaultText: "0, none"},
			&cmdline.Int64Flag{Name: "seed", Usage: "seed `N` for rand, shuffle, random-uuid, gensym", Value: 1},
			maxInputFlag(),
		},
		Action: runEval,
	}
}

// evalResult is one entry of the --json results.
type evalResult struct {
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Line       int     `json:"line"`
	Col        int     `json:"col"`
	Value      *string `json:"value"`
	Error      *string `json:"error"`
	ErrorStart *int    `json:"error_start,omitempty"`
	Hint       string  `json:"hint,omitempty"`
}

type evalJSON struct {
	File    string       `json:"file"`
	Results []evalResult `json:"results"`
}

func runEval(ctx context.Context, c *cmdline.Command) error {
	const cmd = "spell eval"
	args := c.Args().Slice()
	switch {
	case len(args) == 0:
		return usageError(cmd, "missing FILE (or - for standard input)")
	case len(args) > 1:
		return usageError(cmd, "one file at a time (got %d arguments; flags go before the file)", len(args))
	}
	which := c.String("form")
	if which != "top" && which != "current" {
		return usageError(cmd, "--form must be top or current")
	}
	if c.Int64("max-steps") <= 0 || c.Int("max-nesting") <= 0 {
		return usageError(cmd, "--max-steps and --max-nesting must be positive")
	}
	if c.Duration("timeout") < 0 {
		return usageError(cmd, "--timeout must not be negative")
	}
	limit, err := maxInput(c, cmd)
	if err != nil {
		return err
	}
	var name string
	var text []byte
	if args[0] == "-" {
		name = c.String("stdin-filename")
		if name == "" {
			name = "<stdin>"
		}
		text, err = readLimited(c.Root().Reader, limit)
	} else {
		cwd, _ := os.Getwd()
		name = displayPath(cwd, args[0])
		text, err = readSourceFile(args[0], limit)
	}
	if err != nil {
		path := args[0]
		if path == "-" {
			path = ""
		}
		if e := tooLargeExit(path, err); e != nil {
			return e
		}
		return usageError(cmd, "cannot read %s: %v", name, unwrapPath(err))
	}

	f := syntax.Parse(name, text)
	lines := f.LineTable()
	if d := c.Duration("timeout"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	limits := eval.DefaultLimits
	limits.MaxSteps, limits.MaxNesting = c.Int64("max-steps"), c.Int("max-nesting")
	ev := &evaluator{f: f, interp: eval.New(ctx, eval.Options{Limits: limits, Seed: c.Int64("seed")}), env: eval.PipelineEnv(), ctx: ctx}

	var results []evalResult
	if at := c.Int("at"); at >= 0 {
		if at > len(text) {
			return usageError(cmd, "--at %d is past the end of the text (%d bytes)", at, len(text))
		}
		target, before := pickForm(f, at, which == "current")
		if target == nil {
			msg := fmt.Sprintf("no form at offset %d", at)
			if c.Bool("json") {
				return printEvalJSON(c.Root().Writer, evalJSON{File: name, Results: []evalResult{{Start: at, End: at, Line: lines.Position(at).Line, Col: lines.Position(at).Col, Error: &msg}}}, true)
			}
			return &exitError{code: 1, msg: fmt.Sprintf("%s:%s: error: %s", name, lines.Position(at), msg)}
		}
		for _, n := range before {
			ev.eval(n) // the context: failures ignored
		}
		results = append(results, ev.eval(target))
	} else {
		for _, n := range f.Forms {
			results = append(results, ev.eval(n))
		}
	}
	failed := false
	for i := range results {
		r := &results[i]
		p := lines.Position(r.Start)
		r.Line, r.Col = p.Line, p.Col
		failed = failed || r.Error != nil
	}
	if c.Bool("json") {
		return printEvalJSON(c.Root().Writer, evalJSON{File: name, Results: results}, failed)
	}
	for _, r := range results {
		if r.Error != nil {
			off := r.Start
			if r.ErrorStart != nil {
				off = *r.ErrorStart
			}
			fmt.Fprintf(c.Root().ErrWriter, "%s:%s: error: %s\n", name, lines.Position(off), *r.Error)
			if r.Hint != "" {
				fmt.Fprintf(c.Root().ErrWriter, "  hint: %s\n", r.Hint)
			}
			continue
		}
		fmt.Fprintln(c.Root().Writer, *r.Value)
	}
	if failed {
		return silentExit(1)
	}
	return nil
}

func printEvalJSON(w io.Writer, out evalJSON, failed bool) error {
	if out.Results == nil {
		out.Results = []evalResult{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(out)
	_, _ = w.Write(b.Bytes())
	if failed {
		return silentExit(1)
	}
	return nil
}

// evaluator evaluates forms of one file in one growing environment.
type evaluator struct {
	f      *syntax.File
	interp *eval.Interp
	env    *eval.Env
	ctx    context.Context
}

// eval evaluates node n: a syntax error inside it (or an unclosed form
// that swallowed it) is its error; otherwise its value or evaluation error.
func (ev *evaluator) eval(n *syntax.Node) evalResult {
	r := evalResult{Start: int(n.Start), End: int(n.End)}
	fail := func(msg string, off int, hint string) evalResult {
		r.Error, r.Hint = &msg, hint
		if off >= 0 && off != r.Start {
			r.ErrorStart = &off
		}
		return r
	}
	// The first syntax error inside n, or whose related offset (the opener
	// of an unclosed form) is inside it (at most syntax.MaxErrors).
	for _, e := range ev.f.Errors {
		switch {
		case e.Off >= n.Start && e.Off <= n.End:
			return fail(e.Msg, int(e.Off), "")
		case e.Related >= n.Start && e.Related <= n.End:
			return fail(e.Msg, int(e.Related), "")
		}
	}
	if err := ev.ctx.Err(); err != nil {
		return fail(timeoutMessage(err), -1, "")
	}
	form, spans, err := eval.Lower(ev.f, n)
	if err != nil {
		return fail(evalErrText(err))
	}
	ev.interp.Spans = spans
	v, env, err := ev.interp.Eval(form, ev.env)
	if env != nil {
		ev.env = env // definitions made before a failure stay, as in the REPL
	}
	if err != nil {
		if ctxErr := ev.ctx.Err(); ctxErr != nil {
			return fail(timeoutMessage(ctxErr), -1, "")
		}
		return fail(evalErrText(err))
	}
	s := value.PrStr(v)
	r.Value = &s
	return r
}

func timeoutMessage(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "evaluation stopped: --timeout reached"
	}
	return "evaluation cancelled"
}

// evalErrText returns the message, the offset of the failing expression
// (-1 when unknown) and the hint of an evaluation error.
func evalErrText(err error) (string, int, string) {
	var e *eval.Error
	if !errors.As(err, &e) {
		return err.Error(), -1, ""
	}
	msg, hint := presentation(e)
	off := -1
	if e.Span != nil {
		off = int(e.Span.Start)
	}
	return msg, off, hint
}

// pickForm returns the form to evaluate at byte offset at — the top-level
// form, or the innermost form when current — and its context: the
// top-level forms before the target's top-level form, then for each
// enclosing (do ...) the forms before the one holding the target.
func pickForm(f *syntax.File, at int, current bool) (*syntax.Node, []*syntax.Node) {
	top := pickKid(f.Forms, at)
	if top == nil {
		// On whitespace or a comment between forms: the form before the
		// cursor, else the first one after it.
		for _, n := range f.Forms {
			if int(n.Start) > at && top != nil {
				break
			}
			top = n
		}
	}
	if top == nil {
		return nil, nil
	}
	var context []*syntax.Node
	for _, n := range f.Forms {
		if n == top {
			break
		}
		context = append(context, n)
	}
	if !current {
		return top, context
	}
	n := top
	for depth := 0; depth < 10000; depth++ {
		if n.Kind.IsAtom() || at < int(n.OpenEnd) || (n.CloseStart >= 0 && at > int(n.CloseStart)) {
			break
		}
		kid := pickKid(n.Kids, at)
		if kid == nil {
			break
		}
		if n.Kind == syntax.List && len(n.Kids) > 1 && n.Kids[0].Kind == syntax.Symbol && string(n.Kids[0].Token(f.Src)) == "do" {
			for _, k := range n.Kids[1:] {
				if k == kid {
					break
				}
				context = append(context, k)
			}
		}
		n = kid
	}
	return n, context
}

// pickKid returns the kid containing at: the one with Start <= at < End,
// else the one ending at at (the cursor right after it); nil if none.
func pickKid(kids []*syntax.Node, at int) *syntax.Node {
	var before *syntax.Node
	for _, k := range kids {
		if int(k.Start) <= at && at < int(k.End) {
			return k
		}
		if int(k.End) == at {
			before = k
		}
		if int(k.Start) > at {
			break
		}
	}
	return before
}
