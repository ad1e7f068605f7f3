package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintExitCodes checks the exact exit codes of spell lint (tooling.md
// §4.3), which testscript's `! exec` cannot tell apart.
func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	clean := write("clean.spl", "(+ 1 2)\n")
	warn := write("warn.spl", "(let [x 1] 2)\n")
	errf := write("err.spl", "(inc)\n")
	bad := write("bad.spl", "(+ 1 2\n")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{clean}, 0},
		{[]string{warn}, 1},
		{[]string{"--fail-level", "error", warn}, 0},
		{[]string{"--fail-level", "error", errf}, 1},
		{[]string{"--fail-level", "none", errf}, 0},
		{[]string{bad}, 2},
		{[]string{"--fail-level", "none", bad, clean}, 2},
		{[]string{"--format", "yaml", clean}, 2},
		{[]string{filepath.Join(dir, "missing.spl")}, 2},
		{[]string{"--format", "json", warn}, 1},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		got := Main(append([]string{"spell", "lint"}, c.args...), strings.NewReader(""), &out, &errb)
		if got != c.want {
			t.Errorf("spell lint %v = %d, want %d\nstdout: %s\nstderr: %s", c.args, got, c.want, out.String(), errb.String())
		}
	}
	// Standard input.
	var out, errb bytes.Buffer
	if got := Main([]string{"spell", "lint", "--stdin-filename", "x/in.spl"}, strings.NewReader("(inc)"), &out, &errb); got != 1 ||
		!strings.HasPrefix(out.String(), "x/in.spl:1:1: error: inc is called with 0 args but expects 1 [invalid-arity]") {
		t.Errorf("stdin: %d %q %q", got, out.String(), errb.String())
	}
}

func TestLintRulesList(t *testing.T) {
	var out, errb bytes.Buffer
	if got := Main([]string{"spell", "lint", "--rules"}, strings.NewReader(""), &out, &errb); got != 0 {
		t.Fatalf("exit %d: %s", got, errb.String())
	}
	for _, id := range []string{"unresolved-symbol", "effect-outside-eval", "discouraged-var"} {
		if !strings.Contains(out.String(), id) {
			t.Errorf("--rules misses %s", id)
		}
	}
}
