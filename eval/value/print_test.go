package value

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestPrStrAtoms(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{nil, "nil"}, {true, "true"}, {false, "false"},
		{int64(42), "42"}, {int64(-7), "-7"}, {big.NewInt(42), "42N"},
		{1.0, "1.0"}, {pointOne + 0.2, "0.30000000000000004"}, {1234567.0, "1234567.0"},
		{0.001, "0.001"}, {1e7, "1.0E7"}, {1e21, "1.0E21"}, {1e-4, "1.0E-4"}, {1.5e-5, "1.5E-5"},
		{math.Copysign(0, -1), "-0.0"}, {0.0, "0.0"}, {math.Inf(1), "##Inf"}, {math.Inf(-1), "##-Inf"},
		{math.NaN(), "##NaN"}, {100.0, "100.0"}, {-2.5e-3, "-0.0025"}, {123456789.0, "1.23456789E8"},
		{3.141592653589793, "3.141592653589793"}, {9999999.0, "9999999.0"}, {0.1428571428571429, "0.1428571428571429"},
		{float32(0.1), "0.1"}, {float32(1e10), "1.0E10"}, {float32(3.14), "3.14"},
		{big.NewRat(3, 2), "3/2"}, {big.NewRat(-1, 3), "-1/3"},
		{NewBigDec(15, 1), "1.5M"}, {NewBigDec(3, 0), "3M"}, {NewBigDec(150, 2), "1.50M"},
		{NewBigDec(1, 7), "1E-7M"}, {NewBigDec(123, -8), "1.23E+10M"},
		{"a\"b\\c\nd\te\rf\fg\bh", `"a\"b\\c\nd\te\rf\fg\bh"`}, {"héllo", `"héllo"`},
		{Char('a'), `\a`}, {Char('\n'), `\newline`}, {Char(' '), `\space`}, {Char('\t'), `\tab`},
		{Char('\b'), `\backspace`}, {Char('\f'), `\formfeed`}, {Char('\r'), `\return`}, {Char('é'), `\é`},
		{Kw("a"), ":a"}, {Kw("ns/a"), ":ns/a"}, {Sym("a"), "a"}, {Sym("ns/a"), "ns/a"}, {Sym("/"), "/"},
		{Reduced{int64(1)}, "#reduced[1]"},
	}
	for _, c := range cases {
		if got := PrStr(c.v); got != c.want {
			t.Errorf("PrStr(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestBigDecString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"1.5", "1.5"}, {"3", "3"}, {"1.50", "1.50"}, {"1E-7", "1E-7"}, {"1.23E+10", "1.23E+10"},
		{"0.000001", "0.000001"}, {"0.0000001", "1E-7"}, {"-0.00012", "-0.00012"}, {"1E+2", "1E+2"},
		{"123.456", "123.456"}, {"0", "0"}, {"0.00", "0.00"}, {"-1.0E-10", "-1.0E-10"}, {"12E3", "1.2E+4"},
		{".5", "0.5"}, {"1.", "1"},
	}
	for _, c := range cases {
		d, ok := ParseBigDec(c.in)
		if !ok {
			t.Fatalf("parse %q", c.in)
		}
		if got := d.String(); got != c.want {
			t.Errorf("BigDec(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

type hf string

func (h *hf) HostName() string { return string(*h) }

func TestPrStrColls(t *testing.T) {
	h := hf("inc")
	cases := []struct {
		v    Value
		want string
	}{
		{rd(t, "(1 2 3)"), "(1 2 3)"}, {EmptyList, "()"}, {EmptySeq, "()"},
		{rd(t, "[1 2 3]"), "[1 2 3]"}, {EmptyVector, "[]"},
		{rd(t, "{:a 1 :b 2}"), "{:a 1, :b 2}"}, {EmptyMap, "{}"},
		{rd(t, "#{1 2}"), "#{1 2}"}, {EmptySet, "#{}"},
		{rd(t, "'x"), "(quote x)"}, {rd(t, `[1 "a" :b {:c [nil]}]`), `[1 "a" :b {:c [nil]}]`},
		{NewMapEntry(Kw("a"), int64(1)), "[:a 1]"},
		{&SpellFn{Params: rd(t, "[x]"), Body: NewList(rd(t, "(* x x)"))}, "{:spell/fn true, :params [x], :body ((* x x))}"},
		{&h, "#function[inc]"},
		{mustRegex(t, `a\d+"`), `#"a\d+""`},
		{NewSeq([]Value{int64(1), int64(2)}), "(1 2)"},
		{Cons(int64(0), rd(t, "(1)").(*List)), "(0 1)"},
	}
	for _, c := range cases {
		if got := PrStr(c.v); got != c.want {
			t.Errorf("PrStr = %q, want %q", got, c.want)
		}
	}
}

func mustRegex(t *testing.T, p string) *Regex {
	r, err := CompileRegex(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRegexError(t *testing.T) {
	_, err := CompileRegex(`(?=a)`)
	if err == nil || !strings.HasPrefix(err.Error(), "Unsupported regex (RE2): (?=a): ") {
		t.Fatalf("got %v", err)
	}
	if _, err := CompileRegex(`(?<n>a)(?P<m>b)`); err != nil {
		t.Fatal(err)
	}
}

func TestStr(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{nil, ""}, {"a", "a"}, {Char('x'), "x"}, {Kw("k"), ":k"}, {Sym("s"), "s"},
		{big.NewInt(42), "42"}, {NewBigDec(15, 1), "1.5"}, {math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"}, {1.5, "1.5"}, {int64(1), "1"},
		{rd(t, `[1 "a" :b]`), `[1 "a" :b]`}, {rd(t, "{:a 1 :b 2}"), "{:a 1, :b 2}"},
		{NewSeq([]Value{int64(1), int64(2)}), "(1 2)"}, {big.NewRat(1, 2), "1/2"},
		{rd(t, "[1N]"), "[1N]"},
	}
	for _, c := range cases {
		if got := Str(c.v); got != c.want {
			t.Errorf("Str = %q, want %q", got, c.want)
		}
	}
}

func TestPrefix(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{rd(t, `{:a 1 :b [1 2] :c #{3}}`), `{:a 1 :b [1 2] :c #{3}}`},
		{rd(t, `(def x {:a 1 :b 2})`), `(def x {:a 1 :b 2})`},
		{rd(t, `'x`), `(quote x)`},
		{rd(t, `(first-line 4 [])`), `(first-line 4 [])`},
		{rd(t, `(def page {:ok true :out (first-line 1 ["Spell enables recursive self-calls for context engineering." "This is file A."]) :err nil :truncated false})`),
			"(def page {:ok true :out (first-line 1 [\n \"Spell enables recursive self-calls for context engineering.\" ; 1\n \"This is file A.\" ; 2\n]) :err nil :truncated false})"},
		{rd(t, `(first-line 4 ["a" {:x 1 :y 2}] nil ["z"] 10 [])`),
			"(first-line 4 [\n \"a\" ; 4\n {:x 1, :y 2} ; 5\n] nil [\n \"z\"\n] 10 [])"},
		{rd(t, `(first-line 4 ["a"] 5)`), `(first-line 4 ["a"] 5)`},
		{rd(t, `(first-line x ["a"])`), `(first-line x ["a"])`},
	}
	for _, c := range cases {
		if got := Prefix(c.v); got != c.want {
			t.Errorf("Prefix = %q, want %q", got, c.want)
		}
	}
}

func TestPrefixOpen(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{`(quine completion (eval (do)))`, `(quine completion (eval (do  `, ""},
		{`(quine completion (eval (do 'x)))`, `(quine completion (eval (do (quote x) `, ""},
		{`(quine completion "ctx" (eval (do (def x {:a 1 :b 2}))))`, `(quine completion "ctx" (eval (do (def x {:a 1 :b 2}) `, ""},
		{`(quine c {:a 1 :b 2} (eval (do 1 2)))`, `(quine c {:a 1, :b 2} (eval (do 1 2 `, ""},
		{`(quine c)`, "", "reopen expects a quine form"},
		{`(foo c (eval (do)))`, "", "reopen expects a quine form"},
		{`[quine c (eval (do))]`, "", "reopen expects a quine form"},
		{`(quine c (eval 1))`, "", "reopen expects quine tail of the form (eval (do ...))"},
		{`(quine c (eval (progn 1)))`, "", "reopen expects quine tail of the form (eval (do ...))"},
		{`(quine c "x")`, "", "reopen expects quine tail of the form (eval (do ...))"},
	}
	for _, c := range cases {
		got, err := PrefixOpen(rd(t, c.in))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("PrefixOpen(%s) err = %v, want %s", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("PrefixOpen(%s) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestDeepPrint(t *testing.T) {
	var v Value = EmptyVector
	for range MaxPrintDepth + 50 {
		v = VectorOf(v)
	}
	s := PrStr(v)
	if !strings.Contains(s, "...") {
		t.Fatal("expected depth cut-off")
	}
	var l Value = EmptyList
	for range 100 {
		l = NewList(l)
	}
	if got := PrStr(l); got != strings.Repeat("(", 101)+strings.Repeat(")", 101) {
		t.Fatal(got)
	}
}

var pointOne = 0.1

// TestPrStrMaxShared: a value with shared structure (a vector of itself,
// doubled 40 times: 2^40 leaves) prints within the bound, ends in the
// marker, and polls stop it as well.
func TestPrStrMaxShared(t *testing.T) {
	var v Value = EmptyVector
	for range 40 {
		v = VectorOf(v, v)
	}
	s := PrStrMax(v, 1000)
	if len(s) > 1000+3+2*41 || !strings.Contains(s, "...") || !strings.HasPrefix(s, strings.Repeat("[", 41)+"] []]") {
		t.Fatalf("PrStrMax(2^40 leaves, 1000) = %d bytes: %.200q", len(s), s)
	}
	var b strings.Builder
	polls := 0
	if WritePrLimit(&b, v, MaxPrintBytes, func() bool { polls++; return true }) || polls != 1 || b.Len() > 1<<20 {
		t.Fatalf("a poll returning true did not stop printing: %d polls, %d bytes", polls, b.Len())
	}
	if small := PrStrMax(VectorOf(int64(1), "a"), 1000); small != `[1 "a"]` {
		t.Errorf("PrStrMax of a small value = %q", small)
	}
}

// TestPrStrMaxString: a long string is cut at the bound on a rune
// boundary, closed and marked.
func TestPrStrMaxString(t *testing.T) {
	long := strings.Repeat("é", 100)
	for _, tc := range []struct {
		v    Value
		want string
	}{
		{long, `"` + strings.Repeat("é", 5) + `"...`},
		{VectorOf(long), `["` + strings.Repeat("é", 5) + `"...]`},
		{"short", `"short"`},
	} {
		if got := PrStrMax(tc.v, 11); got != tc.want {
			t.Errorf("PrStrMax(%.20q, 11) = %q, want %q", PrStr(tc.v), got, tc.want)
		}
	}
}
