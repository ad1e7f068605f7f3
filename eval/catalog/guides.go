package catalog

import (
	"strings"
	"sync"
)

// BuiltinsShortDoc is the :short-docs line of the builtins namespace.
const BuiltinsShortDoc = "Core forms and functions, usable without a namespace prefix; documentation only."

// BuiltinsGuide is the :docs :guide text of the builtins namespace: the
// categories and the most common mistakes.
const BuiltinsGuide = `BUILTINS — everything usable without a namespace prefix. This namespace holds documentation only.
Show a category with (!describe builtins :category) and a Spell-specific name with (!describe builtins :name).

Categories:
  special-forms  quote def persist do if let fn fn* quine reopen loop recur for try (catch)
  macros         when defn define and or cond if-let when-let if-some when-some case -> ->> as-> cond-> cond->> some-> some->> defmacro
  effect         eval !llm-self leaf-llm receive and the turn helpers !call-now !peek !peek-now !print print !describe !extend !compact
  math           + - * / inc dec quot rem mod max min abs int double bigint rand rand-int parse-number even? zero? ...
  comparison     = not= < > <= >= compare not nil? some? true? false? empty?
  types          string? number? map? fn? keyword? symbol? type name namespace symbol keyword identity gensym ...
  strings        str cat pr-str subs format read-string re-find re-matches re-seq parse-boolean (more in strings/)
  collections    list vector set first rest next cons conj get assoc count nth into concat seq contains? ...
  maps           merge merge-with update update-in get-in assoc-in dissoc select-keys zipmap group-by frequencies ...
  sequences      map filter remove reduce reductions some take drop sort sort-by range repeat partition apply ...
  combinators    comp partial juxt complement constantly every-pred some-fn fnil memoize
  bitwise        bit-and bit-or bit-xor bit-not bit-shift-left bit-shift-right bit-test ...
  spell          spell-eval edit-reopen wrap-cat serialize-prefix strip-parens serialize context-forms apply-macro compmacro describe-fn first-line think rethink prune
  concurrency    future future* !ask-await (blocking/ inside futures)
  error          throw ex-info ex-data ex-message ex-cause

Namespaces with their own documentation: strings/ math/ skills/ and, inside the trailing expression, io/ web/ agents/ globals/.

Common mistakes:
1. Using an effect outside the quoted trailing expression. !llm-self, leaf-llm, io/..., agents/... exist only while eval runs;
   write '(!call-now x (io/ls ".")) as the last form of the do, not (io/ls ".") in the body.
2. Forgetting the quote on the trailing expression: without it the call runs during the pure part and fails.
3. Expecting closures. fn captures nothing: free symbols are looked up in the caller's environment when the function runs.
4. Expecting let, fn bodies or for to keep a def. Only do, if, vectors, call arguments, try and quine let definitions escape.
5. Expecting lazy or list results. map, filter, range, take and most sequence functions return vectors; there are no infinite sequences.
6. Calling (range) or (repeat x) without a count, or into with more than two arguments: those arities do not exist.
7. Comparing a double with a long: (= 2.0 2) is false; math/ functions mostly return doubles.
8. Waiting in the middle of a turn: (!call-now m (agents/!wait)) is wrong; waits and turn helpers belong at the end.
9. Passing the prompt quine itself to !llm-self: use (!llm-self (wrap-cat prompt)).
10. Relying on a value that a prune or !peek will remove: persist it first, (persist x) keeps the current value as a literal.
`

// categoryIntro introduces each category text of BuiltinsDetail; the
// member lines are generated from the catalogue. (A switch, not a map:
// nothing is built at start; issue 11, start-up.)
func categoryIntro(cat string) (string, bool) {
	switch cat {
	case "special-forms":
		return "Special forms have their own evaluation rules and cannot be shadowed. Definitions escape do, if, try and quine but not let, fn or for.", true
	case "macros":
		return "Built-in macros expand before special forms and cannot be shadowed; user macros are made with defmacro.", true
	case "effect":
		return "Effects run only while eval runs, which in practice means inside the quoted trailing expression. The turn helpers evaluate their expressions once and continue the program in a new model turn.", true
	case "math":
		return "Numbers: long (overflow is an error), bigint N, double, exact ratio, bigdecimal M. Use the primed operators to promote instead of overflowing. More functions live in math/.", true
	case "comparison":
		return "Equality is by value; numbers are equal only within the same category, so (= 1 1.0) is false. Only nil and false are falsey.", true
	case "types":
		return "Type predicates, conversions and names. Spell functions are plain maps but are reported as functions, not maps.", true
	case "strings":
		return "String building, formatting, reading and regular expressions (RE2). Indices count code points. More helpers live in strings/.", true
	case "collections":
		return "Persistent, immutable collections. Maps and sets keep insertion order. nil behaves as an empty collection for most accessors.", true
	case "maps":
		return "Map construction, lookup along key paths and transformation.", true
	case "sequences":
		return "Sequence functions return vectors (not lazy sequences); callbacks may be builtins, keywords, maps or Spell functions.", true
	case "combinators":
		return "Functions that build functions. The results are host functions, which have no source form and cannot be persisted.", true
	case "bitwise":
		return "Bit operations on longs; shift counts are taken modulo 64.", true
	case "error":
		return "Errors are values. throw raises any value; ex-info builds a plain exception map that is safe to persist.", true
	}
	return "", false
}

// BuiltinsDetail returns the :detail map of the builtins namespace: one
// text per category except spell and concurrency, and one per
// Spell-specific name. It is built on first use; the map is shared and
// must not be modified.
func BuiltinsDetail() map[string]string {
	builtinsDetail.once.Do(func() { builtinsDetail.m = buildBuiltinsDetail() })
	return builtinsDetail.m
}

// builtinsDetail is BuiltinsDetail's map (zero until built: a
// sync.OnceValue in a variable is made at start).
var builtinsDetail struct {
	once sync.Once
	m    map[string]string
}

// builtinsDetailNames are the Spell-specific names documented under the
// builtins :detail map (language.md §11).
var builtinsDetailNames = []string{
	"persist", "quine", "spell-eval", "reopen", "wrap-cat", "serialize-prefix", "edit-reopen",
	"serialize", "strip-parens", "eval", "!llm-self", "receive", "!ask-await", "leaf-llm",
	"describe-fn", "!call-now", "!peek", "!peek-now", "!print", "print", "think", "prune",
	"rethink", "!extend", "!compact", "defmacro",
}

// Categories lists the documentation categories of the builtins namespace in
// guide order.
var Categories = []string{
	"special-forms", "macros", "effect", "math", "comparison", "types", "strings", "collections",
	"maps", "sequences", "combinators", "bitwise", "spell", "concurrency", "error",
}

func buildBuiltinsDetail() map[string]string {
	d := make(map[string]string)
	for _, cat := range Categories {
		intro, ok := categoryIntro(cat)
		if !ok {
			continue
		}
		// Sized before writing: the builder's doublings were half of
		// this table's bytes, built by every run that evaluates.
		var usages []string
		n := len(intro) + 2
		for _, e := range All() {
			if e.Category != cat || !isBuiltinsName(e) {
				continue
			}
			u := Usage(e)
			usages = append(usages, u)
			n += 2 + len(u) + len(" — ") + len(e.Doc) + 1
		}
		var b strings.Builder
		b.Grow(n)
		b.WriteString(intro)
		b.WriteString("\n\n")
		i := 0
		for _, e := range All() {
			if e.Category != cat || !isBuiltinsName(e) {
				continue
			}
			b.WriteString("  ")
			b.WriteString(usages[i])
			i++
			b.WriteString(" — ")
			b.WriteString(e.Doc)
			b.WriteString("\n")
		}
		d[cat] = strings.TrimRight(b.String(), "\n")
	}
	for _, name := range builtinsDetailNames {
		if e, ok := Lookup(name); ok {
			d[name] = Describe(e)
		}
	}
	return d
}

// isBuiltinsName reports whether an entry is documented by the builtins
// namespace: core names (unqualified) and the blocking/plet macro.
func isBuiltinsName(e Entry) bool {
	return e.Namespace == "" || e.Kind == Macro
}

// Usage renders the call shapes of an entry: "(map f coll & colls)"; several
// shapes are separated by " | ". A constant renders as its name.
func Usage(e Entry) string {
	if len(e.Signatures) == 0 {
		return e.Name
	}
	parts := make([]string, len(e.Signatures))
	for i, s := range e.Signatures {
		params := strings.Join(SignatureParams(s), " ")
		if params == "" {
			parts[i] = "(" + e.Name + ")"
		} else {
			parts[i] = "(" + e.Name + " " + params + ")"
		}
	}
	return strings.Join(parts, " | ")
}

// Describe renders the full documentation text of an entry: usage, summary,
// details and divergence, as shown by hover and spell doc.
func Describe(e Entry) string {
	var b strings.Builder
	b.WriteString(Usage(e))
	b.WriteString("\n\n")
	b.WriteString(e.Doc)
	if e.Detail != "" {
		b.WriteString("\n\n")
		b.WriteString(e.Detail)
	}
	if e.Divergence != "" {
		b.WriteString("\n\nDiffers from the reference implementation: ")
		b.WriteString(e.Divergence)
		b.WriteString(".")
	}
	return b.String()
}

// StringsShortDoc is the :short-docs line of the strings namespace.
const StringsShortDoc = "Text helpers: search, test, trim, replace, split, join and case conversion."

// StringsGuide is the :docs :guide text of the strings namespace.
const StringsGuide = `STRINGS — 14 text functions, called as strings/NAME.

  search      index-of last-index-of (code-point index or nil)
  test        starts-with? ends-with? includes? blank?
  transform   trim replace lower-case upper-case capitalize
  split/join  split split-lines join

Arguments are turned into text with str first (nil becomes ""), except for blank?, which treats nil as blank.
Indices count Unicode code points. replace is literal text; split takes a regular expression (RE2) as a string.
Case conversion uses full Unicode rules: (strings/upper-case "straße") ⇒ "STRASSE".

Not in this namespace but core builtins: subs re-find re-matches re-seq format str.
(strings/subs "abc" 1) fails with Namespace lookup failed; write (subs "abc" 1).

Details: (!describe strings :split) and (!describe strings :replace).`

// StringsDetail returns the :detail map of the strings namespace (a new
// map each call: nothing is built at start).
func StringsDetail() map[string]string {
	return map[string]string{
		"split": `Split string s at every match of a regular expression and return the pieces as a vector.

(strings/split s pattern)
  s        the text to split (str-coerced)
  pattern  a regular expression written as a string, RE2 syntax; "." and "|" are regex operators, escape them as "\\." and "\\|"

Trailing empty pieces are removed, a zero-width match at the very start produces no leading empty piece, and a pattern
that never matches returns [s].

(strings/split "a,b,c" ",") ⇒ ["a" "b" "c"]
(strings/split "a,,b,," ",") ⇒ ["a" "" "b"]
(strings/split "one  two" "\\s+") ⇒ ["one" "two"]
(strings/split "a.b" ".") ⇒ []`,
		"replace": `Replace every occurrence of a literal piece of text and return the new string.

(strings/replace s match replacement)
  s            the text to change (str-coerced)
  match        the text to look for, taken literally: no regular expression
  replacement  the text to insert, taken literally

(strings/replace "hello world" "o" "0") ⇒ "hell0 w0rld"
(strings/replace "a.b.c" "." "") ⇒ "abc"`,
	}
}

// MathShortDoc is the :short-docs line of the math namespace.
const MathShortDoc = "Floating-point functions, rounding, number theory and numeric constants."

// MathGuide is the :docs :guide text of the math namespace.
const MathGuide = `MATH — numeric functions and constants, called as math/NAME.

  powers and roots  sqrt cbrt pow exp expm1 hypot
  logarithms        log (natural) log10 log2 log1p
  trigonometry      sin cos tan asin acos atan atan2 (y x), radians in and out
  hyperbolic        sinh cosh tanh
  angles            degrees radians
  sign and size     abs sign
  rounding          floor ceil round trunc          (return longs)
  number theory     factorial (bigint) gcd lcm      (gcd/lcm return longs)
  random            rand                            (seeded per run)
  tests             NaN? infinite?
  constants         PI E INF NEG-INF NaN            (values, not functions: math/PI)

Most functions return doubles, and a double is never = to a long: (= (math/sqrt 4) 2) is false.
Round or convert before comparing: (= (math/round (math/sqrt 4)) 2) is true.
math/abs always returns a double; the core abs keeps the argument's type.
Arithmetic, comparison and numeric predicates are core builtins: (!describe builtins :math).`

// namespaceInfos lists every namespace known to Spell-Go.
var namespaceInfos = []NamespaceInfo{
	{Name: "strings", ShortDoc: StringsShortDoc, Guide: StringsGuide},
	{Name: "math", ShortDoc: MathShortDoc, Guide: MathGuide},
	{Name: "builtins", ShortDoc: BuiltinsShortDoc, Guide: BuiltinsGuide},
	{Name: "skills", ShortDoc: "Skill files discovered for this agent; documentation only.",
		Guide: "SKILLS — generated from the discovered SKILL.md files: one line per skill, `- name — description — path`. " +
			"Show one skill in full with (!describe skills :name). Loading a skill adds text only; scripts it mentions still need io."},
	{Name: "io", Effect: true, ShortDoc: "Workspace files and processes: read, write and exec subsets granted by the profile.",
		Guide: "IO — files and processes inside the workspace root, available only in the quoted trailing expression.\n\n" +
			"  read   slurp slurp-bytes read-file read-lines grep glob git exists? directory? ls cwd stat env\n" +
			"  write  write-file spit str-replace replace-lines mkdir mkdirs delete copy move temp-file\n" +
			"  exec   sh sh-test exec watch-send\n\n" +
			"The profile grants subsets; a function of a missing subset is absent. Most calls return an envelope " +
			"{:ok :out :err :truncated} (plus :exit for processes); failures are envelopes with :ok false, misuse is an error. " +
			"Paths escaping the workspace are refused. Typical use: '(!call-now files (io/ls \".\"))."},
	{Name: "web", Effect: true, ShortDoc: "Web search and page fetching.",
		Guide: "WEB — search fetch config. (web/search query [{:max-results n :backend :serper|:duckduckgo}]) returns {:title :url :snippet} " +
			"results in :out; (web/fetch url [{:max-chars n :backend :raw|:jina}]) returns the page as markdown text in :out with :status " +
			"(only 2xx succeeds; :jina sends the URL to a third-party reader). Loopback and private network addresses are refused unless the " +
			"run allows them. Use them in the trailing expression: '(!call-now hits (web/search \"spell lisp\"))."},
	{Name: "agents", Effect: true, ShortDoc: "Concurrent child agents, requests, replies and waiting.",
		Guide: "AGENTS — an agent is a handle (:main, :spawn-1, …). spawn starts a child; ask sends a request and returns an edge id; " +
			"spawn-ask starts children whose return values answer one edge; reply answers a request; send delivers a plain message. " +
			"!wait (alias !sleep) ends the turn until a message arrives; !ask and !spawn-ask request and then wait. Messages appear in the " +
			"program as (def msg-N …). An agent may not sleep while it holds a request newer than its newest outgoing one: answer first. " +
			"Put waits at the end of a turn, never inside !call-now."},
	{Name: "globals", Effect: true, ShortDoc: "Key-value state shared by all agents of the run.",
		Guide: "GLOBALS — get set update pop keys all wait-until. Values are immutable; update and pop are atomic (the update function may " +
			"run more than once, so it must be pure). Store futures that must outlive a turn here: '(globals/set :job (future (work)))."},
	{Name: "blocking", Effect: true, ShortDoc: "Awaiting futures and requests; only inside futures started under eval.",
		Guide: "BLOCKING — await await-all pmap plet request send-await. They exist only inside (future …) bodies started while eval runs, " +
			"because they block the calling goroutine. On an agent's own turn use !ask-await instead."},
	{Name: "mcp", Effect: true, ShortDoc: "Model Context Protocol servers: catalogues, resources and prompts.",
		Guide: "MCP — servers resources resource-templates read-resource prompts get-prompt complete info refresh listen-send. " +
			"Tools of a granted server appear under its alias namespace, each taking one map of string keys."},
	{Name: "workers", Effect: true, ShortDoc: "Compiled worker agents from the profile; start them with agents/spawn.",
		Guide: "WORKERS — one entry per :available-agents profile entry, documented by its description. Start a worker with " +
			"(agents/spawn workers/NAME prompt) or agents/spawn-ask; calling one directly is an error."},
}

// plannedInfos are the namespaces the spec defines that this version does
// not build (see PlannedNamespaces).
var plannedInfos = []NamespaceInfo{
	{Name: "feedback", Effect: true, Unavailable: "effects.md §7", ShortDoc: "Feedback records about Spell itself (dogfooding).",
		Guide: "FEEDBACK — (feedback/log category message [metadata]) with category :bug :friction :idea or :docs appends one record to the feedback file."},
	{Name: "patterns", Effect: true, Unavailable: "effects.md §8", ShortDoc: "Installable run-local modules of shared Spell functions.",
		Guide: "PATTERNS — install catalog source update call. A module is a map of documented single-arity fn sources; call runs one in the " +
			"caller's scope after checking that its required namespaces resolve. Modules never grant capabilities."},
}
