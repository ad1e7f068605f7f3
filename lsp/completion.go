package lsp

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// completionPrefix returns the start of the symbol or keyword being typed
// at off and its text.
func completionPrefix(src []byte, off int) (int, string) {
	if off > len(src) {
		off = len(src)
	}
	start := off
	for start > 0 && syntax.IsConstituent(src[start-1]) {
		start--
	}
	for start < off && (src[start] == '\'' || src[start] == '#') {
		start++
	}
	return start, string(src[start:off])
}

// Sort groups: locals first, then file definitions, forms, builtins,
// namespaces and snippets.
const (
	sortLocal   = "0"
	sortDef     = "1"
	sortForm    = "2"
	sortBuiltin = "3"
	sortNS      = "4"
	sortSnippet = "5"
)

type snippet struct {
	label, filter, detail, body, inner string // inner: the text after an already typed "("
}

var snippets = []snippet{
	{"quine wrapper", "quine", "program wrapper (quine completion (eval (do …)))",
		"(quine completion (eval (do\n  (quine prompt \"${1:task}\")\n  $0)))",
		"quine completion (eval (do\n  (quine prompt \"${1:task}\")\n  $0))"},
	{"'(!call-now name expr)", "!call-now", "quoted trailing call whose value is bound to name",
		"'(!call-now ${1:name} ${2:expr})", "!call-now ${1:name} ${2:expr}"},
	{"(think \"…\")", "think", "a labelled thought",
		"(think \"${1:…}\")", "think \"${1:…}\""},
}

// Completion offers special forms, macros and builtins (usage as detail),
// locals and definitions in scope, quine names, namespace members after
// "ns/", keywords of the file after ":", and snippets.
func (s *Server) Completion(ctx context.Context, params *protocol.CompletionParams) (protocol.CompletionResult, error) {
	snap, off, ok := s.snapshotAt(params.TextDocument.URI, params.Position)
	if !ok {
		return nil, nil
	}
	items := completions(snap, off)
	return &protocol.CompletionList{IsIncomplete: false, Items: items}, nil
}

func completions(snap *snapshot, off int) []protocol.CompletionItem {
	src := snap.text
	start, prefix := completionPrefix(src, off)
	m := snap.mapper()
	rng := m.rng(start, off)
	var items []protocol.CompletionItem
	seen := map[string]bool{}
	add := func(label string, kind protocol.CompletionItemKind, detail, doc, sortGroup string) {
		if seen[label] || !strings.HasPrefix(label, prefix) {
			return
		}
		seen[label] = true
		it := protocol.CompletionItem{
			Label:    label,
			Kind:     kind,
			SortText: protocol.NewOptional(sortGroup + label),
			TextEdit: &protocol.TextEdit{Range: rng, NewText: label},
		}
		if detail != "" {
			it.Detail = protocol.NewOptional(detail)
		}
		if doc != "" {
			// Documentation comes with completionItem/resolve.
			it.Data = protocol.LSPAny(strconv.Quote(label))
		}
		items = append(items, it)
	}
	an := snap.analysis()

	// Keywords seen in the file.
	if strings.HasPrefix(prefix, ":") {
		for _, k := range an.fileKeywords(snap.file) {
			if k != prefix {
				add(k, protocol.CompletionItemKindKeyword, "", "", sortDef)
			}
		}
		return items
	}

	// Members of a namespace.
	if i := strings.IndexByte(prefix, '/'); i > 0 {
		ns := prefix[:i]
		var members []catalog.Entry
		if ns == "builtins" {
			members = catalog.Namespace("")
		} else {
			members = catalog.Namespace(ns)
		}
		for _, e := range members {
			label := e.Name
			if ns == "builtins" {
				label = "builtins/" + e.Name
			}
			add(label, entryKind(e), catalog.Usage(e), "doc", sortBuiltin)
		}
		return items
	}

	// Locals in scope, then file definitions.
	for _, b := range an.visibleAt(off) {
		kind := protocol.CompletionItemKindVariable
		detail := "local"
		if b.kind == bindParam {
			detail = "parameter"
		}
		add(b.name, kind, detail, "", sortLocal)
	}
	names := make([]string, 0, len(an.globals))
	for name := range an.globals {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b := an.globals[name]
		// Do not offer the very symbol being typed as its own completion.
		if len(b.refs) == 1 && int(b.refs[0].End) == off {
			continue
		}
		switch b.kind {
		case bindDefn, bindMacro:
			detail := "function"
			if len(b.params) > 0 {
				detail = "(" + name + " " + strings.Trim(b.params[0], "[]") + ")"
			}
			add(name, protocol.CompletionItemKindFunction, detail, "", sortDef)
		case bindQuine:
			add(name, protocol.CompletionItemKindConstant, "quine name", "", sortDef)
		default:
			add(name, protocol.CompletionItemKindVariable, "definition", "", sortDef)
		}
	}

	// Catalogue names without a namespace.
	for _, e := range catalog.All() {
		if e.Namespace != "" && e.Kind != catalog.Macro {
			continue
		}
		group := sortBuiltin
		if e.Kind == catalog.SpecialForm || e.Kind == catalog.Macro {
			group = sortForm
		}
		if e.Namespace == "blocking" && !insideFuture(snap, off) {
			continue
		}
		add(e.Name, entryKind(e), catalog.Usage(e), "doc", group)
	}

	// Namespaces.
	for _, ns := range catalog.Namespaces() {
		if ns.Name == "blocking" && !insideFuture(snap, off) {
			continue
		}
		label := ns.Name + "/"
		if !strings.HasPrefix(label, prefix) {
			continue
		}
		it := protocol.CompletionItem{
			Label:    label,
			Kind:     protocol.CompletionItemKindModule,
			Detail:   protocol.NewOptional("namespace" + effectNote(ns.Effect)),
			SortText: protocol.NewOptional(sortNS + label),
			TextEdit: &protocol.TextEdit{Range: rng, NewText: label},
			Command:  protocol.Command{Title: "complete members", Command: "editor.action.triggerSuggest"},
		}
		if ns.ShortDoc != "" {
			it.Documentation = protocol.String(ns.ShortDoc)
		}
		items = append(items, it)
	}

	// Snippets.
	afterParen := start > 0 && src[start-1] == '('
	for _, sn := range snippets {
		if !strings.HasPrefix(sn.filter, prefix) {
			continue
		}
		body := sn.body
		if afterParen {
			body = sn.inner
		}
		items = append(items, protocol.CompletionItem{
			Label:            sn.label,
			Kind:             protocol.CompletionItemKindSnippet,
			Detail:           protocol.NewOptional(sn.detail),
			SortText:         protocol.NewOptional(sortSnippet + sn.label),
			FilterText:       protocol.NewOptional(sn.filter),
			InsertTextFormat: protocol.InsertTextFormatSnippet,
			TextEdit:         &protocol.TextEdit{Range: rng, NewText: body},
		})
	}
	return items
}

func entryKind(e catalog.Entry) protocol.CompletionItemKind {
	switch e.Kind {
	case catalog.SpecialForm:
		return protocol.CompletionItemKindKeyword
	case catalog.Macro:
		return protocol.CompletionItemKindOperator
	case catalog.Constant:
		return protocol.CompletionItemKindConstant
	}
	return protocol.CompletionItemKindFunction
}

// insideFuture reports whether off lies inside a (future …) form.
func insideFuture(snap *snapshot, off int) bool {
	for _, n := range nodePath(snap.file, off) {
		if headName(snap.text, n) == "future" {
			return true
		}
	}
	return false
}

// CompletionResolve adds the catalogue documentation of an item.
func (s *Server) CompletionResolve(ctx context.Context, item *protocol.CompletionItem) (*protocol.CompletionItem, error) {
	name, err := strconv.Unquote(string(item.Data))
	if err != nil {
		return item, nil
	}
	name = strings.TrimPrefix(name, "builtins/")
	if e, ok := catalog.Lookup(name); ok {
		item.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: catalogHover(e)}
	}
	return item, nil
}
