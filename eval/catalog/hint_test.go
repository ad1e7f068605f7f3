package catalog

import "testing"

// TestHintPrefersIntendedName: names from other languages map to the
// Spell name, misspelt ones too, and win over names in scope that are
// further away; a name in scope at least as close still wins.
func TestHintPrefersIntendedName(t *testing.T) {
	cases := []struct {
		name  string
		cands []string
		want  string
	}{
		{"length", []string{"let", "height"}, "count"},
		{"len", []string{"let"}, "count"},
		{"lenght", []string{"let", "height"}, "count"}, // one swap from length, two edits from height
		{"lenght", []string{"lenghts"}, "lenghts"},     // a name in scope one edit away
		{"cout", []string{"count", "cons"}, "count"},
		{"trim", nil, "strings/trim"},
		{"qwzx", []string{"count"}, ""},
	}
	for _, c := range cases {
		if got := Hint(c.name, c.cands); got != c.want {
			t.Errorf("Hint(%q, %q) = %q, want %q", c.name, c.cands, got, c.want)
		}
	}
}

// TestForeignNamesAreSpellNames: each name from another language maps to
// a name the catalogue holds, and Hint gives it, misspelt too.
func TestForeignNamesAreSpellNames(t *testing.T) {
	for _, f := range foreignNames {
		if _, ok := Lookup(f.spell); !ok {
			t.Errorf("%s → %s: not in the catalogue", f.name, f.spell)
		}
		if got := Hint(f.name, nil); got != f.spell {
			t.Errorf("Hint(%q) = %q, want %q", f.name, got, f.spell)
		}
	}
	if got := Hint("toUpperCas", nil); got != "strings/upper-case" {
		t.Errorf("Hint(toUpperCas) = %q, want strings/upper-case", got)
	}
}
