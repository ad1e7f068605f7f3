// Package catalog is the single table of every name the Spell language knows:
// special forms, built-in macros, pure core builtins, the members of the
// pure namespaces (strings, math), the effect builtins and the members of the
// effect namespaces (io, web, agents, globals, blocking, mcp). The
// namespaces the spec defines but this version does not build (feedback,
// patterns) are kept apart, in PlannedNamespaces: nothing that lists or
// binds names (spell doc --list, the system prompts, the language server,
// the linter, agent profiles) sees them.
//
// The catalogue owns the facts about each name that do not depend on an
// implementation: its kind, documentation category, parameter vectors and
// the arity derived from them, a one-line summary and a longer description,
// the deliberate divergence from the reference implementation that applies
// to it, and for effect members their priority and io subset. It also owns
// the documentation texts of the builtins, strings and math namespaces
// (language.md §11).
//
// It is data only and imports nothing but the standard library. The
// evaluator pairs each entry with an implementation by name; spell doc, the
// language server (hover, completion, signature help) and the linter's arity
// checks read the same table.
package catalog

import (
	"iter"
	"sort"
	"strings"
)

// Kind classifies a catalogue entry.
type Kind uint8

const (
	// SpecialForm is a form with its own evaluation rule (language.md §5.2);
	// it includes the clauses catch and reopen-eval.
	SpecialForm Kind = iota
	// Macro is a built-in macro expanded before special forms (§5.3).
	Macro
	// Builtin is a pure core function, always bound (§9), including eval.
	Builtin
	// NamespaceMember is a function of a pure namespace (strings/, math/).
	NamespaceMember
	// EffectBuiltin is an unqualified effect function bound only while eval
	// runs: !llm-self, leaf-llm, receive, !ask-await.
	EffectBuiltin
	// EffectMember is a function of an effect namespace (io/, web/, agents/,
	// globals/, blocking/, …).
	EffectMember
	// Constant is a non-function namespace value such as math/PI.
	Constant
)

var kindNames = [...]string{
	SpecialForm:     "special form",
	Macro:           "macro",
	Builtin:         "builtin",
	NamespaceMember: "namespace member",
	EffectBuiltin:   "effect builtin",
	EffectMember:    "effect member",
	Constant:        "constant",
}

// String returns a human-readable name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Entry describes one name.
type Entry struct {
	// Name is the name as written in a program: "map", "strings/split",
	// "io/read-file", "!call-now", "blocking/plet".
	Name string
	// Namespace is "" for core names, else the part before the first "/".
	Namespace string
	Kind      Kind
	// Category is one of the builtins documentation categories:
	// special-forms macros effect math comparison types strings collections
	// maps sequences combinators bitwise spell concurrency error.
	Category string
	// Signatures holds one parameter vector per accepted shape, as text.
	// Constants have none.
	Signatures []string
	// MinArgs is the smallest accepted argument count (derived).
	MinArgs int
	// MaxArgs is the largest accepted argument count, -1 when variadic
	// (derived).
	MaxArgs int
	// Doc is a one-sentence summary.
	Doc string
	// Detail is a longer description with examples as `expr ⇒ value` lines.
	Detail string
	// Divergence lists the divergences from the reference that apply
	// ("D4"; several are separated by a space: "D2 D3"), or "".
	Divergence string
	// Priority is "P0", "P1" or "P2" for effects (effects.md); "" otherwise.
	Priority string
	// Subset is "read", "write" or "exec" for io members; "" otherwise.
	Subset string
}

// Variadic reports whether the entry accepts any number of trailing
// arguments.
func (e Entry) Variadic() bool { return e.MaxArgs < 0 }

// AcceptsArgs reports whether n arguments match one of the signatures.
// Constants accept no call at all and report false.
func (e Entry) AcceptsArgs(n int) bool {
	for _, s := range e.Signatures {
		min, variadic := ParseSignature(s)
		if n == min || (variadic && n >= min) {
			return true
		}
	}
	return false
}

// NamespaceInfo describes a namespace known to Spell-Go.
type NamespaceInfo struct {
	Name string
	// Effect is true for namespaces bound only while eval runs (blocking:
	// only inside futures started under eval).
	Effect bool
	// ShortDoc is the one-line :short-docs summary.
	ShortDoc string
	// Guide is the :docs :guide text.
	Guide string
	// Unavailable is set on a planned namespace (PlannedNamespaces): the
	// section of the spec that defines it ("effects.md §8"). Such a
	// namespace is specified but not built in this version.
	Unavailable string
}

// All returns every entry, in a stable order: special forms, macros, core
// builtins, strings, math, effect builtins, then effect namespaces. The
// slice is shared and must not be modified.
func All() []Entry { return entries[:] }

// Len is the number of entries, len(All()), as a constant: eval sizes its
// registry of builtins with it (a static array, no allocation at start).
const Len = len(entries)

// The catalogue is static data (entries.go, generated from the tables of
// forms.go, core.go and namespaces.go by `go test ./eval/catalog -run
// TestEntriesCurrent -update`): the linker lays it out, so a process
// builds nothing and touches only the pages of the entries it reads
// (issue 11, start-up: building it was ~130 kB and ~60 page faults of
// every run that evaluates or lints).

// buildEntries builds the catalogue from its tables, with the derived
// fields (Namespace, MinArgs, MaxArgs) set: what entries.go holds.
func buildEntries() []Entry {
	var all []Entry
	for _, part := range []func([]Entry) []Entry{specialForms, macros, coreBuiltins, stringsMembers, mathMembers, effectBuiltins, effectMembers} {
		all = part(all)
	}
	for i := range all {
		e := &all[i]
		e.Namespace = namespaceOf(e.Name)
		e.MinArgs, e.MaxArgs = arityOf(e.Signatures)
	}
	return all
}

// nsSpan locates the members of one namespace in nsMembers.
type nsSpan struct {
	ns         string
	start, end uint16
}

// PlannedNamespaces lists the namespaces the spec defines that this version
// of Spell-Go does not build yet (effects.md §7 feedback, §8 patterns),
// each with Unavailable set. They are not in Namespaces, and their members
// are not in All: they are kept only so that spell doc, profiles and
// the evaluator can say clearly that they are not available, instead of
// not knowing the name.
func PlannedNamespaces() []NamespaceInfo {
	out := make([]NamespaceInfo, len(plannedInfos))
	copy(out, plannedInfos)
	return out
}

// Planned finds a planned namespace ("patterns") or a member of one
// ("patterns/install"): the namespace's description, and whether name is
// one of them.
func Planned(name string) (NamespaceInfo, bool) {
	ns := name
	if i := strings.IndexByte(name, '/'); i > 0 {
		ns = name[:i]
	}
	for _, info := range plannedInfos {
		if info.Name != ns {
			continue
		}
		if ns == name {
			return info, true
		}
		for _, e := range plannedMembers() {
			if e.Name == name {
				return info, true
			}
		}
	}
	return NamespaceInfo{}, false
}

// Lookup finds an entry by its full name ("map", "strings/split").
func Lookup(name string) (Entry, bool) {
	if e, ok := LookupRef(name); ok {
		return *e, true
	}
	return Entry{}, false
}

// LookupRef is Lookup without the copy: the entry is shared and must not
// be modified.
func LookupRef(name string) (*Entry, bool) {
	if i, ok := Index(name); ok {
		return &entries[i], true
	}
	return nil, false
}

// Index returns the position in All of name's entry (its first).
func Index(name string) (int, bool) {
	// byName holds the index of each name's first entry, sorted by name;
	// sortedNames the names.
	lo, hi := 0, len(byName)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if sortedName(m) < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(byName) && sortedName(lo) == name {
		return int(byName[lo]), true
	}
	return 0, false
}

// sortedName is the name of byName[i].
func sortedName(i int) string {
	start := 0
	if i > 0 {
		start = int(nameEnds[i-1])
	}
	return sortedNames[start:nameEnds[i]]
}

// Namespace returns the members of namespace ns in catalogue order; ""
// returns the core names.
func Namespace(ns string) []Entry {
	idx := members(ns)
	if idx == nil {
		return nil
	}
	out := make([]Entry, len(idx))
	for i, j := range idx {
		out[i] = entries[j]
	}
	return out
}

// Members yields the members of namespace ns in catalogue order, as
// Namespace returns them but without a copy: the entries are shared and
// must not be modified.
func Members(ns string) iter.Seq[*Entry] {
	return func(yield func(*Entry) bool) {
		for _, j := range members(ns) {
			if !yield(&entries[j]) {
				return
			}
		}
	}
}

// members returns the indexes in entries of the members of ns, nil when
// ns has none.
func members(ns string) []uint16 {
	for _, sp := range nsSpans {
		if sp.ns == ns {
			return nsMembers[sp.start:sp.end]
		}
	}
	return nil
}

// Namespaces lists the namespaces known to Spell-Go: the pure ones first,
// then the effect namespaces.
func Namespaces() []NamespaceInfo {
	out := make([]NamespaceInfo, len(namespaceInfos))
	copy(out, namespaceInfos)
	return out
}

// NamespaceNamed returns the namespace of Namespaces named name, without
// copying the list.
func NamespaceNamed(name string) (NamespaceInfo, bool) {
	for _, ns := range namespaceInfos {
		if ns.Name == name {
			return ns, true
		}
	}
	return NamespaceInfo{}, false
}

// Names returns every entry name, sorted.
func Names() []string {
	out := make([]string, 0, len(All()))
	for _, e := range All() {
		out = append(out, e.Name)
	}
	sort.Strings(out)
	return out
}

// namespaceOf returns the part of name before the first "/" when both sides
// are non-empty ("/" itself is a core name).
func namespaceOf(name string) string {
	i := strings.IndexByte(name, '/')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return name[:i]
}

// arityOf derives the smallest and largest accepted argument counts from a
// list of parameter vectors; max is -1 when one of them is variadic.
func arityOf(sigs []string) (min, max int) {
	if len(sigs) == 0 {
		return 0, 0
	}
	min = -1
	for _, s := range sigs {
		n, variadic := ParseSignature(s)
		if min < 0 || n < min {
			min = n
		}
		switch {
		case variadic:
			max = -1
		case max >= 0 && n > max:
			max = n
		}
	}
	return min, max
}

// ParseSignature reads a parameter vector such as "[f coll & colls]" and
// returns the number of required parameters and whether a "&" makes it
// variadic. Nested vectors, maps and lists count as one parameter each.
func ParseSignature(sig string) (required int, variadic bool) {
	for _, p := range SignatureParams(sig) {
		if p == "&" {
			return required, true
		}
		required++
	}
	return required, false
}

// SignatureParams splits a parameter vector into its top-level parameters
// ("[m ks f & args]" → m ks f & args), keeping nested patterns whole.
func SignatureParams(sig string) []string {
	s := strings.TrimSpace(sig)
	s = strings.TrimPrefix(s, "[")
	s = strings.TrimSuffix(s, "]")
	var out []string
	depth, start := 0, -1
	for i, r := range s {
		switch {
		case r == '[' || r == '{' || r == '(':
			if depth == 0 && start < 0 {
				start = i
			}
			depth++
		case r == ']' || r == '}' || r == ')':
			depth--
		case r == ' ' || r == '\t' || r == '\n' || r == ',':
			if depth == 0 && start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// Entry constructors used by the tables. Signatures are written as one
// string with " | " between parameter vectors.

func mk(kind Kind, category, name, sigs, doc, detail string) Entry {
	var ss []string
	if sigs != "" {
		for _, s := range strings.Split(sigs, "|") {
			ss = append(ss, strings.TrimSpace(s))
		}
	}
	return Entry{Name: name, Kind: kind, Category: category, Signatures: ss, Doc: doc, Detail: detail}
}

func (e Entry) div(d string) Entry { e.Divergence = d; return e }

func (e Entry) prio(p string) Entry { e.Priority = p; return e }

// AbsentReason explains why the effect member ns/member is missing from a
// namespace whose members has reports: its subset is not granted ("write
// access is not granted to this agent", effects.md §1.1), which is the case
// when no catalogued member of that subset is present. ok is false when
// the member is unknown, present, or has no subset, or when another member
// of its subset is present (the profile's :items left it out).
func AbsentReason(ns, member string, has func(member string) bool) (reason string, ok bool) {
	e, found := Lookup(ns + "/" + member)
	if !found || e.Kind != EffectMember || e.Subset == "" || has(member) {
		return "", false
	}
	for _, o := range Namespace(ns) {
		if o.Kind == EffectMember && o.Subset == e.Subset && has(strings.TrimPrefix(o.Name, ns+"/")) {
			return "", false
		}
	}
	return e.Subset + " access is not granted to this agent", true
}
