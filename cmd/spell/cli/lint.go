package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/syntax"
)

// lintCommand is `spell lint` (tooling.md §4.3).
func lintCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "lint",
		Usage:     "report likely mistakes in Spell source files (*.spl)",
		UsageText: "spell lint [--format text|json] [--fail-level warning|error|none] [--agent NAME|FILE] [--stdin-filename NAME] [PATH... | -]",
		Description: `Checks Spell programs without running them: syntax errors, unresolved
symbols and namespace members, wrong argument counts, unused bindings, recur
outside tail position, effects called outside the quoted trailing expression,
malformed wrappers and edit markers, and more. Run 'spell lint --rules' for
the list of rules.

With no PATH, or PATH "-", lint reads standard input. A directory is walked
for *.spl files (skipping .git, node_modules and other directories whose name
starts with a dot). Flags must come before the paths.

Text output prints one finding per line, FILE:LINE:COL: LEVEL: MESSAGE [RULE],
sorted by file and position, then "N errors, M warnings" on stderr. JSON
output prints one object with every finding, its suggested fixes and a
summary.

The effect namespaces a program may use come from the agent profile (--agent,
else :agent of lint.edn, else cli). Rules are configured in .spell/lint.edn
of the project, merged over $XDG_CONFIG_HOME/spell/lint.edn:
  {:linters {:unused-binding {:level :off}
             :discouraged-var {:level :warning :names {io/sh "use io/exec"}}}
   :agent "cli"}
In source, #_:spell/ignore before a form silences every rule inside it, and
#_{:spell/ignore [:unused-binding]} only the listed rules.

Exit codes: 0 no finding at or above the fail level (default warning); 1
findings at or above it (never with --fail-level none); 2 a file with syntax
errors, a usage error or an unreadable file.

Examples:
  spell lint agent.spl                     lint one file
  spell lint .                             lint every .spl file under .
  spell lint --format json src             machine-readable findings with fixes
  spell lint --fail-level error .          CI: fail only on errors
  spell lint --agent readonly agent.spl    check against the readonly profile
  spell lint --stdin-filename a.spl -      read stdin, call it a.spl`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Usage: "output `FORMAT`: text or json (default text)"},
			&ucli.StringFlag{Name: "fail-level", Value: "warning", Usage: "exit 1 for findings at or above `LEVEL`: warning, error or none"},
			&ucli.StringFlag{Name: "agent", Usage: "agent profile `NAME` or FILE whose effect namespaces are known (default cli)"},
			&ucli.StringFlag{Name: "stdin-filename", Usage: "`NAME` used for standard input in messages"},
			&ucli.BoolFlag{Name: "rules", Usage: "list the rules with their default levels and exit", DisableDefaultText: true},
		},
		CustomHelpTemplate: commandHelp,
		Action:             runLint,
	}
}

// lintRun is the state of one `spell lint` invocation.
type lintRun struct {
	cfg    lint.Config
	opts   lint.Options
	cwd    string
	stderr io.Writer

	files   int
	results []lintResult
	failed  bool // unreadable file or syntax errors: exit 2
}

type lintResult struct {
	name  string
	file  *syntax.File
	diags []lint.Diagnostic
}

func runLint(c *ucli.Context) error {
	out := c.App.Writer
	if c.Bool("rules") {
		for _, r := range lint.Rules {
			if !r.Implemented {
				continue
			}
			fmt.Fprintf(out, "%-28s %-7s %s  %s\n", r.ID, r.DefaultLevel, r.Priority, r.Description)
		}
		return nil
	}
	r := &lintRun{stderr: c.App.ErrWriter}
	failLevel := lint.LevelWarning
	switch fl := c.String("fail-level"); fl {
	case "warning":
	case "error":
		failLevel = lint.LevelError
	case "none":
		failLevel = lint.LevelOff
	default:
		return usageError("spell lint", "unknown --fail-level %q (want warning, error or none)", fl)
	}
	stdinName := "<stdin>"
	if n := c.String("stdin-filename"); n != "" {
		stdinName = filepath.ToSlash(n)
	}
	paths := c.Args().Slice()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	stdinCount := 0
	for _, p := range paths {
		switch {
		case p == "-":
			stdinCount++
		case strings.HasPrefix(p, "-"):
			return usageError("spell lint", "flag %s must come before the paths (a file whose name starts with - is written ./%s)", p, p)
		}
	}
	if stdinCount > 1 {
		return usageError("spell lint", "standard input (-) can be read only once")
	}

	cwd, err := os.Getwd()
	if err != nil {
		return &exitError{code: 2, msg: "spell lint: " + err.Error()}
	}
	r.cwd = cwd
	r.cfg, err = lint.LoadConfig(cwd)
	if err != nil {
		return &exitError{code: 2, msg: "spell lint: " + err.Error()}
	}
	format := c.String("format")
	if format == "" {
		format = r.cfg.Format
	}
	switch format {
	case "":
		format = "text"
	case "text", "json":
	default:
		return usageError("spell lint", "unknown --format %q (want text or json)", format)
	}
	agent := c.String("agent")
	if agent == "" {
		agent = r.cfg.Agent
	}
	dirs := profile.ConfigDirs(cwd)
	prof, err := profile.Load(agent, cwd, dirs.User, dirs.Project)
	if err != nil {
		if c.String("agent") != "" {
			return usageError("spell lint", "%v", err)
		}
		return &exitError{code: 2, msg: "spell lint: " + err.Error()}
	}
	r.opts = lint.Options{Namespaces: lint.ProfileNamespaces(prof)}

	for _, p := range paths {
		if p == "-" {
			src, err := io.ReadAll(c.App.Reader)
			if err != nil {
				r.errorf("%s: %v", stdinName, err)
				continue
			}
			r.lint(stdinName, src)
			continue
		}
		r.path(p)
	}

	sort.SliceStable(r.results, func(i, j int) bool { return r.results[i].name < r.results[j].name })
	var counts [4]int
	for _, res := range r.results {
		for _, d := range res.diags {
			counts[d.Level]++
		}
	}
	switch format {
	case "json":
		if err := writeLintJSON(out, r.results, r.files, counts); err != nil {
			return &exitError{code: 2, msg: "spell lint: " + err.Error()}
		}
	default:
		for _, res := range r.results {
			for _, d := range res.diags {
				p := res.file.Position(d.Start)
				fmt.Fprintf(out, "%s:%d:%d: %s: %s [%s]\n", res.name, p.Line, p.Col, d.Level, d.Message, d.Rule)
			}
		}
		fmt.Fprintf(r.stderr, "%d %s, %d %s\n", counts[lint.LevelError], pluralWord(counts[lint.LevelError], "error", "errors"),
			counts[lint.LevelWarning], pluralWord(counts[lint.LevelWarning], "warning", "warnings"))
	}

	if r.failed {
		return silentExit(2)
	}
	if failLevel != lint.LevelOff {
		for l := failLevel; l <= lint.LevelError; l++ {
			if counts[l] > 0 {
				return silentExit(1)
			}
		}
	}
	return nil
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// errorf reports a problem that makes the run exit 2.
func (r *lintRun) errorf(format string, args ...any) {
	r.failed = true
	fmt.Fprintf(r.stderr, "spell lint: "+format+"\n", args...)
}

// display is the name of path in output.
func (r *lintRun) display(path string) string { return displayPath(r.cwd, path) }

// pathError reports a failed file operation without Go's "stat"/"open" verb.
func (r *lintRun) pathError(path string, err error) {
	r.errorf("%s: %v", r.display(path), bareError(err))
}

// path lints one command-line argument: a file (whatever its extension) or
// a directory walked for *.spl files.
func (r *lintRun) path(p string) {
	walkSources(p, func(path string, _ fs.FileInfo) { r.file(path) }, r.pathError)
}

func (r *lintRun) file(path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		r.pathError(path, err)
		return
	}
	r.lint(r.display(path), src)
}

func (r *lintRun) lint(name string, src []byte) {
	r.files++
	f := syntax.Parse(name, src)
	a := lint.Analyze(f, r.opts)
	diags := lint.Lint(f, a, r.cfg)
	for _, d := range diags {
		if d.Rule == "syntax" {
			r.failed = true
		}
	}
	r.results = append(r.results, lintResult{name: name, file: f, diags: diags})
}

// JSON output (tooling.md §4.3).

type jsonLint struct {
	Version     int          `json:"version"`
	Diagnostics []jsonDiag   `json:"diagnostics"`
	Summary     jsonLintSumm `json:"summary"`
}

type jsonDiag struct {
	File        string     `json:"file"`
	Line        int        `json:"line"`
	Column      int        `json:"column"`
	EndLine     int        `json:"endLine"`
	EndColumn   int        `json:"endColumn"`
	Level       string     `json:"level"`
	Rule        string     `json:"rule"`
	Message     string     `json:"message"`
	Suggestions []jsonSugg `json:"suggestions"`
}

type jsonSugg struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
}

type jsonLintSumm struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

func writeLintJSON(w io.Writer, results []lintResult, files int, counts [4]int) error {
	doc := jsonLint{Version: 1, Diagnostics: []jsonDiag{}, Summary: jsonLintSumm{
		Files: files, Errors: counts[lint.LevelError], Warnings: counts[lint.LevelWarning], Infos: counts[lint.LevelInfo]}}
	for _, res := range results {
		f := res.file
		for _, d := range res.diags {
			s, e := f.Position(d.Start), f.Position(d.End)
			jd := jsonDiag{File: res.name, Line: s.Line, Column: s.Col, EndLine: e.Line, EndColumn: e.Col,
				Level: d.Level.String(), Rule: d.Rule, Message: d.Message, Suggestions: []jsonSugg{}}
			for _, fx := range d.Fixes {
				js := jsonSugg{Message: fx.Message, Edits: []jsonEdit{}}
				for _, ed := range fx.Edits {
					s, e := f.Position(ed.Start), f.Position(ed.End)
					js.Edits = append(js.Edits, jsonEdit{Line: s.Line, Column: s.Col, EndLine: e.Line, EndColumn: e.Col, NewText: ed.NewText})
				}
				jd.Suggestions = append(jd.Suggestions, js)
			}
			doc.Diagnostics = append(doc.Diagnostics, jd)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
