package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/catalog"
)

// TestDocEveryName checks that every catalogue name and every namespace has
// documentation, against golden text (testdata/doc_every_name.golden;
// go test -update rewrites it): a change of any doc text shows in review.
func TestDocEveryName(t *testing.T) {
	var b strings.Builder
	for _, e := range catalog.All() {
		code, out, errs := run(t, "", "doc", "--", e.Name)
		if code != 0 || errs != "" {
			t.Errorf("spell doc %s: exit %d, stderr %q", e.Name, code, errs)
		}
		fmt.Fprintf(&b, "=== spell doc %s\n%s", e.Name, out)
	}
	for _, ns := range catalog.Namespaces() {
		code, out, errs := run(t, "", "doc", ns.Name)
		if code != 0 || errs != "" {
			t.Errorf("spell doc %s: exit %d, stderr %q", ns.Name, code, errs)
		}
		fmt.Fprintf(&b, "=== spell doc %s\n%s", ns.Name, out)
	}
	golden := filepath.Join("testdata", "doc_every_name.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("spell doc output differs from %s at line %d:\n got %q\nwant %q\n(go test -update rewrites it; review the diff)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("spell doc output differs from %s in length: %d lines, want %d", golden, len(gl), len(wl))
	}
}

// TestDocDivergenceText: every divergence tag of the catalogue is explained
// in words by spell doc, which never prints a bare tag.
func TestDocDivergenceText(t *testing.T) {
	for _, e := range catalog.All() {
		for _, tag := range strings.Fields(e.Divergence) {
			if words, _ := divergenceMeaning(tag); words == "" {
				t.Errorf("%s: divergence %s has no text", e.Name, tag)
			}
		}
		if e.Divergence != "" && regexp.MustCompile(`\bD[0-9]+\b`).MatchString(docText(e)) {
			t.Errorf("spell doc %s shows a divergence tag", e.Name)
		}
	}
}

// TestDocBuiltinsKeys checks that every builtins :detail key prints exactly
// the text a program reads with describe-fn.
func TestDocBuiltinsKeys(t *testing.T) {
	for key, text := range catalog.BuiltinsDetail() {
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
	if len(list) != len(catalog.All()) {
		t.Errorf("--list --json has %d entries, want %d", len(list), len(catalog.All()))
	}
	if len(list) > 0 && list[0]["namespace"] != "" {
		t.Errorf("--list --json must start with core names, got %v", list[0]["name"])
	}
}

func docDistance(a, b string) int { return catalog.EditDistance(a, b, 1<<20) }
