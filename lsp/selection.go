package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// SelectionRange expands from the token under each position to the
// enclosing forms, up to the whole top-level form.
func (s *Server) SelectionRange(ctx context.Context, params *protocol.SelectionRangeParams) ([]protocol.SelectionRange, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	m := snap.mapper()
	out := make([]protocol.SelectionRange, 0, len(params.Positions))
	for _, pos := range params.Positions {
		off := m.offset(pos)
		path := nodePath(snap.file, off)
		offs := make([]int, 0, 2*len(path))
		for _, n := range path {
			offs = append(offs, int(n.Start), int(n.End))
		}
		ps := m.positions(snap.file.Src, offs)
		var cur *protocol.SelectionRange
		var last protocol.Range
		for i := range path {
			r := protocol.Range{Start: ps[2*i], End: ps[2*i+1]}
			if i > 0 && r == last {
				continue
			}
			cur = &protocol.SelectionRange{Range: r, Parent: cur}
			last = r
		}
		if cur == nil {
			r := protocol.Range{Start: pos, End: pos}
			out = append(out, protocol.SelectionRange{Range: r})
			continue
		}
		out = append(out, *cur)
	}
	return out, nil
}
