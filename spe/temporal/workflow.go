package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// RunInput is the workflow's input: the run's spec and, after a
// continue-as-new, its log so far.
type RunInput struct {
	RunID     string  `json:"run_id"`
	Protocol  int     `json:"protocol"`
	TaskQueue string  `json:"task_queue"` // the workflow task queue (steps go to its protocol queue)
	Spec      RunSpec `json:"spec"`
	Log       Log     `json:"log"`
	Steps     int     `json:"steps"` // steps done before this execution
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
	// Version 1: one step activity per live action. Later changes to this
	// function branch on GetVersion (docs/temporal.md, versioning).
	_ = workflow.GetVersion(ctx, "spell-run-loop", workflow.DefaultVersion, 1)
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
	ctx = workflow.WithActivityOptions(ctx, ao)
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
		if activity.GetHeartbeatDetails(ctx, &m) == nil {
			hooks.Marker = &m
		}
	}
	details := Marker{Step: in.Step}
	var last = make(chan Marker, 1)
	last <- details
	hooks.Began = func(m Marker) {
		<-last
		last <- m
		activity.RecordHeartbeat(ctx, m)
	}
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
				m := <-last
				last <- m
				activity.RecordHeartbeat(ctx, m)
			}
		}
	}()
	out, err := a.Stepper.Step(ctx, in, hooks)
	switch {
	case errors.Is(err, ErrNonDeterministic):
		return out, temporal.NewNonRetryableApplicationError(err.Error(), TypeNonDeterministic, err)
	case errors.Is(err, ErrBadRun):
		return out, temporal.NewNonRetryableApplicationError(err.Error(), TypeBadRun, err)
	}
	return out, err
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

// converterFromPayloads decodes the input of a continue-as-new.
func converterFromPayloads(can *workflow.ContinueAsNewError, to *RunInput) error {
	return converter.GetDefaultDataConverter().FromPayloads(can.Input, to)
}
