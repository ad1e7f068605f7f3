package eval

import (
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// scCase is one program and its expected readable value, or (when err is
// set) a substring of the expected error message.
type scCase struct {
	src, want, err string
}

func runScCases(t *testing.T, cases []scCase) {
	t.Helper()
	for _, tc := range cases {
		v, err := EvalString(tc.src)
		switch {
		case tc.err != "":
			if err == nil {
				t.Errorf("%s\n got value %s, want error containing %q", tc.src, value.PrStr(v), tc.err)
			} else if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s\n got error %q, want error containing %q", tc.src, err.Error(), tc.err)
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

func TestScalarArithmetic(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(+)`, want: `0`},
		{src: `(*)`, want: `1`},
		{src: `(+ 1 2 3)`, want: `6`},
		{src: `(+ 5)`, want: `5`},
		{src: `(+ 1/2 1/2)`, want: `1N`},
		{src: `(+ 1 0.5)`, want: `1.5`},
		{src: `(+ 1N 1)`, want: `2N`},
		{src: `(+ 0.1 0.2)`, want: `0.30000000000000004`},
		{src: `(* 1.5 2)`, want: `3.0`},
		{src: `(* 2 3/2)`, want: `3N`},
		{src: `(- 10 3 2)`, want: `5`},
		{src: `(- 4)`, want: `-4`},
		{src: `(- 1.5 1)`, want: `0.5`},
		{src: `(/ 6 4)`, want: `3/2`},
		{src: `(/ 6 3)`, want: `2`},
		{src: `(/ 2)`, want: `1/2`},
		{src: `(/ 1 0)`, err: `Divide by zero`},
		{src: `(/ 1.0 0)`, err: `Divide by zero`},
		{src: `(/ 1 0.0)`, err: `Divide by zero`},
		{src: `(/ 1.5M 0M)`, err: `Divide by zero`},
		{src: `(/ 1M 3)`, err: `Non-terminating decimal expansion`},
		{src: `(/ ##NaN 0)`, want: `##NaN`},
		{src: `(+ 9223372036854775807 1)`, err: `long overflow`},
		{src: `(* 4294967296 4294967296)`, err: `long overflow`},
		{src: `(- -9223372036854775808)`, err: `long overflow`},
		{src: `(+ 1 "a")`, err: `Function call failed: +: `},
		{src: `(+ "a")`, err: `Cannot cast string to number`},
		{src: `(inc 41)`, want: `42`},
		{src: `(inc 1.5)`, want: `2.5`},
		{src: `(dec 43)`, want: `42`},
		{src: `(inc 9223372036854775807)`, err: `long overflow`},
		{src: `(+' 9223372036854775807 1)`, want: `9223372036854775808N`},
		{src: `(+' 1 2)`, want: `3`},
		{src: `(-' -9223372036854775808 1)`, want: `-9223372036854775809N`},
		{src: `(*' 4294967296 4294967296)`, want: `18446744073709551616N`},
		{src: `(inc' 9223372036854775807)`, want: `9223372036854775808N`},
		{src: `(dec' -9223372036854775808)`, want: `-9223372036854775809N`},
		{src: `(quot 7 2)`, want: `3`},
		{src: `(quot -7 2)`, want: `-3`},
		{src: `(quot 7.5 2)`, want: `3.0`},
		{src: `(rem -7 3)`, want: `-1`},
		{src: `(rem 7 3)`, want: `1`},
		{src: `(mod -7 3)`, want: `2`},
		{src: `(mod 10 3)`, want: `1`},
		{src: `(mod 7 -3)`, want: `-2`},
		{src: `(mod 10 0)`, err: `Divide by zero`},
		{src: `(max 3 2.0)`, want: `3`},
		{src: `(max 1 2.0)`, want: `2.0`},
		{src: `(min 3 1 2)`, want: `1`},
		{src: `(max 1 "a")`, err: `Cannot cast string to number`},
		{src: `(max-key count "a" "abc" "ab")`, want: `"abc"`},
		{src: `(min-key :n {:n 3} {:n 1})`, want: `{:n 1}`},
		{src: `(max-key count "ab" "cd")`, want: `"cd"`},
		{src: `(max-key (fn [x] x) 1 2)`, err: `Spell function`},
		{src: `(min-key {:a 1} :a :b)`, err: `Cannot cast nil to number`},
		{src: `(abs -5)`, want: `5`},
		{src: `(abs -2.5)`, want: `2.5`},
		{src: `(abs -1/2)`, want: `1/2`},
		{src: `(abs -5N)`, want: `5N`},
		{src: `(abs -1.50M)`, want: `1.50M`},
		{src: `(int 3.7)`, want: `3`},
		{src: `(int -3.7)`, want: `-3`},
		{src: `(long 3.7)`, want: `3`},
		{src: `(long 7/2)`, want: `3`},
		{src: `(long 5N)`, want: `5`},
		{src: `(int \a)`, want: `97`},
		{src: `(long 1e20)`, err: `Value out of range for long`},
		{src: `(long "5")`, err: `Cannot cast string to number`},
		{src: `(float 0.1)`, want: `0.1`},
		{src: `(+ (float 0.1) 0)`, want: `0.10000000149011612`},
		{src: `(double 1/2)`, want: `0.5`},
		{src: `(double 1/7)`, want: `0.1428571428571429`},
		{src: `(double 3)`, want: `3.0`},
		{src: `(bigdec 1)`, want: `1M`},
		{src: `(bigdec 1.5)`, want: `1.5M`},
		{src: `(bigdec 1/4)`, want: `0.25M`},
		{src: `(bigdec "1.50")`, want: `1.50M`},
		{src: `(bigint 5)`, want: `5N`},
		{src: `(bigint 2.7)`, want: `2N`},
		{src: `(bigint 7/2)`, want: `3N`},
		{src: `(bigint "123456789012345678901")`, want: `123456789012345678901N`},
		{src: `(bigint "-12")`, want: `-12N`},
		{src: `(bigint "12a")`, err: `For input string`},
		{src: `(rationalize 0.25)`, want: `1/4`},
		{src: `(rationalize 1.5)`, want: `3/2`},
		{src: `(rationalize 0.1)`, want: `1/10`},
		{src: `(rationalize 1.0)`, want: `1N`},
		{src: `(rationalize 3)`, want: `3`},
		{src: `(parse-number "v42")`, want: `42`},
		{src: `(parse-number "abc-12.5x")`, want: `-12.5`},
		{src: `(parse-number "none")`, want: `nil`},
		{src: `(parse-number 17)`, want: `17`},
		{src: `(parse-number "1.2.3")`, want: `1.2`},
		{src: `(parse-number "99999999999999999999")`, err: `For input string`},
		{src: `(rand-int 1)`, want: `0`},
		{src: `(let [r (rand)] (and (>= r 0) (< r 1)))`, want: `true`},
		{src: `(let [r (rand 10)] (and (>= r 0) (< r 10)))`, want: `true`},
		{src: `(let [r (rand-int 10)] (and (int? r) (>= r 0) (< r 10)))`, want: `true`},
		{src: `(inc 1 2)`, err: `Wrong number of args (2) passed to: inc`},
	})
}

func TestScalarNumericPredicates(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(even? 4)`, want: `true`},
		{src: `(even? -3)`, want: `false`},
		{src: `(odd? 3)`, want: `true`},
		{src: `(odd? 30000000000000000000001)`, want: `true`},
		{src: `(even? 1.5)`, err: `Argument must be an integer`},
		{src: `(odd? 2.0)`, err: `Argument must be an integer`},
		{src: `(pos? 0.5)`, want: `true`},
		{src: `(pos? 0)`, want: `false`},
		{src: `(neg? -1)`, want: `true`},
		{src: `(neg? -1/2)`, want: `true`},
		{src: `(zero? 0.0)`, want: `true`},
		{src: `(zero? 0M)`, want: `true`},
		{src: `(zero? ##NaN)`, want: `false`},
		{src: `(pos? "a")`, err: `Cannot cast string`},
		{src: `(integer? 2)`, want: `true`},
		{src: `(integer? 2.0)`, want: `false`},
		{src: `(integer? 2N)`, want: `true`},
		{src: `(ratio? 1/2)`, want: `true`},
		{src: `(ratio? 2/2)`, want: `false`},
		{src: `(rational? 1/3)`, want: `true`},
		{src: `(rational? 0.5)`, want: `false`},
		{src: `(rational? 5)`, want: `true`},
		{src: `(pos-int? 42)`, want: `true`},
		{src: `(pos-int? 42N)`, want: `false`},
		{src: `(pos-int? 0)`, want: `false`},
		{src: `(neg-int? -3)`, want: `true`},
		{src: `(neg-int? -3.0)`, want: `false`},
		{src: `(numerator 3/4)`, want: `3`},
		{src: `(denominator 3/4)`, want: `4`},
		{src: `(numerator 3)`, err: `ratio`},
		{src: `(number? 1/2)`, want: `true`},
		{src: `(number? "1")`, want: `false`},
		{src: `(int? 1)`, want: `true`},
		{src: `(int? 1N)`, want: `false`},
	})
}

func TestScalarComparison(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(= [1 2] '(1 2))`, want: `true`},
		{src: `(= 1 1N)`, want: `true`},
		{src: `(= 1 1.0)`, want: `false`},
		{src: `(= 1.5M 1.5)`, want: `false`},
		{src: `(= 1.50M 1.5M)`, want: `true`},
		{src: `(= ##NaN ##NaN)`, want: `false`},
		{src: `(= nil false)`, want: `false`},
		{src: `(= 1)`, want: `true`},
		{src: `(= 1 1 1)`, want: `true`},
		{src: `(= 1 1 2)`, want: `false`},
		{src: `(= (fn [x] x) (fn [x] x))`, want: `true`},
		{src: `(not= 1 2)`, want: `true`},
		{src: `(not= :a :a)`, want: `false`},
		{src: `(< 1 2 3)`, want: `true`},
		{src: `(< 1 1)`, want: `false`},
		{src: `(> 3 2 1)`, want: `true`},
		{src: `(<= 1 1 2)`, want: `true`},
		{src: `(>= 2 2 1)`, want: `true`},
		{src: `(< 1 2.5 3N 7/2)`, want: `true`},
		{src: `(< 1 ##NaN)`, want: `false`},
		{src: `(< 1 "a")`, err: `Cannot cast string to number`},
		{src: `(< 2 1 "a")`, want: `false`},
		{src: `(compare 1 2)`, want: `-1`},
		{src: `(compare "a" "c")`, want: `-2`},
		{src: `(compare nil 0)`, want: `-1`},
		{src: `(compare [1 2] [1 3])`, want: `-1`},
		{src: `(compare :a :b)`, want: `-1`},
		{src: `(compare 1 "a")`, err: `Cannot compare`},
		{src: `(not nil)`, want: `true`},
		{src: `(not 0)`, want: `false`},
		{src: `(nil? false)`, want: `false`},
		{src: `(some? false)`, want: `true`},
		{src: `(some? nil)`, want: `false`},
		{src: `(true? 1)`, want: `false`},
		{src: `(true? true)`, want: `true`},
		{src: `(false? nil)`, want: `false`},
		{src: `(false? false)`, want: `true`},
	})
}

func TestScalarTypes(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(string? "a")`, want: `true`},
		{src: `(string? \a)`, want: `false`},
		{src: `(vector? [1])`, want: `true`},
		{src: `(vector? '(1))`, want: `false`},
		{src: `(vector? (first {:a 1}))`, want: `true`},
		{src: `(set? #{1})`, want: `true`},
		{src: `(set? (sorted-set 1))`, want: `true`},
		{src: `(keyword? :a)`, want: `true`},
		{src: `(symbol? 'a)`, want: `true`},
		{src: `(coll? {})`, want: `true`},
		{src: `(coll? "s")`, want: `false`},
		{src: `(coll? nil)`, want: `false`},
		{src: `(sequential? [1])`, want: `true`},
		{src: `(sequential? #{1})`, want: `false`},
		{src: `(sequential? (concat [1] [2]))`, want: `true`},
		{src: `(boolean? nil)`, want: `false`},
		{src: `(boolean? false)`, want: `true`},
		{src: `(list? '(1))`, want: `true`},
		{src: `(list? (concat [1] [2]))`, want: `false`},
		{src: `(seq? (concat [1] [2]))`, want: `true`},
		{src: `(seq? '(1))`, want: `true`},
		{src: `(seq? [1])`, want: `false`},
		{src: `(map? {:a 1})`, want: `true`},
		{src: `(map? (fn [x] x))`, want: `false`},
		{src: `(map? {:spell/fn true :params [] :body ()})`, want: `false`},
		{src: `(map? (ex-info "a" {}))`, want: `true`},
		{src: `(map? {:spell/macro true})`, want: `true`},
		{src: `(map? {:spell/future true})`, want: `false`},
		{src: `(map? (sorted-map :a 1))`, want: `true`},
		{src: `(map? [])`, want: `false`},
		{src: `(fn? inc)`, want: `true`},
		{src: `(fn? (fn [x] x))`, want: `true`},
		{src: `(fn? #(+ % 1))`, want: `true`},
		{src: `(fn? :a)`, want: `false`},
		{src: `(fn? [1])`, want: `false`},
		{src: `(fn? #{1})`, want: `false`},
		{src: `(fn? {})`, want: `nil`},
		{src: `(fn? {:spell/macro true})`, want: `nil`},
		{src: `(fn? (ex-info "a" {}))`, want: `nil`},
		{src: `(fn? nil)`, want: `false`},
		{src: `(fn? (partial + 1))`, want: `true`},
		{src: `(any? nil)`, want: `true`},
		{src: `(boolean 0)`, want: `true`},
		{src: `(boolean nil)`, want: `false`},
		{src: `(identity 7)`, want: `7`},
		{src: `(name :a/b)`, want: `"b"`},
		{src: `(name 'x)`, want: `"x"`},
		{src: `(name "s")`, want: `"s"`},
		{src: `(name 1)`, err: `Doesn't support name`},
		{src: `(namespace :a/b)`, want: `"a"`},
		{src: `(namespace :b)`, want: `nil`},
		{src: `(namespace 'n/x)`, want: `"n"`},
		{src: `(symbol "a")`, want: `a`},
		{src: `(symbol "n" "a")`, want: `n/a`},
		{src: `(symbol nil "a")`, want: `a`},
		{src: `(symbol :k)`, want: `k`},
		{src: `(keyword "a")`, want: `:a`},
		{src: `(keyword "n" "a")`, want: `:n/a`},
		{src: `(keyword 'x)`, want: `:x`},
		{src: `(keyword "a/b")`, want: `:a/b`},
		{src: `(namespace (keyword "a/b"))`, want: `"a"`},
		{src: `(type 1/2)`, want: `"number"`},
		{src: `(type '(1))`, want: `"list"`},
		{src: `(type (fn []))`, want: `"function"`},
		{src: `(type inc)`, want: `"function"`},
		{src: `(type nil)`, want: `"nil"`},
		{src: `(type "s")`, want: `"string"`},
		{src: `(type true)`, want: `"boolean"`},
		{src: `(type :k)`, want: `"keyword"`},
		{src: `(type 'k)`, want: `"symbol"`},
		{src: `(type [])`, want: `"vector"`},
		{src: `(type {})`, want: `"map"`},
		{src: `(type #{})`, want: `"set"`},
		{src: `(type \a)`, want: `"character"`},
		{src: `(type #"a")`, want: `"regex"`},
		{src: `(type (concat [1]))`, want: `"seq"`},
		{src: `(count (random-uuid))`, want: `36`},
		{src: `(let [u (random-uuid)] [(subs u 14 15) (contains? #{"8" "9" "a" "b"} (subs u 19 20)) (subs u 8 9)])`, want: `["4" true "-"]`},
		{src: `(not= (random-uuid) (random-uuid))`, want: `true`},
		{src: `(symbol? (gensym))`, want: `true`},
		{src: `(strings/starts-with? (name (gensym)) "G__")`, want: `true`},
		{src: `(strings/starts-with? (name (gensym "tmp")) "tmp")`, want: `true`},
		{src: `(not= (gensym) (gensym))`, want: `true`},
		{src: `(parse-boolean "true")`, want: `true`},
		{src: `(parse-boolean "false")`, want: `false`},
		{src: `(parse-boolean "yes")`, want: `nil`},
		{src: `(parse-boolean "TRUE")`, want: `nil`},
	})
}

func TestScalarBitwise(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(bit-and 6 3)`, want: `2`},
		{src: `(bit-or 6 3)`, want: `7`},
		{src: `(bit-xor 6 3)`, want: `5`},
		{src: `(bit-and-not 7 2)`, want: `5`},
		{src: `(bit-and 7 6 4)`, want: `4`},
		{src: `(bit-not 6)`, want: `-7`},
		{src: `(bit-shift-left 1 4)`, want: `16`},
		{src: `(bit-shift-left 1 64)`, want: `1`},
		{src: `(bit-shift-left 1 65)`, want: `2`},
		{src: `(bit-shift-right 12 2)`, want: `3`},
		{src: `(bit-shift-right -8 1)`, want: `-4`},
		{src: `(unsigned-bit-shift-right -1 60)`, want: `15`},
		{src: `(bit-set 0 3)`, want: `8`},
		{src: `(bit-clear 15 0)`, want: `14`},
		{src: `(bit-flip 5 1)`, want: `7`},
		{src: `(bit-test 5 2)`, want: `true`},
		{src: `(bit-test 5 1)`, want: `false`},
		{src: `(bit-and 1.5 1)`, err: `bit operation not supported`},
		{src: `(bit-and 1)`, err: `Wrong number of args (1) passed to: bit-and`},
	})
}

func TestScalarStrings(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(str)`, want: `""`},
		{src: `(str "a" nil "b" 1)`, want: `"ab1"`},
		{src: `(str "a" 1 :k nil)`, want: `"a1:k"`},
		{src: `(str [1 "a"])`, want: `"[1 \"a\"]"`},
		{src: `(str [1 "a" :b])`, want: `"[1 \"a\" :b]"`},
		{src: `(str {:a 1 :b 2})`, want: `"{:a 1, :b 2}"`},
		{src: `(str 42N)`, want: `"42"`},
		{src: `(str 1.5M)`, want: `"1.5"`},
		{src: `(str ##Inf ##-Inf ##NaN)`, want: `"Infinity-InfinityNaN"`},
		{src: `(str 1.0E7)`, want: `"1.0E7"`},
		{src: `(str \a 'sym)`, want: `"asym"`},
		{src: `(str (concat [1] [2]))`, want: `"(1 2)"`},
		{src: `(str nil)`, want: `""`},
		{src: `(cat "a" 1 nil)`, want: `"a1"`},
		{src: `(pr-str 42N)`, want: `"42N"`},
		{src: `(pr-str "q")`, want: `"\"q\""`},
		{src: `(pr-str "hi" [1 :a])`, want: `"\"hi\" [1 :a]"`},
		{src: `(pr-str {:a 1, :b 2})`, want: `"{:a 1, :b 2}"`},
		{src: `(pr-str)`, want: `""`},
		{src: `(pr-str nil \a "x\ny")`, want: `"nil \\a \"x\\ny\""`},
		{src: `(pr-str (fn [x] (* x x)))`, want: `"{:spell/fn true, :params [x], :body ((* x x))}"`},
		{src: `(subs "hello" 1 3)`, want: `"el"`},
		{src: `(subs "hello" 2)`, want: `"llo"`},
		{src: `(subs "hello" 5)`, want: `""`},
		{src: `(subs "héllo😀x" 5 6)`, want: `"😀"`},
		{src: `(subs "hello" 1 10)`, err: `String index out of range`},
		{src: `(subs "hello" -1)`, err: `String index out of range`},
		{src: `(subs "hello" 3 2)`, err: `String index out of range`},
		{src: `(subs 123 1)`, err: `subs expects a string`},
		{src: `(re-find #"\d+" "ab12c")`, want: `"12"`},
		{src: `(re-find #"(a)(x)?" "a")`, want: `["a" "a" nil]`},
		{src: `(re-find "\\d+" "abc")`, want: `nil`},
		{src: `(re-find #"(?<year>\d{4})-(\d\d)" "on 2024-05-01")`, want: `["2024-05" "2024" "05"]`},
		{src: `(re-matches "\\d+" "12")`, want: `"12"`},
		{src: `(re-matches "\\d+" "12a")`, want: `nil`},
		{src: `(re-matches #"a|ab" "ab")`, want: `"ab"`},
		{src: `(re-matches #"(\w+)@(\w+)" "me@host")`, want: `["me@host" "me" "host"]`},
		{src: `(re-seq #"\d" "a1b2")`, want: `["1" "2"]`},
		{src: `(re-seq #"\d" "ab")`, want: `[]`},
		{src: `(re-seq #"(\w)=(\d)" "a=1 b=2")`, want: `[["a=1" "a" "1"] ["b=2" "b" "2"]]`},
		{src: `(re-find #"é." "xéy")`, want: `"éy"`},
		{src: `(re-find "(a)\\1" "aa")`, err: `Unsupported regex (RE2): (a)\1: `},
		{src: `(re-find "(?=a)" "aa")`, err: `Unsupported regex (RE2)`},
		{src: `(re-find 5 "aa")`, err: `regex`},
		{src: `(re-find #"a" nil)`, err: `string`},
	})
}

func TestScalarFormat(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(format "%.2f" 3.14159)`, want: `"3.14"`},
		{src: `(format "%5d|%-3s|" 42 "a")`, want: `"   42|a  |"`},
		{src: `(format "%s and %s" "a" :b)`, want: `"a and :b"`},
		{src: `(format "%s" nil)`, want: `"null"`},
		{src: `(format "%s" [1 "a"])`, want: `"[1 \"a\"]"`},
		{src: `(format "%d" 42N)`, want: `"42"`},
		{src: `(format "%d" -7)`, want: `"-7"`},
		{src: `(format "%05d" -42)`, want: `"-0042"`},
		{src: `(format "%,d" 1234567)`, want: `"1,234,567"`},
		{src: `(format "%,d" -1234)`, want: `"-1,234"`},
		{src: `(format "%+d" 5)`, want: `"+5"`},
		{src: `(format "%f" 1.5)`, want: `"1.500000"`},
		{src: `(format "%.0f" 2.5)`, want: `"3"`},
		{src: `(format "%.0f" 0.5)`, want: `"1"`},
		{src: `(format "%.2f" 2.675)`, want: `"2.68"`},
		{src: `(format "%.1f" 0.05)`, want: `"0.1"`},
		{src: `(format "%.3f" -0.0)`, want: `"-0.000"`},
		{src: `(format "%8.3f|" 3.14159)`, want: `"   3.142|"`},
		{src: `(format "%-8.1f|" 3.14159)`, want: `"3.1     |"`},
		{src: `(format "%08.2f" -3.14159)`, want: `"-0003.14"`},
		{src: `(format "%,.2f" 1234567.891)`, want: `"1,234,567.89"`},
		{src: `(format "%.2f" 1.005M)`, want: `"1.01"`},
		{src: `(format "%.20f" 0.1)`, want: `"0.10000000000000000000"`},
		{src: `(format "%.2f" 1e20)`, want: `"100000000000000000000.00"`},
		{src: `(format "%f" ##NaN)`, want: `"NaN"`},
		{src: `(format "%f" ##-Inf)`, want: `"-Infinity"`},
		{src: `(format "%e" 12345.678)`, want: `"1.234568e+04"`},
		{src: `(format "%.2e" 0.000123)`, want: `"1.23e-04"`},
		{src: `(format "%.1e" 9.96)`, want: `"1.0e+01"`},
		{src: `(format "%E" 0.0)`, want: `"0.000000E+00"`},
		{src: `(format "%x" 255)`, want: `"ff"`},
		{src: `(format "%X" 255)`, want: `"FF"`},
		{src: `(format "%x" -1)`, want: `"ffffffffffffffff"`},
		{src: `(format "%#x" 255)`, want: `"0xff"`},
		{src: `(format "%04x" 10)`, want: `"000a"`},
		{src: `(format "%o" 8)`, want: `"10"`},
		{src: `(format "%c" \a)`, want: `"a"`},
		{src: `(format "%c" 97)`, want: `"a"`},
		{src: `(format "%b" nil)`, want: `"false"`},
		{src: `(format "%b" false)`, want: `"false"`},
		{src: `(format "%b" 0)`, want: `"true"`},
		{src: `(format "100%%")`, want: `"100%"`},
		{src: `(format "a%nb")`, want: `"a\nb"`},
		{src: `(format "%2$s %1$s" "a" "b")`, want: `"b a"`},
		{src: `(format "%s %<s" "a")`, want: `"a a"`},
		{src: `(format "%.2s" "hello")`, want: `"he"`},
		{src: `(format "%S" "hi")`, want: `"HI"`},
		{src: `(format "%10s|" "héllo")`, want: `"     héllo|"`},
		{src: `(format "%s" "a" "extra")`, want: `"a"`},
		{src: `(format "%s %s" "a")`, err: `Function call failed: format: missing argument`},
		{src: `(format "%d" 1.5)`, err: `Function call failed: format: %d cannot format double 1.5`},
		{src: `(format "%d" "1")`, err: `%d cannot format string`},
		{src: `(format "%.2f" 3)`, err: `%.2f cannot format long 3`},
		{src: `(format "%q" 1)`, err: `unknown conversion`},
		{src: `(format "50%")`, err: `format`},
		{src: `(format "%-d" 1)`, err: `width`},
		{src: `(format :k)`, err: `format string`},
	})
}

func TestScalarErrors(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(throw "bad")`, err: `bad`},
		{src: `(throw {:code 1})`, err: `{:code 1}`},
		{src: `(try (throw {:code 1}) (catch e (:code e)))`, want: `1`},
		{src: `(try (throw "x") (catch e e))`, want: `"x"`},
		{src: `(try (throw (ex-info "nf" {:k 1})) (catch e (ex-data e)))`, want: `{:k 1}`},
		{src: `(try (throw (ex-info "nf" {:k 1})) (catch e (ex-message e)))`, want: `"nf"`},
		{src: `(ex-info "nf" {:c 1})`, want: `{:spell/exception true, :message "nf", :data {:c 1}}`},
		{src: `(ex-info "a" {} (ex-info "b" {}))`, want: `{:spell/exception true, :message "a", :data {}, :cause {:spell/exception true, :message "b", :data {}}}`},
		{src: `(ex-cause (ex-info "a" {} (ex-info "b" {})))`, want: `{:spell/exception true, :message "b", :data {}}`},
		{src: `(ex-cause (ex-info "a" {}))`, want: `nil`},
		{src: `(ex-data (ex-info "a" {:k 1}))`, want: `{:k 1}`},
		{src: `(ex-message (ex-info "a" {}))`, want: `"a"`},
		{src: `(try (/ 1 0) (catch e (ex-message e)))`, want: `"Function call failed: /: Divide by zero"`},
		{src: `(try (/ 1 0) (catch e (ex-data e)))`, want: `nil`},
		{src: `(ex-message "str")`, want: `nil`},
		{src: `(ex-data nil)`, want: `nil`},
		{src: `(ex-info "a")`, err: `Wrong number of args (1) passed to: ex-info`},
	})
}

func TestScalarStringsNamespace(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(strings/index-of "hello" "l")`, want: `2`},
		{src: `(strings/index-of "hello" "z")`, want: `nil`},
		{src: `(strings/index-of "héllo" "l")`, want: `2`},
		{src: `(strings/index-of "😀ab" "a")`, want: `1`},
		{src: `(strings/index-of "abc" "")`, want: `0`},
		{src: `(strings/last-index-of "hello" "l")`, want: `3`},
		{src: `(strings/last-index-of "héllo" "l")`, want: `3`},
		{src: `(strings/last-index-of 12321 2)`, want: `3`},
		{src: `(strings/starts-with? "spell" "sp")`, want: `true`},
		{src: `(strings/ends-with? "spell" "ll")`, want: `true`},
		{src: `(strings/includes? "spell" "pel")`, want: `true`},
		{src: `(strings/includes? "hello" "ell")`, want: `true`},
		{src: `(strings/includes? nil "")`, want: `true`},
		{src: `(strings/blank? nil)`, want: `true`},
		{src: `(strings/blank? "")`, want: `true`},
		{src: `(strings/blank? " \n\t")`, want: `true`},
		{src: `(strings/blank? " a ")`, want: `false`},
		{src: `(strings/blank? 5)`, err: `blank?`},
		{src: `(strings/trim "  hi  ")`, want: `"hi"`},
		{src: "(strings/trim \"\u2003hi\u3000\\n\")", want: `"hi"`},
		{src: `(strings/trim nil)`, want: `""`},
		{src: `(strings/trim 5)`, want: `"5"`},
		{src: `(strings/replace "a.b.c" "." "-")`, want: `"a-b-c"`},
		{src: `(strings/replace "hello world" "o" "0")`, want: `"hell0 w0rld"`},
		{src: `(strings/replace "a.b.c" "." "")`, want: `"abc"`},
		{src: `(strings/replace "a+b" "+" "\\")`, want: `"a\\b"`},
		{src: `(strings/replace "aaa" "a" "$1")`, want: `"$1$1$1"`},
		{src: `(strings/split "a,,b,," ",")`, want: `["a" "" "b"]`},
		{src: `(strings/split "a,b,c" ",")`, want: `["a" "b" "c"]`},
		{src: `(strings/split "a b  c" " +")`, want: `["a" "b" "c"]`},
		{src: `(strings/split "one  two" "\\s+")`, want: `["one" "two"]`},
		{src: `(strings/split "a.b" ".")`, want: `[]`},
		{src: `(strings/split "a.b" "\\.")`, want: `["a" "b"]`},
		{src: `(strings/split "abc" "")`, want: `["a" "b" "c"]`},
		{src: `(strings/split "abc" ",")`, want: `["abc"]`},
		{src: `(strings/split "" ",")`, want: `[""]`},
		{src: `(strings/split ",a" ",")`, want: `["" "a"]`},
		{src: `(strings/split ",,," ",")`, want: `[]`},
		{src: `(strings/split "a1b22c" #"\d+")`, want: `["a" "b" "c"]`},
		{src: `(strings/split "héllo wörld" " ")`, want: `["héllo" "wörld"]`},
		{src: `(strings/split "a(b" "(")`, err: `Unsupported regex (RE2): (: `},
		{src: `(strings/split-lines "a\nb")`, want: `["a" "b"]`},
		{src: `(strings/split-lines "a\nb\r\nc")`, want: `["a" "b" "c"]`},
		{src: `(strings/split-lines "a\n\nb\n\n")`, want: `["a" "" "b"]`},
		{src: `(strings/join ["a" 1 nil])`, want: `"a1"`},
		{src: `(strings/join ", " [1 2])`, want: `"1, 2"`},
		{src: `(strings/join "-" "abc")`, want: `"a-b-c"`},
		{src: `(strings/join "," nil)`, want: `""`},
		{src: `(strings/join "," [:a "b" \c 1.5])`, want: `":a,b,c,1.5"`},
		{src: `(strings/lower-case "ABC")`, want: `"abc"`},
		{src: `(strings/lower-case "ÀB")`, want: `"àb"`},
		{src: `(strings/lower-case "ΟΔΟΣ")`, want: `"οδος"`},
		{src: `(strings/upper-case "straße")`, want: `"STRASSE"`},
		{src: `(strings/upper-case nil)`, want: `""`},
		{src: `(strings/upper-case 5)`, want: `"5"`},
		{src: `(strings/upper-case :k)`, want: `":K"`},
		{src: `(strings/capitalize "hELLO")`, want: `"Hello"`},
		{src: `(strings/capitalize "ßa")`, want: `"SSa"`},
		{src: `(strings/capitalize "")`, want: `""`},
		{src: `(strings/capitalize "éCOLE")`, want: `"École"`},
		{src: `(strings/subs "abc" 1)`, err: `Namespace lookup failed: strings/subs`},
		{src: `(strings/re-find #"a" "a")`, err: `Namespace lookup failed: strings/re-find`},
		{src: `(strings/nope "x")`, err: `Namespace lookup failed: strings/nope`},
		{src: `(strings/trim "a" "b")`, err: `Wrong number of args (2) passed to: strings/trim`},
		{src: `(string? strings/short-docs)`, want: `true`},
		{src: `(string? (:guide strings/docs))`, want: `true`},
		{src: `(strings/starts-with? (describe-fn strings :split) "Split string")`, want: `true`},
		{src: `(string? (describe-fn strings :replace))`, want: `true`},
		{src: `(keys (:detail strings))`, want: `(:split :replace)`},
		{src: `(fn? strings/trim)`, want: `true`},
		{src: `(count (filter fn? (vals strings)))`, want: `14`},
	})
}

func TestScalarMathNamespace(t *testing.T) {
	runScCases(t, []scCase{
		{src: `(math/pow 2 10)`, want: `1024.0`},
		{src: `(math/sqrt 16)`, want: `4.0`},
		{src: `(= (math/sqrt 4) 2)`, want: `false`},
		{src: `(math/cbrt 27)`, want: `3.0`},
		{src: `(math/exp 0)`, want: `1.0`},
		{src: `(math/expm1 0)`, want: `0.0`},
		{src: `(math/log 1)`, want: `0.0`},
		{src: `(math/log10 1000)`, want: `3.0`},
		{src: `(math/log2 8)`, want: `3.0`},
		{src: `(math/log1p 0)`, want: `0.0`},
		{src: `(math/sin 0)`, want: `0.0`},
		{src: `(math/cos 0)`, want: `1.0`},
		{src: `(math/tan 0)`, want: `0.0`},
		{src: `(math/asin 0)`, want: `0.0`},
		{src: `(math/acos 1)`, want: `0.0`},
		{src: `(math/atan 0)`, want: `0.0`},
		{src: `(math/atan2 0 1)`, want: `0.0`},
		{src: `(math/sinh 0)`, want: `0.0`},
		{src: `(math/cosh 0)`, want: `1.0`},
		{src: `(math/tanh 0)`, want: `0.0`},
		{src: `(math/degrees math/PI)`, want: `180.0`},
		{src: `(math/radians 180)`, want: `3.141592653589793`},
		{src: `(math/hypot 3 4)`, want: `5.0`},
		{src: `(math/abs -5)`, want: `5.0`},
		{src: `(math/abs -1/2)`, want: `0.5`},
		{src: `(math/sign -7)`, want: `-1.0`},
		{src: `(math/sign 0)`, want: `0.0`},
		{src: `(math/sign 3.5)`, want: `1.0`},
		{src: `(math/floor -3.2)`, want: `-4`},
		{src: `(math/floor 7)`, want: `7`},
		{src: `(math/ceil 3.2)`, want: `4`},
		{src: `(math/round 2.5)`, want: `3`},
		{src: `(math/round -2.5)`, want: `-2`},
		{src: `(math/round 0.49999999999999994)`, want: `0`},
		{src: `(math/round 7/2)`, want: `4`},
		{src: `(math/trunc -3.7)`, want: `-3`},
		{src: `(math/trunc 3.7)`, want: `3`},
		{src: `(math/factorial 5)`, want: `120N`},
		{src: `(math/factorial 0)`, want: `1N`},
		{src: `(math/factorial 1)`, want: `1N`},
		{src: `(math/factorial 25)`, want: `15511210043330985984000000N`},
		{src: `(math/factorial -1)`, err: `factorial: negative argument`},
		{src: `(try (math/factorial -1) (catch e (:message e)))`, want: `"Function call failed: math/factorial: factorial: negative argument {:n -1}"`},
		{src: `(count (str (math/factorial 5000)))`, want: `16326`},
		{src: `(math/gcd 12 18)`, want: `6`},
		{src: `(math/gcd -12 18)`, want: `6`},
		{src: `(math/gcd 0 0)`, want: `0`},
		{src: `(math/lcm 4 6)`, want: `12`},
		{src: `(math/lcm 0 5)`, want: `0`},
		{src: `(math/lcm -4 6)`, want: `12`},
		{src: `(let [r (math/rand)] (and (>= r 0) (< r 1)))`, want: `true`},
		{src: `(math/NaN? math/NaN)`, want: `true`},
		{src: `(math/NaN? 1)`, want: `false`},
		{src: `(math/infinite? math/NEG-INF)`, want: `true`},
		{src: `(math/infinite? math/INF)`, want: `true`},
		{src: `(math/infinite? 1e308)`, want: `false`},
		{src: `math/PI`, want: `3.141592653589793`},
		{src: `math/E`, want: `2.718281828459045`},
		{src: `math/INF`, want: `##Inf`},
		{src: `math/NEG-INF`, want: `##-Inf`},
		{src: `math/NaN`, want: `##NaN`},
		{src: `(= math/NaN math/NaN)`, want: `false`},
		{src: `(let [r (math/round (math/sqrt 49))] (= (* r r) 49))`, want: `true`},
		{src: `(math/sqrt "4")`, err: `Cannot cast string to number`},
		{src: `(fn? (describe-fn math :floor))`, want: `true`},
		{src: `(string? math/short-docs)`, want: `true`},
		{src: `(string? (describe-fn math))`, want: `true`},
		{src: `(contains? math :detail)`, want: `false`},
		{src: `(math/pow 2)`, err: `Wrong number of args (1) passed to: math/pow`},
	})
}

// TestScalarRegistered checks that every catalogue entry of the strings
// and math namespaces is registered (functions) or present (constants),
// and that the namespaces hold no core names.
func TestScalarRegistered(t *testing.T) {
	for _, ns := range []string{"strings", "math"} {
		var m *value.Map
		if ns == "strings" {
			m = StringsNamespace()
		} else {
			m = MathNamespace()
		}
		for _, e := range catalog.Namespace(ns) {
			key := value.Kw(strings.TrimPrefix(e.Name, ns+"/"))
			v, ok := m.Get(key)
			if !ok {
				t.Errorf("%s: %s missing from the namespace map", ns, e.Name)
				continue
			}
			if e.Kind == catalog.NamespaceMember {
				b, ok := v.(*Builtin)
				if !ok || b.Name != e.Name || b.Min != e.MinArgs || b.Max != e.MaxArgs {
					t.Errorf("%s: %s is %#v", ns, e.Name, v)
				}
			}
		}
		for _, core := range []string{"subs", "re-find", "re-matches", "re-seq", "format", "str"} {
			if m.Contains(value.Kw(core)) {
				t.Errorf("%s must not contain the core name %s", ns, core)
			}
		}
	}
	for _, name := range []string{
		"+", "-", "*", "/", "inc", "dec", "+'", "-'", "*'", "inc'", "dec'", "quot", "rem", "mod", "max", "min",
		"max-key", "min-key", "abs", "int", "long", "float", "double", "bigdec", "bigint", "rationalize", "rand",
		"rand-int", "parse-number", "even?", "odd?", "pos?", "neg?", "zero?", "integer?", "ratio?", "rational?",
		"pos-int?", "neg-int?", "numerator", "denominator", "=", "not=", "<", ">", "<=", ">=", "compare", "not",
		"nil?", "some?", "true?", "false?", "str", "cat", "pr-str", "subs", "re-find", "re-matches", "re-seq",
		"format", "string?", "number?", "vector?", "set?", "keyword?", "symbol?", "coll?", "sequential?", "int?",
		"boolean?", "list?", "seq?", "map?", "fn?", "any?", "boolean", "identity", "name", "namespace", "symbol",
		"keyword", "type", "bit-and", "bit-or", "bit-xor", "bit-and-not", "bit-not", "bit-shift-left",
		"bit-shift-right", "unsigned-bit-shift-right", "bit-set", "bit-clear", "bit-flip", "bit-test",
		"parse-boolean", "random-uuid", "gensym", "throw", "ex-info", "ex-data", "ex-message", "ex-cause",
	} {
		if _, ok := LookupBuiltin(name); !ok {
			t.Errorf("builtin %s is not registered", name)
		}
	}
}

// TestScalarDirect calls implementations without the evaluator.
func TestScalarDirect(t *testing.T) {
	c := &Call{Name: "format", In: New(nil, Options{})}
	got, err := scFormat(c, "%,.3f|%-6x|%+.1e", []value.Value{-9876543.21012, int64(3054), 12345.6789})
	if err != nil || got != "-9,876,543.210|bee   |+1.2e+04" {
		t.Errorf("format: got %v, %v", got, err)
	}
	if got := scJavaSplit(scLineBreak.Get(), "x\r\ny\n"); len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Errorf("split-lines: %q", got)
	}
	if !scIsWhitespace('\u2028') || scIsWhitespace('\u00a0') || !scIsWhitespace('\x1f') {
		t.Error("scIsWhitespace disagrees with Character.isWhitespace")
	}
	for x, want := range map[float64]int64{2.5: 3, -2.5: -2, -0.5: 0, 1e300: 9223372036854775807, -1e300: -9223372036854775808} {
		if got := scJavaRound(x); got != want {
			t.Errorf("round(%v) = %d, want %d", x, got, want)
		}
	}
}
