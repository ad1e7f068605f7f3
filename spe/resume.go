package spe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/trace"
)

// Resume is what an earlier run recorded in its trace: its completions and
// the results of its external effects (runtime.md §14.3). Replaying it
// re-executes the run deterministically without calling the model again
// for recorded turns and without running recorded effects again.
type Resume struct {
	Dir         string
	Start       map[string]any // the run.start fields
	completions map[string]string
	effects     map[[2]int]recordedEffect
	started     map[int]bool // turns whose turn.start is in the log
	lastTurn    int
	// live is set at the first action the log does not hold: from then
	// on the run logs again, after a run.resume event.
	live bool
	// torn: the log ends in a torn line that may be the effect.begin of
	// the first effect after it (whose outcome is then unknown).
	torn *trace.Torn
	// Redacted says the recorded programs or effect results contain
	// [REDACTED]: the resumed run can differ from the original.
	Redacted bool
	// values rebuilds recorded effect results (one interpreter for all:
	// making one per replayed effect cost more than the replay itself).
	values *eval.Interp
}

// ErrDiverged is the cause of the fatal error a resumed run stops with when
// its re-evaluation asks for another effect than its log recorded.
var ErrDiverged = errors.New("the run diverged from its log")

func diverged(msg string) error { return &eval.Error{Msg: msg, Fatal: true, Cause: ErrDiverged} }

// ErrCompleted is returned by LoadResume for a run that ended with a
// value: there is nothing to continue.
var ErrCompleted = errors.New("the run completed: there is nothing to resume (start a new run instead)")

type recordedEffect struct {
	fn     string
	args   []string
	result string // value-form source text, or "error: …"
	file   string // effects/ file holding the full result when large
	done   bool
}

// LoadResume reads a run directory (or run id, or `latest`).
func LoadResume(dirOrID, runsDir string) (*Resume, error) {
	run, err := trace.Open(dirOrID, runsDir)
	if err != nil {
		return nil, err
	}
	events, err := run.Events()
	if err != nil {
		return nil, err
	}
	r := &Resume{Dir: run.Dir, completions: map[string]string{}, effects: map[[2]int]recordedEffect{}, started: map[int]bool{}}
	endStatus := ""
	openEffect := false // the last effect event is an effect.begin
	for _, ev := range events {
		f := ev.Fields
		switch ev.Ev {
		case trace.EvRunStart:
			if r.Start == nil {
				r.Start = f
			}
		case trace.EvRunEnd:
			endStatus, _ = f[trace.KeyStatus].(string)
		case trace.EvRunResume:
			endStatus = ""
		case trace.EvTurnStart:
			r.started[intField(f, trace.KeyTurn)] = true
		case trace.EvModelCompletion:
			h, _ := f[trace.KeyHandle].(string)
			key := fmt.Sprintf("%s/%d", h, intField(f, trace.KeyN))
			if text, ok := f[trace.KeyText].(string); ok {
				r.completions[key] = text
			}
			r.lastTurn = max(r.lastTurn, intField(f, trace.KeyTurn))
		case trace.EvEffectBegin:
			k := [2]int{intField(f, trace.KeyTurn), intField(f, trace.KeyK)}
			e := recordedEffect{}
			e.fn, _ = f[trace.KeyFn].(string)
			if args, ok := f[trace.KeyArgs].([]any); ok {
				for _, a := range args {
					s, _ := a.(string)
					e.args = append(e.args, s)
				}
			}
			r.effects[k] = e
			openEffect = true
		case trace.EvEffectEnd:
			openEffect = false
			k := [2]int{intField(f, trace.KeyTurn), intField(f, trace.KeyK)}
			e := r.effects[k]
			e.result, _ = f[trace.KeyResult].(string)
			e.file, _ = f[trace.KeyResultFile].(string)
			e.done = true
			if e.file != "" {
				if full, err := run.ReadFile(e.file); err == nil {
					e.result = full
				}
			}
			r.effects[k] = e
		}
	}
	if r.Start == nil {
		return nil, fmt.Errorf("%s: no run.start event: not a run directory that can be resumed", run.Dir)
	}
	if endStatus == trace.StatusOK {
		return nil, fmt.Errorf("%s: %w", run.Dir, ErrCompleted)
	}
	if t := run.Torn(); t != nil && !openEffect {
		// A torn line may be the beginning of the next effect, unless it
		// shows another event, or an effect is still open (effects of one
		// handle run one at a time: the line can only be that one's end).
		switch t.Ev() {
		case "", trace.EvEffectBegin:
			r.torn = t
		}
	}
	r.Redacted = r.redacted()
	return r, nil
}

// redacted reports whether a recorded program or effect result holds the
// redaction marker (runtime.md §14.2).
func (r *Resume) redacted() bool {
	has := func(s string) bool { return strings.Contains(s, trace.Redacted) }
	for _, k := range []string{trace.KeyTask, trace.KeyProgram} {
		if s, _ := r.Start[k].(string); has(s) {
			return true
		}
	}
	for _, c := range r.completions {
		if has(c) {
			return true
		}
	}
	for _, e := range r.effects {
		if has(e.result) {
			return true
		}
	}
	return false
}

// TornLine returns the line number of the log's torn last line when it may
// have recorded the beginning of an effect, else 0.
func (r *Resume) TornLine() int {
	if r == nil || r.torn == nil {
		return 0
	}
	return r.torn.Line
}

// replaying reports whether a resumed run is still replaying its log.
func (r *Resume) replaying() bool { return r != nil && !r.live }

// takeTorn reports (once) that the first live effect may be the one the
// torn last line began.
func (r *Resume) takeTorn() bool {
	if r == nil || r.torn == nil {
		return false
	}
	r.torn = nil
	return true
}

// clearTorn: the first live action is a model call, so the torn line was
// not an effect's beginning.
func (r *Resume) clearTorn() {
	if r != nil {
		r.torn = nil
	}
}

// unknownOutcome is the result of an effect that may have run before a
// crash (runtime.md §14.3).
func unknownOutcome() value.Value {
	return value.NewMap(kwOk, false, kwOut, nil, kwErr, "interrupted by a crash; outcome unknown", value.Kw("truncated"), false)
}

func intField(f map[string]any, k string) int {
	switch x := f[k].(type) {
	case json.Number:
		n, _ := x.Int64()
		return int(n)
	case float64:
		return int(x)
	case int:
		return x
	case string:
		n, _ := strconv.Atoi(x)
		return n
	}
	return 0
}

// completion returns a recorded completion of handle's n-th call.
func (r *Resume) completion(handle string, n int) (string, bool) {
	if r == nil {
		return "", false
	}
	s, ok := r.completions[fmt.Sprintf("%s/%d", handle, n)]
	return s, ok
}

// effectSource renders an effect result for the trace as its value form
// (language.md §8.2), so a resume can rebuild the exact value (including
// numbered line vectors); values without a source form fall back to the
// readable form.
func effectSource(v value.Value) string {
	if src, err := value.SourceForm(v); err == nil {
		return value.Prefix(src)
	}
	return value.PrStr(v)
}

// replayEffect returns the recorded result of effect k of turn t, when
// the log has it.
func (rt *Runtime) replayEffect(t *turn, k int, name string, args []value.Value) (value.Value, error, bool) {
	r := rt.opts.Resume
	if r == nil {
		return nil, nil, false
	}
	turn := t.seq
	e, ok := r.effects[[2]int{turn, k}]
	if !ok {
		return nil, nil, false
	}
	if e.fn != name || len(e.args) != len(args) {
		return nil, diverged(fmt.Sprintf("resume: effect %d of turn %d was %s, now %s: the run diverged from its log", k, turn, e.fn, name)), true
	}
	for i, a := range args {
		if capText(value.PrStr(a), 4096) != e.args[i] {
			return nil, diverged(fmt.Sprintf("resume: effect %d of turn %d (%s) has different arguments than recorded", k, turn, name)), true
		}
	}
	if !e.done {
		return unknownOutcome(), nil, true
	}
	if len(e.result) > 7 && e.result[:7] == "error: " {
		return nil, eval.Errorf("%s", e.result[7:]), true
	}
	form, err := eval.ReadString(e.result)
	if err != nil {
		return nil, eval.FatalError(fmt.Sprintf("resume: cannot read the recorded result of %s: %v", name, err)), true
	}
	if r.values == nil {
		r.values = eval.New(context.Background(), eval.Options{})
	}
	v, _, err := r.values.Eval(form, nil)
	if err != nil {
		return nil, eval.FatalError(fmt.Sprintf("resume: cannot rebuild the recorded result of %s: %v", name, err)), true
	}
	return v, nil, true
}

var (
	kwOk  = value.Kw("ok")
	kwOut = value.Kw("out")
	kwErr = value.Kw("err")
)
