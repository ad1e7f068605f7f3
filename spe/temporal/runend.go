package temporal

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/spell-go/spell/spe/trace"
)

// fixRunEnd rewrites the run.end event at the end of delta so that its
// usage and cost are those of the whole run, summed over the model.call
// events of prior and delta. The step that ends a run replays every
// earlier call from the log, and replayed calls book no usage.
func fixRunEnd(prior, delta []byte) []byte {
	body := bytes.TrimSuffix(delta, []byte("\n"))
	i := bytes.LastIndexByte(body, '\n')
	last := body[i+1:]
	var end map[string]json.RawMessage
	if json.Unmarshal(last, &end) != nil || string(end["ev"]) != `"`+trace.EvRunEnd+`"` {
		return delta
	}
	usage := map[string]map[string]int64{}
	cost := 0.0
	for _, log := range [][]byte{prior, body[:i+1]} {
		for _, line := range bytes.Split(log, []byte("\n")) {
			if !bytes.Contains(line, []byte(`"ev":"`+trace.EvModelCall+`"`)) {
				continue
			}
			var call struct {
				Model string           `json:"model"`
				Usage map[string]int64 `json:"usage"`
				Cost  float64          `json:"cost_usd"`
				Error string           `json:"error"`
			}
			if json.Unmarshal(line, &call) != nil || call.Error != "" {
				continue
			}
			u := usage[call.Model]
			if u == nil {
				u = map[string]int64{}
				usage[call.Model] = u
			}
			for k, n := range call.Usage {
				u[k] += n
			}
			cost += call.Cost
		}
	}
	if len(usage) > 0 {
		end[trace.KeyUsage], _ = json.Marshal(usage)
	}
	end[trace.KeyCostUSD], _ = json.Marshal(cost)
	var b bytes.Buffer
	b.WriteByte('{')
	keys := make([]string, 0, len(end))
	for k := range end {
		if k != "v" && k != "t" && k != "ev" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for n, k := range append([]string{"v", "t", "ev"}, keys...) {
		if n > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(end[k])
	}
	b.WriteString("}\n")
	out := append([]byte(nil), body[:i+1]...)
	return append(out, b.Bytes()...)
}
