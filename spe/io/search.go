package spellio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// walkEntry is one path found under a search root.
type walkEntry struct {
	rel   string // OS path relative to the root of the location
	sub   string // slash path relative to the starting directory
	depth int
	dir   bool
	// special: a FIFO, socket or device (never read: it could block)
	special bool
}

// walk lists the entries below l (a directory) in lexical order, skipping
// .git, symlinks whose target leaves the root and (to avoid cycles) not
// descending into symlinked directories. maxDepth < 0 means unlimited.
func (n *ns) walk(l loc, maxDepth int, visit func(walkEntry) error) error {
	var rec func(rel, sub string, depth int) error
	rec = func(rel, sub string, depth int) error {
		if err := n.cfg.Ctx.Err(); err != nil {
			return eval.Cancelled()
		}
		f, err := l.r.Open(rel)
		if err != nil {
			return nil // unreadable directory: skipped, like find/grep with a warning
		}
		entries, err := f.ReadDir(-1)
		f.Close()
		if err != nil && len(entries) == 0 {
			return nil
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			name := e.Name()
			if name == ".git" {
				continue
			}
			erel := filepath.Join(rel, name)
			esub := path.Join(sub, name)
			isDir := e.IsDir()
			mode := e.Type()
			link := mode&fs.ModeSymlink != 0
			if link {
				if _, err := walkLinks(l.r, n.altsOf(l), erel, true); err != nil {
					continue // leaves the root (or is broken beyond repair)
				}
				fi, err := l.r.Stat(erel)
				if err != nil {
					continue
				}
				isDir, mode = fi.IsDir(), fi.Mode().Type()
			}
			special := !isDir && mode&(fs.ModeNamedPipe|fs.ModeSocket|fs.ModeDevice|fs.ModeCharDevice|fs.ModeIrregular) != 0
			we := walkEntry{rel: erel, sub: esub, depth: depth + 1, dir: isDir, special: special}
			if err := visit(we); err != nil {
				return err
			}
			if isDir && !link && (maxDepth < 0 || depth+1 < maxDepth) {
				if err := rec(erel, esub, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return rec(l.rel, "", 0)
}

func (n *ns) altsOf(l loc) []string {
	if l.temp {
		_, _, alts := n.space.tempState()
		return alts
	}
	_, alts, _ := n.space.openRoot() // l was resolved in it
	return alts
}

// fnmatch matches a find -name style pattern (also accepting [!…] for a
// negated class) against a base name.
func fnmatch(pattern, name string) (bool, error) {
	return path.Match(translateClass(pattern), name)
}

func translateClass(p string) string {
	return strings.ReplaceAll(p, "[!", "[^")
}

// matchPath matches a slash pattern whose "**" segments match any number of
// path segments (including none) against a slash path.
func matchPath(pattern, p string) (bool, error) {
	return matchSegs(strings.Split(translateClass(pattern), "/"), strings.Split(p, "/"))
}

func matchSegs(pat, segs []string) (bool, error) {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 1 && pat[1] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 1 {
				return true, nil
			}
			for i := 0; i <= len(segs); i++ {
				ok, err := matchSegs(pat[1:], segs[i:])
				if ok || err != nil {
					return ok, err
				}
			}
			return false, nil
		}
		if len(segs) == 0 {
			return false, nil
		}
		ok, err := path.Match(pat[0], segs[0])
		if !ok || err != nil {
			return false, err
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0, nil
}

// ---- glob ----

func (n *ns) glob(c *eval.Call, args []value.Value) (value.Value, error) {
	pattern, err := argString("pattern", args[0])
	if err != nil {
		return nil, err
	}
	start := "."
	if len(args) >= 2 && args[1] != nil {
		if start, err = argPath(args[1]); err != nil {
			return nil, err
		}
	}
	var optv value.Value
	if len(args) == 3 {
		optv = args[2]
	}
	opts, err := eval.OptionMap(optv, "type", "max-depth")
	if err != nil {
		return nil, err
	}
	typ := ""
	if v, ok := opts["type"]; ok && v != nil {
		s, ok := v.(string)
		if !ok || (s != "f" && s != "d") {
			return nil, fmt.Errorf("option :type must be \"f\" or \"d\", got %s", value.PrStr(v))
		}
		typ = s
	}
	maxDepth := -1
	if v, ok := opts["max-depth"]; ok && v != nil {
		d, err := countOption(":max-depth", v)
		if err != nil {
			return nil, err
		}
		maxDepth = d
	}
	pathMode := strings.Contains(pattern, "/")
	if _, err := matchPath(pattern, "x"); err != nil {
		return nil, fmt.Errorf("bad glob pattern %q: %v", pattern, err)
	}
	l, err := n.resolve(start, true)
	if err != nil {
		return searchFailure(err, 1)
	}
	fi, err := l.r.Stat(l.rel)
	if err != nil {
		return searchFailure(fsError(l, err, "Error reading directory"), 1)
	}
	if !fi.IsDir() {
		return searchFailure(failf("Not a directory: %s", start), 1)
	}
	var found []string
	size := 0
	truncated := false
	err = n.walk(l, maxDepth, func(e walkEntry) error {
		if typ == "f" && e.dir || typ == "d" && !e.dir {
			return nil
		}
		var ok bool
		if pathMode {
			ok, _ = matchPath(pattern, e.sub)
		} else {
			ok, _ = fnmatch(pattern, path.Base(e.sub))
		}
		if !ok {
			return nil
		}
		p := path.Join(l.shown, e.sub)
		size += len(p) + 1
		if size > maxOutput {
			truncated = true
			return errStop
		}
		found = append(found, p)
		return nil
	})
	if err != nil && err != errStop {
		return nil, err
	}
	sort.Strings(found)
	out := strings.Join(found, "\n")
	if err := c.CheckBytes(len(out)); err != nil {
		return nil, err
	}
	return procEnvelope(true, out, nil, int64(0), truncated), nil
}

var errStop = errors.New("stop")

// searchFailure is the envelope of a grep/glob that could not run.
func searchFailure(err error, exit int64) (value.Value, error) {
	var f *failure
	if errors.As(err, &f) {
		return procEnvelope(false, nil, f.msg, exit, false), nil
	}
	return nil, err
}

// countOption reads a non-negative integer given as a number or a digit
// string.
func countOption(name string, v value.Value) (int, error) {
	switch x := v.(type) {
	case string:
		if x != "" && strings.Trim(x, "0123456789") == "" {
			if i, err := strconv.Atoi(x); err == nil {
				return i, nil
			}
		}
	default:
		if i, ok := value.ToInt64(v); ok && i >= 0 && i <= 1<<31 {
			return int(i), nil
		}
	}
	return 0, fmt.Errorf("option %s must be a non-negative integer, got %s", name, value.PrStr(v))
}

// ---- grep ----

type grepOpts struct {
	re       *regexp.Regexp
	include  string
	context  int
	maxCount int // -1: unlimited
}

func (n *ns) grep(c *eval.Call, args []value.Value) (value.Value, error) {
	var pattern string
	switch x := args[0].(type) {
	case string:
		pattern = x
	case *value.Regex:
		pattern = x.Pattern
	default:
		return nil, fmt.Errorf("pattern must be a string or regex, got %s: %s", value.TypeName(args[0]), value.PrStr(args[0]))
	}
	start, err := argPath(args[1])
	if err != nil {
		return nil, err
	}
	var optv value.Value
	if len(args) == 3 {
		optv = args[2]
	}
	opts, err := eval.OptionMap(optv, "ignore-case", "include", "context", "max-count")
	if err != nil {
		return nil, err
	}
	g := grepOpts{maxCount: -1}
	ic, err := optBool(opts, "ignore-case")
	if err != nil {
		return nil, err
	}
	if v, ok := opts["include"]; ok && v != nil {
		if g.include, err = argString("option :include", v); err != nil {
			return nil, err
		}
		if _, err := fnmatch(g.include, "x"); err != nil {
			return nil, fmt.Errorf("bad :include pattern %q: %v", g.include, err)
		}
	}
	if v, ok := opts["context"]; ok && v != nil {
		if g.context, err = countOption(":context", v); err != nil {
			return nil, err
		}
	}
	if v, ok := opts["max-count"]; ok && v != nil {
		if g.maxCount, err = countOption(":max-count", v); err != nil {
			return nil, err
		}
	}
	if ic {
		pattern = "(?i)" + pattern
	}
	rx, err := value.CompileRegex(pattern)
	if err != nil {
		return procEnvelope(false, nil, err.Error(), int64(2), false), nil
	}
	g.re = rx.Re
	l, err := n.resolve(start, true)
	if err != nil {
		return searchFailure(err, 2)
	}
	fi, err := l.r.Stat(l.rel)
	if err != nil {
		return searchFailure(fsError(l, err, "Error reading"), 2)
	}
	var files []walkEntry
	if fi.IsDir() {
		err = n.walk(l, -1, func(e walkEntry) error {
			if e.dir || e.special {
				return nil
			}
			if g.include != "" {
				if ok, _ := fnmatch(g.include, path.Base(e.sub)); !ok {
					return nil
				}
			}
			files = append(files, e)
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Slice(files, func(i, j int) bool { return files[i].sub < files[j].sub })
	} else if !fi.Mode().IsRegular() {
		return searchFailure(failf("Error reading: %s is not a regular file (%s)", start, kindOf(fi.Mode())), 2)
	} else {
		files = []walkEntry{{rel: l.rel}}
	}
	out := &grepOut{max: maxOutput, context: g.context > 0}
	matched := false
	for _, f := range files {
		if err := n.cfg.Ctx.Err(); err != nil {
			return nil, eval.Cancelled()
		}
		shown := l.shown
		if f.sub != "" {
			shown = path.Join(l.shown, f.sub)
		}
		m, err := grepFile(n.cfg.Ctx, l.r, f.rel, shown, g, out)
		if err != nil {
			return nil, err
		}
		matched = matched || m
		if out.truncated {
			break
		}
	}
	text := out.b.String()
	if err := c.CheckBytes(len(text)); err != nil {
		return nil, err
	}
	exit := int64(1)
	if matched {
		exit = 0
	}
	return procEnvelope(true, text, nil, exit, out.truncated), nil
}

// grepOut collects grep -rnH style output with a cap.
type grepOut struct {
	b         strings.Builder
	max       int
	truncated bool
	context   bool
	groups    int // groups written (for "--" separators)
}

func (o *grepOut) line(p string, no int64, sep byte, text string) {
	if o.truncated {
		return
	}
	s := p + string(sep) + strconv.FormatInt(no, 10) + string(sep) + fixUTF8(text) + "\n"
	if o.b.Len()+len(s) > o.max {
		o.truncated = true
		return
	}
	o.b.WriteString(s)
}

func (o *grepOut) startGroup() {
	if o.context && o.groups > 0 && !o.truncated {
		if o.b.Len()+3 > o.max {
			o.truncated = true
			return
		}
		o.b.WriteString("--\n")
	}
	o.groups++
}

// grepFile searches one file; binary files (a NUL byte in the first 8 KiB)
// and files that are not regular (FIFOs, sockets, devices: a read could
// block) are skipped. Lines longer than maxLine are matched on their first
// maxLine bytes. It reports whether a line matched.
func grepFile(ctx context.Context, r *os.Root, rel, shown string, g grepOpts, out *grepOut) (bool, error) {
	if g.maxCount == 0 {
		return false, nil
	}
	f, err := openRegular(r, rel)
	if err != nil {
		return false, nil // unreadable or not a regular file: skipped
	}
	defer f.Close()
	lr := newLineReader(ctxReader{ctx, f}, maxLine)
	head, _ := lr.br.Peek(8 << 10)
	if bytes.IndexByte(head, 0) >= 0 {
		return false, nil
	}
	type held struct {
		no   int64
		text string
	}
	var before []held     // up to context previous unprinted lines
	var lastPrinted int64 // last line number written (0: none)
	after := 0            // trailing context lines still to print
	matches := 0
	var no int64
	for {
		raw, cut, rerr := lr.next(true)
		if errors.Is(rerr, errCancelled) {
			return false, eval.Cancelled()
		}
		if rerr != nil {
			break // end of file, or unreadable from here on
		}
		no++
		if cut {
			raw = cutRune(raw)
			if err := lr.skipRest(); errors.Is(err, errCancelled) {
				return false, eval.FatalError("Cancelled")
			}
		} else {
			raw = bytes.TrimSuffix(raw, []byte("\n"))
		}
		text := string(raw)
		done := g.maxCount >= 0 && matches >= g.maxCount
		if !done && g.re.MatchString(text) {
			first := no - int64(len(before))
			if lastPrinted == 0 || first > lastPrinted+1 {
				out.startGroup()
			}
			for _, h := range before {
				out.line(shown, h.no, '-', h.text)
			}
			before = before[:0]
			out.line(shown, no, ':', text)
			lastPrinted = no
			matches++
			after = g.context
		} else if after > 0 {
			out.line(shown, no, '-', text)
			lastPrinted = no
			after--
		} else if done {
			break
		} else if g.context > 0 {
			before = append(before, held{no, text})
			if len(before) > g.context {
				before = before[1:]
			}
		}
		if out.truncated {
			break
		}
	}
	return matches > 0, nil
}
