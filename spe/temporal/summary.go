package temporal

import (
	"encoding/json"
	"strings"

	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/trace"
)

// Summary is what spell run reports about a run, read from its log and
// the output of the step that ended it.
type Summary struct {
	// Status, Value and Error are the run.end event's ("" before it).
	Status, Value, Error string
	// Stats are the run's counters, as a local run's Runtime.Stats.
	Stats spe.Stats
	// Failure is the run's failure as spell run reports it (nil: none,
	// or the ending step did not render it).
	Failure *RunError
}

// Summarize reads a run's outcome and counters from its log. last is the
// output of the step that ended the run (nil when unknown). Model calls
// per handle, depth and consecutive errors come from last (the ending
// step's replay recomputes them over the whole run); effects, usage and
// cost are summed over the log, as each happened in some step. resumed
// is the length of the log's events before this run of it (spell run
// --resume): as in a local resume, what those recorded is not counted
// again, and the calls they replay book no usage under the run's model.
func Summarize(log Log, last *StepOutput, resumed int) Summary {
	s := Summary{Stats: spe.Stats{Calls: map[string]int{}, Effects: map[string]int{}, Usage: map[string]provider.Usage{},
		ModelCalls: map[string]int{}, MaxContext: map[string]int64{}}}
	st := &s.Stats
	counted := Log{Events: log.Events[min(resumed, len(log.Events)):]}
	for _, ev := range log.EventList() {
		if ev.Ev == trace.EvRunEnd {
			f := ev.Fields
			str := func(k string) string { v, _ := f[k].(string); return v }
			s.Status, s.Value, s.Error = str(trace.KeyStatus), str(trace.KeyValue), str(trace.KeyError)
		}
	}
	for _, ev := range counted.EventList() {
		f := ev.Fields
		str := func(k string) string { v, _ := f[k].(string); return v }
		num := func(k string) float64 {
			if n, ok := f[k].(json.Number); ok {
				x, _ := n.Float64()
				return x
			}
			return 0
		}
		switch ev.Ev {
		case trace.EvTurnStart:
			st.Calls[str(trace.KeyHandle)]++
			st.MaxDepth = max(st.MaxDepth, int(num(trace.KeyDepth)))
		case trace.EvEffectEnd:
			// An effect whose attempt was lost is not run again
			// (outcome unknown) and, as in a local run, not counted.
			if !strings.Contains(str(trace.KeyResult), "outcome unknown") {
				st.Effects[str(trace.KeyFn)]++
			}
		case trace.EvModelCall:
			if str(trace.KeyError) != "" {
				continue
			}
			model := str(trace.KeyModel)
			var u provider.Usage
			if b, err := json.Marshal(f[trace.KeyUsage]); err == nil {
				_ = json.Unmarshal(b, &u)
			}
			st.Usage[model] = st.Usage[model].Add(u)
			st.ModelCalls[model]++
			st.MaxContext[model] = max(st.MaxContext[model], u.UncachedInput+u.CachedInput+u.CacheWriteInput)
			st.Cost += num(trace.KeyCostUSD)
		}
	}
	if v, ok := log.Files[trace.ResultFile]; ok && s.Status == trace.StatusOK {
		s.Value = string(v)
	}
	if last != nil && last.Stats != nil {
		st.Calls, st.MaxDepth = last.Stats.Calls, last.Stats.MaxDepth
		st.ConsecutiveMax, st.ConsecutiveFinal = last.Stats.ConsecutiveMax, last.Stats.ConsecutiveFinal
		st.Unpriced = last.Stats.Unpriced
		if resumed > 0 {
			for model := range last.Stats.Usage {
				if _, ok := st.Usage[model]; !ok {
					st.Usage[model] = provider.Usage{}
				}
			}
		}
		if st.Calls == nil {
			st.Calls = map[string]int{}
		}
	}
	if last != nil {
		s.Failure = last.Error
	}
	return s
}
