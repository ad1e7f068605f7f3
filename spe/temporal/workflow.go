package temporal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spell-go/spell/spe/provider"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Names registered with Temporal. They are part of the protocol: a
// renamed workflow or activity is a new protocol.
const (
	WorkflowName = "spell.run"
	StepName     = "spell.step"
)

// Error types of failed steps (temporal.ApplicationError types).
const (
	TypeNonDeterministic = "SpellNonDeterministic"
	TypeBadRun           = "SpellBadRun"
)

// Engine defaults.
const (
	DefaultStepTimeout      = 30 * time.Minute
	DefaultHeartbeatTimeout = 30 * time.Second
	DefaultStepAttempts     = 5
	DefaultHistoryBytes     = 8 << 20
)

// DefaultStickyTimeout is how long a step waits for the worker that keeps
// its run before it goes to the shared queue (RunSpec.StickyTimeout).
const DefaultStickyTimeout = 10 * time.Second

// RunInput is the workflow's input: the run's spec and where its log so
// far is.
type RunInput struct {
	RunID     string  `json:"run_id"`
	Protocol  int     `json:"protocol"`
	TaskQueue string  `json:"task_queue"` // the workflow task queue (steps go to its protocol queue)
	Spec      RunSpec `json:"spec"`
	// Log is the log this execution starts from when the input carries
	// it: a resumed run's first execution (and, in protocol 1, every
	// continue-as-new).
	Log   Log `json:"log"`
	Steps int `json:"steps"` // steps done before this execution
	// Protocol 2, after a continue-as-new: Prev is the execution (run
	// id of the same workflow) whose history holds the log so far, which
	// has Events bytes of event lines and Digest; Sticky is the queue of
	// the worker that keeps the run.
	Prev   string `json:"prev,omitempty"`
	Events int64  `json:"events,omitempty"`
	Digest string `json:"digest,omitempty"`
	Sticky string `json:"sticky,omitempty"`
	// Marker, for the first step: Log ended in a torn line, an effect
	// that may have run (a resumed run's log cut by a crash).
	Marker *Marker `json:"marker,omitempty"`
}

// RunOutput is the workflow's result; the value and the error of the run
// are in its log (the run.end event).
type RunOutput struct {
	Steps int `json:"steps"`
}

// RunWorkflow is the Spell run: it asks a step activity for the next piece
// of the log until the run ends. It is deterministic: its only inputs are
// its argument and the steps' results.
func RunWorkflow(ctx workflow.Context, in RunInput) (RunOutput, error) {
	// Version 1: one step activity per live action, carrying the log.
	// Version 2: the step names the log (LogRef) and goes to the worker
	// that keeps the run. Histories of version 1 replay the version 1
	// loop; runs of step protocol 1 run it too (their workers expect the
	// log in the step's input). docs/temporal.md, versioning.
	v := workflow.GetVersion(ctx, "spell-run-loop", workflow.DefaultVersion, 2)
	if v < 2 || in.Protocol < 2 {
		return runV1(ctx, in)
	}
	return runV2(ctx, in)
}

// activityOptions are the options of a run's steps on the shared queue.
func activityOptions(in RunInput) workflow.ActivityOptions {
	spec := in.Spec
	ao := workflow.ActivityOptions{
		TaskQueue:           ActivityQueue(in.TaskQueue, in.Protocol),
		StartToCloseTimeout: orDefault(spec.StepTimeout, DefaultStepTimeout),
		HeartbeatTimeout:    orDefault(spec.HeartbeatTimeout, DefaultHeartbeatTimeout),
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        30 * time.Second,
			MaximumAttempts:        int32(spec.StepAttempts),
			NonRetryableErrorTypes: []string{TypeNonDeterministic, TypeBadRun},
		},
	}
	if spec.StepAttempts == 0 {
		ao.RetryPolicy.MaximumAttempts = DefaultStepAttempts
	} else if spec.StepAttempts < 0 {
		ao.RetryPolicy.MaximumAttempts = 0 // unlimited
	}
	return ao
}

// runV1 is the loop of step protocol 1: each step's input is the whole
// log so far.
func runV1(ctx workflow.Context, in RunInput) (RunOutput, error) {
	spec := in.Spec
	ctx = workflow.WithActivityOptions(ctx, activityOptions(in))
	log, step := in.Log, in.Steps
	limit := spec.HistoryBytes
	if limit <= 0 {
		limit = DefaultHistoryBytes
	}
	estimate := 0 // bytes this execution put in its history: step inputs and outputs
	for {
		step++
		estimate += log.Size()
		var out StepOutput
		err := workflow.ExecuteActivity(ctx, StepName, StepInput{RunID: in.RunID, Protocol: in.Protocol, Step: step, Spec: spec, Log: log}).Get(ctx, &out)
		if err != nil {
			return RunOutput{Steps: step - 1}, err
		}
		log.Append(out.Delta)
		estimate += out.Delta.Size()
		if out.Done {
			return RunOutput{Steps: step}, nil
		}
		info := workflow.GetInfo(ctx)
		if info.GetContinueAsNewSuggested() || info.GetCurrentHistorySize() > limit || estimate > limit {
			next := in
			next.Log, next.Steps = log, step
			return RunOutput{}, workflow.NewContinueAsNewError(ctx, WorkflowName, next)
		}
	}
}

// runV2 is the loop of step protocol 2. The workflow holds no log: a
// step's input names the log by its size and digest, and its output
// carries what the step appended, so neither grows with the run (the
// history holds each delta once). A step goes to the worker that kept
// the run after the step before (its own queue, StepOutput.Sticky), and
// to the shared queue when that worker does not take it within
// StickyTimeout or its attempt fails; the shared queue's worker loads the
// log from the history (LoadLog) and replays it.
func runV2(ctx workflow.Context, in RunInput) (RunOutput, error) {
	spec := in.Spec
	if spec.Started.IsZero() {
		// The run's start, kept across continue-as-new (in Spec).
		spec.Started = workflow.Now(ctx)
	}
	ao := activityOptions(in)
	shared := workflow.WithActivityOptions(ctx, ao)
	step := in.Steps
	events, digest, sticky := in.Events, in.Digest, in.Sticky
	if in.Prev == "" {
		events, digest = int64(len(in.Log.Events)), Digest(in.Log.Events)
	}
	limit := spec.HistoryBytes
	if limit <= 0 {
		limit = DefaultHistoryBytes
	}
	estimate := in.Log.Size() // bytes this execution put in its history
	for {
		step++
		si := StepInput{RunID: in.RunID, Protocol: in.Protocol, Step: step, Spec: spec, Ref: &LogRef{Events: events, Digest: digest}}
		if step == in.Steps+1 && in.Prev == "" && in.Marker != nil {
			si.Marker = &Marker{Step: step, Effect: in.Marker.Effect}
		}
		var out StepOutput
		var err error
		if sticky != "" {
			so := ao
			so.TaskQueue = sticky
			so.ScheduleToStartTimeout = orDefault(spec.StickyTimeout, DefaultStickyTimeout)
			rp := *ao.RetryPolicy
			rp.MaximumAttempts = 1
			so.RetryPolicy = &rp
			err = workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, so), StepName, si).Get(ctx, &out)
			if err != nil && movable(err) {
				// The worker that kept the run is gone or busy, or its
				// attempt failed: the step goes to any worker, with the
				// marker of an effect the attempt began.
				si.Marker = lostMarker(err, step)
				err = workflow.ExecuteActivity(shared, StepName, si).Get(ctx, &out)
			}
		} else {
			err = workflow.ExecuteActivity(shared, StepName, si).Get(ctx, &out)
		}
		if err != nil {
			return RunOutput{Steps: step - 1}, err
		}
		events += int64(len(out.Delta.Events))
		digest, sticky = out.Digest, out.Sticky
		estimate += 1024 + out.Delta.Size() + len(out.Verbose)
		if out.Done {
			return RunOutput{Steps: step}, nil
		}
		info := workflow.GetInfo(ctx)
		if info.GetContinueAsNewSuggested() || info.GetCurrentHistorySize() > limit || estimate > limit {
			next := RunInput{RunID: in.RunID, Protocol: in.Protocol, TaskQueue: in.TaskQueue, Spec: spec, Steps: step,
				Prev: info.WorkflowExecution.RunID, Events: events, Digest: digest, Sticky: sticky}
			return RunOutput{}, workflow.NewContinueAsNewError(ctx, WorkflowName, next)
		}
	}
}

// movable reports whether a step that failed on the worker that kept its
// run may be tried on the shared queue: not when the run failed (a typed
// step error) or was cancelled.
func movable(err error) bool {
	if temporal.IsCanceledError(err) {
		return false
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && (app.Type() == TypeNonDeterministic || app.Type() == TypeBadRun) {
		return false
	}
	return true
}

// lostMarker returns the marker of an effect a failed attempt of step
// began (its last heartbeat, or its error's details), or nil.
func lostMarker(err error, step int) *Marker {
	var m Marker
	var to *temporal.TimeoutError
	if errors.As(err, &to) && to.HasLastHeartbeatDetails() && to.LastHeartbeatDetails(&m) == nil && m.Step == step && m.Effect != "" {
		return &m
	}
	m = Marker{}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.HasDetails() && app.Details(&m) == nil && m.Step == step && m.Effect != "" {
		return &m
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Activity is the step activity of a worker.
type Activity struct {
	Stepper  *Stepper
	Protocol int // this worker's protocol (Protocol; tests use others)
	// Sticky is this worker's own step queue: a run it keeps gets its
	// next step there ("": none).
	Sticky string
	// Load reads the log of a workflow execution (LoadLog with the
	// worker's client).
	Load func(ctx context.Context, workflowID, runID string) (Log, error)
}

// Step is the step activity: Stepper.Step with heartbeats, the marker of a
// lost attempt's effect, and errors typed for the retry policy.
func (a *Activity) Step(ctx context.Context, in StepInput) (StepOutput, error) {
	if in.Protocol != a.Protocol {
		// Never reached through the protocol's task queue; a guard.
		return StepOutput{}, temporal.NewApplicationError(fmt.Sprintf("run %s needs step protocol %d, this worker speaks %d", in.RunID, in.Protocol, a.Protocol), "SpellProtocol")
	}
	var hooks StepHooks
	if activity.HasHeartbeatDetails(ctx) {
		var m Marker
		if activity.GetHeartbeatDetails(ctx, &m) == nil && m.Effect != "" {
			hooks.Marker = &m
		}
	}
	if hooks.Marker == nil && in.Marker != nil {
		hooks.Marker = in.Marker
	}
	if a.Load != nil {
		hooks.Load = func(ctx context.Context) (Log, error) {
			info := activity.GetInfo(ctx)
			return a.Load(ctx, info.WorkflowExecution.ID, info.WorkflowExecution.RunID)
		}
	}
	// The marker of a lost attempt's effect stays in the heartbeat until
	// this attempt begins an effect of its own: an attempt lost before
	// that leaves it to the next.
	details := Marker{Step: in.Step}
	if hooks.Marker != nil {
		details = *hooks.Marker
	}
	hb := &heartbeats{m: details, gap: HeartbeatGap, now: time.Now, sleep: provider.SystemClock{}.Sleep,
		send: func(m Marker) { activity.RecordHeartbeat(ctx, m) }}
	hooks.Began = func(m Marker) { hb.record(ctx, &m) }
	done := make(chan struct{})
	defer close(done)
	go func() {
		// Liveness: a worker that dies stops heartbeating, and the step is
		// retried elsewhere after the heartbeat timeout.
		every := activity.GetInfo(ctx).HeartbeatTimeout / 3
		if every <= 0 {
			every = 10 * time.Second
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				hb.record(ctx, nil)
			}
		}
	}()
	out, err := a.Stepper.Step(ctx, in, hooks)
	switch {
	case errors.Is(err, ErrNonDeterministic):
		return out, temporal.NewNonRetryableApplicationError(err.Error(), TypeNonDeterministic, err)
	case errors.Is(err, ErrBadRun):
		return out, temporal.NewNonRetryableApplicationError(err.Error(), TypeBadRun, err)
	case err != nil && ctx.Err() == nil:
		// The marker goes with the error: the workflow hands it to the
		// step's next attempt on another queue.
		return out, temporal.NewApplicationErrorWithCause(err.Error(), "SpellStep", err, hb.marker())
	}
	if out.kept {
		out.Sticky = a.Sticky
	}
	return out, nil
}

// HeartbeatThrottle is the heartbeat throttle interval of a worker's step
// workers (worker.Options.MaxHeartbeatThrottleInterval): the SDK sends a
// heartbeat at once only if it sent none in the last interval, and batches
// it to the interval's end otherwise. HeartbeatGap spaces a step's
// heartbeats wider than that, so that each is sent when it is recorded.
const (
	HeartbeatThrottle = time.Second
	HeartbeatGap      = HeartbeatThrottle * 5 / 4
)

// heartbeats records a step's heartbeats at least gap apart, waiting
// when one was sent less than gap ago: a heartbeat the SDK batched would
// reach the server only at the end of its window, and the marker of an
// effect must be on the server before the effect runs (a worker that
// died meanwhile would leave the next attempt without it, and the effect
// would run twice).
type heartbeats struct {
	mu    sync.Mutex
	m     Marker
	last  time.Time // when the last heartbeat was sent
	sent  bool
	gap   time.Duration
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	send  func(Marker)
}

// record sends m (nil: the marker last recorded), after the gap.
func (h *heartbeats) record(ctx context.Context, m *Marker) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m != nil {
		h.m = *m
	}
	if h.sent {
		if d := h.gap - h.now().Sub(h.last); d > 0 && h.sleep(ctx, d) != nil {
			return
		}
	}
	h.send(h.m)
	h.last, h.sent = h.now(), true
}

func (h *heartbeats) marker() Marker {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m
}

// Register registers the run workflow on w (the workflow task queue's
// worker).
func Register(w worker.Registry) {
	w.RegisterWorkflowWithOptions(RunWorkflow, workflow.RegisterOptions{Name: WorkflowName})
}

// RegisterSteps registers the step activity on w (the protocol task
// queue's worker).
func RegisterSteps(w worker.Registry, a *Activity) {
	w.RegisterActivityWithOptions(a.Step, activity.RegisterOptions{Name: StepName})
}

// StickyQueue is the step queue of one worker under the step queue q:
// unique to the worker process (id), so that a run's next step reaches
// the worker that keeps the run.
func StickyQueue(q string, p int, id string) string { return ActivityQueue(q, p) + "@" + id }

// converterFromPayloads decodes the input of a continue-as-new.
func converterFromPayloads(can *workflow.ContinueAsNewError, to *RunInput) error {
	return converter.GetDefaultDataConverter().FromPayloads(can.Input, to)
}
