package lsp

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

// DocumentSymbol outlines the file: definitions (functions and variables),
// quine names, think labels (as strings under the wrapper) and the
// wrapper's trailing expression.
func (s *Server) DocumentSymbol(ctx context.Context, params *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	snap, err := s.store.get(params.TextDocument.URI)
	if err != nil {
		return nil, nil
	}
	return protocol.DocumentSymbolSlice(documentSymbols(snap)), nil
}

func documentSymbols(snap *snapshot) []protocol.DocumentSymbol {
	sb := symbolBuilder{src: snap.text, m: snap.mapper()}
	an := snap.analysis()
	if w := an.wrapper; w != nil {
		detail := "program wrapper"
		top := protocol.DocumentSymbol{
			Name:           w.name.Text(snap.text),
			Detail:         &detail,
			Kind:           protocol.SymbolKindModule,
			Range:          sb.m.nodeRange(w.quine),
			SelectionRange: sb.m.nodeRange(w.name),
		}
		body := w.do.Kids[1:]
		for i, k := range body {
			if i == len(body)-1 {
				text := oneLine(k.Text(snap.text))
				top.Children = append(top.Children, protocol.DocumentSymbol{
					Name: "trailing expression", Detail: &text, Kind: protocol.SymbolKindEvent,
					Range: sb.m.nodeRange(k), SelectionRange: sb.m.nodeRange(k),
				})
				break
			}
			top.Children = append(top.Children, sb.collect(k, 0)...)
		}
		out := []protocol.DocumentSymbol{top}
		for _, f := range snap.file.Forms[1:] {
			out = append(out, sb.collect(f, 0)...)
		}
		return out
	}
	var out []protocol.DocumentSymbol
	for _, f := range snap.file.Forms {
		out = append(out, sb.collect(f, 0)...)
	}
	return out
}

type symbolBuilder struct {
	src []byte
	m   mapper
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

// collect returns the symbols defined by n and, for forms that are not
// definitions, by its descendants (a def inside a let still defines).
func (sb *symbolBuilder) collect(n *syntax.Node, depth int) []protocol.DocumentSymbol {
	if depth > maxDepth || n.Kind.IsAtom() {
		return nil
	}
	if n.Kind == syntax.Quote && len(n.Kids) > 0 {
		return sb.collect(n.Kids[0], depth+1)
	}
	head := headName(sb.src, n)
	switch head {
	case "def", "define", "persist", "defn", "defmacro", "quine":
		if len(n.Kids) > 1 && n.Kids[1].Kind == syntax.Symbol {
			kind := protocol.SymbolKindVariable
			switch head {
			case "defn", "defmacro":
				kind = protocol.SymbolKindFunction
			case "quine":
				kind = protocol.SymbolKindConstant
			}
			detail := head
			sym := protocol.DocumentSymbol{
				Name: n.Kids[1].Text(sb.src), Detail: &detail, Kind: kind,
				Range: sb.m.nodeRange(n), SelectionRange: sb.m.nodeRange(n.Kids[1]),
			}
			return []protocol.DocumentSymbol{sym}
		}
	case "think", "rethink":
		for _, k := range n.Kids[1:] {
			if k.Kind == syntax.String {
				label := k.Text(sb.src)
				if v, err := syntax.UnquoteString(label); err == nil {
					label = v
				}
				if label == "" {
					label = `""`
				}
				detail := head
				return []protocol.DocumentSymbol{{
					Name: oneLine(label), Detail: &detail, Kind: protocol.SymbolKindString,
					Range: sb.m.nodeRange(n), SelectionRange: sb.m.nodeRange(k),
				}}
			}
		}
	case "!call-now", "!peek-now", "!peek":
		var out []protocol.DocumentSymbol
		kids := n.Kids[1:]
		if len(kids) > 0 && kids[0].Kind == syntax.Map {
			kids = kids[1:]
		}
		for i := 0; i+1 < len(kids); i += 2 {
			if kids[i].Kind == syntax.Symbol {
				detail := head
				out = append(out, protocol.DocumentSymbol{
					Name: kids[i].Text(sb.src), Detail: &detail, Kind: protocol.SymbolKindVariable,
					Range: sb.m.nodeRange(n), SelectionRange: sb.m.nodeRange(kids[i]),
				})
			}
		}
		return out
	}
	var out []protocol.DocumentSymbol
	for _, k := range n.Kids {
		out = append(out, sb.collect(k, depth+1)...)
	}
	return out
}

// Workspace symbol search limits.
const (
	maxWorkspaceFiles = 5000
	maxWorkspaceFile  = 2 << 20
)

// Symbols searches the definitions of every *.spl file under the workspace
// folders (open documents use their unsaved text) for names containing the
// query (case-insensitive).
func (s *Server) Symbols(ctx context.Context, params *protocol.WorkspaceSymbolParams) (protocol.WorkspaceSymbolResult, error) {
	query := strings.ToLower(params.Query)
	open := map[string]*snapshot{}
	for _, snap := range s.store.all() {
		if snap.uri.IsFile() {
			open[filepath.Clean(snap.uri.FsPath())] = snap
		}
	}
	s.mu.Lock()
	folders := append([]uri.URI(nil), s.folders...)
	s.mu.Unlock()
	var files []string
	seen := map[string]bool{}
	for _, f := range folders {
		if !f.IsFile() {
			continue
		}
		root := f.FsPath()
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || ctx.Err() != nil || len(files) >= maxWorkspaceFiles {
				return filepath.SkipDir
			}
			if d.IsDir() {
				if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, ".spl") && !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
			return nil
		})
	}
	for p := range open {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	sort.Strings(files)
	out := protocol.WorkspaceSymbolSlice{}
	for _, p := range files {
		if err := checkCtx(ctx); err != nil {
			return nil, err
		}
		snap := open[p]
		if snap == nil {
			info, err := os.Stat(p)
			if err != nil || info.Size() > maxWorkspaceFile {
				continue
			}
			text, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			snap = newSnapshot(uri.File(p), 0, text, s.utf8)
		}
		container := filepath.Base(p)
		for _, sym := range flatten(documentSymbols(snap)) {
			if sym.Kind == protocol.SymbolKindString || sym.Kind == protocol.SymbolKindEvent || sym.Kind == protocol.SymbolKindModule {
				continue
			}
			if query != "" && !strings.Contains(strings.ToLower(sym.Name), query) {
				continue
			}
			c := container
			out = append(out, protocol.WorkspaceSymbol{
				BaseSymbolInformation: protocol.BaseSymbolInformation{Name: sym.Name, Kind: sym.Kind, ContainerName: &c},
				Location:              &protocol.Location{URI: snap.uri, Range: sym.SelectionRange},
			})
		}
	}
	return out, nil
}

func flatten(syms []protocol.DocumentSymbol) []protocol.DocumentSymbol {
	var out []protocol.DocumentSymbol
	for _, s := range syms {
		out = append(out, s)
		out = append(out, flatten(s.Children)...)
	}
	return out
}
