package lint

import (
	"errors"
	"slices"

	"github.com/spell-go/spell/syntax"
)

// maxResync bounds the top-level forms Check recovers from one file.
const maxResync = 64

// Check lints a file: Lint over Analyze with opts. In a file with syntax
// errors the other rules run only on top-level forms that read without
// error; Check also recovers the forms that an unclosed or mismatched form
// swallowed. A line that starts with "(" in column 1 inside a broken
// top-level form is taken to start a new top-level form (as editors assume
// for Lisp), and one that starts no deeper than the line of an enclosing
// form (the next form of a wrapper's body after an unclosed one) a new form
// at that level: the missing closers are inserted before it, the text is
// read again, and the findings of the forms that now read cleanly are
// reported at their offsets in the original text. The broken part itself
// still gets only its syntax findings. spell lint and the language server
// both report these findings.
func Check(f *syntax.File, opts Options, cfg Config) []Diagnostic {
	return CheckAnalysis(f, Analyze(f, opts), cfg)
}

// CheckAnalysis is Check over an analysis of f already made (the language
// server keeps one per document version); the recovered text is analysed
// with the same options.
func CheckAnalysis(f *syntax.File, a *Analysis, cfg Config) []Diagnostic {
	if a == nil {
		a = Analyze(f, Options{})
	}
	diags := Lint(f, a, cfg)
	if len(f.Errors) == 0 {
		return diags
	}
	return recoverChecks(f, a.Opts, cfg, diags)
}

// recoverChecks adds to the findings diags of f, a file with syntax
// errors, those of its recovered text. (A function of its own: its frame,
// 1.4 kB, is then not under every clean file's rules; issue 11, start-up.)
func recoverChecks(f *syntax.File, opts Options, cfg Config, diags []Diagnostic) []Diagnostic {
	var ins []insertion // closers inserted, in the order made
	var skip [][2]int32 // broken parts, in original offsets
	var opens []int32   // forms taken to be left open, in original offsets
	cur := f
	for range maxResync {
		open, at, closers, ok := resyncPoint(cur)
		if !ok {
			break
		}
		skip = append(skip, [2]int32{mapBack(ins, open.Start), mapBack(ins, at)})
		opens = append(opens, mapBack(ins, open.Start))
		src := make([]byte, 0, len(cur.Src)+len(closers))
		src = append(append(append(src, cur.Src[:at]...), closers...), cur.Src[at:]...)
		ins = append(ins, insertion{at: at, n: int32(len(closers))})
		cur = syntax.Parse(f.Name, src)
	}
	if len(ins) == 0 {
		return diags
	}
	out := diags[:0:0]
	for _, d := range diags {
		if d.Rule == "syntax" || !inRanges(skip, d.Start) {
			out = append(out, d)
		}
	}
	pointAtOpenForms(out, opens)
	seen := map[[3]any]bool{}
	for _, d := range out {
		seen[[3]any{d.Rule, d.Start, d.Message}] = true
	}
	for _, d := range Lint(cur, Analyze(cur, opts), cfg) {
		if d.Rule == "syntax" || d.Rule == "trailing-forms-ignored" {
			// The original text's syntax findings stand; with syntax
			// errors the file's form count says nothing.
			continue
		}
		if !mapDiagnostic(ins, &d) || inRanges(skip, d.Start) || seen[[3]any{d.Rule, d.Start, d.Message}] {
			continue
		}
		seen[[3]any{d.Rule, d.Start, d.Message}] = true
		out = append(out, d)
	}
	sortDiagnostics(out)
	return capPerRule(out)
}

// pointAtOpenForms adds to the syntax finding of an unclosed form the
// forms inside it that recovery took to be left open: the reader can only
// say where the outermost unclosed form opened (in a wrapper program, the
// first line), the indentation says which body form lacks its closer.
func pointAtOpenForms(diags []Diagnostic, opens []int32) {
	for _, o := range opens {
		for i := range diags {
			d := &diags[i]
			if d.Rule != "syntax" || len(d.Related) == 0 || d.Related[0].Start > o {
				continue
			}
			if !slices.ContainsFunc(d.Related, func(r Related) bool { return r.Start == o }) {
				d.Related = append(d.Related, Related{Start: o, End: o + 1, Message: "probably not closed: a later line starts no deeper than this form"})
			}
			break
		}
	}
}

type insertion struct{ at, n int32 }

// mapBack maps an offset of the text after the insertions to the original
// text; an offset inside inserted closers maps to where they were inserted.
func mapBack(ins []insertion, off int32) int32 {
	for i := len(ins) - 1; i >= 0; i-- {
		switch in := ins[i]; {
		case off >= in.at+in.n:
			off -= in.n
		case off > in.at:
			off = in.at
		}
	}
	return off
}

// mapDiagnostic maps d's offsets back to the original text. It reports
// false when d touches inserted text: a finding (or fix) about the closers
// Check made up is not the user's.
func mapDiagnostic(ins []insertion, d *Diagnostic) bool {
	inside := func(s, e int32) bool {
		for i := len(ins) - 1; i >= 0; i-- {
			in := ins[i]
			if s < in.at+in.n && in.at < e {
				return true
			}
			if s >= in.at+in.n {
				s -= in.n
			}
			if e >= in.at+in.n {
				e -= in.n
			}
		}
		return false
	}
	if inside(d.Start, d.End) {
		return false
	}
	d.Start, d.End = mapBack(ins, d.Start), mapBack(ins, d.End)
	rel := d.Related[:0:0]
	for _, r := range d.Related {
		if !inside(r.Start, r.End) {
			r.Start, r.End = mapBack(ins, r.Start), mapBack(ins, r.End)
			rel = append(rel, r)
		}
	}
	d.Related = rel
	fixes := d.Fixes[:0:0]
	for _, fx := range d.Fixes {
		ok := true
		es := make([]Edit, 0, len(fx.Edits))
		for _, e := range fx.Edits {
			if inside(e.Start, e.End) {
				ok = false
				break
			}
			es = append(es, Edit{Start: mapBack(ins, e.Start), End: mapBack(ins, e.End), NewText: e.NewText})
		}
		if ok {
			fx.Edits = es
			fixes = append(fixes, fx)
		}
	}
	d.Fixes = fixes
	return true
}

func inRanges(rs [][2]int32, off int32) bool {
	for _, r := range rs {
		if r[0] <= off && off < r[1] {
			return true
		}
	}
	return false
}

// resyncPoint finds, in the first broken top-level form of f that has
// one, a list that starts a line where well-indented code cannot put it: at
// a column no deeper than the indentation of the line where an enclosing
// form opened. Such a list is taken to start a new form at that level (as
// editors assume for Lisp): column 1 starts a new top-level form, and in a
// wrapper program, whose body is one top-level form, a list at the body's
// indentation starts a new body form. It returns the outermost form that
// is taken to be left open (its text up to at is the broken part), the
// offset of the list, and the closers of the forms open there (innermost
// first).
func resyncPoint(f *syntax.File) (open *syntax.Node, at int32, closers []byte, ok bool) {
	src := f.Src
	for _, form := range f.Forms {
		if !broken(f, form) {
			continue
		}
		var path []*syntax.Node
		var walk func(n *syntax.Node) bool
		walk = func(n *syntax.Node) bool {
			for _, k := range n.Kids {
				if k.Start > form.Start && startsList(src, k) {
					if c, ok := lineStartColumn(src, k.Start); ok {
						closers = closers[:0]
						for i := len(path) - 1; i >= 0 && indentOf(src, path[i].Start) >= c; i-- {
							if path[i].Kind.IsComposite() {
								closers = append(closers, path[i].Kind.Closer())
								open = path[i]
							}
						}
						if len(closers) > 0 {
							at = k.Start
							return true
						}
					}
				}
				if k.Kind.IsComposite() || k.Kind.IsPrefix() {
					path = append(path, k)
					if walk(k) {
						return true
					}
					path = path[:len(path)-1]
				}
			}
			return false
		}
		path = append(path, form)
		if walk(form) {
			return open, at, closers, true
		}
	}
	return nil, 0, nil, false
}

// startsList reports whether n is a list or a quoted list ('(…)).
func startsList(src []byte, n *syntax.Node) bool {
	switch src[n.Start] {
	case '(':
		return true
	case '\'':
		return int(n.Start)+1 < len(src) && src[n.Start+1] == '('
	}
	return false
}

// lineStartColumn returns the column (in bytes) of off when only blanks
// precede it on its line.
func lineStartColumn(src []byte, off int32) (int, bool) {
	i := off
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	if i > 0 && src[i-1] != '\n' {
		return 0, false
	}
	return int(off - i), true
}

// indentOf returns the indentation (in bytes) of the line holding off.
func indentOf(src []byte, off int32) int {
	i := off
	for i > 0 && src[i-1] != '\n' {
		i--
	}
	n := 0
	for int(i)+n < len(src) && (src[int(i)+n] == ' ' || src[int(i)+n] == '\t') {
		n++
	}
	return n
}

// broken reports whether a top-level form has a syntax error (a duplicate
// key is a finding, not a broken form).
func broken(f *syntax.File, form *syntax.Node) bool {
	if form.Unclosed() || form.Bad() || form.Kind == syntax.Error {
		return true
	}
	for _, e := range f.Errors {
		if !errors.Is(e, syntax.ErrDuplicateKey) && form.Start <= e.Off && e.Off < form.End {
			return true
		}
	}
	return false
}
