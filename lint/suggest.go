package lint

import (
	"sync"

	"github.com/spell-go/spell/eval/catalog"
)

// coreNames returns the unqualified catalogue names (special forms,
// macros, builtins, effect builtins), built on first use.
func coreNames() []string {
	coreNamesOnce.Do(func() {
		for _, e := range catalog.All() {
			if e.Namespace == "" {
				coreNamesOnce.names = append(coreNamesOnce.names, e.Name)
			}
		}
	})
	return coreNamesOnce.names
}

// coreNamesOnce holds coreNames (a zero value: a sync.OnceValue in a
// variable is made at start).
var coreNamesOnce struct {
	sync.Once
	names []string
}
