package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestExamplesInSync keeps the quoted copies in test_examples.txtar equal
// to examples/tests/*_test.txtar, so the example folder is what the
// testscript case runs.
func TestExamplesInSync(t *testing.T) {
	const prefix = "examples/tests/"
	a, err := txtar.ParseFile(filepath.Join(scriptDir, "test_examples.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	copies := make(map[string][]byte)
	for _, f := range a.Files {
		if name, ok := strings.CutPrefix(f.Name, prefix); ok {
			data, err := txtar.Unquote(f.Data)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			copies[name] = data
		}
	}
	files, err := filepath.Glob(filepath.Join("../../..", prefix, "*_test.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples/tests/*_test.txtar")
	}
	for _, file := range files {
		name := filepath.Base(file)
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := copies[name]
		switch {
		case !ok:
			t.Errorf("test_examples.txtar has no copy of %s%s", prefix, name)
		case !bytes.Equal(got, want):
			t.Errorf("test_examples.txtar: the copy of %s%s differs from the file", prefix, name)
		}
		delete(copies, name)
	}
	for name := range copies {
		t.Errorf("test_examples.txtar: %s%s is not in examples/tests", prefix, name)
	}
}

// The exit codes of usage errors, in process.
func TestTestUsageExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-run", "("},
		{filepath.Join(dir, "missing")},
		{dir, "-v"},
		{"-timeout", "-1s", dir},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(append([]string{"spell", "test"}, args...), strings.NewReader(""), &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), "spell test: ") {
			t.Errorf("spell test %q: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
		}
	}
	// No scripts: a warning, exit 0.
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"spell", "test", dir}, strings.NewReader(""), &stdout, &stderr); code != 0 ||
		stdout.String() != "0 passed, 0 failed\n" || !strings.Contains(stderr.String(), "warning") {
		t.Errorf("empty dir: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
