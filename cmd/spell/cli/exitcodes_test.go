package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodeTable checks the per-command exit codes the README's table
// states (testscript only sees "failed"). One row of the table, one group
// of cases here; TestExitCodes covers fmt and the top level in more detail.
func TestExitCodeTable(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	for _, k := range []string{"SPELL_MODEL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"} {
		t.Setenv(k, "")
	}
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.spl", "(+ 1 2)\n")
	write("ugly.spl", "(+ 1  2)\n")
	write("fail.spl", "(/ 1 0)\n")
	write("syntax.spl", "{:a 1 :b 2)\n")
	write("warn.spl", "(let [x 1] 2)\n")
	write("tests/pass_test.txtar", "exec spell run -e '(+ 1 2)'\nstdout '^3$'\n")
	write("tests/fail_test.txtar", "exec spell run -e '(+ 1 2)'\nstdout '^4$'\n")
	write("proj/.git/HEAD", "")
	write("proj/.spell/aliases.edn", "{:aliases {x\n")

	// Two traced runs for spell trace diff.
	for _, task := range []string{"hi", "ho"} {
		if code, _, stderr := run(t, "", "run", "-p", task, "-t", "--trace-dir", "trace-"+task); code != 0 {
			t.Fatalf("setup run %s: exit %d\n%s", task, code, stderr)
		}
	}

	tests := []struct {
		args  string
		stdin string
		code  int
	}{
		// spell run: 1 a failed run, syntax errors included; 2 usage or configuration.
		{"run ok.spl", "", 0},
		{"run fail.spl", "", 1},
		{"run syntax.spl", "", 1},
		{"run --strict -e (+~1", "", 1},
		{"run -e (print~1)", "", 1},
		{"run -p hi", "", 2},                 // no model configured
		{"run -p hi --model mystery", "", 2}, // unknown model
		{"run -p hi -t -a nope", "", 2},      // unknown agent profile
		{"run --bogus", "", 2},
		{"run", "", 2},
		// spell fmt: 1 --check found changes; 2 syntax errors and usage.
		{"fmt ok.spl", "", 0},
		{"fmt -l ugly.spl", "", 0},
		{"fmt --check ugly.spl", "", 1},
		{"fmt syntax.spl", "", 2},
		{"fmt missing.spl", "", 2},
		// spell lint: 1 findings at or above --fail-level; 2 syntax errors and usage.
		{"lint ok.spl", "", 0},
		{"lint warn.spl", "", 1},
		{"lint --fail-level none warn.spl", "", 0},
		{"lint syntax.spl", "", 2},
		{"lint missing.spl", "", 2},
		// spell doc: 1 no documentation; 2 usage.
		{"doc map", "", 0},
		{"doc lenght", "", 1},
		{"doc", "", 2},
		// spell repl: errors in inputs are printed, not exit codes.
		{"repl", "(/ 1 0)\n(+ 1 2)\n", 0},
		{"repl --bogus", "", 2},
		// spell eval: 1 a form failed or no form at --at; 2 usage.
		{"eval ok.spl", "", 0},
		{"eval fail.spl", "", 1},
		{"eval syntax.spl", "", 1},
		{"eval --at 0 ok.spl", "", 0},
		{"eval", "", 2},
		{"eval missing.spl", "", 2},
		// spell mcp: 1 a call's envelope has :ok false (testdata/script/mcp_cli); 2 usage, profiles, secrets.
		{"mcp list", "", 0},
		{"mcp list nowhere", "", 2},
		{"mcp call", "", 2},
		// spell trace: 1 diff found a difference; 2 usage or not a run.
		{"trace ls", "", 0},
		{"trace diff trace-hi trace-hi", "", 0},
		{"trace diff trace-hi trace-ho", "", 1},
		{"trace show nope", "", 2},
		// spell test: 1 a script failed; 2 usage.
		{"test tests/pass_test.txtar", "", 0},
		{"test tests", "", 1},
		{"test missing", "", 2},
		// spell models and spell version: 2 usage or unreadable configuration.
		{"models", "", 0},
		{"models extra", "", 2},
		{"version", "", 0},
		{"version extra", "", 2},
	}
	for _, tt := range tests {
		args := strings.Fields(tt.args)
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "~", " ")
		}
		code, _, stderr := run(t, tt.stdin, args...)
		if code != tt.code {
			t.Errorf("spell %s: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, stderr)
		}
	}
	t.Chdir(filepath.Join(dir, "proj"))
	if code, _, _ := run(t, "", "models"); code != 2 {
		t.Errorf("spell models with a broken aliases.edn: exit %d, want 2", code)
	}
}

// TestInternalErrorNoStack: a panic becomes one line and exit 70, never a
// Go stack trace.
func TestInternalErrorNoStack(t *testing.T) {
	t.Setenv("SPELL_DEBUG", "")
	var b strings.Builder
	code := func() (code int) {
		defer internalError(&b, &code)
		panic("boom")
	}()
	want := "spell: internal error: boom\nThis is a bug in spell; run again with SPELL_DEBUG=1 for the Go stack trace to report it.\n"
	if code != 70 || b.String() != want {
		t.Errorf("code %d, stderr %q; want 70, %q", code, b.String(), want)
	}
}
