package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/syntax"
)

// runCommand is `spell run` (runtime.md §2, §12).
func runCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "run",
		Usage:     "run a natural-language task with a model, or a Spell program",
		UsageText: "spell run [flags] -p TASK | spell run [flags] FILE | spell run [flags] -e TEXT | spell run [flags] -",
		Description: `Runs a task or one Spell program and prints its value: a string raw,
anything else in readable form (pr-str).

A task (-p TEXT or --task-file FILE) starts the program
(quine completion (eval (do (quine prompt "TASK") '(!extend)))): the model
writes the rest of the program turn by turn, and the value of the last
program is the result. Choose the model with --model (or SPELL_MODEL, or an
ANTHROPIC_API_KEY / OPENAI_API_KEY in the environment). Without any key,
replay a recorded transcript: --model replay:examples/hello-world.txtar.

A program (FILE, - for stdin, or -e TEXT) is read in completion mode, the
way model turns are read: a missing closing parenthesis is added, a code
fence is stripped, text after the first form is ignored. Each repair is a
warning on stderr (FILE:LINE:COL: warning: ...); with --strict each one is
an error and nothing runs. A program makes no model call unless its
trailing expression asks for one.

A run that calls a model or runs an effect writes a trace directory
(events.jsonl and each turn's program) under $XDG_STATE_HOME/spell/runs,
unless --no-trace; read it with spell trace. A program that does neither
(spell run -e '(+ 1 2)') writes no trace.

Output: the result on stdout; warnings, "Cost: $X" and "Trace: DIR" on
stderr; errors as FILE:LINE:COL: error: MESSAGE (or Error: MESSAGE), then the
Spell call trace and a did-you-mean hint when there is one.

Exit codes: 0 success; 1 the run failed (Spell error, limit, provider
failure, repair under --strict); 2 usage or configuration errors (bad flags,
unknown model, invalid profile, missing key); 130 interrupted (Ctrl-C);
143 terminated (SIGTERM).

Examples:
  spell run -p "Say hello" --model replay:examples/hello-world.txtar
  spell run -p "Summarise README.md" --model sonnet --budget 0.50
  spell run -p "List the files" -a readonly --stats
  spell run hello.spl                     run a program file
  spell run -e '(+ 1 2)'                  run program text; prints 3
  echo '(str "a" "b")' | spell run -      read the program from stdin
  spell run --json -e '(inc 41)'          print {"value":"42",...}
  spell run -p "Say hi" -m sonnet --record hi.txtar   record a transcript
  spell run --resume latest               continue the last interrupted run`,
		// spell run's flags, then --engine's (withEngine), copied once into
		// a slice of their number: a literal grown by append took a 640
		// and a 1280-byte slice, size classes nothing else in a start uses
		// (issue 11, start-up).
		Flags: slices.Concat([]cmdline.Flag{
			&cmdline.StringFlag{Name: "task", Aliases: []string{"p"}, Usage: "natural-language `TASK` for the model"},
			&cmdline.StringFlag{Name: "task-file", Usage: "read the task from `FILE`"},
			&cmdline.StringFlag{Name: "eval", Aliases: []string{"e"}, Usage: "run program `TEXT` instead of a file"},
			&cmdline.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "model `SPEC`: provider:model, an alias (sonnet, opus, haiku, gpt…), replay:FILE, human, test"},
			&cmdline.BoolFlag{Name: "test", Aliases: []string{"t"}, Usage: "use the static test provider (always answers \"hello world\")", HideDefault: true},
			&cmdline.StringFlag{Name: "agent", Aliases: []string{"a"}, Usage: "agent profile `NAME` or FILE.agent.edn (default: the model profile's, else cli)"},
			&cmdline.StringFlag{Name: "base-url", Usage: "endpoint `URL` of the HTTP provider"},
			&cmdline.StringFlag{Name: "transport", Usage: "force the transport `MODE`: tc, pf or msg"},
			&cmdline.IntFlag{Name: "max-turns", Usage: "stop after `N` model calls (0 = unlimited)", Value: spe.DefaultLimits.MaxTurns},
			&cmdline.IntFlag{Name: "max-depth", Usage: "nesting limit `N` of non-tail self-calls (0 = unlimited)", Value: spe.DefaultLimits.MaxDepth},
			&cmdline.Float64Flag{Name: "budget", Aliases: []string{"b"}, Usage: "stop when the cost reaches `USD` (0 = unlimited)", Value: spe.DefaultLimits.Budget, DefaultText: defaultBudgetText},
			&cmdline.IntFlag{Name: "max-tokens", Aliases: []string{"M"}, Usage: "output cap `N` of each response", DefaultText: "the model profile's"},
			&cmdline.Int64Flag{Name: "max-total-tokens", Usage: "stop after `N` input+output tokens", DefaultText: "0, unlimited"},
			&cmdline.DurationFlag{Name: "timeout", Usage: "wall-clock limit `DURATION` of the whole run, e.g. 10m", DefaultText: "0, none"},
			&cmdline.IntFlag{Name: "max-consecutive-errors", Usage: "stop after `N` own failures in a row", Value: spe.DefaultLimits.MaxConsecutiveErrors},
			&cmdline.IntFlag{Name: "max-edges", Usage: "at most `N` pending agent requests at once (agents/ask, spawn-ask)", Value: 10000},
			&cmdline.BoolFlag{Name: "no-recover", Usage: "disable recovery: errors propagate unchanged", HideDefault: true},
			&cmdline.IntFlag{Name: "thinking", Aliases: []string{"K"}, Usage: "thinking budget in `TOKENS` (Anthropic)", DefaultText: "0, off"},
			&cmdline.StringFlag{Name: "reasoning-effort", Aliases: []string{"R"}, Usage: "reasoning `EFFORT`: none, low, medium, high, xhigh or max"},
			&cmdline.StringFlag{Name: "verbosity", Usage: "answer `LEVEL`: low or auto (OpenAI)"},
			&cmdline.BoolFlag{Name: "responses-api", Usage: "use the OpenAI Responses API for message calls", HideDefault: true},
			&cmdline.IntFlag{Name: "context-max-chars", Usage: "snapshot target `N` for injected values (at least 128)", Value: eval.DefaultContextMaxChars},
			&cmdline.StringFlag{Name: "root", Usage: "workspace root `DIR` for io/ (default: the working directory)"},
			&cmdline.BoolFlag{Name: "allow-private-net", Usage: "let web/ reach loopback, private, link-local and CGNAT addresses", HideDefault: true},
			&cmdline.BoolFlag{Name: "agents-md", Usage: "prepend the working directory's AGENTS.md (at most 32 KiB) to the task", HideDefault: true},
			&cmdline.StringFlag{Name: "trace-dir", Usage: "write the run's trace to `DIR`"},
			&cmdline.BoolFlag{Name: "no-trace", Usage: "write no trace", HideDefault: true},
			&cmdline.StringFlag{Name: "record", Usage: "write a replayable transcript of every model call to `FILE` (txtar)"},
			&cmdline.StringFlag{Name: "resume", Usage: "continue the interrupted run `RUN` (a run directory, a run id, or latest): recorded completions and effects are not repeated"},
			&cmdline.BoolFlag{Name: "strict", Usage: "programs: every reader repair is an error; replay: prompts must match and every entry must be used", HideDefault: true},
			&cmdline.BoolFlag{Name: "json", Usage: "print one JSON object (value, error, calls, usage, cost, trace_dir)", HideDefault: true},
			&cmdline.BoolFlag{Name: "stats", Usage: "print run statistics to stderr after the run", HideDefault: true},
			&cmdline.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log each call's prompt and completion to stderr", HideDefault: true},
			&cmdline.Int64Flag{Name: "max-steps", Usage: "evaluation step budget `N` per program", Value: eval.DefaultLimits.MaxSteps},
			&cmdline.IntFlag{Name: "max-nesting", Usage: "evaluator nesting depth limit `N`", Value: eval.DefaultLimits.MaxNesting},
			&cmdline.StringFlag{Name: "max-memory", Value: defaultMaxMemoryText, Usage: "memory budget `SIZE` of the run (e.g. 512MB, 2GB; 0 = none)"},
			maxInputFlag(),
			&cmdline.Int64Flag{Name: "seed", Usage: "seed `N` for rand, shuffle, random-uuid, gensym", Value: 1},
		}, EngineFlags()),
		Action: runRun,
	}
}

// defaultBudgetText is --budget's default in help: spe.DefaultLimits.Budget
// as %.2f (TestBudgetDefaultText), a constant since formatting a float at
// every run's start touches strconv's float code (issue 11, start-up).
const defaultBudgetText = "1.00"

// runJSON is the --json object; field order is the spec's (runtime.md §12.2).
type runJSON struct {
	Value    *string        `json:"value"`
	Error    *string        `json:"error"`
	Calls    map[string]int `json:"calls"`
	MaxDepth int            `json:"max_depth"`
	Effects  map[string]int `json:"effects"`
	Usage    any            `json:"usage"`
	CostUSD  *float64       `json:"cost_usd"` // null: a model without a price was called
	TraceDir *string        `json:"trace_dir"`
}

// runInput reads the one input of spell run, at most limit bytes.
func runInput(c *cmdline.Command, limit int64) (task, name string, text []byte, err error) {
	args := c.Args().Slice()
	inputs := 0
	for _, f := range []string{"task", "task-file", "eval"} {
		if c.IsSet(f) {
			inputs++
		}
	}
	if len(args) > 0 {
		inputs++
	}
	switch {
	case inputs == 0:
		return "", "", nil, usageError("spell run", "missing input: give -p TASK, --task-file FILE, a program FILE, -e TEXT, or - for stdin")
	case inputs > 1:
		return "", "", nil, usageError("spell run", "give exactly one input: -p TASK, --task-file FILE, a program FILE, -e TEXT or -")
	case len(args) > 1:
		return "", "", nil, usageError("spell run", "one program at a time (got %d arguments; flags go before the file)", len(args))
	case c.IsSet("task"):
		if strings.TrimSpace(c.String("task")) == "" {
			return "", "", nil, usageError("spell run", "the task is empty")
		}
		return c.String("task"), "", nil, nil
	case c.IsSet("task-file"):
		b, err := readSourceFile(c.String("task-file"), limit)
		if err != nil {
			if e := tooLargeExit(c.String("task-file"), err); e != nil {
				return "", "", nil, e
			}
			return "", "", nil, usageError("spell run", "cannot read the task file: %v", unwrapPath(err))
		}
		return string(b), "", nil, nil
	case c.IsSet("eval"):
		return "", "<eval>", []byte(c.String("eval")), nil
	case args[0] == "-":
		b, err := readLimited(c.Root().Reader, limit)
		if err != nil {
			if e := tooLargeExit("", err); e != nil {
				return "", "", nil, e
			}
			return "", "", nil, &exitError{code: 1, msg: "spell run: reading stdin: " + err.Error()}
		}
		return "", "<stdin>", b, nil
	}
	b, err := readSourceFile(args[0], limit)
	if err != nil {
		if e := tooLargeExit(args[0], err); e != nil {
			return "", "", nil, e
		}
		return "", "", nil, usageError("spell run", "cannot read %s: %v", args[0], unwrapPath(err))
	}
	cwd, _ := os.Getwd()
	return "", displayPath(cwd, args[0]), b, nil
}

// tooLargeExit turns an input over --max-input into the exit-2 error
// PATH: error: file is too large (…) (path "" is standard input); other
// errors give nil.
func tooLargeExit(path string, err error) error {
	var tl *tooLargeError
	if !errors.As(err, &tl) {
		return nil
	}
	name := "<stdin>"
	if path != "" {
		cwd, _ := os.Getwd()
		name = displayPath(cwd, path)
	}
	return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", name, err)}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func runRun(ctx context.Context, c *cmdline.Command) error {
	// Before anything is read or printed: a run that needs NetBinary is
	// its from the start.
	// The working directory once, for the resolution and the run (issue
	// 11, start-up).
	cwd, _ := os.Getwd()
	what, needs := needsNetOf(spe.Config{Model: c.String("model"), Test: c.Bool("test"), Agent: c.String("agent"), Resume: c.String("resume"), Cwd: cwd})
	if what != "" {
		return execNet(c, "spell run", what)
	}
	stdout, stderr := c.Root().Writer, c.Root().ErrWriter
	var task, name string
	var text []byte
	var err error
	if c.IsSet("resume") {
		if c.IsSet("task") || c.IsSet("task-file") || c.IsSet("eval") || c.Args().Present() {
			return usageError("spell run", "--resume continues a recorded run: give no task or program")
		}
	} else if limit, err := maxInput(c, "spell run"); err != nil {
		return err
	} else if task, name, text, err = runInput(c, limit); err != nil {
		return err
	}
	cfg, err := runConfig(c, task, name, text, cwd)
	if err != nil {
		return err
	}
	var lines *syntax.LineTable
	var rr *syntax.Completion
	if task == "" && !c.IsSet("resume") {
		var strictErr error
		if rr, lines, strictErr = readerRepairs(c, stderr, name, text); strictErr != nil {
			return reportResult(c, stdout, nil, strictErr, nil, nil)
		}
	}

	var verbose io.Writer
	if c.Bool("verbose") {
		verbose = stderr
	}
	var status *statusLine
	if verbose == nil {
		status = newStatusLine(stderr)
	}
	cfg.Verbose, cfg.Stdin, cfg.Stderr = verbose, c.Root().Reader, stderr
	if status != nil {
		cfg.Progress = status.update
	}
	cfg.Providers = providers()
	if maxMemory := cfg.EvalLimits.MaxMemory; maxMemory > 0 {
		// The Go runtime collects harder as the heap nears the budget;
		// the evaluator's checks turn "over it" into a Spell error.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(maxMemory))
	}
	sig := &runSignals{}
	cfg.Acting = sig.watch
	cfg.Needs = needs // the model and profile needsNetOf resolved
	sess, err := spe.Open(cfg)
	if err != nil {
		return &exitError{code: 2, msg: "spell run: " + err.Error()}
	}
	ctx = sig.start(context.Background(), func() { sess.KillProcesses(true) })
	defer sig.stop()
	v, runErr := sess.Run(ctx)
	status.close()
	closeErr := sess.Close(v, runErr)
	st := sess.RT.Stats()
	interrupted := runErr != nil && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded)
	if runErr == nil && closeErr != nil {
		runErr = closeErr
	}
	errText := ""
	if runErr != nil && !interrupted {
		errText = formatError(runErr, name, rr, lines)
	}
	printEpilogue(c, stderr, errText, st, sess.TraceDir())
	if interrupted {
		fmt.Fprintln(stderr, sig.message())
		return silentExit(sig.status())
	}
	return reportResult(c, stdout, v, runErr, &st, sess)
}

// runConfig checks spell run's limit and model flags and reads them, with
// the task or program, into a run's configuration: one reading for a
// local run and for EngineConfig, so both refuse the same flags. cwd is
// the working directory (os.Getwd's, "" when it fails).
func runConfig(c *cmdline.Command, task, name string, text []byte, cwd string) (spe.Config, error) {
	maxMemory := int64(defaultMaxMemory)
	if c.IsSet("max-memory") {
		// The default needs no parsing (its text is defaultMaxMemoryText:
		// TestMaxMemoryDefault; issue 11, start-up).
		n, err := eval.ParseSize(c.String("max-memory"))
		if err != nil {
			return spe.Config{}, usageError("spell run", "--max-memory: %v", err)
		}
		maxMemory = n
	}
	if c.Int64("max-steps") <= 0 {
		return spe.Config{}, usageError("spell run", "--max-steps must be positive")
	}
	if c.Int("max-nesting") <= 0 {
		return spe.Config{}, usageError("spell run", "--max-nesting must be positive")
	}
	if c.IsSet("context-max-chars") && c.Int("context-max-chars") < 128 {
		return spe.Config{}, usageError("spell run", "--context-max-chars must be at least 128")
	}
	for _, f := range []string{"max-turns", "max-depth", "max-tokens", "thinking"} {
		if c.Int(f) < 0 {
			return spe.Config{}, usageError("spell run", "--%s must not be negative", f)
		}
	}
	if c.Float64("budget") < 0 || c.Int64("max-total-tokens") < 0 || c.Duration("timeout") < 0 {
		return spe.Config{}, usageError("spell run", "limits must not be negative")
	}
	if c.Int("max-consecutive-errors") <= 0 {
		return spe.Config{}, usageError("spell run", "--max-consecutive-errors must be positive")
	}
	if c.Int("max-edges") <= 0 {
		return spe.Config{}, usageError("spell run", "--max-edges must be positive")
	}
	switch c.String("transport") {
	case "", "tc", "pf", "msg":
	default:
		return spe.Config{}, usageError("spell run", "--transport must be tc, pf or msg")
	}

	limitsSet := map[string]bool{}
	for _, f := range []string{"budget", "max-consecutive-errors", "context-max-chars", "max-turns", "max-depth"} {
		limitsSet[f] = c.IsSet(f)
	}
	return spe.Config{
		Task: task, ProgramName: name, Program: text,
		Model: c.String("model"), Test: c.Bool("test"), Agent: c.String("agent"), BaseURL: c.String("base-url"), Transport: c.String("transport"),
		Limits: spe.Limits{MaxTurns: c.Int("max-turns"), MaxDepth: c.Int("max-depth"), Budget: c.Float64("budget"),
			MaxTotalTokens: c.Int64("max-total-tokens"), Timeout: c.Duration("timeout"), MaxConsecutiveErrors: c.Int("max-consecutive-errors")},
		LimitsSet: limitsSet, MaxTokens: c.Int("max-tokens"), Thinking: c.Int("thinking"), ReasoningEffort: c.String("reasoning-effort"),
		Verbosity: c.String("verbosity"), ResponsesAPI: c.Bool("responses-api"),
		EvalLimits: eval.Limits{MaxSteps: c.Int64("max-steps"), MaxNesting: c.Int("max-nesting"), MaxMemory: maxMemory},
		NoRecover:  c.Bool("no-recover"), ContextMaxChars: c.Int("context-max-chars"), Seed: c.Int64("seed"), MaxEdges: c.Int("max-edges"),
		Root: c.String("root"), AllowPrivateNet: c.Bool("allow-private-net"), AgentsMD: c.Bool("agents-md"), TraceDir: c.String("trace-dir"), NoTrace: c.Bool("no-trace"), Record: c.String("record"), Resume: c.String("resume"),
		Strict: c.Bool("strict"), Version: Version, Argv: os.Args, Cwd: cwd,
	}, nil
}

// unpricedWarning follows a run that called a model without a price.
const unpricedWarning = "warning: the model is not in the price table: the cost of its calls is unknown (not counted in Cost or by the budget)"

// printEpilogue prints what follows a run on stderr: its error (errText,
// as formatError renders it), cost and trace directory, then the -v usage
// table and the --stats lines.
func printEpilogue(c *cmdline.Command, stderr io.Writer, errText string, st spe.Stats, traceDir string) {
	if !c.Bool("json") {
		if errText != "" {
			io.WriteString(stderr, errText)
		}
		if st.Cost > 0 {
			fmt.Fprintf(stderr, "Cost: $%.4f\n", st.Cost)
		}
		if st.Unpriced {
			fmt.Fprintln(stderr, unpricedWarning)
		}
		if traceDir != "" {
			fmt.Fprintf(stderr, "Trace: %s\n", traceDir)
		}
	}
	if c.Bool("verbose") {
		printUsage(stderr, st)
	}
	if c.Bool("stats") {
		printStats(stderr, st)
	}
}

// readerRepairs reads a program as spell run evaluates it and reports the
// reader's repairs at their file:line:col: warnings, or under --strict
// errors, and then the failure to report (strictErr).
func readerRepairs(c *cmdline.Command, stderr io.Writer, name string, text []byte) (rr *syntax.Completion, lines *syntax.LineTable, strictErr error) {
	rr = syntax.ReadCompletion(name, text)
	lines = syntax.NewLineTable(text)
	var problems []string
	for _, r := range rr.Repairs {
		problems = append(problems, fmt.Sprintf("%s:%s: %%s: %s", name, lines.Position(r.Off), r.Msg))
	}
	if c.Bool("strict") && len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stderr, p+"\n", "error")
		}
		return rr, lines, fmt.Errorf("%d reader %s under --strict", len(problems), plural(len(problems), "repair", "repairs"))
	}
	if !c.Bool("json") {
		for _, p := range problems {
			fmt.Fprintf(stderr, p+"\n", "warning")
		}
	}
	return rr, lines, nil
}

// printUsage prints the -v usage table: one line per model (runtime.md §12.2).
func printUsage(w io.Writer, st spe.Stats) {
	models := make([]string, 0, len(st.Usage))
	for m := range st.Usage {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, m := range models {
		u := st.Usage[m]
		in := u.UncachedInput + u.CachedInput + u.CacheWriteInput
		out := u.VisibleOutput + u.ReasoningOutput
		calls := st.ModelCalls[m]
		label := "Total"
		if len(models) > 1 {
			label = m
		}
		line := fmt.Sprintf("%s: %d in / %d out (%d %s)", label, in, out, calls, plural(calls, "call", "calls"))
		if st.Cost > 0 {
			line += fmt.Sprintf(" $%.4f", st.Cost)
		}
		if calls > 0 {
			line += fmt.Sprintf(" [context: mean %d / max %d]", in/int64(calls), st.MaxContext[m])
		}
		if u.CacheWriteInput > 0 || u.CachedInput > 0 {
			line += fmt.Sprintf(" [cache: %d write, %d read]", u.CacheWriteInput, u.CachedInput)
		}
		if u.ReasoningOutput > 0 {
			line += fmt.Sprintf(" [reasoning: %d]", u.ReasoningOutput)
		}
		fmt.Fprintln(w, line)
	}
}

// printStats prints the --stats lines of runtime.md §12.2.
func printStats(w io.Writer, st spe.Stats) {
	var b strings.Builder
	b.WriteString("stats: calls")
	total := 0
	for _, h := range spe.SortedKeys(st.Calls) {
		fmt.Fprintf(&b, " %s=%d", h, st.Calls[h])
		total += st.Calls[h]
	}
	fmt.Fprintf(&b, " total=%d\n", total)
	fmt.Fprintf(&b, "stats: max-depth %d\n", st.MaxDepth)
	b.WriteString("stats: effects")
	for _, e := range spe.SortedKeys(st.Effects) {
		fmt.Fprintf(&b, " %s=%d", e, st.Effects[e])
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "stats: consecutive-errors max=%d final=%d\n", st.ConsecutiveMax, st.ConsecutiveFinal)
	io.WriteString(w, b.String())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reportResult prints the value (println semantics) or the --json object
// and returns the exit status.
func reportResult(c *cmdline.Command, stdout io.Writer, v value.Value, err error, st *spe.Stats, sess *spe.Session) error {
	if c.Bool("json") {
		var val, msg *string
		if err != nil {
			m := errMessage(err)
			msg = &m
		} else {
			s := value.PrStr(v)
			val = &s
		}
		dir := ""
		if sess != nil {
			dir = sess.TraceDir()
		}
		writeRunJSON(stdout, val, msg, st, dir)
		if err != nil {
			return silentExit(1)
		}
		return nil
	}
	if err != nil {
		return silentExit(1)
	}
	s, ok := v.(string)
	if !ok {
		s = value.PrStr(v)
	}
	io.WriteString(stdout, s+"\n") // as fmt.Fprintln: one write
	return nil
}

// writeRunJSON prints the --json object of a run: its value (pr-str) or
// its error, its counters and its trace directory ("" = none).
func writeRunJSON(stdout io.Writer, val, errMsg *string, st *spe.Stats, traceDir string) {
	cost := 0.0
	out := runJSON{Value: val, Error: errMsg, Calls: map[string]int{}, Effects: map[string]int{}, Usage: map[string]any{}, CostUSD: &cost}
	if st != nil {
		out.Calls, out.Effects, out.MaxDepth = st.Calls, st.Effects, st.MaxDepth
		cost = st.Cost
		if st.Unpriced {
			// The cost is unknown, not zero (nor the priced calls' part).
			out.CostUSD = nil
		}
		if len(st.Usage) > 0 {
			out.Usage = st.Usage
		}
	}
	if traceDir != "" {
		out.TraceDir = &traceDir
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(out)
	_, _ = stdout.Write(b.Bytes())
}

func errMessage(err error) string {
	var e *eval.Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

// formatError renders a run failure for a terminal: position and message,
// then the call trace and a hint (runtime.md §12.2). Positions in the
// program the user gave are mapped back through the reader's repairs.
func formatError(err error, name string, rr *syntax.Completion, lines *syntax.LineTable) string {
	var b strings.Builder
	var e *eval.Error
	if !errors.As(err, &e) {
		fmt.Fprintf(&b, "Error: %v\n", err)
		return b.String()
	}
	msg, hint := presentation(e)
	switch {
	case e.Span != nil && e.Span.File != nil && e.Span.File.Name == name && rr != nil:
		// The evaluator read the same text the same way: map its offset
		// back through this read's repairs.
		off := rr.OrigOffset(int(e.Span.Start))
		fmt.Fprintf(&b, "%s:%s: error: %s\n", name, lines.Position(off), msg)
	case e.Span != nil && e.Span.File != nil:
		fmt.Fprintf(&b, "%s: error: %s\n", e.Span, msg)
	default:
		fmt.Fprintf(&b, "Error: %s\n", msg)
	}
	if t := e.CallTrace(); t != "" {
		fmt.Fprintf(&b, "  %s\n", t)
	}
	if hint != "" {
		fmt.Fprintf(&b, "  hint: %s\n", hint)
	}
	return b.String()
}

// presentation returns the message and hint to show a person for e: the
// Spell message and its hint, except for an effect used outside eval,
// which is explained in the words the program used (print, not the
// internal !llm-self it expands to). --json keeps the Spell message.
func presentation(e *eval.Error) (msg, hint string) {
	var eo *eval.EffectOutsideEval
	if errors.As(e, &eo) {
		return eo.Explain()
	}
	return e.Msg, e.Hint
}
