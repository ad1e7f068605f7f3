package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

func rulesOf(src string, cfg Config) []string {
	f := syntax.Parse("t.spl", []byte(src))
	var out []string
	for _, d := range Lint(f, Analyze(f, Options{}), cfg) {
		out = append(out, d.Rule)
	}
	return out
}

func TestSuppression(t *testing.T) {
	cases := []struct{ src, want string }{
		{"(do #_:spell/ignore (let [x 1] (inc y)) (let [z 1] 2))", "unused-binding"},
		{"(do #_{:spell/ignore [:unused-binding]} (let [x 1] (inc y)))", "unresolved-symbol"},
		{"(do #_{:spell/ignore [:unused-binding :unresolved-symbol]} (let [x 1] (inc y)))", ""},
		{"#_:spell/ignore\n(let [x 1] (inc y))", ""},
		// A discard that is not an ignore marker changes nothing.
		{"(do #_:other (let [x 1] 2))", "unused-binding"},
		// Syntax errors are never suppressed.
		{"#_:spell/ignore (+ 1", "syntax"},
	}
	for _, c := range cases {
		if got := strings.Join(rulesOf(c.src, Config{}), " "); got != c.want {
			t.Errorf("%s: got %q, want %q", c.src, got, c.want)
		}
	}
}

func TestSyntaxErrorsLimitOtherRules(t *testing.T) {
	// The broken form only reports syntax; other forms are linted.
	got := strings.Join(rulesOf("(let [x 1] (inc y)) (let [z 1] (inc q)", Config{}), " ")
	if got != "unused-binding unresolved-symbol syntax" {
		t.Errorf("got %q", got)
	}
	f := syntax.Parse("t.spl", []byte("(+ 1 2]"))
	ds := Lint(f, Analyze(f, Options{}), Config{})
	if len(ds) != 2 || ds[0].Rule != "syntax" {
		t.Errorf("diags = %+v", ds)
	}
	for _, d := range ds {
		if d.Rule == "syntax" && strings.HasPrefix(d.Message, "unclosed") && len(d.Related) != 1 {
			t.Errorf("unclosed without related location: %+v", d)
		}
	}
}

func TestFixes(t *testing.T) {
	cases := []struct{ rule, src, want string }{
		{"unresolved-symbol", "(cout [1])", "(count [1])"},
		{"unresolved-symbol", "(trim \" a \")", "(strings/trim \" a \")"},
		{"unresolved-member", "(strings/uper-case \"a\")", "(strings/upper-case \"a\")"},
		{"unused-binding", "(let [x 1] 2)", "(let [_x 1] 2)"},
		{"redundant-do", "(fn [] (do 1 2))", "(fn [] 1 2)"},
		{"wrapper-closed-early", "(quine completion (eval (do '(!extend)) (+ 1 2)))", "(quine completion (eval (do '(!extend) (+ 1 2))))"},
		{"bare-prompt-to-llm-self", w("(quine prompt \"t\") '(!llm-self prompt)"), w("(quine prompt \"t\") '(!llm-self (wrap-cat prompt))")},
	}
	for _, c := range cases {
		f := syntax.Parse("t.spl", []byte(c.src))
		var got string
		for _, d := range Lint(f, Analyze(f, Options{}), Config{}) {
			if d.Rule == c.rule && len(d.Fixes) > 0 {
				got = string(ApplyEdits(f.Src, d.Fixes[0].Edits))
				break
			}
		}
		if got != c.want {
			t.Errorf("%s %s: fixed to %q, want %q", c.rule, c.src, got, c.want)
		}
	}
	// No fix for a name bound by :keys: renaming it changes the key.
	f := syntax.Parse("t.spl", []byte("(let [{:keys [a]} {}] 1)"))
	for _, d := range Lint(f, Analyze(f, Options{}), Config{}) {
		if len(d.Fixes) > 0 {
			t.Errorf("unexpected fix %+v", d)
		}
	}
}

func TestConfig(t *testing.T) {
	user, err := ParseConfig("user.edn", []byte(`{:linters {:unused-binding {:level :off} :discouraged-var {:level :warning :names {io/sh "use io/exec"}}} :agent "cli"}`))
	if err != nil {
		t.Fatal(err)
	}
	proj, err := ParseConfig("proj.edn", []byte(`{:linters {:discouraged-var {:names {io/exec "no processes"}} :missing-else-branch {:level :info}} :output {:format :json}}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := user.Merge(proj)
	if cfg.Level("unused-binding") != LevelOff || cfg.Level("discouraged-var") != LevelWarning ||
		cfg.Level("missing-else-branch") != LevelInfo || cfg.Level("syntax") != LevelError {
		t.Errorf("levels wrong: %+v", cfg)
	}
	if cfg.Agent != "cli" || cfg.Format != "json" || len(cfg.Linters["discouraged-var"].Names) != 2 {
		t.Errorf("merged = %+v", cfg)
	}
	src := w("(let [x 1] (if x 2)) '(io/sh \"ls\")")
	got := strings.Join(rulesOf(src, cfg), " ")
	if got != "missing-else-branch discouraged-var" {
		t.Errorf("got %q", got)
	}
	for _, bad := range []string{`{:linters {:no-such-rule {:level :off}}}`, `{:linters {:format {:level :loud}}}`, `[1]`, `{:x 1}`} {
		if _, err := ParseConfig("bad.edn", []byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	os.MkdirAll(filepath.Join(dir, "xdg", "spell"), 0o755)
	os.MkdirAll(filepath.Join(dir, "proj", ".git"), 0o755)
	os.MkdirAll(filepath.Join(dir, "proj", ".spell"), 0o755)
	os.WriteFile(filepath.Join(dir, "xdg", "spell", "lint.edn"), []byte(`{:linters {:unused-binding {:level :off} :redundant-do {:level :off}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "proj", ".spell", "lint.edn"), []byte(`{:linters {:unused-binding {:level :error}}}`), 0o644)
	cfg, err := LoadConfig(filepath.Join(dir, "proj"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Level("unused-binding") != LevelError || cfg.Level("redundant-do") != LevelOff {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || r.Description == "" || r.Example == "" || (r.Priority != "P0" && r.Priority != "P1" && r.Priority != "P2") {
			t.Errorf("bad rule %+v", r)
		}
		seen[r.ID] = true
		// Every implemented rule with a default level fires on its example.
		if r.Implemented && r.DefaultLevel != LevelOff {
			found := false
			for _, id := range rulesOf(r.Example, Config{}) {
				found = found || id == r.ID
			}
			if !found {
				t.Errorf("rule %s does not fire on its example %s", r.ID, r.Example)
			}
		}
	}
}
