package temporal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/trace"
)

// Protocol is the version of the step protocol and of the log's meaning:
// a worker replays a run's log only if it speaks the run's protocol. It
// changes when a Spell-Go release would replay an existing log
// differently (docs/temporal.md, versioning). Steps of protocol P go to
// the activity task queue ActivityQueue(q, P).
//
// Protocol 2: a step's input names the log (LogRef) instead of carrying
// it; a worker that does not hold the run loads it from the workflow's
// history, and the workflow sends a run's next step to the worker that
// keeps it (StepOutput.Sticky).
const Protocol = 2

// ActivityQueue is the task queue of the steps of protocol p under the
// workflow task queue q: a worker of another protocol never receives them.
func ActivityQueue(q string, p int) string { return fmt.Sprintf("%s@p%d", q, p) }

// RunSpec is what the submitter decided for a run (the flags of spell run
// that a worker needs): serialisable, no secrets (API keys come from the
// worker's environment).
type RunSpec struct {
	Task            string          `json:"task,omitempty"`
	ProgramName     string          `json:"program_name,omitempty"`
	Program         []byte          `json:"program,omitempty"`
	Model           string          `json:"model,omitempty"`
	Test            bool            `json:"test,omitempty"`
	Agent           string          `json:"agent,omitempty"`
	BaseURL         string          `json:"base_url,omitempty"`
	Transport       string          `json:"transport,omitempty"`
	Limits          spe.Limits      `json:"limits"`
	LimitsSet       map[string]bool `json:"limits_set,omitempty"`
	MaxTokens       int             `json:"max_tokens,omitempty"`
	Thinking        int             `json:"thinking,omitempty"`
	ReasoningEffort string          `json:"reasoning_effort,omitempty"`
	Verbosity       string          `json:"verbosity,omitempty"`
	ResponsesAPI    bool            `json:"responses_api,omitempty"`
	EvalLimits      eval.Limits     `json:"eval_limits"`
	NoRecover       bool            `json:"no_recover,omitempty"`
	ContextMaxChars int             `json:"context_max_chars,omitempty"`
	Seed            int64           `json:"seed"`
	MaxEdges        int             `json:"max_edges,omitempty"`
	Root            string          `json:"root,omitempty"`
	AllowPrivateNet bool            `json:"allow_private_net,omitempty"`
	AgentsMD        bool            `json:"agents_md,omitempty"`
	Strict          bool            `json:"strict,omitempty"`
	Version         string          `json:"version,omitempty"`
	Argv            []string        `json:"argv,omitempty"`
	Cwd             string          `json:"cwd,omitempty"`
	// Verbose: the steps return the prompts and completions spell run -v
	// prints (StepOutput.Verbose).
	Verbose bool `json:"verbose,omitempty"`

	// Engine settings.
	StepTimeout      time.Duration `json:"step_timeout"`      // start-to-close of one step
	HeartbeatTimeout time.Duration `json:"heartbeat_timeout"` // a worker silent this long is presumed dead
	StepAttempts     int           `json:"step_attempts"`     // attempts of one step (0 = unlimited)
	HistoryBytes     int           `json:"history_bytes"`     // continue-as-new above this history size
	// StickyTimeout is how long a step waits for the worker that keeps
	// the run before it goes to the shared queue (ScheduleToStart).
	StickyTimeout time.Duration `json:"sticky_timeout,omitempty"`
	// Started is when the run's workflow began (the server's clock, set
	// by the workflow): --timeout counts from it on every worker, not from
	// the step that opened the run on its worker.
	Started time.Time `json:"started,omitempty"`
}

// config is the spe.Config of one step of the run.
func (s *RunSpec) config() spe.Config {
	return spe.Config{
		Task: s.Task, ProgramName: s.ProgramName, Program: s.Program,
		Model: s.Model, Test: s.Test, Agent: s.Agent, BaseURL: s.BaseURL, Transport: s.Transport,
		Limits: s.Limits, LimitsSet: s.LimitsSet, MaxTokens: s.MaxTokens, Thinking: s.Thinking,
		ReasoningEffort: s.ReasoningEffort, Verbosity: s.Verbosity, ResponsesAPI: s.ResponsesAPI,
		EvalLimits: s.EvalLimits, NoRecover: s.NoRecover, ContextMaxChars: s.ContextMaxChars, Seed: s.Seed,
		MaxEdges: s.MaxEdges, Root: s.Root, AllowPrivateNet: s.AllowPrivateNet, AgentsMD: s.AgentsMD,
		Strict: s.Strict, Version: s.Version, Argv: s.Argv, Cwd: s.Cwd, Started: s.Started,
	}
}

// StepInput is the input of one step activity.
type StepInput struct {
	RunID    string  `json:"run_id"`
	Protocol int     `json:"protocol"`
	Step     int     `json:"step"` // 1-based, over the whole run
	Spec     RunSpec `json:"spec"`
	// Log is the whole log so far, when the input carries it (protocol 1;
	// tests). From protocol 2 the workflow sends Ref instead, so that a
	// step's input does not grow with the run: the worker that keeps the
	// run goes on, another loads the log (StepHooks.Load).
	Log Log     `json:"log,omitempty"`
	Ref *LogRef `json:"ref,omitempty"`
	// Marker is the marker of an effect begun by a lost attempt of this
	// step on another task queue (the workflow moves a step from the
	// worker that kept the run to the shared queue when that worker does
	// not answer), as the heartbeat details are for a retry.
	Marker *Marker `json:"marker,omitempty"`
}

// LogRef names a run's log by what the workflow knows of it: the bytes
// of its event lines and their Digest.
type LogRef struct {
	Events int64  `json:"events"`
	Digest string `json:"digest"`
}

// StepOutput is what one step appended to the log.
type StepOutput struct {
	Delta Log `json:"delta"`
	// Done: the run ended (its run.end event is in the delta).
	Done bool `json:"done,omitempty"`
	// Action names the live action the step performed ("model main/2",
	// "effect io/write-file"), "" when none.
	Action string `json:"action,omitempty"`
	// Stats are the runtime's counters at the end of the run (the step
	// that ends it): those the replay recomputes, model calls per handle,
	// depth and consecutive errors, are the whole run's (Summarize).
	Stats *spe.Stats `json:"stats,omitempty"`
	// Error is the run's failure as spell run reports it (the step that
	// ends a failed run).
	Error *RunError `json:"error,omitempty"`
	// Digest is the Digest of the log's event lines after Delta.
	Digest string `json:"digest,omitempty"`
	// Sticky is the task queue of the worker that keeps the run for its
	// next step ("": not kept).
	Sticky string `json:"sticky,omitempty"`
	// Replayed: the step opened the run by replaying its log (the run
	// was not kept on this worker, and it is not the run's first step).
	Replayed bool `json:"replayed,omitempty"`
	// Verbose is what spell run -v prints for the turns this step
	// completed (RunSpec.Verbose): their prompts and completions.
	Verbose []byte `json:"verbose,omitempty"`

	kept bool // the worker keeps the run for its next step
}

// RunError is a run's failure as spell run reports it.
type RunError struct {
	// Text is what spell run prints on stderr: the position in the
	// program (file:line:col), the message, the call trace and a hint.
	Text string `json:"text"`
	// Message is the --json error.
	Message string `json:"message"`
}

// Marker is the heartbeat detail a step records before a live effect: a
// later attempt of the same step knows the effect may have run.
type Marker struct {
	Step   int    `json:"step"`
	Effect string `json:"effect,omitempty"`
}

// Sentinel errors of a step.
var (
	// ErrNonDeterministic: replaying the log asked for another effect
	// than the log recorded (spe.ErrDiverged).
	ErrNonDeterministic = errors.New("non-deterministic replay")
	// ErrBadRun: the run cannot start on this worker (configuration).
	ErrBadRun = errors.New("the run cannot start")
)

// Stepper runs steps: the SPE runtime over a log, one live action each.
type Stepper struct {
	// Providers builds model providers (builtin.Registry).
	Providers provider.Registry
	// TempDir holds the step directories ("" = os.TempDir()).
	TempDir string
	// Root, when set, replaces the run's workspace root on this worker.
	Root string
	// Log receives the runtime's warnings ("" = discarded).
	Log io.Writer
	// Hold, when set, is called before the live action of each step
	// (tests: stop a worker at a known point).
	Hold func(runID string, step int)
	// FormatError renders a run's failure as spell run does, given the
	// program's name and text (nil for a task); nil: its Error().
	FormatError func(err error, name string, program []byte) RunError
	// Keep is how long a run stays in memory after a step, waiting at its
	// next action for its next step (0: not kept; each step replays the
	// whole log). MaxKept bounds the runs kept at once (0: 64).
	Keep    time.Duration
	MaxKept int

	mu      sync.Mutex
	kept    map[string]*run // by run id
	replays atomic.Int64    // runs opened by replaying their log
}

// StepHooks connect a step to its engine.
type StepHooks struct {
	// Marker is the detail an earlier attempt of this step recorded.
	Marker *Marker
	// Began is called before the step's live effect runs.
	Began func(Marker)
	// Load reads the run's log when the input names it (StepInput.Ref)
	// and this worker does not keep the run.
	Load func(context.Context) (Log, error)
}

// Step replays the run's log, performs at most one live action and
// returns what the run appended to its log. When this worker ran the
// run's previous step and kept the run (Stepper.Keep), the kept run goes
// on from where it stopped instead of replaying the log.
func (w *Stepper) Step(ctx context.Context, in StepInput, hooks StepHooks) (StepOutput, error) {
	if !filepath.IsLocal(in.RunID) || strings.ContainsAny(in.RunID, `/\`) {
		return StepOutput{}, fmt.Errorf("%w: bad run id %q", ErrBadRun, in.RunID)
	}
	began := func(kind, name string) {
		if w.Hold != nil {
			w.Hold(in.RunID, in.Step)
		}
		if kind == "effect" && hooks.Began != nil {
			hooks.Began(Marker{Step: in.Step, Effect: name})
		}
	}
	r := w.take(in, hooks)
	replayed := false
	if r != nil {
		r.pacer.resume(began)
	} else {
		log := in.Log
		if in.Ref != nil && in.Ref.Events > 0 {
			// (A log of no events is the empty log of a run's first
			// step: nothing to load.)
			if hooks.Load == nil {
				return StepOutput{}, fmt.Errorf("%w: step %d of run %s names its log, and this worker cannot load it", ErrBadRun, in.Step, in.RunID)
			}
			var err error
			if log, err = hooks.Load(ctx); err != nil {
				return StepOutput{}, fmt.Errorf("loading the log of run %s: %w", in.RunID, err)
			}
			if d := Digest(log.Events); d != in.Ref.Digest || int64(len(log.Events)) != in.Ref.Events {
				return StepOutput{}, fmt.Errorf("%w: run %s, step %d: the log in the workflow's history (%d bytes, digest %s) is not the log the workflow names (%d bytes, digest %s)",
					ErrNonDeterministic, in.RunID, in.Step, len(log.Events), d, in.Ref.Events, in.Ref.Digest)
			}
		}
		replayed = len(log.Events) > 0
		if w.Log != nil && replayed {
			fmt.Fprintf(w.Log, "spell worker: run %s, step %d: replaying its log (%d bytes)\n", in.RunID, in.Step, log.Size())
		}
		var err error
		if r, err = w.start(in, log, hooks, began); err != nil {
			return StepOutput{}, err
		}
	}
	stop := context.AfterFunc(ctx, r.cancel)
	select {
	case <-r.pacer.cutAt():
	case r.res = <-r.done:
		r.ended = true
	}
	stop()
	p := r.pacer
	if ctx.Err() != nil {
		// The step was cancelled (the run was cancelled, or the step
		// timed out): what it did is not part of the run.
		w.drop(r)
		return StepOutput{}, ctx.Err()
	}
	if !r.ended {
		p.mu.Lock()
		out := StepOutput{Delta: Log{Events: completeLines(p.events), Files: changed(r.files, p.files)}, Action: p.action, Replayed: replayed}
		p.mu.Unlock()
		out.Verbose = r.verbose.take(r.completed, completions(out.Delta.Events), false)
		r.advance(out.Delta)
		out.Digest = r.digest()
		out.kept = w.keep(r, in)
		return out, nil
	}
	defer w.drop(r)
	v, runErr := r.res.v, r.res.err
	closeErr := r.sess.Close(v, runErr)
	r.closed = true
	if errors.Is(runErr, spe.ErrDiverged) || errors.Is(closeErr, spe.ErrDiverged) {
		return StepOutput{}, fmt.Errorf("%w: run %s, step %d: %v", ErrNonDeterministic, in.RunID, in.Step, runErr)
	}
	events, err := os.ReadFile(filepath.Join(r.dir, trace.EventsFile))
	if err != nil {
		return StepOutput{}, err
	}
	files, err := snapshot(r.dir)
	if err != nil {
		return StepOutput{}, err
	}
	from := min(p.from, int64(len(events)))
	delta := fixRunEnd(r.events, completeLines(events[from:]))
	stats := r.sess.RT.Stats()
	out := StepOutput{Delta: Log{Events: delta, Files: changed(r.files, files)}, Done: true, Action: p.action, Stats: &stats, Replayed: replayed}
	out.Verbose = r.verbose.take(r.completed, completions(out.Delta.Events), true)
	r.advance(out.Delta)
	out.Digest = r.digest()
	if runErr == nil {
		runErr = closeErr
	}
	if runErr != nil {
		out.Error = w.runError(runErr, &in.Spec)
	}
	return out, nil
}

// Digest names a log's event lines (LogRef, StepOutput.Digest).
func Digest(events []byte) string {
	h := sha256.Sum256(events)
	return hex.EncodeToString(h[:16])
}

// start opens the run of a step afresh: log in a new directory, the
// runtime replaying it.
func (w *Stepper) start(in StepInput, log Log, hooks StepHooks, began func(kind, name string)) (*run, error) {
	base, err := os.MkdirTemp(w.TempDir, "spell-step-")
	if err != nil {
		return nil, err
	}
	r := &run{id: in.RunID, base: base, dir: filepath.Join(base, in.RunID), done: make(chan runResult, 1), hash: sha256.New()}
	if err := log.Write(r.dir); err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	r.events = bytes.Clone(log.Events)
	r.hash.Write(log.Events)
	r.files = maps.Clone(log.Files)
	r.completed = completions(log.Events)
	from := int64(len(log.Events))
	if m := hooks.Marker; m != nil && m.Step == in.Step && m.Effect != "" && len(log.Events) > 0 {
		// An earlier attempt began an effect and was lost: the log ends
		// as after a crash in the middle of writing it (runtime.md §14.3),
		// so the effect is not run again (outcome unknown).
		f, err := os.OpenFile(filepath.Join(r.dir, trace.EventsFile), os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			_, err = f.WriteString(`{"v":1,"ev":"effect.begin"`)
			f.Close()
		}
		if err != nil {
			os.RemoveAll(base)
			return nil, err
		}
	}
	var runCtx context.Context
	runCtx, r.cancel = context.WithCancel(context.Background())
	r.pacer = newPacer(runCtx, r.dir, from, began)
	cfg := in.Spec.config()
	if w.Root != "" {
		cfg.Root = w.Root
	}
	if len(log.Events) == 0 {
		cfg.TraceDir = r.dir
	} else {
		cfg.Resume = r.dir
	}
	cfg.NoTrace = false
	cfg.Providers = w.Providers
	cfg.Stepper = r.pacer
	cfg.Stdin = strings.NewReader("")
	cfg.Stderr = io.Discard
	if w.Log != nil {
		cfg.Stderr = w.Log
	}
	if in.Spec.Verbose {
		r.verbose = &verboseLog{}
		cfg.Verbose = r.verbose
	}
	r.sess, err = spe.Open(cfg)
	if err != nil {
		r.cancel()
		os.RemoveAll(base)
		return nil, fmt.Errorf("%w: %v", ErrBadRun, err)
	}
	w.replays.Add(1)
	go func() {
		v, err := r.sess.Run(runCtx)
		r.done <- runResult{v, err}
	}()
	return r, nil
}

// runError renders a run's failure for the submitter.
func (w *Stepper) runError(err error, spec *RunSpec) *RunError {
	if w.FormatError == nil {
		return &RunError{Text: "Error: " + err.Error() + "\n", Message: err.Error()}
	}
	var program []byte
	if spec.Task == "" {
		program = spec.Program
	}
	e := w.FormatError(err, spec.ProgramName, program)
	return &e
}
