package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

const burstURI = uri.URI("file:///ws/burst.spl")

// typeChars sends n single-character insertions at line, starting at col
// and advancing (typing), as versions from+1 … from+n.
func (s *session) typeChars(u uri.URI, from int32, n int, line, col uint32) int32 {
	s.t.Helper()
	v := from
	for i := 0; i < n; i++ {
		v++
		p := protocol.Position{Line: line, Character: col + uint32(i)}
		err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(u), Version: v},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
				Range: protocol.Range{Start: p, End: p},
				Text:  " ",
			}},
		})
		if err != nil {
			s.t.Fatal(err)
		}
	}
	return v
}

// TestEditBurstCoalesced: 1,000 quick edits while the analysis of version
// 1 is stuck (a test hook blocks it) are analysed about once: hover is
// answered for the latest version without waiting for the stale analysis,
// and the diagnostics of the latest version follow once it is released.
// The assertion counts analyses; it measures no time.
func TestEditBurstCoalesced(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	s := newSession(t, sessionOpts{analyzeHook: func(snap *snapshot) {
		if snap.version == 1 {
			close(entered)
			<-release
		}
	}})
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	s.open(burstURI, bigProgram(200))
	<-entered
	v := s.typeChars(burstURI, 1, 1000, 1, 0)

	// Hover on step-0 in "  (defn step-0 [xs n]" (line 2): a user
	// definition, so it needs the analysis of the latest version.
	ctx, cancel := context.WithTimeout(s.ctx, 60*time.Second)
	defer cancel()
	h, err := s.server.Hover(ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(burstURI, protocol.Position{Line: 2, Character: 9})})
	if err != nil {
		t.Fatalf("hover: %v", err)
	}
	if h == nil || !strings.Contains(h.Contents.(*protocol.MarkupContent).Value, "step-0") {
		t.Fatalf("hover = %#v, want the definition of step-0", h)
	}
	close(release)
	p := s.waitDiags(burstURI, v)
	if len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics of the latest version: %v", p.Diagnostics)
	}
	srv := s.serverSide()
	if n := srv.store.analyses.Load(); n > 3 {
		t.Errorf("%d analyses for 1,000 edits, want at most 3 (version 1, the latest, and one more at most)", n)
	}
	if n := srv.store.parses.Load(); n > 4 {
		t.Errorf("%d parses for 1,000 edits, want at most 4", n)
	}
	t.Logf("analyses %d, parses %d", srv.store.analyses.Load(), srv.store.parses.Load())
}

// TestTooLargeDocument: a document over the size limit gets one
// diagnostic and one window message; its features answer nothing; it is
// analysed again once it shrinks below the limit.
func TestTooLargeDocument(t *testing.T) {
	s := newSession(t, sessionOpts{maxDoc: 1000})
	text := bigProgram(100)
	s.open(burstURI, text)
	p := s.waitDiags(burstURI, 1)
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != protocol.String("too-large") ||
		!strings.Contains(string(p.Diagnostics[0].Message.(protocol.String)), "burst.spl is 3.5 KiB, over the 1000 bytes limit") {
		t.Fatalf("diagnostics = %#v", p.Diagnostics)
	}
	if msg := s.waitMessage(); !strings.Contains(msg, "does not analyse it") {
		t.Errorf("window message = %q", msg)
	}
	h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(burstURI, protocol.Position{Line: 2, Character: 9})})
	if err != nil || h != nil {
		t.Errorf("hover on a too large document = %v, %v; want nothing", h, err)
	}
	if n := s.serverSide().store.parses.Load(); n != 1 { // the empty stand-in
		t.Errorf("%d parses", n)
	}
	// Growing further does not repeat the message.
	err = s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(burstURI), Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text + text}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.waitDiags(burstURI, 2)
	// Shrink it: analysed again.
	err = s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: docID(burstURI), Version: 3},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: "(inc 1)\n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := s.waitDiags(burstURI, 3); len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics after shrinking = %v", p.Diagnostics)
	}
	s.client.mu.Lock()
	defer s.client.mu.Unlock()
	if len(s.client.msgs) != 1 {
		t.Errorf("window messages: %q, want one", s.client.msgs)
	}
}

// TestShutdownAnswersEarlierRequests: a request still running when
// shutdown arrives is answered before shutdown is, so exit right after the
// shutdown answer cannot lose it. The hover is held in its analysis until
// the server has entered shutdown; no time is measured.
func TestShutdownAnswersEarlierRequests(t *testing.T) {
	sp, cp := net.Pipe()
	release := make(chan struct{})
	srvc := make(chan *Server, 1)
	done := make(chan int, 1)
	opts := Options{Debounce: -1, onServer: func(s *Server) {
		s.store.analyzeHook = func(snap *snapshot) {
			if snap.version == 7 {
				<-release
			}
		}
		srvc <- s
	}}
	go func() { done <- Serve(context.Background(), sp, opts); sp.Close() }()
	srv := <-srvc
	cp.SetDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReader(cp)
	go func() {
		rawFrame(cp, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.spl","languageId":"spell","version":7,"text":"(defn f [x] x)\n(f 1)\n"}}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.spl"},"position":{"line":1,"character":1}}}`)
		rawFrame(cp, `{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
		for srv.state.Load() != stateShutdown {
			time.Sleep(time.Millisecond)
		}
		close(release)
		rawFrame(cp, `{"jsonrpc":"2.0","method":"exit"}`)
	}()
	var ids []string
	for len(ids) < 3 {
		f, err := readFrame(r)
		if err != nil {
			t.Fatalf("after %v: %v", ids, err)
		}
		if strings.Contains(f, `"method"`) {
			continue // diagnostics
		}
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal([]byte(f), &m)
		ids = append(ids, string(m.ID))
	}
	if strings.Join(ids, " ") != "1 2 3" {
		t.Fatalf("answers in order %v, want 1 2 3 (hover before shutdown)", ids)
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
