// Package lsp is spell-lsp, the Spell language server (tooling.md §5–§6).
//
// It serves the Language Server Protocol 3.18 over a Content-Length header
// stream (stdio) with go.lsp.dev/protocol, go.lsp.dev/jsonrpc2 and
// go.lsp.dev/uri, all pinned at v1.0.1. It adds only position mapping and the
// protocol to the project's own building blocks: the lossless syntax tree
// (syntax), the formatter (format), the catalogue of every builtin name
// (eval/catalog) and the analysis model of the linter.
//
// Every incoming message runs through one middleware chain:
//
//	recover → log → lifecycle gate → cancel → per-document ordering → handler
//
// recover turns a panicking handler into an InternalError response (and
// swallows errors of notifications, which would otherwise fail the
// connection); log records methods and latencies when verbose; the lifecycle
// gate answers ServerNotInitialized before initialize and InvalidRequest
// after shutdown; cancel honours $/cancelRequest (numeric and string ids);
// ordering queues the notifications of one document in wire order and lets
// requests wait for the notifications that preceded them, then releases the
// read loop so documents are served concurrently.
//
// Framing (frame.go): a frame whose header cannot be used (Content-Length
// missing, not a number, negative, zero or above the 64 MiB message limit) is
// logged on stderr with the reason, answered with ParseError (-32700, id
// null) and skipped; reading resumes at the next "Content-Length:" in the
// input. A body that is not JSON is answered with ParseError, one that is not
// a JSON-RPC message with InvalidRequest; params of the wrong type get
// InvalidParams (-32602). Input that ends inside a frame, or before exit, is
// logged and ends the server with exit code 1.
//
// Documents live in a store (store.go). An open document is an editable
// text buffer (textbuf.go: a gap buffer with a gap-buffered line index, so a
// range edit costs the edit, not the document); changes (full or
// incremental) are applied only when the version increases. Requests and the
// diagnostics worker read an immutable snapshot {version, text, CST,
// analysis} of the latest version, made on demand: a burst of edits costs one
// copy, one parse and one analysis. Both are incremental: the parse re-reads
// only the list around the changed bytes and shares or moves the other
// nodes of the previous snapshot's tree (reparse.go), and the document's
// lint.Incremental walks only the top-level or wrapper body forms whose text
// changed (the others' walks are thawed; the rules run over the whole
// result, which is a fresh analysis's). Diagnostics run one publication per
// document at a time; a change abandons the one in progress at its next
// stage. A document over MaxDocumentSize (2 MiB) is kept in sync but not
// analysed (one too-large diagnostic, one window message). Positions are
// byte offsets internally and converted through a line table in the
// negotiated position encoding: utf-8 when the client offers it, else utf-16.
//
// One file per feature, as in gopls: diagnostics.go (debounced push of
// syntax and lint findings), formatting.go (minimal edits), hover.go,
// completion.go, signature.go, navigation.go (definition, references,
// highlight), rename.go, symbols.go (document and workspace symbols),
// folding.go, selection.go, semantic.go and codeaction.go.
//
// The server never evaluates user code and never writes to disk.
package lsp
