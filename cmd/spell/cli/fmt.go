package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/format"
)

// fmtCommand is `spell fmt` (tooling.md §3.3).
func fmtCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "fmt",
		Usage:     "format Spell source files (*.spl) in the one standard style",
		UsageText: "spell fmt [-w] [-l] [-d] [--check] [--stdin-filename NAME] [PATH...]",
		Description: `Formats Spell source. The style is fixed: only whitespace and commas change,
line breaks stay where you put them, and the formatted program means exactly
the same as the original.

With no PATH, or PATH "-", fmt reads standard input and writes the result to
standard output. A directory is walked for *.spl files (skipping .git,
node_modules and other directories whose name starts with a dot). Flags must
come before the paths.

A file with syntax errors is never formatted or written; every error is
reported on stderr as FILE:LINE:COL: error: MESSAGE [syntax].

-w never rewrites a read-only file (FILE: error: file is read-only; not
rewritten).

Exit codes: 0 success; 1 --check found files to change; 2 syntax errors,
read-only files under -w, or usage errors (unknown flag, missing file).

Examples:
  spell fmt agent.spl                 print agent.spl formatted
  spell fmt -w .                      rewrite every .spl file under . in place
  spell fmt -l src                    list the files whose formatting differs
  spell fmt -d agent.spl              show the changes as a unified diff
  spell fmt --check .                 CI: list unformatted files, exit 1 if any
  spell fmt --stdin-filename a.spl -  read stdin, call it a.spl in messages`,
		Flags: []cmdline.Flag{
			&cmdline.BoolFlag{Name: "w", Usage: "write the result back to the files (atomic, mode kept); no stdout", HideDefault: true},
			&cmdline.BoolFlag{Name: "l", Usage: "list the files whose formatting differs", HideDefault: true},
			&cmdline.BoolFlag{Name: "d", Usage: "print unified diffs instead of the formatted text", HideDefault: true},
			&cmdline.BoolFlag{Name: "check", Usage: "like -l, and exit 1 if any file would change (for CI)", HideDefault: true},
			&cmdline.StringFlag{Name: "stdin-filename", Usage: "`NAME` used for standard input in messages"},
			maxInputFlag(),
		},
		Action: runFmt,
	}
}

// fmtRun is the state of one `spell fmt` invocation.
type fmtRun struct {
	write, list, diff, check bool
	maxInput                 int64 // --max-input

	stdin       io.Reader
	stdout      io.Writer
	inputReport // stderr, cwd, failed: some input could not be read, parsed or written

	changed bool // some input's formatting differs
}

func runFmt(ctx context.Context, c *cmdline.Command) error {
	r := &fmtRun{
		write:       c.Bool("w"),
		list:        c.Bool("l"),
		diff:        c.Bool("d"),
		check:       c.Bool("check"),
		stdin:       c.Root().Reader,
		stdout:      c.Root().Writer,
		inputReport: inputReport{cmd: "spell fmt", stderr: c.Root().ErrWriter},
	}
	stdinName := "<stdin>"
	if n := c.String("stdin-filename"); n != "" {
		stdinName = filepath.ToSlash(n)
	}
	var err error
	if r.maxInput, err = maxInput(c, "spell fmt"); err != nil {
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
			return usageError("spell fmt", "flag %s must come before the paths (a file whose name starts with - is written ./%s)", p, p)
		}
	}
	if stdinCount > 1 {
		return usageError("spell fmt", "standard input (-) can be read only once")
	}
	if stdinCount > 0 && r.write {
		return usageError("spell fmt", "cannot use -w with standard input")
	}

	cwd, err := os.Getwd()
	if err != nil {
		return &exitError{code: 2, msg: "spell fmt: " + err.Error()}
	}
	r.cwd = cwd

	for _, p := range paths {
		if p == "-" {
			src, err := readLimited(r.stdin, r.maxInput)
			if err != nil {
				r.readError(stdinName, err)
				continue
			}
			r.format(stdinName, "", src, 0)
			continue
		}
		r.path(p)
	}

	switch {
	case r.failed:
		return silentExit(2)
	case r.check && r.changed:
		return silentExit(1)
	}
	return nil
}

// errorf reports an error that makes the run exit 2.
// path formats one command-line argument: a file (whatever its extension)
// or a directory walked for *.spl files.
func (r *fmtRun) path(p string) { walkSources(p, r.file, r.pathError) }

func (r *fmtRun) file(path string, fi fs.FileInfo) {
	src, err := readSourceFile(path, r.maxInput)
	if err != nil {
		r.readError(r.display(path), err)
		return
	}
	r.format(r.display(path), path, src, fi.Mode())
}

// format formats one input. path is empty for standard input.
func (r *fmtRun) format(name, path string, src []byte, mode fs.FileMode) {
	out, err := format.Source(name, src)
	if err != nil {
		r.failed = true
		var se *format.SyntaxErrors
		if errors.As(err, &se) {
			r.syntaxErrors(name, se)
		} else {
			fmt.Fprintf(r.stderr, "spell fmt: %s: %v\n", name, err)
		}
		return
	}
	plain := !r.write && !r.list && !r.diff && !r.check
	if bytes.Equal(src, out) {
		if plain {
			r.stdout.Write(out)
		}
		return
	}
	if r.write {
		if err := checkWritable(path, mode); err != nil {
			r.failed = true
			fmt.Fprintf(r.stderr, "%s: error: %v\n", name, err)
			return
		}
	}
	r.changed = true
	if r.list || r.check {
		fmt.Fprintln(r.stdout, name)
	}
	if r.write {
		if err := writeFileAtomic(path, out, mode); err != nil {
			r.pathError(path, err)
			return
		}
	}
	if r.diff {
		r.stdout.Write(diff.Diff(name+".orig", src, name, out))
	}
	if plain {
		r.stdout.Write(out)
	}
}

// syntaxErrors prints every syntax error as FILE:LINE:COL: error: MSG [syntax].
func (r *fmtRun) syntaxErrors(name string, se *format.SyntaxErrors) {
	f := se.File
	if f == nil || len(f.Errors) == 0 {
		fmt.Fprintf(r.stderr, "%s:1:1: error: syntax error [syntax]\n", name)
		return
	}
	for _, e := range f.Errors {
		pos := f.Position(e.Off)
		fmt.Fprintf(r.stderr, "%s:%d:%d: error: %s [syntax]\n", name, pos.Line, pos.Col, e.Msg)
	}
	if f.Truncated {
		fmt.Fprintf(r.stderr, "%s: too many syntax errors; only the first %d are shown\n", name, len(f.Errors))
	}
}

// errReadOnly refuses to rewrite a file the user may not write: the
// atomic rename of writeFileAtomic would replace it all the same.
var errReadOnly = errors.New("file is read-only; not rewritten")

// checkWritable returns errReadOnly when the file at path has no write
// permission bit (checked on the mode bits, since root may write anything)
// or cannot be opened for writing by this user.
func checkWritable(path string, mode fs.FileMode) error {
	if mode.Perm()&0o222 == 0 {
		return errReadOnly
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return errReadOnly
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// writeFileAtomic replaces the file at path with data: it writes a
// temporary file in the same directory, gives it the original mode, and
// renames it over the original, so readers see either the old or the new
// content, never a partial file. A symbolic link is followed, not replaced.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".spellfmt-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
