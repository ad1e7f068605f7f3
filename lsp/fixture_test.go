package lsp

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/spell-go/spell/syntax"
)

var update = flag.Bool("update", false, "rewrite the expected results (@… entries) of lsp/testdata archives")

// marker is one ;;@kind(args) comment of a fixture file.
type marker struct {
	kind string
	args []string
	line int // 0-based
}

var markerRE = regexp.MustCompile(`;;@([a-z]+)(?:\(([^)]*)\))?`)

func parseMarkers(text string) []marker {
	var out []marker
	for i, line := range strings.Split(text, "\n") {
		for _, m := range markerRE.FindAllStringSubmatch(line, -1) {
			var args []string
			if m[2] != "" {
				args = strings.Split(m[2], ",")
			}
			out = append(out, marker{kind: m[1], args: args, line: i})
		}
	}
	return out
}

// fixtureDoc is an open fixture file with its position mapping.
type fixtureDoc struct {
	uri  uri.URI
	text []byte
	lt   *syntax.LineTable
	m    mapper
}

// at returns the LSP position of the first occurrence of word on line
// (before the markers), plus delta bytes.
func (d *fixtureDoc) at(t *testing.T, line int, word string, delta int) protocol.Position {
	t.Helper()
	start, end := d.lt.LineStart(line), d.lt.LineEnd(line)
	code := string(d.text[start:end])
	if i := strings.Index(code, ";;@"); i >= 0 {
		code = code[:i]
	}
	i := strings.Index(code, word)
	if i < 0 {
		t.Fatalf("line %d: %q not found in %q", line+1, word, code)
	}
	return d.m.position(start + i + delta)
}

// pos renders an LSP position as 1-based line:column in code points, so
// goldens are the same for every position encoding.
func (d *fixtureDoc) pos(p protocol.Position) string {
	return d.lt.Position(d.m.offset(p)).String()
}

func (d *fixtureDoc) rng(r protocol.Range) string {
	s, e := d.m.offset(r.Start), d.m.offset(r.End)
	return fmt.Sprintf("%s-%s %s", d.pos(r.Start), d.pos(r.End), d.text[s:e])
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got16 := runFixture(t, ar, false)
			got8 := runFixture(t, ar, true)
			for k, v := range got16 {
				if got8[k] != v {
					t.Errorf("%s differs between utf-16 and utf-8:\nutf-16:\n%s\nutf-8:\n%s", k, v, got8[k])
				}
			}
			want := map[string]string{}
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "@") {
					want[f.Name] = string(f.Data)
				}
			}
			if *update {
				var kept []txtar.File
				for _, f := range ar.Files {
					if !strings.HasPrefix(f.Name, "@") {
						kept = append(kept, f)
					}
				}
				names := make([]string, 0, len(got16))
				for k := range got16 {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					kept = append(kept, txtar.File{Name: k, Data: []byte(got16[k])})
				}
				ar.Files = kept
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for k, v := range got16 {
				w, ok := want[k]
				if !ok {
					t.Errorf("missing entry %s; got:\n%s", k, v)
				} else if w != v {
					t.Errorf("%s:\ngot:\n%s\nwant:\n%s", k, v, w)
				}
			}
			for k := range want {
				if _, ok := got16[k]; !ok {
					t.Errorf("entry %s has no marker", k)
				}
			}
		})
	}
}

// runFixture opens every .spl file of the archive and evaluates its
// markers, returning the rendered results by entry name.
func runFixture(t *testing.T, ar *txtar.Archive, utf8 bool) map[string]string {
	s := newSession(t, sessionOpts{utf8: utf8})
	out := map[string]string{}
	for _, f := range ar.Files {
		if !strings.HasSuffix(f.Name, ".spl") {
			continue
		}
		u := uri.File("/fixture/" + f.Name)
		lt := syntax.NewLineTable(f.Data)
		d := &fixtureDoc{uri: u, text: f.Data, lt: lt, m: mapper{lt: lt, utf8: utf8}}
		s.open(u, string(f.Data))
		diags := s.waitDiags(u, 1)
		markers := parseMarkers(string(f.Data))
		checkDiags(t, f.Name, d, markers, diags.Diagnostics)
		for _, mk := range markers {
			arg := func(i int) string {
				if i >= len(mk.args) {
					t.Fatalf("%s:%d: @%s needs %d arguments", f.Name, mk.line+1, mk.kind, i+1)
				}
				return mk.args[i]
			}
			switch mk.kind {
			case "diag":
			case "hover":
				h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: posParams(u, d.at(t, mk.line, arg(0), 0))})
				out["@hover/"+arg(0)] = renderHover(d, h, err)
			case "def":
				r, err := s.server.Definition(s.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: posParams(u, d.at(t, mk.line, arg(0), 0))})
				var locs []protocol.Location
				if ls, ok := r.(protocol.LocationSlice); ok {
					locs = ls
				}
				out["@def/"+arg(0)] = renderLocs(d, locs, err)
			case "refs":
				locs, err := s.server.References(s.ctx, &protocol.ReferenceParams{
					TextDocumentPositionParams: posParams(u, d.at(t, mk.line, arg(0), 0)),
					Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
				})
				out["@refs/"+arg(0)] = renderLocs(d, locs, err)
			case "complete":
				p := arg(0)
				r, err := s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: posParams(u, d.at(t, mk.line, p, len(p)))})
				out["@complete/"+p] = renderCompletion(r, err)
			case "rename":
				old, nw := arg(0), arg(1)
				we, err := s.server.Rename(s.ctx, &protocol.RenameParams{TextDocumentPositionParams: posParams(u, d.at(t, mk.line, old, 0)), NewName: nw})
				out["@rename/"+old] = renderRename(d, we, err)
			case "fold":
				fr, err := s.server.FoldingRanges(s.ctx, &protocol.FoldingRangeParams{TextDocument: docID(u)})
				out["@fold"] = renderFolds(fr, err)
			case "symbols":
				r, err := s.server.DocumentSymbol(s.ctx, &protocol.DocumentSymbolParams{TextDocument: docID(u)})
				var syms []protocol.DocumentSymbol
				if ss, ok := r.(protocol.DocumentSymbolSlice); ok {
					syms = ss
				}
				var b strings.Builder
				if err != nil {
					fmt.Fprintf(&b, "error: %v\n", err)
				}
				renderSymbols(&b, d, syms, "")
				out["@symbols"] = b.String()
			default:
				t.Fatalf("%s:%d: unknown marker @%s", f.Name, mk.line+1, mk.kind)
			}
		}
	}
	return out
}

// checkDiags requires the diagnostics to match the @diag markers one to
// one: same line (of the start), same rule.
func checkDiags(t *testing.T, name string, d *fixtureDoc, markers []marker, diags []protocol.Diagnostic) {
	t.Helper()
	var want, got []string
	for _, m := range markers {
		if m.kind == "diag" && len(m.args) > 0 {
			want = append(want, fmt.Sprintf("%d:%s", m.line+1, m.args[0]))
		}
	}
	for _, dg := range diags {
		code, _ := dg.Code.(protocol.String)
		line := int(dg.Range.Start.Line)
		// A finding at the very end of a text ending in a newline belongs
		// to the last line that can carry a marker.
		if d.m.offset(dg.Range.Start) == len(d.text) && len(d.text) > 0 && d.text[len(d.text)-1] == '\n' && line > 0 {
			line--
		}
		got = append(got, fmt.Sprintf("%d:%s", line+1, code))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, " ") != strings.Join(got, " ") {
		var msgs []string
		for _, dg := range diags {
			msgs = append(msgs, fmt.Sprintf("%s %v %v", d.rng(dg.Range), dg.Code, dg.Message))
		}
		t.Errorf("%s: diagnostics %v, markers %v\n%s", name, got, want, strings.Join(msgs, "\n"))
	}
}

func renderHover(d *fixtureDoc, h *protocol.Hover, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	if h == nil {
		return "no hover\n"
	}
	var b strings.Builder
	if h.Range != nil {
		fmt.Fprintf(&b, "range %s\n", d.rng(*h.Range))
	}
	if mc, ok := h.Contents.(*protocol.MarkupContent); ok {
		b.WriteString(mc.Value)
	}
	b.WriteString("\n")
	return b.String()
}

func renderLocs(d *fixtureDoc, locs []protocol.Location, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	var b strings.Builder
	for _, l := range locs {
		fmt.Fprintf(&b, "%s\n", d.rng(l.Range))
	}
	if len(locs) == 0 {
		b.WriteString("none\n")
	}
	return b.String()
}

func renderCompletion(r protocol.CompletionResult, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	l, _ := r.(*protocol.CompletionList)
	if l == nil {
		return "none\n"
	}
	var b strings.Builder
	for _, it := range l.Items {
		detail, _ := it.Detail.Get()
		fmt.Fprintf(&b, "%s\t%d\t%s\n", it.Label, it.Kind, detail)
	}
	return b.String()
}

func renderRename(d *fixtureDoc, we *protocol.WorkspaceEdit, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	if we == nil {
		return "none\n"
	}
	var es []edit
	for _, e := range we.Changes[d.uri] {
		es = append(es, edit{Start: d.m.offset(e.Range.Start), End: d.m.offset(e.Range.End), NewText: e.NewText})
	}
	return string(applyEdits(d.text, es))
}

// applyEdits applies non-overlapping edits in byte offsets.
func applyEdits(src []byte, es []edit) []byte {
	sort.Slice(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var b []byte
	last := 0
	for _, e := range es {
		b = append(b, src[last:e.Start]...)
		b = append(b, e.NewText...)
		last = e.End
	}
	return append(b, src[last:]...)
}

func renderFolds(fr []protocol.FoldingRange, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	var b strings.Builder
	for _, f := range fr {
		fmt.Fprintf(&b, "%d-%d %s\n", f.StartLine+1, f.EndLine+1, f.Kind)
	}
	return b.String()
}

func renderSymbols(b *strings.Builder, d *fixtureDoc, syms []protocol.DocumentSymbol, indent string) {
	for _, s := range syms {
		detail := ""
		if s.Detail != nil {
			detail = " (" + *s.Detail + ")"
		}
		sel := d.rng(s.SelectionRange)
		fmt.Fprintf(b, "%s%s kind=%d%s at %s\n", indent, s.Name, s.Kind, detail, strings.SplitN(sel, "\n", 2)[0])
		renderSymbols(b, d, s.Children, indent+"  ")
	}
}
