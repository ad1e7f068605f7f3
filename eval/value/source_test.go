package value

import (
	"testing"
)

func TestSourceForm(t *testing.T) {
	ex := NewMap(KwSpellException, true, Kw("message"), "nf", Kw("data"), NewMap(Kw("c"), int64(1)))
	h := hf("inc")
	fn := &SpellFn{Params: rd(t, "[x]"), Body: NewList(Sym("x"))}
	cases := []struct {
		v    Value
		want string
		err  bool
	}{
		{int64(42), "42", false},
		{"hi", `"hi"`, false},
		{Sym("abc"), "(quote abc)", false},
		{SymNS("", "a b"), `(symbol "a b")`, false},
		{SymNS("", "a/b"), `(symbol nil "a/b")`, false},
		{SymNS("x y", "b"), `(symbol "x y" "b")`, false},
		{Kw("a"), ":a", false},
		{Kw("a b"), `(keyword "a b")`, false},
		{rd(t, "(1 2)"), "(quote (1 2))", false},
		{rd(t, "[a b]"), "[(quote a) (quote b)]", false},
		{fn, "(fn [x] x)", false},
		{ex, `(quote {:spell/exception true :message "nf" :data {:c 1}})`, false},
		{NewMap(Kw("f"), fn), "{:f (fn [x] x)}", false},
		{NewMap(fn, int64(1)), "(into {} [[(fn [x] x) 1]])", false},
		{NewList(fn, int64(1)), "(list (fn [x] x) 1)", false},
		{NewSet(fn), "(set [(fn [x] x)])", false},
		{rd(t, "#{1 :a}"), "(quote #{1 :a})", false},
		{float32(0.5), "0.5", false},
		{float32(0.1), "(float 0.1)", false},
		{VectorOf(&h), "", true},
		{mustRegex(t, "a"), "", true},
		{NewMap(KwSpellFuture, true, Kw("ref"), &h), "", true},
	}
	for _, c := range cases {
		got, err := SourceForm(c.v)
		if c.err {
			if err == nil || err.Error() != "Value has no ordinary source representation" {
				t.Errorf("SourceForm(%s) err = %v", PrStr(c.v), err)
			}
			continue
		}
		if err != nil || Prefix(got) != c.want {
			t.Errorf("SourceForm(%s) = %s, %v; want %s", PrStr(c.v), Prefix(got), err, c.want)
		}
	}
	if IsLiteral(fn) || !IsLiteral(rd(t, "{:a [1 (b)]}")) || IsLiteral(SymNS("", "a b")) {
		t.Error("IsLiteral")
	}
}
