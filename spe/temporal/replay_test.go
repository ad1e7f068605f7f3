package temporal

import (
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// replayHistory replays a recorded history with the workflow function wf.
func replayHistory(t *testing.T, file string, wf any) error {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: WorkflowName})
	return r.ReplayWorkflowHistory(quiet{}, h)
}

// A history recorded by the previous release's worker (step protocol 1:
// the fx task, seven steps, each carrying the log; recorded against the
// test server with spell-temporal built from the commit before protocol
// 2) replays with this release's workflow code: the GetVersion branch
// keeps the protocol 1 loop, so a worker upgraded mid-run goes on with
// the run instead of failing it. A workflow changed without GetVersion
// does not replay it (the check has teeth).
func TestProtocol1HistoryReplays(t *testing.T) {
	const file = "testdata/history-protocol1.json"
	if err := replayHistory(t, file, RunWorkflow); err != nil {
		t.Fatalf("the protocol 1 history does not replay: %v", err)
	}
	changed := func(ctx workflow.Context, in RunInput) (RunOutput, error) {
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return RunOutput{}, err
		}
		return RunWorkflow(ctx, in)
	}
	if err := replayHistory(t, file, changed); err == nil {
		t.Fatal("a workflow with a timer added without GetVersion replayed the history")
	}
}
