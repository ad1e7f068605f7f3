package lsp

import (
	"context"
	"slices"
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
			tk.gap(prev, n.Start)
			prev = tk.node(n, 0)
		}
		tk.gap(prev, int32(len(f.Src)))
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
