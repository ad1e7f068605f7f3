package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/syntax"
)

// bindingAt returns the binding denoted by the symbol at off and the
// symbol node.
func bindingAt(snap *snapshot, off int) (*binding, *syntax.Node) {
	occ, ok := snap.analysis().occurrenceAt(off)
	if !ok || occ.b == nil {
		return nil, occ.node
	}
	return occ.b, occ.node
}

// Definition lists every definition of the name under the cursor: all
// def/defn/define/persist/defmacro/quine sites of a global name (dynamic
// scope), or the binding site of a local.
func (s *Server) Definition(ctx context.Context, params *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	b, _ := bindingAt(snap, off)
	if b == nil {
		return nil, nil
	}
	m := snap.mapper()
	locs := protocol.LocationSlice{}
	for _, d := range b.defs {
		locs = append(locs, protocol.Location{URI: snap.uri, Range: m.nodeRange(d)})
	}
	return locs, nil
}

// References lists every occurrence of the binding under the cursor.
func (s *Server) References(ctx context.Context, params *protocol.ReferenceParams) ([]protocol.Location, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	b, _ := bindingAt(snap, off)
	if b == nil {
		return nil, nil
	}
	m := snap.mapper()
	out := []protocol.Location{}
	for i, r := range b.refs {
		if i%256 == 0 {
			if err := checkCtx(ctx); err != nil {
				return nil, err
			}
		}
		if !params.Context.IncludeDeclaration && b.isDef(r) {
			continue
		}
		out = append(out, protocol.Location{URI: snap.uri, Range: m.nodeRange(r)})
	}
	return out, nil
}

// DocumentHighlight marks the occurrences of the binding under the cursor,
// definitions as write.
func (s *Server) DocumentHighlight(ctx context.Context, params *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	b, _ := bindingAt(snap, off)
	if b == nil {
		return nil, nil
	}
	m := snap.mapper()
	out := []protocol.DocumentHighlight{}
	for _, r := range b.refs {
		kind := protocol.DocumentHighlightKindRead
		if b.isDef(r) {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: m.nodeRange(r), Kind: kind})
	}
	return out, nil
}
