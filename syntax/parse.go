package syntax

import (
	"fmt"
	"math"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// Parse parses src in strict mode: every form is parsed and every syntax
// error is reported (recovering and continuing). It never fails: the tree
// always covers the whole input.
func Parse(name string, src []byte) *File {
	f := &File{Name: name, Src: src}
	if len(src) > math.MaxInt32 {
		f.Errors = []*SyntaxError{{Off: 0, End: 0, Msg: "file too large (over 2 GiB)", Related: -1}}
		f.TrailStart = 0
		return f
	}
	p := &parser{f: f, src: src}
	if len(src) < 1024 {
		// A small text (a recorded value, one form) gets small blocks:
		// the default ones cost more to allocate than it takes to read.
		p.slabN, p.kidSlabN = 32, 128
	}
	p.run()
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Off < f.Errors[j].Off })
	// Inner discards complete before the discards that contain them.
	sort.Slice(f.Discards, func(i, j int) bool { return f.Discards[i].Start < f.Discards[j].Start })
	return f
}

type frame struct {
	node  *Node
	need  int   // prefix forms: number of targets needed
	saved int32 // discards: trivia start to restore after the discard
	kids  int   // start of this frame's children on parser.scratch
}

type parser struct {
	f           *File
	src         []byte
	pos         int
	triviaStart int32
	stack       []frame
	fnDepth     int
	slab        []Node
	// scratch collects the children of open frames; each frame's children
	// are copied once into an exact-size slice when it closes, instead of
	// growing every Kids slice by doubling.
	scratch []*Node
	kidSlab []*Node
	// slabN and kidSlabN are the block sizes of slab and kidSlab (0: 256
	// and 4096). A resumed reading (resume.go) uses small blocks: a block
	// lives as long as any node carved from it, and its nodes are kept
	// turn after turn.
	slabN, kidSlabN int
	// handOver: a long child list at the end of scratch becomes the node's
	// Kids as it is (scratch goes on in a new slice), not copied out. A
	// resumed reading sets it: the program's body, thousands of kids
	// taken over from the previous reading, is not copied a second time.
	handOver bool
	// handed is the last child list handed over, for the next resumed
	// reading to extend in place (resume.go).
	handed *handed
	// lent: scratch's first lent entries are kids of a previous reading,
	// in its array (resume.go takeOver), which only appends after them
	// may write; 0: scratch is the parser's own.
	lent int
}

// ownKids is the number of children above which a node's child slice is
// an allocation of its own rather than carved from a shared block.
const ownKids = 256

// take moves a closing frame's children from scratch into its node.
func (p *parser) take(fr *frame) {
	kids := p.scratch[fr.kids:]
	if n := len(kids); p.handOver && n > ownKids && fr.kids <= n/4 {
		// (Copying the few kids of the enclosing frames costs at most a
		// quarter of the copy saved.)
		fr.node.Kids = kids[:n:n]
		p.handed = &handed{arr: p.scratch, off: fr.kids, node: fr.node}
		p.scratch = append(make([]*Node, 0, fr.kids+64), p.scratch[:fr.kids]...)
		p.lent = 0
		return
	}
	if n := len(kids); n > 0 {
		if n > ownKids {
			fr.node.Kids = make([]*Node, n)
		} else {
			// Carve small child slices from a shared block (full slice
			// expressions keep appends from spilling into neighbours).
			if len(p.kidSlab) < n {
				size := p.kidSlabN
				if size == 0 {
					size = 4096
				}
				p.kidSlab = make([]*Node, max(size, n))
			}
			fr.node.Kids = p.kidSlab[:n:n]
			p.kidSlab = p.kidSlab[n:]
		}
		copy(fr.node.Kids, kids)
	}
	p.scratch = p.scratch[:fr.kids]
	if fr.kids < p.lent {
		// The next kids would overwrite a previous reading's.
		p.scratch = append(make([]*Node, 0, fr.kids+64), p.scratch...)
		p.lent = 0
	}
}

func (p *parser) alloc() *Node {
	if len(p.slab) == 0 {
		size := p.slabN
		if size == 0 {
			size = 256
		}
		p.slab = make([]Node, size)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

func (p *parser) errAt(off, end int, msg, lang string, related int) *SyntaxError {
	f := p.f
	if len(f.Errors) >= MaxErrors {
		f.Truncated = true
		return nil
	}
	e := &SyntaxError{Off: int32(off), End: int32(end), Msg: EscapeControl(msg), Lang: EscapeControl(lang), Related: int32(related)}
	f.Errors = append(f.Errors, e)
	return e
}

func (p *parser) pos2(off int) Position { return p.f.Position(int32(off)) }

// full reports (and records) that the error budget is spent. Callers check
// it before formatting a message that names a position: computing a column
// scans its line, and a long line with thousands of errors on it would make
// the reading quadratic.
func (p *parser) full() bool {
	if len(p.f.Errors) >= MaxErrors {
		p.f.Truncated = true
		return true
	}
	return false
}

// token makes a node for a token Src[start:end] and advances.
func (p *parser) token(kind Kind, start, end int) *Node {
	n := p.alloc()
	n.Kind = kind
	n.Lead = p.triviaStart
	n.Start = int32(start)
	n.OpenEnd = int32(end)
	n.CloseStart = -1
	n.End = int32(end)
	p.triviaStart = int32(end)
	p.pos = end
	return n
}

// MaxNesting bounds how deeply forms nest in a file: open lists, vectors,
// maps, sets, #() and the prefix forms (quote, meta, discard) waiting for
// their target all count. Reading is iterative at any depth, but the
// tools that walk the tree (lowering to values, formatting, linting, the
// language server) recurse on the Go stack, and some analyses cost more
// per level the deeper they are; one limit keeps them all bounded. It is
// the evaluator's default nesting limit (language.md §12.3): with default
// limits, no program nested deeper can be evaluated, and values nested
// deeper do not print.
const MaxNesting = 10000

// tooDeep reports an opening token that would nest deeper than
// MaxNesting and skips the rest of the innermost open form: its text
// becomes one bad Error node, and reading goes on at the delimiter that
// closes that form (or at the end of the text).
func (p *parser) tooDeep(start int) bool {
	if len(p.stack) < MaxNesting {
		return false
	}
	end := skipNested(p.src, start)
	if !p.full() {
		p.errAt(start, start+1, fmt.Sprintf("Nesting depth exceeded: more than %d nested forms", MaxNesting), "", -1)
	}
	n := p.token(Error, start, end)
	n.Flags |= FlagBad
	p.deliver(n)
	return true
}

// skipNested returns the offset of the first closing delimiter from i that
// no opening delimiter after i matches, or len(src). Strings, regexes,
// character literals and comments are skipped as the reader reads them.
func skipNested(src []byte, i int) int {
	depth := 0
	for {
		i = skipTrivia(src, i)
		if i >= len(src) {
			return len(src)
		}
		switch src[i] {
		case '(', '[', '{':
			depth++
			i++
		case ')', ']', '}':
			if depth == 0 {
				return i
			}
			depth--
			i++
		case '"':
			i, _ = scanString(src, i)
		case '\\':
			i++
			if i < len(src) {
				_, size := utf8.DecodeRune(src[i:])
				i = scanRun(src, i+size)
			}
		case '#':
			if i+1 < len(src) && src[i+1] == '"' {
				i, _ = scanString(src, i+1)
			} else {
				i++
			}
		default:
			i = max(scanRun(src, i), i+1)
		}
	}
}

func (p *parser) open(kind Kind, start, end int) {
	if p.tooDeep(start) {
		return
	}
	n := p.token(kind, start, end)
	if kind == FnLit {
		if p.fnDepth > 0 {
			p.errAt(start, end, "Nested #()s are not allowed", "", -1)
		}
		p.fnDepth++
	}
	p.stack = append(p.stack, frame{node: n, kids: len(p.scratch)})
}

func (p *parser) prefix(kind Kind, start, end, need int) {
	if p.tooDeep(start) {
		return
	}
	saved := p.triviaStart
	n := p.token(kind, start, end)
	p.stack = append(p.stack, frame{node: n, need: need, saved: saved, kids: len(p.scratch)})
}

// deliver hands a completed form to the innermost open frame.
func (p *parser) deliver(n *Node) {
	for {
		if len(p.stack) == 0 {
			p.f.Forms = append(p.f.Forms, n)
			return
		}
		top := &p.stack[len(p.stack)-1]
		p.scratch = append(p.scratch, n)
		if !top.node.Kind.IsPrefix() || len(p.scratch)-top.kids < top.need {
			return
		}
		fr := *top
		p.stack = p.stack[:len(p.stack)-1]
		p.take(&fr)
		fr.node.End = n.End
		if fr.node.Kind == Discard {
			p.f.Discards = append(p.f.Discards, fr.node)
			p.triviaStart = fr.saved
			return
		}
		n = fr.node
	}
}

// abandon closes the innermost frame without its close token or target.
func (p *parser) abandon() {
	fr := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	p.take(&fr)
	n := fr.node
	if k := len(n.Kids); k > 0 {
		n.End = n.Kids[k-1].End
	} else {
		n.End = n.OpenEnd
	}
	if n.Kind.IsComposite() {
		n.Flags |= FlagUnclosed
		if n.Kind == FnLit {
			p.fnDepth--
		}
		p.checkMap(n)
	} else {
		n.Flags |= FlagBad
	}
	if n.Kind == Discard {
		p.f.Discards = append(p.f.Discards, n)
		p.triviaStart = fr.saved
		return
	}
	p.deliver(n)
}

func (p *parser) run() {
	src := p.src
	for {
		p.pos = skipTrivia(src, p.pos)
		if p.pos >= len(src) {
			break
		}
		i := p.pos
		c := src[i]
		switch c {
		case '(':
			p.open(List, i, i+1)
		case '[':
			p.open(Vector, i, i+1)
		case '{':
			p.open(Map, i, i+1)
		case ')', ']', '}':
			p.closeDelim(c)
		case '\'':
			p.prefix(Quote, i, i+1, 1)
		case '^':
			p.prefix(Meta, i, i+1, 2)
		case '`', '@':
			p.rejected(i, i+1, "Unsupported reader form: "+string(c))
		case '~':
			end := i + 1
			if end < len(src) && src[end] == '@' {
				end++
			}
			p.rejected(i, end, "Unsupported reader form: "+string(src[i:end]))
		case '"':
			p.stringAtom(String, i, i)
		case '\\':
			p.charAtom(i)
		case ':':
			p.keywordAtom(i)
		case '#':
			p.dispatch(i)
		default:
			if startsNumber(src, i) {
				p.numberAtom(i)
			} else {
				p.symbolAtom(i)
			}
		}
	}
	for len(p.stack) > 0 {
		n := p.stack[len(p.stack)-1].node
		end := len(src)
		switch {
		case p.full():
		case n.Kind.IsComposite():
			p.errAt(end, end, fmt.Sprintf("unclosed %s opened at %s", n.Token(src), p.pos2(int(n.Start))), "EOF while reading", int(n.Start))
		default:
			p.errAt(end, end, fmt.Sprintf("expected a form after %s opened at %s, found end of text", n.Token(src), p.pos2(int(n.Start))), "EOF while reading", int(n.Start))
		}
		p.abandon()
	}
	p.f.TrailStart = p.triviaStart
}

func (p *parser) rejected(start, end int, msg string) {
	p.errAt(start, end, msg, "", -1)
	p.prefix(Rejected, start, end, 1)
}

func (p *parser) closeDelim(c byte) {
	i := p.pos
	for len(p.stack) > 0 && p.stack[len(p.stack)-1].node.Kind.IsPrefix() {
		n := p.stack[len(p.stack)-1].node
		p.errAt(i, i+1, fmt.Sprintf("expected a form after %s, found %c", n.Token(p.src), c), "Unmatched delimiter: "+string(c), int(n.Start))
		p.abandon()
	}
	if len(p.stack) == 0 {
		p.errAt(i, i+1, "Unmatched delimiter: "+string(c), "", -1)
		n := p.token(Error, i, i+1)
		n.Flags |= FlagBad
		p.deliver(n)
		return
	}
	top := p.stack[len(p.stack)-1].node
	if top.Kind.Closer() != c {
		if !p.full() {
			p.errAt(i, i+1, fmt.Sprintf("Unmatched delimiter: %c (expected %c to close %s opened at %s)", c, top.Kind.Closer(), top.Token(p.src), p.pos2(int(top.Start))),
				"Unmatched delimiter: "+string(c), int(top.Start))
		}
		n := p.token(Error, i, i+1)
		n.Flags |= FlagBad
		p.deliver(n)
		return
	}
	p.take(&p.stack[len(p.stack)-1])
	p.stack = p.stack[:len(p.stack)-1]
	if top.Kind == FnLit {
		p.fnDepth--
	}
	top.CloseStart = int32(i)
	top.End = int32(i + 1)
	p.triviaStart = int32(i + 1)
	p.pos = i + 1
	p.checkMap(top)
	p.deliver(top)
}

// checkMap reports odd map literals and duplicate literal keys of maps and
// sets (keys compared by their token text; the evaluator's lowering compares
// values).
func (p *parser) checkMap(n *Node) {
	switch n.Kind {
	case Map, NamespacedMap, Set:
	default:
		return
	}
	// Error tokens (a stray closing delimiter inside the map) are reported
	// already and are not forms. They are the real cause: `{:a 1 :b 2)` is
	// a mismatched delimiter, not an odd map, and the parity of a map with
	// a wrong closer says nothing.
	kids, stray := n.Kids, false
	for _, k := range n.Kids {
		if k.Kind == Error {
			stray = true
		}
	}
	if stray {
		kids = make([]*Node, 0, len(n.Kids))
		for _, k := range n.Kids {
			if k.Kind != Error {
				kids = append(kids, k)
			}
		}
	}
	step := 1
	if n.Kind != Set {
		step = 2
		if len(kids)%2 != 0 && !stray {
			p.errAt(int(n.Start), int(n.End), "Map literal must contain an even number of forms", "", -1)
		}
	}
	if len(kids) < 2*step {
		return
	}
	seen := make(map[string]bool, len(kids)/step)
	for i := 0; i < len(kids); i += step {
		k := kids[i]
		switch k.Kind {
		case Keyword, String, Number, Char, Nil, Bool, Symbol:
		default:
			continue
		}
		if k.Bad() {
			continue
		}
		key := string(rune('a'+k.Kind)) + string(p.src[k.Start:k.End])
		if seen[key] {
			if e := p.errAt(int(k.Start), int(k.End), "Duplicate key: "+string(p.src[k.Start:k.End]), "", -1); e != nil {
				e.Cause = ErrDuplicateKey
			}
		}
		seen[key] = true
	}
}

func (p *parser) atom(kind Kind, start, end int, errMsg, lang string) {
	n := p.token(kind, start, end)
	if errMsg != "" {
		n.Flags |= FlagBad
		p.errAt(start, end, errMsg, lang, -1)
	}
	p.deliver(n)
}

func (p *parser) stringAtom(kind Kind, start, quote int) {
	end, ok := scanString(p.src, quote)
	if !ok {
		what := "string"
		if kind == Regex {
			what = "regex"
		}
		n := p.token(kind, start, end)
		n.Flags |= FlagBad
		if !p.full() {
			p.errAt(end, end, fmt.Sprintf("unterminated %s starting at %s", what, p.pos2(start)), "EOF while reading "+what, start)
		}
		p.deliver(n)
		return
	}
	text := p.src[quote:end]
	msg := ""
	if kind == String {
		if hasByte(text, '\\') {
			if _, err := UnquoteString(string(text)); err != nil {
				msg = err.Error()
			}
		}
	} else {
		pat := string(text[1 : len(text)-1])
		if _, err := syntax.Parse(pat, syntax.Perl); err != nil {
			msg = RegexError(pat, err)
		}
	}
	if msg == "" && !utf8.Valid(text) {
		msg = "invalid UTF-8 in " + kind.String()
	}
	p.atom(kind, start, end, msg, "")
}

// RegexError formats the language error for a pattern RE2 cannot compile.
func RegexError(pat string, err error) string {
	detail := err.Error()
	if e, ok := err.(*syntax.Error); ok {
		detail = e.Code.String()
		if e.Expr != "" {
			detail += ": " + e.Expr
		}
	}
	return "Unsupported regex (RE2): " + pat + ": " + detail
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func (p *parser) charAtom(i int) {
	src := p.src
	end := i + 1
	if end >= len(src) {
		p.atom(Char, i, end, "EOF while reading character", "")
		return
	}
	_, size := utf8.DecodeRune(src[end:])
	end = scanRun(src, end+size)
	msg := ""
	if _, err := DecodeChar(string(src[i:end])); err != nil {
		msg = err.Error()
	}
	p.atom(Char, i, end, msg, "")
}

func (p *parser) keywordAtom(i int) {
	src := p.src
	end := scanRun(src, i+1)
	text := src[i:end]
	if len(text) > 1 && text[1] == ':' {
		p.atom(Rejected, i, end, "Unsupported reader form: ::", "")
		return
	}
	msg := ""
	if !validSymbolBytes(text[1:]) {
		msg = "Invalid token: " + string(text)
	} else if !asciiOrValid(text) {
		msg = "invalid UTF-8 in keyword"
	}
	p.atom(Keyword, i, end, msg, "")
}

func (p *parser) numberAtom(i int) {
	end := scanRun(p.src, i)
	text := p.src[i:end]
	msg := ""
	if !simpleDecimal(text) {
		if _, err := ParseNumber(string(text)); err != nil {
			msg = err.Error()
		}
	}
	p.atom(Number, i, end, msg, "")
}

// simpleDecimal reports a short plain decimal integer, valid without
// decoding (the common case, kept allocation-free).
func simpleDecimal(b []byte) bool {
	if len(b) == 0 || len(b) > 18 {
		return false
	}
	if b[0] == '-' || b[0] == '+' {
		b = b[1:]
	}
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func asciiOrValid(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return utf8.Valid(b)
		}
	}
	return true
}

func (p *parser) symbolAtom(i int) {
	end := scanRun(p.src, i)
	if end == i { // cannot happen: every non-terminating byte is a constituent
		end = i + 1
	}
	text := p.src[i:end]
	kind, msg := Symbol, ""
	switch string(text) {
	case "nil":
		kind = Nil
	case "true", "false":
		kind = Bool
	default:
		if !validSymbolBytes(text) {
			msg = "Invalid token: " + string(text)
		} else if !asciiOrValid(text) {
			msg = "invalid UTF-8 in symbol"
		}
	}
	p.atom(kind, i, end, msg, "")
}

// validSymbolBytes is validSymbolText without converting to a string.
func validSymbolBytes(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	if len(s) == 1 && s[0] == '/' {
		return true
	}
	if last := s[len(s)-1]; last == ':' || last == '/' {
		return false
	}
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == ':' && s[i+1] == ':') || (s[i] == '/' && s[i+1] == '/') {
			return false
		}
	}
	return true
}

// validSymbolText applies the reader's token rules to symbol (or keyword
// name) text: no trailing ':', no '::', no '//', no trailing '/' (except
// "/" itself).
func validSymbolText(s string) bool {
	if s == "" {
		return false
	}
	if s == "/" {
		return true
	}
	if s[len(s)-1] == ':' || s[len(s)-1] == '/' {
		return false
	}
	return !strings.Contains(s, "::") && !strings.Contains(s, "//")
}

// ValidSymbolText reports whether s reads back as a single symbol.
func ValidSymbolText(s string) bool {
	if s == "" || s == "nil" || s == "true" || s == "false" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if class[s[i]] != clsConst {
			return false
		}
	}
	switch s[0] {
	case '\'', '#', ':':
		return false
	}
	if startsNumber([]byte(s), 0) {
		return false
	}
	return validSymbolText(s) && utf8.ValidString(s)
}

func (p *parser) dispatch(i int) {
	src := p.src
	if i+1 >= len(src) {
		p.atom(Error, i, i+1, "EOF while reading dispatch macro #", "EOF while reading")
		return
	}
	switch c := src[i+1]; c {
	case '{':
		p.open(Set, i, i+2)
	case '(':
		p.open(FnLit, i, i+2)
	case '"':
		p.stringAtom(Regex, i, i+1)
	case '_':
		p.prefix(Discard, i, i+2, 1)
	case '=', '\'':
		p.rejected(i, i+2, "Unsupported reader form: #"+string(c))
	case '?':
		end := i + 2
		if end < len(src) && src[end] == '@' {
			end++
		}
		p.errAt(i, end, "Conditional read not allowed", "", -1)
		p.prefix(Rejected, i, end, 1)
	case ':':
		if i+2 < len(src) && src[i+2] == ':' {
			p.rejected(i, i+3, "Unsupported reader form: #::")
			return
		}
		end := scanRun(src, i+2)
		if end >= len(src) || src[end] != '{' || end == i+2 {
			p.atom(Error, i, end, "Namespaced map must specify a map", "")
			return
		}
		if !validSymbolText(string(src[i+2 : end])) {
			p.errAt(i, end, "Invalid token: "+string(src[i:end]), "", -1)
		}
		p.open(NamespacedMap, i, end+1)
	case '#':
		end := scanRun(src, i+2)
		switch string(src[i+2 : end]) {
		case "Inf", "-Inf", "NaN":
			p.atom(Number, i, end, "", "")
		default:
			p.atom(Error, i, end, "Invalid token: "+string(src[i:end]), "")
		}
	default:
		if class[c] == clsConst {
			end := scanRun(src, i+1)
			p.errAt(i, end, "No reader function for tag "+string(src[i+1:end]), "", -1)
			p.prefix(Rejected, i, end, 1)
			return
		}
		p.atom(Error, i, i+1, "No dispatch macro for: "+string(c), "")
	}
}
