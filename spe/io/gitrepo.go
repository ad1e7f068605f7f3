package spellio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spell-go/spell/eval/value"
)

// The repository io/git reads must be the workspace's (issue 8): git's
// environment, the repository's own configuration and the place of the
// workspace inside the work tree must not let it read files outside the
// workspace root.

// gitEnv is the whole environment of a git process: the filtered
// environment without any GIT_* variable (GIT_DIR, GIT_WORK_TREE,
// GIT_CONFIG_*, GIT_EXTERNAL_DIFF … would point git elsewhere or run
// programs), plus fixed settings. System and global configuration stay
// (the user's own files, outside the workspace, holding e.g.
// safe.directory). literal makes every pathspec literal (no ":(top)" or
// ":/" magic), used when the workspace is a subdirectory of the work tree.
func (n *ns) gitEnv(literal bool) []string {
	var env []string
	for _, kv := range FilterEnv(n.environ(), n.cfg.EnvAllow) {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "GIT_OPTIONAL_LOCKS=0")
	if literal {
		env = append(env, "GIT_LITERAL_PATHSPECS=1")
	}
	return env
}

// gitWhere is where git finds its repository from the workspace root.
type gitWhere struct {
	found  bool   // git found a repository
	prefix string // the root relative to the work tree's top level, "" or "dir/"
	fail   string // a refusal: the repository reaches outside the workspace
}

// gitLocate asks git which work tree and git directory it uses from the
// root and refuses one that reaches outside the workspace: the work tree
// (a repository's core.worktree may point anywhere) must be the root or
// contain it, and the git and common directories must lie inside the
// work tree or name this work tree as their own (a linked worktree's
// gitdir file, a submodule's core.worktree) — a planted ".git" or
// commondir file pointing at another repository is refused.
func (n *ns) gitLocate(o procOpts, env []string) (gitWhere, error) {
	probe := append(append([]string{"git"}, gitSafety...), "rev-parse",
		"--is-inside-work-tree", "--path-format=absolute", "--git-dir", "--git-common-dir", "--show-toplevel")
	res, err := n.runFull(probe, o, env)
	if err != nil {
		return gitWhere{}, err
	}
	m := res.(*value.Map)
	if ok, _ := m.Get(value.Kw("ok")); ok != true {
		return gitWhere{}, nil // no repository: git says so itself
	}
	out, _ := m.Get(value.Kw("out"))
	lines := strings.Split(strings.TrimSuffix(value.Str(out), "\n"), "\n")
	if len(lines) < 4 || lines[0] != "true" {
		return gitWhere{fail: "The workspace root is not inside a git work tree (the repository's core.worktree points elsewhere): io/git is refused"}, nil
	}
	gitDir, common, top := realPath(lines[1]), realPath(lines[2]), realPath(lines[3])
	root := realPath(n.space.rootDir)
	rel, ok := inside(root, top)
	if !ok {
		return gitWhere{fail: fmt.Sprintf("The git work tree %s lies outside the workspace root (the repository's core.worktree points elsewhere): io/git is refused", top)}, nil
	}
	if !n.gitDirsBelong(gitDir, common, top, o, env) {
		return gitWhere{fail: fmt.Sprintf("The git directory %s lies outside the workspace and does not belong to its work tree (a .git file points elsewhere): io/git is refused", gitDir)}, nil
	}
	if _, in := inside(common, top); in && !objectsInside(filepath.Join(common, "objects"), top, 0) {
		return gitWhere{fail: "The repository's object store reaches outside the workspace (a symbolic link or objects/info/alternates names another directory): io/git is refused"}, nil
	}
	r := gitWhere{found: true}
	if rel != "." {
		r.prefix = filepath.ToSlash(rel) + "/"
	}
	return r, nil
}

// gitDirsBelong reports whether the git directory and the common directory
// (objects and refs) are the work tree's own: both inside it, or a git
// directory that names top as its work tree and is the common directory
// or one of its linked worktrees. A planted commondir file pointing at
// another repository fails both.
func (n *ns) gitDirsBelong(gitDir, common, top string, o procOpts, env []string) bool {
	_, gitIn := inside(gitDir, top)
	_, commonIn := inside(common, top)
	if gitIn && commonIn {
		return true
	}
	if !n.gitDirOwns(gitDir, top, o, env) {
		return false
	}
	_, linked := inside(gitDir, filepath.Join(common, "worktrees"))
	return gitDir == common || linked
}

// gitDirOwns reports whether a git directory outside the work tree names
// top as its work tree: a linked worktree's "gitdir" file points at
// top/.git, a submodule's core.worktree at top.
func (n *ns) gitDirOwns(gitDir, top string, o procOpts, env []string) bool {
	if b, err := os.ReadFile(filepath.Join(gitDir, "gitdir")); err == nil {
		p := strings.TrimSpace(string(b))
		if !filepath.IsAbs(p) {
			p = filepath.Join(gitDir, p)
		}
		if realPath(p) == filepath.Join(top, ".git") {
			return true
		}
	}
	res, err := n.runFull([]string{"git", "config", "--file", filepath.Join(gitDir, "config"), "--get", "core.worktree"}, o, env)
	if err != nil {
		return false
	}
	m := res.(*value.Map)
	if ok, _ := m.Get(value.Kw("ok")); ok != true {
		return false
	}
	out, _ := m.Get(value.Kw("out"))
	p := strings.TrimSpace(value.Str(out))
	if !filepath.IsAbs(p) {
		p = filepath.Join(gitDir, p)
	}
	return realPath(p) == top
}

// gitSubdirRefused are flags that show files outside the pathspec: refused
// when the workspace is a subdirectory of the work tree.
var gitSubdirRefused = []string{"--full-diff", "--pickaxe-all", "--follow", "--pathspec-from-file"}

// gitSubdir confines a call to the workspace when the root is a
// subdirectory (prefix) of the work tree: a pathspec limits diffs, logs
// and status to the root ("-- ." when the call names no path), flags that
// show more than the pathspec are refused, and every revision argument
// must name a commit (or tag of one) or a REV:path inside the root — a
// blob or tree elsewhere in the repository, REV:../x or a blob's id, is
// refused.
func (n *ns) gitSubdir(sub string, args []string, prefix string, o procOpts, env []string) ([]string, error) {
	sep := len(args)
	var revs []string
	for i, a := range args {
		if a == "--" {
			sep = i
			break
		}
		if strings.HasPrefix(a, "--") {
			name, _, _ := strings.Cut(a, "=")
			for _, l := range gitSubdirRefused {
				if name == l || (len(name) > 4 && strings.HasPrefix(l, name)) {
					return nil, &failure{msg: fmt.Sprintf("git flag not allowed: %q (%s shows files outside the workspace, a subdirectory of the repository)", a, l)}
				}
			}
			continue
		}
		if strings.HasPrefix(a, "-") || sub == "status" {
			continue
		}
		if strings.Count(a, ":") == 1 && !strings.Contains(a, "{") {
			if _, p, _ := strings.Cut(a, ":"); gitInPrefix(p, prefix) {
				continue
			}
		}
		revs = append(revs, a)
	}
	if len(revs) > 0 {
		refused := &failure{msg: fmt.Sprintf("git object outside the workspace: the workspace is the subdirectory %s of the repository, so only commits and REV:path names inside it are allowed (got %s)", prefix, strings.Join(revs, " "))}
		res, err := n.runFull(append(append(append([]string{"git"}, gitSafety...), "rev-parse", "--revs-only"), revs...), o, env)
		if err != nil {
			return nil, err
		}
		m := res.(*value.Map)
		if ok, _ := m.Get(value.Kw("ok")); ok != true {
			return nil, refused
		}
		out, _ := m.Get(value.Kw("out"))
		var commits []string
		for _, l := range strings.Fields(value.Str(out)) {
			commits = append(commits, strings.TrimPrefix(l, "^")+"^{commit}")
		}
		if len(commits) > 0 {
			res, err := n.runFull(append(append(append([]string{"git"}, gitSafety...), "rev-parse"), commits...), o, env)
			if err != nil {
				return nil, err
			}
			if ok, _ := res.(*value.Map).Get(value.Kw("ok")); ok != true {
				return nil, refused
			}
		}
	}
	out := append([]string{}, args...)
	switch {
	case sep == len(args):
		out = append(out, "--", ".")
	case sep == len(args)-1:
		out = append(out, ".")
	}
	return out, nil
}

// gitInPrefix reports whether the path of a REV:path name lies inside the
// root: relative to the top level, or to the root when it starts with
// "./" or "../" (git's rule).
func gitInPrefix(p, prefix string) bool {
	if p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
		p = prefix + p
	}
	c := filepath.ToSlash(filepath.Clean(p))
	return c+"/" == prefix || strings.HasPrefix(c, prefix)
}

// inside reports whether p is dir or lies under it, with p relative to dir.
func inside(p, dir string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// realPath is p without symbolic links (p itself when that fails).
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// gitFiltersOff returns "-c" overrides that empty every configured
// clean/smudge/process filter: git diff and status would run a
// repository's filter.<driver>.clean on work tree files (a program named
// by the repository's own configuration).
func (n *ns) gitFiltersOff(o procOpts, env []string) ([]string, error) {
	res, err := n.runFull(append(append([]string{"git"}, gitSafety...), "config", "-z", "--get-regexp", `^filter\.`), o, env)
	if err != nil {
		return nil, err
	}
	m := res.(*value.Map)
	if ok, _ := m.Get(value.Kw("ok")); ok != true {
		return nil, nil // none configured (or no configuration at all)
	}
	out, _ := m.Get(value.Kw("out"))
	seen := map[string]bool{}
	var args []string
	for _, entry := range strings.Split(value.Str(out), "\x00") {
		key, _, _ := strings.Cut(entry, "\n")
		i := strings.LastIndex(key, ".")
		if !strings.HasPrefix(key, "filter.") || i <= len("filter.") {
			continue
		}
		name := key[len("filter."):i]
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, v := range []string{"clean", "smudge", "process"} {
			args = append(args, "-c", "filter."+name+"."+v+"=")
		}
		args = append(args, "-c", "filter."+name+".required=false")
	}
	return args, nil
}

// objectsInside reports whether an object directory and every alternate it
// names (objects/info/alternates, recursively as git follows them) lie
// inside top. A quoted entry is refused rather than unquoted.
func objectsInside(objects, top string, depth int) bool {
	if _, in := inside(realPath(objects), top); !in || depth > 5 {
		return false
	}
	b, err := os.ReadFile(filepath.Join(objects, "info", "alternates"))
	if err != nil {
		return !errors.Is(err, fs.ErrPermission)
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "\"") {
			return false
		}
		if !filepath.IsAbs(l) {
			l = filepath.Join(objects, l)
		}
		if !objectsInside(l, top, depth+1) {
			return false
		}
	}
	return true
}

// gitSubmoduleRecursion reports a flag that makes git run inside
// submodules (git diff or status in a submodule runs the filters of its
// own configuration, which gitFiltersOff does not see): submodules are
// ignored (diff.ignoreSubmodules=all) and only --ignore-submodules[=all]
// may be given.
func gitSubmoduleRecursion(a string) bool {
	name, v, hasV := strings.Cut(a, "=")
	if len(name) > len("--ig") && strings.HasPrefix("--ignore-submodules", name) {
		return hasV && v != "all"
	}
	return name == "--submodule" && v == "diff"
}
