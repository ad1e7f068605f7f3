package eval

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/value"
)

// OptionMap reads the options map of a namespace member (nil is no
// options) into its values by keyword name, refusing a key that is not a
// keyword in allowed. The error is plain: the call site names the member.
func OptionMap(v value.Value, allowed ...string) (map[string]value.Value, error) {
	if v == nil {
		return map[string]value.Value{}, nil
	}
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("options must be a map, got %s: %s", value.TypeName(v), shown(v))
	}
	out := make(map[string]value.Value, m.Count())
	var bad []string
	m.Range(func(k, val value.Value) bool {
		kw, ok := k.(*value.Keyword)
		if !ok || !slices.Contains(allowed, kw.FullName()) {
			bad = append(bad, value.PrStr(k))
			return true
		}
		out[kw.FullName()] = val
		return true
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		known := make([]string, len(allowed))
		for i, a := range allowed {
			known[i] = ":" + a
		}
		return nil, fmt.Errorf("unknown option %s (known: %s)", strings.Join(bad, " "), strings.Join(known, " "))
	}
	return out, nil
}
