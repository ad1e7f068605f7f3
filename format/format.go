// Package format is Spell's formatter: the one fixed style of tooling.md §3.1.
//
// The formatter changes only whitespace (and the placement of commas relative
// to whitespace). It keeps the user's line breaks, collapses blank lines,
// joins lines made only of closing delimiters to the previous line, normalises
// spacing within a line and recomputes the indentation of every line from the
// innermost form open at its start. Tokens (strings, regexes, characters,
// symbols…) and comment texts are copied verbatim, except that trailing
// whitespace of comments is removed.
//
// The tree is walked with explicit stacks, so arbitrarily deep nesting never
// grows the Go stack.
package format

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/spell-go/spell/syntax"
)

// SyntaxErrors is returned for a text that does not parse: nothing is
// formatted.
type SyntaxErrors struct{ File *syntax.File }

// Error returns "name:line:col: message" of the first error.
func (e *SyntaxErrors) Error() string {
	f := e.File
	if f == nil || len(f.Errors) == 0 {
		return "syntax error"
	}
	first := f.Errors[0]
	pos := f.Position(first.Off)
	if f.Name == "" {
		return fmt.Sprintf("%s: %s", pos, first.Msg)
	}
	return fmt.Sprintf("%s:%s: %s", f.Name, pos, first.Msg)
}

// ErrOutputTooLarge is returned (wrapped) when the formatted text would
// exceed MaxOutput(len(src)) bytes. The style aligns lines with columns of
// enclosing forms, so the indentation of a text nested thousands of levels
// deep with a line break at each level grows quadratically; the bound keeps
// such (adversarial) inputs from exhausting memory.
var ErrOutputTooLarge = errors.New("format: formatted text too large (indentation of very deeply nested lines)")

// MaxOutput is the largest formatted text accepted for an input of n bytes.
func MaxOutput(n int) int { return 64*n + 16<<20 }

// Source formats a Spell source text. If the text has syntax errors it
// returns (nil, *SyntaxErrors) and formats nothing.
func Source(name string, src []byte) ([]byte, error) {
	f := syntax.Parse(name, src)
	if len(f.Errors) > 0 {
		return nil, &SyntaxErrors{File: f}
	}
	return File(f)
}

// File formats a parsed file (which must have no errors).
func File(f *syntax.File) ([]byte, error) {
	if f == nil {
		return nil, errors.New("format: nil file")
	}
	if len(f.Errors) > 0 {
		return nil, &SyntaxErrors{File: f}
	}
	p := &printer{
		src: f.Src,
		ds:  f.Discards,
		out: make([]byte, 0, len(f.Src)+len(f.Src)/8+16),
	}
	p.limit = MaxOutput(len(f.Src))
	if err := p.file(f); err != nil {
		return nil, err
	}
	return p.out, nil
}

// Indentation rules of the fixed table (tooling.md §3.1 item 4).
type rule uint8

const (
	ruleList rule = iota
	ruleInner0
	ruleBlock0
	ruleBlock1
	ruleBlock2
)

// indentRule is the indentation rule of a list whose head is the symbol
// head (ruleList for any other head). A switch, not a map: the table is
// code, not work at every start of every command (issue 11, start-up).
func indentRule(head string) rule {
	switch head {
	case "fn", "fn*", "defn", "defmacro", "def", "define", "persist":
		return ruleInner0
	case "do", "try", "future", "cond", "eval":
		return ruleBlock0
	case "let", "loop", "for", "if", "when", "when-let", "if-let", "when-some", "if-some",
		"case", "catch", "quine", "think",
		"rethink", // block 2 when its first argument is a number
		"reopen", "cond->", "cond->>", "some->", "some->>", "blocking/plet":
		return ruleBlock1
	case "as->":
		return ruleBlock2
	}
	return ruleList
}

// What was last put on the current output line.
type item uint8

const (
	itNone    item = iota // nothing yet on this line (or start of file)
	itOpen                // an opening delimiter
	itEnd                 // the end of a form: an atom or a closing delimiter
	itPrefix              // a prefix token: ' ^ #_
	itComma               // a comma
	itComment             // a comment (always last on its line)
)

// frame is a composite form open in the output.
type frame struct {
	openerCol int // column of the opening bracket itself (last char of the open token)
	indent    int // indentation of lines inside; -1: align with the first argument
	argCol    int // column of the first argument once printed (list style), else -1
	wrapDo    *syntax.Node
}

// task is one step of the walk: a node to print, or a trivia gap to scan.
type task struct {
	n      *syntax.Node // nil: gap
	k      int          // node: next kid (-1 before the first token); gap: unused
	gp, ge int32        // gap bounds
	arg1   bool         // node is the first argument (Kids[1]) of the innermost composite
}

type printer struct {
	src []byte
	ds  []*syntax.Node // discards in source order
	dc  int            // discard cursor
	out []byte

	col      int  // output column (code points) on the current line
	last     item // last item on the current line
	started  bool // anything printed yet
	newlines int  // trivia newlines since the last item
	spaces   int  // whitespace bytes since the last item (on the current line)

	frames []frame
	tasks  []task
	limit  int // bound on len(out), checked at each line break
	tooBig bool
}

func (p *printer) file(f *syntax.File) error {
	var prev int32
	// Push forms in reverse, each preceded by its leading gap.
	p.tasks = append(p.tasks, task{gp: 0, ge: int32(len(p.src))})
	if len(f.Forms) > 0 {
		last := f.Forms[len(f.Forms)-1]
		p.tasks[0].gp = last.End
		for i := len(f.Forms) - 1; i >= 0; i-- {
			n := f.Forms[i]
			prev = 0
			if i > 0 {
				prev = f.Forms[i-1].End
			}
			p.tasks = append(p.tasks, task{n: n, k: -1})
			if prev < n.Start {
				p.tasks = append(p.tasks, task{gp: prev, ge: n.Start})
			}
		}
	}
	if err := p.run(); err != nil {
		return err
	}
	if p.tooBig {
		return fmt.Errorf("%w: over %d bytes for %d bytes of input", ErrOutputTooLarge, p.limit, len(p.src))
	}
	if p.started {
		p.out = append(p.out, '\n')
	}
	return nil
}

func (p *printer) run() error {
	src := p.src
	for len(p.tasks) > 0 {
		if p.tooBig {
			return fmt.Errorf("%w: over %d bytes for %d bytes of input", ErrOutputTooLarge, p.limit, len(src))
		}
		t := &p.tasks[len(p.tasks)-1]
		n := t.n
		if n == nil {
			if err := p.gap(t); err != nil {
				return err
			}
			continue
		}
		if t.k < 0 {
			// First token of the node.
			t.k = 0
			arg1 := t.arg1
			switch {
			case n.Kind.IsComposite():
				p.open(n, arg1)
			case n.Kind.IsPrefix():
				p.begin(arg1)
				p.emit(src[n.Start:n.OpenEnd], itPrefix)
			default:
				p.begin(arg1)
				p.emitToken(src[n.Start:n.End])
				p.last = itEnd
				p.tasks = p.tasks[:len(p.tasks)-1]
				continue
			}
		}
		kids := n.Kids
		if t.k < len(kids) {
			k := t.k
			t.k++
			prevEnd := n.OpenEnd
			if k > 0 {
				prevEnd = kids[k-1].End
			}
			kid := kids[k]
			isArg1 := k == 1 && n.Kind.IsComposite()
			p.tasks = append(p.tasks, task{n: kid, k: -1, arg1: isArg1})
			if prevEnd < kid.Start {
				p.tasks = append(p.tasks, task{gp: prevEnd, ge: kid.Start})
			}
			continue
		}
		if n.Kind.IsComposite() {
			if t.k == len(kids) {
				t.k++
				prevEnd := n.OpenEnd
				if len(kids) > 0 {
					prevEnd = kids[len(kids)-1].End
				}
				if prevEnd < n.CloseStart {
					p.tasks = append(p.tasks, task{gp: prevEnd, ge: n.CloseStart})
					continue
				}
			}
			p.close(n)
		}
		p.tasks = p.tasks[:len(p.tasks)-1]
	}
	return nil
}

// gap scans trivia src[t.gp:t.ge]; a discard suspends the scan (the task is
// kept with its position advanced past the discard) and pushes the discard.
func (p *printer) gap(t *task) error {
	src := p.src
	i, end := t.gp, t.ge
	for i < end {
		c := src[i]
		switch {
		case c == '\n':
			p.newlines++
			p.spaces = 0
			i++
		case c == ',':
			p.comma()
			i++
		case syntax.IsSpace(c):
			j := i + 1
			for j < end && syntax.IsSpace(src[j]) && src[j] != '\n' && src[j] != ',' {
				j++
			}
			p.spaces += int(j - i)
			i = j
		case c == ';' || c == '#' && i+1 < end && src[i+1] == '!':
			j := i
			for j < end && src[j] != '\n' {
				j++
			}
			p.comment(src[i:j])
			i = j
		default:
			d := p.discardAt(i)
			if d == nil || d.End > end {
				return fmt.Errorf("format: internal error: unexpected text in trivia at offset %d", i)
			}
			t.gp = d.End
			p.tasks = append(p.tasks, task{n: d, k: -1})
			return nil
		}
	}
	p.tasks = p.tasks[:len(p.tasks)-1]
	return nil
}

func (p *printer) discardAt(off int32) *syntax.Node {
	ds := p.ds
	for p.dc < len(ds) && ds[p.dc].Start < off {
		p.dc++
	}
	if p.dc < len(ds) && ds[p.dc].Start == off {
		d := ds[p.dc]
		p.dc++
		return d
	}
	// Not where the cursor expected it (should not happen): search.
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Start >= off })
	if i < len(ds) && ds[i].Start == off {
		return ds[i]
	}
	return nil
}

// lineBreak starts a new output line if trivia newlines are pending, and
// indents it for an item that starts inside the innermost open form.
// It reports whether a new line was started.
func (p *printer) lineBreak() bool {
	if p.newlines == 0 {
		return false
	}
	if !p.started {
		p.newlines = 0
		return false
	}
	p.out = append(p.out, '\n')
	if p.newlines > 1 {
		p.out = append(p.out, '\n')
	}
	p.newlines = 0
	p.spaces = 0
	p.last = itNone
	ind := p.indent()
	if len(p.out)+ind > p.limit {
		p.tooBig = true
		ind = 0
	}
	p.out = appendSpaces(p.out, ind)
	p.col = ind
	return true
}

func (p *printer) indent() int {
	if len(p.frames) == 0 {
		return 0
	}
	fr := &p.frames[len(p.frames)-1]
	if fr.indent >= 0 {
		return fr.indent
	}
	if fr.argCol >= 0 {
		return fr.argCol
	}
	return fr.openerCol + 1
}

// begin places the first token of a form: on a new line, or after the
// spacing the previous item calls for.
func (p *printer) begin(arg1 bool) {
	if !p.lineBreak() {
		switch p.last {
		case itEnd, itComma:
			p.space(1)
		case itPrefix:
			if p.spaces > 0 {
				p.space(1)
			}
		}
	}
	p.spaces = 0
	if arg1 && len(p.frames) > 0 {
		if fr := &p.frames[len(p.frames)-1]; fr.indent < 0 && fr.argCol < 0 {
			fr.argCol = p.col
		}
	}
}

func (p *printer) space(n int) {
	p.out = appendSpaces(p.out, n)
	p.col += n
}

const spaces64 = "                                                                "

func appendSpaces(b []byte, n int) []byte {
	for n > len(spaces64) {
		b = append(b, spaces64...)
		n -= len(spaces64)
	}
	return append(b, spaces64[:n]...)
}

func (p *printer) comma() {
	p.lineBreak()
	p.spaces = 0
	p.out = append(p.out, ',')
	p.col++
	p.last = itComma
	p.started = true
}

func (p *printer) comment(text []byte) {
	// Trailing whitespace (a CR of a CRLF ending included) goes.
	for len(text) > 0 && syntax.IsSpace(text[len(text)-1]) && text[len(text)-1] != ',' {
		text = text[:len(text)-1]
	}
	if !p.lineBreak() && p.last != itNone {
		p.space(max(1, p.spaces))
	}
	p.spaces = 0
	p.emit(text, itComment)
}

// emit appends a single-line token.
func (p *printer) emit(tok []byte, it item) {
	p.out = append(p.out, tok...)
	p.col += runeCount(tok)
	p.last = it
	p.started = true
}

// emitToken appends a token that may span lines (strings, regexes, \newline
// characters); its content is never changed.
func (p *printer) emitToken(tok []byte) {
	p.out = append(p.out, tok...)
	if i := bytes.LastIndexByte(tok, '\n'); i >= 0 {
		p.col = runeCount(tok[i+1:])
	} else {
		p.col += runeCount(tok)
	}
	p.started = true
}

func runeCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

func (p *printer) open(n *syntax.Node, arg1 bool) {
	p.begin(arg1)
	tok := p.src[n.Start:n.OpenEnd]
	p.emit(tok, itOpen)
	fr := frame{openerCol: p.col - 1, argCol: -1}
	switch n.Kind {
	case syntax.List, syntax.FnLit:
		fr.indent = p.listIndent(n, fr.openerCol)
		if n.Kind == syntax.List && len(p.frames) >= 2 {
			if gp := &p.frames[len(p.frames)-2]; gp.wrapDo == n {
				fr.indent = gp.openerCol + 2
			}
		}
		if n.Kind == syntax.List {
			fr.wrapDo = p.wrapper(n)
		}
	default:
		fr.indent = fr.openerCol + 1
	}
	p.frames = append(p.frames, fr)
}

func (p *printer) close(n *syntax.Node) {
	joined := false
	if p.newlines > 0 && p.last != itComment && p.started && p.closersOnly(n.CloseStart) {
		p.newlines = 0 // (c): join a line of closing delimiters to the previous line
		joined = true
	}
	if !joined {
		p.lineBreak()
	}
	p.spaces = 0
	p.frames = p.frames[:len(p.frames)-1]
	p.emit(p.src[n.CloseStart:n.End], itEnd)
}

// closersOnly reports whether the line from off to its end holds only
// closing delimiters and whitespace.
func (p *printer) closersOnly(off int32) bool {
	src := p.src
	for i := int(off); i < len(src); i++ {
		switch c := src[i]; c {
		case '\n':
			return true
		case ')', ']', '}':
		default:
			if !syntax.IsSpace(c) || c == ',' {
				return false
			}
		}
	}
	return true
}

// listIndent resolves the indentation rule of a list: a fixed column, or -1
// for "align with the first argument" (list style with the first argument on
// the head's line).
func (p *printer) listIndent(n *syntax.Node, openerCol int) int {
	kids := n.Kids
	r := ruleList
	if len(kids) > 0 && kids[0].Kind == syntax.Symbol {
		head := p.src[kids[0].Start:kids[0].End]
		r = indentRule(string(head))
		if r == ruleBlock1 && string(head) == "rethink" && len(kids) > 1 && kids[1].Kind == syntax.Number {
			r = ruleBlock2
		}
	}
	switch r {
	case ruleInner0:
		return openerCol + 2
	case ruleBlock0, ruleBlock1, ruleBlock2:
		i := int(r-ruleBlock0) + 1 // argument N is kid N+1
		if i >= len(kids) || p.startsLine(kids[i-1], kids[i]) {
			return openerCol + 2
		}
	}
	if len(kids) >= 2 && bytes.IndexByte(p.src[kids[0].End:kids[1].Start], '\n') < 0 {
		return -1
	}
	return openerCol + 1
}

// startsLine reports whether kid is the first thing on its line (only
// whitespace and commas before it since the last line break).
func (p *printer) startsLine(prev, kid *syntax.Node) bool {
	gap := p.src[prev.End:kid.Start]
	i := bytes.LastIndexByte(gap, '\n')
	if i < 0 {
		return false
	}
	for _, c := range gap[i+1:] {
		if !syntax.IsSpace(c) {
			return false
		}
	}
	return true
}

// wrapper returns the `do` of `(quine NAME (eval (do` when all three are
// opened on one line (the wrapper rule, tooling.md §3.1 item 5).
func (p *printer) wrapper(n *syntax.Node) *syntax.Node {
	if !p.headIs(n, "quine") || len(n.Kids) < 3 {
		return nil
	}
	ev := n.Kids[2]
	if ev.Kind != syntax.List || !p.headIs(ev, "eval") || len(ev.Kids) < 2 {
		return nil
	}
	do := ev.Kids[1]
	if do.Kind != syntax.List || !p.headIs(do, "do") {
		return nil
	}
	if bytes.IndexByte(p.src[n.Start:do.OpenEnd], '\n') >= 0 {
		return nil
	}
	return do
}

func (p *printer) headIs(n *syntax.Node, name string) bool {
	if len(n.Kids) == 0 || n.Kids[0].Kind != syntax.Symbol {
		return false
	}
	h := n.Kids[0]
	return string(p.src[h.Start:h.End]) == name
}
