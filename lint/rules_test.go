package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// findings lints src and returns "line:col message" for the given rule.
func findings(t *testing.T, src, rule string, cfg Config) []string {
	t.Helper()
	f := syntax.Parse("t.spl", []byte(src))
	a := Analyze(f, Options{})
	var out []string
	for _, d := range Lint(f, a, cfg) {
		if d.Rule == rule {
			out = append(out, fmt.Sprintf("%s %s", f.Position(d.Start), d.Message))
		}
	}
	return out
}

type ruleCase struct {
	rule string
	src  string
	want []string // nil: no finding of the rule
}

var w = func(src string) string { return "(quine completion (eval (do " + src + ")))" }

var ruleCases = []ruleCase{
	// syntax
	{"syntax", "(+ 1 2", []string{"1:7 unclosed ( opened at 1:1"}},
	{"syntax", "(+ 1 2)", nil},
	// unresolved-symbol
	{"unresolved-symbol", "(inc x)", []string{"1:6 Unresolved symbol: x"}},
	{"unresolved-symbol", "(do (def x 1) (inc x))", nil},
	{"unresolved-symbol", "(do (inc x) (def x 1))", nil}, // any definition in the file
	{"unresolved-symbol", "(let [x 1] (inc x))", nil},
	{"unresolved-symbol", "(do (let [x 1] x) x)", []string{"1:19 Unresolved symbol: x"}},
	{"unresolved-symbol", "(cout 1)", []string{"1:2 Unresolved symbol: cout (did you mean count?)"}},
	{"unresolved-symbol", "(trim \" a \")", []string{"1:2 Unresolved symbol: trim (did you mean strings/trim?)"}},
	{"unresolved-symbol", "(do (defn f [x] (+ x y)) (def y 5) (f 3))", nil},
	// dynamic scope: a free symbol in a fn body is fine when any binding of the name exists
	{"unresolved-symbol", "(do (defn g [] v) (let [v 3] (g)))", nil},
	{"unresolved-symbol", "(let [f (fn [] v)] (let [v 3] (f)))", nil},
	{"unresolved-symbol", "(do (defn g [] vv) (g))", []string{"1:16 Unresolved symbol: vv"}},
	{"unresolved-symbol", "(do 'undefined (quote (also undefined)))", nil},
	{"unresolved-symbol", "(think undefined-label (+ 1 2))", nil},
	{"unresolved-symbol", "(quine q (undefined-a) (+ 3 4))", nil},
	{"unresolved-symbol", "(map #(+ % %2) [1] [2])", nil},
	{"unresolved-symbol", "(let [{:keys [a b] :or {b 42}} {:a 1}] [a b])", nil},
	{"unresolved-symbol", "(let [[a & more :as all] [1 2]] [a more all])", nil},
	{"unresolved-symbol", "(try (throw 1) (catch e e))", nil},
	{"unresolved-symbol", "(for [x [1 2] :let [y (inc x)] :when (odd? y)] [x y])", nil},
	{"unresolved-symbol", "(if-let [x 1] x x)", []string{"1:17 Unresolved symbol: x"}},
	{"unresolved-symbol", w("(quine prompt \"t\") '(!llm-self (wrap-cat prompt))"), nil},
	{"unresolved-symbol", w("'(!call-now files (io/ls \".\"))"), nil},
	{"unresolved-symbol", "(as-> 1 v (inc v) (* v 2))", nil},
	{"unresolved-symbol", "(do (defmacro unless [t b] (list 'if t nil b)) (unless zz 1))", nil},
	// unknown-namespace
	{"unknown-namespace", "(string/join [1])", []string{"1:2 Unknown namespace: string"}},
	{"unknown-namespace", "(do (def cfg {:a {:b 1}}) cfg/a/b)", nil},
	{"unknown-namespace", "(strings/join [1])", nil},
	// unresolved-member
	{"unresolved-member", "(strings/subs \"abc\" 1)", []string{"1:2 Namespace lookup failed: strings/subs (did you mean strings/split?)"}},
	{"unresolved-member", "strings/short-docs", nil},
	{"unresolved-member", w("'(io/read-fil \"a\")"), []string{"1:31 Namespace lookup failed: io/read-fil (did you mean io/read-file?)"}},
	// invalid-arity
	{"invalid-arity", "(inc)", []string{"1:1 inc is called with 0 args but expects 1"}},
	{"invalid-arity", "(inc 1)", nil},
	{"invalid-arity", "(if)", []string{"1:1 if is called with 0 args but expects 2 or 3"}},
	{"invalid-arity", "(do (defn f [a b] a) (f 1))", []string{"1:22 f is called with 1 arg but expects 2"}},
	{"invalid-arity", "(do (defn f [a & r] a) (f) (f 1 2 3))", []string{"1:24 f is called with 0 args but expects at least 1"}},
	{"invalid-arity", "((fn [x] x) 1 2)", []string{"1:2 fn is called with 2 args but expects 1"}},
	{"invalid-arity", "(-> 1 (inc 2))", []string{"1:7 inc is called with 2 args but expects 1"}},
	{"invalid-arity", "(-> 1 inc (+ 2))", nil},
	{"invalid-arity", "(do (def inc (fn [a b] a)) (inc 1 2))", nil}, // shadowed builtin
	{"invalid-arity", "(let [f (fn [x] x)] (f))", []string{"1:21 f is called with 0 args but expects 1"}},
	{"invalid-arity", "(#(+ % %2) 1)", []string{"1:2 fn is called with 1 arg but expects 2"}},
	// unused-binding
	{"unused-binding", "(let [x 1] 2)", []string{"1:7 unused binding x"}},
	{"unused-binding", "(let [_x 1] 2)", nil},
	{"unused-binding", "(fn [a b] a)", []string{"1:8 unused binding b"}},
	{"unused-binding", "(let [{:keys [a b]} {}] a)", []string{"1:17 unused binding b"}},
	{"unused-binding", "(do (defn g [] y) (let [y 2] (g)))", nil}, // used through dynamic scope
	{"unused-binding", "(loop [i 0] (if (< i 3) (recur (inc i)) i))", nil},
	// unexpected-recur
	{"unexpected-recur", "(recur 1)", []string{"1:1 recur is not in tail position of fn or loop"}},
	{"unexpected-recur", "(fn [x] (inc (recur x)))", []string{"1:14 recur is not in tail position of fn or loop"}},
	{"unexpected-recur", "(fn [x] (if x (recur false 2) :done))", []string{"1:15 recur is called with 2 args but the fn expects 1"}},
	{"unexpected-recur", "(fn [x] (when x (let [y 1] (recur y))))", nil},
	{"unexpected-recur", "(loop [i 0] (cond (< i 3) (recur (inc i)) :else i))", nil},
	{"unexpected-recur", "(loop [i 0] (try (recur 1)))", []string{"1:18 recur is not in tail position of fn or loop"}},
	{"unexpected-recur", "(fn [& xs] (recur '(1)))", nil},
	// inline-def
	{"inline-def", "(defn f [] (def x 1))", []string{"1:12 def inside fn does not escape it"}},
	{"inline-def", "(let [a 1] (defn g [] a))", []string{"1:12 defn inside let does not escape it"}},
	{"inline-def", "(do (def x 1) (if true (def y 2)))", nil},
	// duplicate-key
	{"duplicate-key", "{:a 1 :a 2}", []string{"1:7 Duplicate key: :a"}},
	{"duplicate-key", "#{1 2 1}", []string{"1:7 Duplicate key: 1"}},
	{"duplicate-key", "(case 1 :a 1 :b 2 :a 3)", []string{"1:19 Duplicate key: :a"}},
	{"duplicate-key", "(case 1 :a 1 :b 2 :a)", nil},
	// effect-outside-eval
	{"effect-outside-eval", w("(def t (io/read-file \"a\")) '(!extend)"), []string{"1:37 io/read-file is an effect: call it in the quoted trailing expression"}},
	{"effect-outside-eval", w("'(io/read-file \"a\")"), nil},
	{"effect-outside-eval", w("(!extend)"), []string{"1:30 !extend is an effect: call it in the quoted trailing expression"}},
	{"effect-outside-eval", w("(defn rd [] (io/slurp \"a\")) (rd) '(!extend)"), []string{"1:42 io/slurp is an effect: call it in the quoted trailing expression"}},
	{"effect-outside-eval", w("(defn rd [] (io/slurp \"a\")) '(rd)"), nil},
	{"effect-outside-eval", w("(def r (eval '(leaf-llm \"hi\"))) '(!extend)"), []string{"1:44 leaf-llm is an effect: call it in the quoted trailing expression"}},
	// trailing-forms-ignored
	{"trailing-forms-ignored", "(def x 1) (inc x) 3", []string{"1:11 only the first form is evaluated; 2 later forms are ignored"}},
	{"trailing-forms-ignored", "(+ 1 2)", nil},
	// missing-trailing-expression
	{"missing-trailing-expression", w("(def x 1)"), []string{"1:29 the wrapper has no trailing expression; the program returns the value of (def …)"}},
	{"missing-trailing-expression", "(quine completion (eval (do)))", []string{"1:25 the wrapper has no trailing expression; the program returns nil"}},
	{"missing-trailing-expression", w("(def x 1) 'x"), nil},
	// wrapper-closed-early
	{"wrapper-closed-early", "(quine completion (eval (do '(!extend)) (+ 1 2)))", []string{"1:41 the do block is closed early: 1 form becomes an extra argument of eval"}},
	{"wrapper-closed-early", w("'(!extend)"), nil},
	// prune-count
	{"prune-count", "(do (def a 1) (prune 3))", []string{"1:15 prune 3 removes only the 1 preceding form"}},
	// markers act on already processed siblings (language.md §8.1)
	{"prune-count", "(do a b c (prune 2) (rethink 2 \"r\" d) e)", []string{"1:21 rethink 2 removes only the 1 preceding form"}},
	{"prune-count", "(do a b c (prune 2) (rethink \"r\" d) e)", nil},
	{"prune-count", "(do a (prune 1) (rethink 2 \"r\"))", []string{"1:17 rethink 2 removes only the 0 preceding forms"}},
	{"prune-count", "(do '(a (prune 5)))", nil},
	// exactly as many preceding forms as k, and one fewer
	{"prune-count", "(do a b (prune 2))", nil},
	{"prune-count", "(do a b (prune 3))", []string{"1:9 prune 3 removes only the 2 preceding forms"}},
	{"prune-count", "(do a b (rethink 2 \"r\"))", nil},
	{"prune-count", "(do a b (rethink 3 \"r\"))", []string{"1:9 rethink 3 removes only the 2 preceding forms"}},
	{"prune-count", "(do a b c (prune 2) (prune 1))", nil},
	{"prune-count", "(do a b c (prune 2) (prune 2))", []string{"1:21 prune 2 removes only the 1 preceding form"}},
	{"prune-count", "(do a b (prune) (prune 1))", nil},
	{"prune-count", "(do a b (prune) (prune 2))", []string{"1:17 prune 2 removes only the 1 preceding form"}},
	{"prune-count", "(do a b (rethink \"r\") (prune 2))", nil},
	{"prune-count", "(do a b (rethink \"r\") (prune 3))", []string{"1:23 prune 3 removes only the 2 preceding forms"}},
	{"prune-count", "(do a (rethink 1 \"r\") (prune 1))", nil},
	{"prune-count", "(do a (rethink 1 \"r\") (prune 2))", []string{"1:23 prune 2 removes only the 1 preceding form"}},
	// persist-unbound
	{"persist-unbound", "(do (persist x))", []string{"1:14 persist of unbound name x"}},
	{"persist-unbound", "(do (def x 1) (persist x))", nil},
	{"persist-unbound", "(do (persist y 2) (persist y))", nil},
	// marker-shape
	{"marker-shape", "(do (think))", []string{"1:5 think expects a label"}},
	{"marker-shape", "(do (rethink 2))", []string{"1:5 think expects a label"}},
	{"marker-shape", "(do (prune \"x\"))", []string{"1:5 prune: expected 0 args (prune 1) or 1 numeric arg (prune k)"}},
	{"marker-shape", "(do (prune 1 2))", []string{"1:5 prune: expected 0 args (prune 1) or 1 numeric arg (prune k)"}},
	{"marker-shape", w("'(!call-now a 1 b)"), []string{"1:30 !call-now: expected 2 args per name/expression pair, with optional leading {:max-chars N}"}},
	{"marker-shape", w("'(!call-now {:max-chars 200} a 1)"), nil},
	{"marker-shape", "(do (think \"a\") (prune) (rethink \"b\" 1))", nil},
	// P1
	{"bare-prompt-to-llm-self", w("(quine prompt \"t\") '(!llm-self prompt)"), []string{"1:60 pass a quine task on with (wrap-cat prompt)"}},
	{"bare-prompt-to-llm-self", w("(quine prompt \"t\") '(!llm-self (wrap-cat prompt))"), nil},
	{"print-starts-turn", w("'(print 1)"), []string{"1:31 print is an alias of !print and starts a new turn"}},
	{"wait-not-last", w("'(str (agents/!wait))"), []string{"1:35 a wait returns the resumed computation; make it the last expression"}},
	{"wait-not-last", w("'(agents/!wait)"), nil},
	{"max-key-spell-fn", "(max-key (fn [x] x) 1 2)", []string{"1:10 max-key needs a host-callable key function; Spell functions fail here"}},
	{"max-key-spell-fn", "(do (defn k [x] x) (min-key k 1 2))", []string{"1:29 min-key needs a host-callable key function; Spell functions fail here"}},
	{"max-key-spell-fn", "(max-key count \"a\" \"ab\")", nil},
	{"loop-without-recur", "(loop [i 0] i)", []string{"1:1 loop without recur"}},
	{"loop-without-recur", "(loop [i 0] (if (< i 1) (recur (inc i)) i))", nil},
	{"redundant-do", "(fn [] (do 1 2))", []string{"1:8 redundant do"}},
	{"redundant-do", "(fn [] (do 1 2) 3)", nil},
	{"redundant-let", "(let [a 1] (let [b 2] (+ a b)))", []string{"1:12 redundant nested let"}},
	{"missing-body-in-when", "(when true)", []string{"1:1 when without a body"}},
	{"redefined-var", "(do (def x 1) (def x 2))", []string{"1:20 x is redefined"}},
	{"redefined-var", "(do (def _x 1) (def _x 2) (def msg-1 1) (def msg-1 2))", nil},
	{"unused-value", "(do (+ 1 2) 3)", []string{"1:5 unused value of (+ 1 2)"}},
	{"unused-value", "(do (+ (def x 1) x) 'a \"lit\" (think \"x\") 3)", nil},
	{"format", "(format \"%s and %s\" 1)", []string{"1:1 format expects 2 arguments, got 1"}},
	{"format", "(format \"%d%% of %s\" 1 2)", nil},
	{"missing-else-branch", "(if true 1)", nil}, // off by default
}

func TestRules(t *testing.T) {
	for i, c := range ruleCases {
		t.Run(fmt.Sprintf("%s/%d", c.rule, i), func(t *testing.T) {
			got := findings(t, c.src, c.rule, Config{})
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s\n got: %q\nwant: %q", c.src, got, c.want)
			}
		})
	}
}

func TestEveryImplementedRuleHasACase(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ruleCases {
		if c.want != nil {
			seen[c.rule] = true
		}
	}
	for _, r := range Rules {
		if r.Implemented && r.DefaultLevel != LevelOff && !seen[r.ID] {
			t.Errorf("rule %s has no positive test case", r.ID)
		}
	}
}
