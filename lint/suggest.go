package lint

import (
	"github.com/spell-go/spell/eval/catalog"
)

// coreNames are the unqualified catalogue names (special forms, macros,
// builtins, effect builtins).
var coreNames = func() []string {
	var out []string
	for _, e := range catalog.Entries {
		if e.Namespace == "" {
			out = append(out, e.Name)
		}
	}
	return out
}()
