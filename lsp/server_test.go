package lsp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

const testURI = uri.URI("file:///test/a.spl")

func wireCode(err error) jsonrpc2.Code {
	var we *jsonrpc2.Error
	if errors.As(err, &we) {
		return we.Code
	}
	return 0
}

func TestLifecycle(t *testing.T) {
	s := newSession(t, sessionOpts{noInit: true})
	_, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{})})
	if wireCode(err) != jsonrpc2.ServerNotInitialized {
		t.Fatalf("hover before initialize: %v, want ServerNotInitialized", err)
	}
	if _, err := s.server.Initialize(s.ctx, &protocol.InitializeParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.server.Initialize(s.ctx, &protocol.InitializeParams{}); wireCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("second initialize: %v", err)
	}
	if err := s.server.Shutdown(s.ctx); err != nil {
		t.Fatal(err)
	}
	_, err = s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{})})
	if wireCode(err) != jsonrpc2.InvalidRequest {
		t.Fatalf("hover after shutdown: %v, want InvalidRequest", err)
	}
	s.closed = true
	_ = s.server.Exit(s.ctx)
	if code := <-s.done; code != 0 {
		t.Fatalf("exit after shutdown: code %d", code)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	s := newSession(t, sessionOpts{})
	s.closed = true
	_ = s.server.Exit(s.ctx)
	if code := <-s.done; code != 1 {
		t.Fatalf("exit without shutdown: code %d, want 1", code)
	}
}

func change(s *session, version int32, changes ...protocol.TextDocumentContentChangeEvent) {
	s.t.Helper()
	err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(testURI), Version: version},
		ContentChanges: changes,
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func partial(sl, sc, el, ec uint32, text string) protocol.TextDocumentContentChangeEvent {
	return &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: protocol.Position{Line: sl, Character: sc}, End: protocol.Position{Line: el, Character: ec}},
		Text:  text,
	}
}

func hoverAt(s *session, line, col uint32) string {
	h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{Line: line, Character: col})})
	if err != nil || h == nil {
		return ""
	}
	return h.Contents.(*protocol.MarkupContent).Value
}

func TestIncrementalSyncUTF16AndVersions(t *testing.T) {
	for _, utf8 := range []bool{false, true} {
		t.Run(fmt.Sprint("utf8=", utf8), func(t *testing.T) {
			s := newSession(t, sessionOpts{utf8: utf8})
			s.open(testURI, "(def 😀 \"🌍\") (inc 😀)\n")
			s.waitDiags(testURI, 1)
			// Replace "inc" (after the emoji string) by "dec".
			col := uint32(15) // UTF-16: ( d e f sp 😀(2) sp " 🌍(2) " ) sp ( = 15
			if utf8 {
				col = 19
			}
			change(s, 2, partial(0, col, 0, col+3, "dec"))
			if h := hoverAt(s, 0, col+1); !strings.Contains(h, "(dec x)") {
				t.Fatalf("after incremental change, hover = %q", h)
			}
			// A stale version is ignored.
			change(s, 2, &protocol.TextDocumentContentChangeWholeDocument{Text: "(inc 1)\n"})
			if h := hoverAt(s, 0, col+1); !strings.Contains(h, "(dec x)") {
				t.Fatalf("stale change applied: hover = %q", h)
			}
			// Full sync replaces everything.
			change(s, 3, &protocol.TextDocumentContentChangeWholeDocument{Text: "(inc 1)\n"})
			if h := hoverAt(s, 0, 2); !strings.Contains(h, "(inc x)") {
				t.Fatalf("full change: hover = %q", h)
			}
			p := s.waitDiags(testURI, 3)
			if len(p.Diagnostics) != 0 {
				t.Fatalf("diagnostics: %v", p.Diagnostics)
			}
		})
	}
}

func TestFormattingMinimalEdits(t *testing.T) {
	s := newSession(t, sessionOpts{})
	src := "(defn f [x]\n      (inc   x))\n\n\n\n(f  1)\n"
	s.open(testURI, src)
	edits, err := s.server.Formatting(s.ctx, &protocol.DocumentFormattingParams{TextDocument: docID(testURI)})
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) != 4 {
		t.Errorf("want 4 small edits, got %d: %+v", len(edits), edits)
	}
	var es []edit
	m := mapper{lt: newSnapshot(testURI, 0, []byte(src), false).lines}
	for _, e := range edits {
		es = append(es, edit{Start: m.offset(e.Range.Start), End: m.offset(e.Range.End), NewText: e.NewText})
	}
	got := string(applyEdits([]byte(src), es))
	want := "(defn f [x]\n  (inc x))\n\n(f 1)\n"
	if got != want {
		t.Fatalf("formatted:\n%q\nwant\n%q", got, want)
	}
	// Already formatted: no edits. Syntax errors: no edits.
	change(s, 2, &protocol.TextDocumentContentChangeWholeDocument{Text: want})
	if edits, _ := s.server.Formatting(s.ctx, &protocol.DocumentFormattingParams{TextDocument: docID(testURI)}); len(edits) != 0 {
		t.Fatalf("formatted text got edits %v", edits)
	}
	// Syntax errors: no edits, and an error the editor shows, with the
	// position of the first syntax error (issue 13).
	change(s, 3, &protocol.TextDocumentContentChangeWholeDocument{Text: "(defn f [x]\n      (inc   x)\n"})
	for _, req := range []func() ([]protocol.TextEdit, error){
		func() ([]protocol.TextEdit, error) {
			return s.server.Formatting(s.ctx, &protocol.DocumentFormattingParams{TextDocument: docID(testURI)})
		},
		func() ([]protocol.TextEdit, error) {
			return s.server.RangeFormatting(s.ctx, &protocol.DocumentRangeFormattingParams{TextDocument: docID(testURI)})
		},
	} {
		edits, err := req()
		var je *jsonrpc2.Error
		if len(edits) != 0 || !errors.As(err, &je) || je.Code != jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed) ||
			!strings.Contains(je.Message, "a.spl:3:1: unclosed ( opened at 1:1") {
			t.Fatalf("syntax error text: edits %v, error %#v", edits, err)
		}
	}
	// On-type formatting stays quiet while the user types.
	if edits, err := s.server.OnTypeFormatting(s.ctx, &protocol.DocumentOnTypeFormattingParams{TextDocument: docID(testURI), Ch: "\n"}); len(edits) != 0 || err != nil {
		t.Fatalf("on-type formatting of a broken file: %v %v", edits, err)
	}
	// Range formatting keeps the edits in the range.
	change(s, 4, &protocol.TextDocumentContentChangeWholeDocument{Text: src})
	edits, _ = s.server.RangeFormatting(s.ctx, &protocol.DocumentRangeFormattingParams{TextDocument: docID(testURI),
		Range: protocol.Range{Start: protocol.Position{Line: 5, Character: 1}, End: protocol.Position{Line: 5, Character: 5}}})
	if len(edits) != 1 || edits[0].NewText != "" || edits[0].Range.Start.Line != 5 {
		t.Fatalf("range formatting: %+v", edits)
	}
}

func TestDiffEdits(t *testing.T) {
	for _, c := range [][2]string{
		{"(a(b))", "(a (b))"},
		{"(a ,b)", "(a, b)"},
		{"\"x  y\"   z", "\"x  y\" z"},
		{"(x)\r\n", "(x)\n"},
		{"abc", "abd"},
		{"", "x"},
	} {
		got := string(applyEdits([]byte(c[0]), diffEdits([]byte(c[0]), []byte(c[1]))))
		if got != c[1] {
			t.Errorf("diff %q → %q gave %q", c[0], c[1], got)
		}
	}
}

func TestLintDisabledAndRelated(t *testing.T) {
	s := newSession(t, sessionOpts{initOpts: `{"lint": false}`})
	s.open(testURI, "(let [x 1]\n  (inc 1 2)\n")
	p := s.waitDiags(testURI, 1)
	if len(p.Diagnostics) != 1 {
		t.Fatalf("lint off: want only the syntax error, got %+v", p.Diagnostics)
	}
	d := p.Diagnostics[0]
	if d.Code != protocol.String("syntax") || len(d.RelatedInformation) != 1 || d.RelatedInformation[0].Location.Range.Start != (protocol.Position{}) {
		t.Fatalf("syntax diagnostic: %+v", d)
	}
	acts, err := s.server.CodeAction(s.ctx, &protocol.CodeActionParams{TextDocument: docID(testURI), Range: d.Range,
		Context: protocol.CodeActionContext{Diagnostics: p.Diagnostics}})
	if err != nil || len(acts) != 1 {
		t.Fatalf("code actions: %v %+v", err, acts)
	}
	ca := acts[0].(*protocol.CodeAction)
	if e := ca.Edit.Changes[testURI]; len(e) != 1 || e[0].NewText != ")" {
		t.Fatalf("closer action: %+v", ca)
	}
}

func TestCodeActionLintFixes(t *testing.T) {
	s := newSession(t, sessionOpts{})
	s.open(testURI, "(let [x 1] 2)\n")
	p := s.waitDiags(testURI, 1)
	if len(p.Diagnostics) == 0 {
		t.Fatal("no diagnostics")
	}
	acts, err := s.server.CodeAction(s.ctx, &protocol.CodeActionParams{TextDocument: docID(testURI), Range: p.Diagnostics[0].Range})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range acts {
		titles = append(titles, a.(*protocol.CodeAction).Title)
	}
	if !strings.Contains(strings.Join(titles, "|"), "spell/ignore") {
		t.Fatalf("code actions: %v", titles)
	}
}

func TestBadInput(t *testing.T) {
	s := newSession(t, sessionOpts{})
	// Request for a document that was never opened, position past the end.
	for _, u := range []uri.URI{"file:///nope.spl", testURI} {
		pp := posParams(u, protocol.Position{Line: 1000, Character: 1000})
		if _, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: pp}); err != nil {
			t.Errorf("hover: %v", err)
		}
		if _, err := s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: pp}); err != nil {
			t.Errorf("completion: %v", err)
		}
		if _, err := s.server.Definition(s.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: pp}); err != nil {
			t.Errorf("definition: %v", err)
		}
		if _, err := s.server.SignatureHelp(s.ctx, &protocol.SignatureHelpParams{TextDocumentPositionParams: pp}); err != nil {
			t.Errorf("signature help: %v", err)
		}
		s.open(testURI, "(defn f [x\n  (str \"\xff\xfe\" x")
	}
	// Half-typed, invalid UTF-8 and large documents still answer.
	for i, text := range []string{"(", ")", "(strings/", "\xff\xfe(def \xc3", "#_", "'", strings.Repeat("(", 100000), strings.Repeat("(def x [1 2 3]) ; 😀 comment\n", 5<<20/30)} {
		change(s, int32(10+i), &protocol.TextDocumentContentChangeWholeDocument{Text: text})
		for _, pos := range []protocol.Position{{}, {Line: 0, Character: 3}, {Line: 99999, Character: 5}} {
			pp := posParams(testURI, pos)
			_, _ = s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: pp})
			_, _ = s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: pp})
			_, _ = s.server.SelectionRange(s.ctx, &protocol.SelectionRangeParams{TextDocument: docID(testURI), Positions: []protocol.Position{pos}})
		}
		_, _ = s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(testURI)})
		_, _ = s.server.FoldingRanges(s.ctx, &protocol.FoldingRangeParams{TextDocument: docID(testURI)})
		_, _ = s.server.DocumentSymbol(s.ctx, &protocol.DocumentSymbolParams{TextDocument: docID(testURI)})
		_, _ = s.server.Formatting(s.ctx, &protocol.DocumentFormattingParams{TextDocument: docID(testURI)})
	}
	s.waitDiags(testURI, 17)
	if err := s.server.DidClose(s.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: docID(testURI)}); err != nil {
		t.Fatal(err)
	}
	if h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{})}); h != nil || err != nil {
		t.Fatalf("hover of closed document: %v %v", h, err)
	}
}

// rawFrame writes one Content-Length frame.
func rawFrame(w io.Writer, body string) {
	fmt.Fprintf(w, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

func readFrame(r *bufio.Reader) (string, error) {
	tp := textproto.NewReader(r)
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(h.Get("Content-Length"))
	if err != nil {
		return "", err
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

func TestMalformedJSONRPC(t *testing.T) {
	sp, cp := net.Pipe()
	done := make(chan int, 1)
	go func() { done <- Serve(context.Background(), sp, Options{}); sp.Close() }()
	r := bufio.NewReader(cp)
	cp.SetDeadline(time.Now().Add(time.Minute)) // a hang guard
	go func() {
		rawFrame(cp, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
		rawFrame(cp, `{not json`)
		rawFrame(cp, `{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.spl"},"position":{"line":0,"character":0}}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":42}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","id":4,"method":"shutdown"}`)
		rawFrame(cp, `{"jsonrpc":"2.0","method":"exit"}`)
	}()
	var got []string
	for i := 0; i < 5; i++ {
		f, err := readFrame(r)
		if err != nil {
			t.Fatalf("frame %d: %v (so far %v)", i, err, got)
		}
		got = append(got, f)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{`"id":null,"error":{"code":-32700`, `"id":2,"result":null`, `"id":3,"error":{"code":-32602`, `"id":4,"result":null`} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %s in\n%s", want, all)
		}
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func TestCancelRequest(t *testing.T) {
	sp, cp := net.Pipe()
	done := make(chan int, 1)
	go func() { done <- Serve(context.Background(), sp, Options{}); sp.Close() }()
	r := bufio.NewReader(cp)
	cp.SetDeadline(time.Now().Add(time.Minute)) // a hang guard
	big := strings.Repeat("(def x [1 2 3]) ; comment\n", 200000)
	go func() {
		rawFrame(cp, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///big.spl","languageId":"spell","version":1,"text":`+strconv.Quote(big)+`}}}`)
		for i := 0; i < 5; i++ {
			rawFrame(cp, fmt.Sprintf(`{"jsonrpc":"2.0","id":"sem-%d","method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///big.spl"}}}`, i))
			rawFrame(cp, fmt.Sprintf(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"sem-%d"}}`, i))
		}
	}()
	cancelled, answered := 0, 0
	for answered < 5 {
		f, err := readFrame(r)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if strings.Contains(f, `"code":-32800`) {
			cancelled++
		}
		if strings.Contains(f, `"id":"sem-`) {
			answered++
		}
	}
	if cancelled == 0 {
		t.Fatalf("no request was cancelled")
	}
	go func() {
		rawFrame(cp, `{"jsonrpc":"2.0","id":9,"method":"shutdown"}`)
		rawFrame(cp, `{"jsonrpc":"2.0","method":"exit"}`)
	}()
	go io.Copy(io.Discard, r)
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func TestWorkspaceSymbolsAndMore(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.spl"), []byte("(defn helper-one [x] x)\n(def helper-two 2)\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "b.spl"), []byte("(def other 1)\n"), 0o644)
	s := newSession(t, sessionOpts{folders: []string{dir}})
	r, err := s.server.Symbols(s.ctx, &protocol.WorkspaceSymbolParams{Query: "helper"})
	if err != nil {
		t.Fatal(err)
	}
	// Both arms of the union are arrays: the client decodes the first.
	var names []string
	switch syms := r.(type) {
	case protocol.WorkspaceSymbolSlice:
		for _, s := range syms {
			names = append(names, s.Name)
		}
	case protocol.SymbolInformationSlice:
		for _, s := range syms {
			names = append(names, s.Name)
		}
	}
	if strings.Join(names, " ") != "helper-one helper-two" {
		t.Fatalf("workspace symbols: %v", names)
	}

	s.open(testURI, "(defn f [a b & more] a)\n(f 1 2 3)\n(map inc [1])\n")
	sh, err := s.server.SignatureHelp(s.ctx, &protocol.SignatureHelpParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{Line: 1, Character: 7})})
	if err != nil || sh == nil || sh.Signatures[0].Label != "(f a b & more)" {
		t.Fatalf("signature help: %v %+v", err, sh)
	}
	if ap, _ := sh.ActiveParameter.Get(); ap != 3 {
		t.Fatalf("active parameter %d, want 3 (more)", ap)
	}
	// Rename rejects builtins and invalid names.
	if _, err := s.server.PrepareRename(s.ctx, &protocol.PrepareRenameParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{Line: 2, Character: 2})}); err == nil {
		t.Fatal("prepareRename of map accepted")
	}
	for _, bad := range []string{"", "1x", "inc", "a/b", "b"} {
		if _, err := s.server.Rename(s.ctx, &protocol.RenameParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{Line: 0, Character: 7}), NewName: bad}); err == nil {
			t.Errorf("rename to %q accepted", bad)
		}
	}
	hl, err := s.server.DocumentHighlight(s.ctx, &protocol.DocumentHighlightParams{TextDocumentPositionParams: posParams(testURI, protocol.Position{Line: 1, Character: 1})})
	if err != nil || len(hl) != 2 || hl[0].Kind != protocol.DocumentHighlightKindWrite {
		t.Fatalf("highlight: %v %+v", err, hl)
	}
	sel, err := s.server.SelectionRange(s.ctx, &protocol.SelectionRangeParams{TextDocument: docID(testURI), Positions: []protocol.Position{{Line: 1, Character: 3}}})
	if err != nil || len(sel) != 1 || sel[0].Parent == nil {
		t.Fatalf("selection range: %v %+v", err, sel)
	}
	st, err := s.server.SemanticTokensFull(s.ctx, &protocol.SemanticTokensParams{TextDocument: docID(testURI)})
	if err != nil || len(st.Data) == 0 || len(st.Data)%5 != 0 {
		t.Fatalf("semantic tokens: %v %v", err, st)
	}
	// First token: defn is a macro from the default library.
	if st.Data[3] != tokMacro || st.Data[4]&modDefaultLibrary == 0 {
		t.Fatalf("first token: %v", st.Data[:5])
	}
}
