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
