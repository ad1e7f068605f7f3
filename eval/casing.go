package eval

// Full Unicode case mapping for strings/upper-case, lower-case and
// capitalize (language.md §10.1): ß → SS, ﬁ → FI, İ → i̇, and the Greek
// final sigma (Σ → ς at the end of a word), as golang.org/x/text/cases
// does for the root locale, without linking that package (its tables and
// those of golang.org/x/text/language are initialised at every start of
// spell; issue 11, start-up). TestCasingMatchesXText compares both on
// every rune and on every rune around a sigma.

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// upperSpecial are the runes whose full uppercase mapping is not their
// simple one (the unconditional mappings of SpecialCasing.txt), by rune.
var upperSpecial = [...]struct {
	r rune
	s string
}{
	{0x00DF, "SS"},
	{0x0149, "ʼN"},
	{0x01F0, "J̌"},
	{0x0390, "Ϊ́"},
	{0x03B0, "Ϋ́"},
	{0x0587, "ԵՒ"},
	{0x1E96, "H̱"},
	{0x1E97, "T̈"},
	{0x1E98, "W̊"},
	{0x1E99, "Y̊"},
	{0x1E9A, "Aʾ"},
	{0x1F50, "Υ̓"},
	{0x1F52, "Υ̓̀"},
	{0x1F54, "Υ̓́"},
	{0x1F56, "Υ̓͂"},
	{0x1F80, "ἈΙ"},
	{0x1F81, "ἉΙ"},
	{0x1F82, "ἊΙ"},
	{0x1F83, "ἋΙ"},
	{0x1F84, "ἌΙ"},
	{0x1F85, "ἍΙ"},
	{0x1F86, "ἎΙ"},
	{0x1F87, "ἏΙ"},
	{0x1F88, "ἈΙ"},
	{0x1F89, "ἉΙ"},
	{0x1F8A, "ἊΙ"},
	{0x1F8B, "ἋΙ"},
	{0x1F8C, "ἌΙ"},
	{0x1F8D, "ἍΙ"},
	{0x1F8E, "ἎΙ"},
	{0x1F8F, "ἏΙ"},
	{0x1F90, "ἨΙ"},
	{0x1F91, "ἩΙ"},
	{0x1F92, "ἪΙ"},
	{0x1F93, "ἫΙ"},
	{0x1F94, "ἬΙ"},
	{0x1F95, "ἭΙ"},
	{0x1F96, "ἮΙ"},
	{0x1F97, "ἯΙ"},
	{0x1F98, "ἨΙ"},
	{0x1F99, "ἩΙ"},
	{0x1F9A, "ἪΙ"},
	{0x1F9B, "ἫΙ"},
	{0x1F9C, "ἬΙ"},
	{0x1F9D, "ἭΙ"},
	{0x1F9E, "ἮΙ"},
	{0x1F9F, "ἯΙ"},
	{0x1FA0, "ὨΙ"},
	{0x1FA1, "ὩΙ"},
	{0x1FA2, "ὪΙ"},
	{0x1FA3, "ὫΙ"},
	{0x1FA4, "ὬΙ"},
	{0x1FA5, "ὭΙ"},
	{0x1FA6, "ὮΙ"},
	{0x1FA7, "ὯΙ"},
	{0x1FA8, "ὨΙ"},
	{0x1FA9, "ὩΙ"},
	{0x1FAA, "ὪΙ"},
	{0x1FAB, "ὫΙ"},
	{0x1FAC, "ὬΙ"},
	{0x1FAD, "ὭΙ"},
	{0x1FAE, "ὮΙ"},
	{0x1FAF, "ὯΙ"},
	{0x1FB2, "ᾺΙ"},
	{0x1FB3, "ΑΙ"},
	{0x1FB4, "ΆΙ"},
	{0x1FB6, "Α͂"},
	{0x1FB7, "Α͂Ι"},
	{0x1FBC, "ΑΙ"},
	{0x1FC2, "ῊΙ"},
	{0x1FC3, "ΗΙ"},
	{0x1FC4, "ΉΙ"},
	{0x1FC6, "Η͂"},
	{0x1FC7, "Η͂Ι"},
	{0x1FCC, "ΗΙ"},
	{0x1FD2, "Ϊ̀"},
	{0x1FD3, "Ϊ́"},
	{0x1FD6, "Ι͂"},
	{0x1FD7, "Ϊ͂"},
	{0x1FE2, "Ϋ̀"},
	{0x1FE3, "Ϋ́"},
	{0x1FE4, "Ρ̓"},
	{0x1FE6, "Υ͂"},
	{0x1FE7, "Ϋ͂"},
	{0x1FF2, "ῺΙ"},
	{0x1FF3, "ΩΙ"},
	{0x1FF4, "ΏΙ"},
	{0x1FF6, "Ω͂"},
	{0x1FF7, "Ω͂Ι"},
	{0x1FFC, "ΩΙ"},
	{0xFB00, "FF"},
	{0xFB01, "FI"},
	{0xFB02, "FL"},
	{0xFB03, "FFI"},
	{0xFB04, "FFL"},
	{0xFB05, "ST"},
	{0xFB06, "ST"},
	{0xFB13, "ՄՆ"},
	{0xFB14, "ՄԵ"},
	{0xFB15, "ՄԻ"},
	{0xFB16, "ՎՆ"},
	{0xFB17, "ՄԽ"},
}

// scUpperCase is the full uppercase of s; bytes that are not UTF-8 are
// kept as they are.
func scUpperCase(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		default:
			if j := sort.Search(len(upperSpecial), func(k int) bool { return upperSpecial[k].r >= r }); j < len(upperSpecial) && upperSpecial[j].r == r {
				b.WriteString(upperSpecial[j].s)
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
		}
		i += n
	}
	return b.String()
}

// scLower is the full lowercase of s: İ becomes i and a combining dot
// above, and a capital sigma inside a word that no cased letter follows
// (past at most maxIgnorable case-ignorable runes, as x/text looks) the
// final ς; bytes that are not UTF-8 are kept as they are and end a word.
func scLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	const maxIgnorable = 30
	var b strings.Builder
	b.Grow(len(s))
	inWord := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
			inWord = false
			i++
			continue
		}
		cased, ignorable := isCased(r), isCaseIgnorable(r)
		switch {
		case !inWord && !cased:
			b.WriteString(s[i : i+n])
		case inWord && !cased && !ignorable:
			b.WriteString(s[i : i+n])
			inWord = false
		case inWord && r == 'Σ':
			// ς, unless a cased letter follows the case-ignorable runes
			// after it (which are copied as they are).
			j, final := i+n, true
			for k := 0; k <= maxIgnorable && j < len(s); k++ {
				q, m := utf8.DecodeRuneInString(s[j:])
				if q == utf8.RuneError && m == 1 || !isCaseIgnorable(q) {
					if !(q == utf8.RuneError && m == 1) && isCased(q) {
						final = false
					}
					break
				}
				j += m
			}
			if final {
				b.WriteString("ς")
			} else {
				b.WriteString("σ")
			}
			b.WriteString(s[i+n : j])
			i = j
			continue
		default:
			inWord = true
			if r == 'İ' {
				b.WriteString("i\u0307")
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		i += n
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isCased is Unicode's Cased property: Lowercase, Uppercase or Lt.
func isCased(r rune) bool {
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// isCaseIgnorable is Unicode's Case_Ignorable property: Mn, Me, Cf, Lm,
// Sk, and the word-break classes MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
