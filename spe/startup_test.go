package spe

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/testprov"
)

// startupProject makes a project directory (with .git) and an empty user
// configuration directory, and returns the project directory.
func startupProject(t *testing.T, files map[string]string) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	files[".git/HEAD"] = ""
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func startupOpen(t *testing.T, dir, model string) (*Session, error) {
	t.Helper()
	reg := provider.Registry{"test": func(provider.Setup) (provider.Provider, error) { return testprov.New(), nil }}
	return Open(Config{Program: []byte("(+ 1 2)"), Model: model, Providers: reg, NoTrace: true, Cwd: dir,
		Environ: []string{}, Getenv: func(string) string { return "" }})
}

// TestOpenWithoutModelSkipsModelTables: a run that names no model (spell
// run -e) neither composes the system prompt nor builds the price table,
// which only model calls read (issue 11, start-up); with a model both are
// there.
func TestOpenWithoutModelSkipsModelTables(t *testing.T) {
	dir := startupProject(t, map[string]string{})
	s, err := startupOpen(t, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.RT.opts.System != "" || s.RT.opts.Cost != nil {
		t.Errorf("no model: system prompt %d bytes, cost table set %v; want neither", len(s.RT.opts.System), s.RT.opts.Cost != nil)
	}
	s, err = startupOpen(t, dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if s.RT.opts.System == "" || s.RT.opts.Cost == nil {
		t.Errorf("model test: system prompt %d bytes, cost table set %v; want both", len(s.RT.opts.System), s.RT.opts.Cost != nil)
	}
}

// TestOpenWithoutModelReportsBrokenTables: skipping the model tables never
// hides a broken aliases.edn or pricing.edn: Open fails on it as before.
func TestOpenWithoutModelReportsBrokenTables(t *testing.T) {
	for _, name := range []string{"aliases.edn", "pricing.edn"} {
		dir := startupProject(t, map[string]string{".spell/" + name: "{:x\n"})
		_, err := startupOpen(t, dir, "")
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("broken %s, no model: err = %v, want a *ConfigError", name, err)
		}
	}
}
