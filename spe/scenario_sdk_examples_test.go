//go:build !spell_nosdk

package spe_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// The replay examples of examples/ (examples/README.md) through the same
// fake Anthropic and OpenAI servers as the scenarios: the transcripts that
// a user replays without a key also hold when a real client is in between.
// The working directory is the repository root, as the README asks.
var sdkExamples = []sdkScenario{
	{
		name: "hello-world", archive: "../examples/hello-world.txtar", agent: "base", recover: true,
		task: "Say hello", value: `"Hello, world!"`, calls: 1,
	},
	{
		name: "coin-flip", archive: "../examples/coin-flip.txtar", agent: "base", recover: true, seed: 1,
		task: "Flip a coin and tell me how it landed.", value: `"The coin landed tails."`, calls: 2,
	},
	{
		name: "think-rethink", archive: "../examples/think-rethink.txtar", agent: "base", recover: true,
		task:  "How many seconds are in a day? Use think for reasoning.",
		value: `{:seconds-per-day 86400, :minutes-per-day 1440}`, calls: 2,
	},
	{
		name: "read-file", archive: "../examples/read-file.txtar", agent: "examples/read-file.agent.edn", recover: true,
		task:  "Read examples/data/notes.txt and list its TODO lines.",
		value: `"3 open: write the examples README; record prompts with --record; check every example with --strict"`, calls: 3,
	},
	{
		name: "recovery", archive: "../examples/recovery.txtar", agent: "base", recover: true,
		task: "Return the product of 2, 3 and 7.", value: `42`, calls: 2,
	},
}

func TestExamplesThroughSDKClients(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range sdkExamples {
		ex.cwd = root
		for _, w := range []wire{anthropicPF, anthropicTC, openaiTC, openaiMsg} {
			t.Run(ex.name+"/"+w.name, func(t *testing.T) {
				runSDKScenario(t, ex, w)
			})
		}
	}
}

// TestExampleCopiesInSync: the testscript archives
// testdata/script/examples_*.txtar run copies of the files in examples/
// (transcripts embedded with a ">" before every line, restored by
// unquote); every copy must equal its original.
func TestExampleCopiesInSync(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "testdata", "script", "examples_*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			rel, ok := strings.CutPrefix(f.Name, "examples/")
			if !ok {
				continue
			}
			data := f.Data
			if strings.HasSuffix(f.Name, ".txtar") {
				data = unquoteLines(t, a, f.Name, data)
			}
			orig, err := os.ReadFile(filepath.Join("..", "examples", filepath.FromSlash(rel)))
			if err != nil {
				t.Errorf("%s: %s has no original: %v", a, f.Name, err)
				continue
			}
			if !bytes.Equal(data, orig) {
				t.Errorf("%s: the copy of %s differs from the file in examples/; copy it again", filepath.Base(a), f.Name)
			}
			seen[rel] = true
		}
	}
	// Every example transcript and program has a copy that runs.
	for _, pattern := range []string{"*.txtar", "programs/*.spl"} {
		files, _ := filepath.Glob(filepath.Join("..", "examples", filepath.FromSlash(pattern)))
		for _, f := range files {
			rel, _ := filepath.Rel(filepath.Join("..", "examples"), f)
			if !seen[filepath.ToSlash(rel)] {
				t.Errorf("examples/%s is not run by any testdata/script/examples_*.txtar", filepath.ToSlash(rel))
			}
		}
	}
}

// unquoteLines is testscript's unquote: every line must start with ">",
// which is removed.
func unquoteLines(t *testing.T, archive, name string, data []byte) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(data), "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		rest, ok := strings.CutPrefix(l, ">")
		if !ok {
			t.Errorf("%s: %s: line %q does not start with >", archive, name, l)
		}
		b.WriteString(rest)
	}
	return []byte(b.String())
}
