package lsp

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// encodeByMapper is the straightforward encoding (a position search per
// token) that tokenizer.encode must reproduce.
func encodeByMapper(t *tokenizer) []uint32 {
	m := t.snap.mapper()
	src, lt := t.snap.text, t.snap.lines
	var data []uint32
	var pl, pc uint32
	for _, tk := range t.toks {
		s := tk.start
		for s < tk.end {
			line := lt.Line(s)
			e := min(lt.LineEnd(line), tk.end)
			p := m.position(s)
			if length := m.width(src, s, e); length > 0 {
				dl, dc := p.Line-pl, p.Character
				if dl == 0 {
					dc = p.Character - pc
				}
				data = append(data, dl, dc, uint32(length), uint32(tk.typ), uint32(tk.mods))
				pl, pc = p.Line, p.Character
			}
			s = lt.LineStart(line + 1)
			if s <= e {
				break
			}
		}
	}
	return data
}

func TestSemanticEncodeMatchesMapper(t *testing.T) {
	src := "(def größe \"multi\nline 😀 string\") ; c 😀\n(defn 😀f [x]\r\n  (str x \"🌍\" größe)) \xff bad\n#_(ignored\n form) :kw"
	for _, utf8 := range []bool{false, true} {
		snap := newSnapshot(uri.URI("file:///t.spl"), 1, []byte(src), utf8)
		tk := &tokenizer{snap: snap, an: snap.analysis()}
		got, err := semanticTokens(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		tk.toks = nil
		// Rebuild the token list the same way and encode it by the mapper.
		f := snap.file
		prev := int32(0)
		for _, n := range f.Forms {
			tk.gap(prev, n.Start, 0)
			prev = tk.node(n, 0, 0)
		}
		tk.gap(prev, int32(len(f.Src)), 0)
		want := encodeByMapper(tk)
		if !slices.Equal(got, want) {
			t.Errorf("utf8=%v:\n got %v\nwant %v", utf8, got, want)
		}
	}
}

func TestMarshalSemanticTokens(t *testing.T) {
	id := `r"1\`
	for _, v := range []*protocol.SemanticTokens{
		{Data: []uint32{}},
		{Data: []uint32{0, 1, 2, 3, 4, 4294967295}},
		{ResultID: &id, Data: []uint32{7}},
	} {
		var a, b protocol.SemanticTokens
		if err := protocol.Unmarshal(marshalSemanticTokens(v), &a); err != nil {
			t.Fatalf("%s: %v", marshalSemanticTokens(v), err)
		}
		want, err := protocol.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := protocol.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Data, b.Data) || (a.ResultID == nil) != (b.ResultID == nil) || a.ResultID != nil && *a.ResultID != *b.ResultID {
			t.Errorf("fast %s, generic %s", marshalSemanticTokens(v), want)
		}
	}
}

// decodedToken is one semantic token with its text.
type decodedToken struct {
	text      string
	typ, mods int
}

// decodeTokens decodes the LSP encoding of an ASCII, single-line-token
// text.
func decodeTokens(t *testing.T, src string, data []uint32) []decodedToken {
	t.Helper()
	lines := strings.Split(src, "\n")
	var out []decodedToken
	var line, col uint32
	for i := 0; i+5 <= len(data); i += 5 {
		if data[i] > 0 {
			line += data[i]
			col = data[i+1]
		} else {
			col += data[i+1]
		}
		out = append(out, decodedToken{lines[line][col : col+data[i+2]], int(data[i+3]), int(data[i+4])})
	}
	return out
}

// TestSemanticTokenClasses: special forms and Spell forms are keywords,
// macros macros, builtins functions (issue 13 item 4); `!` calls and
// effect members carry effect; quoted non-final wrapper forms and a
// quine's non-final arguments carry inert.
func TestSemanticTokenClasses(t *testing.T) {
	src := `(quine completion (eval (do
  (quine notes (old note) (map inc [1]))
  (defn f [x] (when x (loop [i 0] (if (> i x) (recur (inc i)) :done))))
  (defmacro m [y] y)
  (def v (f 2))
  (think "plan" (io/ls "."))
  '(!call-now files (io/read-file "a"))
  (m (strings/upper-case (str v)))
  '(!call-now final (agents/!wait)))))`
	s := newSession(t, sessionOpts{})
	s.open(testURI, src)
	st, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(testURI)})
	if err != nil {
		t.Fatal(err)
	}
	toks := decodeTokens(t, src, st.Data)
	type want struct {
		text      string
		nth       int // which occurrence of text
		typ       int
		has, lack int // modifiers that must be set / unset
	}
	for _, w := range []want{
		{"quine", 0, tokKeyword, modDefaultLibrary, modInert},
		{"eval", 0, tokKeyword, modDefaultLibrary, 0},
		{"do", 0, tokKeyword, modDefaultLibrary, 0},
		{"old", 0, tokVariable, modInert, 0}, // unresolved, but inert
		{"map", 0, tokFunction, modDefaultLibrary, modInert},
		{"defn", 0, tokMacro, modDefaultLibrary, 0},
		{"f", 0, tokFunction, modDefinition, modDefaultLibrary},
		{"x", 0, tokParameter, modDefinition, 0},
		{"when", 0, tokMacro, modDefaultLibrary, 0},
		{"loop", 0, tokKeyword, modDefaultLibrary, 0},
		{"if", 0, tokKeyword, modDefaultLibrary, 0},
		{">", 0, tokFunction, modDefaultLibrary, modEffect},
		{"recur", 0, tokKeyword, modDefaultLibrary, 0},
		{"inc", 1, tokFunction, modDefaultLibrary, 0},
		{":done", 0, tokEnumMember, 0, 0},
		{"defmacro", 0, tokMacro, modDefaultLibrary, 0},
		{"m", 0, tokMacro, modDefinition, 0},
		{"def", 0, tokKeyword, modDefaultLibrary, 0},
		{"think", 0, tokKeyword, modDefaultLibrary, 0},
		{"ls", 0, tokFunction, modDefaultLibrary | modEffect, modInert},
		{"!call-now", 0, tokMacro, modDefaultLibrary | modEffect | modInert, 0},
		{"files", 0, tokVariable, modInert, 0},
		{"read-file", 0, tokFunction, modEffect | modInert, 0},
		{"upper-case", 0, tokFunction, modDefaultLibrary, modEffect | modInert},
		{"!call-now", 1, tokMacro, modEffect, modInert}, // the final form is live
		{"!wait", 0, tokFunction, modEffect, modInert},
	} {
		n := 0
		found := false
		for _, tk := range toks {
			if tk.text != w.text {
				continue
			}
			if n == w.nth {
				found = true
				if tk.typ != w.typ || tk.mods&w.has != w.has || tk.mods&w.lack != 0 {
					t.Errorf("%s #%d: type %s mods %b, want type %s with %b without %b",
						w.text, w.nth, tokenTypes[tk.typ], tk.mods, tokenTypes[w.typ], w.has, w.lack)
				}
				break
			}
			n++
		}
		if !found {
			t.Errorf("no token %q #%d in %v", w.text, w.nth, toks)
		}
	}
}

// TestSemanticTokensDelta: a delta request naming the last result gets
// edits that turn it into the new tokens; an unknown result id gets the
// full tokens.
func TestSemanticTokensDelta(t *testing.T) {
	s := newSession(t, sessionOpts{})
	src := "(quine completion (eval (do\n  (defn f [x] (inc x))\n  (def v (f 1))\n  (think \"plan\")\n  '(!call-now files (io/ls \".\")))))\n"
	s.open(testURI, src)
	full, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(testURI)})
	if err != nil || full.ResultID == nil {
		t.Fatalf("full: %v %+v", err, full)
	}
	// Rename the parameter's use on line 1: (inc x) -> (inc y): a local
	// becomes an unresolved name.
	change(s, 2, &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: protocol.Position{Line: 1, Character: 19}, End: protocol.Position{Line: 1, Character: 20}}, Text: "y"})
	res, err := s.server.SemanticTokensFullDelta(s.ctx, &protocol.SemanticTokensDeltaParams{TextDocument: docID(testURI), PreviousResultID: *full.ResultID})
	if err != nil {
		t.Fatal(err)
	}
	delta, ok := res.(*protocol.SemanticTokensDelta)
	if !ok || delta.ResultID == nil || len(delta.Edits) != 1 {
		t.Fatalf("delta: %T %+v", res, res)
	}
	got := slices.Clone(full.Data)
	for _, e := range delta.Edits {
		got = slices.Replace(got, int(e.Start), int(e.Start+e.DeleteCount), e.Data...)
	}
	want, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(testURI)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want.Data) {
		t.Fatalf("delta applied:\n%v\nwant\n%v", got, want.Data)
	}
	if len(delta.Edits[0].Data) >= len(want.Data)/2 {
		t.Errorf("delta is not small: %d of %d numbers", len(delta.Edits[0].Data), len(want.Data))
	}
	// An unknown (or superseded) result id gets full tokens.
	res, err = s.server.SemanticTokensFullDelta(s.ctx, &protocol.SemanticTokensDeltaParams{TextDocument: docID(testURI), PreviousResultID: *full.ResultID})
	if st, ok := res.(*protocol.SemanticTokens); err != nil || !ok || !slices.Equal(st.Data, want.Data) {
		t.Fatalf("unknown id: %v %T %+v", err, res, res)
	}
	// Unchanged: no edits.
	res, err = s.server.SemanticTokensFullDelta(s.ctx, &protocol.SemanticTokensDeltaParams{TextDocument: docID(testURI), PreviousResultID: *res.(*protocol.SemanticTokens).ResultID})
	if d, ok := res.(*protocol.SemanticTokensDelta); err != nil || !ok || len(d.Edits) != 0 {
		t.Fatalf("unchanged: %v %T %+v", err, res, res)
	}
}

// TestSemanticClassesAgreeWithGrammar: the forms the server colours as
// keyword and macro are the grammar's CONTROL and MACROS lists
// (editors/vscode/scripts/gen-grammar.mjs), so the colours do not change
// when semantic tokens arrive (issue 13 item 4).
func TestSemanticClassesAgreeWithGrammar(t *testing.T) {
	src, err := os.ReadFile("../editors/vscode/scripts/gen-grammar.mjs")
	if err != nil {
		t.Skip(err) // the editor directory is not part of every checkout
	}
	list := func(name string) []string {
		m := regexp.MustCompile(`(?s)const ` + name + ` = \[(.*?)\n\];`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no %s list in gen-grammar.mjs", name)
		}
		var out []string
		for _, w := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(regexp.MustCompile(`//[^\n]*`).ReplaceAll(m[1], nil), -1) {
			out = append(out, string(w[1]))
		}
		slices.Sort(out)
		return out
	}
	var control []string
	for k := range controlForms {
		control = append(control, k)
	}
	slices.Sort(control)
	if g := list("CONTROL"); !slices.Equal(g, control) {
		t.Errorf("grammar CONTROL %q, server keyword forms %q", g, control)
	}
	for _, name := range list("MACROS") {
		snap := newSnapshot(uri.URI("file:///m.spl"), 1, []byte("("+name+")"), false)
		data, err := semanticTokens(context.Background(), snap)
		if err != nil || len(data) < 5 || data[len(data)-2] != tokMacro {
			t.Errorf("%s: tokens %v, want macro", name, data)
		}
	}
}
