package lsp

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// maxHoverLines bounds the definition text shown for a user definition.
const maxHoverLines = 20

// Hover documents the symbol under the cursor: catalogue entries (special
// forms, macros, builtins, namespace members, effect functions) with the
// text `spell doc` prints; user definitions with their parameters and
// definition; locals with their binding form.
func (s *Server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	n := atomAt(snap.file, off)
	if n == nil || n.Kind != syntax.Symbol {
		return nil, nil
	}
	text := hoverText(snap, n)
	if text == "" {
		return nil, nil
	}
	r := snap.mapper().nodeRange(n)
	return &protocol.Hover{
		Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: text},
		Range:    &r,
	}, nil
}

// hoverText returns the markdown hover of a symbol node, or "".
func hoverText(snap *snapshot, n *syntax.Node) string {
	src := snap.text
	name := n.Text(src)
	an := snap.analysis()
	if occ, ok := an.occurrenceAt(int(n.Start)); ok && occ.node == n && occ.b != nil {
		return userHover(snap, occ.b)
	}
	if e, ok := catalog.Lookup(name); ok {
		return catalogHover(e)
	}
	for _, ns := range catalog.Namespaces() {
		if ns.Name == name || ns.Name+"/" == name {
			return fmt.Sprintf("```clojure\n%s/\n```\nnamespace%s — %s\n\n%s", ns.Name, effectNote(ns.Effect), ns.ShortDoc, ns.Guide)
		}
	}
	return ""
}

func effectNote(effect bool) string {
	if effect {
		return " (effect)"
	}
	return ""
}

// catalogHover renders an entry as `spell doc` does: usage, summary,
// details and divergences, with the usage as a code block.
func catalogHover(e catalog.Entry) string {
	desc := catalog.Describe(e)
	usage := catalog.Usage(e)
	rest := strings.TrimPrefix(desc, usage)
	rest = strings.TrimLeft(rest, "\n")
	return fmt.Sprintf("```clojure\n%s\n```\n%s\n\n%s", usage, e.Kind, rest)
}

func userHover(snap *snapshot, b *binding) string {
	src := snap.text
	var sb strings.Builder
	switch b.kind {
	case bindDefn, bindMacro:
		what := "function"
		if b.kind == bindMacro {
			what = "macro"
		}
		sb.WriteString("```clojure\n")
		if len(b.params) == 0 {
			fmt.Fprintf(&sb, "(%s)\n", b.name)
		}
		for _, p := range b.params {
			ps := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(p, "["), "]"))
			if ps == "" {
				fmt.Fprintf(&sb, "(%s)\n", b.name)
			} else {
				fmt.Fprintf(&sb, "(%s %s)\n", b.name, ps)
			}
		}
		sb.WriteString("```\n")
		fmt.Fprintf(&sb, "%s defined in this file", what)
	case bindQuine:
		fmt.Fprintf(&sb, "```clojure\n%s\n```\nquine name", b.name)
	case bindDef:
		fmt.Fprintf(&sb, "```clojure\n%s\n```\ndefinition", b.name)
	case bindParam:
		fmt.Fprintf(&sb, "```clojure\n%s\n```\nparameter", b.name)
	default:
		fmt.Fprintf(&sb, "```clojure\n%s\n```\nlocal binding", b.name)
	}
	for i, d := range b.defs {
		pos := snap.file.Position(d.Start)
		form := b.forms[i]
		if form == nil {
			fmt.Fprintf(&sb, "\n\nbound at line %d", pos.Line)
			continue
		}
		fmt.Fprintf(&sb, "\n\nline %d:\n```clojure\n%s\n```", pos.Line, clip(definitionText(src, form, d, b.kind)))
		if i >= 4 {
			fmt.Fprintf(&sb, "\n\n… and %d more definitions", len(b.defs)-i-1)
			break
		}
	}
	return sb.String()
}

// definitionText is the text shown for one definition: the whole defn, or
// for def/persist/quine the initial form.
func definitionText(src []byte, form, name *syntax.Node, kind bindKind) string {
	if kind == bindDefn || kind == bindMacro || headName(src, form) == "" {
		return form.Text(src)
	}
	head := headName(src, form)
	switch head {
	case "def", "define", "persist", "quine":
		if len(form.Kids) > 2 {
			return fmt.Sprintf("(%s %s %s)", head, name.Text(src), form.Kids[len(form.Kids)-1].Text(src))
		}
	case "!call-now", "!peek-now", "!peek":
		for i, k := range form.Kids {
			if k == name && i+1 < len(form.Kids) {
				return fmt.Sprintf("(%s %s %s)", head, name.Text(src), form.Kids[i+1].Text(src))
			}
		}
	}
	return form.Text(src)
}

func clip(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > maxHoverLines {
		lines = append(lines[:maxHoverLines], "…")
	}
	return strings.Join(lines, "\n")
}
