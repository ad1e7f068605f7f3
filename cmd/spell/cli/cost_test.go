package cli

import (
	"strings"
	"testing"

	"github.com/spell-go/spell/spe"
)

// TestRunJSONUnpricedCost: --json says null, not 0, for the cost of a run
// that called a model without a price; a priced run keeps its cost.
func TestRunJSONUnpricedCost(t *testing.T) {
	for _, tc := range []struct {
		st   *spe.Stats
		want string
	}{
		{&spe.Stats{Cost: 0.5}, `"cost_usd":0.5,`},
		{&spe.Stats{Cost: 0.5, Unpriced: true}, `"cost_usd":null,`},
		{&spe.Stats{Unpriced: true}, `"cost_usd":null,`},
		{nil, `"cost_usd":0,`},
	} {
		var b strings.Builder
		writeRunJSON(&b, nil, nil, tc.st, "")
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%+v: got %s, want %s", tc.st, b.String(), tc.want)
		}
	}
	if !strings.Contains(unpricedWarning, "unknown") {
		t.Errorf("the warning does not say the cost is unknown: %s", unpricedWarning)
	}
}
