// Package testcli runs spell test's scripts (tooling.md §8) for spell-net:
// it links go-internal's testscript engine, and with it the testing and
// go/build packages, which spell does not (issue 11, start-up). The
// command line (name, flags, help) is cmd/spell/cli's; it reaches Run
// through cli.UseNet, and spell execs spell-net for spell test.
package testcli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/transcript"
)

// Host are the command line's conventions Run reports through.
type Host struct {
	// Usage is an exit-2 error for a command invoked the wrong way.
	Usage func(cmd, format string, args ...any) error
	// Exit is an error with an exit code and a message ("": the command
	// printed what the user needs to see).
	Exit func(code int, msg string) error
	// SkipDir reports whether a directory met during a walk is left out.
	SkipDir func(name string) bool
}

// testRun is the state of one `spell test` invocation.
type testRun struct {
	h Host

	filter  *regexp.Regexp
	verbose bool
	update  bool
	work    bool
	timeout time.Duration

	stdout, stderr io.Writer
	cwd            string
	bin            string // private directory holding the `spell` link
}

// Run is the action of spell test.
func (h Host) Run(ctx context.Context, c *cmdline.Command) error {
	r := &testRun{
		h:       h,
		verbose: c.Bool("v"),
		update:  c.Bool("update"),
		work:    c.Bool("work"),
		timeout: c.Duration("timeout"),
		stdout:  c.Root().Writer,
		stderr:  c.Root().ErrWriter,
	}
	if expr := c.String("run"); expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			return h.Usage("spell test", "invalid -run regular expression: %v", err)
		}
		r.filter = re
	}
	if r.timeout < 0 {
		return h.Usage("spell test", "invalid -timeout %v: must not be negative", r.timeout)
	}
	paths := c.Args().Slice()
	for _, p := range paths {
		if strings.HasPrefix(p, "-") && p != "-" {
			return h.Usage("spell test", "flag %s must come before the paths", p)
		}
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return h.Exit(2, "spell test: "+err.Error())
	}
	r.cwd = cwd

	files, err := r.find(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintln(r.stderr, "spell test: warning: no *_test.txtar scripts to run")
		if c.Bool("json") {
			(&testJSON{Scripts: []testScriptJSON{}}).write(r.stdout)
			return nil
		}
		fmt.Fprintln(r.stdout, "0 passed, 0 failed")
		return nil
	}

	// testscript's [short] and [net] conditions call testing.Short, which
	// panics unless testing.Init ran and the command-line flags were parsed
	// (both already done in a test binary, except when it runs as spell).
	// spell itself never uses the flag package's command line.
	testing.Init()
	if !flag.Parsed() {
		flag.CommandLine.Parse(nil)
	}

	tmp, err := os.MkdirTemp("", "spell-test-")
	if err != nil {
		return h.Exit(1, "spell test: "+err.Error())
	}
	defer os.RemoveAll(tmp)
	if r.bin, err = linkSelf(filepath.Join(tmp, "bin")); err != nil {
		return h.Exit(1, "spell test: "+err.Error())
	}

	passed, failed := 0, 0
	var report *testJSON
	if c.Bool("json") {
		report = &testJSON{Scripts: []testScriptJSON{}}
	}
	for _, f := range files {
		res := r.script(f)
		res.mu.Lock()
		failedNow := res.failed
		res.mu.Unlock()
		status := "ok  "
		if failedNow {
			status = "--- FAIL: "
			failed++
		} else {
			passed++
		}
		if report != nil {
			report.add(r.display(f), failedNow, res)
			continue
		}
		fmt.Fprintf(r.stdout, "%s%s (%.1fs)\n", status, r.display(f), res.elapsed.Seconds())
		if r.work && res.workdir != "" {
			fmt.Fprintf(r.stdout, "    WORK=%s\n", res.workdir)
		}
		if failedNow || r.verbose {
			writeIndented(r.stdout, res.log())
		}
	}
	if report != nil {
		report.Passed, report.Failed = passed, failed
		report.write(r.stdout)
	} else {
		fmt.Fprintf(r.stdout, "%d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return h.Exit(1, "")
	}
	return nil
}

// find returns the scripts to run: each PATH in order, a directory walked
// for *_test.txtar in lexical order, without duplicates, filtered by -run.
// A missing PATH is a usage error.
func (r *testRun) find(paths []string) ([]string, error) {
	var files, missing []string
	seen := make(map[string]bool)
	add := func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		if seen[abs] {
			return
		}
		seen[abs] = true
		if r.filter != nil && !r.filter.MatchString(r.display(p)) && !r.filter.MatchString(scriptName(p)) {
			return
		}
		files = append(files, p)
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			missing = append(missing, r.display(p)+": "+errText(err))
			continue
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && r.h.SkipDir(d.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), "_test.txtar") && !strings.HasPrefix(d.Name(), ".") {
				add(path)
			}
			return nil
		})
		if err != nil {
			missing = append(missing, r.display(p)+": "+errText(err))
		}
	}
	if len(missing) > 0 {
		return nil, r.h.Usage("spell test", "%s", strings.Join(missing, "\nspell test: "))
	}
	return files, nil
}

// scriptName is the name -run also matches: the file name without
// _test.txtar (or .txtar).
func scriptName(p string) string {
	name := filepath.Base(p)
	if n, ok := strings.CutSuffix(name, "_test.txtar"); ok {
		return n
	}
	return strings.TrimSuffix(name, ".txtar")
}

// errText is err without Go's "stat"/"open" verb and path.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// display is the name of path in output: relative to the working
// directory, with forward slashes.
func (r *testRun) display(p string) string {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.cwd, abs)
	}
	if rel, err := filepath.Rel(r.cwd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// writeIndented prints log with every non-empty line indented by four
// spaces.
func writeIndented(w io.Writer, log string) {
	log = strings.TrimRight(log, "\n")
	if log == "" {
		return
	}
	var b strings.Builder
	for _, line := range strings.Split(log, "\n") {
		if line != "" {
			b.WriteString("    ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// linkSelf creates dir holding `spell`: a link (a symbolic link, else a
// hard link, else a copy) to the spell binary next to the running
// spell-net, which spell execs for spell test, else to the running binary
// (spell's command line too). The file is named spell whatever the binary
// is called: a test binary built with testscript.Main dispatches on the
// base name of argv[0].
func linkSelf(dir string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locating the spell binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	if filepath.Base(self) == "spell-net"+exe {
		spell := filepath.Join(filepath.Dir(self), "spell"+exe)
		if fi, err := os.Stat(spell); err == nil && fi.Mode().IsRegular() {
			self = spell
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := filepath.Join(dir, "spell")
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if os.Symlink(self, name) == nil || os.Link(self, name) == nil {
		return dir, nil
	}
	src, err := os.Open(self)
	if err != nil {
		return "", fmt.Errorf("copying the spell binary: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return "", fmt.Errorf("copying the spell binary: %w", err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("copying the spell binary: %w", err)
	}
	return dir, nil
}

// scriptResult is the outcome of one script. A script abandoned after its
// timeout may still write to it, hence the lock.
type scriptResult struct {
	mu      sync.Mutex
	failed  bool
	skip    string // the reason of a skipped script
	buf     strings.Builder
	elapsed time.Duration
	workdir string
	// actual holds the prompts recorded by the replay provider under
	// -update, by archive entry path without kind ("main/1", "b/main/1").
	actual map[string]string
}

func (res *scriptResult) logf(format string, args ...any) {
	res.mu.Lock()
	defer res.mu.Unlock()
	fmt.Fprintf(&res.buf, format, args...)
	if !strings.HasSuffix(res.buf.String(), "\n") {
		res.buf.WriteByte('\n')
	}
}

func (res *scriptResult) fail() {
	res.mu.Lock()
	res.failed = true
	res.mu.Unlock()
}

func (res *scriptResult) log() string {
	res.mu.Lock()
	defer res.mu.Unlock()
	return res.buf.String()
}

// scriptT adapts a script run to testscript.T without the testing package:
// FailNow, Fatal and Skip end the calling goroutine (runtime.Goexit), as
// testing.T does; Run runs the subtest on its own goroutine and waits.
type scriptT struct {
	res     *scriptResult
	verbose bool
}

// Skip ends the script as passed; its reason ends the log.
func (t *scriptT) Skip(args ...any) {
	t.res.mu.Lock()
	t.res.skip = fmt.Sprint(args...)
	t.res.mu.Unlock()
	runtime.Goexit()
}

func (t *scriptT) Fatal(args ...any) {
	t.res.logf("%s", fmt.Sprint(args...))
	t.FailNow()
}

func (t *scriptT) FailNow() {
	t.res.fail()
	runtime.Goexit()
}

func (t *scriptT) Log(args ...any) { t.res.logf("%s", fmt.Sprint(args...)) }

// Parallel does nothing: scripts run one after the other.
func (t *scriptT) Parallel() {}

func (t *scriptT) Verbose() bool { return t.verbose }

func (t *scriptT) Run(_ string, f func(testscript.T)) {
	<-t.res.goRun(func() { f(t) })
}

// goRun runs f on a new goroutine and returns a channel closed when it
// ends, normally, by runtime.Goexit or by a panic (recorded as a failure).
func (res *scriptResult) goRun(f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if e := recover(); e != nil {
				res.logf("panic: %v\n%s", e, debug.Stack())
				res.fail()
			}
		}()
		f()
	}()
	return done
}

// script runs one archive with testscript.RunT.
func (r *testRun) script(file string) *scriptResult {
	res := &scriptResult{}
	t := &scriptT{res: res, verbose: r.verbose}
	p := testscript.Params{
		Files:              []string{file},
		RequireUniqueNames: true,
		UpdateScripts:      r.update,
		TestWork:           r.work,
		Setup:              func(env *testscript.Env) error { return r.setup(env, res) },
	}
	start := time.Now()
	if r.timeout > 0 {
		p.Deadline = start.Add(r.timeout)
	}
	done := res.goRun(func() { testscript.RunT(t, p) })
	if r.timeout > 0 {
		// testscript interrupts and kills the commands it started when
		// the deadline comes; a script blocked elsewhere is abandoned.
		grace := max(r.timeout/10, 5*time.Second)
		timer := time.NewTimer(r.timeout + grace)
		select {
		case <-done:
			timer.Stop()
		case <-timer.C:
			res.logf("spell test: timed out after %v; script abandoned", r.timeout)
			res.fail()
		}
	} else {
		<-done
	}
	res.elapsed = time.Since(start)
	res.mu.Lock()
	if res.workdir != "" {
		// With -work, testscript starts the log with WORK=<dir>; the
		// directory is printed on its own line instead.
		s := strings.TrimPrefix(res.buf.String(), "WORK="+res.workdir+"\n")
		res.buf.Reset()
		res.buf.WriteString(s)
	}
	if res.skip != "" {
		fmt.Fprintf(&res.buf, "SKIP: %s\n", res.skip)
	}
	actual := res.actual
	res.mu.Unlock()
	if r.update && len(actual) > 0 {
		updated, err := refreshPrompts(file, actual)
		switch {
		case err != nil:
			res.logf("spell test: refreshing prompt entries of %s: %v", r.display(file), err)
			res.fail()
		case len(updated) > 0:
			res.logf("%s: refreshed %s", r.display(file), strings.Join(updated, ", "))
		}
	}
	return res
}

// harness directories inside $WORK.
var testHomeDirs = []struct{ env, dir string }{
	{"HOME", ".home"},
	{"XDG_CONFIG_HOME", ".config"},
	{"XDG_STATE_HOME", ".state"},
	{"XDG_CACHE_HOME", ".cache"},
}

// testUnsetVars are never passed to a script, besides every variable whose
// name ends in _API_KEY or _AUTH_TOKEN.
var testUnsetVars = map[string]bool{
	"SPELL_MODEL":        true,
	"SPELL_UPDATE":       true,
	"SPELL_BASE_URL":     true,
	"ANTHROPIC_BASE_URL": true,
	"OPENAI_BASE_URL":    true,
	"OPENAI_ORG_ID":      true,
	"OPENAI_PROJECT_ID":  true,
}

// setup completes a script's environment (tooling.md §8) and, under
// -update, arranges for the actual prompts to be collected before the work
// directory goes away.
func (r *testRun) setup(env *testscript.Env, res *scriptResult) error {
	vars := env.Vars[:0]
	for _, kv := range env.Vars {
		k, _, _ := strings.Cut(kv, "=")
		uk := strings.ToUpper(k)
		if testUnsetVars[uk] || strings.HasSuffix(uk, "_API_KEY") || strings.HasSuffix(uk, "_AUTH_TOKEN") {
			continue
		}
		vars = append(vars, kv)
	}
	env.Vars = vars
	env.Setenv("PATH", r.bin+string(filepath.ListSeparator)+env.Getenv("PATH"))
	for _, h := range testHomeDirs {
		p := filepath.Join(env.WorkDir, h.dir)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return err
		}
		env.Setenv(h.env, p)
		if h.env == "HOME" && runtime.GOOS == "windows" {
			env.Setenv("USERPROFILE", p)
		}
	}
	env.Setenv("SPELL_MODEL", "replay:"+env.WorkDir)
	env.Setenv("SPELL_SEED", "1")
	res.mu.Lock()
	res.workdir = env.WorkDir
	res.mu.Unlock()
	if r.update {
		env.Setenv("SPELL_UPDATE", "1")
		env.Defer(func() {
			actual, err := collectPrompts(env.WorkDir)
			res.mu.Lock()
			res.actual = actual
			res.mu.Unlock()
			if err != nil {
				res.logf("spell test: collecting actual prompts: %v", err)
				res.fail()
			}
		})
	}
	return nil
}

// collectPrompts reads the prompts the replay provider wrote under every
// .spell-actual directory in work. The keys are archive entry paths without
// the kind: "main/1" for $WORK/.spell-actual/main/1.prompt, "b/main/1" for
// $WORK/b/.spell-actual/main/1.prompt.
func collectPrompts(work string) (map[string]string, error) {
	actual := make(map[string]string)
	err := filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p == filepath.Join(work, ".tmp") {
			return fs.SkipDir
		}
		if d.Name() != replay.ActualDirName {
			return nil
		}
		root, err := filepath.Rel(work, filepath.Dir(p))
		if err != nil {
			return err
		}
		root = filepath.ToSlash(root)
		handles, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, h := range handles {
			if !h.IsDir() {
				continue
			}
			entries, err := os.ReadDir(filepath.Join(p, h.Name()))
			if err != nil {
				return err
			}
			for _, e := range entries {
				handle, n, kind, quoted, ok := transcript.ParseEntryName(h.Name() + "/" + e.Name())
				if !ok || kind != transcript.KindPrompt {
					continue
				}
				data, err := os.ReadFile(filepath.Join(p, h.Name(), e.Name()))
				if err != nil {
					return err
				}
				text, err := transcript.Decode(data, quoted)
				if err != nil {
					return fmt.Errorf("%s/%s: %v", h.Name(), e.Name(), err)
				}
				actual[path.Join(root, fmt.Sprintf("%s/%d", handle, n))] = text
			}
		}
		return fs.SkipDir
	})
	return actual, err
}

// txtarEntry locates one file of a txtar archive in its bytes.
type txtarEntry struct {
	name              string
	marker, data, end int // marker line start, data start, data end
}

// txtarEntries splits an archive the way the txtar reader does: a file
// starts at a line "-- NAME --".
func txtarEntries(data []byte) []txtarEntry {
	var entries []txtarEntry
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		line := data[i:]
		if j >= 0 {
			next = i + j + 1
			line = data[i : i+j]
		}
		if bytes.HasPrefix(line, []byte("-- ")) && bytes.HasSuffix(line, []byte(" --")) && len(line) >= 6 {
			if n := len(entries); n > 0 {
				entries[n-1].end = i
			}
			name := strings.TrimSpace(string(line[3 : len(line)-3]))
			entries = append(entries, txtarEntry{name: name, marker: i, data: next, end: len(data)})
		}
		i = next
	}
	return entries
}

// refreshPrompts rewrites, atomically, the existing <handle>/<n>.prompt
// entries of the archive file whose actual prompt differs; every other
// byte is kept. It returns the entries it changed.
func refreshPrompts(file string, actual map[string]string) ([]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	var updated []string
	last := 0
	for _, e := range txtarEntries(data) {
		name := path.Clean(e.name)
		root := path.Dir(path.Dir(name))
		handle, n, kind, quoted, ok := transcript.ParseEntryName(path.Base(path.Dir(name)) + "/" + path.Base(name))
		if !ok || kind != transcript.KindPrompt {
			continue
		}
		text, ok := actual[path.Join(root, fmt.Sprintf("%s/%d", handle, n))]
		if !ok {
			continue
		}
		old, err := transcript.Decode(data[e.data:e.end], quoted)
		if err == nil && old == text {
			continue
		}
		enc, q := transcript.Encode(text)
		out.Write(data[last:e.marker])
		if q == quoted {
			out.Write(data[e.marker:e.data])
			if e.data == len(data) && !bytes.HasSuffix(data, []byte("\n")) {
				out.WriteByte('\n') // the marker was the last line, unterminated
			}
		} else {
			newName := path.Join(root, transcript.EntryName(handle, n, transcript.KindPrompt))
			if q {
				newName += transcript.QuotedSuffix
			}
			fmt.Fprintf(&out, "-- %s --\n", newName)
		}
		out.Write(enc)
		last = e.end
		updated = append(updated, e.name)
	}
	if len(updated) == 0 {
		return nil, nil
	}
	out.Write(data[last:])
	slices.Sort(updated)
	return updated, transcript.WriteFileAtomic(file, out.Bytes())
}
