package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// PrepareRename accepts a symbol bound in the file; builtins, special forms,
// namespace members and free names are rejected.
func (s *Server) PrepareRename(ctx context.Context, params *protocol.PrepareRenameParams) (protocol.PrepareRenameResult, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	b, n, err := renameTarget(snap, off)
	if err != nil {
		return nil, err
	}
	return &protocol.PrepareRenamePlaceholder{Range: snap.mapper().nodeRange(n), Placeholder: b.name}, nil
}

func renameTarget(snap *snapshot, off int) (*binding, *syntax.Node, error) {
	b, n := bindingAt(snap, off)
	if n == nil {
		return nil, nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "no symbol at the cursor")
	}
	if b == nil {
		name := n.Text(snap.text)
		if isBuiltinName(name) {
			return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is a builtin and cannot be renamed", name)
		}
		return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is not bound in this file", name)
	}
	if b.destructured {
		return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is destructured by key; renaming it would change the key", b.name)
	}
	if b.kind.global() && isBuiltinName(b.name) {
		return nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is a builtin and cannot be renamed", b.name)
	}
	return b, n, nil
}

// Rename renames a binding and all its occurrences. The new name must be a
// valid symbol without a namespace, not a builtin or special form, and not
// a name already bound in the file (it would be captured).
func (s *Server) Rename(ctx context.Context, params *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	b, _, err := renameTarget(snap, off)
	if err != nil {
		return nil, err
	}
	newName := params.NewName
	if err := validNewName(snap, newName); err != nil {
		return nil, err
	}
	if newName == b.name {
		return &protocol.WorkspaceEdit{}, nil
	}
	m := snap.mapper()
	var edits []protocol.TextEdit
	for _, r := range b.refs {
		edits = append(edits, protocol.TextEdit{Range: m.nodeRange(r), NewText: newName})
	}
	return &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{snap.uri: edits}}, nil
}

func validNewName(snap *snapshot, name string) error {
	switch {
	case name == "" || !syntax.ValidSymbolText(name) || strings.ContainsAny(name, "/") ||
		name == "nil" || name == "true" || name == "false" || name == "&":
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%q is not a valid symbol name", name)
	case isBuiltinName(name):
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is a builtin or special form", name)
	}
	an := snap.analysis()
	if an.globals[name] != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is already defined in this file", name)
	}
	for _, l := range an.locals {
		if l.name == name {
			return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is already bound in this file and would be captured", name)
		}
	}
	return nil
}
