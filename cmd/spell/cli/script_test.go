package cli

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/spell-go/spell/cmd/spell/cli/lineedit"
	"github.com/spell-go/spell/cmd/spell/cli/mcpcli"
	"github.com/spell-go/spell/cmd/spell/cli/testcli"
	"github.com/spell-go/spell/lsp"
	"github.com/spell-go/spell/spe/mcp/mcptest"
	"github.com/spell-go/spell/spe/online"
	"github.com/spell-go/spell/spe/provider/builtin"
)

var update = flag.Bool("update", false, "rewrite the golden files inside testdata/script archives")

// TestMain makes the test binary double as the spell command: testscript
// re-executes it under that name for every `exec spell …`, so the scripts
// run the real command line and still count towards coverage.
func TestMain(m *testing.M) {
	// The tests that call Main in-process run everything in one process,
	// as spell-net does; scripts run spell as it is built (without the
	// network parts, execing spell-net for them) and spell-net.
	online.Register()
	UseNet(testNetParts())
	testscript.Main(m, map[string]func(){
		"spell": func() {
			netParts = nil
			ProtectSecrets(os.Args, os.Stderr)
			os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
		},
		NetBinary: func() {
			ProtectSecrets(os.Args, os.Stderr)
			os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
		},
		"spell-lsp": func() { os.Exit(lsp.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
		// MCP servers of the official SDK over stdio (spell mcp, spell run
		// with :mcp-servers).
		"mcp-hello-server": func() { mcptest.HelloMain(); os.Exit(0) },
		"mcp-test-server":  func() { mcptest.Main(); os.Exit(0) },
	})
}

// testNetParts are spell-net's parts (cmd/spell/spell-net.Parts).
func testNetParts() NetParts {
	return NetParts{
		Providers: builtin.Registry(),
		Effects:   online.Effects(),
		MCP:       mcpcli.Actions(mcpcli.Host{Usage: UsageError, Exit: ExitError, Version: VersionString}),
		Test:      testcli.Host{Usage: UsageError, Exit: ExitError, SkipDir: SkipDir}.Run,
		LineEditor: func(prompt, hist string, stdout, stderr io.Writer, complete Completer, interrupted error) (LineReader, error) {
			return lineedit.New(prompt, hist, stdout, stderr, complete, interrupted)
		},
	}
}

// scriptDir holds the project's testscript archives (tooling.md §9).
const scriptDir = "../../../testdata/script"

// harnessDirs are the directories the harness creates inside $WORK for the
// home and XDG variables; find-files leaves them out.
var harnessDirs = map[string]string{
	"HOME":            ".home",
	"XDG_CONFIG_HOME": ".config",
	"XDG_STATE_HOME":  ".state",
	"XDG_CACHE_HOME":  ".cache",
}

// unsetVars are removed from every script's environment, besides every
// variable whose name ends in _API_KEY: scripts never reach a model.
var unsetVars = map[string]bool{
	"SPELL_MODEL":          true,
	"SPELL_BASE_URL":       true,
	"ANTHROPIC_AUTH_TOKEN": true,
	"ANTHROPIC_BASE_URL":   true,
	"OPENAI_BASE_URL":      true,
	"OPENAI_ORG_ID":        true,
	"OPENAI_PROJECT_ID":    true,
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 scriptDir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update || os.Getenv("SPELL_UPDATE") == "1",
		Setup:               setupScript,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fake-provider": cmdFakeProvider,
			"find-files":    cmdFindFiles,
			"lone-spell":    cmdLoneSpell,
			"lsp-session":   cmdLSPSession,
		},
	})
}

// setupScript isolates a script from the user's machine: home and XDG
// directories inside $WORK, no API keys, a fixed seed.
func setupScript(env *testscript.Env) error {
	vars := env.Vars[:0]
	for _, kv := range env.Vars {
		k, _, _ := strings.Cut(kv, "=")
		if unsetVars[k] || strings.HasSuffix(k, "_API_KEY") {
			continue
		}
		vars = append(vars, kv)
	}
	env.Vars = vars
	for k, dir := range harnessDirs {
		p := filepath.Join(env.WorkDir, dir)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return err
		}
		env.Setenv(k, p)
	}
	env.Setenv("SPELL_SEED", "1")
	return nil
}

// cmdFindFiles implements `find-files [DIR...]`: it prints the regular
// files and symbolic links under each DIR (default $WORK), one per line,
// sorted, relative to $WORK with forward slashes. The harness's own
// directories ($WORK/.tmp, home and XDG directories) are left out.
func cmdFindFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! find-files")
	}
	work := ts.Getenv("WORK")
	if len(args) == 0 {
		args = []string{work}
	}
	skip := map[string]bool{filepath.Join(work, ".tmp"): true}
	for _, dir := range harnessDirs {
		skip[filepath.Join(work, dir)] = true
	}
	var files []string
	for _, arg := range args {
		root := ts.MkAbs(arg)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if skip[path] {
					return fs.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(work, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		ts.Check(err)
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintln(ts.Stdout(), f)
	}
}

// cmdLoneSpell implements `lone-spell DIR`: it puts the spell command
// (this test binary) at DIR/spell, where no spell-net is next to it.
// Scripts set PATH to DIR to run it without spell-net.
//
// A hard link, not a copy: while this process holds a file open for
// writing, a child that another parallel script forks meanwhile inherits
// the descriptor until its exec, and executing the file then fails with
// "text file busy" (ETXTBSY, Go issue 22315). The copy is the
// fallback where the link cannot be made (another file system), made by
// cp so that no descriptor of ours is open for writing.
func cmdLoneSpell(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lone-spell DIR")
	}
	exe, err := os.Executable()
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	dst := filepath.Join(dir, "spell")
	if os.Link(exe, dst) == nil {
		return
	}
	if out, err := exec.Command("cp", exe, dst).CombinedOutput(); err != nil {
		ts.Fatalf("lone-spell: %v\n%s", err, out)
	}
}
