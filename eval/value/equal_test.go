package value

import (
	"math"
	"math/big"
	"testing"
)

func TestEqual(t *testing.T) {
	h1, h2 := hf("f"), hf("f")
	fn := &SpellFn{Params: rd(t, "[x]"), Body: NewList(rd(t, "(* x x)"))}
	cases := []struct {
		a, b Value
		want bool
	}{
		{rd(t, "[1 2]"), rd(t, "(1 2)"), true},
		{EmptyList, EmptyVector, true},
		{EmptySeq, EmptyVector, true},
		{rd(t, "1"), rd(t, "1N"), true},
		{rd(t, "1"), rd(t, "1.0"), false},
		{rd(t, "1.5M"), rd(t, "1.5"), false},
		{rd(t, "1.50M"), rd(t, "1.5M"), true},
		{pointOne + 0.2, 0.3, false},
		{math.NaN(), math.NaN(), false},
		{nil, false, false},
		{nil, nil, true},
		{float32(0.5), 0.5, true},
		{float32(0.1), 0.1, false},
		{0.0, math.Copysign(0, -1), true},
		{big.NewRat(1, 2), 0.5, false},
		{rd(t, "{:a 1 :b 2}"), rd(t, "{:b 2 :a 1}"), true},
		{rd(t, "{:a 1 :b 2}"), rd(t, "{:b 2 :a 2}"), false},
		{rd(t, "#{1 2 3}"), rd(t, "#{3 2 1}"), true},
		{rd(t, "#{1 2 3}"), rd(t, "[1 2 3]"), false},
		{rd(t, "{:a [1 (2 3)]}"), rd(t, "{:a ((1 [2 3]))}"), false},
		{rd(t, "{:a [1 (2 3)]}"), rd(t, "{:a (1 [2 3])}"), true},
		{NewMapEntry(Kw("a"), int64(1)), rd(t, "[:a 1]"), true},
		{NewMapEntry(Kw("a"), int64(1)), rd(t, "(:a 1)"), true},
		{Kw("a"), Sym("a"), false},
		{Kw("a/b"), KwNS("a", "b"), true},
		{Char('a'), "a", false},
		{fn, rd(t, "{:spell/fn true :params [x] :body ((* x x))}"), true},
		{rd(t, "{:body ((* x x)) :spell/fn true :params [x]}"), fn, true},
		{fn, withExtra(&SpellFn{Params: rd(t, "[x]"), Body: NewList(rd(t, "(* x x)"))}, 5), true},
		{fn, &SpellFn{Params: rd(t, "[y]"), Body: NewList(rd(t, "(* x x)"))}, false},
		{&h1, &h1, true},
		{&h1, &h2, false},
		{rd(t, "[]"), rd(t, "{}"), false},
		{rd(t, "{}"), rd(t, "#{}"), false},
		{VectorOf(int64(1)).WithLines(5, nil), rd(t, "[1]"), true},
	}
	for i, c := range cases {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("%d: Equal(%s, %s) = %v", i, PrStr(c.a), PrStr(c.b), got)
		}
		if got := Equal(c.b, c.a); got != c.want {
			t.Errorf("%d: Equal(%s, %s) = %v (reversed)", i, PrStr(c.b), PrStr(c.a), got)
		}
		if c.want && Hash(c.a) != Hash(c.b) {
			t.Errorf("%d: Hash differs for equal %s / %s", i, PrStr(c.a), PrStr(c.b))
		}
	}
}

func TestHashSortedAndBig(t *testing.T) {
	// maps and sets beyond the small size hash independent of order
	var kv1, kv2 []Value
	for i := range 50 {
		kv1 = append(kv1, int64(i), int64(i*i))
		kv2 = append([]Value{int64(i), int64(i * i)}, kv2...)
	}
	m1, m2 := NewMap(kv1...), NewMap(kv2...)
	if !Equal(m1, m2) || Hash(m1) != Hash(m2) {
		t.Fatal("big map equality/hash")
	}
	sm := NewSortedMap(nil)
	for i := 49; i >= 0; i-- {
		sm, _ = sm.Assoc(big.NewInt(int64(i)), int64(i*i))
	}
	if !Equal(sm, m1) || Hash(sm) != Hash(m1) {
		t.Fatal("sorted map vs map")
	}
	// maps as keys
	outer := NewMap(m1, "x")
	if v, ok := outer.Get(m2); !ok || v != "x" {
		t.Fatal("map key lookup")
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
		err  bool
	}{
		{`"a"`, `"c"`, -2, false},
		{`"abc"`, `"ab"`, 1, false},
		{`"ab"`, `"abcd"`, -2, false},
		{`"é"`, `"e"`, 'é' - 'e', false},
		{`"aé"`, `"aè"`, 'é' - 'è', false},
		{`"x"`, `"x"`, 0, false},
		{"nil", "1", -1, false},
		{"1", "nil", 1, false},
		{"nil", "nil", 0, false},
		{"false", "true", -1, false},
		{"true", "false", 1, false},
		{"1", "2.5", -1, false},
		{"3/2", "1", 1, false},
		{":a", ":b", -1, false},
		{":a", ":x/a", -1, false},
		{":x/b", ":x/a", 1, false},
		{"a", "b", -1, false},
		{"[1 2]", "[1 2 3]", -1, false},
		{"[1 3]", "[1 2]", 1, false},
		{"[1 2]", "[1 2]", 0, false},
		{`\a`, `\c`, -2, false},
		{`"a"`, ":a", 0, true},
		{"1", `"a"`, 0, true},
		{"{:a 1}", "{:a 2}", 0, true},
		{"(1 2)", "(1 3)", 0, true},
	}
	for _, c := range cases {
		got, err := Compare(rd(t, c.a), rd(t, c.b))
		if c.err {
			if err == nil {
				t.Errorf("Compare(%s, %s) expected error", c.a, c.b)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Compare(%s, %s) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
}

func TestSymbols(t *testing.T) {
	if Sym("a/b/c") != SymNS("a", "b/c") || Sym("/").Name != "/" || Sym("/").NS != "" {
		t.Fatal("split")
	}
	if s := Sym("a/"); s.NS != "" || s.Name != "a/" {
		t.Fatal("a/")
	}
	if s := Sym("/a"); s.NS != "" || s.Name != "/a" {
		t.Fatal("/a")
	}
	if Kw("x") != Kw("x") || Kw("x") == KwNS("y", "x") {
		t.Fatal("interning")
	}
	if Sym("ns/n").FullName() != "ns/n" || Sym("ns/n").String() != "ns/n" || Kw("ns/n").String() != ":ns/n" {
		t.Fatal("names")
	}
	readable := map[string]bool{
		"a": true, "+'": true, "->>": true, "!llm-self": true, "a/b/c": true, "/": true, "a.b": true, "*x*": true,
		"a b": false, "1a": false, "-1": false, "nil": false, "true": false, "a:": false, "a::b": false, "//": false,
		"": false, "a(": false, "#a": false, "'a": false, "a\"": false, "a;": false, "a,b": false, "-": true, "+": true,
	}
	for text, want := range readable {
		if got := SymbolReadable(SymNS(SplitName(text))); got != want {
			t.Errorf("SymbolReadable(%q) = %v", text, got)
		}
	}
	if SymbolReadable(SymNS("", "a/b")) {
		t.Error("unsplit a/b must not be readable")
	}
	if !KeywordReadable(Kw("nil")) || KeywordReadable(Kw("a b")) || KeywordReadable(Kw(":a")) {
		t.Error("keyword readability")
	}
}

func TestTypeNameTruthy(t *testing.T) {
	h := hf("inc")
	cases := map[string]Value{
		"nil": nil, "string": "", "number": big.NewRat(1, 2), "boolean": false, "keyword": Kw("a"),
		"symbol": Sym("a"), "vector": NewMapEntry(int64(1), int64(2)), "map": EmptyMap, "set": EmptySet,
		"list": EmptyList, "seq": EmptySeq, "function": &h, "character": Char('a'),
		"regex": mustRegex(t, "a"), "future": NewMap(KwSpellFuture, true),
	}
	for want, v := range cases {
		if got := TypeName(v); got != want {
			t.Errorf("TypeName(%s) = %s, want %s", PrStr(v), got, want)
		}
	}
	if TypeName(&SpellFn{}) != "function" {
		t.Error("spell fn type")
	}
	if Truthy(nil) || Truthy(false) || !Truthy("") || !Truthy(int64(0)) || !Truthy(EmptyList) {
		t.Error("truthy")
	}
	if !IsSpellMacro(NewMap(KwSpellMacro, true)) || IsSpellException(EmptyMap) {
		t.Error("spell map predicates")
	}
}

func TestStrings(t *testing.T) {
	if StrCount("héllo") != 5 || StrCount("abc") != 3 {
		t.Fatal("count")
	}
	if s, ok := StrSub("héllo", 1, 3); !ok || s != "él" {
		t.Fatal("sub", s)
	}
	if s, ok := StrSub("hello", 1, 3); !ok || s != "el" {
		t.Fatal("sub ascii")
	}
	if _, ok := StrSub("abc", 2, 4); ok {
		t.Fatal("range")
	}
	if s, ok := StrSub("abc", 3, 3); !ok || s != "" {
		t.Fatal("empty end")
	}
	if c, ok := StrNth("héllo", 1); !ok || c != 'é' {
		t.Fatal("nth")
	}
	if _, ok := StrNth("abc", 3); ok {
		t.Fatal("nth range")
	}
	if len(StrChars("hé")) != 2 {
		t.Fatal("chars")
	}
}

func withExtra(f *SpellFn, x any) *SpellFn {
	f.Extra.Store(x)
	return f
}
