package catalog

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

func fields(s string) []string { return strings.Fields(s) }

// Name lists copied from the specification tables.
var (
	// language.md §5.2 plus the catch clause and reopen-eval.
	specSpecialForms = fields(`quote def persist do if let fn fn* quine reopen loop recur for try catch reopen-eval`)

	// language.md §5.3 (33 names).
	specMacros = fields(`when defn and or cond if-let when-let if-some when-some case as-> cond-> cond->>
		some-> some->> -> ->> future blocking/plet define defmacro first-line think rethink prune
		!call-now !peek-now !peek !print print !describe !extend !compact`)

	// language.md §9.1–§9.13, §8.4, §11 and eval (§6.2).
	specBuiltins = fields(`
		+ - * / inc dec +' -' *' inc' dec' quot rem mod max min max-key min-key abs int long
		float double bigdec bigint rationalize rand rand-int parse-number
		even? odd? pos? neg? zero? integer? ratio? rational? pos-int? neg-int? numerator denominator
		= not= < > <= >= compare not nil? some? true? false? empty?
		str cat pr-str subs read-string re-find re-matches re-seq format
		string? number? vector? set? keyword? symbol? coll? sequential? int? boolean? list? seq? map? fn?
		any? boolean identity name namespace symbol keyword type
		list vector set first second last ffirst rest next cons conj get assoc count reverse nth keys vals
		key val into concat peek pop butlast subvec vec not-empty find list* seq contains? disj
		merge merge-with update update-in get-in assoc-in dissoc select-keys zipmap reduce-kv
		update-keys update-vals frequencies group-by sorted-map sorted-set sorted-map-by sorted-set-by
		map map-indexed filter remove keep keep-indexed mapcat reduce reductions some find-first every?
		not-any? not-every? take drop take-last take-while drop-while take-nth drop-last split-at split-with
		range repeat repeatedly sort sort-by distinct dedupe flatten shuffle random-sample partition
		partition-all partition-by interleave interpose tree-seq rand-nth distinct? reduced apply
		comp partial juxt complement constantly every-pred some-fn fnil memoize
		bit-and bit-or bit-xor bit-and-not bit-not bit-shift-left bit-shift-right unsigned-bit-shift-right
		bit-set bit-clear bit-flip bit-test
		parse-boolean random-uuid gensym
		throw ex-info ex-data ex-message ex-cause
		spell-eval apply-macro compmacro edit-reopen wrap-cat serialize-prefix strip-parens serialize
		context-forms future* describe-fn eval`)

	// language.md §10.1.
	specStrings = fields(`index-of last-index-of starts-with? ends-with? includes? blank? trim replace split
		split-lines join lower-case upper-case capitalize`)

	// language.md §10.2.
	specMathFns = fields(`sqrt cbrt pow exp expm1 log log10 log2 log1p sin cos tan asin acos atan atan2 sinh cosh
		tanh degrees radians hypot abs sign floor ceil round trunc factorial gcd lcm rand NaN? infinite?`)
	specMathConsts = fields(`PI E INF NEG-INF NaN`)

	// language.md §6.1.
	specEffectBuiltins = fields(`!llm-self leaf-llm receive !ask-await`)

	// effects.md §1.1 partition.
	specIORead  = fields(`slurp slurp-bytes read-file read-lines grep glob git exists? directory? ls cwd stat env`)
	specIOWrite = fields(`write-file spit str-replace replace-lines mkdir mkdirs delete copy move temp-file`)
	specIOExec  = fields(`sh sh-test exec watch-send`)

	// effects.md §2, §3.3, §4, §5.
	specWeb      = fields(`search fetch config`)
	specAgents   = fields(`spawn ask spawn-ask !ask !spawn-ask !reply-ask !wait !sleep send reply cancel status graph out-edges in-edges current-handle parent-handle register`)
	specGlobals  = fields(`get set update pop keys all wait-until`)
	specBlocking = fields(`await await-all pmap plet request send-await`)

	// language.md §9: names that MUST stay unbound.
	specRemoved = fields(`stored deep-truncate expand uneval memo prune-and-reopen call-now llm await pmap`)

	// language.md §11: Spell names with a builtins :detail text.
	specDetailNames = fields(`persist quine spell-eval reopen wrap-cat serialize-prefix edit-reopen serialize
		strip-parens eval !llm-self receive !ask-await leaf-llm describe-fn !call-now !peek !peek-now !print
		print think prune rethink !extend !compact defmacro`)
)

func mustKind(t *testing.T, name string, kind Kind) Entry {
	t.Helper()
	e, ok := Lookup(name)
	if !ok {
		t.Errorf("missing entry %q", name)
		return e
	}
	if e.Kind != kind {
		t.Errorf("%s: kind %v, want %v", name, e.Kind, kind)
	}
	return e
}

func TestNoDuplicates(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range All() {
		if seen[e.Name] {
			t.Errorf("duplicate entry %q", e.Name)
		}
		seen[e.Name] = true
	}
}

func TestSpecCoverage(t *testing.T) {
	for _, n := range specSpecialForms {
		mustKind(t, n, SpecialForm)
	}
	if len(specMacros) != 33 {
		t.Fatalf("spec macro list has %d names, want 33", len(specMacros))
	}
	for _, n := range specMacros {
		mustKind(t, n, Macro)
	}
	for _, n := range specBuiltins {
		mustKind(t, n, Builtin)
	}
	for _, n := range specStrings {
		mustKind(t, "strings/"+n, NamespaceMember)
	}
	for _, n := range specMathFns {
		mustKind(t, "math/"+n, NamespaceMember)
	}
	for _, n := range specMathConsts {
		mustKind(t, "math/"+n, Constant)
	}
	for _, n := range specEffectBuiltins {
		mustKind(t, n, EffectBuiltin)
	}
	for subset, names := range map[string][]string{"read": specIORead, "write": specIOWrite, "exec": specIOExec} {
		for _, n := range names {
			e := mustKind(t, "io/"+n, EffectMember)
			if e.Subset != subset {
				t.Errorf("io/%s: subset %q, want %q", n, e.Subset, subset)
			}
		}
	}
	if got := len(specIORead) + len(specIOWrite) + len(specIOExec); got != 27 || len(Namespace("io")) != 27 {
		t.Errorf("io: spec %d members, catalogue %d, want 27", got, len(Namespace("io")))
	}
	for ns, names := range map[string][]string{"web": specWeb, "agents": specAgents, "globals": specGlobals} {
		for _, n := range names {
			mustKind(t, ns+"/"+n, EffectMember)
		}
	}
	for _, n := range specBlocking {
		if n == "plet" {
			mustKind(t, "blocking/plet", Macro)
		} else {
			mustKind(t, "blocking/"+n, EffectMember)
		}
	}
	for _, n := range specRemoved {
		if _, ok := Lookup(n); ok {
			t.Errorf("removed name %q must not be in the catalogue", n)
		}
	}
}

// TestNoExtraCoreNames makes the catalogue's core names exactly the spec
// lists: no builtin is invented.
func TestNoExtraCoreNames(t *testing.T) {
	want := map[string]bool{}
	for _, l := range [][]string{specSpecialForms, specMacros, specBuiltins, specEffectBuiltins} {
		for _, n := range l {
			want[n] = true
		}
	}
	for _, e := range Namespace("") {
		if !want[e.Name] {
			t.Errorf("core entry %q is not in the specification lists", e.Name)
		}
	}
	for ns, names := range map[string][]string{"strings": specStrings, "math": append(append([]string{}, specMathFns...), specMathConsts...)} {
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		for _, e := range Namespace(ns) {
			if !set[strings.TrimPrefix(e.Name, ns+"/")] {
				t.Errorf("%s entry %q is not in the specification", ns, e.Name)
			}
		}
	}
}

func TestStringsHasFourteen(t *testing.T) {
	if n := len(Namespace("strings")); n != 14 {
		t.Errorf("strings has %d members, want 14", n)
	}
}

// countParams is an independent reading of a parameter vector.
func countParams(sig string) (int, bool) {
	inner := strings.TrimSuffix(strings.TrimPrefix(sig, "["), "]")
	depth, n := 0, 0
	inTok := false
	for _, r := range inner {
		switch r {
		case '[', '{', '(':
			if depth == 0 && !inTok {
				n++
			}
			depth++
			inTok = false
			continue
		case ']', '}', ')':
			depth--
			continue
		case ' ':
			inTok = false
			continue
		}
		if depth > 0 {
			continue
		}
		if r == '&' && !inTok {
			return n, true
		}
		if !inTok {
			n++
			inTok = true
		}
	}
	return n, false
}

func TestArityConsistent(t *testing.T) {
	for _, e := range All() {
		if e.Kind == Constant {
			if len(e.Signatures) != 0 {
				t.Errorf("%s: constant with signatures", e.Name)
			}
			continue
		}
		if len(e.Signatures) == 0 {
			t.Errorf("%s: no signatures", e.Name)
			continue
		}
		min, max := -1, 0
		for _, s := range e.Signatures {
			if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
				t.Errorf("%s: signature %q is not a vector", e.Name, s)
			}
			n, v := countParams(s)
			if min < 0 || n < min {
				min = n
			}
			if v {
				max = -1
			} else if max >= 0 && n > max {
				max = n
			}
			if v && !strings.Contains(s, "& ") {
				t.Errorf("%s: malformed variadic signature %q", e.Name, s)
			}
		}
		if e.MinArgs != min || e.MaxArgs != max {
			t.Errorf("%s: MinArgs/MaxArgs %d/%d, signatures say %d/%d", e.Name, e.MinArgs, e.MaxArgs, min, max)
		}
	}
}

func TestSpecArities(t *testing.T) {
	cases := []struct {
		name     string
		min, max int
	}{
		{"into", 2, 2}, {"range", 1, 3}, {"repeat", 2, 2}, {"reduce", 2, 3}, {"sort", 1, 1},
		{"sort-by", 2, 2}, {"map", 2, -1}, {"eval", 1, 1}, {"first-line", 2, -1}, {"think", 1, -1},
		{"mapcat", 2, 2}, {"comp", 0, -1}, {"+", 0, -1}, {"def", 2, 2}, {"persist", 1, 2},
		{"if", 2, 3}, {"let", 1, -1}, {"prune", 0, 1}, {"rethink", 0, -1}, {"future", 1, 1},
		{"!extend", 0, 1}, {"!compact", 0, 1}, {"serialize", 1, 2}, {"compmacro", 0, -1},
		{"strip-parens", 2, 2}, {"describe-fn", 1, 2}, {"rand", 0, 1}, {"gensym", 0, 1},
		{"random-uuid", 0, 0}, {"strings/join", 1, 2}, {"strings/split", 2, 2}, {"math/atan2", 2, 2},
		{"math/rand", 0, 0}, {"io/read-file", 1, 4}, {"io/cwd", 0, 0}, {"globals/update", 2, -1},
		{"!llm-self", 1, 2}, {"ex-info", 2, 3}, {"subs", 2, 3}, {"get-in", 2, 3}, {"partition", 2, 3},
		{"drop-last", 1, 2}, {"agents/!wait", 0, 0}, {"quote", 0, -1}, {"do", 0, -1},
	}
	for _, c := range cases {
		e, ok := Lookup(c.name)
		if !ok {
			t.Errorf("missing %s", c.name)
			continue
		}
		if e.MinArgs != c.min || e.MaxArgs != c.max {
			t.Errorf("%s: arity %d..%d, want %d..%d", c.name, e.MinArgs, e.MaxArgs, c.min, c.max)
		}
	}
	if e, _ := Lookup("range"); e.AcceptsArgs(0) {
		t.Error("range must not accept 0 arguments")
	}
	if e, _ := Lookup("io/replace-lines"); e.AcceptsArgs(3) || !e.AcceptsArgs(2) || !e.AcceptsArgs(4) {
		t.Error("io/replace-lines accepts 2 or 4 arguments")
	}
}

var validCategories = map[string]bool{}

func init() {
	for _, c := range Categories {
		validCategories[c] = true
	}
}

func TestDocsAndFields(t *testing.T) {
	for _, e := range All() {
		if e.Doc == "" || !strings.HasSuffix(e.Doc, ".") {
			t.Errorf("%s: Doc must be non-empty and end with a period: %q", e.Name, e.Doc)
		}
		if strings.TrimSpace(e.Detail) == "" {
			t.Errorf("%s: empty Detail", e.Name)
		}
		if strings.Contains(e.Doc, "\n") {
			t.Errorf("%s: Doc must be one line", e.Name)
		}
		if !validCategories[e.Category] {
			t.Errorf("%s: unknown category %q", e.Name, e.Category)
		}
		for _, d := range strings.Fields(e.Divergence) {
			if len(d) < 2 || d[0] != 'D' {
				t.Errorf("%s: bad divergence %q", e.Name, e.Divergence)
			}
		}
		switch e.Kind {
		case EffectMember, EffectBuiltin:
			if e.Priority != "P0" && e.Priority != "P1" && e.Priority != "P2" {
				t.Errorf("%s: effect without priority", e.Name)
			}
		case SpecialForm, Builtin, NamespaceMember, Constant:
			if e.Priority != "" {
				t.Errorf("%s: unexpected priority %q", e.Name, e.Priority)
			}
		}
		if (e.Namespace == "io") != (e.Subset != "") {
			t.Errorf("%s: subset %q", e.Name, e.Subset)
		}
		if e.Namespace != "" && !strings.HasPrefix(e.Name, e.Namespace+"/") {
			t.Errorf("%s: namespace %q", e.Name, e.Namespace)
		}
	}
	for _, name := range []string{"/", "-", "->", "->>", "+'"} {
		if e, ok := Lookup(name); !ok || e.Namespace != "" {
			t.Errorf("%s must be a core name", name)
		}
	}
}

func TestPriorities(t *testing.T) {
	p := map[string]string{
		"io/read-file": "P0", "io/git": "P1", "io/slurp-bytes": "P2", "io/sh-test": "P2", "io/watch-send": "P2",
		"web/fetch": "P1", "agents/spawn": "P0", "agents/!reply-ask": "P1", "agents/graph": "P1",
		"agents/register": "P1", "globals/wait-until": "P0", "blocking/await": "P1", "!ask-await": "P1",
		"!llm-self": "P0", "leaf-llm": "P0", "receive": "P1",
	}
	for n, want := range p {
		if e, _ := Lookup(n); e.Priority != want {
			t.Errorf("%s: priority %q, want %q", n, e.Priority, want)
		}
	}
}

func TestDocumentationTexts(t *testing.T) {
	for _, c := range Categories {
		if !strings.Contains(BuiltinsGuide, c) {
			t.Errorf("BuiltinsGuide does not list category %s", c)
		}
		_, has := BuiltinsDetail()[c]
		if want := c != "spell" && c != "concurrency"; has != want {
			t.Errorf("BuiltinsDetail()[%q] present=%v, want %v", c, has, want)
		}
	}
	if !strings.Contains(strings.ToLower(BuiltinsGuide), "common mistakes") {
		t.Error("BuiltinsGuide lacks common mistakes")
	}
	for _, n := range specDetailNames {
		if BuiltinsDetail()[n] == "" {
			t.Errorf("BuiltinsDetail lacks %s", n)
		}
	}
	if want := 13 + len(specDetailNames); len(BuiltinsDetail()) != want {
		t.Errorf("BuiltinsDetail has %d texts, want %d", len(BuiltinsDetail()), want)
	}
	if sd := StringsDetail(); len(sd) != 2 || !strings.HasPrefix(sd["split"], "Split string") || sd["replace"] == "" {
		t.Error("StringsDetail must hold exactly split (starting with \"Split string\") and replace")
	}
	for _, s := range []string{StringsShortDoc, StringsGuide, MathShortDoc, MathGuide} {
		if strings.TrimSpace(s) == "" {
			t.Error("empty namespace documentation")
		}
	}
	seen := map[string]bool{}
	for _, ns := range Namespaces() {
		if seen[ns.Name] || ns.ShortDoc == "" || ns.Guide == "" {
			t.Errorf("namespace info %q duplicated or incomplete", ns.Name)
		}
		seen[ns.Name] = true
	}
	for _, n := range []string{"strings", "math", "builtins", "skills", "io", "web", "agents", "globals", "blocking"} {
		if !seen[n] {
			t.Errorf("Namespaces lacks %s", n)
		}
	}
	for _, e := range All() {
		if e.Namespace != "" && !seen[e.Namespace] {
			t.Errorf("%s: namespace %q has no NamespaceInfo", e.Name, e.Namespace)
		}
	}
}

func TestSignatureParams(t *testing.T) {
	got := strings.Join(SignatureParams("[opts {:a [1 2]} & more]"), "|")
	if got != "opts|{:a [1 2]}|&|more" {
		t.Errorf("SignatureParams = %q", got)
	}
	if n, v := ParseSignature("[]"); n != 0 || v {
		t.Errorf("ParseSignature([]) = %d %v", n, v)
	}
	if u := Usage(mustKind(t, "range", Builtin)); u != "(range end) | (range start end) | (range start end step)" {
		t.Errorf("Usage(range) = %q", u)
	}
}

// TestPlannedNotListed: the namespaces the spec defines but this version
// does not build (effects.md §7 feedback, §8 patterns) are kept apart from
// everything that lists or binds names, and Planned still knows them.
func TestPlannedNotListed(t *testing.T) {
	planned := PlannedNamespaces()
	if len(planned) != 2 {
		t.Fatalf("planned namespaces = %v, want feedback and patterns", planned)
	}
	for _, info := range planned {
		if info.Unavailable == "" {
			t.Errorf("%s: Unavailable not set", info.Name)
		}
		for _, ns := range Namespaces() {
			if ns.Name == info.Name {
				t.Errorf("%s is listed by Namespaces()", info.Name)
			}
			if ns.Unavailable != "" {
				t.Errorf("%s: a listed namespace marked unavailable", ns.Name)
			}
		}
		if n := len(Namespace(info.Name)); n != 0 {
			t.Errorf("%s: %d members in Entries", info.Name, n)
		}
		if _, ok := Planned(info.Name); !ok {
			t.Errorf("Planned(%q) = false", info.Name)
		}
	}
	for _, name := range []string{"patterns/install", "patterns/catalog", "patterns/source", "patterns/update", "patterns/call", "feedback/log"} {
		if _, ok := Lookup(name); ok {
			t.Errorf("%s is in Entries", name)
		}
		info, ok := Planned(name)
		if !ok || info.Unavailable == "" {
			t.Errorf("Planned(%q) = %v, %v", name, info, ok)
		}
	}
	for _, name := range []string{"patterns/nope", "io/read-file", "map", "io"} {
		if _, ok := Planned(name); ok {
			t.Errorf("Planned(%q) = true", name)
		}
	}
}

// TestCatalogStatic: a fresh process reads the catalogue without building
// it (issue 11, start-up): the first All, Lookup and Namespace allocate
// only Namespace's copy. Built on first use, it was ~130 kB.
func TestCatalogStatic(t *testing.T) {
	if os.Getenv("SPELL_CATALOG_CHILD") == "1" {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		n := len(All())
		_, ok := Lookup("map")
		members := Namespace("agents")
		runtime.ReadMemStats(&m1)
		fmt.Printf("catalog-bytes %d %d %v %d\n", m1.TotalAlloc-m0.TotalAlloc, n, ok, len(members))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCatalogStatic$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SPELL_CATALOG_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var bytes, n, members int
	var ok bool
	for _, line := range strings.Split(string(out), "\n") {
		if s, found := strings.CutPrefix(line, "catalog-bytes "); found {
			fmt.Sscan(s, &bytes, &n, &ok, &members)
		}
	}
	if n == 0 || !ok || members == 0 {
		t.Fatalf("child measured nothing:\n%s", out)
	}
	entry := int(unsafe.Sizeof(Entry{}))
	t.Logf("%d entries; first use allocates %d bytes (%d agents members of %d bytes)", n, bytes, members, entry)
	if bytes > members*entry+512 {
		t.Errorf("the first use of the catalogue allocates %d bytes: it is built again", bytes)
	}
}

// TestNamespaceNamed: NamespaceNamed finds each namespace Namespaces lists,
// and no other.
func TestNamespaceNamed(t *testing.T) {
	for _, ns := range Namespaces() {
		if got, ok := NamespaceNamed(ns.Name); !ok || got.Name != ns.Name || got.Effect != ns.Effect {
			t.Errorf("NamespaceNamed(%q) = %v, %v", ns.Name, got, ok)
		}
	}
	if _, ok := NamespaceNamed("nope"); ok {
		t.Error("NamespaceNamed(nope) found one")
	}
}
