package lsp

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/lint"
)

// initOptions are the initializationOptions the server understands.
type initOptions struct {
	// Lint false publishes only syntax diagnostics (the VS Code setting
	// spell.lint.enable).
	Lint *bool `json:"lint"`
}

// Initialize negotiates the position encoding and advertises the features.
func (s *Server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	enc := protocol.PositionEncodingKindUTF16
	if g := params.Capabilities.General; g != nil {
		for _, e := range g.PositionEncodings {
			if e == protocol.PositionEncodingKindUTF8 {
				enc = protocol.PositionEncodingKindUTF8
				s.utf8 = true
			}
		}
	}
	if len(params.InitializationOptions) > 0 {
		var o initOptions
		if json.Unmarshal(params.InitializationOptions, &o) == nil && o.Lint != nil {
			s.lintOn = *o.Lint
		}
	}
	if fs, ok := params.WorkspaceFolders.Get(); ok {
		for _, f := range fs {
			s.folders = append(s.folders, f.URI)
		}
	}
	if len(s.folders) == 0 && params.RootURI != nil && *params.RootURI != "" {
		s.folders = append(s.folders, *params.RootURI)
	}
	for _, f := range s.folders {
		if f.IsFile() {
			if cfg, err := lint.LoadConfig(f.FsPath()); err == nil {
				s.lintConfig = cfg
			} else {
				s.log.Warn("lint configuration", "err", err)
			}
			break
		}
	}
	s.state.Store(stateInitialized)

	yes := true
	full := protocol.TextDocumentSyncKindIncremental
	return &protocol.InitializeResult{
		ServerInfo: protocol.ServerInfo{Name: "spell-lsp", Version: protocol.NewOptional("0.1.0")},
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding: enc,
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: &yes,
				Change:    &full,
				Save:      protocol.Boolean(true),
			},
			CompletionProvider: &protocol.CompletionOptions{
				TriggerCharacters: []string{"(", "/", ":"},
				ResolveProvider:   &yes,
			},
			HoverProvider: protocol.Boolean(true),
			SignatureHelpProvider: &protocol.SignatureHelpOptions{
				TriggerCharacters:   []string{" ", "("},
				RetriggerCharacters: []string{" "},
			},
			DefinitionProvider:        protocol.Boolean(true),
			ReferencesProvider:        protocol.Boolean(true),
			DocumentHighlightProvider: protocol.Boolean(true),
			DocumentSymbolProvider:    protocol.Boolean(true),
			WorkspaceSymbolProvider:   protocol.Boolean(true),
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix},
			},
			DocumentFormattingProvider:       protocol.Boolean(true),
			DocumentRangeFormattingProvider:  protocol.Boolean(true),
			DocumentOnTypeFormattingProvider: protocol.DocumentOnTypeFormattingOptions{FirstTriggerCharacter: "\n"},
			RenameProvider:                   &protocol.RenameOptions{PrepareProvider: &yes},
			FoldingRangeProvider:             protocol.Boolean(true),
			SelectionRangeProvider:           protocol.Boolean(true),
			CodeLensProvider:                 &protocol.CodeLensOptions{},
			InlayHintProvider:                protocol.Boolean(true),
			SemanticTokensProvider: &protocol.SemanticTokensOptions{
				Legend: semanticLegend(),
				Full:   &protocol.SemanticTokensFullDelta{Delta: &yes},
			},
		},
	}, nil
}

// Initialized is the client's acknowledgement; nothing to do.
func (s *Server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	return nil
}

// Shutdown stops background work; the connection stays open for exit.
// It first waits (at most 10 s) until the requests sent before it are
// answered.
func (s *Server) Shutdown(ctx context.Context) error {
	s.state.Store(stateShutdown)
	wctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	s.answered.wait(wctx)
	cancel()
	s.diags.stop()
	return nil
}

// Exit ends the server: exit code 0 after shutdown, else 1.
func (s *Server) Exit(ctx context.Context) error {
	code := 1
	if s.state.Load() == stateShutdown {
		code = 0
	}
	s.exitOnce.Do(func() { s.exit <- code })
	return nil
}

// SetTrace is accepted and ignored (the log level is set by -v).
func (s *Server) SetTrace(ctx context.Context, params *protocol.SetTraceParams) error { return nil }

// DidChangeConfiguration is accepted and ignored.
func (s *Server) DidChangeConfiguration(ctx context.Context, params *protocol.DidChangeConfigurationParams) error {
	return nil
}

// DidChangeWorkspaceFolders updates the folders searched by workspace symbols.
func (s *Server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	removed := map[uri.URI]bool{}
	for _, f := range params.Event.Removed {
		removed[f.URI] = true
	}
	var kept []uri.URI
	for _, f := range s.folders {
		if !removed[f] {
			kept = append(kept, f)
		}
	}
	for _, f := range params.Event.Added {
		kept = append(kept, f.URI)
	}
	s.mu.Lock()
	s.folders = kept
	s.mu.Unlock()
	return nil
}

// DidOpen stores the document and publishes its diagnostics.
func (s *Server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	d := params.TextDocument
	if s.store.open(d.URI, d.Version, []byte(d.Text), s.utf8) {
		s.warnTooLarge(d.URI, len(d.Text))
	}
	s.diags.schedule(d.URI, 0)
	return nil
}

// DidChange applies full or incremental changes when the version increases.
// Nothing is parsed or analysed here: a burst of changes is coalesced and
// only the latest version is analysed, when the debounced diagnostics run
// or a request asks for it.
func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	u := params.TextDocument.URI
	applied, size := s.store.change(u, params.TextDocument.Version, params.ContentChanges, s.utf8)
	if size > 0 {
		s.warnTooLarge(u, size)
	}
	if applied {
		s.diags.schedule(u, s.opts.Debounce)
	}
	return nil
}

// warnTooLarge tells the user, once per crossing of the limit, that a
// document is too large to analyse.
func (s *Server) warnTooLarge(u uri.URI, size int) {
	s.log.Warn("document over the size limit: not analysed", "uri", string(u), "size", size, "limit", s.store.maxSize)
	_ = s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{
		Type:    protocol.MessageTypeWarning,
		Message: tooLargeMessage(docName(u), size, s.store.maxSize),
	})
}

// DidSave is accepted; the text is already known.
func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	return nil
}

// DidClose forgets the document and clears its diagnostics.
func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	u := params.TextDocument.URI
	s.store.close(u)
	s.diags.clear(u)
	s.tokens.forget(u)
	return nil
}
