package lint

import (
	"fmt"
	"strings"
)

// Level is the severity of a finding.
type Level uint8

const (
	LevelOff Level = iota
	LevelInfo
	LevelWarning
	LevelError
)

func (l Level) String() string {
	switch l {
	case LevelInfo:
		return "info"
	case LevelWarning:
		return "warning"
	case LevelError:
		return "error"
	}
	return "off"
}

// ParseLevel reads "off", "info", "warning" or "error" (a leading ':' is
// accepted, as written in lint.edn).
func ParseLevel(s string) (Level, error) {
	switch strings.TrimPrefix(s, ":") {
	case "off":
		return LevelOff, nil
	case "info":
		return LevelInfo, nil
	case "warning":
		return LevelWarning, nil
	case "error":
		return LevelError, nil
	}
	return LevelOff, fmt.Errorf("unknown level %q (want off, info, warning or error)", s)
}

// Rule describes one linter rule (tooling.md §4.1). Ids are stable.
type Rule struct {
	ID           string
	DefaultLevel Level
	// Priority is "P0", "P1" or "P2".
	Priority    string
	Description string
	// Example is a program that triggers the rule.
	Example string
	// Implemented is false for rules of the table that this version does
	// not check yet (P2).
	Implemented bool
}

// Rules is the rule table, in the order of tooling.md §4.1.
var Rules = []Rule{
	{"syntax", LevelError, "P0", "Any strict-mode reader error.", "(+ 1 2", true},
	{"unresolved-symbol", LevelError, "P0", "A symbol that is not bound anywhere in the file (with dynamic scope, a free symbol inside a function body is reported only when no binding of that name exists in the file), and is not a builtin, special form, macro or namespace.", "(inc x)", true},
	{"unknown-namespace", LevelError, "P0", "a/b where a is neither a core namespace, an effect namespace of the agent profile, nor a name bound in the file.", "(string/join [1 2])", true},
	{"unresolved-member", LevelError, "P0", "ns/x where the known namespace ns has no member x.", "(strings/subs \"abc\" 1)", true},
	{"invalid-arity", LevelError, "P0", "Call of a builtin, special form, built-in macro or a defn/fn of the file with a wrong argument count (variadics per D2).", "(inc)", true},
	{"unused-binding", LevelWarning, "P0", "A let/loop/for/if-let/when-let binding or fn parameter that is never used; names starting with _ are exempt.", "(let [x 1] 2)", true},
	{"unexpected-recur", LevelError, "P0", "recur outside the tail position of a fn or loop (D6), or with a wrong argument count for a fn.", "(fn [x] (inc (recur x)))", true},
	{"inline-def", LevelWarning, "P0", "def/defn inside a fn body, let or for: the definition does not escape.", "(defn f [] (def x 1))", true},
	{"duplicate-key", LevelError, "P0", "Duplicate literal map keys, set members or case test values.", "{:a 1 :a 2}", true},
	{"effect-outside-eval", LevelError, "P0", "An effect builtin, effect-namespace function or turn helper called where the program is evaluated purely (the wrapper's do outside the quoted trailing expression, def inits, function bodies called from there).", "(quine completion (eval (do (def t (io/read-file \"a\")) '(!extend))))", true},
	{"trailing-forms-ignored", LevelWarning, "P0", "A program file with more than one top-level form: only the first is evaluated.", "(def x 1) (inc x)", true},
	{"missing-trailing-expression", LevelWarning, "P0", "A wrapper whose do is empty or ends with def, defn, persist, think, rethink, prune or defmacro.", "(quine completion (eval (do (def x 1))))", true},
	{"wrapper-closed-early", LevelError, "P0", "(eval (do …) more…) inside a wrapper: the do was closed early and the rest became arguments of eval.", "(quine completion (eval (do '(!extend)) (+ 1 2)))", true},
	{"prune-count", LevelWarning, "P0", "(prune k) or (rethink k …) with k larger than the number of preceding siblings.", "(do (def a 1) (prune 3))", true},
	{"persist-unbound", LevelError, "P0", "(persist x) with no earlier definition of x in the program.", "(do (persist x))", true},
	{"marker-shape", LevelError, "P0", "Malformed edit markers: (think), (rethink) without a label, (prune \"x\"), (prune 1 2), odd !call-now pairs.", "(do (think))", true},
	{"bare-prompt-to-llm-self", LevelWarning, "P1", "(!llm-self prompt) where prompt is a quine name: pass the task on with (wrap-cat prompt).", "(quine completion (eval (do (quine prompt \"t\") '(!llm-self prompt))))", true},
	{"print-starts-turn", LevelInfo, "P1", "print in a trailing expression: it is an alias of !print and starts a new turn.", "(quine completion (eval (do '(print 1))))", true},
	{"wait-not-last", LevelWarning, "P1", "!wait, !ask, !spawn-ask or !ask-await used as an argument: a wait's value is the resumed computation.", "(quine completion (eval (do '(str (agents/!wait)))))", true},
	{"max-key-spell-fn", LevelError, "P1", "max-key/min-key with a fn literal or a defn name: the key function must be host-callable.", "(max-key (fn [x] x) 1 2)", true},
	{"loop-without-recur", LevelWarning, "P1", "A loop without recur.", "(loop [i 0] i)", true},
	{"redundant-do", LevelWarning, "P1", "do as the only body form of fn, let or when.", "(fn [] (do 1 2))", true},
	{"redundant-let", LevelWarning, "P1", "let directly nested as the body of a let.", "(let [a 1] (let [b 2] (+ a b)))", true},
	{"missing-body-in-when", LevelWarning, "P1", "(when c) without a body.", "(when true)", true},
	{"redefined-var", LevelWarning, "P1", "The same name defined twice in one do (names starting with _ and msg- are exempt).", "(do (def x 1) (def x 2))", true},
	{"unused-value", LevelWarning, "P1", "A pure call whose value is discarded in a non-final do position (quoted forms, literals, think and definitions are exempt).", "(do (+ 1 2) 3)", true},
	{"format", LevelError, "P1", "format string and argument count mismatch.", "(format \"%s and %s\" 1)", true},
	{"discouraged-var", LevelOff, "P1", "Names listed in the configuration (:discouraged-var {:names {io/sh \"use io/exec\"}}).", "(io/sh \"ls\")", true},
	{"missing-else-branch", LevelOff, "P1", "(if c x) without an else branch.", "(if true 1)", true},
	{"reference-divergence", LevelOff, "P2", "Code whose value differs from the reference implementation (D1–D13).", "((fn [& xs] xs) 1)", false},
	{"shadowed-var", LevelOff, "P2", "A local shadows a definition.", "(do (def x 1) (let [x 2] x))", false},
	{"type-mismatch", LevelError, "P2", "Argument types contradict builtin signatures.", "(inc :a)", false},
}

// RuleByID returns the rule with the given id. (A scan of the few rules,
// not an index built at start: issue 11, start-up.)
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
