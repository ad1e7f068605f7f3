package cli

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/format"
	"github.com/spell-go/spell/syntax"
)

// TestLatest keeps the examples in the test archives honest: every .spl file
// embedded in an archive under testdata/script must parse in strict mode and
// be spell fmt-clean, unless its name says otherwise (_invalid, _unformatted).
func TestLatest(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join(scriptDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) == 0 {
		t.Fatalf("no archives in %s", scriptDir)
	}
	n := 0
	for _, archive := range archives {
		a, err := txtar.ParseFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			base := filepath.Base(f.Name)
			if !strings.HasSuffix(base, ".spl") || strings.Contains(base, "_invalid") || strings.Contains(base, "_unformatted") {
				continue
			}
			n++
			name := filepath.Base(archive) + ":" + f.Name
			if file := syntax.Parse(name, f.Data); len(file.Errors) > 0 {
				for _, e := range file.Errors {
					t.Errorf("%s:%s: %s (name the file *_invalid.spl if that is intended)", name, file.Position(e.Off), e.Msg)
				}
				continue
			}
			out, err := format.Source(name, f.Data)
			if err != nil {
				var se *format.SyntaxErrors
				if !errors.As(err, &se) {
					t.Errorf("%s: %v", name, err)
				} else {
					t.Errorf("%s: syntax errors from the formatter but not from the parser: %v", name, err)
				}
				continue
			}
			if !bytes.Equal(out, f.Data) {
				t.Errorf("%s is not spell fmt-clean (name it *_unformatted.spl if that is intended):\n%s",
					name, udiff.Unified(name, name+" (formatted)", string(f.Data), string(out)))
			}
		}
	}
	t.Logf("checked %d .spl files in %d archives", n, len(archives))
}
