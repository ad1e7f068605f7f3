package catalog

import "strings"

// Limit is the number of edits a did-you-mean allows for name: about a
// third of its characters (a swap of neighbours is one edit), so names of
// one or two characters get no suggestion.
func Limit(name string) int { return RuneLen(name) / 3 }

// Suggest returns the candidate nearest to name within Limit(name) edits,
// or "". It is the one did-you-mean rule of every tool: evaluator hints,
// lint messages, spell doc, model names and configuration keys.
func Suggest(name string, cands []string) string {
	return Nearest(name, cands, Limit(name))
}

// foreignNames pairs names that models and people bring from other
// languages with the Spell name that does the job. (A table, not a map:
// nothing is built at start; issue 11, start-up.)
var foreignNames = [...]struct{ name, spell string }{
	{"length", "count"}, {"len", "count"}, {"size", "count"}, {"strlen", "count"},
	{"substring", "subs"}, {"substr", "subs"}, {"append", "conj"}, {"push", "conj"},
	{"includes", "strings/includes?"}, {"lower", "strings/lower-case"}, {"upper", "strings/upper-case"},
	{"toLowerCase", "strings/lower-case"}, {"toUpperCase", "strings/upper-case"}, {"strip", "strings/trim"},
	{"foldl", "reduce"}, {"fold", "reduce"}, {"forEach", "map"}, {"println", "str"},
}

// foreignName returns the Spell name for a name of foreignNames, else "".
func foreignName(name string) string {
	for _, f := range foreignNames {
		if f.name == name {
			return f.spell
		}
	}
	return ""
}

// Hint returns the Spell name to suggest for an unknown name in a program,
// or "": a name from another language gives the Spell name (length →
// count); a member of exactly one pure namespace gives its qualified name
// (trim → strings/trim); else the nearest of cands (the names in scope);
// else a misspelt name from another language (lenght → count, not let),
// which also wins over a name in scope that is more edits away.
// The evaluator, the linter and spell doc all use it.
func Hint(name string, cands []string) string {
	if f := foreignName(name); f != "" {
		return f
	}
	if m := uniqueMember(name); m != "" {
		return m
	}
	s := Suggest(name, cands)
	known := make([]string, len(foreignNames))
	for i, f := range foreignNames {
		known[i] = f.name
	}
	if k := Suggest(name, known); k != "" {
		// A misspelt name from another language wins over a name in scope
		// that is further away: lenght is one swap from length (→ count)
		// but two edits from a local height.
		lim := Limit(name)
		lower := strings.ToLower(name)
		if s == "" || EditDistance(lower, strings.ToLower(k), lim) < EditDistance(lower, strings.ToLower(s), lim) {
			return foreignName(k)
		}
	}
	return s
}

// uniqueMember returns ns/name when name is a member of exactly one pure
// namespace (strings, math), as the runtime's namespace fix-up does.
func uniqueMember(name string) string {
	if name == "" || strings.Contains(name, "/") {
		return ""
	}
	found := ""
	for _, ns := range []string{"strings", "math"} {
		if e, ok := Lookup(ns + "/" + name); ok && e.Kind != Constant {
			if found != "" {
				return ""
			}
			found = e.Name
		}
	}
	return found
}
