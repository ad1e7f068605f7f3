package eval

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spell-go/spell/eval/value"
)

// TestConformance runs every case of ../shared/conformance/*.txtar through
// the same path as `spell run --json`: the readable value must equal
// NAME.want, or evaluation must fail with an error containing NAME.error.
func TestConformance(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	if len(files) == 0 {
		t.Fatal("no conformance archives found in ../shared/conformance")
	}
	total := 0
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		entries := map[string]string{}
		var names []string
		for _, f := range a.Files {
			entries[f.Name] = string(f.Data)
			if strings.HasSuffix(f.Name, ".spl") {
				names = append(names, strings.TrimSuffix(f.Name, ".spl"))
			}
		}
		sort.Strings(names)
		for _, name := range names {
			total++
			src := entries[name+".spl"]
			want, hasWant := entries[name+".want"]
			wantErr, hasErr := entries[name+".error"]
			t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar")+"/"+name, func(t *testing.T) {
				v, err := EvalString(src)
				switch {
				case hasWant:
					if err != nil {
						t.Fatalf("%s\n got error: %v\nwant: %s", src, err, want)
					}
					if got := value.PrStr(v); got != strings.TrimSuffix(want, "\n") {
						t.Fatalf("%s\n got: %s\nwant: %s", src, got, strings.TrimSuffix(want, "\n"))
					}
				case hasErr:
					if err == nil {
						t.Fatalf("%s\n got value %s, want error %q", src, value.PrStr(v), wantErr)
					}
					if w := strings.TrimSpace(wantErr); w != "" && !strings.Contains(err.Error(), w) {
						t.Fatalf("%s\n got error: %v\nwant error containing: %s", src, err, w)
					}
				default:
					t.Fatalf("case %s has neither .want nor .error", name)
				}
			})
		}
	}
	t.Logf("%d conformance cases", total)
}
