package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/syntax"
)

// maxFoldingRanges bounds the answer for huge files.
const maxFoldingRanges = 5000

// FoldingRanges folds multi-line forms and strings and runs of comment
// lines.
func (s *Server) FoldingRanges(ctx context.Context, params *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	return foldingRanges(snap), nil
}

func foldingRanges(snap *snapshot) []protocol.FoldingRange {
	lt := snap.lines
	out := []protocol.FoldingRange{}
	seen := map[int]bool{} // one range per start line: the outermost
	for _, f := range snap.file.Forms {
		syntax.Walk(f, func(n *syntax.Node) bool {
			if len(out) >= maxFoldingRanges {
				return false
			}
			if !n.Kind.IsComposite() && n.Kind != syntax.String {
				return !n.Kind.IsAtom()
			}
			sl, el := lt.Line(int(n.Start)), lt.Line(int(n.End))
			if el > sl && !seen[sl] {
				seen[sl] = true
				out = append(out, protocol.FoldingRange{StartLine: uint32(sl), EndLine: uint32(el)})
			}
			return true
		})
	}
	// Runs of two or more comment-only lines.
	run := -1
	for i := 0; i <= lt.Lines(); i++ {
		isComment := false
		if i < lt.Lines() {
			line := strings.TrimSpace(string(snap.text[lt.LineStart(i):lt.LineEnd(i)]))
			isComment = strings.HasPrefix(line, ";")
		}
		switch {
		case isComment && run < 0:
			run = i
		case !isComment && run >= 0:
			if i-1 > run && len(out) < maxFoldingRanges {
				out = append(out, protocol.FoldingRange{StartLine: uint32(run), EndLine: uint32(i - 1), Kind: protocol.FoldingRangeKindComment})
			}
			run = -1
		}
	}
	return out
}
