package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// SignatureHelp shows the parameter vectors of the call around the cursor
// with the active parameter chosen by argument index ("& more" takes every
// argument past the required ones).
func (s *Server) SignatureHelp(ctx context.Context, params *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	path := nodePath(snap.file, off)
	list, _ := enclosingList(path, off)
	if list == nil || len(list.Kids) == 0 || list.Kids[0].Kind != syntax.Symbol {
		return nil, nil
	}
	head := list.Kids[0]
	if off <= int(head.End) {
		return nil, nil
	}
	name := head.Text(snap.text)
	var sigs []string
	doc := ""
	if occ, ok := snap.analysis().occurrenceAt(int(head.Start)); ok && occ.node == head && occ.b != nil && len(occ.b.params) > 0 {
		sigs = occ.b.params
	} else if e, ok := catalog.Lookup(name); ok {
		sigs = e.Signatures
		doc = e.Doc
	}
	if len(sigs) == 0 {
		return nil, nil
	}
	idx := 0
	for _, k := range list.Kids[1:] {
		if int(k.End) < off {
			idx++
		}
	}
	help := &protocol.SignatureHelp{}
	active := -1
	for i, sig := range sigs {
		ps := catalog.SignatureParams(sig)
		label := "(" + strings.TrimSpace(name+" "+strings.Join(ps, " ")) + ")"
		info := protocol.SignatureInformation{Label: label}
		if doc != "" {
			info.Documentation = protocol.String(doc)
		}
		required, variadic := catalog.ParseSignature(sig)
		for _, p := range ps {
			info.Parameters = append(info.Parameters, protocol.ParameterInformation{Label: protocol.String(p)})
		}
		var ap uint32
		fits := idx < required || variadic
		switch {
		case idx < required:
			ap = uint32(idx)
		case variadic:
			ap = uint32(required + 1) // the name after "&"
		default:
			ap = uint32(len(ps))
		}
		info.ActiveParameter = protocol.NewNullable(ap)
		if fits && active < 0 {
			active = i
		}
		help.Signatures = append(help.Signatures, info)
	}
	if active < 0 {
		active = len(sigs) - 1
	}
	as := uint32(active)
	help.ActiveSignature = &as
	if ap, ok := help.Signatures[active].ActiveParameter.Get(); ok {
		help.ActiveParameter = protocol.NewNullable(ap)
	}
	return help, nil
}
