package spellio

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

var all = Subsets{Read: true, Write: true, Exec: true}

// fixture is a temp workspace with an io namespace over it.
type fixture struct {
	t    *testing.T
	root string
	ns   *value.Map
	cfg  Config
}

func newFixture(t *testing.T, mut func(*Config)) *fixture {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Root: root, Subsets: all, TempDir: filepath.Join(t.TempDir(), "run-tmp")}
	if mut != nil {
		mut(&cfg)
	}
	m, err := Namespace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, root: root, ns: m, cfg: cfg}
}

func (f *fixture) write(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) read(rel string) string {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.root, rel))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// call invokes a member with the arity check the evaluator would apply.
func (f *fixture) call(name string, args ...value.Value) (value.Value, error) {
	f.t.Helper()
	v, ok := f.ns.Get(value.Kw(name))
	if !ok {
		f.t.Fatalf("io/%s is absent", name)
	}
	b := v.(*eval.Builtin)
	if len(args) < b.Min || (b.Max >= 0 && len(args) > b.Max) {
		f.t.Fatalf("io/%s: %d arguments outside [%d, %d]", name, len(args), b.Min, b.Max)
	}
	c := &eval.Call{In: eval.New(context.Background(), eval.Options{}), Name: b.Name}
	return b.Fn(c, args)
}

// ok calls a member and requires an envelope with :ok true; it returns :out.
func (f *fixture) ok(name string, args ...value.Value) value.Value {
	f.t.Helper()
	v, err := f.call(name, args...)
	if err != nil {
		f.t.Fatalf("io/%s %s: %v", name, value.PrStr(value.NewVector(args)), err)
	}
	m, isMap := v.(*value.Map)
	if !isMap || get(m, "ok") != true {
		f.t.Fatalf("io/%s %s: not ok: %s", name, value.PrStr(value.NewVector(args)), value.PrStr(v))
	}
	return get(m, "out")
}

// fails calls a member and requires an :ok false envelope whose :err
// contains want.
func (f *fixture) fails(want, name string, args ...value.Value) *value.Map {
	f.t.Helper()
	v, err := f.call(name, args...)
	if err != nil {
		f.t.Fatalf("io/%s: want an :ok false envelope, got error %v", name, err)
	}
	m, isMap := v.(*value.Map)
	if !isMap || get(m, "ok") != false {
		f.t.Fatalf("io/%s %s: want :ok false, got %s", name, value.PrStr(value.NewVector(args)), value.PrStr(v))
	}
	if e, _ := get(m, "err").(string); !strings.Contains(e, want) {
		f.t.Fatalf("io/%s: :err %q does not contain %q", name, e, want)
	}
	return m
}

// misuse requires a plain (catchable) error containing want.
func (f *fixture) misuse(want, name string, args ...value.Value) {
	f.t.Helper()
	v, err := f.call(name, args...)
	if err == nil {
		f.t.Fatalf("io/%s: want error %q, got %s", name, want, value.PrStr(v))
	}
	if !strings.Contains(err.Error(), want) {
		f.t.Fatalf("io/%s: error %q does not contain %q", name, err, want)
	}
}

func get(m *value.Map, k string) value.Value {
	v, _ := m.Get(value.Kw(k))
	return v
}

func kw(s string) *value.Keyword { return value.Kw(s) }

func opts(kvs ...value.Value) *value.Map { return value.NewMap(kvs...) }

func keysOf(m *value.Map) []string {
	var out []string
	for _, k := range m.Keys() {
		out = append(out, k.(*value.Keyword).FullName())
	}
	return out
}

// ---- namespace shape ----

func TestNamespaceMembersMatchCatalog(t *testing.T) {
	f := newFixture(t, nil)
	n := 0
	for _, e := range catalog.Namespace("io") {
		if e.Kind != catalog.EffectMember {
			continue
		}
		n++
		v, ok := f.ns.Get(value.Kw(strings.TrimPrefix(e.Name, "io/")))
		if !ok {
			t.Fatalf("%s missing", e.Name)
		}
		b := v.(*eval.Builtin)
		if b.Name != e.Name || b.Min != e.MinArgs || b.Max != e.MaxArgs {
			t.Errorf("%s: got %s [%d,%d], catalog [%d,%d]", e.Name, b.Name, b.Min, b.Max, e.MinArgs, e.MaxArgs)
		}
	}
	if n != 27 {
		t.Errorf("catalog has %d io members, effects.md §1.1 lists 27", n)
	}
	for _, k := range []string{"short-docs", "docs", "detail"} {
		if _, ok := f.ns.Get(kw(k)); !ok {
			t.Errorf("missing :%s", k)
		}
	}
	docs := get(f.ns, "docs").(*value.Map)
	if g, _ := get(docs, "guide").(string); !strings.Contains(g, "container mode") {
		t.Errorf("guide should state that shells are not confined: %q", g)
	}
}

func TestSubsetGating(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Subsets = Subsets{Read: true} })
	for _, name := range []string{"write-file", "spit", "delete", "sh", "exec", "temp-file"} {
		if _, ok := f.ns.Get(kw(name)); ok {
			t.Errorf("read-only namespace has io/%s", name)
		}
	}
	for _, name := range []string{"slurp", "read-file", "grep", "env", "git"} {
		if _, ok := f.ns.Get(kw(name)); !ok {
			t.Errorf("read-only namespace lacks io/%s", name)
		}
	}
	g := get(get(f.ns, "docs").(*value.Map), "guide").(string)
	if strings.Contains(g, "write-file") || strings.Contains(g, "sh sh-test") {
		t.Errorf("guide lists ungranted members: %q", g)
	}
	w := newFixture(t, func(c *Config) { c.Subsets = Subsets{Write: true, Exec: true} })
	if _, ok := w.ns.Get(kw("slurp")); ok {
		t.Error("write+exec namespace has io/slurp")
	}
	if _, ok := w.ns.Get(kw("sh")); !ok {
		t.Error("write+exec namespace lacks io/sh")
	}
}

func TestNamespaceConfigErrors(t *testing.T) {
	if _, err := Namespace(Config{Root: "relative"}); err == nil {
		t.Error("relative root accepted")
	}
	if _, err := Namespace(Config{Root: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing root accepted")
	}
}

// ---- reading ----

func tenLines() string {
	var b strings.Builder
	for i := 1; i <= 10; i++ {
		b.WriteString("line" + strconv.Itoa(i) + "\n")
	}
	return b.String()
}

func TestReadFile(t *testing.T) {
	f := newFixture(t, nil)
	f.write("ten.txt", tenLines())
	f.write("empty.txt", "")
	f.write("u.txt", "héllo wörld\nαβγδε\n")
	f.write("nofinal.txt", "a\nb")

	all := f.ok("read-file", "ten.txt").(string)
	if !strings.HasPrefix(all, " 1: line1\n 2: line2\n") || !strings.HasSuffix(all, "10: line10") {
		t.Errorf("whole file: %q", all)
	}
	if got := f.ok("read-file", "ten.txt", int64(4), int64(100)); got != " 4: line4\n 5: line5\n 6: line6\n 7: line7\n 8: line8\n 9: line9\n10: line10" {
		t.Errorf("4..100: %q", got)
	}
	if got := f.ok("read-file", "ten.txt", int64(2), int64(4)); got != "2: line2\n3: line3" {
		t.Errorf("2..4: %q", got)
	}
	if got := f.ok("read-file", "ten.txt", int64(20), int64(30)); got != "" {
		t.Errorf("past the end: %q", got)
	}
	if got := f.ok("read-file", "ten.txt", int64(5), int64(3)); got != "" {
		t.Errorf("end before start: %q", got)
	}
	if got := f.ok("read-file", "ten.txt", int64(-3), int64(2)); got != "1: line1" {
		t.Errorf("start clamped: %q", got)
	}
	if got := f.ok("read-file", "empty.txt"); got != "" {
		t.Errorf("empty: %q", got)
	}
	if got := f.ok("read-file", "nofinal.txt"); got != "1: a\n2: b" {
		t.Errorf("no final newline: %q", got)
	}
	if got := f.ok("read-file", "u.txt", opts(kw("char-start"), int64(1), kw("char-end"), int64(4))); got != "1: éll\n2: βγδ" {
		t.Errorf("char window: %q", got)
	}
	if got := f.ok("read-file", "u.txt", int64(2), int64(3), opts(kw("char-start"), int64(3))); got != "2: δε" {
		t.Errorf("range + char-start: %q", got)
	}
	if got := f.ok("read-file", "ten.txt", int64(9)); got != " 9: line9\n10: line10" {
		t.Errorf("start only: %q", got)
	}
	f.fails("File not found: nope.txt", "read-file", "nope.txt")
	f.write("d/x", "")
	f.fails("Error reading file", "read-file", "d")
	f.misuse("unknown option :bogus", "read-file", "ten.txt", opts(kw("bogus"), true))
	f.misuse("start must be an integer", "read-file", "ten.txt", "1", int64(2))
	f.misuse("path must be a string", "read-file", int64(1))
}

func TestReadLines(t *testing.T) {
	f := newFixture(t, nil)
	f.write("ten.txt", tenLines())
	f.write("crlf.txt", "a\r\nb\r\n")
	v := f.ok("read-lines", "ten.txt", int64(4), int64(7)).(*value.Vector)
	if v.FirstLine != 4 || v.Count() != 3 {
		t.Fatalf("first-line %d count %d", v.FirstLine, v.Count())
	}
	if x, _ := v.Nth(0); x != "line4" {
		t.Errorf("row 0 = %v", x)
	}
	if v := f.ok("read-lines", "ten.txt").(*value.Vector); v.FirstLine != 1 || v.Count() != 10 {
		t.Errorf("whole: first %d count %d", v.FirstLine, v.Count())
	}
	if v := f.ok("read-lines", "ten.txt", int64(50), int64(60)).(*value.Vector); v.Count() != 0 || v.FirstLine != 11 {
		t.Errorf("past end: first %d count %d", v.FirstLine, v.Count())
	}
	v = f.ok("read-lines", "crlf.txt").(*value.Vector)
	if x, _ := v.Nth(1); x != "b" {
		t.Errorf("CRLF row: %q", x)
	}
	f.fails("File not found: missing", "read-lines", "missing")
}

func TestSlurp(t *testing.T) {
	f := newFixture(t, nil)
	f.write("bad.txt", "ok\xff\xfeend\n")
	if got := f.ok("slurp", "bad.txt"); got != "ok\uFFFD\uFFFDend\n" {
		t.Errorf("slurp: %q", got)
	}
	b := f.ok("slurp-bytes", "bad.txt").(*value.Map)
	raw, err := base64.StdEncoding.DecodeString(get(b, "base64").(string))
	if err != nil || string(raw) != "ok\xff\xfeend\n" {
		t.Errorf("slurp-bytes: %q %v", raw, err)
	}
	m := f.fails("File not found: x.txt", "slurp", "x.txt")
	if keys := strings.Join(keysOf(m), " "); keys != "ok out err truncated" {
		t.Errorf("envelope keys %q", keys)
	}
	f.fails("File not found", "slurp-bytes", "x.txt")
}

func TestPredicatesLsStatCwd(t *testing.T) {
	f := newFixture(t, nil)
	f.write("a/b.txt", "12345")
	f.write("a/c.txt", "")
	if err := os.Mkdir(filepath.Join(f.root, "a", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if v, err := f.call("exists?", "a/b.txt"); err != nil || v != true {
		t.Errorf("exists? = %v %v", v, err)
	}
	if v, err := f.call("exists?", "a/zz"); err != nil || v != false {
		t.Errorf("exists? missing = %v %v", v, err)
	}
	if v, err := f.call("directory?", "a"); err != nil || v != true {
		t.Errorf("directory? = %v %v", v, err)
	}
	if v, err := f.call("directory?", "a/b.txt"); err != nil || v != false {
		t.Errorf("directory? file = %v %v", v, err)
	}
	if got := value.PrStr(f.ok("ls", "a")); got != `["b.txt" "c.txt" "sub"]` {
		t.Errorf("ls: %s", got)
	}
	f.fails("Not a directory: a/b.txt", "ls", "a/b.txt")
	f.fails("File not found: nope", "ls", "nope")
	st := f.ok("stat", "a/b.txt").(*value.Map)
	if strings.Join(keysOf(st), " ") != "size modified readable writable executable directory" {
		t.Errorf("stat keys: %v", keysOf(st))
	}
	if get(st, "size") != int64(5) || get(st, "directory") != false || get(st, "readable") != true {
		t.Errorf("stat: %s", value.PrStr(st))
	}
	if _, err := time.Parse(time.RFC3339, get(st, "modified").(string)); err != nil {
		t.Errorf("modified: %v", err)
	}
	f.fails("File not found: nope", "stat", "nope")
	if v, _ := f.call("cwd"); v != f.root {
		t.Errorf("cwd = %v, want %s", v, f.root)
	}
}

// ---- confinement ----

func TestEscapesRefused(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, nil)
	f.write("in/ok.txt", "inside\n")
	must(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(f.root, "link")))
	must(t, os.Symlink(outside, filepath.Join(f.root, "outdir")))
	must(t, os.Symlink("../"+filepath.Base(outside), filepath.Join(f.root, "rel-up")))
	must(t, os.Symlink("in/ok.txt", filepath.Join(f.root, "good-rel")))
	must(t, os.Symlink(filepath.Join(f.root, "in"), filepath.Join(f.root, "good-abs")))

	for _, p := range []string{"../x", "/etc/passwd", "link", "outdir/secret.txt", "in/../../x",
		filepath.Join(outside, "secret.txt"), "rel-up/secret.txt"} {
		f.fails("Path escapes the workspace root: "+p, "slurp", p)
		f.fails("Path escapes the workspace root: "+p, "read-file", p)
		f.fails("Path escapes the workspace root: "+p, "write-file", p, "pwned")
		f.fails("Path escapes the workspace root: "+p, "stat", p)
		f.misuse("Path escapes the workspace root: "+p, "exists?", p)
	}
	f.fails("Path escapes the workspace root: outdir/new.txt", "write-file", "outdir/new.txt", "x")
	f.fails("Path escapes the workspace root: outdir/new", "mkdirs", "outdir/new")
	f.fails("Path escapes the workspace root: outdir/secret.txt", "delete", "outdir/secret.txt")
	f.fails("Path escapes the workspace root: ../x", "copy", "in/ok.txt", "../x")
	f.fails("Path escapes the workspace root: outdir/y", "move", "in/ok.txt", "outdir/y")
	m := f.fails("Path escapes the workspace root: outdir", "grep", "s3cret", "outdir")
	if get(m, "exit") != int64(2) {
		t.Errorf("grep escape exit %v", get(m, "exit"))
	}
	f.fails("Path escapes the workspace root: ..", "glob", "*", "..")
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Fatal("a file was written outside the workspace")
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "secret.txt")); string(b) != "s3cret" {
		t.Fatal("outside file modified")
	}
	// inside links and harmless .. work
	if got := f.ok("slurp", "good-rel"); got != "inside\n" {
		t.Errorf("relative link inside: %q", got)
	}
	if got := f.ok("slurp", "good-abs/ok.txt"); got != "inside\n" {
		t.Errorf("absolute link inside: %q", got)
	}
	if got := f.ok("slurp", "in/../in/ok.txt"); got != "inside\n" {
		t.Errorf("dotdot inside: %q", got)
	}
	if got := f.ok("slurp", filepath.Join(f.root, "in/ok.txt")); got != "inside\n" {
		t.Errorf("absolute inside: %q", got)
	}
	// writing through an inside symlink replaces the target, not the link
	f.ok("write-file", "good-rel", "new\n")
	if fi, err := os.Lstat(filepath.Join(f.root, "good-rel")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("write-file replaced the symlink")
	}
	if f.read("in/ok.txt") != "new\n" {
		t.Error("write-file did not write the link target")
	}
	// deleting the escaping link removes only the link
	f.ok("delete", "link")
	if _, err := os.Stat(filepath.Join(outside, "secret.txt")); err != nil {
		t.Error("delete followed the link outside")
	}
	// grep and glob walk only inside
	if out := f.ok("grep", "s3cret", "."); out != "" {
		t.Errorf("grep followed an outside link: %q", out)
	}
	if out := f.ok("glob", "secret*"); out != "" {
		t.Errorf("glob followed an outside link: %q", out)
	}
}

func TestSymlinkSwapRace(t *testing.T) {
	// the os.Root layer refuses an escape even when a resolved directory
	// becomes a symlink after resolution
	f := newFixture(t, nil)
	outside := t.TempDir()
	l, err := f.nsState().space.resolve("d/x.txt", true)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.Symlink(outside, filepath.Join(f.root, "d")))
	if _, err := l.r.OpenFile(l.rel, os.O_CREATE|os.O_WRONLY, 0o644); err == nil || !isEscape(err) {
		t.Fatalf("os.Root did not refuse: %v", err)
	}
}

func (f *fixture) nsState() *ns {
	s, err := newSpace(f.root, "", nil)
	if err != nil {
		f.t.Fatal(err)
	}
	cfg := f.cfg
	cfg.Ctx = context.Background()
	return &ns{cfg: cfg, space: s}
}

// TestNSSize: ns stays in the 160-byte size class that start-up uses
// anyway (issue 11: a new class costs page faults).
func TestNSSize(t *testing.T) {
	if n := unsafe.Sizeof(ns{}); n > 160 {
		t.Errorf("ns is %d bytes, want at most 160", n)
	}
}

func mustRegex(t *testing.T, p string) *value.Regex {
	t.Helper()
	r, err := value.CompileRegex(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ---- writing ----

func TestWriteSpit(t *testing.T) {
	f := newFixture(t, nil)
	if got := f.ok("write-file", "a/b/c.txt", "hello"); got != "a/b/c.txt" {
		t.Errorf(":out %v", got)
	}
	if f.read("a/b/c.txt") != "hello" {
		t.Error("content")
	}
	f.ok("write-file", "./a/b/c.txt", "replaced")
	if f.read("a/b/c.txt") != "replaced" {
		t.Error("overwrite")
	}
	f.ok("spit", "log.txt", "1\n")
	f.ok("spit", "log.txt", "2\n", opts(kw("append"), true))
	if f.read("log.txt") != "1\n2\n" {
		t.Errorf("append: %q", f.read("log.txt"))
	}
	f.ok("spit", "log.txt", "x", opts(kw("append"), false))
	if f.read("log.txt") != "x" {
		t.Error("spit overwrite")
	}
	must(t, os.Chmod(filepath.Join(f.root, "log.txt"), 0o755))
	f.ok("write-file", "log.txt", "y")
	if fi, _ := os.Stat(filepath.Join(f.root, "log.txt")); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode not kept: %v", fi.Mode())
	}
	f.fails("is a directory", "write-file", "a", "x")
	f.misuse("content must be a string", "write-file", "x.txt", int64(3))
	f.misuse("unknown option :apend", "spit", "x.txt", "", opts(kw("apend"), true))
	entries, _ := os.ReadDir(filepath.Join(f.root, "a", "b"))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestStrReplace(t *testing.T) {
	f := newFixture(t, nil)
	f.write("s.txt", "foo bar foo\nbaz\n")
	f.misuse("old string must be non-empty", "str-replace", "s.txt", "", "x")
	f.fails("String not found in s.txt", "str-replace", "s.txt", "nope", "x")
	f.fails("String appears 2 times (must be unique); pass {:all true} to replace every occurrence", "str-replace", "s.txt", "foo", "x")
	if got := f.ok("str-replace", "s.txt", "baz", `$1 \n $&`); got != "s.txt" {
		t.Errorf(":out %v", got)
	}
	if f.read("s.txt") != "foo bar foo\n$1 \\n $&\n" {
		t.Errorf("literal: %q", f.read("s.txt"))
	}
	f.ok("str-replace", "s.txt", "foo", "qux", opts(kw("all"), true))
	if f.read("s.txt") != "qux bar qux\n$1 \\n $&\n" {
		t.Errorf("all: %q", f.read("s.txt"))
	}
	f.fails("File not found: none.txt", "str-replace", "none.txt", "a", "b")
}

func TestReplaceLines(t *testing.T) {
	f := newFixture(t, nil)
	cases := []struct {
		name, in string
		args     []value.Value
		want     string
	}{
		{"replace", "1\n2\n3\n4\n", []value.Value{int64(2), int64(4), "B\nC"}, "1\nB\nC\n4\n"},
		{"insert", "1\n2\n", []value.Value{int64(2), int64(2), "X\n"}, "1\nX\n2\n"},
		{"append at n+1", "1\n2\n", []value.Value{int64(3), int64(3), "3"}, "1\n2\n3\n"},
		{"delete", "1\n2\n3\n", []value.Value{int64(1), int64(3), ""}, "3\n"},
		{"no final newline kept", "1\n2", []value.Value{int64(2), int64(3), "Z\n"}, "1\nZ"},
		{"crlf", "1\r\n2\r\n", []value.Value{int64(1), int64(2), "A"}, "A\r\n2\r\n"},
		{"multi original numbering", "1\n2\n3\n4\n5\n", []value.Value{value.VectorOf(
			value.VectorOf(int64(4), int64(5), "D\nD2"),
			value.VectorOf(int64(1), int64(2), "A"),
			value.VectorOf(int64(2), int64(3), ""),
			value.VectorOf(int64(3), int64(3), "ins"))}, "A\nins\n3\nD\nD2\n5\n"},
	}
	for _, tc := range cases {
		f.write("r.txt", tc.in)
		args := append([]value.Value{"r.txt"}, tc.args...)
		if got := f.ok("replace-lines", args...); got != "r.txt" {
			t.Errorf("%s: :out %v", tc.name, got)
		}
		if got := f.read("r.txt"); got != tc.want {
			t.Errorf("%s: got %q want %q", tc.name, got, tc.want)
		}
	}
	f.write("r.txt", "1\n2\n3\n")
	f.fails("Edits have overlapping line ranges", "replace-lines", "r.txt",
		value.VectorOf(value.VectorOf(int64(1), int64(3), "a"), value.VectorOf(int64(2), int64(4), "b")))
	f.fails("out of bounds", "replace-lines", "r.txt", int64(0), int64(1), "x")
	f.fails("out of bounds", "replace-lines", "r.txt", int64(5), int64(5), "x")
	f.fails("out of bounds", "replace-lines", "r.txt", int64(3), int64(2), "x")
	f.fails("out of bounds", "replace-lines", "r.txt", int64(1), int64(9), "x")
	if f.read("r.txt") != "1\n2\n3\n" {
		t.Error("failed edit modified the file")
	}
	f.misuse("each edit must be a vector", "replace-lines", "r.txt", value.VectorOf(int64(1)))
	f.misuse("start must be an integer", "replace-lines", "r.txt", "1", int64(2), "x")
	f.fails("File not found: zz", "replace-lines", "zz", int64(1), int64(1), "x")
}

func TestFileOps(t *testing.T) {
	f := newFixture(t, nil)
	if got := f.ok("mkdir", "d"); got != "d" {
		t.Errorf("mkdir :out %v", got)
	}
	f.fails("Already exists: d", "mkdir", "d")
	f.fails("does not exist", "mkdir", "x/y")
	f.ok("mkdirs", "x/y/z")
	f.ok("mkdirs", "x/y/z")
	f.write("x/y/z/f.txt", "data")
	f.fails("Directory not empty: x/y/z", "delete", "x/y/z")
	f.fails("File not found: nope", "delete", "nope")
	f.fails("Cannot delete the workspace root", "delete", ".")
	f.ok("delete", "d")
	if _, err := os.Stat(filepath.Join(f.root, "d")); err == nil {
		t.Error("d not deleted")
	}
	if got := f.ok("copy", "x/y/z/f.txt", "c/copy.txt"); got != "c/copy.txt" {
		t.Errorf("copy :out %v", got)
	}
	f.write("c/exists.txt", "old")
	f.ok("copy", "x/y/z/f.txt", "c/exists.txt")
	if f.read("c/exists.txt") != "data" || f.read("x/y/z/f.txt") != "data" {
		t.Error("copy")
	}
	f.fails("Source not found: nope", "copy", "nope", "b")
	f.fails("Source is a directory", "copy", "x", "b")
	f.fails("Destination is a directory: c", "copy", "c/exists.txt", "c")
	if got := f.ok("move", "c/exists.txt", "m/moved.txt"); got != "m/moved.txt" {
		t.Errorf("move :out %v", got)
	}
	if _, err := os.Stat(filepath.Join(f.root, "c/exists.txt")); err == nil || f.read("m/moved.txt") != "data" {
		t.Error("move")
	}
	f.ok("move", "x", "x2")
	if f.read("x2/y/z/f.txt") != "data" {
		t.Error("move directory")
	}
	f.fails("Source not found: nope", "move", "nope", "b")

	tp := f.ok("temp-file").(string)
	if !strings.HasPrefix(tp, f.cfg.TempDir+string(filepath.Separator)) {
		t.Fatalf("temp-file %q not in %s", tp, f.cfg.TempDir)
	}
	tp2 := f.ok("temp-file", "pre-", ".json").(string)
	if b := filepath.Base(tp2); !strings.HasPrefix(b, "pre-") || !strings.HasSuffix(b, ".json") {
		t.Errorf("temp-file name %q", tp2)
	}
	// the temp directory is the other allowed location
	f.ok("write-file", tp, "tmp data")
	if got := f.ok("slurp", tp); got != "tmp data" {
		t.Errorf("temp read %q", got)
	}
	f.ok("copy", tp, "from-tmp.txt")
	if f.read("from-tmp.txt") != "tmp data" {
		t.Error("copy from temp")
	}
	f.misuse("must not contain path separators", "temp-file", "../", "x")
}

// ---- grep and glob ----

func grepFixture(t *testing.T) *fixture {
	f := newFixture(t, nil)
	f.write("a.go", "package a\nfunc Foo() {}\n// foo bar\nvar x = 1\n")
	f.write("sub/b.go", "one\ntwo\nFOO three\nfour\nfive\nsix\nseven\nfoo eight\n")
	f.write("sub/c.txt", "foo in text\n")
	f.write("bin.dat", "foo\x00binary\n")
	f.write(".git/config", "foo in git\n")
	f.write("sub-x/d.go", "foo\n")
	return f
}

func TestGrep(t *testing.T) {
	f := grepFixture(t)
	r, err := f.call("grep", "foo", ".")
	if err != nil {
		t.Fatal(err)
	}
	m := r.(*value.Map)
	if strings.Join(keysOf(m), " ") != "ok out err exit truncated" || get(m, "exit") != int64(0) {
		t.Fatalf("grep envelope %s", value.PrStr(m))
	}
	want := "a.go:3:// foo bar\nsub-x/d.go:1:foo\nsub/b.go:8:foo eight\nsub/c.txt:1:foo in text\n"
	if got := get(m, "out"); got != want {
		t.Errorf("grep:\n%s\nwant:\n%s", got, want)
	}
	if got := f.ok("grep", "foo", "sub", opts(kw("ignore-case"), true, kw("include"), "*.go")); got != "sub/b.go:3:FOO three\nsub/b.go:8:foo eight\n" {
		t.Errorf("ignore-case include: %q", got)
	}
	if got := f.ok("grep", "(?i)foo", "sub/b.go", opts(kw("context"), int64(1))); got != "sub/b.go-2-two\nsub/b.go:3:FOO three\nsub/b.go-4-four\n--\nsub/b.go-7-seven\nsub/b.go:8:foo eight\n" {
		t.Errorf("context:\n%s", got)
	}
	if got := f.ok("grep", "(?i)foo", "sub/b.go", opts(kw("max-count"), "1")); got != "sub/b.go:3:FOO three\n" {
		t.Errorf("max-count: %q", got)
	}
	if got := f.ok("grep", "(?i)foo", "sub/b.go", opts(kw("max-count"), int64(0))); got != "" {
		t.Errorf("max-count 0: %q", got)
	}
	f.misuse("option :max-count must be a non-negative integer", "grep", "x", ".", opts(kw("max-count"), "1x"))
	f.misuse("option :max-count must be a non-negative integer", "grep", "x", ".", opts(kw("max-count"), int64(-1)))
	f.misuse("unknown option :recursive", "grep", "x", ".", opts(kw("recursive"), true))
	r, _ = f.call("grep", "nomatch-zzz", ".")
	if m := r.(*value.Map); get(m, "ok") != true || get(m, "exit") != int64(1) || get(m, "out") != "" {
		t.Errorf("no match: %s", value.PrStr(m))
	}
	m = f.fails("Unsupported regex (RE2)", "grep", "(?<=x)", ".")
	if get(m, "exit") != int64(2) {
		t.Errorf("bad regex exit %v", get(m, "exit"))
	}
	m = f.fails("File not found: missing", "grep", "x", "missing")
	if get(m, "exit") != int64(2) {
		t.Errorf("missing path exit %v", get(m, "exit"))
	}
	if got := f.ok("grep", mustRegex(t, "Fo+"), "a.go"); got != "a.go:2:func Foo() {}\n" {
		t.Errorf("regex value: %q", got)
	}
}

func TestGlob(t *testing.T) {
	f := grepFixture(t)
	r, err := f.call("glob", "*.go")
	if err != nil {
		t.Fatal(err)
	}
	m := r.(*value.Map)
	if get(m, "exit") != int64(0) || get(m, "out") != "a.go\nsub-x/d.go\nsub/b.go" {
		t.Errorf("glob: %s", value.PrStr(m))
	}
	if got := f.ok("glob", "*.go", "sub"); got != "sub/b.go" {
		t.Errorf("glob in sub: %q", got)
	}
	if got := f.ok("glob", "sub*", ".", opts(kw("type"), "d")); got != "sub\nsub-x" {
		t.Errorf("type d: %q", got)
	}
	if got := f.ok("glob", "*", ".", opts(kw("max-depth"), int64(1), kw("type"), "f")); got != "a.go\nbin.dat" {
		t.Errorf("max-depth: %q", got)
	}
	if got := f.ok("glob", "[!a]*.go"); got != "sub-x/d.go\nsub/b.go" {
		t.Errorf("negated class: %q", got)
	}
	if got := f.ok("glob", "**/*.go"); got != "a.go\nsub-x/d.go\nsub/b.go" {
		t.Errorf("** path pattern: %q", got)
	}
	if got := f.ok("glob", "sub/*.txt"); got != "sub/c.txt" {
		t.Errorf("path pattern: %q", got)
	}
	if got := f.ok("glob", "config"); got != "" {
		t.Errorf(".git not skipped: %q", got)
	}
	f.misuse("bad glob pattern", "glob", "[", ".")
	f.misuse("option :type", "glob", "*", ".", opts(kw("type"), "l"))
	f.fails("Not a directory: a.go", "glob", "*", "a.go")
}

func TestMatchPath(t *testing.T) {
	for _, tc := range []struct {
		pat, p string
		want   bool
	}{
		{"**/*.go", "a.go", true}, {"**/*.go", "x/y/a.go", true}, {"x/**/a.go", "x/a.go", true},
		{"x/**", "x/y/z", true}, {"x/*.go", "x/y/a.go", false}, {"**/y/*", "a/y/b", true}, {"a/b", "a", false},
	} {
		if got, err := matchPath(tc.pat, tc.p); err != nil || got != tc.want {
			t.Errorf("matchPath(%q, %q) = %v %v", tc.pat, tc.p, got, err)
		}
	}
}

// ---- env ----

func TestEnv(t *testing.T) {
	env := []string{"HOME=/home/u", "PATH=" + os.Getenv("PATH"), "OPENAI_API_KEY=sk-1", "GITHUB_TOKEN=ghp",
		"db_password=pw", "MY_SECRET_THING=s", "AWS_CREDENTIALS=c", "SOME_KEY=k", "KEYBOARD=us", "ALLOWED_TOKEN=fine"}
	f := newFixture(t, func(c *Config) { c.Environ = env; c.EnvAllow = []string{"ALLOWED_TOKEN"} })
	v, err := f.call("env")
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*value.Map)
	var names []string
	for _, k := range m.Keys() {
		names = append(names, k.(string))
	}
	if got := strings.Join(names, " "); got != "ALLOWED_TOKEN HOME KEYBOARD PATH" {
		t.Errorf("env names: %s", got)
	}
	for name, want := range map[string]value.Value{"HOME": "/home/u", "OPENAI_API_KEY": nil, "GITHUB_TOKEN": nil,
		"db_password": nil, "MY_SECRET_THING": nil, "AWS_CREDENTIALS": nil, "SOME_KEY": nil, "NOPE": nil, "ALLOWED_TOKEN": "fine"} {
		if got, err := f.call("env", name); err != nil || got != want {
			t.Errorf("(io/env %q) = %v %v, want %v", name, got, err, want)
		}
	}
	f.misuse("variable name must be a string", "env", int64(1))
	// processes get the filtered environment too
	out := f.ok("sh", "echo \"[$GITHUB_TOKEN][$HOME][$ALLOWED_TOKEN][$SOME_KEY]\"")
	if out != "[][/home/u][fine][]\n" {
		t.Errorf("sh environment: %q", out)
	}
}

func TestIsSecret(t *testing.T) {
	for name, want := range map[string]bool{"ANTHROPIC_API_KEY": true, "SERPER_API_KEY": true, "x_token": true,
		"Secretive": true, "PASSWORD_FILE": true, "GOOGLE_APPLICATION_CREDENTIALS": true, "PATH": false, "KEY": false, "TOKENS": false} {
		if got := IsSecret(name, nil); got != want {
			t.Errorf("IsSecret(%s) = %v", name, got)
		}
	}
}

// ---- processes ----

func TestSh(t *testing.T) {
	f := newFixture(t, nil)
	f.write("f.txt", "x")
	r, err := f.call("sh", "printf '  out\\n\\n'; ", "echo err >&2; ls f.txt >/dev/null && exit 3")
	if err != nil {
		t.Fatal(err)
	}
	m := r.(*value.Map)
	if strings.Join(keysOf(m), " ") != "ok out err exit truncated" {
		t.Errorf("keys %v", keysOf(m))
	}
	if get(m, "ok") != false || get(m, "out") != "  out\n\n" || get(m, "err") != "err\n" || get(m, "exit") != int64(3) || get(m, "truncated") != false {
		t.Errorf("sh: %s", value.PrStr(m))
	}
	r, _ = f.call("sh", "pwd")
	if m := r.(*value.Map); get(m, "ok") != true || get(m, "out") != f.root+"\n" || get(m, "err") != nil {
		t.Errorf("pwd: %s", value.PrStr(m))
	}
	f.misuse("io/sh: all command segments must be strings", "sh", "echo", int64(1))
	f.misuse("option :timeout must be a number", "sh", "true", opts(kw("timeout"), int64(-1)))
	f.misuse("unknown option :cwd", "sh", "true", opts(kw("cwd"), "/"))
	if got := f.ok("sh", "echo ", "a", "b", opts(kw("timeout"), 5.5)); got != "ab\n" {
		t.Errorf("parts: %q", got)
	}
	// big output is capped
	r, _ = f.call("sh", "head -c 17000000 /dev/zero | tr '\\0' a")
	if m := r.(*value.Map); get(m, "truncated") != true || len(get(m, "out").(string)) != maxOutput {
		t.Errorf("cap: truncated %v len %d", get(m, "truncated"), len(get(m, "out").(string)))
	}
	// a background process holding the pipe does not block the call: the
	// child outlives the call by far (an hour), so returning at all shows
	// it; the child is killed afterwards.
	f.ok("sh", "sleep 3600 & echo $! > bgpid; echo started")
	if pid, err := strconv.Atoi(strings.TrimSpace(f.read("bgpid"))); err == nil {
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
}

func TestExec(t *testing.T) {
	f := newFixture(t, nil)
	if got := f.ok("exec", value.VectorOf("printf", "%s|%s", "a b", "$HOME")); got != "a b|$HOME" {
		t.Errorf("exec argv: %q", got)
	}
	r, _ := f.call("exec", value.VectorOf("false"))
	if m := r.(*value.Map); get(m, "ok") != false || get(m, "exit") != int64(1) {
		t.Errorf("false: %s", value.PrStr(m))
	}
	r, _ = f.call("exec", value.VectorOf("definitely-not-a-program-xyz"))
	if m := r.(*value.Map); get(m, "ok") != false || get(m, "exit") != nil || !strings.Contains(get(m, "err").(string), "Cannot start") {
		t.Errorf("not found: %s", value.PrStr(m))
	}
	f.misuse("every argv entry must be a string", "exec", value.VectorOf("echo", int64(1)))
	f.misuse("argv must be a vector", "exec", "echo hi")
	f.misuse("argv must not be empty", "exec", value.VectorOf())
}

// liveInGroup counts non-zombie processes of a process group.
func liveInGroup(pgid int) int { return groupMembers(pgid) }

func TestShTimeoutKillsGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	f := newFixture(t, nil)
	// The commands sleep far longer than the one-second timeout, so the
	// envelope below can only come from the timeout.
	r, err := f.call("sh", "echo $$ > pid; sleep 3600 & sleep 3600", opts(kw("timeout"), int64(1)))
	if err != nil {
		t.Fatal(err)
	}
	want := "{:ok false, :out \"\", :err \"Command timed out after 1 seconds\", :exit -1, :truncated true}"
	if got := value.PrStr(r); got != want {
		t.Errorf("timeout envelope:\n%s\nwant\n%s", got, want)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(f.read("pid")))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute) // a hang guard, generous under load
	for liveInGroup(pgid) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := liveInGroup(pgid); n > 0 {
		t.Fatalf("%d processes of group %d survived the timeout", n, pgid)
	}
}

func TestShTimeoutDefaults(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ShTimeout = time.Second })
	r, _ := f.call("sh", "sleep 3600")
	if m := r.(*value.Map); get(m, "err") != "Command timed out after 1 seconds" {
		t.Errorf("profile timeout: %s", value.PrStr(m))
	}
	t.Setenv("SPELL_SH_TIMEOUT", "1")
	g := newFixture(t, func(c *Config) { c.ShTimeout = time.Hour })
	r, _ = g.call("exec", value.VectorOf("sleep", "3600"))
	if m := r.(*value.Map); get(m, "err") != "Command timed out after 1 seconds" {
		t.Errorf("env timeout: %s", value.PrStr(m))
	}
	// {:timeout 0} means no timeout besides the run's
	if got := g.ok("sh", "sleep 1.2; echo done", opts(kw("timeout"), int64(0))); got != "done\n" {
		t.Errorf("timeout 0: %q", got)
	}
}

func TestShCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFixture(t, func(c *Config) { c.Ctx = ctx })
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	// The command sleeps an hour: returning at all shows the cancel
	// stopped it (a stuck call would hit the go test timeout).
	_, err := f.call("sh", "echo $$ > pid; sleep 3600 & sleep 3600")
	if err == nil || !eval.IsFatal(err) || err.Error() != "Cancelled" {
		t.Fatalf("want fatal Cancelled, got %v", err)
	}
	if pgid, err := strconv.Atoi(strings.TrimSpace(f.read("pid"))); err == nil {
		if n := liveInGroup(pgid); n > 0 {
			t.Errorf("%d processes survived cancellation", n)
		}
	}
	if _, err := f.call("sh", "true"); err == nil || err.Error() != "Cancelled" {
		t.Errorf("sh after cancel: %v", err)
	}
}

func TestShTest(t *testing.T) {
	f := newFixture(t, nil)
	fn, err := f.call("sh-test", "echo hi; exit 2")
	if err != nil {
		t.Fatal(err)
	}
	b := fn.(*eval.Builtin)
	if b.Min != 0 || b.Max != 0 {
		t.Errorf("arity %d %d", b.Min, b.Max)
	}
	v, err := b.Fn(&eval.Call{In: eval.New(context.Background(), eval.Options{})}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*value.Map)
	if get(m, "pass") != false || get(m, "output") != "COMMAND: echo hi; exit 2\nEXIT: 2\nOUT: hi\n\nERR: " {
		t.Errorf("sh-test: %s", value.PrStr(m))
	}
}

func TestGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	gitEnv := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "HOME=" + f.root}
	for _, args := range [][]string{{"init", "-q"}, {"add", "a.txt"}, {"commit", "-q", "-m", "first"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = f.root, append(os.Environ(), gitEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	f.write("a.txt", "two\n")
	if got := f.ok("git", "status", "--short"); got != " M a.txt\n" {
		t.Errorf("status: %q", got)
	}
	if got := f.ok("git", "log", "--format=%s"); got != "first\n" {
		t.Errorf("log: %q", got)
	}
	if got := f.ok("git", "diff", "--stat"); !strings.Contains(got.(string), "a.txt") {
		t.Errorf("diff: %q", got)
	}
	if got := f.ok("git", "blame", "--porcelain", "HEAD", "--", "a.txt"); !strings.Contains(got.(string), "one") {
		t.Errorf("blame: %q", got)
	}
	f.misuse(`git subcommand not allowed: "push". Allowed: blame, diff, log, rev-parse, show, status`, "git", "push")
	for _, bad := range []string{"--output=x", "--output", "--outp=x", "--ext-diff", "--textconv", "-c", "-C",
		"--config-env=x", "--exec-path", "--git-dir=/", "--work-tree=/", "--no-index", "--contents"} {
		f.misuse("git flag not allowed", "git", "diff", bad)
	}
	f.misuse("git arguments must be strings", "git", "status", int64(1))
	if got := f.ok("git", "diff", "--text", "--no-color"); !strings.Contains(got.(string), "+two") {
		t.Errorf("diff --text: %q", got)
	}
}

// ---- hook ----

func TestHook(t *testing.T) {
	type rec struct {
		name string
		args []value.Value
	}
	var calls []rec
	replay := false
	f := newFixture(t, func(c *Config) {
		c.Hook = func(_ context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
			calls = append(calls, rec{name, args})
			if replay {
				return "recorded", nil
			}
			return run()
		}
	})
	f.write("a.txt", "x\n")
	f.ok("slurp", "a.txt")
	if _, err := f.call("cwd"); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].name != "io/slurp" || calls[1].name != "io/cwd" ||
		len(calls[0].args) != 1 || calls[0].args[0] != "a.txt" {
		t.Fatalf("calls %+v", calls)
	}
	replay = true
	v, err := f.call("write-file", "b.txt", "data")
	if err != nil || v != "recorded" {
		t.Fatalf("replayed = %v %v", v, err)
	}
	if _, err := os.Stat(filepath.Join(f.root, "b.txt")); err == nil {
		t.Error("replayed effect ran")
	}
	v, _ = f.call("sh", "touch ran")
	if v != "recorded" {
		t.Errorf("sh replay %v", v)
	}
	if _, err := os.Stat(filepath.Join(f.root, "ran")); err == nil {
		t.Error("replayed sh ran")
	}
	if len(calls) != 4 || calls[2].name != "io/write-file" || calls[3].name != "io/sh" || calls[3].args[0] != "touch ran" {
		t.Errorf("calls %+v", calls)
	}
}

// ---- watch-send ----

func TestWatchSend(t *testing.T) {
	got := make(chan value.Value, 2)
	f := newFixture(t, func(c *Config) {
		c.Send = func(handle value.Value) (func(value.Value) error, error) {
			if handle == "nobody" {
				return nil, errors.New("Unknown agent handle: :nobody")
			}
			if handle != "agent-1" {
				t.Errorf("handle %v", handle)
			}
			return func(body value.Value) error {
				got <- value.NewMap(value.Kw("from"), value.Kw("watch-send"), value.Kw("body"), body)
				return nil
			}, nil
		}
	})
	f.write("w/old.txt", "a")
	v, err := f.call("watch-send", "w", "agent-1", int64(5000))
	if err != nil || v != nil {
		t.Fatalf("watch-send = %v %v", v, err)
	}
	f.write("w/new.txt", "b")
	select {
	case msg := <-got:
		want := `{:from :watch-send, :body [{:kind :create, :name "new.txt"}]}`
		if value.PrStr(msg) != want {
			t.Errorf("message %s", value.PrStr(msg))
		}
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("no message")
	}
	// nothing on timeout
	if _, err := f.call("watch-send", "w", "agent-1", int64(200)); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		t.Errorf("unexpected message %s", value.PrStr(msg))
	case <-time.After(600 * time.Millisecond):
	}
	// failure is sent as {:error …}
	f.call("watch-send", "missing", "agent-1", int64(200))
	select {
	case msg := <-got:
		if !strings.Contains(value.PrStr(msg), ":error \"File not found: missing\"") {
			t.Errorf("failure message %s", value.PrStr(msg))
		}
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("no failure message")
	}
	// an unknown handle fails the call, and no watcher starts
	if _, err := f.call("watch-send", "w", "nobody", int64(200)); err == nil || !strings.Contains(err.Error(), "Unknown agent handle: :nobody") {
		t.Errorf("unknown handle: %v", err)
	}
	g := newFixture(t, nil)
	g.misuse("messaging is not available", "watch-send", ".", "h")
}

// ---- through the evaluator ----

type effects map[*value.Symbol]value.Value

func (e effects) Bindings() map[*value.Symbol]value.Value { return e }

func TestThroughEvaluator(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Subsets = Subsets{Read: true} })
	f.write("notes.txt", "a\nb\nc\nd\n")
	run := func(src string) (value.Value, error) {
		_, res, err := eval.RunProgram(context.Background(), "t", []byte(src), eval.Options{Effects: effects{value.Sym("io"): f.ns}})
		return res.Value, err
	}
	v, err := run(`(eval '(:out (io/read-lines "notes.txt" 2 4)))`)
	if err != nil {
		t.Fatal(err)
	}
	if vec, ok := v.(*value.Vector); !ok || vec.FirstLine != 2 || value.PrStr(vec) != `["b" "c"]` {
		t.Errorf("read-lines through eval: %s", value.PrStr(v))
	}
	v, err = run(`(eval '(:err (io/slurp "../etc/passwd")))`)
	if err != nil || v != "Path escapes the workspace root: ../etc/passwd" {
		t.Errorf("escape through eval: %v %v", v, err)
	}
	v, err = run(`(describe-fn io)`)
	if err == nil {
		if s, ok := v.(string); !ok || !strings.Contains(s, "IO") {
			t.Errorf("describe-fn io: %v", v)
		}
	}
	v, err = run(`(eval '(describe-fn io))`)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := v.(string); !ok || !strings.HasPrefix(s, "IO —") {
		t.Errorf("describe-fn io: %v", v)
	}
	v, err = run(`(eval '(describe-fn io :read-file))`)
	if s, ok := v.(string); err != nil || !ok || !strings.Contains(s, "numbered text") {
		t.Errorf("describe-fn io :read-file: %v %v", v, err)
	}
	_, err = run(`(eval '(io/write-file "x" "y"))`)
	if err == nil || !strings.Contains(err.Error(), "io/write-file") {
		t.Errorf("absent member: %v", err)
	}
	_, err = run(`(eval '(io/read-file "notes.txt" 1 2 3 4))`)
	if err == nil {
		t.Error("arity not checked")
	}
}

func TestAbsentReason(t *testing.T) {
	m, err := Namespace(Config{Root: t.TempDir(), Subsets: Subsets{Read: true}})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := AbsentReason(m, "write-file"); !ok || r != "write access is not granted to this agent" {
		t.Errorf("write-file: %q %v", r, ok)
	}
	if r, ok := AbsentReason(m, "sh"); !ok || r != "exec access is not granted to this agent" {
		t.Errorf("sh: %q %v", r, ok)
	}
	if _, ok := AbsentReason(m, "slurp"); ok {
		t.Error("granted member reported absent")
	}
	if _, ok := AbsentReason(m, "nope"); ok {
		t.Error("unknown member reported")
	}
	// A granted subset whose member the profile's :items left out.
	if _, ok := AbsentReason(m.Dissoc(value.Kw("grep")), "grep"); ok {
		t.Error("member left out by :items reported as not granted")
	}
}

// TestSharedTemp: io namespaces sharing a Temp (a run's agents) make no
// directory until one needs it (issue 11, start-up), then all use that
// one: a path another namespace's io/temp-file returned is allowed.
func TestSharedTemp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	shared := &Temp{}
	a := newFixture(t, func(c *Config) { c.TempDir, c.Temp = "", shared })
	b := newFixture(t, func(c *Config) { c.TempDir, c.Temp = "", shared })
	if d, _ := filepath.Glob(filepath.Join(tmp, "*")); len(d) != 0 || shared.Dir() != "" {
		t.Fatalf("opening io made %v (Dir %q)", d, shared.Dir())
	}
	p := a.ok("temp-file").(string)
	if dir := shared.Dir(); dir == "" || filepath.Dir(p) != dir || !strings.HasPrefix(dir, tmp) {
		t.Fatalf("temp-file %q, shared directory %q", p, dir)
	}
	b.ok("write-file", p, "from b")
	if got := a.ok("slurp", p); got != "from b" {
		t.Errorf("a reads %q", got)
	}
	if q := b.ok("temp-file").(string); filepath.Dir(q) != shared.Dir() {
		t.Errorf("b's temp-file %q is not in %s", q, shared.Dir())
	}
}

// TestCatalogedMembersImplemented: every io member of the catalogue has an
// implementation (Open used to check this at every run; issue 11,
// start-up).
func TestCatalogedMembersImplemented(t *testing.T) {
	for e := range catalog.Members("io") {
		if member(strings.TrimPrefix(e.Name, "io/")) == nil && e.Kind == catalog.EffectMember {
			t.Errorf("io: catalogued member %s has no implementation", e.Name)
		}
	}
}

// TestSpaceOpensRootOnUse: the workspace root is checked when the
// namespace opens and opened at the first path resolved in it, so a run
// whose program touches no file opens nothing (issue 11, start-up).
func TestSpaceOpensRootOnUse(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "a.txt"), []byte("a"), 0o644))
	s, err := newSpace(root, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.root != nil || s.rootAlts != nil {
		t.Fatalf("newSpace opened the root: %v %v", s.root, s.rootAlts)
	}
	l, err := s.resolve(filepath.Join(root, "a.txt"), true)
	if err != nil || l.rel != "a.txt" {
		t.Fatalf("resolve = %+v, %v; want a.txt", l, err)
	}
	if s.root == nil || len(s.rootAlts) == 0 {
		t.Fatal("resolve did not open the root")
	}
	file := filepath.Join(root, "a.txt")
	if _, err := Open(Config{Root: file, Subsets: all}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open with a file as root: err = %v, want the error at open", err)
	}
}
