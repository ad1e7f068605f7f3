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

// foreignNames are names that models and people bring from other
// languages; foreignName gives the Spell name that does the job.
var foreignNames = [...]string{"length", "len", "size", "strlen", "substring", "substr", "append", "push", "includes", "lower", "upper", "toLowerCase", "toUpperCase", "strip", "foldl", "fold", "forEach", "println"}

// foreignName returns the Spell name for a name of foreignNames, else "".
// (A switch, not a map: nothing is built at start; issue 11, start-up.)
func foreignName(name string) string {
	switch name {
	case "length", "len", "size", "strlen":
		return "count"
	case "substring", "substr":
		return "subs"
	case "append", "push":
		return "conj"
	case "includes":
		return "strings/includes?"
	case "lower", "toLowerCase":
		return "strings/lower-case"
	case "upper", "toUpperCase":
		return "strings/upper-case"
	case "strip":
		return "strings/trim"
	case "foldl", "fold":
		return "reduce"
	case "forEach":
		return "map"
	case "println":
		return "str"
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
	if k := Suggest(name, foreignNames[:]); k != "" {
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
