package lint

import (
	"github.com/spell-go/spell/eval/catalog"
)

// Closest returns the candidate nearest to name by case-insensitive edit
// distance (a swap of neighbours counts as one edit), when roughly half the
// characters or fewer differ; "" when none is close enough. Names shorter
// than three characters get no suggestion. Ties go to the candidate with
// the longer common prefix, then to the one that sorts first.
func Closest(name string, cands []string) string {
	n := catalog.RuneLen(name)
	if n < 3 {
		return ""
	}
	return catalog.Nearest(name, cands, n/2)
}

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

// uniqueMember returns ns/name when name is a member of exactly one pure
// namespace (strings, math), as the runtime's fix-up does: trim →
// strings/trim.
func uniqueMember(name string) string {
	found := ""
	for _, ns := range []string{"strings", "math"} {
		if en, ok := catalog.Lookup(ns + "/" + name); ok && en.Kind != catalog.Constant {
			if found != "" {
				return ""
			}
			found = en.Name
		}
	}
	return found
}
