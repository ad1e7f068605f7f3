package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/syntax"
)

// lintCommand is `spell lint` (tooling.md §4.3).
func lintCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "lint",
		Usage:     "report likely mistakes in Spell source files (*.spl)",
		UsageText: "spell lint [--format text|json|sarif] [--fix [--diff]] [--fail-level warning|error|none] [--agent NAME|FILE] [--stdin-filename NAME] [PATH... | -]",
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
summary. SARIF output (--format sarif) is a SARIF 2.1.0 log for code-scanning
tools: the rules with their help, each finding with its location and its
mechanical fixes.

A file with syntax errors gets its syntax findings, and the other rules run
on its top-level forms that read without error. A line that starts with ( in
column 1 inside a form left open (or closed with the wrong delimiter) starts
a new top-level form again, so one missing ) does not hide the rest of the
file.

--fix applies the mechanical fixes (the ones the language server marks
preferred and that keep the meaning: prefix an unused binding with _, remove
a redundant do, move forms into a wrapper's do, qualify a name that exactly
one namespace has), rewrites each changed file atomically, prints each fix on
stderr as FILE:LINE:COL: fixed: WHAT [RULE], then reports the findings that
remain (the summary line adds "(N fixed)").
Did-you-mean guesses are never applied. A file with syntax errors is not
fixed, and a fix whose result would not read is never written. With --diff,
the fixes are printed as a unified diff and no file is written.

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
  spell lint --format sarif . > lint.sarif  findings for a code-scanning UI
  spell lint --fix .                        apply the mechanical fixes in place
  spell lint --fix --diff agent.spl         show the fixes without writing
  spell lint --fail-level error .          CI: fail only on errors
  spell lint --agent readonly agent.spl    check against the readonly profile
  spell lint --stdin-filename a.spl -      read stdin, call it a.spl`,
		Flags: []cmdline.Flag{
			&cmdline.StringFlag{Name: "format", Usage: "output `FORMAT`: text, json or sarif (default text)"},
			&cmdline.BoolFlag{Name: "fix", Usage: "apply the mechanical fixes and rewrite the files (atomic, mode kept)", HideDefault: true},
			&cmdline.BoolFlag{Name: "diff", Usage: "with --fix: print the fixes as a unified diff instead of writing", HideDefault: true},
			&cmdline.StringFlag{Name: "fail-level", Value: "warning", Usage: "exit 1 for findings at or above `LEVEL`: warning, error or none"},
			&cmdline.StringFlag{Name: "agent", Usage: "agent profile `NAME` or FILE whose effect namespaces are known (default cli)"},
			&cmdline.StringFlag{Name: "stdin-filename", Usage: "`NAME` used for standard input in messages"},
			maxInputFlag(),
			&cmdline.BoolFlag{Name: "rules", Usage: "list the rules with their default levels and exit", HideDefault: true},
		},
		Action: runLint,
	}
}

// lintRun is the state of one `spell lint` invocation.
type lintRun struct {
	cfg         lint.Config
	opts        lint.Options
	maxInput    int64 // --max-input
	inputReport       // stderr, cwd, failed: unreadable file or syntax errors (exit 2)

	// fix and diff are --fix and --diff; out receives the diffs.
	fix, diff bool
	out       io.Writer
	fixed     int // fixes applied (or shown with --diff)

	files   int
	results []lintResult
}

type lintResult struct {
	name  string
	file  *syntax.File
	diags []lint.Diagnostic
}

func runLint(ctx context.Context, c *cmdline.Command) error {
	out := c.Root().Writer
	if c.Bool("rules") {
		for _, r := range lint.Rules {
			if !r.Implemented {
				continue
			}
			fmt.Fprintf(out, "%-28s %-7s %s  %s\n", r.ID, r.DefaultLevel, r.Priority, r.Description)
		}
		return nil
	}
	r := &lintRun{inputReport: inputReport{cmd: "spell lint", stderr: c.Root().ErrWriter}}
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
	var err error
	if r.maxInput, err = maxInput(c, "spell lint"); err != nil {
		return err
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
	r.fix, r.diff, r.out = c.Bool("fix"), c.Bool("diff"), out
	if r.diff && !r.fix {
		return usageError("spell lint", "--diff shows the changes of --fix: give both")
	}
	if r.fix && !r.diff && stdinCount > 0 {
		return usageError("spell lint", "--fix rewrites files, not standard input (--fix --diff shows the fixes)")
	}

	cwd, err := os.Getwd()
	if err != nil {
		return &exitError{code: 2, msg: "spell lint: " + err.Error()}
	}
	r.cwd = cwd
	dirs := profile.ConfigDirs(cwd)
	r.cfg, err = lint.LoadConfigIn(cwd, dirs)
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
	case "text", "json", "sarif":
	default:
		return usageError("spell lint", "unknown --format %q (want text, json or sarif)", format)
	}
	agent := c.String("agent")
	if agent == "" {
		agent = r.cfg.Agent
	}
	// The embedded default profile, not overridden by a configuration
	// directory, is what lint.Options{} stands for: its namespaces are
	// then made only if a file names a namespace (issue 11, start-up).
	// Any other profile is loaded, so that its errors are reported.
	src, err := profile.Locate(agent, cwd, dirs.User, dirs.Project)
	var prof *profile.Profile
	if err == nil && src != "embedded:"+profile.DefaultAgent {
		prof, err = profile.Load(agent, cwd, dirs.User, dirs.Project)
	}
	if err != nil {
		if c.String("agent") != "" {
			return usageError("spell lint", "%v", err)
		}
		return &exitError{code: 2, msg: "spell lint: " + err.Error()}
	}
	if prof != nil {
		r.opts = lint.Options{Namespaces: lint.ProfileNamespaces(prof)}
	}

	for _, p := range paths {
		if p == "-" {
			src, err := readLimited(c.Root().Reader, r.maxInput)
			if err != nil {
				r.readError(stdinName, err)
				continue
			}
			r.lint(stdinName, "", src, 0)
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
	switch {
	case r.diff:
		// The diffs are the output; what remains only sets the exit code.
		r.stderr.Write(r.summary(counts))
	case format == "json":
		if err := writeLintJSON(out, r.results, r.files, counts); err != nil {
			return &exitError{code: 2, msg: "spell lint: " + err.Error()}
		}
	case format == "sarif":
		if err := writeLintSARIF(out, r.results, r.cwd); err != nil {
			return &exitError{code: 2, msg: "spell lint: " + err.Error()}
		}
	default:
		writeLintText(out, r.results)
		r.stderr.Write(r.summary(counts))
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

// writeLintText prints the findings, one a line:
// FILE:LINE:COL: LEVEL: MESSAGE [RULE]. The lines are built with strconv,
// not fmt: a clean run then never touches fmt's formatting code (issue 11,
// start-up).
func writeLintText(out io.Writer, results []lintResult) {
	var b []byte
	for _, res := range results {
		for _, d := range res.diags {
			p := res.file.Position(d.Start)
			b = append(b[:0], res.name...)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(p.Line), 10)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(p.Col), 10)
			b = append(b, ": "...)
			b = append(b, d.Level.String()...)
			b = append(b, ": "...)
			b = append(b, d.Message...)
			b = append(b, " ["...)
			b = append(b, d.Rule...)
			b = append(b, "]\n"...)
			out.Write(b)
		}
	}
}

// summary is the text summary line: "N errors, M warnings", and the
// number of fixes with --fix, with its newline. It is built with strconv,
// not fmt, and written with Write, not io.WriteString (whose interface
// assertion costs page faults; see writeLintText).
func (r *lintRun) summary(counts [4]int) []byte {
	b := make([]byte, 0, 48)
	b = strconv.AppendInt(b, int64(counts[lint.LevelError]), 10)
	b = append(b, ' ')
	b = append(b, pluralWord(counts[lint.LevelError], "error", "errors")...)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(counts[lint.LevelWarning]), 10)
	b = append(b, ' ')
	b = append(b, pluralWord(counts[lint.LevelWarning], "warning", "warnings")...)
	if r.fix {
		verb := "fixed"
		if r.diff {
			verb = "to fix"
		}
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(r.fixed), 10)
		b = append(b, ' ')
		b = append(b, verb...)
		b = append(b, ')')
	}
	return append(b, '\n')
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// errorf reports a problem that makes the run exit 2.
// path lints one command-line argument: a file (whatever its extension) or
// a directory walked for *.spl files.
func (r *lintRun) path(p string) {
	walkSources(p, func(path string, fi fs.FileInfo) { r.file(path, fi.Mode()) }, r.pathError)
}

func (r *lintRun) file(path string, mode fs.FileMode) {
	src, err := readSourceFile(path, r.maxInput)
	if err != nil {
		r.readError(r.display(path), err)
		return
	}
	r.lint(r.display(path), path, src, mode)
}

// lint checks one input; path is "" for standard input. With --fix the
// safe fixes are applied first and the findings are those that remain.
func (r *lintRun) lint(name, path string, src []byte, mode fs.FileMode) {
	r.files++
	if r.fix {
		src = r.applyFixes(name, path, src, mode)
	}
	f := syntax.Parse(name, src)
	diags := r.check(f)
	for _, d := range diags {
		if d.Rule == "syntax" {
			r.failed = true
		}
	}
	r.results = append(r.results, lintResult{name: name, file: f, diags: diags})
}

func (r *lintRun) check(f *syntax.File) []lint.Diagnostic {
	return lint.Check(f, r.opts, r.cfg)
}

// applyFixes applies the safe fixes to src, reports each one on stderr and
// writes the file (or, with --diff, prints the diff); it returns the text
// whose findings remain to be reported.
func (r *lintRun) applyFixes(name, path string, src []byte, mode fs.FileMode) []byte {
	out, applied, err := lint.FixSource(name, src, r.check)
	switch {
	case errors.Is(err, lint.ErrSyntax):
		return src // its syntax findings say why
	case err != nil:
		// A rule's fix broke the text: keep the file as it is.
		r.failed = true
		fmt.Fprintf(r.stderr, "%s: error: %v; not fixed\n", name, err)
		return src
	}
	for _, a := range applied {
		p := a.File.Position(a.Start)
		fmt.Fprintf(r.stderr, "%s:%d:%d: fixed: %s [%s]\n", name, p.Line, p.Col, a.Fix.Message, a.Rule)
	}
	r.fixed += len(applied)
	if len(applied) == 0 {
		return src
	}
	if r.diff {
		r.out.Write(diff.Diff(name+".orig", src, name, out))
		return out
	}
	if err := checkWritable(path, mode); err != nil {
		r.failed = true
		fmt.Fprintf(r.stderr, "%s: error: %v\n", name, err)
		return src
	}
	if err := writeFileAtomic(path, out, mode); err != nil {
		r.pathError(path, err)
		return src
	}
	return out
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
