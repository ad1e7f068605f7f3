package spellio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

var tmpSeq atomic.Int64

// writeAtomic replaces l's file with data through a temporary file in the
// same directory and a rename, keeping the mode of an existing file.
func writeAtomic(l loc, data []byte) error {
	dir := filepath.Dir(l.rel)
	if dir != "." {
		if err := l.r.MkdirAll(dir, 0o755); err != nil {
			return fsError(l, err, "Error writing file")
		}
	}
	mode := fs.FileMode(0o644)
	if fi, err := l.r.Stat(l.rel); err == nil {
		if fi.IsDir() {
			return failf("Error writing file: %s is a directory", l.arg)
		}
		mode = fi.Mode().Perm()
	}
	var f *os.File
	var tmp string
	for i := 0; ; i++ {
		tmp = filepath.Join(dir, fmt.Sprintf(".%s.spell-tmp-%d-%d", filepath.Base(l.rel), os.Getpid(), tmpSeq.Add(1)))
		var err error
		f, err = l.r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 10 {
			return fsError(l, err, "Error writing file")
		}
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(mode) // umask may have narrowed it
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = l.r.Rename(tmp, l.rel)
	}
	if werr != nil {
		_ = l.r.Remove(tmp)
		return fsError(l, werr, "Error writing file")
	}
	return nil
}

func (n *ns) writeFile(c *eval.Call, args []value.Value) (value.Value, error) {
	return n.write(args[0], args[1], false)
}

func (n *ns) spit(c *eval.Call, args []value.Value) (value.Value, error) {
	var optv value.Value
	if len(args) == 3 {
		optv = args[2]
	}
	opts, err := eval.OptionMap(optv, "append")
	if err != nil {
		return nil, err
	}
	app, err := optBool(opts, "append")
	if err != nil {
		return nil, err
	}
	return n.write(args[0], args[1], app)
}

func (n *ns) write(pv, cv value.Value, appendMode bool) (value.Value, error) {
	p, err := argPath(pv)
	if err != nil {
		return nil, err
	}
	content, err := argString("content", cv)
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		if !appendMode {
			if err := writeAtomic(l, []byte(content)); err != nil {
				return nil, err
			}
			return success(l.shown)
		}
		if err := appendFile(l, []byte(content)); err != nil {
			return nil, err
		}
		return success(l.shown)
	}())
}

// writeAppended writes the appended bytes (a test hook: it lets tests
// simulate a full disk part way through).
var writeAppended = func(f *os.File, b []byte) (int, error) { return f.Write(b) }

// appendFile appends data to l's file, creating it (and its parent
// directories) when absent. The append is all or nothing: when a write or
// the close fails (a full disk), the file is cut back to its original
// size, or removed when this call created it, so a failed append leaves no
// partial content behind. FIFOs, sockets and devices are refused (opening
// one could block).
func appendFile(l loc, data []byte) error {
	if dir := filepath.Dir(l.rel); dir != "." {
		if err := l.r.MkdirAll(dir, 0o755); err != nil {
			return fsError(l, err, "Error writing file")
		}
	}
	created := false
	f, err := l.r.OpenFile(l.rel, os.O_WRONLY|os.O_APPEND|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = l.r.OpenFile(l.rel, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
		created = err == nil
	}
	if err != nil {
		if errors.Is(err, syscall.ENXIO) { // a FIFO without a reader
			return failf("Error writing file: %s is not a regular file (a named pipe)", l.arg)
		}
		return fsError(l, err, "Error writing file")
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fsError(l, err, "Error writing file")
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		if fi.IsDir() {
			return failf("Error writing file: %s is a directory", l.arg)
		}
		return failf("Error writing file: %s is not a regular file (%s)", l.arg, kindOf(fi.Mode()))
	}
	orig := fi.Size()
	_, werr := writeAppended(f, data)
	if werr != nil {
		_ = f.Truncate(orig)
	}
	if cerr := f.Close(); werr == nil && cerr != nil {
		werr = cerr
		if g, err := l.r.OpenFile(l.rel, os.O_WRONLY, 0); err == nil {
			_ = g.Truncate(orig)
			g.Close()
		}
	}
	if werr != nil {
		if created {
			_ = l.r.Remove(l.rel)
		}
		return fsError(l, werr, "Error writing file")
	}
	return nil
}

// readForEdit reads a whole file that an edit will rewrite.
func readForEdit(l loc) ([]byte, error) {
	f, err := openRegular(l.r, l.rel)
	switch {
	case errors.Is(err, errIsDir):
		return nil, failf("Error reading file: %s is a directory", l.arg)
	case errors.Is(err, errNotRegular):
		return nil, failf("Error reading file: %s is %v", l.arg, err)
	case err != nil:
		return nil, fsError(l, err, "Error reading file")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fsError(l, err, "Error reading file")
	}
	if fi.Size() > maxOutput*4 {
		return nil, failf("Error reading file: %s is too large to edit (%d bytes)", l.arg, fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxOutput*4+1))
	if err != nil {
		return nil, fsError(l, err, "Error reading file")
	}
	if len(data) > maxOutput*4 {
		return nil, failf("Error reading file: %s is too large to edit", l.arg)
	}
	return data, nil
}

func (n *ns) strReplace(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	old, err := argString("old", args[1])
	if err != nil {
		return nil, err
	}
	repl, err := argString("new", args[2])
	if err != nil {
		return nil, err
	}
	var optv value.Value
	if len(args) == 4 {
		optv = args[3]
	}
	opts, err := eval.OptionMap(optv, "all")
	if err != nil {
		return nil, err
	}
	all, err := optBool(opts, "all")
	if err != nil {
		return nil, err
	}
	if old == "" {
		return nil, errors.New("old string must be non-empty")
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		data, err := readForEdit(l)
		if err != nil {
			return nil, err
		}
		cnt := bytes.Count(data, []byte(old))
		switch {
		case cnt == 0:
			return nil, failf("String not found in %s", p)
		case cnt > 1 && !all:
			return nil, failf("String appears %d times (must be unique); pass {:all true} to replace every occurrence", cnt)
		}
		out := bytes.ReplaceAll(data, []byte(old), []byte(repl))
		if err := writeAtomic(l, out); err != nil {
			return nil, err
		}
		return success(l.shown)
	}())
}

// lineEdit is one [start end content] edit of replace-lines.
type lineEdit struct {
	start, end int64
	content    string
}

func (n *ns) replaceLines(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	var edits []lineEdit
	if len(args) == 4 {
		e, err := parseEdit(args[1], args[2], args[3])
		if err != nil {
			return nil, err
		}
		edits = []lineEdit{e}
	} else {
		vec, ok := args[1].(*value.Vector)
		if !ok {
			if l, ok2 := args[1].(*value.List); ok2 {
				vec = value.NewVector(l.Slice())
			} else {
				return nil, fmt.Errorf("edits must be a vector of [start end content], got %s: %s", value.TypeName(args[1]), value.PrStr(args[1]))
			}
		}
		for _, ev := range vec.Slice() {
			ed, ok := ev.(*value.Vector)
			if !ok || ed.Count() != 3 {
				return nil, fmt.Errorf("each edit must be a vector [start end content], got %s", value.PrStr(ev))
			}
			it := ed.Slice()
			e, err := parseEdit(it[0], it[1], it[2])
			if err != nil {
				return nil, err
			}
			edits = append(edits, e)
		}
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		data, err := readForEdit(l)
		if err != nil {
			return nil, err
		}
		out, err := applyLineEdits(string(data), edits)
		if err != nil {
			return nil, err
		}
		if err := writeAtomic(l, []byte(out)); err != nil {
			return nil, err
		}
		return success(l.shown)
	}())
}

func parseEdit(s, e, content value.Value) (lineEdit, error) {
	var ed lineEdit
	var err error
	if ed.start, err = argInt("start", s); err != nil {
		return ed, err
	}
	if ed.end, err = argInt("end", e); err != nil {
		return ed, err
	}
	if content == nil {
		return ed, nil
	}
	if ed.content, err = argString("content", content); err != nil {
		return ed, err
	}
	return ed, nil
}

// applyLineEdits applies half-open 1-based edits referring to the original
// numbering, bottom-up. The final newline (or its absence) and a CRLF line
// ending style are preserved.
func applyLineEdits(text string, edits []lineEdit) (string, error) {
	eol := "\n"
	if i := strings.IndexByte(text, '\n'); i > 0 && text[i-1] == '\r' {
		eol = "\r\n"
	}
	finalNL := strings.HasSuffix(text, "\n")
	var lines []string
	if text != "" {
		body := strings.TrimSuffix(text, "\n")
		if eol == "\r\n" {
			body = strings.TrimSuffix(body, "\r")
		}
		lines = strings.Split(body, eol)
	}
	n := int64(len(lines))
	for _, e := range edits {
		if e.start < 1 || e.start > n+1 {
			return "", failf("Line range out of bounds: start %d must be in [1, %d] (the file has %d lines)", e.start, n+1, n)
		}
		if e.end < e.start || e.end > n+1 {
			return "", failf("Line range out of bounds: end %d must be in [%d, %d] (the file has %d lines)", e.end, e.start, n+1, n)
		}
	}
	sorted := append([]lineEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].start != sorted[j].start {
			return sorted[i].start < sorted[j].start
		}
		return sorted[i].end < sorted[j].end
	})
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.end > b.start || (a.start == b.start && a.start == a.end && b.start == b.end) ||
			(a.start == b.start && a.end > a.start) {
			return "", failf("Edits have overlapping line ranges")
		}
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		e := sorted[i]
		var repl []string
		if e.content != "" {
			body := strings.TrimSuffix(e.content, "\n")
			for _, s := range strings.Split(body, "\n") {
				repl = append(repl, strings.TrimSuffix(s, "\r"))
			}
		}
		next := make([]string, 0, len(lines)-int(e.end-e.start)+len(repl))
		next = append(next, lines[:e.start-1]...)
		next = append(next, repl...)
		next = append(next, lines[e.end-1:]...)
		lines = next
	}
	if len(lines) == 0 {
		return "", nil
	}
	out := strings.Join(lines, eol)
	if finalNL || (text == "" && len(edits) > 0 && strings.HasSuffix(edits[len(edits)-1].content, "\n")) {
		out += eol
	}
	return out, nil
}

func (n *ns) mkdir(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		if _, err := l.r.Lstat(l.rel); err == nil {
			return nil, failf("Already exists: %s", p)
		}
		if err := l.r.Mkdir(l.rel, 0o755); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, failf("Already exists: %s", p)
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil, failf("Error creating directory: parent of %s does not exist (use io/mkdirs)", p)
			}
			return nil, fsError(l, err, "Error creating directory")
		}
		return success(l.shown)
	}())
}

func (n *ns) mkdirs(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		if err := l.r.MkdirAll(l.rel, 0o755); err != nil {
			return nil, fsError(l, err, "Error creating directory")
		}
		return success(l.shown)
	}())
}

func (n *ns) delete(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, false)
		if err != nil {
			return nil, err
		}
		if l.rel == "." {
			return nil, failf("Cannot delete the workspace root: %s", p)
		}
		fi, err := l.r.Lstat(l.rel)
		if err != nil {
			return nil, fsError(l, err, "Error deleting")
		}
		if err := l.r.Remove(l.rel); err != nil {
			if fi.IsDir() {
				return nil, failf("Directory not empty: %s", p)
			}
			return nil, fsError(l, err, "Error deleting")
		}
		return success(l.shown)
	}())
}

func (n *ns) copyFile(c *eval.Call, args []value.Value) (value.Value, error) {
	return n.transfer(args, false)
}

func (n *ns) move(c *eval.Call, args []value.Value) (value.Value, error) {
	return n.transfer(args, true)
}

// transfer copies or moves src to dest, replacing an existing destination
// file and creating the destination's parent directories. Copy handles
// files; move also renames directories (within one root).
func (n *ns) transfer(args []value.Value, move bool) (value.Value, error) {
	sp, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	dp, err := argPath(args[1])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		src, err := n.resolve(sp, !move)
		if err != nil {
			return nil, err
		}
		dst, err := n.resolve(dp, true)
		if err != nil {
			return nil, err
		}
		sfi, err := src.r.Lstat(src.rel)
		if err == nil && !move && sfi.Mode()&fs.ModeSymlink != 0 {
			sfi, err = src.r.Stat(src.rel)
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, failf("Source not found: %s", sp)
			}
			return nil, fsError(src, err, "Error reading source")
		}
		if dfi, err := dst.r.Stat(dst.rel); err == nil && dfi.IsDir() {
			return nil, failf("Destination is a directory: %s", dp)
		}
		if !move && sfi.IsDir() {
			return nil, failf("Source is a directory: %s (io/copy copies files)", sp)
		}
		if move && src.r == dst.r {
			if dir := filepath.Dir(dst.rel); dir != "." {
				if err := dst.r.MkdirAll(dir, 0o755); err != nil {
					return nil, fsError(dst, err, "Error moving")
				}
			}
			if err := src.r.Rename(src.rel, dst.rel); err != nil {
				return nil, fsError(src, err, "Error moving")
			}
			return success(dst.shown)
		}
		if sfi.IsDir() {
			return nil, failf("Error moving: cannot move a directory between the workspace and the temp directory: %s", sp)
		}
		f, err := openRegular(src.r, src.rel)
		if errors.Is(err, errNotRegular) {
			return nil, failf("Error reading source: %s is %v", sp, err)
		}
		if err != nil {
			return nil, fsError(src, err, "Error reading source")
		}
		data, err := io.ReadAll(n.reader(f))
		f.Close()
		if err != nil {
			if errors.Is(err, errCancelled) {
				return nil, eval.Cancelled()
			}
			return nil, fsError(src, err, "Error reading source")
		}
		if err := writeAtomic(dst, data); err != nil {
			return nil, err
		}
		if _, err := dst.r.Stat(dst.rel); err == nil {
			_ = dst.r.Chmod(dst.rel, sfi.Mode().Perm())
		}
		if move {
			if err := src.r.Remove(src.rel); err != nil {
				return nil, fsError(src, err, "Error moving")
			}
		}
		return success(dst.shown)
	}())
}

func (n *ns) tempFile(c *eval.Call, args []value.Value) (value.Value, error) {
	prefix, suffix := "spell-", ".tmp"
	if len(args) == 2 {
		var err error
		if prefix, err = argString("prefix", args[0]); err != nil {
			return nil, err
		}
		if suffix, err = argString("suffix", args[1]); err != nil {
			return nil, err
		}
		if strings.ContainsAny(prefix+suffix, `/\`) {
			return nil, errors.New("prefix and suffix must not contain path separators")
		}
	}
	return asEnvelope(func() (value.Value, error) {
		r, dir, err := n.space.tempRoot()
		if err != nil {
			return nil, failf("%s", err.Error())
		}
		for i := 0; i < 100; i++ {
			name := prefix + strconv.FormatInt(int64(os.Getpid()), 36) + strconv.FormatInt(tmpSeq.Add(1), 36) + suffix
			f, err := r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return nil, failf("Error creating temp file: %s", stripPathError(err))
			}
			f.Close()
			return success(filepath.Join(dir, name))
		}
		return nil, failf("Error creating temp file: no free name")
	}())
}
