package eval

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// langCase is one program and its expected readable value, or (when err is
// set) a substring of the expected error message. fatal marks errors that
// must be typed, uncatchable failures.
type langCase struct {
	src, want, err string
}

// positionRE matches anything that looks like a source position; messages
// are Spell values and never carry one (language.md §12.1).
var positionRE = regexp.MustCompile(`<(eval|stdin)>|\d+:\d+:|line \d+`)

func runLangCases(t *testing.T, cases []langCase) {
	t.Helper()
	runLangCasesOpts(t, cases, Options{})
}

func runLangCasesOpts(t *testing.T, cases []langCase, opts Options) {
	t.Helper()
	for _, tc := range cases {
		_, res, err := RunProgram(context.Background(), "<eval>", []byte(tc.src), opts)
		v := res.Value
		switch {
		case tc.err != "":
			if err == nil {
				t.Errorf("%s\n got value %s, want error containing %q", tc.src, value.PrStr(v), tc.err)
				continue
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s\n got error %q, want error containing %q", tc.src, err.Error(), tc.err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%s\n error %T is not *eval.Error", tc.src, err)
			} else if positionRE.MatchString(e.Msg) {
				t.Errorf("%s\n message %q contains a position", tc.src, e.Msg)
			} else if e.Fatal {
				t.Errorf("%s\n error %q is fatal; only limits and cancellation are", tc.src, e.Msg)
			}
		case err != nil:
			t.Errorf("%s\n got error %q, want %s", tc.src, err.Error(), tc.want)
		default:
			if got := value.PrStr(v); got != tc.want {
				t.Errorf("%s\n got  %s\n want %s", tc.src, got, tc.want)
			}
		}
	}
}

// langSpecialForms covers every special form (language.md §5.2).
var langSpecialForms = []langCase{
	// quote
	{src: `(quote x)`, want: `x`},
	{src: `'(a b (c))`, want: `(a b (c))`},
	{src: `(quote x y z)`, want: `x`},
	{src: `(quote)`, want: `nil`},
	{src: `''a`, want: `(quote a)`},
	// def
	{src: `(def x 5)`, want: `5`},
	{src: `(do (def x 5) x)`, want: `5`},
	{src: `(def x)`, err: `def expects a symbol and a value`},
	{src: `(def 1 2)`, err: `def expects a symbol and a value`},
	{src: `[1 (def x 2) x]`, want: `[1 2 2]`},
	{src: `(do [1 (def x 2)] x)`, want: `2`},
	{src: `(do {:a (def y 3)} y)`, want: `3`},
	{src: `(do #{(def s 4)} s)`, want: `4`},
	// persist
	{src: `(persist p 7)`, want: `7`},
	{src: `(do (persist p 7) p)`, want: `7`},
	{src: `(do (def v 3) (persist v))`, want: `3`},
	{src: `(persist nope)`, err: `Unbound symbol: nope`},
	// do
	{src: `(do)`, want: `nil`},
	{src: `(do 1 2 3)`, want: `3`},
	{src: `(do (def a 1) (def b (+ a 1)) [a b])`, want: `[1 2]`},
	// if
	{src: `(if (def x 1) x 2)`, want: `1`},
	{src: `(do (if (def x 1) x 2) x)`, want: `1`},
	{src: `(if false 1)`, want: `nil`},
	{src: `(if nil 1 2)`, want: `2`},
	{src: `(if 0 1 2)`, want: `1`},
	{src: `(if "" 1 2)`, want: `1`},
	{src: `(do (if true (def b 1) (def c 2)) b)`, want: `1`},
	{src: `(do (if true (def b 1) (def c 2)) c)`, err: `Unbound symbol: c`},
	// let
	{src: `(let [a 1 b (+ a 1)] [a b])`, want: `[1 2]`},
	{src: `(let [a (def z 1) b z] b)`, err: `Unbound symbol: z`},
	{src: `(do (let [a (def z 1)] a) z)`, err: `Unbound symbol: z`},
	{src: `(do (let [a 1] (def w a)) w)`, err: `Unbound symbol: w`},
	{src: `(do (let [a 1] a) a)`, err: `Unbound symbol: a`},
	{src: `(let [])`, want: `nil`},
	{src: `(let [a 1 b] a)`, want: `1`},
	{src: `(let [a 1] (def q 2) (+ a q))`, want: `3`},
	{src: `(let x 1)`, err: `let requires a vector for its bindings`},
	{src: `(let [[a b] [1 2] {:keys [c]} {:c 3}] [a b c])`, want: `[1 2 3]`},
	// fn, fn*
	{src: `(fn [x] x)`, want: `{:spell/fn true, :params [x], :body (x)}`},
	{src: `(fn* [x] (inc x))`, want: `{:spell/fn true, :params [x], :body ((inc x))}`},
	{src: `((fn [x] (* x 2)) 21)`, want: `42`},
	{src: `((fn* [x y] (+ x y)) 1 2)`, want: `3`},
	{src: `((fn [] 1 2 3))`, want: `3`},
	{src: `(fn f [x] x)`, want: `{:spell/fn true, :params f, :body ([x] x)}`},
	{src: `((fn f [x] x) 1)`, err: `fn expects a parameter vector`},
	{src: `((fn [x] x))`, err: `Wrong number of args: expected 1, got 0`},
	{src: `((fn [a b] a) 1)`, err: `Wrong number of args: expected 2, got 1`},
	{src: `((fn [a b & r] r) 1)`, err: `Wrong number of args: expected at least 2, got 1`},
	{src: `(let [n 5] ((fn [] n)))`, want: `5`},
	{src: `({:spell/fn true, :params [x], :body ((+ x 1))} 4)`, want: `5`},
	// quine
	{src: `(quine q q)`, want: `(quine q q)`},
	{src: `(quine q (undefined-a) (+ 3 4))`, want: `7`},
	{src: `(quine c (do 'hello (pr-str c)))`, want: `"(quine c (do (quote hello) (pr-str c)))"`},
	{src: `(do (quine q (def inner 1)) [inner (first q)])`, want: `[1 quine]`},
	{src: `(do (quine q (+ 41 1)) (+ (eval q) 2))`, want: `44`},
	// reopen
	{src: `(reopen '(quine completion (eval (do (def a 1) (quote (!extend))))) (def b 2))`,
		want: `(quine completion (eval (do (def a 1) (quote (!extend)) (def b 2))))`},
	{src: `(reopen '(quine c (eval (do 1))) (reopen-eval (+ 1 2)) (+ 1 2))`,
		want: `(quine c (eval (do 1 3 (+ 1 2))))`},
	{src: `(reopen '(quine c "inert" (eval (do))) 5)`, want: `(quine c "inert" (eval (do 5)))`},
	{src: `(reopen 1)`, err: `reopen expects a quine form`},
	{src: `(reopen '(quine c))`, err: `reopen expects a quine form`},
	{src: `(reopen '(quine c 1))`, err: `reopen expects quine tail of the form (eval (do ...))`},
	{src: `(reopen '(quine c (eval 1)))`, err: `reopen expects quine tail of the form (eval (do ...))`},
	// loop / recur
	{src: `(loop [i 0 acc []] (if (< i 3) (recur (inc i) (conj acc i)) acc))`, want: `[0 1 2]`},
	{src: `(loop [a 1 b (+ a 1)] b)`, want: `2`},
	{src: `(do (loop [a (def li 1)] a) li)`, want: `1`},
	{src: `(do (loop [a 1] (def lb a)) lb)`, err: `Unbound symbol: lb`},
	{src: `(loop [[a b] [1 2]] (+ a b))`, want: `3`},
	{src: `(loop [i 0 j 10] (if (< i 2) (recur (inc i) j 99) [i j]))`, want: `[2 10]`},
	{src: `(loop [i 0] (if (< i 100000) (recur (inc i)) i))`, want: `100000`},
	{src: `((fn [n acc] (if (zero? n) acc (recur (dec n) (+ acc n)))) 100000 0)`, want: `5000050000`},
	{src: `((fn [x] (if x (recur false 2) :done)) true)`, err: `Wrong number of args: expected 1, got 2`},
	{src: `(recur 1 2)`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (inc (recur i)))`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (let [x (recur 1)] x))`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (try (recur 1)))`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (think "t" (recur 1)))`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (eval '(recur 1)))`, err: `recur: can only recur from tail position of fn or loop`},
	{src: `(loop [i 0] (when (< i 3) (recur (inc i))))`, want: `nil`},
	{src: `(loop [i 0] (cond (< i 3) (recur (inc i)) :else i))`, want: `3`},
	{src: `(loop [i 0] (case i 5 i (recur (inc i))))`, want: `5`},
	{src: `(loop [i 0] (quine q (if (< i 2) (recur (inc i)) i)))`, want: `2`},
	{src: `((fn [& xs] (if (next xs) (recur (rest xs)) (first xs))) 1 2 3)`, want: `3`},
	// for
	{src: `(for [x [1 2 3]] (* x x))`, want: `[1 4 9]`},
	{src: `(for [x [1 2] y [:a :b]] [x y])`, want: `[[1 :a] [1 :b] [2 :a] [2 :b]]`},
	{src: `(for [x [1 2 3 4] :when (even? x)] x)`, want: `[2 4]`},
	{src: `(for [x [1 2] :let [y (* 10 x)]] y)`, want: `[10 20]`},
	{src: `(for [[a b] [[1 2] [3 4]]] (+ a b))`, want: `[3 7]`},
	{src: `(for [x [1 2]] :ignored x)`, want: `[:ignored :ignored]`},
	{src: `(for [x []] x)`, want: `[]`},
	{src: `(do (for [x [1]] (def fx x)) fx)`, err: `Unbound symbol: fx`},
	// try
	{src: `(try 1)`, want: `1`},
	{src: `(try (throw "boom") (catch e e))`, want: `"boom"`},
	{src: `(try (throw {:a 1}) (catch e e))`, want: `{:a 1}`},
	{src: `(try (throw "x") (catch e :a :b))`, want: `:b`},
	{src: `(do (try (def t1 1)) t1)`, want: `1`},
	{src: `(do (try (def t1 1) (throw "x") (catch e (def t2 2))) [t1 t2])`, want: `[1 2]`},
	{src: `(do (try (throw 1) (catch e 2)) e)`, err: `Unbound symbol: e`},
	{src: `(try (throw "uncaught"))`, err: `uncaught`},
	// §5.2: the error value's :expr is the failing expression: the call
	// of a failing builtin or of an unbound head, the symbol itself when
	// an unbound symbol is evaluated as a value.
	{src: `(try (undefined-x) (catch e e))`, want: `{:message "Unbound symbol: undefined-x", :expr (undefined-x)}`},
	{src: `(try nope (catch e e))`, want: `{:message "Unbound symbol: nope", :expr nope}`},
	{src: `(try (+ 1 (* 2 nope)) (catch e (:expr e)))`, want: `nope`},
	{src: `(try [1 nope] (catch e (:expr e)))`, want: `nope`},
	{src: `(try (let [x nope] x) (catch e (:expr e)))`, want: `nope`},
	{src: `(try nope/x (catch e (:expr e)))`, want: `nope/x`},
	{src: `(try (strings/nope "a") (catch e e))`, want: `{:message "Namespace lookup failed: strings/nope", :expr (strings/nope "a")}`},
	{src: `(try (map strings/nope ["a"]) (catch e (:expr e)))`, want: `strings/nope`},
	{src: `(try io/sh (catch e (:expr e)))`, want: `io/sh`},
	{src: `(try (inc "a") (catch e (:expr e)))`, want: `(inc "a")`},
	{src: `(try (+ 1 (inc "a")) (catch e (:expr e)))`, want: `(inc "a")`},
	{src: `(try (inc 1 2) (catch e e))`, want: `{:message "Function call failed: inc: Wrong number of args (2) passed to: inc", :expr (inc 1 2)}`},
	{src: `(try (/ 1 0) (catch e (:expr e)))`, want: `(/ 1 0)`},
	{src: `(try (eval '(throw "oops")) (catch e (:message e)))`, want: `"Function call failed: eval: oops"`},
	{src: `(try (map (fn [x] (throw "in-map")) [1]) (catch e (:message e)))`, want: `"Function call failed: map: in-map"`},
	{src: `(try (throw (ex-info "nf" {:c 1})) (catch e (ex-data e)))`, want: `{:c 1}`},
	{src: `(try (try (throw 1) (catch e (throw (+ e 1)))) (catch e e))`, want: `2`},
	{src: `(try (/ 1 0) (catch e (:message e)))`, want: `"Function call failed: /: Divide by zero"`},
}

// langMacros covers every built-in macro (language.md §5.3) except the
// turn helpers (see TestLangTurnHelpers).
var langMacros = []langCase{
	// when
	{src: `(when true 1 2)`, want: `2`},
	{src: `(when false 1)`, want: `nil`},
	{src: `(do (when (def w 1) (def w2 2)) [w w2])`, want: `[1 2]`},
	// defn
	{src: `(do (defn add [a b] (+ a b)) (add 1 2))`, want: `3`},
	{src: `(defn id [x] x)`, want: `{:spell/fn true, :params [x], :body (x)}`},
	{src: `(do (defn fact [n] (if (<= n 1) 1 (* n (fact (dec n))))) (fact 10))`, want: `3628800`},
	// define
	{src: `(do (define d 9) d)`, want: `9`},
	// and / or
	{src: `(and)`, want: `true`},
	{src: `(and 1)`, want: `1`},
	{src: `(and 1 nil 2)`, want: `nil`},
	{src: `(and 1 false 2)`, want: `false`},
	{src: `(and 1 2 3)`, want: `3`},
	{src: `(or)`, want: `nil`},
	{src: `(or false)`, want: `false`},
	{src: `(or nil false 3)`, want: `3`},
	{src: `(or nil false)`, want: `false`},
	{src: `(do (and (def ad 1) ad) ad)`, err: `Unbound symbol: ad`},
	{src: `(let [n (atom-like)] n)`, err: `Unbound symbol: atom-like`},
	// cond
	{src: `(cond)`, want: `nil`},
	{src: `(cond false 1 :else 2)`, want: `2`},
	{src: `(cond nil 1 true 3)`, want: `3`},
	{src: `(cond false 1 :odd)`, want: `nil`},
	// if-let / when-let / if-some / when-some
	{src: `(if-let [x 1] (inc x) :no)`, want: `2`},
	{src: `(if-let [x nil] x :no)`, want: `:no`},
	{src: `(if-let [x false] x :no)`, want: `:no`},
	{src: `(if-let [x nil] x)`, want: `nil`},
	{src: `(if-let [[a b] [1 2]] (+ a b) :no)`, want: `3`},
	{src: `(when-let [x 5] (def wl x) (* x 2))`, want: `10`},
	{src: `(when-let [x nil] 1)`, want: `nil`},
	{src: `(if-some [x false] [x] :no)`, want: `[false]`},
	{src: `(if-some [x nil] x :no)`, want: `:no`},
	{src: `(when-some [x false] (str x))`, want: `"false"`},
	{src: `(when-some [x nil] 1)`, want: `nil`},
	// case
	{src: `(case 2 1 :one 2 :two :other)`, want: `:two`},
	{src: `(case 9 1 :one :other)`, want: `:other`},
	{src: `(case 9 1 :one)`, err: `No matching clause: 9`},
	{src: `(do (def k 5) (case 5 k :matched :no))`, want: `:matched`},
	{src: `(case 3 (+ 1 2) :three :no)`, want: `:three`},
	{src: `(case "a" "a" 1 2)`, want: `1`},
	{src: `(try (case 9 1 :one) (catch e e))`, want: `"No matching clause: 9"`},
	// threading
	{src: `(-> 1 inc (* 10))`, want: `20`},
	{src: `(-> {:a {:b 7}} :a :b)`, want: `7`},
	{src: `(->> [1 2 3] (map inc) (reduce +))`, want: `9`},
	{src: `(->> 5 (- 10))`, want: `5`},
	{src: `(-> 5 (- 10))`, want: `-5`},
	{src: `(as-> 1 x (+ x 1) (* x 10))`, want: `20`},
	{src: `(as-> 7 x)`, want: `7`},
	{src: `(cond-> 1 true inc false (* 100))`, want: `2`},
	{src: `(cond->> [1 2] true (map inc) false (map dec))`, want: `[2 3]`},
	{src: `(some-> {:a 1} :a inc)`, want: `2`},
	{src: `(some-> {:a 1} :b inc)`, want: `nil`},
	{src: `(some->> [1 2] (map inc))`, want: `[2 3]`},
	{src: `(some->> nil (map inc))`, want: `nil`},
	// defmacro, user macros, apply-macro, compmacro (§5.6)
	{src: `(do (defmacro my-do [& forms] (cons 'do forms)) (my-do (def x 1) (+ x 2)))`, want: `3`},
	{src: `(defmacro m [x] x)`, want: `{:spell/macro true, :expander {:spell/fn true, :params [x], :body (x)}}`},
	{src: `(do (defmacro unless [t b] (list 'if t nil b)) (unless false 42))`, want: `42`},
	{src: `(do (defmacro unless [t b] (list 'if t nil b)) (apply-macro unless '(= 1 2) '(+ 40 2)))`, want: `(if (= 1 2) nil (+ 40 2))`},
	{src: `(do (defmacro two [a b] (list 'quote [a b])) (two x))`, want: `[x nil]`},
	{src: `(do (defmacro two [a b] (list 'quote [a b])) (two x y z))`, want: `[x y]`},
	{src: `(do (def secret 5) (defmacro peek-env [] secret) (peek-env))`, want: `5`},
	{src: `(do (defmacro bad [] (throw "nope")) (bad))`, err: `Macro expansion of bad failed: nope`},
	{src: `(do (defmacro bad [] (throw "nope")) (try (bad) (catch e (:message e))))`, want: `"Macro expansion of bad failed: nope"`},
	{src: `(do (def lit {:spell/macro true, :expander (fn [x] (list 'inc x))}) (lit 4))`, want: `5`},
	{src: `(do (defmacro m1 [x] (list 'm2 x)) (defmacro m2 [x] (list 'inc x)) (m1 1))`, want: `2`},
	{src: `(apply-macro (compmacro) '(+ 1 2))`, want: `(+ 1 2)`},
	{src: `(do (defmacro wrap-inc [f] (list 'inc f)) (defmacro wrap-double [f] (list '* 2 f)) (apply-macro (compmacro [wrap-inc wrap-double]) '(+ 1 2)))`, want: `(* 2 (inc (+ 1 2)))`},
	{src: `(do (defmacro wrap-inc [f] (list 'inc f)) (defmacro wrap-double [f] (list '* 2 f)) (apply-macro (compmacro wrap-inc wrap-double) '(+ 1 2)))`, want: `(* 2 (inc (+ 1 2)))`},
	{src: `(do (defmacro wrap-inc [f] (list 'inc f)) (defmacro wrap-double [f] (list '* 2 f)) (def both (compmacro wrap-inc wrap-double)) (both (+ 1 2)))`, want: `8`},
	{src: `(do (defn when [x] x) 1)`, want: `1`},
	{src: `(let [when (fn [x] :shadowed)] (when true :builtin))`, want: `:builtin`},
	{src: `(let [if (fn [& xs] :shadowed)] (if true 1 2))`, want: `1`},
	// first-line
	{src: `(first-line 4 ["a" "b"])`, want: `["a" "b"]`},
	{src: `(meta-line (first-line 4 ["a" "b"]))`, err: `Unbound symbol: meta-line`},
	{src: `(first-line 1 ["a"] 5 ["b" "c"])`, want: `["a" "b" "c"]`},
	{src: `(first-line 1 2)`, err: `first-line expects a vector literal`},
	{src: `(first-line 1 ["a"] 2)`, err: `first-line expects start/vector pairs`},
	{src: `(first-line 0 ["a"])`, err: `first-line expects positive line numbers or nil`},
	// think / rethink / prune
	{src: `(think "label" (def th 1) 2)`, want: `nil`},
	{src: `(do (think "label" (def th 1)) th)`, want: `1`},
	{src: `(think undefined-label)`, want: `nil`},
	{src: `(think (undefined-call))`, want: `nil`},
	{src: `(think)`, err: `think expects a label`},
	{src: `(rethink "r" 1)`, want: `nil`},
	{src: `(rethink 2 "r" (def rt 1))`, want: `nil`},
	{src: `(do (rethink 2 "r" (def rt 1)) rt)`, want: `1`},
	{src: `(rethink)`, want: `nil`},
	{src: `(prune)`, want: `nil`},
	{src: `(prune 3)`, want: `nil`},
	{src: `(prune "x")`, err: `prune: expected 0 args (prune 1) or 1 numeric arg (prune k)`},
	{src: `(prune 1 2)`, err: `prune: expected 0 args (prune 1) or 1 numeric arg (prune k)`},
	// future (pure: no blocking/)
	{src: `(:spell/future (future 1))`, want: `true`},
}

// langEvaluation holds the examples of language.md §4–§6.
var langEvaluation = []langCase{
	// §4.3
	{src: `nil`, want: `nil`},
	{src: `\a`, want: `\a`},
	{src: `:k`, want: `:k`},
	{src: `{:a (+ 1 2)}`, want: `{:a 3}`},
	{src: `{(+ 1 1) :x}`, want: `{(+ 1 1) :x}`},
	{src: `#{(+ 1 2)}`, want: `#{3}`},
	{src: `#{1 (- 2 1)}`, err: `Duplicate key: 1`},
	{src: `undefined-sym`, err: `Unbound symbol: undefined-sym`},
	// §4.4
	{src: `()`, want: `nil`},
	{src: `[() {:a ()}]`, want: `[nil {:a nil}]`},
	// Only a literal nil head short-cuts: the head () evaluates to nil,
	// which is then applied.
	{src: `(())`, err: `nil cannot be called as a function`},
	{src: `(if () :t :f)`, want: `:f`},
	{src: `'()`, want: `()`},
	{src: `(list)`, want: `()`},
	{src: `(nil 1 2)`, want: `nil`},
	{src: `(nil (undefined-f))`, want: `nil`},
	// §5.5
	{src: `(+ (def x 1) x)`, want: `2`},
	{src: `((fn [& xs] xs) 1 2 3)`, want: `(1 2 3)`},
	{src: `((fn [& xs] xs))`, want: `nil`},
	{src: `((fn [a & xs] [a xs]) 1)`, want: `[1 nil]`},
	{src: `(do (defn f [x] (+ x y)) (def y 5) (f 3))`, want: `8`},
	{src: `(do (def y 1) (defn g [] y) (let [y 2] (g)))`, want: `2`},
	{src: `(let [f (fn [] v)] (let [v 3] (f)))`, want: `3`},
	{src: `(let [y :outer] ((fn [[x y]] [x y]) [1]))`, want: `[1 nil]`},
	{src: `(do (def x 1) ((fn [] (def x 2))) x)`, want: `1`},
	{src: `(do (map (fn [i] (def m i)) [1]) m)`, err: `Unbound symbol: m`},
	{src: `(:a {:a 1})`, want: `1`},
	{src: `({:a 1} :a)`, want: `1`},
	{src: `([10 20] 1)`, want: `20`},
	{src: `(#{1 2} 2)`, want: `2`},
	{src: `(inc 1 2 3)`, err: `Wrong number of args (3) passed to: inc`},
	{src: `(try (inc 1 2 3) (catch e (:message e)))`, want: `"Function call failed: inc: Wrong number of args (3) passed to: inc"`},
	{src: `(throw "plain")`, err: `plain`},
	{src: `(throw {:k 1})`, err: `{:k 1}`},
	// §5.7
	{src: `(strings/trim "  a ")`, want: `"a"`},
	{src: `(do (def cfg {:a {:b 1}}) cfg/a/b)`, want: `1`},
	{src: `(do (def cfg {:a {:b false}}) cfg/a/b)`, want: `false`},
	{src: `strings/nope`, err: `Namespace lookup failed: strings/nope`},
	{src: `Math/PI`, err: `Unbound symbol: Math`},
	{src: `(.toString 42)`, err: `Unbound symbol: .toString`},
	// §5.8
	{src: `(let [[a] 5] a)`, want: `5`},
	{src: `(let [[a b & r :as all] [1 2 3 4]] [a b r all])`, want: `[1 2 [3 4] [1 2 3 4]]`},
	{src: `(let [[a & r] [1]] r)`, want: `[]`},
	{src: `(let [{:keys [a b] :or {b 42}} {:a 1}] [a b])`, want: `[1 42]`},
	{src: `(let [{:keys [a] :or {a 42}} {:a nil}] a)`, want: `42`},
	{src: `(let [{:keys [b] :or {b (+ 1 1)}} {}] b)`, want: `(+ 1 1)`},
	{src: `(let [{:strs [a]} {"a" 1}] a)`, want: `1`},
	{src: `(let [{:syms [a]} (assoc {} 'a 1)] a)`, want: `1`},
	{src: `(let [{:syms [a]} {'a 1}] a)`, want: `nil`}, // map literal keys are not evaluated
	{src: `(let [{x :k, [a b] :pair, y "name"} {:k 1, :pair [2 3], "name" 4}] [x a b y])`, want: `[1 2 3 4]`},
	{src: `(let [{:keys [a] :as m} {:a 1}] m)`, want: `{:a 1}`},
	{src: `(let [1 2] 1)`, err: `Invalid destructuring pattern: 1`},
	{src: `((fn [{:keys [a]}] a) {:a 9})`, want: `9`},
	// §6.2
	{src: `(eval '(+ 1 2))`, want: `3`},
	{src: `(eval "s")`, want: `"s"`},
	{src: `(do (def x 4) (eval 'x))`, want: `4`},
	{src: `(eval 'undefined-q)`, err: `Unbound symbol: undefined-q`},
	{src: `(eval 1 2)`, err: `Wrong number of args (2) passed to: eval`},
	{src: `(do (eval '(def ev 1)) ev)`, err: `Unbound symbol: ev`},
	{src: `(do (def x 10) (spell-eval '(+ x 1)))`, want: `11`},
	{src: `(spell-eval '(throw "o"))`, err: `Function call failed: spell-eval: o`},
	{src: `(do (defn uses-eval [] (eval '(+ 1 1))) (uses-eval))`, want: `2`},
	// §6.3
	{src: `(!llm-self "x")`, err: `Unbound symbol: !llm-self`},
	{src: `(!extend)`, err: `Unbound symbol: !llm-self`},
	{src: `(!call-now a 1)`, err: `Unbound symbol: !llm-self`},
	{src: `(leaf-llm "x")`, err: `Unbound symbol: leaf-llm`},
	{src: `(io/sh "ls")`, err: `io/sh: io/ is an effect namespace - use it in the trailing expression via eval`},
	{src: `agents`, err: `agents: agents/ is an effect namespace - use it in the trailing expression via eval`},
	{src: `(web/fetch "x")`, err: `web/fetch: web/ is an effect namespace - use it in the trailing expression via eval`},
	{src: `(globals/get :a)`, err: `globals/get: globals/ is an effect namespace - use it in the trailing expression via eval`},
	{src: `(blocking/await 1)`, err: `blocking/await: blocking/ is only available inside (future ...) blocks`},
	{src: `(slurp "f")`, err: `Unbound symbol: slurp`},
	{src: `(println "f")`, err: `Unbound symbol: println`},
	{src: `(atom 1)`, err: `Unbound symbol: atom`},
	{src: `(System/getenv "HOME")`, err: `Unbound symbol: System`},
	{src: `(try (io/sh "ls") (catch e (:message e)))`, want: `"io/sh: io/ is an effect namespace - use it in the trailing expression via eval"`},
	// §9.13 removed names
	{src: `(stored 1)`, err: `Unbound symbol: stored`},
	{src: `(pmap inc [1])`, err: `Unbound symbol: pmap`},
	{src: `(await 1)`, err: `Unbound symbol: await`},
}

// langWrapper holds §7 examples.
var langWrapper = []langCase{
	{src: `(quine completion (eval (do (def x 2) '(* x 21))))`, want: `42`},
	{src: `(quine completion (eval (do "Hello")))`, want: `"Hello"`},
	{src: `(quine completion (eval (do)))`, want: `nil`},
	{src: `(quine completion (eval (do (defn f [] (list '+ 1 2)) (f))))`, want: `3`},
	{src: `(quine completion (eval (do '(!extend)) (+ 1 2)))`, err: `Wrong number of args`},
	{src: `(quine completion (eval (do '(!extend) '(+ 1 2))))`, want: `3`},
	{src: `(quine completion (eval (do (quine prompt "Say hi in two turns.") (quote (!extend)) (quote (!llm-self (reopen completion))) "hi")))`, want: `"hi"`},
	{src: `(quine completion (eval (do (def x 1) '(io/sh x))))`, err: `io/sh`},
	{src: `(quine completion (eval (do '(!llm-self "x"))))`, err: `no model is configured`},
	{src: `(quine completion (eval (do '(blocking/await 1))))`, err: `blocking/await: blocking/ is only available inside (future ...) blocks`},
	{src: `(quine completion (eval (do '(first completion))))`, want: `quine`},
	{src: "(quine completion (eval (do 1 2", want: `2`},
}

// langEdits is the §8.3 table through edit-reopen (and the §8.4 helpers).
var langEdits = []langCase{
	{src: `(edit-reopen '(do (+ 1 2) (prune) (+ 2 2)))`, want: `(do (+ 2 2))`},
	{src: `(edit-reopen '(do (think "A" 1) (prune)))`, want: `(do)`},
	{src: `(edit-reopen '(do (def x 1) (def y 2) (prune 2)))`, want: `(do)`},
	{src: `(edit-reopen '(do (think "A" 1) (rethink "B" 2)))`, want: `(do (think "B" 2))`},
	{src: `(edit-reopen '(do (def x 1) (think "A" 2) (rethink "B" 3)))`, want: `(do (def x 1) (think "B" 3))`},
	{src: `(edit-reopen '(do (think "A" 1) (def x 2) (rethink 2 "C" 3)))`, want: `(do (think "C" 3))`},
	{src: `(edit-reopen '(do (think "A" 1) (rethink "B" 2) (rethink "C" 3)))`, want: `(do (think "C" 3))`},
	{src: `(edit-reopen '(do (def a 1) (rethink 5 "Z" 9)))`, want: `(do (think "Z" 9))`},
	{src: `(edit-reopen '(do (a) (prune 0)))`, want: `(do (a))`},
	{src: `(edit-reopen '(do (do (think "A" 1) (rethink "B" 2)) (def y 3)))`, want: `(do (do (think "B" 2)) (def y 3))`},
	{src: `(edit-reopen '(think "outer" (def a 1) (rethink "inner" (def a 2))))`, want: `(think "outer" (think "inner" (def a 2)))`},
	{src: `(edit-reopen '(do [(do (think "A" 1) (rethink "B" 2))]))`, want: `(do [(do (think "B" 2))])`},
	{src: `(edit-reopen '(do [1 2 (prune)]))`, want: `(do [1 2 (prune)])`},
	{src: `(edit-reopen '(do (quote (a (prune)))))`, want: `(do (quote (a (prune))))`},
	{src: `(edit-reopen '(do (fn [x] (prune) x)))`, want: `(do (fn [x] (prune) x))`},
	{src: `(edit-reopen '(quine completion (eval (do (def big "…") (prune) '(!extend completion)))))`, want: `(quine completion (eval (do (quote (!extend completion)))))`},
	{src: `(edit-reopen '(quine c (eval (do (bad))) (rethink "R") (eval (do 1))))`, want: `(quine c (think "R") (eval (do 1)))`},
	{src: `(do (def v '(1 2)) (edit-reopen '(do (persist v))))`, want: `(do (persist v (quote (1 2))))`},
	{src: `(do (def v ['a 'b]) (edit-reopen '(do (persist v))))`, want: `(do (persist v [(quote a) (quote b)]))`},
	{src: `(do (def f (fn [x] x)) (edit-reopen '(do (persist f))))`, want: `(do (persist f (fn [x] x)))`},
	{src: `(do (def err (ex-info "nf" {:c 1})) (edit-reopen '(do (persist err err))))`, want: `(do (persist err (quote {:spell/exception true, :message "nf", :data {:c 1}})))`},
	{src: `(do (def big [1 2 3]) (def y 2) (edit-reopen '(quine completion (eval (do (def big [1 2 3]) (rethink "keep" (def y (get big 1))) (persist y (get big 1)) '(!extend completion))))))`,
		want: `(quine completion (eval (do (think "keep" (def y (get big 1))) (persist y 2) (quote (!extend completion)))))`},
	{src: `(do (def x 41) (edit-reopen '(do (def y (+ x 1)))))`, want: `(do (def y (+ x 1)))`},
	{src: `(edit-reopen '(do (persist unbound-v)))`, want: `(do (persist unbound-v))`},
	{src: `(edit-reopen '(do (prune "x") (prune 1 2)))`, want: `(do (prune "x") (prune 1 2))`},
	{src: `(edit-reopen '(do a b c (prune 2) (rethink 2 "r" d) e))`, want: `(do (think "r" d) e)`},
	{src: `(edit-reopen '(do a (prune 10)))`, want: `(do)`},
	{src: `(edit-reopen '(do a b (prune 1.9)))`, want: `(do a)`},
	{src: `(do (def rx #"a") (edit-reopen '(do (persist rx))))`, err: `Value has no ordinary source representation`},
	// !peek flow
	{src: `(edit-reopen '(do '(!peek-now lines (io/read-lines "f")) (def lines ["a"]) (prune 2) (def keep ["a"]) '(!extend completion)))`,
		want: `(do (def keep ["a"]) (quote (!extend completion)))`},
	// §8.4
	{src: `(wrap-cat "a" 1)`, want: `(quine completion (eval (do "a" 1)))`},
	{src: `(do (quine prompt "T") (wrap-cat prompt))`, want: `(quine completion (eval (do (quine prompt "T"))))`},
	{src: `(serialize-prefix '(quine completion (eval (do (quine prompt "T") (quote (!extend))))))`, want: `"(quine completion (eval (do (quine prompt \"T\") (quote (!extend)) "`},
	{src: `(strip-parens 2 "(a (b)) ")`, want: `"(a (b"`},
	{src: `(strip-parens 3 "(a)")`, err: `strip: expected ')'`},
	{src: `(strip-parens 3 "))")`, err: `strip: not enough closing parens`},
	{src: `(strip-parens 1 "(a) x")`, err: `strip: expected ')'`},
	{src: `(serialize 42)`, want: `"42"`},
	{src: `(serialize "hi")`, want: `"\"hi\""`},
	{src: `(serialize 'abc)`, want: `"(quote abc)"`},
	{src: `(serialize 1 100)`, err: `Context character limit must be an integer of at least 128`},
	{src: `(context-forms [{:name 'x :value 1} {:value "s"} {:form '(a b)}])`, want: `[(def x 1) "s" (a b)]`},
}

// langDivergences shows the Spell-Go side of each divergence D1–D12
// (README.md, "Differences from the reference implementation").
var langDivergences = []langCase{
	// D1 characters evaluate to themselves.
	{src: `\a`, want: `\a`},
	{src: `[\a \newline]`, want: `[\a \newline]`},
	// D2 variadic & in fn/defn/defmacro/loop.
	{src: `((fn [& xs] xs) 1 2 3)`, want: `(1 2 3)`},
	{src: `(do (defn v [a & r] [a r]) (v 1 2 3))`, want: `[1 (2 3)]`},
	{src: `(do (defmacro m [a & r] (list 'quote r)) (m 1 2 3))`, want: `[2 3]`}, // one destructuring pattern (§5.6)
	{src: `(#(vector %1 %&) 1 2 3)`, want: `[1 (2 3)]`},
	{src: `(loop [[a & r] [1 2 3]] r)`, want: `[2 3]`},
	// D3 loop inits see earlier bindings.
	{src: `(loop [a 1 b (+ a 1)] b)`, want: `2`},
	// D4 map over several collections, variadic comp, (reduce f []).
	{src: `(map + [1 2] [10 20])`, want: `[11 22]`},
	{src: `((comp inc +) 1 2 3)`, want: `7`},
	{src: `(reduce + [])`, want: `0`},
	{src: `(reduce * [])`, want: `1`},
	// D5 set literal elements are evaluated.
	{src: `#{(+ 1 2)}`, want: `#{3}`},
	// D6 recur outside tail position is an error.
	{src: `(recur 1 2)`, err: `recur: can only recur from tail position of fn or loop`},
	// D7 catchability: see langCatchability.
	{src: `(try (let x 1) (catch e :caught))`, want: `:caught`},
	// D8 reader: host-only forms are reader errors.
	{src: `#=(+ 1 2)`, err: `Unsupported reader form: #=`},
	// D9 the completion sanitiser leaves regex literals alone.
	{src: `(quine completion (eval (do '(re-find #"\d+" "a12"))))`, want: `"12"`},
	{src: `(re-find #"\d+" "a12")`, want: `"12"`},
	// D10 RE2.
	{src: `(re-find #"(a)\1" "aa")`, err: `Unsupported regex (RE2): `},
	// D11 code points.
	{src: `(count "😀")`, want: `1`},
	{src: `(subs "😀ab" 1)`, want: `"ab"`},
	// D12 no callee locals after catch.
	{src: `(try ((fn [a] (undefined-fn)) 5) (catch e a))`, err: `Unbound symbol: a`},
	{src: `(do (defn callee [b] (def inner-def 1) (undefined-fn)) (try (callee 5) (catch e [b inner-def])))`, err: `Unbound symbol: b`},
	{src: `(do (defn callee [b] (def inner-def 1) (undefined-fn)) (try (callee 5) (catch e inner-def)))`, err: `Unbound symbol: inner-def`},
	{src: `(do (try (def before 1) ((fn [a] (undefined-fn)) 5) (catch e (def after 2))) [before after])`, want: `[1 2]`},
	{src: `(try (let [l 1] (undefined-fn)) (catch e l))`, err: `Unbound symbol: l`},
}

// langCatchability lists every category of §12.2: each is caught by try.
var langCatchability = []langCase{
	{src: `(try (let x 1) (catch e :caught))`, want: `:caught`},
	{src: `(try (think) (catch e (:message e)))`, want: `"think expects a label"`},
	{src: `(try (prune "x") (catch e :caught))`, want: `:caught`},
	{src: `(try (!call-now a) (catch e (:message e)))`, want: `"!call-now: expected 2 args per name/expression pair, with optional leading {:max-chars N}"`},
	{src: `(try (!peek a) (catch e :caught))`, want: `:caught`},
	{src: `(try (!call-now a 1 200) (catch e :caught))`, want: `:caught`},
	{src: `(try (!describe :k) (catch e (:message e)))`, want: `"!describe: a keyword cannot be a namespace; repeat the namespace for each key, e.g. (!describe skills :coding skills :spell-developer)"`},
	{src: `(try (!describe strings :a :b) (catch e :caught))`, want: `:caught`},
	{src: `(try (first-line 1 2) (catch e :caught))`, want: `:caught`},
	{src: `(try (first-line -1 ["a"]) (catch e :caught))`, want: `:caught`},
	{src: `(try (reopen 1) (catch e (:message e)))`, want: `"reopen expects a quine form"`},
	{src: `(try (reopen '(quine c 1)) (catch e (:message e)))`, want: `"reopen expects quine tail of the form (eval (do ...))"`},
	{src: `(try (def x) (catch e (:message e)))`, want: `"def expects a symbol and a value"`},
	{src: `(try (if) (catch e :caught))`, want: `:caught`},
	{src: `(try (loop x) (catch e :caught))`, want: `:caught`},
	{src: `(try (for x) (catch e :caught))`, want: `:caught`},
	{src: `(try (fn) (catch e :caught))`, want: `{:spell/fn true, :params nil, :body ()}`},
	{src: `(try ((fn f [x] x) 1) (catch e (:message e)))`, want: `"fn expects a parameter vector"`},
	{src: `(try (let [1 2] 1) (catch e (:message e)))`, want: `"Invalid destructuring pattern: 1"`},
	{src: `(try ((fn [#{a}] a) 1) (catch e :caught))`, want: `:caught`},
	{src: `(try (recur 1) (catch e (:message e)))`, want: `"recur: can only recur from tail position of fn or loop"`},
	{src: `(try (if-let x 1) (catch e :caught))`, want: `:caught`},
	{src: `(try (defn 1) (catch e :caught))`, want: `:caught`},
	{src: `(try (as->) (catch e :caught))`, want: `:caught`},
	{src: `(try (case) (catch e :caught))`, want: `:caught`},
	{src: `(try (!llm-self "x") (catch e :caught))`, want: `:caught`},
	{src: `(try (io/sh "ls") (catch e :caught))`, want: `:caught`},
	{src: `(try (eval 1 2) (catch e :caught))`, want: `:caught`},
	{src: `(try (quine) (catch e :caught))`, want: `:caught`},
	{src: `(try (try) (catch e :caught))`, want: `nil`},
}

func TestLangSpecialForms(t *testing.T) { runLangCases(t, langSpecialForms) }
func TestLangMacros(t *testing.T)       { runLangCases(t, langMacros) }
func TestLangEvaluation(t *testing.T)   { runLangCases(t, langEvaluation) }
func TestLangWrapper(t *testing.T)      { runLangCases(t, langWrapper) }
func TestLangEdits(t *testing.T)        { runLangCases(t, langEdits) }
func TestLangDivergences(t *testing.T)  { runLangCases(t, langDivergences) }
func TestLangCatchability(t *testing.T) { runLangCases(t, langCatchability) }

// recordingEffects binds !llm-self to a function returning its arguments
// as a vector, so a test can see exactly what a turn helper expanded to.
type recordingEffects struct{}

func (recordingEffects) Bindings() map[*value.Symbol]value.Value {
	return map[*value.Symbol]value.Value{
		value.Sym("!llm-self"): NewFn("!llm-self", func(c *Call, args []value.Value) (value.Value, error) {
			return value.NewVector(append([]value.Value(nil), args...)), nil
		}),
	}
}

// TestLangTurnHelpers checks the expansions of runtime.md §4 by observing
// the arguments the helpers pass to !llm-self.
func TestLangTurnHelpers(t *testing.T) {
	runLangCasesOpts(t, []langCase{
		{src: `(quine completion (eval (do (def a 1) '(!extend))))`,
			want: `[(quine completion (eval (do (def a 1) (quote (!extend))))) {:receive? true}]`},
		{src: `(quine completion (eval (do (def a 1) (prune) '(!extend))))`,
			want: `[(quine completion (eval (do (quote (!extend))))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!extend '(quine c (eval (do 1))))))) `,
			want: `[(quine c (eval (do 1))) {:receive? true}]`},
		{src: `(quine completion (eval (do (def a 1) '(!call-now x (+ 1 2) y "s"))))`,
			want: `[(quine completion (eval (do (def a 1) (quote (!call-now x (+ 1 2) y "s")) (def x 3) (def y "s")))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!call-now {:max-chars 200} x [1 2]))))`,
			want: `[(quine completion (eval (do (quote (!call-now {:max-chars 200} x [1 2])) (def x [1 2])))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!peek x 1))))`,
			want: `[(quine completion (eval (do (quote (!peek x 1)) (def x 1) (prune 2)))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!peek-now x 1 y 2))))`,
			want: `[(quine completion (eval (do (quote (!peek-now x 1 y 2)) (def x 1) (def y 2) (prune 3)))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!print (+ 1 2) (list 4 5)))))`,
			want: `[(quine completion (eval (do (quote (!print (+ 1 2) (list 4 5))) 3 (quote (4 5))))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(print "h"))))`,
			want: `[(quine completion (eval (do (quote (print "h")) "h"))) {:receive? true}]`},
		{src: `(quine completion (eval (do (def v 5) (persist v (+ 2 3)) '(!extend))))`,
			want: `[(quine completion (eval (do (def v 5) (persist v 5) (quote (!extend))))) {:receive? true}]`},
		{src: `(quine completion (eval (do '(!call-now x 1 2))))`,
			err: `!call-now: expected 2 args per name/expression pair, with optional leading {:max-chars N}`},
		{src: `(quine completion (eval (do '(!describe :k))))`,
			err: `!describe: a keyword cannot be a namespace`},
		{src: `(quine completion (eval (do (def r #"x") (persist r) '(!extend))))`,
			err: `Value has no ordinary source representation`},
	}, Options{Effects: recordingEffects{}})

	// !compact and !describe: check the shape, not the long texts.
	_, res, err := RunProgram(context.Background(), "<eval>", []byte(`(quine completion (eval (do (def a 1) '(!compact))))`), Options{Effects: recordingEffects{}})
	if err != nil {
		t.Fatalf("!compact: %v", err)
	}
	got := value.PrStr(res.Value)
	if !strings.HasPrefix(got, `["(quine completion (eval (do (def a 1) (quote (!compact)) (think \"=compact= Rewrite your whole context`) ||
		!strings.HasSuffix(got, `(wrap-cat " {:receive? false}]`) {
		t.Errorf("!compact expansion: %s", got)
	}
	_, res, err = RunProgram(context.Background(), "<eval>", []byte(`(quine completion (eval (do '(!describe strings :split))))`), Options{Effects: recordingEffects{}})
	if err != nil {
		t.Fatalf("!describe: %v", err)
	}
	if got := value.PrStr(res.Value); !strings.HasPrefix(got, `[(quine completion (eval (do (quote (!describe strings :split)) "Split string`) || !strings.HasSuffix(got, `{:receive? true}]`) {
		t.Errorf("!describe expansion: %s", got)
	}
	_, res, err = RunProgram(context.Background(), "<eval>", []byte(`(quine completion (eval (do '(!describe strings :trim math))))`), Options{Effects: recordingEffects{}})
	if err != nil {
		t.Fatalf("!describe several: %v", err)
	}
	if got := value.PrStr(res.Value); !strings.Contains(got, `\"## strings :trim\n`) && !strings.Contains(got, `"## strings :trim\n`) {
		t.Errorf("!describe several namespaces: want a \"## strings :trim\" section, got %s", got)
	}
}

// TestLangErrorValues checks the value a catch binds and the presentation
// extras kept beside the message.
func TestLangErrorValues(t *testing.T) {
	// The thrown value itself when throw fails directly.
	_, err := EvalString(`(throw {:code 7})`)
	var e *Error
	if !errors.As(err, &e) || !e.HasThrown || value.PrStr(e.Thrown) != `{:code 7}` || e.Msg != `{:code 7}` {
		t.Fatalf("throw: got %#v", err)
	}
	// A builtin failure carries no thrown value.
	_, err = EvalString(`(inc nil)`)
	if !errors.As(err, &e) || e.HasThrown || !strings.HasPrefix(e.Msg, "Function call failed: inc: ") {
		t.Fatalf("inc nil: got %#v", err)
	}

	// The call trace: innermost first.
	_, err = EvalString(`(do (defn inner [] (undefined-q)) (defn outer [] (inner)) (outer))`)
	if !errors.As(err, &e) {
		t.Fatalf("trace: %v", err)
	}
	if e.Msg != "Unbound symbol: undefined-q" {
		t.Errorf("trace: message %q", e.Msg)
	}
	if got := e.CallTrace(); got != "in inner, called from outer" {
		t.Errorf("trace: CallTrace() = %q, want %q", got, "in inner, called from outer")
	}
	if e.Span == nil {
		t.Errorf("trace: no span on the failing expression")
	}
	if e.Fatal {
		t.Errorf("trace: error is fatal")
	}

	// Spell callbacks from builtins appear in the trace too.
	_, err = EvalString(`(do (defn cb [x] (throw "cb")) (map cb [1]))`)
	if !errors.As(err, &e) || e.Msg != "Function call failed: map: cb" {
		t.Fatalf("callback: got %v", err)
	}

	// Messages never carry a position, a trace or a hint, even when the
	// error has all three.
	for _, src := range []string{
		`(do (defn inner [] (undefined-q)) (defn outer [] (inner)) (outer))`,
		"(do\n  (def x 1)\n  (cout x))",
		`(strings/nope "a")`,
		`(let [a (def z 1) b z] b)`,
		`(quine completion (eval (do '(!extend)) (+ 1 2)))`,
		`(frist [1])`,
	} {
		_, err := EvalString(src)
		if !errors.As(err, &e) {
			t.Errorf("%s: want *Error, got %v", src, err)
			continue
		}
		if positionRE.MatchString(e.Msg) || strings.Contains(e.Msg, "called from") || strings.Contains(e.Msg, "did you mean") {
			t.Errorf("%s: message %q carries presentation", src, e.Msg)
		}
	}
	// A hint is kept beside the message.
	_, err = EvalString(`(frist [1])`)
	if errors.As(err, &e) && !strings.Contains(e.Hint, "first") {
		t.Errorf("(frist [1]): hint %q, want a did-you-mean for first", e.Hint)
	}
}
