package lsp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/lint"
)

// Options configure a server.
type Options struct {
	// Debounce is the delay between the last change of a document and the
	// publication of its diagnostics; 0 means the default of 150 ms, a
	// negative value publishes immediately.
	Debounce time.Duration
	// MaxDocumentSize is the largest document that is analysed; 0 means
	// DefaultMaxDocumentSize. A larger document is kept in sync and gets one
	// diagnostic and one window message saying so, and nothing else.
	MaxDocumentSize int
	// MaxMessageSize bounds the body of one incoming message; 0 means
	// DefaultMaxMessageSize. Larger frames are logged and skipped.
	MaxMessageSize int
	// Logger receives the structured log (methods, latencies, recovered
	// panics); nil discards it.
	Logger *slog.Logger

	onServer func(*Server) // tests: called with the server before it serves
}

const defaultDebounce = 150 * time.Millisecond

// Lifecycle states (tooling.md §6.2 rule 8).
const (
	stateNew int32 = iota
	stateInitialized
	stateShutdown
)

// Server is the Spell language server. Methods it does not implement fall
// back to protocol.UnimplementedServer ("method not found").
type Server struct {
	protocol.UnimplementedServer

	opts   Options
	log    *slog.Logger
	ctx    context.Context // connection-scoped: stops background work
	conn   jsonrpc2.Conn
	client protocol.Client

	state      atomic.Int32
	utf8       bool // negotiated position encoding is utf-8 (else utf-16)
	lintOn     bool
	lintConfig lint.Config
	mu         sync.Mutex // guards folders
	folders    []uri.URI
	store      *store
	answered   answered
	queue      *docQueue
	diags      *diagnoser
	tokens     tokenResults
	exitOnce   sync.Once
	exit       chan int
}

func newServer(ctx context.Context, opts Options) *Server {
	if opts.Debounce == 0 {
		opts.Debounce = defaultDebounce
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:   opts,
		log:    log,
		ctx:    ctx,
		lintOn: true,
		store:  newStore(opts.MaxDocumentSize),
		queue:  newDocQueue(),
		exit:   make(chan int, 1),
	}
	s.diags = newDiagnoser(s)
	return s
}

// Serve runs the language server on rwc (a Content-Length framed JSON-RPC
// stream) until the client sends exit or closes the stream, and returns the
// process exit code: 0 after shutdown and exit, 1 otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newServer(ctx, opts)
	if opts.onServer != nil {
		opts.onServer(s)
	}
	stream := newFrameStream(rwc, opts.MaxMessageSize, s.log)
	stream.onWrite = s.answered.written
	s.conn = jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(lspCodec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	s.conn.Go(ctx, s.handler())
	select {
	case code := <-s.exit:
		return code
	case <-s.conn.Done():
		select {
		case code := <-s.exit:
			return code
		default:
		}
		if err := s.conn.Err(); err != nil {
			s.log.Error("connection failed before exit", "err", err)
		} else {
			s.log.Warn("input closed before exit: exit code 1")
		}
		return 1
	}
}

// lspCodec marshals payloads with the protocol package's union-aware codec
// (the same as protocol.NewServer uses).
type lspCodec struct{}

func (lspCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	case *protocol.SemanticTokens:
		if m != nil {
			return marshalSemanticTokens(m), nil
		}
	}
	return protocol.Marshal(v)
}

// marshalSemanticTokens writes semantic tokens directly: a 10,000 line file
// has some 250,000 numbers, which the generic encoder takes several times
// longer to write.
func marshalSemanticTokens(t *protocol.SemanticTokens) []byte {
	b := make([]byte, 0, 32+len(t.Data)*3)
	b = append(b, '{')
	if t.ResultID != nil {
		id, _ := json.Marshal(*t.ResultID) // a string always marshals
		b = append(b, `"resultId":`...)
		b = append(b, id...)
		b = append(b, ',')
	}
	b = append(b, `"data":[`...)
	for i, x := range t.Data {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	return append(b, "]}"...)
}

func (lspCodec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// Main runs spell-lsp on stdin/stdout and returns the process exit code.
// Flags: -v (or --verbose) logs every message to stderr; --version prints
// the version; --help prints usage.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	level := slog.LevelWarn
	for _, a := range args[1:] {
		switch a {
		case "-v", "--verbose", "-verbose":
			level = slog.LevelDebug
		case "--stdio", "-stdio":
			// The default transport; accepted because editors pass it.
		case "-h", "--help", "-help":
			io.WriteString(stdout, "usage: spell-lsp [--stdio] [-v]\n\nspell-lsp serves the Language Server Protocol for Spell over stdin/stdout.\n")
			return 0
		case "--version", "-version":
			io.WriteString(stdout, "spell-lsp (LSP 3.18, go.lsp.dev/protocol v1.0.1)\n")
			return 0
		default:
			io.WriteString(stderr, "spell-lsp: unknown flag "+a+"\nusage: spell-lsp [--stdio] [-v]\n")
			return 2
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return Serve(context.Background(), stdio{stdin, stdout}, Options{Logger: logger})
}

// stdio joins stdin and stdout into the stream the server reads and writes.
// Close leaves the process's files alone: the process ends right after.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
