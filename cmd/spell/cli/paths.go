package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// displayPath is how a path appears in output: relative to the working
// directory, with forward slashes (tooling.md §9).
func displayPath(cwd, path string) string {
	abs := path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(cwd, abs)
	}
	if rel, err := filepath.Rel(cwd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// bareError drops Go's "open"/"stat" verb from a path error.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// walkSources visits one command-line argument of fmt and lint: a file
// (whatever its extension), or a directory walked for *.spl files
// (skipping .git, node_modules and other dot-directories). Failures go to
// onErr; the walk goes on.
func walkSources(p string, visit func(path string, fi fs.FileInfo), onErr func(path string, err error)) {
	fi, err := os.Stat(p)
	if err != nil {
		onErr(p, err)
		return
	}
	if !fi.IsDir() {
		visit(p, fi)
		return
	}
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			onErr(path, err)
			if d != nil && d.IsDir() && path != p {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != p && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".spl") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			onErr(path, err)
			return nil
		}
		visit(path, fi)
		return nil
	})
	if err != nil {
		onErr(p, err)
	}
}

// skipDir reports whether a directory met during a walk is left out.
func skipDir(name string) bool {
	return name == "node_modules" || strings.HasPrefix(name, ".")
}
