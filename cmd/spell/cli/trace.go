package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe/trace"
)

// traceCommand is `spell trace` (runtime.md §14.4).
func traceCommand() *cmdline.Command {
	subs := []*cmdline.Command{traceLsCommand(), traceShowCommand(), traceDiffCommand(), traceExportCommand()}
	return &cmdline.Command{
		Name:      "trace",
		Usage:     "inspect run directories: list, summarise, compare and export runs",
		UsageText: "spell trace ls | show [RUN] | diff RUN1 RUN2 | export --html [-o FILE] [RUN]",
		Description: `Every 'spell run' writes a run directory (unless --no-trace): an append-only
event log events.jsonl, the program of every turn (0001.spl, ...), leaf calls
(0001.txt), large effect results (effects/) and result.edn. Run directories
live in the runs directory $XDG_STATE_HOME/spell/runs (default
~/.local/state/spell/runs), named by run id YYYYMMDD-HHMMSS-xxxxxx.

RUN is a run directory path or a run id in the runs directory; "latest" (the
default where RUN is optional) is the newest run there.

Commands:
  ls       one line per run, newest first
  show     summary of a run (turns, recovery, forms, namespaces, errors, cost)
  diff     first turn whose prompt or completion differs between two runs
  export   one self-contained HTML file showing every turn

Exit codes: 0 success; 1 diff found a difference; 2 usage errors or a
directory that is not a run.

Examples:
  spell trace ls                          list runs, newest first
  spell trace show                        summarise the newest run
  spell trace show --tree 20260102-030405-abcdef
  spell trace show --turn 3               program of turn 3 of the newest run
  spell trace diff run-a run-b            where did two runs diverge?
  spell trace export --html -o run.html   one HTML page for the newest run`,
		Commands: subs,
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if c.Args().Present() {
				return usageError("spell trace", "unknown subcommand %q", c.Args().First())
			}
			return c.ShowHelp()
		},
	}
}

func traceLsCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "ls",
		Usage:     "list runs, newest first",
		UsageText: "spell trace ls",
		Description: `Prints one line per run directory in the runs directory, newest first: run
id, start time (UTC), status (ok, error, interrupted, or incomplete when the
run never logged its end), turns, cost and the task or program (first 60
characters).

Examples:
  spell trace ls
  XDG_STATE_HOME=/tmp/state spell trace ls`,
		Action: runTraceLs,
	}
}

func traceShowCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "show",
		Usage:     "summarise a run",
		UsageText: "spell trace show [--tree | --turn N | --skeleton N | --rethinks | --context | --tsv | --json] [RUN]",
		Description: `Prints a summary of RUN (default: latest): turns per handle, turn kinds,
recovery kinds, the tracked forms the model wrote (think prune rethink
!extend !call-now !peek !compact !llm-self !ask-await persist !print
!describe leaf-llm future defn fn), namespace usage, pruning statistics,
errors with the turn that recovered them, and cost.

Forms and namespaces are counted in the text each turn's model added, so a
form repeated in later prompts counts once.

Modes (at most one):
  --tree        turn tree (indented by depth): first 40 characters of each
                turn's prompt (the task of its context, or the leaf
                prompt), then the value or ✗ error
  --turn N      the program of turn N (a leaf call: prompt and response)
  --skeleton N  the program of turn N with long strings truncated
  --rethinks    each prune/rethink with the text it removed
  --context     per turn: prefix size, delta and characters pruned
  --tsv         one tab-separated row per turn, with a header
  --json        the summary and the per-turn rows as one JSON object

Examples:
  spell trace show
  spell trace show --tree
  spell trace show --turn 3 20260102-030405-abcdef
  spell trace show --skeleton 3 --string-truncate 20
  spell trace show --json ./my-run-dir`,
		Flags: []cmdline.Flag{
			&cmdline.BoolFlag{Name: "tree", Usage: "print the turn tree", HideDefault: true},
			&cmdline.IntFlag{Name: "turn", Usage: "print the program of turn `N`"},
			&cmdline.IntFlag{Name: "skeleton", Usage: "print the program of turn `N` with strings truncated"},
			&cmdline.IntFlag{Name: "string-truncate", Usage: "with --skeleton, keep `N` characters of each string", Value: 32},
			&cmdline.BoolFlag{Name: "rethinks", Usage: "print each prune/rethink with the text it removed", HideDefault: true},
			&cmdline.BoolFlag{Name: "context", Usage: "print prefix size, delta and characters pruned per turn", HideDefault: true},
			&cmdline.BoolFlag{Name: "tsv", Usage: "print one tab-separated row per turn", HideDefault: true},
			&cmdline.BoolFlag{Name: "json", Usage: "print the summary as JSON", HideDefault: true},
		},
		Action: runTraceShow,
	}
}

func traceDiffCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "diff",
		Usage:     "show the first turn where two runs differ",
		UsageText: "spell trace diff RUN1 RUN2",
		Description: `Compares two runs turn by turn, pairing turns by handle and call number
(main/1, main/2, ..., spawn-1/1, ...), in the order of RUN1. The first turn
whose prompt or completion differs is printed as unified diffs of its
prompt and completion; a turn present in only one run differs from an
empty one. Nothing is printed when the runs agree.

Exit codes: 0 the runs agree; 1 they differ; 2 usage errors or a directory
that is not a run.

Examples:
  spell trace diff 20260102-030405-abcdef latest
  spell trace diff ./before ./after`,
		Action: runTraceDiff,
	}
}

func traceExportCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "export",
		Usage:     "export a run as one self-contained HTML file",
		UsageText: "spell trace export --html [-o FILE] [RUN]",
		Description: `Writes one HTML file for RUN (default: latest) with no external scripts,
styles or fonts. For every turn it shows the program with the text the model
added highlighted, the forms removed by edit markers since the previous turn
struck through, text the runtime spliced in underlined, then the value or
error, usage and cost. Leaf calls show their prompt and response.

The default output is <run-id>.html in the working directory; -o - writes
to standard output. The name of the file written is printed.

Examples:
  spell trace export --html
  spell trace export --html -o run.html 20260102-030405-abcdef`,
		Flags: []cmdline.Flag{
			&cmdline.BoolFlag{Name: "html", Usage: "export as HTML (the only format)", HideDefault: true},
			&cmdline.StringFlag{Name: "o", Usage: "write to `FILE` (- for standard output)"},
		},
		Action: runTraceExport,
	}
}

// runsDir is the runs directory of this process.
func runsDir() string { return trace.RunsDir(os.Getenv) }

// openRun opens RUN for subcommand cmd, mapping failures to exit 2.
func openRun(cmd, arg string) (*trace.Run, error) {
	dir := runsDir()
	r, err := trace.Open(arg, dir)
	if err == nil {
		_, err = r.Events()
	}
	if err == nil {
		return r, nil
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, trace.ErrNoRuns):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: no runs in %s", cmd, dir)}
	case errors.Is(err, trace.ErrNotRun):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: not a run directory (no %s)", cmd, arg, trace.EventsFile)}
	case errors.Is(err, fs.ErrNotExist):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: no such run directory or run id", cmd, arg)}
	case errors.As(err, &pe):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, arg, pe.Err)}
	}
	return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, arg, err)}
}

// optionalRun returns the single optional RUN argument (default latest).
func optionalRun(c *cmdline.Command, cmd string) (string, error) {
	switch c.NArg() {
	case 0:
		return trace.Latest, nil
	case 1:
		a := c.Args().First()
		if strings.HasPrefix(a, "-") && a != "-" {
			return "", usageError(cmd, "flag %s must come before RUN", a)
		}
		return a, nil
	}
	return "", usageError(cmd, "too many arguments: expected at most one RUN")
}

// ---- ls ----

func runTraceLs(ctx context.Context, c *cmdline.Command) error {
	if c.Args().Present() {
		return usageError("spell trace ls", "unexpected argument %q", c.Args().First())
	}
	list, err := trace.List(runsDir())
	if err != nil {
		return &exitError{code: 2, msg: "spell trace ls: " + err.Error()}
	}
	w := c.Root().Writer
	for _, s := range list {
		start := "-"
		if !s.Start.IsZero() {
			start = s.Start.UTC().Format("2006-01-02T15:04:05Z")
		}
		line := fmt.Sprintf("%-22s  %-20s  %-11s  %4d  %9s  %s", s.ID, start, s.Status, s.Turns, trace.FormatCost(s.Cost), s.Task)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	return nil
}

// ---- show ----

func runTraceShow(ctx context.Context, c *cmdline.Command) error {
	const cmd = "spell trace show"
	modes := 0
	for _, f := range []string{"tree", "turn", "skeleton", "rethinks", "context", "tsv", "json"} {
		if c.IsSet(f) {
			modes++
		}
	}
	if modes > 1 {
		return usageError(cmd, "--tree, --turn, --skeleton, --rethinks, --context, --tsv and --json are exclusive")
	}
	if c.IsSet("string-truncate") && !c.IsSet("skeleton") {
		return usageError(cmd, "--string-truncate needs --skeleton")
	}
	arg, err := optionalRun(c, cmd)
	if err != nil {
		return err
	}
	r, err := openRun(cmd, arg)
	if err != nil {
		return err
	}
	v, err := trace.LoadView(r)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
	}
	w := c.Root().Writer
	switch {
	case c.IsSet("turn"), c.IsSet("skeleton"):
		n := c.Int("turn")
		if c.IsSet("skeleton") {
			n = c.Int("skeleton")
		}
		t := v.ByTurn[n]
		if t == nil {
			return usageError(cmd, "run %s has no turn %d (turns: %d)", v.Summary.ID, n, len(v.Turns))
		}
		if c.IsSet("skeleton") {
			if c.Int("string-truncate") < 0 {
				return usageError(cmd, "--string-truncate must be at least 0")
			}
			return showSkeleton(w, t, c.Int("string-truncate"))
		}
		return showTurn(w, t)
	case c.Bool("tree"):
		return showTree(w, v)
	case c.Bool("rethinks"):
		return showRethinks(w, v)
	case c.Bool("context"):
		return showContext(w, v)
	case c.Bool("tsv"):
		return showTSV(w, v)
	case c.Bool("json"):
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v.JSON())
	}
	return showSummary(w, v)
}

func showTurn(w io.Writer, t *trace.TurnView) error {
	if t.Kind == trace.KindLeaf {
		_, err := fmt.Fprintf(w, "=== prompt ===\n%s\n=== response ===\n%s\n", strings.TrimSuffix(t.Prompt, "\n"), strings.TrimSuffix(t.Response, "\n"))
		return err
	}
	text := t.Program
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

// showSkeleton prints the program with long strings cut (trace.Skeleton).
func showSkeleton(w io.Writer, t *trace.TurnView, n int) error {
	if t.Kind == trace.KindLeaf {
		return showTurn(w, t)
	}
	_, err := io.WriteString(w, withNL(trace.Skeleton(t.Program, t.Turn, n)))
	return err
}

func showTree(w io.Writer, v *trace.RunView) error {
	level := agentLevels(v.Events)
	for _, t := range v.Turns {
		prompt := "?"
		if p, ok := t.PromptValue(); ok {
			prompt = trace.QuoteAbbrev(p, 40)
		}
		fmt.Fprintf(w, "%s%04d %s %s %s %s\n", strings.Repeat("  ", max(t.Depth, 0)+level(t.Handle)), t.Turn, t.Label(), t.Kind, prompt, t.Outcome(60))
	}
	return nil
}

// agentLevels reads the agent tree of a multi-agent run from its spawn and
// register events: a child's turns are drawn one level under its parent's.
func agentLevels(events []trace.Event) func(h string) int {
	parent := map[string]string{}
	for _, e := range events {
		if e.Ev == trace.EvAgent && (e.Str(trace.KeyEvent) == "spawn" || e.Str(trace.KeyEvent) == "register") {
			if p := e.Str("parent"); p != "" && p != e.Handle() {
				parent[e.Handle()] = p
			}
		}
	}
	return func(h string) int {
		n := 0
		for p, ok := parent[h]; ok && n < len(parent); p, ok = parent[p] {
			n++
		}
		return n
	}
}

func showContext(w io.Writer, v *trace.RunView) error {
	fmt.Fprintf(w, "%-5s %-14s %-9s %8s %8s %8s\n", "turn", "call", "kind", "prefix", "delta", "pruned")
	for _, t := range v.Turns {
		size, delta := t.ContextSizes()
		fmt.Fprintf(w, "%04d  %-14s %-9s %8d %8s %8d\n", t.Turn, t.Label(), t.Kind, size, delta, t.Pruned)
	}
	return nil
}

func showTSV(w io.Writer, v *trace.RunView) error {
	fmt.Fprintln(w, "turn\thandle\tn\tkind\tdepth\tparent\tprefix_chars\tdelta\tpruned_chars\tinput_tokens\toutput_tokens\tcost_usd\trecovery\toutcome")
	clean := func(s string) string {
		return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
	}
	for _, t := range v.Turns {
		size, delta := t.ContextSizes()
		in, out := trace.UsageTokens(t.Usage)
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%.6f\t%s\t%s\n", t.Turn, t.Handle, t.N, t.Kind, t.Depth,
			t.Parent, size, delta, t.Pruned, in, out, t.CostUSD, t.Recovery, clean(t.Outcome(200)))
	}
	return nil
}

func showRethinks(w io.Writer, v *trace.RunView) error {
	for _, t := range v.Turns {
		if len(t.Markers) == 0 {
			continue
		}
		fmt.Fprintf(w, "turn %04d %s: %s\n", t.Turn, t.Label(), strings.Join(t.Markers, " "))
		next := v.Next(t)
		if next == nil {
			fmt.Fprintln(w, "  (no following turn)")
			continue
		}
		removed := false
		for _, op := range next.Ops {
			if op.Kind == trace.OpDel && strings.TrimSpace(op.Text) != "" {
				fmt.Fprintf(w, "  - %s\n", trace.Abbrev(op.Text, 200))
				removed = true
			}
		}
		if !removed {
			fmt.Fprintf(w, "  (nothing removed by turn %04d)\n", next.Turn)
		}
	}
	return nil
}

func showSummary(w io.Writer, v *trace.RunView) error {
	s := v.Counts()
	start := "-"
	if !v.Summary.Start.IsZero() {
		start = v.Summary.Start.UTC().Format("2006-01-02T15:04:05Z")
	}
	p := func(label, value string) { fmt.Fprintf(w, "%-11s %s\n", label+":", value) }
	p("Run", v.Summary.ID)
	p("Started", start)
	p("Status", v.Status())
	if task := v.Start.Str(trace.KeyTask); task != "" {
		p("Task", trace.Abbrev(task, 100))
	} else if prog := v.Start.Str(trace.KeyProgram); prog != "" {
		p("Program", trace.Abbrev(prog, 100))
	}
	if m := v.Start.Str(trace.KeyModel); m != "" {
		p("Model", m)
	}
	p("Result", trace.Abbrev(v.ResultText(), 100))
	p("Turns", fmt.Sprintf("%d (%s)", len(v.Turns), s.Handles.Format(nil)))
	p("Kinds", s.Kinds.Format([]string{trace.KindSelf, trace.KindLeaf, trace.KindRecovery, trace.KindCompactB, trace.KindCompactC}))
	p("Recovery", s.Recovery.Format(nil))
	p("Forms", s.Forms.Format(trace.TrackedForms))
	p("Namespaces", s.Namespaces.Format(nil))
	p("Pruning", fmt.Sprintf("%d markers (prune=%d rethink=%d); %d characters removed in %d turns",
		s.Markers, s.Forms["prune"], s.Forms["rethink"], s.Pruned, s.PrunedTurns))
	errs := v.Errors()
	if len(errs) == 0 {
		p("Errors", "none")
	} else {
		p("Errors", strconv.Itoa(len(errs)))
		for _, e := range errs {
			fmt.Fprintf(w, "  turn %d (%s/%d): %s — %s\n", e.Turn, e.Handle, e.N, trace.Abbrev(e.Error, 100), e.Note)
		}
	}
	p("Cost", fmt.Sprintf("%s (%d calls, %d input / %d output tokens)", trace.FormatCost(v.Cost), v.Calls, v.InputTokens, v.OutputTokens))
	return nil
}

// ---- diff ----

func runTraceDiff(ctx context.Context, c *cmdline.Command) error {
	const cmd = "spell trace diff"
	if c.NArg() != 2 {
		return usageError(cmd, "expected two runs, got %d arguments", c.NArg())
	}
	var views [2]*trace.RunView
	for i, arg := range c.Args().Slice() {
		r, err := openRun(cmd, arg)
		if err != nil {
			return err
		}
		v, err := trace.LoadView(r)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
		}
		views[i] = v
	}
	a, b := views[0], views[1]
	x, y, differ := trace.FirstDifference(a, b)
	if !differ {
		return nil
	}
	xp, xc := trace.DiffTexts(x)
	yp, yc := trace.DiffTexts(y)
	w := c.Root().Writer
	var label string
	switch {
	case y == nil:
		label = x.Label()
		fmt.Fprintf(w, "turn %s: only in %s (turn %d)\n", label, a.Summary.ID, x.Turn)
	case x == nil:
		label = y.Label()
		fmt.Fprintf(w, "turn %s: only in %s (turn %d)\n", label, b.Summary.ID, y.Turn)
	default:
		label = x.Label()
		fmt.Fprintf(w, "turn %s differs (%s turn %d, %s turn %d)\n", label, a.Summary.ID, x.Turn, b.Summary.ID, y.Turn)
	}
	w.Write(diff.Diff(a.Summary.ID+"/"+label+".prompt", []byte(withNL(xp)), b.Summary.ID+"/"+label+".prompt", []byte(withNL(yp))))
	w.Write(diff.Diff(a.Summary.ID+"/"+label+".completion", []byte(withNL(xc)), b.Summary.ID+"/"+label+".completion", []byte(withNL(yc))))
	return silentExit(1)
}

// withNL ends a non-empty text with a newline, so that diffs do not report
// a missing one.
func withNL(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// ---- export ----

func runTraceExport(ctx context.Context, c *cmdline.Command) error {
	const cmd = "spell trace export"
	if !c.Bool("html") {
		return usageError(cmd, "missing --html (the only export format)")
	}
	arg, err := optionalRun(c, cmd)
	if err != nil {
		return err
	}
	r, err := openRun(cmd, arg)
	if err != nil {
		return err
	}
	v, err := trace.LoadView(r)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
	}
	page := trace.RenderHTML(v)
	out := c.String("o")
	if out == "-" {
		_, err := io.WriteString(c.Root().Writer, page)
		return err
	}
	if out == "" {
		out = v.Summary.ID + ".html"
	}
	if err := os.WriteFile(out, []byte(page), 0o644); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %s: %v", cmd, out, err)}
	}
	fmt.Fprintln(c.Root().Writer, filepath.ToSlash(out))
	return nil
}
