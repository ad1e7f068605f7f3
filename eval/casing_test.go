package eval

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// TestCasingMatchesXText: scUpperCase and scLower give what
// golang.org/x/text/cases gives for the root locale (what they were until
// spell stopped linking it), on every rune, on every cased or
// case-ignorable rune before and after a capital sigma inside a word, and
// on random strings of letters, sigmas, case-ignorables, separators and
// bytes that are not UTF-8.
func TestCasingMatchesXText(t *testing.T) {
	upper, lower := cases.Upper(language.Und), cases.Lower(language.Und)
	check := func(s string) {
		t.Helper()
		if got, want := scUpperCase(s), upper.String(s); got != want {
			t.Errorf("scUpperCase(%q) = %q, x/text %q", s, got, want)
		}
		if got, want := scLower(s), lower.String(s); got != want {
			t.Errorf("scLower(%q) = %q, x/text %q", s, got, want)
		}
	}
	var around []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		check(string(r))
		if isCased(r) || isCaseIgnorable(r) || r%251 == 0 {
			around = append(around, r)
		}
		if t.Failed() {
			return
		}
	}
	for _, r := range around {
		x := string(r)
		for _, s := range []string{"ΑΣ" + x, "ΑΣ" + x + "Β", "Σ" + x, x + "Σ", "Α" + x + "Σ", "Α" + x + "Σ" + x, "ΑΣ" + x + x + "b"} {
			check(s)
		}
		if t.Failed() {
			return
		}
	}
	alphabet := []string{"Σ", "Σ", "σ", "ς", "A", "b", "İ", "ß", "ﬁ", "ǅ", "\u0345", "\u0301", "'", ".", ":", "\u00ad", "ʰ", " ", "-", "1", "\xff", "\xe2\x82", "Ω", "ᾳ", "\u200d"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n >= 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		check(b.String())
		if t.Failed() {
			return
		}
	}
	// x/text looks at most 30 case-ignorable runes past a sigma.
	for n := 28; n <= 33; n++ {
		check("ΑΣ" + strings.Repeat("'", n) + "b")
	}
}
