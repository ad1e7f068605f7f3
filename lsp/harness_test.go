package lsp

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// testClient plays the editor: it records published diagnostics.
type testClient struct {
	protocol.UnimplementedClient
	mu    sync.Mutex
	diags map[uri.URI]*protocol.PublishDiagnosticsParams
	ch    chan *protocol.PublishDiagnosticsParams
	msgs  []string
}

func (c *testClient) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	c.mu.Lock()
	c.msgs = append(c.msgs, p.Message)
	c.mu.Unlock()
	return nil
}

// waitMessage waits for the first window message (60 s hang guard).
func (s *session) waitMessage() string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s.client.mu.Lock()
		msgs := s.client.msgs
		s.client.mu.Unlock()
		if len(msgs) > 0 {
			return msgs[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatal("no window message")
	return ""
}

func (c *testClient) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.mu.Lock()
	// protocol.NewClient handles each notification in a goroutine of its
	// own (jsonrpc2.AsyncHandler): two publications sent in order can be
	// handled out of order. Keep the newest version, as an editor that
	// reads them in order ends up with; recording an older one last made
	// waitDiags wait a minute for a version it had already been sent.
	if old := c.diags[p.URI]; old != nil {
		ov, oldOK := old.Version.Get()
		nv, newOK := p.Version.Get()
		if oldOK && newOK && nv < ov {
			c.mu.Unlock()
			return nil
		}
	}
	c.diags[p.URI] = p
	c.mu.Unlock()
	select {
	case c.ch <- p:
	default:
	}
	return nil
}

// session is a server and a protocol client connected by an in-memory
// pipe (net.Pipe), both in this process.
type session struct {
	t      testing.TB
	ctx    context.Context
	server protocol.Server
	srv    chan *Server // the server side, for its counters
	conn   jsonrpc2.Conn
	client *testClient
	done   chan int
	closed bool
}

type sessionOpts struct {
	utf8     bool
	noInit   bool
	initOpts string
	folders  []string
	debounce time.Duration
	maxDoc   int
	// analyzeHook runs before each analysis (see store.analyzeHook).
	analyzeHook func(*snapshot)
}

func newSession(t testing.TB, o sessionOpts) *session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sp, cp := net.Pipe()
	s := &session{t: t, ctx: ctx, done: make(chan int, 1), srv: make(chan *Server, 1),
		client: &testClient{diags: map[uri.URI]*protocol.PublishDiagnosticsParams{}, ch: make(chan *protocol.PublishDiagnosticsParams, 64)}}
	deb := o.debounce
	if deb == 0 {
		deb = -1
	}
	go func() {
		code := Serve(ctx, sp, Options{Debounce: deb, MaxDocumentSize: o.maxDoc, onServer: func(srv *Server) {
			srv.store.analyzeHook = o.analyzeHook
			s.srv <- srv
		}})
		sp.Close()
		s.done <- code
	}()
	_, s.conn, s.server = protocol.NewClient(ctx, s.client, jsonrpc2.NewHeaderStream(cp))
	t.Cleanup(func() {
		s.close()
		cancel()
		cp.Close()
	})
	if !o.noInit {
		p := &protocol.InitializeParams{}
		if o.utf8 {
			p.Capabilities.General = &protocol.GeneralClientCapabilities{
				PositionEncodings: []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF8, protocol.PositionEncodingKindUTF16},
			}
		}
		if o.initOpts != "" {
			p.InitializationOptions = protocol.LSPAny(o.initOpts)
		}
		var fs []protocol.WorkspaceFolder
		for _, f := range o.folders {
			fs = append(fs, protocol.WorkspaceFolder{URI: uri.File(f), Name: f})
		}
		if fs != nil {
			p.WorkspaceFolders = protocol.NewNullable(fs)
		}
		res, err := s.server.Initialize(ctx, p)
		if err != nil {
			t.Fatalf("initialize: %v", err)
		}
		want := protocol.PositionEncodingKindUTF16
		if o.utf8 {
			want = protocol.PositionEncodingKindUTF8
		}
		if res.Capabilities.PositionEncoding != want {
			t.Fatalf("position encoding = %q, want %q", res.Capabilities.PositionEncoding, want)
		}
		if err := s.server.Initialized(ctx, &protocol.InitializedParams{}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// serverSide returns the server of the session.
func (s *session) serverSide() *Server {
	srv := <-s.srv
	s.srv <- srv
	return srv
}

// close shuts the server down and returns its exit code.
func (s *session) close() int {
	if s.closed {
		return 0
	}
	s.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard
	defer cancel()
	_ = s.server.Shutdown(ctx)
	_ = s.server.Exit(ctx)
	select {
	case code := <-s.done:
		return code
	case <-ctx.Done():
		s.t.Errorf("server did not exit")
		return -1
	}
}

func (s *session) open(u uri.URI, text string) {
	s.t.Helper()
	err := s.server.DidOpen(s.ctx, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "spell", Version: 1, Text: text},
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

// waitDiags waits for diagnostics of u at version (0: any version).
func (s *session) waitDiags(u uri.URI, version int32) *protocol.PublishDiagnosticsParams {
	s.t.Helper()
	deadline := time.After(time.Minute) // a hang guard, generous under load
	for {
		s.client.mu.Lock()
		p := s.client.diags[u]
		s.client.mu.Unlock()
		if p != nil {
			if v, _ := p.Version.Get(); version == 0 || v == version {
				return p
			}
		}
		select {
		case <-s.client.ch:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			s.t.Fatalf("no diagnostics for %s version %d", u, version)
		}
	}
}

func docID(u uri.URI) protocol.TextDocumentIdentifier { return protocol.TextDocumentIdentifier{URI: u} }

func posParams(u uri.URI, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: docID(u), Position: p}
}

// TestClientKeepsNewestDiagnostics: the test client's handlers run
// concurrently, so a publication of version 4 can be handled after one of
// version 5; waitDiags must still find version 5 (it waited a minute and
// failed under load, TestIncrementalDiagnosticsRandomEdits).
func TestClientKeepsNewestDiagnostics(t *testing.T) {
	c := &testClient{diags: map[uri.URI]*protocol.PublishDiagnosticsParams{}, ch: make(chan *protocol.PublishDiagnosticsParams, 64)}
	s := &session{t: t, client: c}
	u := uri.URI("file:///order.spl")
	for _, v := range []int32{5, 4} {
		c.PublishDiagnostics(context.Background(), &protocol.PublishDiagnosticsParams{URI: u, Version: protocol.NewOptional(v)})
	}
	if got, _ := s.waitDiags(u, 5).Version.Get(); got != 5 {
		t.Fatalf("version %d recorded, want 5", got)
	}
}
