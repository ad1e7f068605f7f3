package spellio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/secret"
)

// ---- slurp ----

func (n *ns) slurp(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	data, truncated, err := n.readAll(p)
	if err != nil {
		return asEnvelope(nil, err)
	}
	if err := c.CheckBytes(len(data)); err != nil {
		return nil, err
	}
	return envelope(true, fixUTF8(string(data)), nil, truncated), nil
}

func (n *ns) slurpBytes(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	data, truncated, err := n.readAll(p)
	if err != nil {
		return asEnvelope(nil, err)
	}
	if err := c.CheckBytes(base64.StdEncoding.EncodedLen(len(data))); err != nil {
		return nil, err
	}
	out := value.NewMap(value.Kw("base64"), base64.StdEncoding.EncodeToString(data))
	return envelope(true, out, nil, truncated), nil
}

// readAll reads at most maxOutput bytes of a regular file.
func (n *ns) readAll(p string) ([]byte, bool, error) {
	f, _, err := n.openFile(p)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(n.reader(f), maxOutput+1))
	if err != nil {
		return nil, false, readError(err)
	}
	if len(data) > maxOutput {
		return data[:maxOutput], true, nil
	}
	return data, false, nil
}

// openFile opens a regular file for reading.
func (n *ns) openFile(p string) (*os.File, loc, error) {
	l, err := n.resolve(p, true)
	if err != nil {
		return nil, l, err
	}
	f, err := openRegular(l.r, l.rel)
	switch {
	case errors.Is(err, errIsDir):
		return nil, l, failf("Error reading file: %s is a directory", p)
	case errors.Is(err, errNotRegular):
		return nil, l, failf("Error reading file: %s is %v", p, err)
	case err != nil:
		return nil, l, fsErrorRead(l, err)
	}
	return f, l, nil
}

var (
	errIsDir = errors.New("is a directory")
	// errNotRegular is a FIFO, socket or device: reading one could block
	// forever or never end.
	errNotRegular = errors.New("not a regular file")
)

// openRegular opens rel in r for reading and returns it only when it is a
// regular file. The open does not block (a FIFO without a writer would
// hang an ordinary open); directories give errIsDir, FIFOs, sockets and
// devices an error wrapping errNotRegular.
func openRegular(r *os.Root, rel string) (*os.File, error) {
	f, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		return f, nil
	case m.IsDir():
		f.Close()
		return nil, errIsDir
	default:
		f.Close()
		return nil, fmt.Errorf("%w (%s)", errNotRegular, kindOf(m))
	}
}

// kindOf names a non-regular file type for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// reader makes reads of r stop with the run: every read first checks the
// call's context.
func (n *ns) reader(r io.Reader) io.Reader { return ctxReader{n.cfg.Ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, errCancelled
	}
	return c.r.Read(p)
}

var errCancelled = errors.New("cancelled")

// readError turns a read failure into the fatal Cancelled or an operation
// failure.
func readError(err error) error {
	if errors.Is(err, errCancelled) {
		return eval.Cancelled()
	}
	return failf("Error reading file: %s", stripPathError(err))
}

func fsErrorRead(l loc, err error) error { return fsError(l, err, "Error reading file") }

// ---- read-file / read-lines ----

// lineReq is a parsed line range with its options.
type lineReq struct {
	start, end           int64 // end 0: to the end of the file
	charStart, charEnd   int64 // -1: unset
	hasCharStart, hasEnd bool
}

// parseLineArgs reads (path), (path opts), (path start end) and
// (path start end opts); (path start) is accepted as start to the end.
func parseLineArgs(args []value.Value) (string, lineReq, error) {
	req := lineReq{start: 1, charStart: 0, charEnd: -1}
	p, err := argPath(args[0])
	if err != nil {
		return "", req, err
	}
	var optv value.Value
	rest := args[1:]
	switch len(rest) {
	case 1:
		if _, ok := rest[0].(*value.Map); ok || rest[0] == nil {
			optv = rest[0]
		} else {
			s, err := argInt("start", rest[0])
			if err != nil {
				return "", req, fmt.Errorf("expected an options map or a start line, got %s: %s", value.TypeName(rest[0]), value.PrStr(rest[0]))
			}
			req.start = s
		}
	case 2, 3:
		if rest[0] != nil {
			if req.start, err = argInt("start", rest[0]); err != nil {
				return "", req, err
			}
		}
		if rest[1] != nil {
			if req.end, err = argInt("end", rest[1]); err != nil {
				return "", req, err
			}
			req.hasEnd = true
		}
		if len(rest) == 3 {
			optv = rest[2]
		}
	}
	opts, err := eval.OptionMap(optv, "char-start", "char-end")
	if err != nil {
		return "", req, err
	}
	if v, ok := opts["char-start"]; ok && v != nil {
		if req.charStart, err = argInt(":char-start", v); err != nil {
			return "", req, err
		}
		if req.charStart < 0 {
			req.charStart = 0
		}
	}
	if v, ok := opts["char-end"]; ok && v != nil {
		if req.charEnd, err = argInt(":char-end", v); err != nil {
			return "", req, err
		}
		if req.charEnd < 0 {
			req.charEnd = 0
		}
	}
	if req.start < 1 {
		req.start = 1
	}
	if req.hasEnd && req.end < req.start {
		req.end = req.start
	}
	return p, req, nil
}

// window cuts the code-point window [charStart, charEnd) of a line.
func (r lineReq) window(line string) string {
	if r.charStart == 0 && r.charEnd < 0 {
		return line
	}
	cnt := int64(utf8.RuneCountInString(line))
	s, e := r.charStart, cnt
	if r.charEnd >= 0 && r.charEnd < e {
		e = r.charEnd
	}
	if s > cnt {
		s = cnt
	}
	if e < s {
		e = s
	}
	out, _ := value.StrSub(line, int(s), int(e))
	return out
}

// maxLine caps the bytes kept of one line: a longer line is cut (the rest
// is read and dropped), so a huge file without newlines costs bounded
// memory. Any line this long exceeds the output cap anyway.
const maxLine = maxOutput

// lineReader reads the lines of a stream with bounded memory; every chunk
// read checks the context (through ctxReader).
type lineReader struct {
	br  *bufio.Reader
	buf []byte
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line including its "\n" (none on the last line),
// at most max bytes of it when keep is set and none when not. cut reports
// a longer line: the rest of it is still unread (skipRest drops it). At
// the end it returns io.EOF with no line.
func (lr *lineReader) next(keep bool) (line []byte, cut bool, err error) {
	lr.buf = lr.buf[:0]
	got := false
	for {
		if keep {
			if room := lr.max - len(lr.buf); room < lr.br.Size() {
				// peek at most room bytes: the line may end within them
				if b, _ := lr.br.Peek(room + 1); len(b) > room && bytes.IndexByte(b[:room+1], '\n') < 0 {
					lr.buf = append(lr.buf, b[:room]...)
					_, _ = lr.br.Discard(room)
					return lr.buf, true, nil
				}
			}
		}
		chunk, rerr := lr.br.ReadSlice('\n')
		got = got || len(chunk) > 0
		if keep {
			lr.buf = append(lr.buf, chunk...)
		}
		switch {
		case rerr == nil:
			return lr.buf, cut, nil
		case errors.Is(rerr, bufio.ErrBufferFull):
			continue
		case rerr == io.EOF && got:
			return lr.buf, cut, nil
		default:
			return nil, false, rerr
		}
	}
}

// skipRest drops the unread rest of a cut line.
func (lr *lineReader) skipRest() error {
	_, _, err := lr.next(false)
	if err == io.EOF {
		return nil
	}
	return err
}

// cutRune drops a partial UTF-8 sequence at the end of a cut line.
func cutRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// selectLines streams a file and keeps the lines of req. It returns the
// lines, the number of the first line (start clamped to [1, n+1]) and
// whether the content cap dropped lines (or the line-length cap part of a
// selected line).
func (n *ns) selectLines(p string, req lineReq) ([]string, int64, bool, error) {
	f, _, err := n.openFile(p)
	if err != nil {
		return nil, 0, false, err
	}
	defer f.Close()
	lr := newLineReader(n.reader(f), maxLine)
	var lines []string
	var total int
	var lineNo int64
	truncated := false
	for !(req.hasEnd && lineNo+1 >= req.end) {
		keep := lineNo+1 >= req.start
		raw, cut, rerr := lr.next(keep)
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, 0, false, readError(rerr)
		}
		lineNo++
		if keep {
			if cut {
				raw = cutRune(raw)
			} else {
				raw = bytes.TrimSuffix(raw, []byte("\n"))
			}
			line := strings.TrimSuffix(string(raw), "\r")
			line = req.window(fixUTF8(line))
			total += len(line) + 1
			if total > maxOutput {
				truncated = true
				break
			}
			lines = append(lines, line)
			if cut && (req.charEnd < 0 || int64(utf8.RuneCountInString(line)) < req.charEnd-req.charStart) {
				// the window reaches into the dropped part of the line
				truncated = true
				break
			}
		}
		if cut {
			if err := lr.skipRest(); err != nil {
				return nil, 0, false, readError(err)
			}
		}
	}
	first := req.start
	if len(lines) == 0 && !truncated && first > lineNo+1 {
		first = lineNo + 1 // past the end: empty, numbered from n+1
	}
	return lines, first, truncated, nil
}

func (n *ns) readFile(c *eval.Call, args []value.Value) (value.Value, error) {
	p, req, err := parseLineArgs(args)
	if err != nil {
		return nil, err
	}
	lines, first, truncated, err := n.selectLines(p, req)
	if err != nil {
		return asEnvelope(nil, err)
	}
	text := numbered(lines, first)
	if err := c.CheckBytes(len(text)); err != nil {
		return nil, err
	}
	return envelope(true, text, nil, truncated), nil
}

// numbered renders lines as "N: line", numbers right-aligned to the width
// of the largest number.
func numbered(lines []string, first int64) string {
	if len(lines) == 0 {
		return ""
	}
	width := len(strconv.FormatInt(first+int64(len(lines))-1, 10))
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		num := strconv.FormatInt(first+int64(i), 10)
		b.WriteString(strings.Repeat(" ", width-len(num)))
		b.WriteString(num)
		b.WriteString(": ")
		b.WriteString(line)
	}
	return b.String()
}

func (n *ns) readLines(c *eval.Call, args []value.Value) (value.Value, error) {
	p, req, err := parseLineArgs(args)
	if err != nil {
		return nil, err
	}
	lines, first, truncated, err := n.selectLines(p, req)
	if err != nil {
		return asEnvelope(nil, err)
	}
	if err := c.CheckCount(len(lines)); err != nil {
		return nil, err
	}
	rows := make([]value.Value, len(lines))
	for i, l := range lines {
		rows[i] = l
	}
	vec := value.NewVector(rows).WithLines(first, nil)
	return envelope(true, vec, nil, truncated), nil
}

// ---- predicates, ls, cwd, stat ----

// rawResolve resolves a path for a member that returns a raw value: a
// violation is a (catchable) error.
func (n *ns) rawResolve(v value.Value) (loc, error) {
	p, err := argPath(v)
	if err != nil {
		return loc{}, err
	}
	l, err := n.space.resolve(p, true)
	if err != nil {
		return loc{}, err
	}
	return l, nil
}

func (n *ns) exists(c *eval.Call, args []value.Value) (value.Value, error) {
	l, err := n.rawResolve(args[0])
	if err != nil {
		return nil, err
	}
	_, err = l.r.Lstat(l.rel)
	if isEscape(err) {
		return nil, &escapeError{l.arg}
	}
	return err == nil, nil
}

func (n *ns) isDirectory(c *eval.Call, args []value.Value) (value.Value, error) {
	l, err := n.rawResolve(args[0])
	if err != nil {
		return nil, err
	}
	fi, err := l.r.Stat(l.rel)
	if isEscape(err) {
		return nil, &escapeError{l.arg}
	}
	return err == nil && fi.IsDir(), nil
}

func (n *ns) ls(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		fi, err := l.r.Stat(l.rel)
		if err != nil {
			return nil, fsError(l, err, "Error listing directory")
		}
		if !fi.IsDir() {
			return nil, failf("Not a directory: %s", p)
		}
		f, err := l.r.Open(l.rel)
		if err != nil {
			return nil, fsError(l, err, "Error listing directory")
		}
		defer f.Close()
		names, err := f.Readdirnames(-1)
		if err != nil {
			return nil, fsError(l, err, "Error listing directory")
		}
		if err := c.CheckCount(len(names)); err != nil {
			return nil, err
		}
		sort.Strings(names)
		out := make([]value.Value, len(names))
		for i, s := range names {
			out[i] = s
		}
		return success(value.NewVector(out))
	}())
}

func (n *ns) cwd(c *eval.Call, args []value.Value) (value.Value, error) {
	return n.space.rootDir, nil
}

func (n *ns) stat(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	return asEnvelope(func() (value.Value, error) {
		l, err := n.resolve(p, true)
		if err != nil {
			return nil, err
		}
		fi, err := l.r.Stat(l.rel)
		if err != nil {
			return nil, fsError(l, err, "Error reading file")
		}
		r, w, x := access(fi)
		return success(value.NewMap(
			value.Kw("size"), fi.Size(),
			value.Kw("modified"), fi.ModTime().UTC().Format(time.RFC3339),
			value.Kw("readable"), r,
			value.Kw("writable"), w,
			value.Kw("executable"), x,
			value.Kw("directory"), fi.IsDir()))
	}())
}

// access computes the permission flags of fi for the current process from
// its mode bits and owner (root may read and write anything and execute
// what has any execute bit).
func access(fi fs.FileInfo) (r, w, x bool) {
	mode := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return mode&0o444 != 0, mode&0o222 != 0, mode&0o111 != 0
	}
	uid := os.Geteuid()
	if uid == 0 {
		return true, true, mode&0o111 != 0 || fi.IsDir()
	}
	var shift uint
	switch {
	case int(st.Uid) == uid:
		shift = 6
	case inGroup(int(st.Gid)):
		shift = 3
	default:
		shift = 0
	}
	bits := (mode >> shift) & 7
	return bits&4 != 0, bits&2 != 0, bits&1 != 0
}

func inGroup(gid int) bool {
	if gid == os.Getegid() {
		return true
	}
	groups, err := os.Getgroups()
	if err != nil {
		return false
	}
	for _, g := range groups {
		if g == gid {
			return true
		}
	}
	return false
}

// ---- env ----

func (n *ns) env(c *eval.Call, args []value.Value) (value.Value, error) {
	envs := n.environ()
	if len(args) == 1 {
		name, err := argString("variable name", args[0])
		if err != nil {
			return nil, err
		}
		if IsSecret(name, n.cfg.EnvAllow) {
			return nil, nil
		}
		for i := len(envs) - 1; i >= 0; i-- {
			k, v, _ := strings.Cut(envs[i], "=")
			if k == name {
				return v, nil
			}
		}
		return nil, nil
	}
	filtered := FilterEnv(envs, n.cfg.EnvAllow)
	vals := map[string]string{}
	for _, kv := range filtered {
		k, v, _ := strings.Cut(kv, "=")
		vals[k] = v
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kvs := make([]value.Value, 0, 2*len(keys))
	for _, k := range keys {
		kvs = append(kvs, k, vals[k])
	}
	return value.NewMap(kvs...), nil
}

func (n *ns) environ() []string {
	if n.cfg.Environ != nil {
		return n.cfg.Environ
	}
	return secret.Environ()
}

// IsSecret reports whether an environment variable name is secret
// (effects.md §11.2, secret.IsName), minus the names of allow.
func IsSecret(name string, allow []string) bool {
	for _, a := range allow {
		if a == name {
			return false
		}
	}
	return secret.IsName(name)
}

// FilterEnv returns env ("K=V" entries) without the secret variables.
func FilterEnv(env []string, allow []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "" || IsSecret(k, allow) {
			continue
		}
		out = append(out, kv)
	}
	return out
}
