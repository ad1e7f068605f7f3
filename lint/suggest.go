package lint

import (
	"sync"

	"github.com/spell-go/spell/eval/catalog"
)

// coreNames are the unqualified catalogue names (special forms, macros,
// builtins, effect builtins), built on first use.
var coreNames = sync.OnceValue(func() []string {
	var out []string
	for _, e := range catalog.All() {
		if e.Namespace == "" {
			out = append(out, e.Name)
		}
	}
	return out
})
