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
			return fmt.Sprintf("```clojure\n%s/\n```\nnamespace%s — %s\n\n%s", ns.Name, effectNote(ns.Effect), ns.ShortDoc, docMarkdown(ns.Guide))
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

// catalogHover renders an entry as `spell doc` does — usage, summary,
// details — as markdown: the usage and the examples as code blocks, and
// where Spell-Go behaves differently from the reference implementation a
// note in plain words instead of the spec's D-labels (issue 13).
func catalogHover(e catalog.Entry) string {
	usage := catalog.Usage(e)
	var b strings.Builder
	fmt.Fprintf(&b, "```clojure\n%s\n```\n%s\n\n", usage, e.Kind)
	text := e.Doc
	if e.Detail != "" {
		text += "\n\n" + e.Detail
	}
	b.WriteString(docMarkdown(text))
	if note := divergenceNote(e.Divergence); note != "" {
		b.WriteString("\n\n")
		b.WriteString(note)
	}
	return strings.TrimRight(b.String(), "\n")
}

// divergences says in plain words what each divergence label of the spec
// (D1–D13) means for a user of this implementation.
var divergences = map[string]string{
	"D1":  "Character literals evaluate to themselves.",
	"D2":  "`&` in a parameter vector makes the function variadic: the rest arguments arrive as a list (nil when there are none).",
	"D3":  "`loop` inits see the loop bindings made before them: `(loop [a 1 b (+ a 1)] b)` is 2.",
	"D4":  "`map` takes several collections, `comp` returns a function of any number of arguments, and `(reduce f [])` calls `(f)`.",
	"D5":  "The elements of a set literal are evaluated.",
	"D6":  "`recur` outside the tail position of a `fn` or `loop` is an error.",
	"D7":  "Every failure except resource limits and cancellation can be caught with `try`, including macro expansion and malformed-form errors.",
	"D8":  "Host-only reader forms (`#=`, syntax quote, `@`, tagged literals, reader conditionals, `::kw`) are read errors.",
	"D9":  "The completion sanitiser never touches regex literals, strings, characters or comments.",
	"D10": "Regular expressions use RE2 syntax and run in linear time; back-references and look-around are errors.",
	"D11": "String indices and counts are Unicode code points: `(count \"😀\")` is 1.",
	"D12": "The locals of a failing function never leak into the `catch` handler.",
	"D13": "Long values in snapshots are shortened by the runtime's rules; the markers count characters.",
}

// divergenceNote renders the divergence labels of an entry ("D7 D12") as
// a note in plain words, or "".
func divergenceNote(labels string) string {
	var parts []string
	for _, l := range strings.Fields(labels) {
		if d := divergences[l]; d != "" {
			parts = append(parts, d)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "**Note** (differs from the reference Spell): " + strings.Join(parts, " ")
}

// docMarkdown turns catalogue documentation into markdown: runs of code
// lines (examples such as `(inc 41) ⇒ 42`, call shapes, and the indented
// lines that follow them) become fenced code blocks; prose stays prose.
func docMarkdown(text string) string {
	var b strings.Builder
	inCode := false
	for _, ln := range strings.Split(text, "\n") {
		code := isCodeLine(ln) || inCode && strings.HasPrefix(ln, " ") && strings.TrimSpace(ln) != ""
		switch {
		case code && !inCode:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString("\n")
			}
			b.WriteString("```clojure\n")
			inCode = true
		case !code && inCode:
			b.WriteString("```\n")
			inCode = false
			if strings.TrimSpace(ln) != "" {
				b.WriteString("\n")
			}
		}
		b.WriteString(ln)
		b.WriteString("\n")
	}
	if inCode {
		b.WriteString("```\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// isCodeLine reports whether a documentation line is code: it starts with
// a form ((, [, {, ', #, \) or is indented by two spaces or more.
func isCodeLine(ln string) bool {
	if strings.HasPrefix(ln, "  ") && strings.TrimSpace(ln) != "" {
		return true
	}
	return ln != "" && strings.ContainsRune("([{'#\\", rune(ln[0]))
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
