package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
)

// Defaults of the connection flags.
const (
	DefaultAddress   = "localhost:7233"
	DefaultNamespace = "default"
	DefaultTaskQueue = "spell"
)

// ErrNoServer: nothing answers at the address.
var ErrNoServer = errors.New("no Temporal server")

// Dial connects to the frontend at address; a server that does not answer
// within a few seconds is ErrNoServer.
func Dial(ctx context.Context, address, namespace string) (client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: address, Namespace: namespace, Logger: quiet{}})
	if err != nil {
		return nil, fmt.Errorf("%w at %s (namespace %s): %v", ErrNoServer, address, namespace, err)
	}
	return c, nil
}

// quiet drops the SDK's log lines (the worker prints its own).
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}

var _ log.Logger = quiet{}

// Submit starts the workflow of a run whose workflow id is in.RunID.
func Submit(ctx context.Context, c client.Client, in RunInput) (string, error) {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: in.RunID, TaskQueue: in.TaskQueue,
		Memo: map[string]any{memoProtocol: in.Protocol}}, WorkflowName, in)
	if err != nil {
		return "", err
	}
	return run.GetRunID(), nil
}

// Outcome is how a followed run ended.
type Outcome struct {
	Status enumspb.WorkflowExecutionStatus
	Err    error // the workflow's failure (nil when completed)
}

// Follower receives a run's log as its workflow records it.
type Follower struct {
	// Log is called with the log a workflow execution started with (a
	// fresh run's is empty; after a continue-as-new it is the whole log
	// so far, already delivered) and with each step's delta.
	Start func(Log)
	Step  func(step int, out StepOutput)
	// Waiting is called with a note when the run makes no progress and
	// the reason is known (no worker, a refused or failing step).
	Waiting func(note string)
}

// Follow streams the history of workflow id (from execution runID, or
// the current one when "") until the run ends.
func Follow(ctx context.Context, c client.Client, id, runID string, f Follower) (Outcome, error) {
	dc := converter.GetDefaultDataConverter()
	first := true
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	progress := make(chan struct{}, 1)
	if f.Waiting != nil {
		go watch(ctx, c, id, stopWatch, progress, f.Waiting)
	}
	steps := 0
	scheduled := map[int64]int{} // scheduled event id -> step
	for {
		it := c.GetWorkflowHistory(ctx, id, runID, true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		next := ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return Outcome{}, err
			}
			select {
			case progress <- struct{}{}:
			default:
			}
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
				var in RunInput
				if err := dc.FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in); err != nil {
					return Outcome{}, fmt.Errorf("reading the run's input: %w", err)
				}
				steps = in.Steps
				if first && f.Start != nil {
					log := in.Log
					if in.Prev != "" {
						// Following from a later execution: the log so
						// far is in the executions before it.
						prev, err := LoadLog(ctx, c, id, in.Prev)
						if err != nil {
							return Outcome{}, fmt.Errorf("reading the run's log: %w", err)
						}
						prev.Append(in.Log)
						log = prev
					}
					f.Start(log)
				}
				first = false
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				var si StepInput
				if in := ev.GetActivityTaskScheduledEventAttributes().GetInput(); in != nil && dc.FromPayloads(in, &si) == nil && si.Step > 0 {
					steps = si.Step
				} else {
					steps++
				}
				scheduled[ev.GetEventId()] = steps
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				a := ev.GetActivityTaskCompletedEventAttributes()
				var out StepOutput
				if err := dc.FromPayloads(a.GetResult(), &out); err != nil {
					return Outcome{}, fmt.Errorf("reading step %d: %w", scheduled[a.GetScheduledEventId()], err)
				}
				if f.Step != nil {
					f.Step(scheduled[a.GetScheduledEventId()], out)
				}
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
				return Outcome{Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}, nil
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
				return Outcome{Status: enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, Err: failure(ev)}, nil
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
				return Outcome{Status: enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, Err: ErrCancelled}, nil
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
				return Outcome{Status: enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, Err: fmt.Errorf("the run was terminated: %s", ev.GetWorkflowExecutionTerminatedEventAttributes().GetReason())}, nil
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
				return Outcome{Status: enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, Err: errors.New("the run's workflow timed out")}, nil
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
				next = ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
			}
		}
		if next == "" {
			return Outcome{}, fmt.Errorf("the history of %s ended without an outcome", id)
		}
		runID = next
	}
}

// LoadLog reads the log of execution runID of workflow id from the
// server's history: the log its input carries or, after a
// continue-as-new, the log of the execution before it (Prev), then the
// delta of each step it completed.
func LoadLog(ctx context.Context, c client.Client, id, runID string) (Log, error) {
	dc := converter.GetDefaultDataConverter()
	type execution struct {
		base   Log
		deltas []Log
	}
	var chain []execution
	for exec := runID; ; {
		var x execution
		var in RunInput
		started := false
		it := c.GetWorkflowHistory(ctx, id, exec, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return Log{}, err
			}
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
				if err := dc.FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in); err != nil {
					return Log{}, fmt.Errorf("reading the input of execution %s: %w", exec, err)
				}
				started = true
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				var out StepOutput
				if err := dc.FromPayloads(ev.GetActivityTaskCompletedEventAttributes().GetResult(), &out); err != nil {
					return Log{}, fmt.Errorf("reading a step of execution %s: %w", exec, err)
				}
				x.deltas = append(x.deltas, out.Delta)
			}
		}
		if !started {
			return Log{}, fmt.Errorf("execution %s of %s has no start in its history", exec, id)
		}
		x.base = in.Log
		chain = append(chain, x)
		if in.Prev == "" {
			break
		}
		exec = in.Prev
	}
	var log Log
	for i := len(chain) - 1; i >= 0; i-- {
		log.Append(chain[i].base)
		for _, d := range chain[i].deltas {
			log.Append(d)
		}
	}
	return log, nil
}

// ErrCancelled: the run was cancelled (spell cancel).
var ErrCancelled = errors.New("the run was cancelled")

// failure turns a failed workflow's failure into an error that keeps the
// step's error type (temporal.ApplicationError) and message.
func failure(ev *historypb.HistoryEvent) error {
	f := ev.GetWorkflowExecutionFailedEventAttributes().GetFailure()
	return temporal.GetDefaultFailureConverter().FailureToError(f)
}

// watch reports why a run waits: every few seconds without progress it
// looks at the pending step and at the pollers of the task queues.
func watch(ctx context.Context, c client.Client, id string, stop <-chan struct{}, progress <-chan struct{}, note func(string)) {
	const every = 3 * time.Second
	t := time.NewTicker(every)
	defer t.Stop()
	said := map[string]bool{}
	idle := 0
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-progress:
			idle = 0
			continue
		case <-t.C:
		}
		idle++
		if idle < 1 {
			continue
		}
		for _, n := range why(ctx, c, id) {
			if !said[n] {
				said[n] = true
				note(n)
			}
		}
	}
}

// why lists the reasons a run waits, as far as the server tells.
func why(ctx context.Context, c client.Client, id string) []string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil
	}
	info := d.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil
	}
	q := info.GetTaskQueue()
	var notes []string
	if d.GetPendingWorkflowTask() != nil {
		if tq, err := c.DescribeTaskQueue(ctx, q, enumspb.TASK_QUEUE_TYPE_WORKFLOW); err == nil && len(tq.GetPollers()) == 0 {
			notes = append(notes, fmt.Sprintf("waiting: no worker polls task queue %q: the run starts when one does (spell worker --task-queue %s)", q, q))
		}
	}
	for _, a := range d.GetPendingActivities() {
		if f := a.GetLastFailure(); f != nil && a.GetAttempt() > 1 {
			notes = append(notes, fmt.Sprintf("waiting: attempt %d of a step: the last one failed on %s: %s", a.GetAttempt(), a.GetLastWorkerIdentity(), f.GetMessage()))
		}
		if a.GetState() == enumspb.PENDING_ACTIVITY_STATE_SCHEDULED {
			aq := ActivityQueue(q, stepProtocol(d))
			if tq, err := c.DescribeTaskQueue(ctx, aq, enumspb.TASK_QUEUE_TYPE_ACTIVITY); err == nil && len(tq.GetPollers()) == 0 {
				notes = append(notes, fmt.Sprintf("waiting: no worker of step protocol %d polls task queue %q (workers of another Spell-Go version do not take this run's steps)", stepProtocol(d), aq))
			}
		}
	}
	return notes
}

// stepProtocol is the step protocol of a described run, from its memo.
func stepProtocol(d *workflowservice.DescribeWorkflowExecutionResponse) int {
	p, ok := d.GetWorkflowExecutionInfo().GetMemo().GetFields()[memoProtocol]
	if !ok {
		return Protocol
	}
	var n int
	if converter.GetDefaultDataConverter().FromPayload(p, &n) != nil {
		return Protocol
	}
	return n
}

const memoProtocol = "spell-protocol"
