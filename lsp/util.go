package lsp

import (
	"context"
	"sort"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// nodePath returns the chain of nodes containing off, outermost first. A
// node contains off when Start <= off <= End; among siblings the later one
// wins at a shared boundary only if the earlier does not strictly contain
// it, so "(a b|)" finds b.
func nodePath(f *syntax.File, off int) []*syntax.Node {
	var path []*syntax.Node
	kids := f.Forms
	for depth := 0; depth < maxDepth; depth++ {
		n := pick(kids, off)
		if n == nil {
			break
		}
		path = append(path, n)
		if n.Kind.IsAtom() {
			break
		}
		// Inside the open token or after the close token: stop here.
		if off < int(n.OpenEnd) || (n.CloseStart >= 0 && off > int(n.CloseStart)) {
			break
		}
		kids = n.Kids
	}
	return path
}

func pick(kids []*syntax.Node, off int) *syntax.Node {
	i := sort.Search(len(kids), func(i int) bool { return int(kids[i].End) >= off })
	var best *syntax.Node
	for ; i < len(kids) && int(kids[i].Start) <= off; i++ {
		if int(kids[i].End) >= off {
			best = kids[i]
			if int(kids[i].End) > off {
				break
			}
		}
	}
	return best
}

// atomAt returns the innermost atom at off, or nil.
func atomAt(f *syntax.File, off int) *syntax.Node {
	p := nodePath(f, off)
	if len(p) == 0 {
		return nil
	}
	n := p[len(p)-1]
	if n.Kind.IsAtom() {
		return n
	}
	return nil
}

// enclosingCall returns the innermost list in path that contains off
// between its delimiters, and the index of that list in path.
func enclosingList(path []*syntax.Node, off int) (*syntax.Node, int) {
	for i := len(path) - 1; i >= 0; i-- {
		n := path[i]
		if n.Kind == syntax.List && off >= int(n.OpenEnd) && (n.CloseStart < 0 || off <= int(n.CloseStart)) {
			return n, i
		}
	}
	return nil, -1
}

// snapshotAt fetches the snapshot and the byte offset of a position; ok is
// false when the document is not open.
func (s *Server) snapshotAt(u uri.URI, pos protocol.Position) (*snapshot, int, bool) {
	snap, err := s.store.get(u)
	if err != nil {
		return nil, 0, false
	}
	return snap, snap.mapper().offset(pos), true
}

func checkCtx(ctx context.Context) error {
	if ctx.Err() != nil {
		return protocol.ErrRequestCancelled
	}
	return nil
}
