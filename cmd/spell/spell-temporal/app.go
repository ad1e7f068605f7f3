package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/spell-go/spell/cmd/spell/cli"
	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
	stemporal "github.com/spell-go/spell/spe/temporal"
	"github.com/spell-go/spell/spe/trace"
)

// Main runs the command line and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	run := cli.EngineRunCommand()
	run.Action = submit
	app := &cmdline.Command{
		Name:      "spell-temporal",
		Usage:     "run Spell on Temporal (exec'd by spell worker|run --engine temporal|status|result|cancel)",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Metadata:  map[string]any{"args": args},
		Commands:  []*cmdline.Command{workerCommand(), run, statusCommand(), resultCommand(), cancelCommand()},
		// spell execs this binary for spell worker, run --engine temporal,
		// status, result and cancel: a usage error names the spell command,
		// as spell's own do.
		UsageError: func(c *cmdline.Command, err error) error {
			return cli.UsageError(spellCommand(c), "%v", err)
		},
		NotFound: func(c *cmdline.Command, name string) error {
			return cli.UsageError(spellCommand(c), "unknown command %q", name)
		},
	}
	return cli.Exit(app.Run(context.Background(), args), stderr)
}

// spellCommand is the spell command that runs c ("spell worker").
func spellCommand(c *cmdline.Command) string {
	if c.Parent() == nil {
		return "spell"
	}
	return "spell " + c.Name
}

func connFlags() []cmdline.Flag {
	return []cmdline.Flag{
		&cmdline.StringFlag{Name: "address", Usage: "the Temporal frontend `HOST:PORT`", Value: stemporal.DefaultAddress, EnvVars: []string{"TEMPORAL_ADDRESS"}},
		&cmdline.StringFlag{Name: "namespace", Usage: "the Temporal `NAMESPACE`", Value: stemporal.DefaultNamespace, EnvVars: []string{"TEMPORAL_NAMESPACE"}},
	}
}

// dial connects or fails with exit code 2 naming the address.
func dial(ctx context.Context, c *cmdline.Command, cmd string) (client.Client, error) {
	cl, err := stemporal.Dial(ctx, c.String("address"), c.String("namespace"))
	if err != nil {
		return nil, cli.ExitError(2, fmt.Sprintf("%s: %v", cmd, err))
	}
	return cl, nil
}

func workerCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:  "worker",
		Usage: "run Spell runs of a Temporal task queue",
		Description: `Polls the task queue for Spell runs (spell run --engine temporal) and
runs their steps: each step replays the run's log and performs at most one
model call or effect. Model API keys come from this process's environment;
io/ effects act on this machine's files under the run's root (or --root).
Stop it with Ctrl-C: steps in flight finish first (a killed worker's step
is retried by another worker after the heartbeat timeout).`,
		Flags: append(connFlags(),
			&cmdline.StringFlag{Name: "task-queue", Usage: "the task `QUEUE` to poll", Value: stemporal.DefaultTaskQueue, EnvVars: []string{"SPELL_TASK_QUEUE"}},
			&cmdline.IntFlag{Name: "max-runs", Usage: "workflow tasks (run decisions) handled at once, `N`", Value: 16},
			&cmdline.IntFlag{Name: "max-steps", Usage: "steps (model calls, effects) run at once, `N`", Value: 8},
			&cmdline.StringFlag{Name: "root", Usage: "workspace root `DIR` of io/ on this machine (default: each run's own)"},
			&cmdline.StringFlag{Name: "identity", Usage: "worker `NAME` shown in the server's records (default: pid@host)"},
			&cmdline.DurationFlag{Name: "keep", Usage: "keep a run in memory `FOR` this long after a step, so that its next step on this worker goes on from there instead of replaying its log (0: replay at every step)", Value: 2 * time.Minute},
			&cmdline.IntFlag{Name: "protocol", Value: stemporal.Protocol, Hidden: true},
		),
		Action: runWorker,
	}
}

// What a worker registers: the run workflow and the step activity. The
// end-to-end tests swap them for a worker whose code differs from the
// code a run started with.
var (
	registerWorkflow = stemporal.Register
	registerSteps    = stemporal.RegisterSteps
)

func runWorker(ctx context.Context, c *cmdline.Command) error {
	if c.NArg() > 0 {
		return cli.UsageError("spell worker", "unexpected argument %q", c.Args().First())
	}
	if c.Int("max-runs") <= 0 || c.Int("max-steps") <= 0 {
		return cli.UsageError("spell worker", "--max-runs and --max-steps must be positive")
	}
	cl, err := dial(ctx, c, "spell worker")
	if err != nil {
		return err
	}
	defer cl.Close()
	q, p := c.String("task-queue"), c.Int("protocol")
	stderr := c.Root().ErrWriter
	if c.Duration("keep") < 0 {
		return cli.UsageError("spell worker", "--keep must not be negative")
	}
	st := &stemporal.Stepper{Providers: builtin.Registry(), Root: c.String("root"), Log: stderr, Hold: hold(), FormatError: formatError, Keep: c.Duration("keep")}
	defer st.Close()
	opts := worker.Options{
		MaxConcurrentWorkflowTaskExecutionSize: c.Int("max-runs"),
		MaxConcurrentActivityExecutionSize:     c.Int("max-steps"),
		Identity:                               c.String("identity"),
		// A workflow task that detects non-determinism fails the run
		// with that error, naming it, instead of retrying forever.
		WorkflowPanicPolicy: worker.FailWorkflow,
	}
	wf := worker.New(cl, q, opts)
	registerWorkflow(wf)
	aopts := opts
	aopts.DisableWorkflowWorker = true
	// Each heartbeat of a step is sent when recorded (the marker of an
	// effect reaches the server before the effect runs): stemporal
	// spaces them wider than this throttle.
	aopts.MaxHeartbeatThrottleInterval = stemporal.HeartbeatThrottle
	aopts.DefaultHeartbeatThrottleInterval = stemporal.HeartbeatThrottle
	// The runs this worker keeps get their next step on a queue of its
	// own (docs/temporal.md: a run stays on its worker).
	sticky := stemporal.StickyQueue(q, p, workerID())
	load := func(ctx context.Context, id, runID string) (stemporal.Log, error) {
		return stemporal.LoadLog(ctx, cl, id, runID)
	}
	a := &stemporal.Activity{Stepper: st, Protocol: p, Sticky: sticky, Load: load}
	if c.Duration("keep") == 0 {
		a.Sticky = ""
	}
	act := worker.New(cl, stemporal.ActivityQueue(q, p), aopts)
	registerSteps(act, a)
	workers := []worker.Worker{wf, act}
	if a.Sticky != "" {
		own := worker.New(cl, sticky, aopts)
		registerSteps(own, a)
		workers = append(workers, own)
	}
	for _, w := range workers {
		if err := w.Start(); err != nil {
			return cli.ExitError(2, fmt.Sprintf("spell worker: %v", err))
		}
		defer w.Stop()
	}
	fmt.Fprintf(stderr, "spell worker: polling task queue %q (steps: %q) in namespace %s at %s\n", q, stemporal.ActivityQueue(q, p), c.String("namespace"), c.String("address"))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	fmt.Fprintln(stderr, "spell worker: stopping")
	return nil
}

// workerID names this worker process uniquely (its own step queue).
func workerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%x", host, os.Getpid(), b)
}

// formatError renders a run's failure on the worker, where the error
// is, as spell run renders it.
func formatError(err error, name string, program []byte) stemporal.RunError {
	text, msg := cli.FormatRunError(err, name, program)
	return stemporal.RunError{Text: text, Message: msg}
}

// hold is the test hook SPELL_TEMPORAL_HOLD=STEP:FILE: at the live action
// of step STEP the worker writes FILE and waits to be killed.
func hold() func(string, int) {
	spec := os.Getenv("SPELL_TEMPORAL_HOLD")
	n, file, ok := strings.Cut(spec, ":")
	step, err := strconv.Atoi(n)
	if !ok || err != nil || file == "" {
		return nil
	}
	return func(_ string, s int) {
		if s == step {
			_ = os.WriteFile(file, []byte(strconv.Itoa(os.Getpid())), 0o644)
			select {}
		}
	}
}

// engineEnv reads an engine setting from the environment.
func engineEnv(spec *stemporal.RunSpec) error {
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"SPELL_TEMPORAL_STEP_TIMEOUT", &spec.StepTimeout}, {"SPELL_TEMPORAL_HEARTBEAT_TIMEOUT", &spec.HeartbeatTimeout}, {"SPELL_TEMPORAL_STICKY_TIMEOUT", &spec.StickyTimeout}} {
		if v := os.Getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return fmt.Errorf("%s=%q: want a positive duration such as 30s", d.name, v)
			}
			*d.to = t
		}
	}
	if v := os.Getenv("SPELL_TEMPORAL_HISTORY_BYTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("SPELL_TEMPORAL_HISTORY_BYTES=%q: want a positive number of bytes", v)
		}
		spec.HistoryBytes = n
	}
	if v := os.Getenv("SPELL_TEMPORAL_STEP_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("SPELL_TEMPORAL_STEP_ATTEMPTS=%q: want a number (0 or less: unlimited)", v)
		}
		if n <= 0 {
			n = -1
		}
		spec.StepAttempts = n
	}
	return nil
}

func specOf(cfg spe.Config) stemporal.RunSpec {
	return stemporal.RunSpec{
		Task: cfg.Task, ProgramName: cfg.ProgramName, Program: cfg.Program, Model: cfg.Model, Test: cfg.Test, Agent: cfg.Agent,
		BaseURL: cfg.BaseURL, Transport: cfg.Transport, Limits: cfg.Limits, LimitsSet: cfg.LimitsSet, MaxTokens: cfg.MaxTokens,
		Thinking: cfg.Thinking, ReasoningEffort: cfg.ReasoningEffort, Verbosity: cfg.Verbosity, ResponsesAPI: cfg.ResponsesAPI,
		EvalLimits: cfg.EvalLimits, NoRecover: cfg.NoRecover, ContextMaxChars: cfg.ContextMaxChars, Seed: cfg.Seed,
		MaxEdges: cfg.MaxEdges, Root: cfg.Root, AllowPrivateNet: cfg.AllowPrivateNet, AgentsMD: cfg.AgentsMD, Strict: cfg.Strict,
		Version: cfg.Version, Argv: cfg.Argv, Cwd: cfg.Cwd,
	}
}

// submit is spell run --engine temporal.
func submit(ctx context.Context, c *cmdline.Command) error {
	cfg, err := cli.EngineConfig(c)
	if err != nil {
		return err
	}
	if err := cli.EngineReaderRepairs(c, cfg); err != nil {
		return err
	}
	spec := specOf(cfg)
	spec.Verbose = c.Bool("verbose")
	if err := engineEnv(&spec); err != nil {
		return cli.UsageError("spell run", "%v", err)
	}
	if cfg.Resume != "" {
		return resume(ctx, c, cfg, spec)
	}
	traceDir := ""
	if !cfg.NoTrace {
		traceDir = cfg.TraceDir
		if traceDir != "" {
			if _, err := os.Stat(filepath.Join(traceDir, trace.EventsFile)); err == nil {
				return cli.ExitError(2, fmt.Sprintf("spell run: --trace-dir %s already holds a run: give a new directory", traceDir))
			}
		}
	}
	id := trace.NewRunID(time.Now(), nil)
	if traceDir != "" {
		id = filepath.Base(traceDir)
	} else if !cfg.NoTrace {
		runs := trace.RunsDir(os.Getenv)
		if runs == "" {
			return cli.ExitError(2, "spell run: no place for the trace: set XDG_STATE_HOME or HOME, pass --trace-dir DIR, or --no-trace")
		}
		traceDir = filepath.Join(runs, id)
	}
	cl, err := dial(ctx, c, "spell run")
	if err != nil {
		return err
	}
	defer cl.Close()
	in := stemporal.RunInput{RunID: id, Protocol: stemporal.Protocol, TaskQueue: c.String("task-queue"), Spec: spec}
	runID, err := stemporal.Submit(ctx, cl, in)
	if err != nil {
		return cli.ExitError(2, fmt.Sprintf("spell run: cannot start the run on %s: %v", c.String("address"), err))
	}
	if c.Bool("detach") {
		fmt.Fprintln(c.Root().Writer, id)
		return nil
	}
	return follow(ctx, c, cl, id, runID, &runTrace{dir: traceDir, named: cfg.TraceDir != ""}, true)
}

// resume is spell run --engine temporal --resume RUN: the run's log goes
// to the workflow as its start, its trace directory is the run's, and
// the workers replay it as a local --resume would (the task or program,
// model, root and seed come from the log).
func resume(ctx context.Context, c *cmdline.Command, cfg spe.Config, spec stemporal.RunSpec) error {
	r, err := spe.LoadResume(cfg.Resume, trace.RunsDir(os.Getenv))
	if err != nil {
		return cli.ExitError(2, fmt.Sprintf("spell run: --resume: %v", err))
	}
	log, torn, err := stemporal.ReadLog(r.Dir)
	if err != nil {
		return cli.ExitError(2, fmt.Sprintf("spell run: --resume: %v", err))
	}
	id := filepath.Base(r.Dir)
	in := stemporal.RunInput{RunID: id, Protocol: stemporal.Protocol, TaskQueue: c.String("task-queue"), Spec: spec, Log: log}
	if torn {
		in.Marker = &stemporal.Marker{Step: 1, Effect: "(torn line)"}
	}
	cl, err := dial(ctx, c, "spell run")
	if err != nil {
		return err
	}
	defer cl.Close()
	runID, err := stemporal.Submit(ctx, cl, in)
	if err != nil {
		return cli.ExitError(2, fmt.Sprintf("spell run: cannot start the run on %s: %v", c.String("address"), err))
	}
	if c.Bool("detach") {
		fmt.Fprintln(c.Root().Writer, id)
		return nil
	}
	return follow(ctx, c, cl, id, runID, &runTrace{dir: r.Dir, named: true, resumed: len(log.Events)}, true)
}

// follow streams a run into its trace directory and reports its result
// like spell run.
func follow(ctx context.Context, c *cmdline.Command, cl client.Client, id, runID string, tr *runTrace, cancelOnSignal bool) error {
	stderr := c.Root().ErrWriter
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	interrupted := false
	go func() {
		select {
		case <-sig:
			interrupted = true
			if cancelOnSignal {
				fmt.Fprintf(stderr, "spell run: cancelling %s\n", id)
				cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
				_ = cl.CancelWorkflow(cctx, id, "")
				ccancel()
				// A run no worker has started cannot acknowledge: stop
				// following after a grace period.
				time.AfterFunc(10*time.Second, stop)
			} else {
				stop()
			}
		case <-ctx.Done():
		}
	}()
	var log stemporal.Log
	var last *stemporal.StepOutput
	verbose := c.Bool("verbose")
	out, err := stemporal.Follow(ctx, cl, id, runID, stemporal.Follower{
		Start: func(l stemporal.Log) {
			log = l
			tr.write(log, nil)
		},
		Step: func(n int, s stemporal.StepOutput) {
			log.Append(s.Delta)
			tr.write(log, &s.Delta)
			if s.Done {
				last = &s
			}
			if verbose {
				// The prompts and completions of the turns the step
				// completed, as a local run's -v prints them.
				_, _ = stderr.Write(s.Verbose)
			}
		},
		Waiting: func(note string) { fmt.Fprintf(stderr, "spell: %s: %s\n", id, note) },
	})
	if err != nil {
		if interrupted {
			fmt.Fprintln(stderr, "Interrupted (cancellation requested)")
			return cli.ExitError(130, "")
		}
		return cli.ExitError(1, fmt.Sprintf("spell: following %s: %v", id, err))
	}
	traceDir := ""
	if tr.err != nil {
		fmt.Fprintf(stderr, "warning: the trace of %s could not be written to %s: %v\n", id, tr.dir, tr.err)
	} else if tr.open {
		traceDir = tr.dir
	}
	if out.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED && interrupted {
		if c.Bool("json") {
			_ = report(c, log, last, out, id, traceDir, tr.resumed)
		}
		fmt.Fprintln(stderr, "Interrupted")
		return cli.ExitError(130, "")
	}
	return report(c, log, last, out, id, traceDir, tr.resumed)
}

// runTrace writes a followed run's log into its trace directory on this
// machine as a local run writes its own: a directory the user named at
// once, one in the runs directory only once the run has called a model or
// run an effect (a pure program leaves no trace behind).
type runTrace struct {
	// resumed: the bytes of events the run's log had before this
	// submission (spell run --resume), not counted again in its stats.
	resumed int
	dir     string // "" = no trace
	named   bool
	open    bool
	err     error
}

// write brings the directory up to log, whose last step added delta (nil:
// log is a whole log, the start of a followed execution).
func (t *runTrace) write(log stemporal.Log, delta *stemporal.Log) {
	if t.dir == "" || t.err != nil {
		return
	}
	if !t.open || delta == nil {
		if !t.named && !log.Traced() {
			return
		}
		_ = os.Remove(filepath.Join(t.dir, trace.EventsFile))
		if t.err = os.MkdirAll(t.dir, 0o755); t.err == nil {
			t.err = log.Write(t.dir)
		}
		t.open = true
		return
	}
	t.err = delta.AppendTo(t.dir)
}

// report prints a followed run's outcome as spell run prints a local one.
// last is the output of the step that ended the run (nil: none seen).
func report(c *cmdline.Command, log stemporal.Log, last *stemporal.StepOutput, out stemporal.Outcome, id, traceDir string, resumed int) error {
	stdout, stderr := c.Root().Writer, c.Root().ErrWriter
	s := stemporal.Summarize(log, last, resumed)
	var errText, errMsg string
	switch {
	case out.Err != nil:
		errMsg = runFailure(id, out.Err)
	case s.Failure != nil:
		errText, errMsg = s.Failure.Text, s.Failure.Message
	case s.Status != trace.StatusOK:
		errMsg = s.Error
		if errMsg == "" {
			errMsg = fmt.Sprintf("run %s ended without a result", id)
		}
	}
	if errMsg != "" && errText == "" {
		errText = "Error: " + errMsg + "\n"
	}
	cli.PrintEpilogue(c, stderr, errText, s.Stats, traceDir)
	if c.Bool("json") {
		var val, msg *string
		if errMsg != "" {
			msg = &errMsg
		} else {
			v := strings.TrimSuffix(s.Value, "\n")
			val = &v
		}
		cli.WriteRunJSON(stdout, val, msg, &s.Stats, traceDir)
	}
	if errMsg != "" {
		return cli.ExitError(1, "")
	}
	if !c.Bool("json") {
		fmt.Fprintln(stdout, cli.FormatValue(strings.TrimSuffix(s.Value, "\n")))
	}
	return nil
}

// runFailure words a failed workflow for a person: the step error's
// message (it names the run when it is a replay problem), or the
// workflow's failure with the run id.
func runFailure(id string, err error) string {
	if errors.Is(err, stemporal.ErrCancelled) {
		return fmt.Sprintf("run %s was cancelled", id)
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case stemporal.TypeNonDeterministic:
			return app.Message()
		case stemporal.TypeBadRun:
			return fmt.Sprintf("run %s: %s", id, app.Message())
		}
	}
	var to *temporal.TimeoutError
	if errors.As(err, &to) {
		return fmt.Sprintf("run %s: a step timed out (%s) on every attempt (set SPELL_TEMPORAL_STEP_TIMEOUT / SPELL_TEMPORAL_STEP_ATTEMPTS): %v", id, to.TimeoutType().String(), err)
	}
	if cause := replayFailure(err); cause != nil {
		return fmt.Sprintf("run %s: the workflow code of a worker is not the code the run started with (non-deterministic; is a worker of another Spell-Go version polling the queue?): %s", id, cause.Error())
	}
	return fmt.Sprintf("run %s failed: %s", id, err.Error())
}

// replayFailure returns the cause of a run failed by a worker's workflow
// code not replaying its history (the FailWorkflow panic policy: a
// workflow task that panics, or the SDK's history mismatch), or nil.
func replayFailure(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if p, ok := e.(*temporal.PanicError); ok {
			return p
		}
		if app, ok := e.(*temporal.ApplicationError); ok && app.Type() == "historyMismatchError" {
			return app
		}
	}
	return nil
}

func runArg(c *cmdline.Command, cmd string) (string, error) {
	if c.NArg() != 1 {
		return "", cli.UsageError(cmd, "give one run id (spell run --engine temporal --detach prints it)")
	}
	return c.Args().First(), nil
}

func notFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

func statusCommand() *cmdline.Command {
	return &cmdline.Command{
		Name: "status", Usage: "show the state of a run", UsageText: "spell-temporal status [--address HOST:PORT] [--namespace NS] RUN",
		Flags: connFlags(),
		Action: func(ctx context.Context, c *cmdline.Command) error {
			id, err := runArg(c, "spell status")
			if err != nil {
				return err
			}
			cl, err := dial(ctx, c, "spell status")
			if err != nil {
				return err
			}
			defer cl.Close()
			d, err := cl.DescribeWorkflowExecution(ctx, id, "")
			if notFound(err) {
				return cli.ExitError(1, fmt.Sprintf("spell status: no run %s in namespace %s", id, c.String("namespace")))
			} else if err != nil {
				return cli.ExitError(1, fmt.Sprintf("spell status: %v", err))
			}
			info := d.GetWorkflowExecutionInfo()
			state := strings.ToLower(strings.TrimPrefix(info.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_"))
			if state == "continued_as_new" {
				state = "running"
			}
			fmt.Fprintf(c.Root().Writer, "%s %s (started %s, task queue %s)\n", id, state, info.GetStartTime().AsTime().UTC().Format(time.RFC3339), info.GetTaskQueue())
			for _, a := range d.GetPendingActivities() {
				fmt.Fprintf(c.Root().Writer, "  step pending: %s, attempt %d\n", strings.ToLower(strings.TrimPrefix(a.GetState().String(), "PENDING_ACTIVITY_STATE_")), a.GetAttempt())
			}
			return nil
		},
	}
}

func resultCommand() *cmdline.Command {
	return &cmdline.Command{
		Name: "result", Usage: "wait for a run and print its result like spell run", UsageText: "spell-temporal result [--address HOST:PORT] [--namespace NS] [--json] [--stats] [--trace-dir DIR] [--no-trace] RUN",
		Flags: append(connFlags(),
			&cmdline.BoolFlag{Name: "json", Usage: "print one JSON object, as spell run --json", HideDefault: true},
			&cmdline.BoolFlag{Name: "stats", Usage: "print run statistics to stderr", HideDefault: true},
			&cmdline.StringFlag{Name: "trace-dir", Usage: "write the run's trace to `DIR` (default: the runs directory)"},
			&cmdline.BoolFlag{Name: "no-trace", Usage: "write no trace", HideDefault: true},
		),
		Action: func(ctx context.Context, c *cmdline.Command) error {
			id, err := runArg(c, "spell result")
			if err != nil {
				return err
			}
			cl, err := dial(ctx, c, "spell result")
			if err != nil {
				return err
			}
			defer cl.Close()
			if _, err := cl.DescribeWorkflowExecution(ctx, id, ""); notFound(err) {
				return cli.ExitError(1, fmt.Sprintf("spell result: no run %s in namespace %s", id, c.String("namespace")))
			}
			dir := c.String("trace-dir")
			if dir == "" && !c.Bool("no-trace") {
				if runs := trace.RunsDir(os.Getenv); runs != "" {
					dir = filepath.Join(runs, id)
				}
			}
			if c.Bool("no-trace") {
				dir = ""
			}
			return follow(ctx, c, cl, id, "", &runTrace{dir: dir, named: c.String("trace-dir") != ""}, false)
		},
	}
}

func cancelCommand() *cmdline.Command {
	return &cmdline.Command{
		Name: "cancel", Usage: "cancel a run", UsageText: "spell-temporal cancel [--address HOST:PORT] [--namespace NS] RUN",
		Flags: connFlags(),
		Action: func(ctx context.Context, c *cmdline.Command) error {
			id, err := runArg(c, "spell cancel")
			if err != nil {
				return err
			}
			cl, err := dial(ctx, c, "spell cancel")
			if err != nil {
				return err
			}
			defer cl.Close()
			if err := cl.CancelWorkflow(ctx, id, ""); notFound(err) {
				return cli.ExitError(1, fmt.Sprintf("spell cancel: no running run %s in namespace %s", id, c.String("namespace")))
			} else if err != nil {
				return cli.ExitError(1, fmt.Sprintf("spell cancel: %v", err))
			}
			fmt.Fprintf(c.Root().ErrWriter, "spell cancel: cancellation of %s requested\n", id)
			return nil
		},
	}
}
