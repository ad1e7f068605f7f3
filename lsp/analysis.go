package lsp

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// This file is the language server's view of a file's bindings: which
// symbol occurrence denotes which binding, where bindings are defined and
// which are visible at an offset. It answers definition, references,
// highlight, rename, completion of locals, hover of user definitions and
// semantic tokens. lintbridge.go fills it from the lint package's analysis
// model; there is no second analyser.

// bindKind classifies a binding.
type bindKind uint8

const (
	bindDef   bindKind = iota // def, define, persist, !call-now names
	bindDefn                  // defn
	bindMacro                 // defmacro
	bindQuine                 // quine names
	bindParam                 // fn parameters
	bindLocal                 // let/loop/for/if-let/when-let/as->/catch bindings
)

func (k bindKind) global() bool { return k <= bindQuine }

// binding is one name. Global definitions of the same name (dynamic scope:
// every definition may be the one in force) share one binding.
type binding struct {
	name  string
	kind  bindKind
	defs  []*syntax.Node // symbol nodes at the definition sites
	forms []*syntax.Node // the defining forms, parallel to defs (nil for params)
	refs  []*syntax.Node // every occurrence, definitions included, in source order
	// scope of a local binding: [scopeStart, scopeEnd) in bytes.
	scopeStart, scopeEnd int32
	// params of a defn/fn-valued binding, one vector text per arity.
	params []string
	// destructured names (:keys, :strs, :syms) are also looked-up keys:
	// renaming them would change behaviour.
	destructured bool
	defSet       map[*syntax.Node]bool // built on demand by isDef
}

func (b *binding) isDef(n *syntax.Node) bool {
	if len(b.defs) < 8 {
		for _, d := range b.defs {
			if d == n {
				return true
			}
		}
		return false
	}
	if b.defSet == nil {
		b.defSet = make(map[*syntax.Node]bool, len(b.defs))
		for _, d := range b.defs {
			b.defSet[d] = true
		}
	}
	return b.defSet[n]
}

// occurrence is a symbol node and the binding it denotes (nil when free:
// a builtin, a namespace member or an unresolved name).
type occurrence struct {
	node *syntax.Node
	b    *binding
}

// analysis is the binding model of one file.
type analysis struct {
	src      []byte
	globals  map[string]*binding
	locals   []*binding
	occs     []occurrence // sorted by node start
	keywords []string     // distinct keywords of the file, sorted (fileKeywords)
	kwOnce   sync.Once
	wrapper  *wrapperInfo
	lint     *lint.Analysis
}

// wrapperInfo describes the completion wrapper (quine NAME (eval (do …))).
type wrapperInfo struct {
	quine *syntax.Node // the (quine …) list
	name  *syntax.Node // NAME
	do    *syntax.Node // the (do …) list
}

// maxDepth bounds the nesting the analysis descends into.
const maxDepth = 2000

// headName returns the head symbol text of a list, or "".
func headName(src []byte, n *syntax.Node) string {
	if n == nil || n.Kind != syntax.List || len(n.Kids) == 0 || n.Kids[0].Kind != syntax.Symbol {
		return ""
	}
	return n.Kids[0].Text(src)
}

// unquote returns the target of a quote form ('x or (quote x)), or nil.
func unquote(src []byte, n *syntax.Node) *syntax.Node {
	if n.Kind == syntax.Quote && len(n.Kids) > 0 {
		return n.Kids[0]
	}
	if headName(src, n) == "quote" && len(n.Kids) > 1 {
		return n.Kids[1]
	}
	return nil
}

// occurrenceAt returns the symbol occurrence whose token contains off
// (the end of the token counts, so a cursor right after a name finds it).
func (an *analysis) occurrenceAt(off int) (occurrence, bool) {
	occs := an.occs
	i := sort.Search(len(occs), func(i int) bool { return int(occs[i].node.End) >= off })
	for ; i < len(occs) && int(occs[i].node.Start) <= off; i++ {
		if int(occs[i].node.End) >= off {
			return occs[i], true
		}
	}
	return occurrence{}, false
}

// visibleAt returns the local bindings in scope at off, innermost first
// (shadowed names removed).
func (an *analysis) visibleAt(off int) []*binding {
	var out []*binding
	seen := map[string]bool{}
	for i := len(an.locals) - 1; i >= 0; i-- {
		b := an.locals[i]
		if int(b.scopeStart) <= off && off <= int(b.scopeEnd) && !seen[b.name] {
			seen[b.name] = true
			out = append(out, b)
		}
	}
	return out
}

// isBuiltinName reports whether name is a catalogue name (special form,
// macro, builtin or namespace member).
func isBuiltinName(name string) bool {
	_, ok := catalog.Lookup(name)
	return ok
}

// splitNS splits "ns/name" into its parts; "/" and names without a
// namespace return "", name.
func splitNS(name string) (ns, member string) {
	i := strings.IndexByte(name, '/')
	if i <= 0 || i == len(name)-1 {
		return "", name
	}
	return name[:i], name[i+1:]
}

func sortNodes(ns []*syntax.Node) {
	byStart := func(a, b *syntax.Node) int { return int(a.Start) - int(b.Start) }
	if !slices.IsSortedFunc(ns, byStart) {
		slices.SortStableFunc(ns, byStart)
	}
}
