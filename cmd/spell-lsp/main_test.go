package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spell-go/spell/lsp"
)

// TestMain lets the test binary act as spell-lsp for the Neovim test.
func TestMain(m *testing.M) {
	if os.Getenv("SPELL_LSP_TEST_SERVER") == "1" {
		os.Exit(lsp.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestNeovimSmoke runs test/nvim/lsp_smoke.lua in a headless Neovim (0.7
// API) against this binary acting as spell-lsp (tooling.md §7.3).
func TestNeovimSmoke(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim is not installed: skipping the Neovim smoke test (.ci/run installs it with apt-get install -y neovim)")
	}
	if testing.Short() {
		t.Skip("short mode: skipping the Neovim smoke test")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	wrapper := "#!/bin/sh\nSPELL_LSP_TEST_SERVER=1 exec " + shellQuote(self) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "spell-lsp"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	out := filepath.Join(home, "result.json")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nvim, "--headless", "-u", "NONE", "-c", "luafile test/nvim/lsp_smoke.lua")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home, "XDG_CACHE_HOME="+home,
		"SPELL_NVIM_OUT="+out)
	done := make(chan error, 1)
	var output []byte
	go func() {
		var err error
		output, err = cmd.CombinedOutput()
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("nvim timed out")
	}
	result, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim: %v\noutput:\n%s\nresult:\n%s", err, output, result)
	}
	t.Logf("result: %s", result)
}

func shellQuote(s string) string {
	out := "'"
	for _, c := range s {
		if c == '\'' {
			out += `'\''`
		} else {
			out += string(c)
		}
	}
	return out + "'"
}
