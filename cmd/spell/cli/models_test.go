package cli

import (
	"strings"
	"testing"

	"github.com/spell-go/spell/spe/provider"
)

// TestModelsListsEveryProvider: every accepted provider prefix appears in
// spell models, so a new provider cannot be left out.
func TestModelsListsEveryProvider(t *testing.T) {
	listed := map[string]bool{}
	for _, p := range modelsProviders {
		for _, f := range strings.Fields(p.prefixes) {
			listed[strings.TrimSuffix(f, ":FILE")] = true
		}
	}
	for _, p := range provider.KnownProviders() {
		if !listed[p] {
			t.Errorf("provider %q is missing from spell models", p)
		}
	}
}
