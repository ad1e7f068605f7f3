package lsp

import (
	"context"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// Semantic token types and modifiers (tooling.md §5): the order is the
// legend's.
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
)

const (
	modDefinition = 1 << iota
	modDefaultLibrary
	modEffect
	modInert
)

var tokenTypes = []string{"namespace", "function", "macro", "keyword", "variable", "parameter", "string", "number", "regexp", "comment"}
var tokenModifiers = []string{"definition", "defaultLibrary", "effect", "inert"}

func semanticLegend() protocol.SemanticTokensLegend {
	return protocol.SemanticTokensLegend{TokenTypes: tokenTypes, TokenModifiers: tokenModifiers}
}

// SemanticTokensFull classifies every token of the document.
func (s *Server) SemanticTokensFull(ctx context.Context, params *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	data, err := semanticTokens(ctx, snap)
	if err != nil {
		return nil, err
	}
	return &protocol.SemanticTokens{Data: data}, nil
}

type semTok struct {
	start, end int
	typ, mods  int
}

type tokenizer struct {
	snap  *snapshot
	an    *analysis
	inert [][2]int32
	toks  []semTok
}

func semanticTokens(ctx context.Context, snap *snapshot) ([]uint32, error) {
	t := &tokenizer{snap: snap, an: snap.analysis()}
	if w := t.an.wrapper; w != nil && len(w.do.Kids) > 2 {
		for _, k := range w.do.Kids[1 : len(w.do.Kids)-1] {
			if unquote(snap.text, k) != nil {
				t.inert = append(t.inert, [2]int32{k.Start, k.End})
			}
		}
	}
	f := snap.file
	prev := int32(0)
	for i, n := range f.Forms {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, protocol.ErrRequestCancelled
		}
		t.gap(prev, n.Start)
		prev = t.node(n, 0)
	}
	t.gap(prev, int32(len(f.Src)))
	return t.encode(), nil
}

// gap emits the comments and discards of the trivia in [start, end).
func (t *tokenizer) gap(start, end int32) {
	if end <= start {
		return
	}
	for _, tr := range t.snap.file.Trivia(start, end) {
		if tr.Kind == syntax.TriviaComment || tr.Kind == syntax.TriviaDiscard {
			t.add(int(tr.Start), int(tr.End), tokComment, 0)
		}
	}
}

func (t *tokenizer) inInert(off int32) bool {
	for _, r := range t.inert {
		if r[0] <= off && off < r[1] {
			return true
		}
	}
	return false
}

func (t *tokenizer) add(start, end, typ, mods int) {
	if end > start {
		t.toks = append(t.toks, semTok{start, end, typ, mods})
	}
}

// node emits the tokens of n and returns the end of its last token.
func (t *tokenizer) node(n *syntax.Node, depth int) int32 {
	if depth > maxDepth {
		return n.End
	}
	if n.Kind.IsAtom() {
		t.atom(n)
		return n.End
	}
	prev := n.OpenEnd
	for _, k := range n.Kids {
		t.gap(prev, k.Start)
		prev = t.node(k, depth+1)
	}
	if n.Kind.IsComposite() && n.CloseStart >= 0 {
		t.gap(prev, n.CloseStart)
		return n.End
	}
	return prev
}

func (t *tokenizer) atom(n *syntax.Node) {
	start, end := int(n.Start), int(n.End)
	mods := 0
	if t.inInert(n.Start) {
		mods |= modInert
	}
	switch n.Kind {
	case syntax.Keyword:
		t.add(start, end, tokKeyword, mods)
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
	if occ, ok := t.an.occurrenceAt(start); ok && occ.node == n && occ.b != nil {
		b := occ.b
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
	if strings.HasPrefix(name, "!") {
		mods |= modEffect
	}
	e, ok := catalog.Lookup(name)
	if !ok {
		if ns, _ := splitNS(name); ns != "" {
			t.add(start, start+len(ns), tokNamespace, mods)
		}
		return
	}
	mods |= modDefaultLibrary
	typ := tokFunction
	switch e.Kind {
	case catalog.SpecialForm, catalog.Macro:
		typ = tokMacro
	case catalog.EffectBuiltin, catalog.EffectMember:
		mods |= modEffect
	case catalog.Constant:
		typ = tokVariable
	}
	if e.Namespace != "" && strings.HasPrefix(name, e.Namespace+"/") {
		nsEnd := start + len(e.Namespace)
		t.add(start, nsEnd, tokNamespace, mods&^modDefinition)
		t.add(nsEnd+1, end, typ, mods)
		return
	}
	t.add(start, end, typ, mods)
}

// encode turns the tokens into the relative LSP encoding, splitting tokens
// that span lines.
func (t *tokenizer) encode() []uint32 {
	sort.SliceStable(t.toks, func(i, j int) bool { return t.toks[i].start < t.toks[j].start })
	m := t.snap.mapper()
	src := t.snap.text
	lt := t.snap.lines
	data := make([]uint32, 0, len(t.toks)*5)
	var pl, pc uint32
	emit := func(start, end, typ, mods int) {
		p := m.position(start)
		length := m.width(src, start, end)
		if length == 0 {
			return
		}
		dl := p.Line - pl
		dc := p.Character
		if dl == 0 {
			dc = p.Character - pc
		}
		data = append(data, dl, dc, uint32(length), uint32(typ), uint32(mods))
		pl, pc = p.Line, p.Character
	}
	for _, tk := range t.toks {
		s := tk.start
		for s < tk.end {
			line := lt.Line(s)
			e := lt.LineEnd(line)
			if e > tk.end {
				e = tk.end
			}
			emit(s, e, tk.typ, tk.mods)
			s = lt.LineStart(line + 1)
			if s <= e {
				break
			}
		}
	}
	return data
}
