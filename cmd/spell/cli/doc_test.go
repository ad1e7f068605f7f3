package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/catalog"
)

// TestDocEveryName checks that every catalogue name and every namespace has
// documentation, printed as the catalogue's Describe text.
func TestDocEveryName(t *testing.T) {
	for _, e := range catalog.Entries {
		code, out, errs := run(t, "", "doc", "--", e.Name)
		if code != 0 || errs != "" {
			t.Errorf("spell doc %s: exit %d, stderr %q", e.Name, code, errs)
			continue
		}
		if want := catalog.Describe(e) + "\n"; out != want {
			t.Errorf("spell doc %s:\n got %q\nwant %q", e.Name, out, want)
		}
	}
	for _, ns := range catalog.Namespaces() {
		code, out, errs := run(t, "", "doc", ns.Name)
		if code != 0 || errs != "" || !strings.HasPrefix(out, strings.TrimRight(ns.Guide, "\n")) {
			t.Errorf("spell doc %s: exit %d, stderr %q, stdout %.60q", ns.Name, code, errs, out)
		}
	}
}

// TestDocBuiltinsKeys checks that every builtins :detail key prints exactly
// the text a program reads with describe-fn.
func TestDocBuiltinsKeys(t *testing.T) {
	for key, text := range catalog.BuiltinsDetail {
		code, out, errs := run(t, "", "doc", "builtins", ":"+key)
		if code != 0 || errs != "" {
			t.Errorf("spell doc builtins :%s: exit %d, stderr %q", key, code, errs)
			continue
		}
		if out != strings.TrimRight(text, "\n")+"\n" {
			t.Errorf("spell doc builtins :%s differs from (:detail builtins)", key)
		}
	}
}

func TestDocExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"doc", "map"}, 0},
		{[]string{"doc", "--list"}, 0},
		{[]string{"doc", "builtins", ":quine"}, 0},
		{[]string{"doc", "builtins", ":map"}, 0}, // nil for a program: the catalogue answers
		{[]string{"doc", "math", ":PI"}, 0},
		{[]string{"doc", "lenght"}, 1},
		{[]string{"doc", "builtins", ":nope-nope"}, 1},
		{[]string{"doc", "nonamespace", ":x"}, 1},
		{[]string{"doc"}, 2},
		{[]string{"doc", "--bogus"}, 2},
		{[]string{"doc", "--list", "map"}, 2},
		{[]string{"doc", "a", "b", "c"}, 2},
		{[]string{"doc", "builtins", ":a b"}, 2},
		{[]string{"doc", "map", ":x"}, 2},
	}
	for _, tt := range tests {
		code, _, errs := run(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("spell %s: exit %d, want %d (stderr %q)", strings.Join(tt.args, " "), code, tt.code, errs)
		}
	}
}

func TestDocSuggest(t *testing.T) {
	tests := map[string]string{
		"redcue":       "reduce",
		"mpa":          "map",
		"split":        "strings/split",
		"splitt":       "strings/split",
		"strngs/split": "strings/split",
		"florr":        "math/floor",
		"strigns":      "strings",
		"zzzzzzzz":     "",
		"q":            "",
	}
	for in, want := range tests {
		if got := docSuggestName(in); got != want {
			t.Errorf("docSuggestName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		d    int
	}{
		{"", "", 0},
		{"map", "map", 0},
		{"lenght", "length", 1}, // adjacent swap
		{"kitten", "sitting", 3},
		{"straße", "strasse", 2},
		{"", "abc", 3},
	}
	for _, tt := range tests {
		if got := docDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("docDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestDocJSON(t *testing.T) {
	code, out, _ := run(t, "", "doc", "--json", "strings/split")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var e struct {
		Name       string   `json:"name"`
		Namespace  string   `json:"namespace"`
		Kind       string   `json:"kind"`
		Signatures []string `json:"signatures"`
		MinArgs    int      `json:"min_args"`
		MaxArgs    *int     `json:"max_args"`
		Doc        string   `json:"doc"`
		Detail     string   `json:"detail"`
		Divergence string   `json:"divergence"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	if e.Name != "strings/split" || e.Namespace != "strings" || e.Kind != "namespace member" ||
		len(e.Signatures) != 1 || e.MinArgs != 2 || e.MaxArgs == nil || *e.MaxArgs != 2 ||
		e.Doc == "" || e.Detail == "" || e.Divergence != "D10" {
		t.Errorf("unexpected object: %+v", e)
	}

	code, out, _ = run(t, "", "doc", "--list", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(catalog.Entries) {
		t.Errorf("--list --json has %d entries, want %d", len(list), len(catalog.Entries))
	}
	if len(list) > 0 && list[0]["namespace"] != "" {
		t.Errorf("--list --json must start with core names, got %v", list[0]["name"])
	}
}

func docDistance(a, b string) int { return catalog.EditDistance(a, b, 1<<20) }
