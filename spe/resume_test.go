package spe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/trace"
)

// TestResumeDoesNotRepeat: a run killed after its second model call is
// resumed: recorded completions are not requested again and recorded
// effects are not executed again (runtime.md §14.3).
func TestResumeDoesNotRepeat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	comps := map[string]string{
		"main/1": `'(!call-now a (fx/tick 1)))))`,
		"main/2": `'(!call-now b (fx/tick 2)))))`,
		"main/3": `(str (:n a) (:n b)))))`,
	}
	run := func(resume *Resume, completions map[string]string) (value.Value, *scripted, int) {
		create := trace.Create
		if resume != nil {
			create = trace.Append
		}
		w, err := create(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := &scripted{completions: completions, prompts: map[string]string{}}
		var calls int
		rt := New(Options{Provider: p, Recover: true, Limits: DefaultLimits, Trace: w, Resume: resume})
		rt.opts.Namespaces = map[string]*value.Map{"fx": counterNS(&rt, &calls)}
		if resume == nil {
			_ = w.Event(trace.RunStart("r1", "test", nil, "", "", "scripted", "base", nil, 1, "tick", ""))
		}
		v, err := rt.Run(context.Background(), "<task>", []byte(Task("tick")))
		if err != nil {
			t.Fatal(err)
		}
		_ = w.Finish(value.PrStr(v), false)
		return v, p, calls
	}
	v, _, calls := run(nil, comps)
	if v != "12" || calls != 2 {
		t.Fatalf("first run: %v, %d effects", v, calls)
	}
	// Simulate a crash: keep the log up to the second completion.
	log := filepath.Join(dir, trace.EventsFile)
	data, _ := os.ReadFile(log)
	lines := strings.SplitAfter(string(data), "\n")
	cut, seen := 0, 0
	for i, l := range lines {
		if strings.Contains(l, `"ev":"model.completion"`) {
			seen++
			if seen == 2 {
				cut = i + 1
			}
		}
	}
	if err := os.WriteFile(log, []byte(strings.Join(lines[:cut], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := LoadResume(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	v, p, calls := run(r, map[string]string{"main/3": comps["main/3"]})
	if v != "12" {
		t.Fatalf("resumed value %v", value.PrStr(v))
	}
	if calls != 1 {
		t.Fatalf("resumed run executed %d effects, want 1 (the first was recorded)", calls)
	}
	if len(p.prompts) != 1 || p.prompts["main/3"] == "" {
		t.Fatalf("resumed run asked the model for %v, want only main/3", p.prompts)
	}
}
