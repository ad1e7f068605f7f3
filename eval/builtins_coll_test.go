package eval

import (
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// coCase is one table entry: want is the readable form of the value, or
// "error: <substring>" for an expected failure.
type coCase struct{ src, want string }

func coRun(t *testing.T, cases []coCase) {
	t.Helper()
	for _, tc := range cases {
		v, err := EvalString(tc.src)
		if sub, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil {
				t.Errorf("%s\n got value %s, want error containing %q", tc.src, value.PrStr(v), sub)
			} else if !strings.Contains(err.Error(), sub) {
				t.Errorf("%s\n got error %q, want error containing %q", tc.src, err.Error(), sub)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s\n got error %v, want %s", tc.src, err, tc.want)
			continue
		}
		if got := value.PrStr(v); got != tc.want {
			t.Errorf("%s\n got  %s\n want %s", tc.src, got, tc.want)
		}
	}
}

func TestCoCollections(t *testing.T) {
	coRun(t, []coCase{
		{`(list 1 2)`, `(1 2)`},
		{`(list)`, `()`},
		{`(list? (list 1))`, `true`},
		{`(vector 1 2)`, `[1 2]`},
		{`(vector)`, `[]`},
		{`(set [1 2 1])`, `#{1 2}`},
		{`(set nil)`, `#{}`},
		{`(set "aba")`, `#{\a \b}`},
		{`(set :a)`, `error: Don't know how to create a sequence from: keyword`},

		{`(first [1 2])`, `1`},
		{`(first nil)`, `nil`},
		{`(first "ab")`, `\a`},
		{`(first {:a 1})`, `[:a 1]`},
		{`(first '())`, `nil`},
		{`(first :a)`, `error: Don't know how to create a sequence from: keyword`},
		{`(second [1 2])`, `2`},
		{`(second [1])`, `nil`},
		{`(second #{1 2})`, `2`},
		{`(last [1 2 3])`, `3`},
		{`(last [])`, `nil`},
		{`(last '(1 2))`, `2`},
		{`(last nil)`, `nil`},
		{`(ffirst [[1 2] [3]])`, `1`},
		{`(ffirst {:a 1})`, `:a`},
		{`(ffirst nil)`, `nil`},

		{`(rest [1 2 3])`, `(2 3)`},
		{`(rest [1])`, `()`},
		{`(rest nil)`, `()`},
		{`(seq? (rest [1 2]))`, `true`},
		{`(list? (rest [1 2]))`, `false`},
		{`(list? (rest '(1 2 3)))`, `true`},
		{`(rest "abc")`, `(\b \c)`},
		{`(next [1 2])`, `(2)`},
		{`(next [1])`, `nil`},
		{`(next nil)`, `nil`},
		{`(list? (next '(1 2)))`, `true`},

		{`(cons 0 [1 2])`, `(0 1 2)`},
		{`(cons 0 nil)`, `(0)`},
		{`(cons 0 '(1))`, `(0 1)`},
		{`(list? (cons 0 '(1)))`, `false`},
		{`(seq? (cons 0 [1]))`, `true`},
		{`(cons 1 2)`, `error: Don't know how to create a sequence from: number`},

		{`(conj [1 2] 3)`, `[1 2 3]`},
		{`(conj [1 2] 3 4)`, `[1 2 3 4]`},
		{`(conj '(1 2) 0)`, `(0 1 2)`},
		{`(conj '(1 2) 0 -1)`, `(-1 0 1 2)`},
		{`(list? (conj '(1) 0))`, `true`},
		{`(conj nil 1)`, `(1)`},
		{`(conj nil 1 2)`, `(2 1)`},
		{`(list? (conj nil 1))`, `true`},
		{`(conj)`, `[]`},
		{`(conj [1])`, `[1]`},
		{`(conj #{1} 2 1)`, `#{1 2}`},
		{`(conj {:a 1} [:b 2])`, `{:a 1, :b 2}`},
		{`(conj {:a 1} {:b 2 :c 3})`, `{:a 1, :b 2, :c 3}`},
		{`(conj {:a 1} nil)`, `{:a 1}`},
		{`(conj {:a 1} [:b])`, `error: Vector arg to map conj must be a pair`},
		{`(conj "ab" \c)`, `error: conj not supported`},
		{`(conj (first {:a 1}) 3)`, `[:a 1 3]`},

		{`(get {:a 1} :a)`, `1`},
		{`(get {:a 1} :b)`, `nil`},
		{`(get [10 20] 1)`, `20`},
		{`(get [10 20] 5)`, `nil`},
		{`(get [10 20] -1)`, `nil`},
		{`(get [10 20] :a)`, `nil`},
		{`(get nil :a)`, `nil`},
		{`(get {} :a 0)`, `0`},
		{`(get #{:a} :a)`, `:a`},
		{`(get #{:a} :b :none)`, `:none`},
		{`(get "héllo" 1)`, `\é`},
		{`(get "abc" 9 :x)`, `:x`},
		{`(get 42 :a)`, `nil`},
		{`(get {:a nil} :a :d)`, `nil`},
		{`(get (sorted-map 1 :x) 1)`, `:x`},

		{`(assoc {:a 1} :b 2)`, `{:a 1, :b 2}`},
		{`(assoc {:a 1} :a 5 :c 3)`, `{:a 5, :c 3}`},
		{`(assoc nil :a 1)`, `{:a 1}`},
		{`(assoc [1 2] 2 3)`, `[1 2 3]`},
		{`(assoc [1 2] 0 :x)`, `[:x 2]`},
		{`(assoc [1 2] 3 3)`, `error: out of bounds`},
		{`(assoc [1 2] :k 3)`, `error: Key must be integer`},
		{`(assoc {:a 1} :b 2 :c)`, `error: even number of arguments`},
		{`(assoc '(1) 0 2)`, `error: assoc not supported`},

		{`(count "héllo")`, `5`},
		{`(count "😀")`, `1`},
		{`(count {:a 1})`, `1`},
		{`(count nil)`, `0`},
		{`(count [1 2 3])`, `3`},
		{`(count '(1 2))`, `2`},
		{`(count #{1 2})`, `2`},
		{`(count (fn [x] x))`, `3`},
		{`(count 5)`, `error: count not supported on this type: number`},

		{`(reverse [1 2 3])`, `[3 2 1]`},
		{`(reverse nil)`, `[]`},
		{`(reverse '(1 2))`, `[2 1]`},
		{`(apply str (reverse "abc"))`, `"cba"`},

		{`(nth [:a :b] 1)`, `:b`},
		{`(nth [:a] 5 :none)`, `:none`},
		{`(nth [:a] 5)`, `error: index 5 out of bounds`},
		{`(nth '(1 2 3) 2)`, `3`},
		{`(nth "abc" 1)`, `\b`},
		{`(nth nil 3)`, `nil`},
		{`(nth [1 2] -1)`, `error: out of bounds`},
		{`(nth {:a 1} 0)`, `error: nth not supported on this type: map`},
		{`(nth [1 2] :a)`, `error: Expected a number`},
		{`(nth [1 2] 1.0)`, `2`},
		{`(try (nth [1] 5) (catch e (:message e)))`, `"Function call failed: nth: index 5 out of bounds"`},

		{`(keys {:a 1 :b 2})`, `(:a :b)`},
		{`(keys {})`, `nil`},
		{`(keys nil)`, `nil`},
		{`(seq? (keys {:a 1}))`, `true`},
		{`(list? (keys {:a 1}))`, `false`},
		{`(vals {:a 1 :b 2})`, `(1 2)`},
		{`(vals {})`, `nil`},
		{`(keys [1 2])`, `error: keys expects a map`},
		{`(keys (sorted-map :b 1 :a 2))`, `(:a :b)`},
		{`(key (first {:a 1}))`, `:a`},
		{`(val (first {:a 1}))`, `1`},
		{`(key (find {:a 1} :a))`, `:a`},
		{`(key [1 2])`, `error: key expects a map entry`},

		{`(into {} [[:a 1]])`, `{:a 1}`},
		{`(into [1] '(2 3))`, `[1 2 3]`},
		{`(into '() [1 2])`, `(2 1)`},
		{`(into nil [1 2])`, `(2 1)`},
		{`(into #{} [1 2 1])`, `#{1 2}`},
		{`(into {} {:a 1})`, `{:a 1}`},
		{`(into [] "ab")`, `[\a \b]`},
		{`(into [] {:a 1})`, `[[:a 1]]`},
		{`(into (sorted-map) {:b 1 :a 2})`, `{:a 2, :b 1}`},
		{`(into [] [1] [2])`, `error: Wrong number of args (3) passed to: into`},

		{`(concat [1] '(2))`, `(1 2)`},
		{`(concat [1] '(2) [3])`, `(1 2 3)`},
		{`(concat)`, `()`},
		{`(concat nil [1])`, `(1)`},
		{`(seq? (concat [1]))`, `true`},
		{`(str (concat [1] [2]))`, `"(1 2)"`},

		{`(peek [1 2])`, `2`},
		{`(peek '(1 2))`, `1`},
		{`(peek [])`, `nil`},
		{`(peek nil)`, `nil`},
		{`(pop [1 2 3])`, `[1 2]`},
		{`(pop '(1 2))`, `(2)`},
		{`(list? (pop '(1 2)))`, `true`},
		{`(pop nil)`, `nil`},
		{`(pop [])`, `error: Can't pop empty vector`},
		{`(pop '())`, `error: Can't pop empty list`},
		{`(pop #{1})`, `error: pop not supported`},

		{`(butlast [1 2 3])`, `(1 2)`},
		{`(butlast [1])`, `nil`},
		{`(butlast nil)`, `nil`},
		{`(seq? (butlast [1 2]))`, `true`},

		{`(subvec [1 2 3 4] 1 3)`, `[2 3]`},
		{`(subvec [1 2 3 4] 2)`, `[3 4]`},
		{`(subvec [1 2 3 4] 3 1)`, `error: out of bounds`},
		{`(subvec [1 2 3 4] 0 5)`, `error: out of bounds`},
		{`(subvec '(1 2) 0)`, `error: subvec expects a vector`},

		{`(vec '(1 2))`, `[1 2]`},
		{`(vec {:a 1})`, `[[:a 1]]`},
		{`(vec nil)`, `[]`},
		{`(vec "ab")`, `[\a \b]`},
		{`(vec #{1 2})`, `[1 2]`},

		{`(not-empty [])`, `nil`},
		{`(not-empty [1])`, `[1]`},
		{`(not-empty "")`, `nil`},
		{`(not-empty nil)`, `nil`},
		{`(not-empty {:a 1})`, `{:a 1}`},

		{`(find {:a 1} :a)`, `[:a 1]`},
		{`(find {:a 1} :b)`, `nil`},
		{`(find nil :a)`, `nil`},
		{`(find [10 20] 1)`, `[1 20]`},
		{`(find {:a nil} :a)`, `[:a nil]`},

		{`(list* 1 2 [3 4])`, `(1 2 3 4)`},
		{`(list* [])`, `nil`},
		{`(list* [1 2])`, `(1 2)`},
		{`(list* 1 nil)`, `(1)`},
		{`(seq? (list* 1 [2]))`, `true`},

		{`(seq [])`, `nil`},
		{`(seq nil)`, `nil`},
		{`(seq "")`, `nil`},
		{`(seq "ab")`, `(\a \b)`},
		{`(seq {:a 1})`, `([:a 1])`},
		{`(seq [1 2])`, `(1 2)`},
		{`(list? (seq '(1 2)))`, `false`},
		{`(seq? (seq '(1 2)))`, `true`},
		{`(seq 5)`, `error: Don't know how to create a sequence from: number`},

		{`(contains? [10 20] 1)`, `true`},
		{`(contains? [10 20] 10)`, `false`},
		{`(contains? #{:a} :a)`, `true`},
		{`(contains? {:a nil} :a)`, `true`},
		{`(contains? {:a 1} :b)`, `false`},
		{`(contains? nil :a)`, `false`},
		{`(contains? "abc" 2)`, `true`},
		{`(contains? '(1 2) 0)`, `error: contains? not supported`},

		{`(disj #{1 2 3} 2)`, `#{1 3}`},
		{`(disj #{1 2 3} 2 3)`, `#{1}`},
		{`(disj #{1})`, `#{1}`},
		{`(disj nil 1)`, `nil`},
		{`(disj [1] 1)`, `error: disj not supported`},

		{`(empty? nil)`, `true`},
		{`(empty? [])`, `true`},
		{`(empty? "")`, `true`},
		{`(empty? "a")`, `false`},
		{`(empty? {})`, `true`},
		{`(empty? '(1))`, `false`},
		{`(empty? 5)`, `error: Don't know how to create a sequence from: number`},
	})
}

func TestCoMaps(t *testing.T) {
	coRun(t, []coCase{
		{`(merge)`, `nil`},
		{`(merge nil)`, `nil`},
		{`(merge {:a 1} {:a 2 :b 3})`, `{:a 2, :b 3}`},
		{`(merge nil {:a 1})`, `{:a 1}`},
		{`(merge {:a 1} nil)`, `{:a 1}`},
		{`(merge {:a 1} {:b 2} {:a 3})`, `{:a 3, :b 2}`},
		{`(merge-with + {:a 1} {:a 2 :b 3})`, `{:a 3, :b 3}`},
		{`(merge-with +)`, `nil`},
		{`(merge-with into {:a [1]} {:a [2]} {:a [3] :b []})`, `{:a [1 2 3], :b []}`},

		{`(update {:x 5} :x (fn [v] (* v 2)))`, `{:x 10}`},
		{`(update {:n 1} :n + 10)`, `{:n 11}`},
		{`(update {} :n (fnil inc 0))`, `{:n 1}`},
		{`(update [1 2] 0 inc)`, `[2 2]`},
		{`(update nil :a (fn [x] x))`, `{:a nil}`},
		{`(update {:a 1} :a (fn [x y] x))`, `error: Wrong number of args: expected 2, got 1`},

		{`(update-in {:a {:b 1}} [:a :b] inc)`, `{:a {:b 2}}`},
		{`(update-in {} [:a :b] (fnil + 0) 5)`, `{:a {:b 5}}`},
		{`(update-in {:a [1 2]} [:a 1] * 10)`, `{:a [1 20]}`},

		{`(get-in {:a [10 20]} [:a 1])`, `20`},
		{`(get-in {} [:x] :none)`, `:none`},
		{`(get-in {:a {:b nil}} [:a :b] :none)`, `nil`},
		{`(get-in {:a 1} [])`, `{:a 1}`},
		{`(get-in {:a 1} nil)`, `{:a 1}`},
		{`(get-in nil [:a :b])`, `nil`},

		{`(assoc-in {} [:a :b] 1)`, `{:a {:b 1}}`},
		{`(assoc-in {:a [1 2]} [:a 0] :x)`, `{:a [:x 2]}`},
		{`(assoc-in nil [:a] 1)`, `{:a 1}`},

		{`(dissoc {:a 1 :b 2} :a)`, `{:b 2}`},
		{`(dissoc {:a 1 :b 2} :a :b)`, `{}`},
		{`(dissoc {:a 1})`, `{:a 1}`},
		{`(dissoc nil :a)`, `nil`},
		{`(dissoc [1] 0)`, `error: dissoc not supported`},

		{`(select-keys {:a 1 :b 2} [:a :z])`, `{:a 1}`},
		{`(select-keys {:a 1 :b 2} [])`, `{}`},
		{`(select-keys nil [:a])`, `{}`},

		{`(zipmap [:a :b] [1 2 3])`, `{:a 1, :b 2}`},
		{`(zipmap [:a :b :c] [1])`, `{:a 1}`},
		{`(zipmap [] [])`, `{}`},

		{`(reduce-kv (fn [acc k v] (+ acc v)) 0 {:a 1 :b 2})`, `3`},
		{`(reduce-kv (fn [acc k v] (conj acc k)) [] {:a 1 :b 2})`, `[:a :b]`},
		{`(reduce-kv (fn [acc k v] (reduced k)) 0 {:a 1 :b 2})`, `:a`},
		{`(reduce-kv (fn [acc i v] (+ acc i v)) 0 [10 20])`, `31`},
		{`(reduce-kv (fn [acc k v] acc) :init nil)`, `:init`},

		{`(update-keys {:a 1} name)`, `{"a" 1}`},
		{`(update-vals {:a 1 :b 2} inc)`, `{:a 2, :b 3}`},
		{`(update-vals {} inc)`, `{}`},

		{`(frequencies [:a :b :a])`, `{:a 2, :b 1}`},
		{`(frequencies "abca")`, `{\a 2, \b 1, \c 1}`},
		{`(frequencies [])`, `{}`},
		{`(group-by odd? [1 2 3])`, `{true [1 3], false [2]}`},
		{`(group-by count ["a" "bb" "c"])`, `{1 ["a" "c"], 2 ["bb"]}`},

		{`(sorted-map :b 2 :a 1)`, `{:a 1, :b 2}`},
		{`(sorted-map)`, `{}`},
		{`(sorted-map :a)`, `error: No value supplied for key: :a`},
		{`(sorted-map :a 1 "b" 2)`, `error: Cannot compare`},
		{`(sorted-set 3 1 2)`, `#{1 2 3}`},
		{`(sorted-set 3 1 2 1)`, `#{1 2 3}`},
		{`(sorted-map-by > 1 :a 2 :b)`, `{2 :b, 1 :a}`},
		{`(sorted-set-by > 1 3 2)`, `#{3 2 1}`},
		{`(sorted-set-by (fn [a b] (- b a)) 1 3 2)`, `#{3 2 1}`},
		{`(sorted-set-by (fn [a b] (compare a b)) "b" "a")`, `#{"a" "b"}`},
		{`(assoc (sorted-map-by > 1 :a) 3 :c 2 :b)`, `{3 :c, 2 :b, 1 :a}`},
		{`(conj (sorted-set-by > 1) 5 3)`, `#{5 3 1}`},
		{`(sorted-set-by (fn [a b] :x) 1 2)`, `error: Comparator must return a number or a boolean`},
		{`(sorted-set-by (fn [a] true) 1 2)`, `error: Wrong number of args: expected 1, got 2`},
		{`(first (sorted-map :b 2 :a 1))`, `[:a 1]`},
		{`(get (sorted-map-by > 1 :a 2 :b) 2)`, `:b`},
	})
}

func TestCoInsertionOrder(t *testing.T) {
	coRun(t, []coCase{
		{`(keys (zipmap [:k1 :k2 :k3 :k4 :k5 :k6 :k7 :k8 :k9 :k10 :k11 :k12] (range 12)))`,
			`(:k1 :k2 :k3 :k4 :k5 :k6 :k7 :k8 :k9 :k10 :k11 :k12)`},
		{`(reduce (fn [m i] (assoc m (- 20 i) i)) {} (range 12))`,
			`{20 0, 19 1, 18 2, 17 3, 16 4, 15 5, 14 6, 13 7, 12 8, 11 9, 10 10, 9 11}`},
		{`(vec (into #{} [9 3 7 1 12 5 10 2 11 4 8 6]))`, `[9 3 7 1 12 5 10 2 11 4 8 6]`},
		{`(keys (frequencies [:j :i :h :g :f :e :d :c :b :a :j :a]))`, `(:j :i :h :g :f :e :d :c :b :a)`},
		{`(vals (frequencies [:j :i :h :g :f :e :d :c :b :a :j :a]))`, `(2 1 1 1 1 1 1 1 1 2)`},
		{`(keys (group-by (fn [x] (- 100 x)) (range 10)))`, `(100 99 98 97 96 95 94 93 92 91)`},
		{`(keys (assoc (zipmap (range 10) (range 10)) 3 :again))`, `(0 1 2 3 4 5 6 7 8 9)`},
		{`(keys (dissoc (zipmap (range 10) (range 10)) 3))`, `(0 1 2 4 5 6 7 8 9)`},
		{`(distinct [9 3 9 7 1 12 5 10 2 11 4 8 6 3])`, `[9 3 7 1 12 5 10 2 11 4 8 6]`},
		{`(keys (merge (zipmap (range 9 0 -1) (range 9)) {100 1 0 2}))`, `(9 8 7 6 5 4 3 2 1 100 0)`},
		{`(keys (update-vals (zipmap (range 9 0 -1) (range 9)) inc))`, `(9 8 7 6 5 4 3 2 1)`},
		{`(keys (select-keys (zipmap (range 10) (range 10)) [9 1 5]))`, `(9 1 5)`},
	})
}

func TestCoSequences(t *testing.T) {
	coRun(t, []coCase{
		{`(map inc [1 2 3])`, `[2 3 4]`},
		{`(map + [1 2] [10 20])`, `[11 22]`},
		{`(map vector [1 2 3] [:a :b])`, `[[1 :a] [2 :b]]`},
		{`(map inc nil)`, `[]`},
		{`(map :a [{:a 1} {:a 2}])`, `[1 2]`},
		{`(map (fn [[k v]] v) {:a 1 :b 2})`, `[1 2]`},
		{`(map (fn [x y] y) [1])`, `error: Wrong number of args`},
		{`(try (map (fn [x] (throw "in-map")) [1]) (catch e (:message e)))`, `"Function call failed: map: in-map"`},
		{`(map inc :a)`, `error: Don't know how to create a sequence from: keyword`},
		{`(do (defn f [x] (+ x y)) (def y 5) (map f [1 2]))`, `[6 7]`},
		{`(let [k 10] (map (fn [x] (+ x k)) [1 2]))`, `[11 12]`},
		{`(map-indexed vector [:a :b])`, `[[0 :a] [1 :b]]`},
		{`(filter even? [1 2 3 4])`, `[2 4]`},
		{`(filter even? nil)`, `[]`},
		{`(remove odd? [1 2 3])`, `[2]`},
		{`(filter #{1 3} [1 2 3])`, `[1 3]`},
		{`(keep :a [{:a 1} {} {:a 2}])`, `[1 2]`},
		{`(keep (fn [x] (when (odd? x) (* x x))) [1 2 3])`, `[1 9]`},
		{`(keep (fn [x] false) [1])`, `[false]`},
		{`(keep-indexed (fn [i x] (when (even? i) x)) [:a :b :c])`, `[:a :c]`},
		{`(mapcat (fn [x] [x x]) [1 2])`, `[1 1 2 2]`},
		{`(mapcat identity [[1] nil [2 3]])`, `[1 2 3]`},

		{`(reduce + [1 2 3])`, `6`},
		{`(reduce + [])`, `0`},
		{`(reduce * [])`, `1`},
		{`(reduce + [5])`, `5`},
		{`(reduce + 10 [])`, `10`},
		{`(reduce conj [] '(1 2))`, `[1 2]`},
		{`(reduce (fn [acc x] (if (= x 3) (reduced acc) (+ acc x))) 0 [1 2 3 4])`, `3`},
		{`(reduce (fn [a x] (if (> x 2) (reduced a) (+ a x))) [1 2 3 4])`, `3`},
		{`(reduce (fn [a b] (+ a b)) [])`, `error: Wrong number of args: expected 2, got 0`},
		{`(reduce (fn [acc [k v]] (+ acc v)) 0 {:a 1 :b 2})`, `3`},
		{`(reductions + [1 2 3])`, `[1 3 6]`},
		{`(reductions + 10 [1 2])`, `[10 11 13]`},
		{`(reductions + [])`, `[0]`},
		{`(reductions (fn [a x] (if (> a 2) (reduced :stop) (+ a x))) [1 2 3 4])`, `[1 3 :stop]`},

		{`(some even? [1 4 5])`, `true`},
		{`(some #{3} [1 3])`, `3`},
		{`(some even? [])`, `nil`},
		{`(find-first even? [1 4 6])`, `4`},
		{`(find-first even? [1 3 4 6])`, `4`},
		{`(find-first even? [1])`, `nil`},
		{`(every? pos? [1 2])`, `true`},
		{`(every? pos? [])`, `true`},
		{`(every? pos? [1 -1])`, `false`},
		{`(not-any? neg? [1 2])`, `true`},
		{`(not-any? neg? [1 -2])`, `false`},
		{`(not-every? odd? [1 2])`, `true`},
		{`(not-every? odd? [1 3])`, `false`},

		{`(take 2 [1 2 3])`, `[1 2]`},
		{`(take 5 [1 2 3])`, `[1 2 3]`},
		{`(take 0 [1 2 3])`, `[]`},
		{`(take -1 [1 2 3])`, `[]`},
		{`(take 2 '(1 2 3))`, `[1 2]`},
		{`(take 1 {:a 1 :b 2})`, `[[:a 1]]`},
		{`(take 2 "abc")`, `[\a \b]`},
		{`(take :a [1])`, `error: Expected a number`},
		{`(drop 2 [1 2 3])`, `[3]`},
		{`(drop 5 [1 2 3])`, `[]`},
		{`(drop -1 [1 2])`, `[1 2]`},
		{`(take-last 2 [1 2 3])`, `[2 3]`},
		{`(take-last 5 [1 2 3])`, `[1 2 3]`},
		{`(take-last 0 [1 2 3])`, `[]`},
		{`(take-while pos? [2 1 0 3])`, `[2 1]`},
		{`(drop-while pos? [2 1 0 3])`, `[0 3]`},
		{`(take-nth 2 [0 1 2 3 4])`, `[0 2 4]`},
		{`(take-nth 3 (range 10))`, `[0 3 6 9]`},
		{`(take-nth 0 [1])`, `error: Output limit exceeded`},
		{`(take-nth 0 [])`, `[]`},
		{`(drop-last [1 2 3])`, `[1 2]`},
		{`(drop-last 2 [1 2 3])`, `[1]`},
		{`(drop-last 5 [1 2 3])`, `[]`},
		{`(drop-last [])`, `[]`},
		{`(split-at 1 [1 2 3])`, `[[1] [2 3]]`},
		{`(split-at 9 [1 2 3])`, `[[1 2 3] []]`},
		{`(split-with odd? [1 3 4 5])`, `[[1 3] [4 5]]`},
		{`(conj (first (split-at 1 [1 2 3])) :x)`, `[1 :x]`},

		{`(range 4)`, `[0 1 2 3]`},
		{`(range 2 5)`, `[2 3 4]`},
		{`(range 10 0 -3)`, `[10 7 4 1]`},
		{`(range 0)`, `[]`},
		{`(range -3)`, `[]`},
		{`(range 5 1)`, `[]`},
		{`(range 1 5 -1)`, `[]`},
		{`(range 3 3 0)`, `[]`},
		{`(range 3.0)`, `[0 1 2]`},
		{`(range 0 1 0.25)`, `[0 0.25 0.5 0.75]`},
		{`(range 0.5 3)`, `[0.5 1.5 2.5]`},
		{`(range 1/2 2)`, `[1/2 3/2]`},
		{`(range 0 10 0)`, `error: Output limit exceeded`},
		{`(range 1e12)`, `error: Output limit exceeded`},
		{`(range 100000000000)`, `error: Output limit exceeded`},
		{`(range 0 9223372036854775807 1)`, `error: Output limit exceeded`},
		{`(range ##Inf)`, `error: Output limit exceeded`},
		{`(try (range 1e12) (catch e :caught))`, `error: Output limit exceeded`},
		{`(range)`, `error: Wrong number of args (0) passed to: range`},
		{`(range :a)`, `error: Expected a number`},
		{`(count (range 100000))`, `100000`},
		{`(last (range -9223372036854775808 -9223372036854775806))`, `-9223372036854775807`},

		{`(repeat 3 :a)`, `[:a :a :a]`},
		{`(repeat 0 :a)`, `[]`},
		{`(repeat -2 :a)`, `[]`},
		{`(repeat 1e12 :a)`, `error: Output limit exceeded`},
		{`(repeat :a)`, `error: Wrong number of args (1) passed to: repeat`},
		{`(repeatedly 2 (fn [] 1))`, `[1 1]`},
		{`(repeatedly 2 (fn [x] 1))`, `error: Wrong number of args: expected 1, got 0`},
		{`(repeatedly 1e12 (fn [] 1))`, `error: Output limit exceeded`},

		{`(sort [3 1 2])`, `[1 2 3]`},
		{`(sort ["b" "a"])`, `["a" "b"]`},
		{`(sort nil)`, `[]`},
		{`(sort [[2 1] [1] [1 3]])`, `[[1] [1 3] [2 1]]`},
		{`(sort [1 :a])`, `error: Cannot compare`},
		{`(sort [3 1.5 2N 1/2])`, `[1/2 1.5 2N 3]`},
		{`(sort (fn [a b] (< a b)) [3 1 2])`, `error: Wrong number of args (2) passed to: sort`},
		{`(sort-by count ["ccc" "a" "bb"])`, `["a" "bb" "ccc"]`},
		{`(sort-by - [1 3 2])`, `[3 2 1]`},
		{`(sort-by first [[1 :b] [0 :z] [1 :a] [0 :y]])`, `[[0 :z] [0 :y] [1 :b] [1 :a]]`},
		{`(sort-by :n [{:n 2} {:n 1}])`, `[{:n 1} {:n 2}]`},

		{`(distinct [1 2 1 3])`, `[1 2 3]`},
		{`(distinct [1 1N 1.0])`, `[1 1.0]`},
		{`(dedupe [1 1 2 1])`, `[1 2 1]`},
		{`(dedupe [])`, `[]`},
		{`(flatten [1 [2 [3]]])`, `[1 2 3]`},
		{`(flatten [1 '(2 (3 [4])) #{5} {:a 1}])`, `[1 2 3 4 #{5} {:a 1}]`},
		{`(flatten nil)`, `[]`},
		{`(flatten 5)`, `[]`},
		{`(flatten {:a 1})`, `[]`},
		{`(flatten (seq {:a 1}))`, `[:a 1]`},
		{`(count (shuffle [1 2 3]))`, `3`},
		{`(sort (shuffle (range 20)))`, `[0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19]`},
		{`(shuffle nil)`, `error: shuffle expects a collection`},
		{`(random-sample 1.0 [1 2])`, `[1 2]`},
		{`(random-sample 0 [1 2])`, `[]`},

		{`(partition 2 [1 2 3 4 5])`, `[[1 2] [3 4]]`},
		{`(partition 2 1 [1 2 3])`, `[[1 2] [2 3]]`},
		{`(partition 3 [1 2])`, `[]`},
		{`(partition 2 3 [1 2 3 4 5 6 7])`, `[[1 2] [4 5]]`},
		{`(partition 0 [1 2])`, `error: Output limit exceeded`},
		{`(partition-all 2 [1 2 3])`, `[[1 2] [3]]`},
		{`(partition-all 2 1 [1 2 3])`, `[[1 2] [2 3] [3]]`},
		{`(partition-all 3 nil)`, `[]`},
		{`(conj (first (partition 2 1 [1 2 3])) :x)`, `[1 2 :x]`},
		{`(partition-by odd? [1 3 2 4 5])`, `[[1 3] [2 4] [5]]`},
		{`(partition-by identity [])`, `[]`},
		{`(interleave [1 2] [:a :b :c])`, `[1 :a 2 :b]`},
		{`(interleave)`, `[]`},
		{`(interleave [1 2])`, `[1 2]`},
		{`(interpose "," ["a" "b"])`, `["a" "," "b"]`},
		{`(interpose "," [])`, `[]`},
		{`(tree-seq vector? identity [1 [2]])`, `[[1 [2]] 1 [2] 2]`},
		{`(tree-seq map? :kids {:n 1 :kids [{:n 2 :kids [{:n 3}]} {:n 4}]})`,
			`[{:n 1, :kids [{:n 2, :kids [{:n 3}]} {:n 4}]} {:n 2, :kids [{:n 3}]} {:n 3} {:n 4}]`},
		{`(map :n (tree-seq :kids :kids {:n 1 :kids [{:n 2 :kids [{:n 3}]} {:n 4}]}))`, `[1 2 3 4]`},
		{`(rand-nth [7])`, `7`},
		{`(rand-nth nil)`, `nil`},
		{`(rand-nth [])`, `error: out of bounds`},
		{`(contains? #{1 2 3} (rand-nth [1 2 3]))`, `true`},
		{`(distinct? 1 2 3)`, `true`},
		{`(distinct? 1 2 1)`, `false`},
		{`(distinct? 1)`, `true`},
		{`(reduce (fn [a x] (reduced [a x])) [1 2 3])`, `[1 2]`},

		{`(apply + 1 [2 3])`, `6`},
		{`(apply (fn [a b] (* a b)) [6 7])`, `42`},
		{`(apply (fn [a b] (* a b)) [6])`, `error: Wrong number of args: expected 2, got 1`},
		{`(apply + nil)`, `0`},
		{`(apply str "abc")`, `"abc"`},
		{`(apply + 1 2)`, `error: Don't know how to create a sequence from: number`},
		{`(apply max [3 1 2])`, `3`},
		{`(apply (fn [& xs] xs) 1 [2 3])`, `(1 2 3)`},
	})
}

func TestCoCombinators(t *testing.T) {
	coRun(t, []coCase{
		{`((comp inc +) 1 2)`, `4`},
		{`((comp str inc) 1)`, `"2"`},
		{`((comp) 5)`, `5`},
		{`((comp inc) 5)`, `6`},
		{`((comp inc inc inc) 0)`, `3`},
		{`((comp (fn [x] (* x 10)) (fn [a b] (+ a b))) 1 2)`, `30`},
		{`((comp :a first) [{:a 7}])`, `7`},
		{`(fn? (comp inc dec))`, `true`},
		{`((partial + 10) 5)`, `15`},
		{`((partial + 10))`, `10`},
		{`((partial vector 1 2) 3 4)`, `[1 2 3 4]`},
		{`((partial (fn [a b] (- a b)) 10) 3)`, `7`},
		{`((partial (fn [a b] (- a b)) 10) 3 4)`, `error: Wrong number of args: expected 2, got 3`},
		{`((juxt inc dec) 5)`, `[6 4]`},
		{`((juxt :a :b) {:a 1 :b 2})`, `[1 2]`},
		{`((complement even?) 3)`, `true`},
		{`((complement even?) 2)`, `false`},
		{`((constantly 7) 1 2)`, `7`},
		{`((constantly 7))`, `7`},
		{`((every-pred pos? even?) 4)`, `true`},
		{`((every-pred pos? even?) 4 3)`, `false`},
		{`((every-pred pos?))`, `true`},
		{`((some-fn neg? zero?) 5)`, `nil`},
		{`((some-fn neg? zero?) 0)`, `true`},
		{`((some-fn :a :b) {:b 2})`, `2`},
		{`((fnil inc 0) nil)`, `1`},
		{`((fnil + 0 0) nil 5)`, `5`},
		{`((fnil + 0 0 0) 1 nil nil)`, `1`},
		{`((fnil inc 0) 4)`, `5`},
		{`((memoize inc) 1)`, `2`},
		{`(let [f (memoize (fn [x] (* x x)))] [(f 3) (f 3) (f 4)])`, `[9 9 16]`},
		{`(let [f (memoize +)] [(f 1 2) (f 1 2N) (f)])`, `[3 3 0]`},
		{`(let [f (fn [x] (+ x base))] (let [base 100] ((comp inc f) 1)))`, `102`},
		{`(let [g (partial (fn [x] (+ x base)))] (let [base 7] (g 1)))`, `8`},
		{`(try ((comp inc (fn [x] (throw "boom"))) 1) (catch e (:message e)))`, `"Function call failed: (comp inc (fn [x] (throw \"boom\"))): boom"`},
		{`(map (comp inc inc) [1 2])`, `[3 4]`},
	})
}

func TestCoMisc(t *testing.T) {
	coRun(t, []coCase{
		{`(seq (sorted-set 2 1))`, `(1 2)`},
		{`(conj (sorted-map) [:b 1] [:a 2])`, `{:a 2, :b 1}`},
		{`(merge (sorted-map :b 1) {:a 2})`, `{:a 2, :b 1}`},
		{`(rest (seq {:a 1 :b 2}))`, `([:b 2])`},
		{`(type (rest [1 2]))`, `"seq"`},
		{`(type (rest '(1 2)))`, `"list"`},
		{`(= (rest [1 2]) '(2))`, `true`},
		{`(key (first (sorted-map :a 1)))`, `:a`},
		{`(get (fn [x] x) :params)`, `[x]`},
		{`(apply merge-with + [{:a 1} {:a 2}])`, `{:a 3}`},
		{`(count (map inc (range 100000)))`, `100000`},
		{`(reduce + (range 1000000))`, `499999500000`},
		// Parts of one sequence share storage; growing one must not disturb another.
		{`(let [ps (partition 40 1 (range 100))] [(count ps) (count (conj (first ps) :x)) (nth (conj (first ps) :x) 40) (nth (second ps) 39)])`,
			`[61 41 :x 40]`},
		{`(let [[a b] (split-at 40 (range 100))] [(count (conj a :x)) (first b) (nth (conj a :x) 40) (nth b 0)])`, `[41 40 :x 40]`},
		{`(let [[a b] (split-at 2 [1 2 3 4])] [(conj a :x) b])`, `[[1 2 :x] [3 4]]`},
		// Callbacks run in the caller's environment (dynamic scope).
		{`(do (map (fn [i] (def m i)) [1]) m)`, `error: Unbound symbol: m`},
		{`(let [n 3] (filter (fn [x] (> x n)) [1 5 2 7]))`, `[5 7]`},
		{`(do (defn k [x] (- x off)) (def off 10) (sort-by k [15 12 30]))`, `[12 15 30]`},
		{`(try (reduce (fn [a x] (throw "in-reduce")) [1 2]) (catch e (:message e)))`, `"Function call failed: reduce: in-reduce"`},
		{`(try (sort-by (fn [x] (throw "k")) [1 2]) (catch e (:message e)))`, `"Function call failed: sort-by: k"`},
	})
}

// TestCoFirstLine checks that subvec keeps and shifts :spell/first-line
// (language.md §2.5) while other functions return plain vectors.
func TestCoFirstLine(t *testing.T) {
	rows := value.VectorOf("a", "b", "c", "d", "e").WithLines(4, nil)
	call := &Call{}
	sub, err := coSubvecFn(call, []value.Value{rows, int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	sv := sub.(*value.Vector)
	if sv.FirstLine != 6 || value.PrStr(sv) != `["c" "d" "e"]` {
		t.Errorf("subvec 2: first-line %d, %s", sv.FirstLine, value.PrStr(sv))
	}
	sub, _ = coSubvecFn(call, []value.Value{rows, int64(1), int64(3)})
	if sv := sub.(*value.Vector); sv.FirstLine != 5 || sv.Count() != 2 {
		t.Errorf("subvec 1 3: first-line %d count %d", sv.FirstLine, sv.Count())
	}
	sub, _ = coSubvecFn(call, []value.Value{rows, int64(0)})
	if sv := sub.(*value.Vector); sv.FirstLine != 4 {
		t.Errorf("subvec 0: first-line %d", sv.FirstLine)
	}
	// get, nth and count behave as for any vector.
	if v, _ := coGetFn(call, []value.Value{rows, int64(1)}); v != "b" {
		t.Errorf("get: %v", v)
	}
	if v, _ := coNthFn(call, []value.Value{rows, int64(4)}); v != "e" {
		t.Errorf("nth: %v", v)
	}
	if v, _ := coCountFn(call, []value.Value{rows}); v != int64(5) {
		t.Errorf("count: %v", v)
	}
	// Other sequence functions give plain vectors.
	for name, f := range map[string]BuiltinFunc{
		"vec":     coVecFn,
		"reverse": coReverseFn,
	} {
		r, err := f(call, []value.Value{rows})
		if err != nil {
			t.Fatal(err)
		}
		if r.(*value.Vector).HasLineMeta() {
			t.Errorf("%s kept line metadata", name)
		}
	}
	r, _ := coConjFn(call, []value.Value{rows, "f"})
	if r.(*value.Vector).HasLineMeta() {
		t.Errorf("conj kept line metadata")
	}
	r, _ = coIntoFn(call, []value.Value{rows, value.VectorOf("f")})
	if r.(*value.Vector).HasLineMeta() {
		t.Errorf("into kept line metadata")
	}
	// Through the evaluator: the first-line macro and subvec.
	coRun(t, []coCase{
		{`(subvec (first-line 4 ["a" "b" "c" "d" "e"]) 2)`, `["c" "d" "e"]`},
		{`(count (subvec (first-line 4 ["a" "b" "c" "d" "e"]) 1 3))`, `2`},
		{`(nth (first-line 4 ["a" "b" "c"]) 2)`, `"c"`},
	})
	v, err := EvalString(`(subvec (first-line 4 ["a" "b" "c" "d" "e"]) 2)`)
	if err != nil {
		t.Fatal(err)
	}
	if fl := v.(*value.Vector).FirstLine; fl != 6 {
		t.Errorf("evaluated subvec first-line %d, want 6", fl)
	}
}

// TestCoRangeLimitNoAlloc checks that (range 1e12) fails at once, before
// allocating anything sizeable.
func TestCoRangeLimitNoAlloc(t *testing.T) {
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := EvalString(`(range 1e12)`); err == nil || !strings.Contains(err.Error(), "Output limit exceeded") {
			t.Fatalf("got %v", err)
		}
	})
	if allocs > 5000 {
		t.Errorf("(range 1e12) made %v allocations", allocs)
	}
	for _, src := range []string{`(range 1e12)`, `(repeat 1e12 0)`, `(range 0 1e12 1)`} {
		if _, err := EvalString(`(try ` + src + ` (catch e :caught))`); err == nil || !IsFatal(err) {
			t.Errorf("%s: want an uncatchable limit error, got %v", src, err)
		}
	}
}

// TestCoDirect exercises builtins without the evaluator.
func TestCoDirect(t *testing.T) {
	call := &Call{}
	v, err := coRangeFn(call, []value.Value{1e12})
	if err == nil || !strings.Contains(err.Error(), "Output limit exceeded") {
		t.Errorf("range 1e12: %v %v", v, err)
	}
	v, err = coConcatFn(call, []value.Value{value.VectorOf(int64(1)), value.NewList(int64(2))})
	if err != nil || value.PrStr(v) != "(1 2)" || !v.(*value.List).IsSeq() {
		t.Errorf("concat: %v %v", v, err)
	}
	v, _ = coPartitionFn(call, []value.Value{int64(2), int64(1), value.VectorOf(int64(1), int64(2), int64(3))})
	if value.PrStr(v) != "[[1 2] [2 3]]" {
		t.Errorf("partition: %s", value.PrStr(v))
	}
}
