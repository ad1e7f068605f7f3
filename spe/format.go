package spe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/profile"
)

// ErrFormat is the failure of a :format contract after every attempt
// (runtime.md §11.3).
var ErrFormat = errors.New("Format validation failed")

// formatValueMax caps the previous value quoted in a retry's task.
const formatValueMax = 2000

// formatProblem checks v against the contract: "" when it holds, else what
// is wrong.
func formatProblem(f *profile.Format, v value.Value) string {
	m, ok := v.(*value.Map)
	if !ok {
		return "not a map"
	}
	var missing []string
	for _, k := range f.Required {
		if _, ok := m.Get(value.Kw(k)); !ok {
			missing = append(missing, ":"+k)
		}
	}
	if len(missing) > 0 {
		return "missing keys " + strings.Join(missing, " ")
	}
	return ""
}

// formatRetryTask is the task of the next attempt: the original with the
// note of runtime.md §11.3 appended.
func formatRetryTask(task string, f *profile.Format, v value.Value, problem string) string {
	keys := make([]string, len(f.Required))
	for i, k := range f.Required {
		keys[i] = ":" + k
	}
	exp := "Expected a map with keys " + strings.Join(keys, " ")
	if len(f.Optional) > 0 {
		opt := make([]string, len(f.Optional))
		for i, k := range f.Optional {
			opt[i] = ":" + k
		}
		exp += " (optional: " + strings.Join(opt, " ") + ")"
	}
	return task + "\n\n[Previous attempt returned: " + capText(value.PrStr(v), formatValueMax) + ". Error: " + problem + ". " + exp + "]"
}

// runFormatted runs the task under the profile's :format contract: a final
// value that breaks it re-runs the task with the problem appended, up to
// :format-retries attempts in all, then fails with ErrFormat.
func (s *Session) runFormatted(ctx context.Context) (value.Value, error) {
	attempts := max(s.formatRetries, 1)
	task := s.cfg.Task
	for i := 1; ; i++ {
		v, err := s.RT.Run(ctx, "<task>", []byte(Task(task)))
		if err != nil {
			return nil, err
		}
		problem := formatProblem(s.format, v)
		if problem == "" {
			return v, nil
		}
		if i >= attempts {
			return nil, fmt.Errorf("%w after %d attempts", ErrFormat, attempts)
		}
		task = formatRetryTask(s.cfg.Task, s.format, v, problem)
	}
}
