package catalog

func sf(name, sigs, doc, detail string) Entry {
	return mk(SpecialForm, "special-forms", name, sigs, doc, detail)
}

func mac(category, name, sigs, doc, detail string) Entry {
	return mk(Macro, category, name, sigs, doc, detail)
}

// specialForms are the forms of language.md §5.2, plus the clauses catch
// (only as the last form of try) and reopen-eval (only inside reopen).
func specialForms(all []Entry) []Entry {
	return append(all,
		sf("quote", "[] | [form & ignored]",
			"Returns its argument as data, without evaluating it.",
			"`'x` is read as `(quote x)`. Arguments after the first are ignored and `(quote)` gives nil. "+
				"Edit markers inside quoted data are never applied.\n"+
				"(quote (+ 1 2)) ⇒ (+ 1 2)\n(quote) ⇒ nil"),
		sf("def", "[sym expr]",
			"Evaluates expr, binds sym to the value in the environment and returns the value.",
			"Legal anywhere; the binding flows to the forms evaluated after it, and whether it is still "+
				"visible after the enclosing form depends on that form (it escapes do, if, vectors and call "+
				"arguments, but not let, fn bodies, for or eval). A def without a value is an error.\n"+
				"(def x 5) ⇒ 5\n(do (def x 2) (* x 21)) ⇒ 42\n(def x) ⇒ error: def expects a symbol and a value"),
		sf("persist", "[sym] | [sym expr]",
			"Behaves exactly like def at run time; at edit time its expression is replaced by the literal current value.",
			"`(persist x)` re-binds the current value of x (an error when x is unbound). When the program is "+
				"re-opened (edit-reopen, !extend, !call-now, …) and the environment contains x, the form becomes "+
				"`(persist x <value source>)`, so the value survives even if the forms that computed it are pruned. "+
				"Regexes and host functions have no source and make the re-open fail.\n"+
				"(persist n (* 6 7)) ⇒ 42\nedit of (do (persist v)) with v = (1 2) ⇒ (do (persist v (quote (1 2))))"),
		sf("do", "[& forms]",
			"Evaluates the forms in order and returns the value of the last one.",
			"Definitions made by earlier forms are visible to later ones and escape the do. `(do)` is nil. "+
				"On failure the error keeps the definitions made before the failing form.\n"+
				"(do (def a 1) (+ a 1)) ⇒ 2\n(do) ⇒ nil"),
		sf("if", "[test then] | [test then else]",
			"Evaluates then when test is truthy, else the optional else branch.",
			"Only nil and false are falsey. A missing else branch gives nil. Definitions made by the test "+
				"are visible in the chosen branch and escape.\n"+
				"(if 0 :yes :no) ⇒ :yes\n(if nil 1) ⇒ nil\n(if (def x 1) x 2) ⇒ 1"),
		sf("let", "[bindings & body]",
			"Binds patterns to values sequentially and evaluates the body with them.",
			"bindings is a vector of pattern/expression pairs; patterns may destructure. Each init sees the "+
				"earlier patterns but not defs made by earlier inits, and nothing defined inside the let escapes. "+
				"A trailing unpaired symbol is ignored.\n"+
				"(let [a 1 b (+ a 1)] [a b]) ⇒ [1 2]\n(let [{:keys [a b] :or {b 42}} {:a 1}] [a b]) ⇒ [1 42]\n"+
				"(let x 1) ⇒ error: let requires a vector for its bindings").div("D7"),
		sf("fn", "[params & body]",
			"Creates a Spell function: the plain map {:spell/fn true :params … :body …}.",
			"Nothing is captured: free symbols resolve in the caller's environment at call time (dynamic scope). "+
				"There is no name, docstring or multi-arity form. A top-level & collects the remaining "+
				"arguments as a list, nil when there are none. The form is not checked until the function is called.\n"+
				"((fn [x] (* x x)) 7) ⇒ 49\n((fn [& xs] xs) 1 2 3) ⇒ (1 2 3)\n((fn [& xs] xs)) ⇒ nil").div("D2"),
		sf("fn*", "[params & body]",
			"Same as fn; the form produced by the #(…) reader shorthand.",
			"Returns a Spell-function map exactly like fn, with the same arity rules for &.\n"+
				"(#(+ % 1) 41) ⇒ 42").div("D2"),
		sf("quine", "[name body] | [name inert & more]",
			"Binds name to the whole quine form as data and evaluates only the last argument.",
			"Arguments between the name and the last one are inert: never evaluated, kept for recovery context. "+
				"The name and definitions made by the body stay bound afterwards. A canonical wrapper has the shape "+
				"`(quine name inert… (eval (do body…)))`.\n"+
				"(quine q q) ⇒ (quine q q)\n(quine q (undefined-a) (+ 3 4)) ⇒ 7\n"+
				"(quine c (do 'hello (pr-str c))) ⇒ \"(quine c (do (quote hello) (pr-str c)))\""),
		sf("reopen", "[q & extras]",
			"Returns a new quine form whose (eval (do …)) body has the extras appended as source.",
			"q is evaluated and must be a canonical quine form. Extras are spliced unevaluated, except "+
				"`(reopen-eval e)`, whose value is spliced. Shape errors are catchable.\n"+
				"(reopen '(quine c (eval (do (def a 1)))) (def b 2)) ⇒ (quine c (eval (do (def a 1) (def b 2))))\n"+
				"(reopen '(f x)) ⇒ error: reopen expects a quine form").div("D7"),
		sf("reopen-eval", "[expr]",
			"Inside reopen, marks an extra whose value, not its source, is spliced.",
			"Only meaningful as an extra argument of reopen; the expression is evaluated (threading the "+
				"environment) and the resulting value is appended as a form.\n"+
				"(reopen '(quine c (eval (do))) (reopen-eval (list 'def 'x 1))) ⇒ (quine c (eval (do (def x 1))))"),
		sf("loop", "[bindings & body]",
			"Binds patterns like let and re-runs the body whenever it ends in recur.",
			"Each init sees the earlier loop bindings, and defs in inits escape. A recur in tail position "+
				"rebinds the patterns by position (the count is not checked) and repeats the body without "+
				"stack growth; otherwise the body's value is returned.\n"+
				"(loop [i 0 acc []] (if (< i 3) (recur (inc i) (conj acc i)) acc)) ⇒ [0 1 2]\n"+
				"(loop [a 1 b (+ a 1)] b) ⇒ 2").div("D2 D3"),
		sf("recur", "[& exprs]",
			"Jumps back to the nearest enclosing fn or loop with new values.",
			"Only legal in tail position of a fn or loop body (through do, if, let, loop bodies, quine and "+
				"macros expanding to them); not inside call arguments, inits, try, think bodies or eval'd data. "+
				"For a Spell function the values are arity-checked against its parameters.\n"+
				"((fn [n acc] (if (= n 0) acc (recur (dec n) (* acc n)))) 5 1) ⇒ 120\n"+
				"(recur 1 2) ⇒ error: recur: can only recur from tail position of fn or loop").div("D6"),
		sf("for", "[bindings & body]",
			"List comprehension that returns a vector.",
			"Bindings are pattern/collection pairs (nested left to right) plus `:when pred` and `:let [p e …]` "+
				"modifiers; there is no :while. Only the first body form is used.\n"+
				"(for [x [1 2 3] :when (odd? x)] (* x 10)) ⇒ [10 30]\n"+
				"(for [x [1 2] y [:a :b]] [x y]) ⇒ [[1 :a] [1 :b] [2 :a] [2 :b]]\n"+
				"(for [x [1 2]] :ignored x) ⇒ [:ignored :ignored]"),
		sf("try", "[& body]",
			"Evaluates the body and, on a catchable error, runs the trailing (catch sym handler…) clause.",
			"The catch clause is recognised only as the last form; there is no exception class and no finally. "+
				"sym is bound to the thrown value itself when the error came from throw directly, otherwise to "+
				"{:message … :expr …}. Every failure except resource limits and cancellation is catchable, and a "+
				"failing callee's locals never leak into the handler.\n"+
				"(try (throw \"boom\") (catch e e)) ⇒ \"boom\"\n"+
				"(try (/ 1 0) (catch e (:message e))) ⇒ \"Function call failed: /: Divide by zero\"").div("D7 D12"),
		sf("catch", "[sym & handler]",
			"Clause of try: binds the error value to sym and evaluates the handler forms.",
			"Only recognised as the last form of a try, shaped (catch sym handler…). The handler's defs escape; "+
				"sym itself does not.\n"+
				"(do (try (throw 1) (catch e 2)) e) ⇒ error: Unbound symbol: e").div("D7 D12"),
	)
}

func macros(all []Entry) []Entry {
	return append(all,
		mac("macros", "when", "[test & body]",
			"Evaluates the body when test is truthy, else returns nil.",
			"Expands to (if test (do body…)).\n(when (pos? 1) :a :b) ⇒ :b\n(when false :a) ⇒ nil"),
		mac("macros", "defn", "[name params & body]",
			"Defines a named Spell function: (def name (fn params body…)).",
			"No docstring and no multiple arities; a top-level & makes it variadic. The function can call "+
				"itself by name because names resolve dynamically.\n"+
				"(do (defn sq [x] (* x x)) (sq 9)) ⇒ 81").div("D2"),
		mac("macros", "define", "[name expr]",
			"Alias of def: (define name e) is (def name e).",
			"(do (define k 3) (* k k)) ⇒ 9"),
		mac("macros", "and", "[& exprs]",
			"Returns the first falsey value, or the last value when all are truthy.",
			"Evaluates left to right and stops early; each argument is evaluated once. Definitions inside "+
				"do not escape (it expands to let).\n(and) ⇒ true\n(and 1 nil 2) ⇒ nil\n(and 1 2) ⇒ 2"),
		mac("macros", "or", "[& exprs]",
			"Returns the first truthy value, or the last value when none is truthy.",
			"Evaluates left to right and stops early.\n(or) ⇒ nil\n(or nil false 3) ⇒ 3\n(or nil false) ⇒ false"),
		mac("macros", "cond", "[& clauses]",
			"Evaluates test/expression pairs in order and returns the expression of the first truthy test.",
			"No clause matching gives nil; :else works because keywords are truthy; an unpaired trailing "+
				"test gives nil.\n(cond (< 5 0) :neg (> 5 0) :pos :else :zero) ⇒ :pos"),
		mac("macros", "if-let", "[bindings then] | [bindings then else]",
			"Binds one pattern to a test value and evaluates then when it is truthy, else the else branch.",
			"bindings holds exactly one pattern/expression pair; the pattern may destructure.\n"+
				"(if-let [x (get {:a 1} :a)] (inc x) :none) ⇒ 2\n(if-let [x nil] x :none) ⇒ :none"),
		mac("macros", "when-let", "[bindings & body]",
			"Binds one pattern to a test value and evaluates the body when it is truthy.",
			"(when-let [[a b] [1 2]] (+ a b)) ⇒ 3\n(when-let [x false] :never) ⇒ nil"),
		mac("macros", "if-some", "[bindings then] | [bindings then else]",
			"Like if-let, but only nil counts as absent; false is a present value.",
			"(if-some [x false] [:got x] :none) ⇒ [:got false]"),
		mac("macros", "when-some", "[bindings & body]",
			"Like when-let, but only nil counts as absent; false is a present value.",
			"(when-some [x false] (str x)) ⇒ \"false\""),
		mac("macros", "case", "[expr & clauses]",
			"Evaluates expr once and returns the result paired with the first equal match value, or the default.",
			"Unlike Clojure, match values are evaluated expressions: a symbol is looked up and a list is called. "+
				"Without a default and a match the expansion throws No matching clause.\n"+
				"(case 2 1 :one 2 :two :other) ⇒ :two\n(do (def k 5) (case 5 k :matched :no)) ⇒ :matched\n"+
				"(case 9 1 :one) ⇒ error: No matching clause: 9"),
		mac("macros", "as->", "[expr name & forms]",
			"Binds name to expr, then to the result of each form in turn, and returns the last result.",
			"(as-> 5 x (+ x 1) (* x 2)) ⇒ 12\n(as-> 7 x) ⇒ 7"),
		mac("macros", "cond->", "[expr & clauses]",
			"Threads expr as first argument through each step whose test is truthy.",
			"Clauses are test/step pairs; tests do not see the threaded value.\n"+
				"(cond-> 1 true inc false (* 100)) ⇒ 2"),
		mac("macros", "cond->>", "[expr & clauses]",
			"Threads expr as last argument through each step whose test is truthy.",
			"(cond->> [1 2 3] true (map inc) false (filter odd?)) ⇒ [2 3 4]"),
		mac("macros", "some->", "[expr & forms]",
			"Threads expr as first argument through the forms, stopping with nil when a step yields nil.",
			"(some-> {:a {:b 7}} :a :b inc) ⇒ 8\n(some-> {:a 1} :z inc) ⇒ nil"),
		mac("macros", "some->>", "[expr & forms]",
			"Threads expr as last argument through the forms, stopping with nil when a step yields nil.",
			"(some->> [1 2] (map inc)) ⇒ [2 3]"),
		mac("macros", "->", "[x & forms]",
			"Threads x as the first argument through each form.",
			"A step that is not a list, such as a keyword, is called with the value as its only argument.\n"+
				"(-> {:a {:b 7}} :a :b) ⇒ 7\n(-> 5 (- 1) (* 2)) ⇒ 8"),
		mac("macros", "->>", "[x & forms]",
			"Threads x as the last argument through each form.",
			"(->> [1 2 3] (map inc) (reduce +)) ⇒ 9\n(->> 5 (- 1)) ⇒ -4"),
		mac("concurrency", "future", "[expr]",
			"Runs one expression on a new goroutine and returns a future token at once.",
			"Expands to (future* (fn [] expr)); wrap several expressions in do. The body sees a snapshot of "+
				"the environment, its defs do not escape, and a future started under eval also gets the blocking "+
				"namespace. Store a future that must outlive the turn with globals/set.\n"+
				"(:spell/future (future 1)) ⇒ true"),
		mac("concurrency", "blocking/plet", "[bindings & body]",
			"Starts one future per binding, awaits them all, binds the results and evaluates the body.",
			"Available only inside a future started while eval runs (effects.md §5); it matches only by its "+
				"full qualified name.\n"+
				"(blocking/plet [a (+ 1 2) b (* 2 3)] [a b]) ⇒ [3 6]").prio("P1"),
		mac("macros", "defmacro", "[name params & body]",
			"Defines a user macro: (def name {:spell/macro true :expander (fn params body…)}).",
			"The expander receives the unevaluated argument forms bound as one destructuring pattern (so "+
				"[& forms] works and missing parameters are nil) and returns a form, which is evaluated in the "+
				"caller's environment. Expansion happens at every evaluation.\n"+
				"(do (defmacro unless [t b] (list 'if t nil b)) (unless false 7)) ⇒ 7").div("D2"),
		mac("spell", "first-line", "[n rows & more]",
			"Builds a numbered line vector whose element 0 is source line n.",
			"Arguments are start/vector-literal pairs; several pairs are concatenated as segments, and a start "+
				"may be nil for synthetic rows. The line numbering never affects equality or pr-str, is shifted by "+
				"subvec and survives persist and snapshots.\n"+
				"(first-line 4 [\"a\" \"b\"]) ⇒ [\"a\" \"b\"]\n"+
				"(first-line 4 \"a\") ⇒ error: first-line expects a vector literal"),
		mac("spell", "think", "[label & body]",
			"Records a reasoning step: runs the body and returns nil; the label is never evaluated.",
			"Expands to (do body… nil), so definitions in the body escape. The label may be any form. "+
				"think is never removed by edit time, only replaced by rethink or dropped by prune.\n"+
				"(think \"plan\" (def n 3)) ⇒ nil\n(think undefined-label) ⇒ nil\n(think) ⇒ error: think expects a label"),
		mac("spell", "rethink", "[] | [label & body] | [n label & body]",
			"Edit marker: at the next re-open it replaces the preceding sibling form(s) by a think.",
			"At run time it behaves like think. When the program is re-opened it drops the n preceding "+
				"siblings (default 1) and leaves (think label body…), without the count.\n"+
				"edit of (do (think \"A\" 1) (rethink \"B\" 2)) ⇒ (do (think \"B\" 2))\n"+
				"edit of (do (think \"A\" 1) (def x 2) (rethink 2 \"C\" 3)) ⇒ (do (think \"C\" 3))"),
		mac("spell", "prune", "[] | [k]",
			"Edit marker: at the next re-open it deletes itself and the k preceding sibling forms (default 1).",
			"Evaluates to nil at run time. (prune 0) removes only itself; a k larger than the number of "+
				"preceding siblings removes them all. Other shapes are an error at run time and are not markers.\n"+
				"edit of (do (+ 1 2) (prune) (+ 2 2)) ⇒ (do (+ 2 2))\n"+
				"(prune \"x\") ⇒ error: prune: expected 0 args (prune 1) or 1 numeric arg (prune k)"),
		mac("effect", "!call-now", "[name expr & more] | [opts name expr & more]",
			"Evaluates each expression once with effects, then continues the turn with (def name <value>) appended.",
			"Takes name/expression pairs and an optional leading {:max-chars N} snapshot limit. All expressions "+
				"run first, left to right; then the completion is edited and re-opened with one snapshot def per "+
				"name, and the model continues in a new turn. Use it only in the trailing expression.\n"+
				"'(!call-now files (io/ls \".\"))\n"+
				"odd pairs ⇒ error: !call-now: expected 2 args per name/expression pair, with optional leading {:max-chars N}"),
		mac("effect", "!peek-now", "[name expr & more] | [opts name expr & more]",
			"Same as !peek: shows results for one turn only.",
			"Alias of !peek; see !peek."),
		mac("effect", "!peek", "[name expr & more] | [opts name expr & more]",
			"Like !call-now, but the injected definitions disappear again on the following turn.",
			"After the defs it splices (prune k+1), so the next re-open removes the k injected defs and the "+
				"originating trailing expression, unless the model persists what it needs first.\n"+
				"'(!peek lines (io/read-lines \"notes.txt\"))"),
		mac("effect", "!print", "[& exprs] | [opts & exprs]",
			"Evaluates the expressions and continues the turn with their values spliced in as literal source.",
			"Takes an optional leading {:max-chars N}. No names are bound: the bare value sources are appended.\n"+
				"'(!print (+ 1 2) (list 4 5)) appends 3 (quote (4 5))"),
		mac("effect", "print", "[& exprs] | [opts & exprs]",
			"Alias of !print: starts a new turn showing the values.",
			"A trailing (print …) is not console output: it re-opens the program with the values appended."),
		mac("effect", "!describe", "[ns & more]",
			"Continues the turn with the documentation of a namespace or of one of its keys.",
			"(!describe ns) is (!print (describe-fn ns)) and (!describe ns :key) is "+
				"(!print (describe-fn ns :key)); several namespaces, each optionally followed by a key, produce "+
				"one section each. A keyword in namespace position is an error.\n"+
				"'(!describe strings :split)\n'(!describe builtins math)"),
		mac("effect", "!extend", "[] | [c]",
			"Applies edit markers to the completion, re-opens it and lets the model continue writing.",
			"Expands to (!llm-self (edit-reopen completion) {:receive? true}); with an argument, that quine "+
				"form is re-opened instead. Pending messages are received first.\n'(!extend)"),
		mac("effect", "!compact", "[] | [c]",
			"Asks the model to rewrite its whole context as a few quoted forms and continues from them.",
			"Stage one shows the edited context followed by an instruction to close a wrap-cat call whose "+
				"arguments are the forms to keep; stage two starts a fresh context containing only those forms. "+
				"Messages stay queued during stage one.\n'(!compact)"),
	)
}
