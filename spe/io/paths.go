package spellio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// space is the set of allowed locations: the workspace root and the run's
// private temp directory, each opened once as an os.Root. Every file
// operation goes through one of the two roots (effects.md §1.2, §11.1).
// The workspace root is checked when the namespace opens and opened at
// the first path resolved in it: a run whose program touches no file
// opens nothing (issue 11, start-up).
type space struct {
	rootDir  string // absolute, cleaned
	rootOnce sync.Once
	rootAlts []string // rootDir and its symlink-free form, once opened
	root     *os.Root
	rootErr  error

	tmpMu   sync.Mutex
	tmpDir  string // configured or created on first use
	tmpAlts []string
	tmp     *os.Root
	shared  *Temp // when set and tmp is nil: the run's temp directory, opened once created
}

// Temp is a run's private temp directory shared by its io namespaces
// (Config.Temp), created on the first use by any of them: a run that
// never uses it makes no directory (issue 11, start-up).
type Temp struct {
	mu  sync.Mutex
	dir string
}

// path returns the directory, creating it on first use.
func (t *Temp) path() (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dir == "" {
		d, err := os.MkdirTemp("", "spell-run-")
		if err != nil {
			return "", err
		}
		t.dir = d
	}
	return t.dir, nil
}

// Dir returns the directory, "" when no io namespace created it.
func (t *Temp) Dir() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dir
}

func newSpace(rootDir, tmpDir string, shared *Temp) (*space, error) {
	rootDir = filepath.Clean(rootDir)
	fi, err := os.Stat(rootDir)
	if err != nil {
		return nil, fmt.Errorf("io: workspace root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("io: workspace root is not a directory: %s", rootDir)
	}
	s := &space{rootDir: rootDir}
	if tmpDir == "" {
		s.shared = shared
	} else {
		if !filepath.IsAbs(tmpDir) {
			return nil, fmt.Errorf("io: temp directory must be absolute, got %q", tmpDir)
		}
		if err := s.openTemp(filepath.Clean(tmpDir)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// openRoot opens the workspace root on first use.
func (s *space) openRoot() (*os.Root, []string, error) {
	s.rootOnce.Do(func() {
		r, err := os.OpenRoot(s.rootDir)
		if err != nil {
			s.rootErr = fmt.Errorf("io: workspace root: %w", err)
			return
		}
		s.root, s.rootAlts = r, alternatives(s.rootDir)
	})
	return s.root, s.rootAlts, s.rootErr
}

// alternatives returns dir and, when different, its symlink-resolved form
// (so absolute paths spelled either way are recognised).
func alternatives(dir string) []string {
	out := []string{dir}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		out = append(out, real)
	}
	return out
}

func (s *space) openTemp(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("io: temp directory: %w", err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("io: temp directory: %w", err)
	}
	s.tmpDir, s.tmpAlts, s.tmp = dir, alternatives(dir), r
	return nil
}

// tempRoot returns the temp directory, creating it on first use.
func (s *space) tempRoot() (*os.Root, string, error) {
	s.tmpMu.Lock()
	defer s.tmpMu.Unlock()
	if s.tmp == nil {
		var dir string
		var err error
		if s.shared != nil {
			dir, err = s.shared.path()
		} else {
			dir, err = os.MkdirTemp("", "spell-run-")
		}
		if err != nil {
			return nil, "", fmt.Errorf("io: temp directory: %w", err)
		}
		if err := s.openTemp(dir); err != nil {
			return nil, "", err
		}
	}
	return s.tmp, s.tmpDir, nil
}

// tempState returns the temp directory when it exists: this space's, or
// the shared one another namespace created (opened here then).
func (s *space) tempState() (*os.Root, string, []string) {
	s.tmpMu.Lock()
	defer s.tmpMu.Unlock()
	if s.tmp == nil && s.shared != nil {
		if dir := s.shared.Dir(); dir != "" {
			_ = s.openTemp(dir) // on failure: no temp directory, as before it exists
		}
	}
	return s.tmp, s.tmpDir, s.tmpAlts
}

// loc is a resolved location: a root and a clean relative path in it.
type loc struct {
	r     *os.Root
	rel   string // OS-separated, clean, "." for the root itself
	base  string // absolute directory of r
	arg   string // the path as the program wrote it
	shown string // the path for results: workspace-relative with "/", or absolute in the temp dir
	temp  bool
}

// abs returns the absolute OS path of l (for processes and messages).
func (l loc) abs() string { return filepath.Join(l.base, l.rel) }

// escapeError is a confinement violation.
type escapeError struct{ path string }

func (e *escapeError) Error() string { return "Path escapes the workspace root: " + e.path }

// resolve maps a program path to a location. Relative paths are resolved
// against the workspace root, absolute paths must lie inside the root or the
// temp directory, ".." may not climb out, and symlinks are resolved
// component by component and must stay inside (absolute link targets are
// accepted when they point inside). When followLast is false the final
// component is not resolved when it is a symlink (delete, move, lstat).
func (s *space) resolve(p string, followLast bool) (loc, error) {
	root, rootAlts, err := s.openRoot()
	if err != nil {
		return loc{}, err
	}
	l := loc{arg: p, r: root, base: s.rootDir}
	alts := rootAlts
	var rel string
	if filepath.IsAbs(p) {
		c := filepath.Clean(p)
		if r, ok := within(c, rootAlts); ok {
			rel = r
		} else if tr, tdir, talts := s.tempState(); tr != nil {
			if r, ok := within(c, talts); ok {
				rel, l.r, l.base, l.temp, alts = r, tr, tdir, true, talts
			}
		}
		if l.r == root && rel == "" {
			return loc{}, &escapeError{p}
		}
	} else {
		rel = filepath.Clean(p)
		if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return loc{}, &escapeError{p}
		}
	}
	resolved, err := walkLinks(l.r, alts, rel, followLast)
	if err != nil {
		if errors.Is(err, errEscape) {
			return loc{}, &escapeError{p}
		}
		return loc{}, err
	}
	l.rel = resolved
	if l.temp {
		l.shown = filepath.Join(l.base, rel)
	} else {
		l.shown = filepath.ToSlash(rel)
	}
	return l, nil
}

// within reports whether the clean absolute path p lies in one of dirs and
// returns it relative to that dir.
func within(p string, dirs []string) (string, bool) {
	for _, d := range dirs {
		if p == d {
			return ".", true
		}
		prefix := d
		if !strings.HasSuffix(prefix, string(filepath.Separator)) {
			prefix += string(filepath.Separator)
		}
		if strings.HasPrefix(p, prefix) {
			return p[len(prefix):], true
		}
	}
	return "", false
}

var errEscape = errors.New("escape")

const maxLinks = 40

// walkLinks resolves the symlinks of rel inside r and returns the clean
// symlink-free relative path (components that do not exist are kept
// lexically). A resolution leaving the root yields errEscape.
func walkLinks(r *os.Root, rootAlts []string, rel string, followLast bool) (string, error) {
	var done []string
	comps := splitPath(rel)
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		if c == ".." {
			if len(done) == 0 {
				return "", errEscape
			}
			done = done[:len(done)-1]
			continue
		}
		cand := filepath.Join(append(append([]string{}, done...), c)...)
		if len(comps) == 0 && !followLast {
			done = append(done, c)
			break
		}
		fi, err := r.Lstat(cand)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			if err != nil && isEscape(err) {
				return "", errEscape
			}
			done = append(done, c)
			continue
		}
		links++
		if links > maxLinks {
			return "", fmt.Errorf("too many levels of symbolic links: %s", cand)
		}
		target, err := r.Readlink(cand)
		if err != nil {
			if isEscape(err) {
				return "", errEscape
			}
			return "", err
		}
		var next []string
		if filepath.IsAbs(target) {
			t, ok := within(filepath.Clean(target), rootAlts)
			if !ok {
				return "", errEscape
			}
			done = nil
			next = splitPath(t)
		} else {
			next = splitPath(filepath.Clean(target))
		}
		comps = append(next, comps...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return filepath.Join(done...), nil
}

func splitPath(p string) []string {
	if p == "." || p == "" {
		return nil
	}
	var out []string
	for _, c := range strings.Split(p, string(filepath.Separator)) {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// isEscape recognises os.Root's refusal of a path leaving the root.
func isEscape(err error) bool {
	esc := rootEscape()
	return err != nil && esc != nil && errors.Is(err, esc)
}

// rootEscape is the error os.Root gives for a path that leaves the root.
// The os package does not export it, so it is taken once, by identity, from
// a root asked for "..", which is refused before any file is touched.
func rootEscape() error {
	rootEscapeOnce.Do(func() {
		for _, dir := range []string{os.TempDir(), string(filepath.Separator), "."} {
			r, err := os.OpenRoot(dir)
			if err != nil {
				continue
			}
			_, err = r.Lstat("..")
			r.Close()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				rootEscapeErr = pe.Err
				return
			}
		}
	})
	return rootEscapeErr
}

// Taken on first use (sync.Once; a sync.OnceValue called at package
// level would be work at every start of spell).
var (
	rootEscapeOnce sync.Once
	rootEscapeErr  error
)

// fsError turns an os error of an operation on l into an operation failure
// with the spec's wording.
func fsError(l loc, err error, what string) error {
	switch {
	case isEscape(err):
		return &failure{msg: (&escapeError{l.arg}).Error()}
	case errors.Is(err, fs.ErrNotExist):
		return failf("File not found: %s", l.arg)
	}
	return failf("%s: %s", what, stripPathError(err))
}

// stripPathError drops the absolute path of *fs.PathError details so
// messages name program paths only.
func stripPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + " " + pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// resolveOrFail resolves p, turning a confinement violation into an
// operation failure.
func (n *ns) resolve(p string, followLast bool) (loc, error) {
	l, err := n.space.resolve(p, followLast)
	if err != nil {
		var e *escapeError
		if errors.As(err, &e) {
			return loc{}, &failure{msg: e.Error()}
		}
		return loc{}, &failure{msg: err.Error()}
	}
	return l, nil
}
