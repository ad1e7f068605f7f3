package spellio

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// Tests of issue 8 item 1 beyond path arguments: git's environment, a
// repository pointing outside the workspace, and a workspace that is a
// subdirectory of its repository.

// gitCmd runs git in dir for a test's setup and returns its output.
func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// secretRepo makes a repository outside the workspace with a committed
// secret.txt and returns its directory.
func secretRepo(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("s3cret-line\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("s3cret-a\n"), 0o644))
	gitCmd(t, dir, "init", "-q")
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-q", "-m", "s3cret-commit")
	return dir
}

func strs(args ...string) []value.Value {
	vals := make([]value.Value, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return vals
}

// noLeak requires a call that either fails or succeeds without printing
// anything of the secret.
func (f *fixture) noLeak(args ...string) {
	f.t.Helper()
	v, err := f.call("git", strs(args...)...)
	if err == nil && strings.Contains(value.PrStr(v), "s3cret") {
		f.t.Errorf("io/git %q read outside the workspace: %s", args, value.PrStr(v))
	}
}

// TestGitEnvironmentIgnored: GIT_DIR, GIT_WORK_TREE and configuration
// variables in spell's environment do not reach git.
func TestGitEnvironmentIgnored(t *testing.T) {
	outside := secretRepo(t)
	f := newFixture(t, func(c *Config) {
		c.Environ = append(os.Environ(), "GIT_DIR="+filepath.Join(outside, ".git"), "GIT_WORK_TREE="+outside,
			"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.worktree", "GIT_CONFIG_VALUE_0="+outside)
	})
	f.write("a.txt", "one\n")
	gitRepo(t, f)
	for _, args := range [][]string{
		{"show", "HEAD:secret.txt"},
		{"log", "-p"},
		{"show", "HEAD"},
		{"diff", "HEAD"},
		{"status"},
	} {
		f.noLeak(args...)
	}
	if got := f.ok("git", "log", "--format=%s"); got != "first\n" {
		t.Errorf("log reads another repository: %q", got)
	}
	if got := f.ok("git", "show", "HEAD:a.txt"); got != "one\n" {
		t.Errorf("show HEAD:a.txt: %q", got)
	}
}

// TestGitWorkTreeElsewhereRefused: a repository whose core.worktree points
// outside the workspace is refused.
func TestGitWorkTreeElsewhereRefused(t *testing.T) {
	outside := secretRepo(t)
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	gitRepo(t, f)
	gitCmd(t, f.root, "config", "core.worktree", outside)
	for _, args := range [][]string{{"diff"}, {"status"}, {"diff", "HEAD"}, {"log", "-p"}} {
		f.noLeak(args...)
		f.procFails("core.worktree points elsewhere", "s3cret", "git", strs(args...)...)
	}
}

// TestGitWorkTreeParentConfined: core.worktree naming a parent of the root
// makes git compare the index with files outside the workspace unless the
// call is confined to the root.
func TestGitWorkTreeParentConfined(t *testing.T) {
	parent, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	ws := filepath.Join(parent, "ws")
	must(t, os.MkdirAll(ws, 0o755))
	must(t, os.WriteFile(filepath.Join(ws, "secret.txt"), []byte("decoy\n"), 0o644))
	gitCmd(t, ws, "init", "-q")
	gitCmd(t, ws, "add", ".")
	gitCmd(t, ws, "commit", "-q", "-m", "decoy")
	must(t, os.Remove(filepath.Join(ws, "secret.txt")))
	must(t, os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("s3cret-outside\n"), 0o644))
	gitCmd(t, ws, "config", "core.worktree", parent)
	g := newFixture(t, func(c *Config) { c.Root = ws })
	for _, args := range [][]string{{"diff"}, {"diff", "HEAD"}, {"status"}, {"diff", "--", "."}} {
		g.noLeak(args...)
	}
}

// TestGitPlantedGitFileRefused: a ".git" file pointing at another
// repository is refused; a real linked worktree is not.
func TestGitPlantedGitFileRefused(t *testing.T) {
	outside := secretRepo(t)
	f := newFixture(t, nil)
	f.write(".git", "gitdir: "+filepath.Join(outside, ".git")+"\n")
	for _, args := range [][]string{{"show", "HEAD:secret.txt"}, {"log", "-p"}, {"diff", "HEAD"}, {"show", "HEAD"}} {
		f.noLeak(args...)
		f.procFails("does not belong to its work tree", "s3cret", "git", strs(args...)...)
	}

	// a git directory inside the workspace whose commondir file names
	// another repository's objects and refs
	h := newFixture(t, nil)
	h.write(".git", "gitdir: .fake\n")
	h.write(".fake/HEAD", "ref: "+gitCmd(t, outside, "symbolic-ref", "HEAD")+"\n")
	h.write(".fake/commondir", filepath.Join(outside, ".git")+"\n")
	h.write(".fake/gitdir", filepath.Join(h.root, ".git")+"\n")
	for _, args := range [][]string{{"show", "HEAD:secret.txt"}, {"log", "-p"}, {"show", "HEAD"}} {
		h.noLeak(args...)
	}

	// a linked worktree (its .git file points into the main repository)
	main := secretRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gitCmd(t, main, "worktree", "add", "-q", wt)
	g := newFixture(t, func(c *Config) { c.Root = wt })
	if got := g.ok("git", "log", "--format=%s"); got != "s3cret-commit\n" {
		t.Errorf("log in a linked worktree: %q", got)
	}
}

// TestGitSubdirectoryConfined: when the workspace root is a subdirectory
// of the repository, io/git shows only what lies inside it.
func TestGitSubdirectoryConfined(t *testing.T) {
	top := secretRepo(t)
	ws := filepath.Join(top, "ws")
	must(t, os.MkdirAll(ws, 0o755))
	must(t, os.WriteFile(filepath.Join(ws, "a.txt"), []byte("inside\n"), 0o644))
	gitCmd(t, top, "add", ".")
	gitCmd(t, top, "commit", "-q", "-m", "inside-commit")
	must(t, os.WriteFile(filepath.Join(top, "secret.txt"), []byte("s3cret-two\n"), 0o644))
	gitCmd(t, top, "commit", "-q", "-am", "second")
	blob := gitCmd(t, top, "rev-parse", "HEAD:secret.txt")
	tree := gitCmd(t, top, "rev-parse", "HEAD^{tree}")
	must(t, os.WriteFile(filepath.Join(top, "secret.txt"), []byte("s3cret-three\n"), 0o644))

	f := newFixture(t, func(c *Config) { c.Root = ws })
	for _, args := range [][]string{
		{"show", "HEAD:secret.txt"},
		{"show", "HEAD:../secret.txt"},
		{"show", "HEAD~1:a.txt"},
		{"show", ":secret.txt"},
		{"show", blob},
		{"show", tree},
		{"show", "HEAD"},
		{"show", "HEAD", "--"},
		{"log", "-p"},
		{"log", "-p", "--full-diff", "--", "a.txt"},
		{"log", "-p", "--", ":/secret.txt"},
		{"log", "-p", "--", ":(top)secret.txt"},
		{"log", "-L1,1:../secret.txt"},
		{"diff"},
		{"diff", "HEAD~2", "HEAD"},
		{"diff", "HEAD:secret.txt", "HEAD:ws/a.txt"},
		{"blame", "HEAD:secret.txt"},
		{"status"},
	} {
		f.noLeak(args...)
	}
	f.procFails("git object outside the workspace", "s3cret", "git", "show", "HEAD:secret.txt")
	f.procFails("git object outside the workspace", "s3cret", "git", "show", blob)
	f.procFails("git flag not allowed", "s3cret", "git", "log", "-p", "--full-diff", "--", "a.txt")

	// what lies inside still works
	if got := f.ok("git", "show", "HEAD:ws/a.txt"); got != "inside\n" {
		t.Errorf("show HEAD:ws/a.txt: %q", got)
	}
	if got := f.ok("git", "show", "HEAD:./a.txt"); got != "inside\n" {
		t.Errorf("show HEAD:./a.txt: %q", got)
	}
	if got := f.ok("git", "log", "--format=%s"); got != "inside-commit\n" {
		t.Errorf("log lists commits outside the workspace: %q", got)
	}
	if got := f.ok("git", "show", "--format=%s", "HEAD~1"); !strings.Contains(got.(string), "+inside") {
		t.Errorf("show HEAD~1: %q", got)
	}
	must(t, os.WriteFile(filepath.Join(ws, "a.txt"), []byte("changed\n"), 0o644))
	if got := f.ok("git", "diff"); !strings.Contains(got.(string), "+changed") {
		t.Errorf("diff: %q", got)
	}
	f.ok("git", "status", "--short")
}

// TestGitSubmoduleAccepted: a submodule's .git file points into the
// superproject's git directory, whose core.worktree names the submodule.
func TestGitSubmoduleAccepted(t *testing.T) {
	sub := secretRepo(t)
	super, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	gitCmd(t, super, "init", "-q")
	gitCmd(t, super, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "sub")
	f := newFixture(t, func(c *Config) { c.Root = filepath.Join(super, "sub") })
	if got := f.ok("git", "log", "--format=%s"); got != "s3cret-commit\n" {
		t.Errorf("log in a submodule: %q", got)
	}
}

// TestGitRunsNoSignatureProgram: a repository's gpg.program is not run by
// io/git log --show-signature (nor by a %G? format).
func TestGitRunsNoSignatureProgram(t *testing.T) {
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	gitRepo(t, f)
	dir := t.TempDir()
	signer := filepath.Join(dir, "sign")
	must(t, os.WriteFile(signer, []byte("#!/bin/sh\ncat >/dev/null\necho '[GNUPG:] SIG_CREATED ' >&2\necho '-----BEGIN PGP SIGNATURE-----'\necho x\necho '-----END PGP SIGNATURE-----'\n"), 0o755))
	gitCmd(t, f.root, "-c", "gpg.program="+signer, "-c", "user.signingkey=k", "commit", "-q", "-S", "--allow-empty", "-m", "signed")
	marker := filepath.Join(dir, "ran")
	verifier := filepath.Join(dir, "verify")
	must(t, os.WriteFile(verifier, []byte("#!/bin/sh\ntouch '"+marker+"'\n"), 0o755))
	gitCmd(t, f.root, "config", "gpg.program", verifier)
	f.call("git", "log", "--show-signature", "-1")
	f.call("git", "log", "--format=%G?", "-1")
	f.call("git", "show", "--show-signature")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("io/git ran the repository's gpg.program")
	}
}

// TestGitRunsNoFilter: a repository's clean filter (named in
// .gitattributes, defined in its configuration) is not run by io/git diff
// or status.
func TestGitRunsNoFilter(t *testing.T) {
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	f.write(".gitattributes", "* filter=evil\n")
	gitRepo(t, f)
	marker := filepath.Join(t.TempDir(), "ran")
	gitCmd(t, f.root, "config", "filter.evil.clean", "touch '"+marker+"'; cat")
	gitCmd(t, f.root, "config", "filter.ev.il.process", "touch '"+marker+"'")
	gitCmd(t, f.root, "config", "filter.evil.required", "true")
	f.write("a.txt", "two, longer\n")
	if got := f.ok("git", "diff"); !strings.Contains(got.(string), "+two, longer") {
		t.Errorf("diff: %q", got)
	}
	f.ok("git", "status", "--short")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("io/git ran the repository's clean filter")
	}
}

// TestGitObjectsElsewhereRefused: an object store borrowed from another
// repository (objects/info/alternates, a symbolic link) is refused: any
// of its objects could be shown by id.
func TestGitObjectsElsewhereRefused(t *testing.T) {
	outside := secretRepo(t)
	blob := gitCmd(t, outside, "rev-parse", "HEAD:secret.txt")
	f := newFixture(t, nil)
	f.write("a.txt", "one\n")
	gitRepo(t, f)
	f.write(".git/objects/info/alternates", filepath.Join(outside, ".git", "objects")+"\n")
	f.noLeak("show", blob)
	f.procFails("object store reaches outside the workspace", "s3cret", "git", "show", blob)

	g := newFixture(t, nil)
	g.write("a.txt", "one\n")
	gitRepo(t, g)
	must(t, os.RemoveAll(filepath.Join(g.root, ".git", "objects")))
	must(t, os.Symlink(filepath.Join(outside, ".git", "objects"), filepath.Join(g.root, ".git", "objects")))
	g.noLeak("show", blob)
	g.procFails("object store reaches outside the workspace", "s3cret", "git", "show", blob)
}

// TestGitRunsNoSubmoduleFilter: a submodule's own clean filter is not run
// by io/git diff or status in the superproject.
func TestGitRunsNoSubmoduleFilter(t *testing.T) {
	sub, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	must(t, os.WriteFile(filepath.Join(sub, ".gitattributes"), []byte("* filter=evil\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(sub, "a.txt"), []byte("one\n"), 0o644))
	gitCmd(t, sub, "init", "-q")
	gitCmd(t, sub, "add", ".")
	gitCmd(t, sub, "commit", "-q", "-m", "sub")
	f := newFixture(t, nil)
	f.write("b.txt", "b\n")
	gitRepo(t, f)
	gitCmd(t, f.root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "sub")
	gitCmd(t, f.root, "commit", "-q", "-m", "with sub")
	marker := filepath.Join(t.TempDir(), "ran")
	gitCmd(t, filepath.Join(f.root, "sub"), "config", "filter.evil.clean", "touch '"+marker+"'; cat")
	f.write("sub/a.txt", "two, longer\n")
	f.call("git", "diff")
	f.call("git", "status")
	f.call("git", "diff", "--submodule=diff")
	f.call("git", "status", "--ignore-submodules=none")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("io/git ran a submodule's clean filter")
	}
	for _, flag := range []string{"--ignore-submodules=none", "--ignore-sub=dirty"} {
		if _, err := f.call("git", "status", flag); err == nil {
			t.Errorf("status %s is allowed", flag)
		}
	}
	if _, err := f.call("git", "diff", "--submodule=diff"); err == nil {
		t.Error("diff --submodule=diff is allowed")
	}
	f.ok("git", "status", "--ignore-submodules")
}
