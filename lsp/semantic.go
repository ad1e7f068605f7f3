package lsp

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// Semantic token types and modifiers (tooling.md §5, issue 13 item 4): the
// order is the legend's. keyword is the special forms and Spell forms
// (controlForms, the same list as the TextMate grammar's keyword.control),
// macro the other built-in macros and user defmacros, function builtins and
// user defns; enumMember is a :keyword literal. The legend is written down
// for the editor in the extension's package.json (semanticTokenScopes).
const (
	tokNamespace = iota
	tokFunction
	tokMacro
	tokKeyword
	tokVariable
	tokParameter
	tokString
	tokNumber
	tokRegexp
	tokComment
	tokEnumMember
)

const (
	modDefinition = 1 << iota
	modDefaultLibrary
	modEffect
	modInert
)

var tokenTypes = []string{"namespace", "function", "macro", "keyword", "variable", "parameter", "string", "number", "regexp", "comment", "enumMember"}
var tokenModifiers = []string{"definition", "defaultLibrary", "effect", "inert"}

// controlForms are coloured as keywords: the special forms (language.md
// §5.2, with catch and reopen-eval, which only their enclosing forms give a
// meaning), eval (a host function every program's environment binds) and
// the turn-shaping macros think, rethink and prune. Keep in sync with
// CONTROL in editors/vscode/scripts/gen-grammar.mjs.
var controlForms = map[string]bool{
	"quote": true, "def": true, "persist": true, "do": true, "if": true, "let": true, "fn": true, "fn*": true,
	"quine": true, "reopen": true, "reopen-eval": true, "loop": true, "recur": true, "for": true, "try": true,
	"catch": true, "eval": true, "think": true, "rethink": true, "prune": true,
}

func semanticLegend() protocol.SemanticTokensLegend {
	return protocol.SemanticTokensLegend{TokenTypes: tokenTypes, TokenModifiers: tokenModifiers}
}

// SemanticTokensFull classifies every token of the document. The result
// carries an id; a later full/delta request naming it gets only the edit
// from this result to the new one.
func (s *Server) SemanticTokensFull(ctx context.Context, params *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	data, err := semanticTokens(ctx, snap)
	if err != nil {
		return nil, err
	}
	id := s.tokens.put(params.TextDocument.URI, data)
	return &protocol.SemanticTokens{ResultID: &id, Data: data}, nil
}

// SemanticTokensFullDelta answers the change since the result the client
// holds as one edit (the differing middle of the token data): after a
// small edit of a large file a few numbers instead of the whole file's
// tokens. An unknown previous result gets the full tokens.
func (s *Server) SemanticTokensFullDelta(ctx context.Context, params *protocol.SemanticTokensDeltaParams) (protocol.SemanticTokensDeltaResult, error) {
	u := params.TextDocument.URI
	snap, err := s.store.get(u)
	if err != nil {
		return nil, nil
	}
	data, err := semanticTokens(ctx, snap)
	if err != nil {
		return nil, err
	}
	prev, ok := s.tokens.get(u, params.PreviousResultID)
	id := s.tokens.put(u, data)
	if !ok {
		return &protocol.SemanticTokens{ResultID: &id, Data: data}, nil
	}
	return &protocol.SemanticTokensDelta{ResultID: &id, Edits: tokenEdits(prev, data)}, nil
}

// tokenEdits returns the edits turning old into new: none when equal, else
// one edit replacing what lies between the common prefix and suffix.
func tokenEdits(old, new []uint32) []protocol.SemanticTokensEdit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	if p == len(old) && p == len(new) {
		return []protocol.SemanticTokensEdit{}
	}
	q := 0
	for q < len(old)-p && q < len(new)-p && old[len(old)-1-q] == new[len(new)-1-q] {
		q++
	}
	return []protocol.SemanticTokensEdit{{Start: uint32(p), DeleteCount: uint32(len(old) - p - q), Data: slices.Clone(new[p : len(new)-q])}}
}

// tokenResults keeps the last semantic tokens result sent for each open
// document (delta requests refer to it).
type tokenResults struct {
	mu   sync.Mutex
	next uint64
	last map[uri.URI]tokenResult
}

type tokenResult struct {
	id   string
	data []uint32
}

func (r *tokenResults) put(u uri.URI, data []uint32) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	id := strconv.FormatUint(r.next, 10)
	if r.last == nil {
		r.last = map[uri.URI]tokenResult{}
	}
	r.last[u] = tokenResult{id: id, data: data}
	return id
}

func (r *tokenResults) get(u uri.URI, id string) ([]uint32, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.last[u]
	if !ok || t.id != id {
		return nil, false
	}
	return t.data, true
}

func (r *tokenResults) forget(u uri.URI) {
	r.mu.Lock()
	delete(r.last, u)
	r.mu.Unlock()
}

type semTok struct {
	start, end int
	typ, mods  int
}

type tokenizer struct {
	snap *snapshot
	an   *analysis
	toks []semTok
	occ  int // symbols are visited in source order: the next candidate in an.occs
}

func semanticTokens(ctx context.Context, snap *snapshot) ([]uint32, error) {
	t := &tokenizer{snap: snap, an: snap.analysis()}
	t.toks = make([]semTok, 0, len(t.an.occs)+len(snap.text)/16)
	f := snap.file
	prev := int32(0)
	for i, n := range f.Forms {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, protocol.ErrRequestCancelled
		}
		t.gap(prev, n.Start, 0)
		prev = t.node(n, 0, 0)
	}
	t.gap(prev, int32(len(f.Src)), 0)
	return t.encode(), nil
}

// gap emits the comments and discards of the trivia in [start, end).
func (t *tokenizer) gap(start, end int32, mods int) {
	if end <= start {
		return
	}
	// Most gaps are blanks: only ';' (comment), '#' (#_ discard, #! line)
	// start something to colour.
	src := t.snap.file.Src[start:end]
	if bytes.IndexByte(src, ';') < 0 && bytes.IndexByte(src, '#') < 0 {
		return
	}
	for _, tr := range t.snap.file.Trivia(start, end) {
		if tr.Kind == syntax.TriviaComment || tr.Kind == syntax.TriviaDiscard {
			t.add(int(tr.Start), int(tr.End), tokComment, mods)
		}
	}
}

func (t *tokenizer) add(start, end, typ, mods int) {
	if end > start {
		t.toks = append(t.toks, semTok{start, end, typ, mods})
	}
}

// inertKids returns the range [from, to) of n's kids that are never
// evaluated: the quoted non-final forms of the wrapper's do (old trailing
// expressions; only quoted ones, see quoted) and the arguments of a quine
// before its last (language.md §5.2). to is 0 when there are none.
func (t *tokenizer) inertKids(n *syntax.Node) (from, to int, quoted bool) {
	if w := t.an.wrapper; w != nil && n == w.do && len(n.Kids) > 2 {
		return 1, len(n.Kids) - 1, true
	}
	if len(n.Kids) > 3 && headName(t.snap.text, n) == "quine" && n.Kids[1].Kind == syntax.Symbol {
		return 2, len(n.Kids) - 1, false
	}
	return 0, 0, false
}

// node emits the tokens of n and returns the end of its last token; mods
// (inert) apply to every token inside.
func (t *tokenizer) node(n *syntax.Node, depth, mods int) int32 {
	if depth > maxDepth {
		return n.End
	}
	if n.Kind.IsAtom() {
		t.atom(n, mods)
		return n.End
	}
	from, to, quoted := 0, 0, false
	if n.Kind == syntax.List && mods&modInert == 0 {
		from, to, quoted = t.inertKids(n)
	}
	prev := n.OpenEnd
	for i, k := range n.Kids {
		t.gap(prev, k.Start, mods)
		km := mods
		if from <= i && i < to && (!quoted || unquote(t.snap.text, k) != nil) {
			km |= modInert
		}
		prev = t.node(k, depth+1, km)
	}
	if n.Kind.IsComposite() && n.CloseStart >= 0 {
		t.gap(prev, n.CloseStart, mods)
		return n.End
	}
	return prev
}

func (t *tokenizer) atom(n *syntax.Node, mods int) {
	start, end := int(n.Start), int(n.End)
	switch n.Kind {
	case syntax.Keyword:
		t.add(start, end, tokEnumMember, mods)
	case syntax.String, syntax.Char:
		t.add(start, end, tokString, mods)
	case syntax.Number:
		t.add(start, end, tokNumber, mods)
	case syntax.Regex:
		t.add(start, end, tokRegexp, mods)
	case syntax.Symbol:
		t.symbol(n, mods)
	}
}

func (t *tokenizer) symbol(n *syntax.Node, mods int) {
	src := t.snap.text
	start, end := int(n.Start), int(n.End)
	name := n.Text(src)
	if strings.HasPrefix(name, "!") {
		mods |= modEffect
	}
	occs := t.an.occs
	for t.occ < len(occs) && occs[t.occ].node.Start < n.Start {
		t.occ++
	}
	if t.occ < len(occs) && occs[t.occ].node == n && occs[t.occ].b != nil {
		b := occs[t.occ].b
		if b.isDef(n) {
			mods |= modDefinition
		}
		typ := tokVariable
		switch b.kind {
		case bindDefn:
			typ = tokFunction
		case bindMacro:
			typ = tokMacro
		case bindParam:
			typ = tokParameter
		}
		t.add(start, end, typ, mods)
		return
	}
	e, ok := catalog.Lookup(name)
	if !ok {
		if ns, member := splitNS(name); ns != "" {
			if strings.HasPrefix(member, "!") {
				mods |= modEffect
			}
			t.add(start, start+len(ns), tokNamespace, mods)
		} else if mods&modInert != 0 {
			t.add(start, end, tokVariable, mods) // dimmed with the rest of an inert form
		}
		return
	}
	mods |= modDefaultLibrary
	typ := tokFunction
	switch {
	case controlForms[name] || e.Kind == catalog.SpecialForm:
		typ = tokKeyword
	case e.Kind == catalog.Macro:
		typ = tokMacro
	case e.Kind == catalog.EffectBuiltin || e.Kind == catalog.EffectMember:
		mods |= modEffect
	case e.Kind == catalog.Constant:
		typ = tokVariable
	}
	if e.Namespace != "" && strings.HasPrefix(name, e.Namespace+"/") {
		if _, member := splitNS(name); strings.HasPrefix(member, "!") {
			mods |= modEffect
		}
		nsEnd := start + len(e.Namespace)
		t.add(start, nsEnd, tokNamespace, mods&^modDefinition)
		t.add(nsEnd+1, end, typ, mods)
		return
	}
	t.add(start, end, typ, mods)
}

// encode turns the tokens into the relative LSP encoding, splitting tokens
// that span lines. Tokens come in source order (sorted here only should they
// not), so positions are computed by a cursor that moves forward through
// the text instead of a search per token.
func (t *tokenizer) encode() []uint32 {
	cmp := func(a, b semTok) int { return a.start - b.start }
	if !slices.IsSortedFunc(t.toks, cmp) {
		slices.SortStableFunc(t.toks, cmp)
	}
	src := t.snap.text
	lt := t.snap.lines
	utf8Units := t.snap.utf8
	data := make([]uint32, 0, len(t.toks)*5)
	var pl, pc uint32
	// The cursor: line, its start and end, and the column of byte offset
	// at (in the negotiated unit), with at on the line.
	line := 0
	lineStart, lineEnd := lt.LineStart(0), lt.LineEnd(0)
	at, col := lineStart, 0
	seek := func(off int) {
		if off < at || off > lineEnd {
			line = lt.Line(off)
			lineStart, lineEnd = lt.LineStart(line), lt.LineEnd(line)
			at, col = lineStart, 0
		}
		col += unitWidth(src, at, off, utf8Units)
		at = off
	}
	for _, tk := range t.toks {
		s := tk.start
		for s < tk.end {
			seek(s)
			e := min(lineEnd, tk.end)
			if length := unitWidth(src, s, e, utf8Units); length > 0 {
				l, c := uint32(line), uint32(col)
				dl, dc := l-pl, c
				if dl == 0 {
					dc = c - pc
				}
				data = append(data, dl, dc, uint32(length), uint32(tk.typ), uint32(tk.mods))
				pl, pc = l, c
			}
			next := lt.LineStart(line + 1)
			if next <= e {
				break
			}
			s = next
		}
	}
	return data
}

// unitWidth returns the length of src[start:end] in UTF-8 bytes or UTF-16
// code units (an invalid byte counts as one unit, as in mapper.width).
func unitWidth(src []byte, start, end int, utf8Units bool) int {
	if utf8Units || end <= start {
		return max(end-start, 0)
	}
	n := 0
	for i := start; i < end; {
		if src[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:end])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}
