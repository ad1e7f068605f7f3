package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// Analyze builds the analysis model of a parsed file (see the package
// documentation). It never evaluates code and never fails: malformed forms
// are analysed as far as their shape allows.
func Analyze(f *syntax.File, opts Options) *Analysis { return analyzeWith(f, opts, nil) }

// analyzeWith is Analyze, incremental when inc is not nil (Incremental).
func analyzeWith(f *syntax.File, opts Options, inc *incState) *Analysis {
	a := newAnalysis(f, opts, len(f.Src))
	end := int32(len(f.Src))
	a.Root = &Scope{Kind: ScopeFile, Start: 0, End: end}
	a.Scopes = append(a.Scopes, a.Root)
	w := &walker{a: a, src: f.Src, names: make(map[string]string, len(f.Src)/128), inc: inc}
	if n := len(f.Src); n < 256 {
		// The first slabs of a small file fit it: a two-line file takes 3
		// references, 2 calls and 2 bindings, not 16, 8 and 8 (slabs of
		// over 512 bytes have size classes of their own, each a fresh
		// heap page at start-up: issue 11). Later slabs double as usual.
		w.refs = make([]Reference, min(16, n/16+2))
		w.calls = make([]Call, min(8, n/32+2))
		w.bslab = make([]Binding, min(8, n/32+2))
		w.nrefs, w.ncalls, w.nbind = int16(len(w.refs)), int16(len(w.calls)), int16(len(w.bslab))
	}
	e := env{scope: a.Root, mode: ModePure}
	forms := f.Forms
	if len(forms) > 0 {
		if wr := wrapperOf(forms[0], f.Src); wr != nil {
			a.Wrapper = wr
			w.wrapper(wr, e)
			forms = forms[1:]
			e.lenient = true
		}
	}
	// Only the first form of a program is evaluated; the rest is analysed
	// for navigation, but rules treat it leniently.
	w.units(forms, e, !e.lenient)
	w.finish()
	return a
}

// parallelBytes is the size from which units walks a sequence of
// top-level or wrapper body forms as two halves at once.
var parallelBytes = 64 << 10

// splits counts the walks made in two halves (tests).
var splits atomic.Int64

// envAt is the env of the i-th of the forms units walks. (A function,
// not a closure of units: the closure, which the second half's goroutine
// captured, was allocated for every walk; issue 11, start-up.)
func envAt(e env, firstStrict bool, i int) env {
	if firstStrict {
		e.lenient = i > 0
	}
	return e
}

// units walks forms, each a top-level form or a form of the wrapper's
// body, in env e (with firstStrict, the first form is not lenient). The
// walk of such a form depends only on its text and on the user macros
// defined before it, so when the forms are large, there is more than one
// processor and the first half defines no macro, the second half is walked
// at the same time into an analysis of its own, then appended: the result
// is the sequential walk's (TestParallelAnalyzeMatches).
func (w *walker) units(forms []*syntax.Node, e env, firstStrict bool) {
	if w.inc != nil {
		w.incUnits(forms, e, firstStrict)
		return
	}
	k := w.splitPoint(forms)
	if k <= 0 {
		for i, n := range forms {
			w.form(n, envAt(e, firstStrict, i))
		}
		return
	}
	// The second half: its own analysis, whose file scope stands for a's.
	a := w.a
	n := int(forms[len(forms)-1].End - forms[k].Start)
	tb := newAnalysis(a.File, a.Opts, n)
	root := &Scope{Kind: ScopeFile, Start: a.Root.Start, End: a.Root.End}
	tb.Root = root
	tb.Scopes = append(tb.Scopes, root)
	wb := &walker{a: tb, src: w.src, names: make(map[string]string, n/128)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := k; i < len(forms); i++ {
			eb := envAt(e, firstStrict, i)
			eb.scope = root
			wb.form(forms[i], eb)
		}
	}()
	for i, n := range forms[:k] {
		w.form(n, envAt(e, firstStrict, i))
	}
	<-done
	splits.Add(1)
	w.merge(tb, root)
	w.macros = append(w.macros, wb.macros...)
}

// splitPoint returns where units splits forms (0: walk them in one go).
func (w *walker) splitPoint(forms []*syntax.Node) int {
	if len(forms) < 2 || runtime.GOMAXPROCS(0) < 2 || len(w.macros) > 0 {
		return 0
	}
	first, last := forms[0], forms[len(forms)-1]
	if int(last.End-first.Start) < parallelBytes {
		return 0
	}
	mid := first.Start + (last.End-first.Start)/2
	k := sort.Search(len(forms), func(i int) bool { return forms[i].Start >= mid })
	if k <= 0 || k >= len(forms) {
		return 0
	}
	// A defmacro in the first half changes how the second half is walked
	// (userMacro): walk in order then.
	if bytes.Contains(w.src[first.Start:forms[k].Start], []byte("defmacro")) {
		return 0
	}
	return k
}

// merge appends the walk tb (whose file scope is root) to w's analysis, as
// if w had walked it.
func (w *walker) merge(tb *Analysis, root *Scope) {
	a := w.a
	for _, s := range tb.Scopes[1:] {
		if s.Parent == root {
			s.Parent = a.Root
		}
	}
	for _, b := range tb.Bindings {
		if b.Scope == root {
			b.Scope = a.Root
		}
	}
	for _, r := range tb.References {
		if r.Scope == root {
			r.Scope = a.Root
		}
	}
	a.Root.Children = append(a.Root.Children, root.Children...)
	a.Root.Bindings = append(a.Root.Bindings, root.Bindings...)
	a.Scopes = append(a.Scopes, tb.Scopes[1:]...)
	a.Bindings = append(a.Bindings, tb.Bindings...)
	a.References = append(a.References, tb.References...)
	a.Calls = append(a.Calls, tb.Calls...)
	a.Quoted = append(a.Quoted, tb.Quoted...)
	a.Bodies = append(a.Bodies, tb.Bodies...)
	a.Recurs = append(a.Recurs, tb.Recurs...)
	a.InlineDefs = append(a.InlineDefs, tb.InlineDefs...)
	a.UnboundPersists = append(a.UnboundPersists, tb.UnboundPersists...)
	a.Thinks = append(a.Thinks, tb.Thinks...)
	for n, v := range tb.Loops {
		a.Loops[n] = v
	}
	// Every binding of the second half comes after those of the first:
	// appending per name keeps each list in walk order.
	for name, bs := range tb.defs {
		if old, ok := a.defs[name]; ok {
			a.defs[name] = append(old, bs...)
		} else {
			a.defs[name] = bs
		}
	}
	for name, bs := range tb.byName {
		if old, ok := a.byName[name]; ok {
			a.byName[name] = append(old, bs...)
		} else {
			a.byName[name] = bs
		}
	}
	for name := range tb.freeInFn {
		a.freeInFn[name] = true
	}
}

// newAnalysis returns an empty analysis whose tables are sized for about
// n bytes of code (typical programs have a reference every 12-15 bytes, a
// call every 25, a binding every 45): growing them by doubling costs more.
func newAnalysis(f *syntax.File, opts Options, n int) *Analysis {
	return &Analysis{
		File:       f,
		Opts:       opts,
		Scopes:     make([]*Scope, 0, n/128+1),
		Bindings:   make([]*Binding, 0, n/32),
		References: make([]*Reference, 0, n/12),
		Calls:      make([]*Call, 0, n/20),
		Loops:      map[*syntax.Node]bool{},
		defs:       make(map[string][]*Binding, n/128),
		byName:     make(map[string][]*Binding, n/128),
		freeInFn:   map[string]bool{},
	}
}

// entryOf looks a name up in the catalogue (the entry is shared: the
// catalogue is static data, see catalog.LookupRef).
func entryOf(name string) (*catalog.Entry, bool) { return catalog.LookupRef(name) }

// env is the walker's state at a position.
type env struct {
	scope *Scope
	mode  Mode
	inFn  bool
	owner *Binding
	recur *recurTarget
	tail  bool
	// container is "fn", "let" or "for" when a def here does not escape.
	container string
	lenient   bool
	isArg     bool
	// wrapperPure is set in the pure part of a wrapper program, where eval
	// of quoted code runs effects at every turn.
	wrapperPure bool
}

type recurTarget struct {
	node *syntax.Node
	fn   *FnInfo // nil for loop
}

type walker struct {
	a     *Analysis
	src   []byte
	names map[string]string
	refs  []Reference
	calls []Call
	// nrefs, ncalls and nbind are the sizes of the last slabs of refs,
	// calls and bslab: they start small and double, so that a small file
	// allocates little (spell lint's start-up, issue 11) and a large one
	// few slabs. (At most 512: int16 keeps the walker in a size class
	// spell lint uses anyway.)
	nrefs, ncalls, nbind int16
	bslab                []Binding
	// macros are the names bound by the defmacro forms walked so far.
	macros []string
	// refRuns and callRuns map the last index of a run of references
	// (calls) that fnBodyOwner settled to its first index.
	refRuns, callRuns map[int]ownerRun
	// locals is the scope index of lookup (see there).
	locals localIndex
	// inc is the state of an incremental analysis (Incremental), or nil.
	inc *incState
}

// text returns a node's source text, interned: every occurrence of a name
// shares one string.
func (w *walker) text(n *syntax.Node) string {
	b := w.src[n.Start:n.End]
	if s, ok := w.names[string(b)]; ok {
		return s
	}
	s := string(b)
	w.names[s] = s
	return s
}

func (w *walker) newRef() *Reference {
	if len(w.refs) == 0 {
		w.nrefs = min(max(2*w.nrefs, 16), 512)
		w.refs = make([]Reference, w.nrefs)
	}
	r := &w.refs[0]
	w.refs = w.refs[1:]
	return r
}

func (w *walker) newCall() *Call {
	if len(w.calls) == 0 {
		w.ncalls = min(max(2*w.ncalls, 8), 256)
		w.calls = make([]Call, w.ncalls)
	}
	c := &w.calls[0]
	w.calls = w.calls[1:]
	return c
}

func (w *walker) newBinding() *Binding {
	if len(w.bslab) == 0 {
		w.nbind = min(max(2*w.nbind, 8), 128)
		w.bslab = make([]Binding, w.nbind)
	}
	b := &w.bslab[0]
	w.bslab = w.bslab[1:]
	return b
}

// headName returns the symbol text of a list's head, or "".
func headName(n *syntax.Node, src []byte) string {
	if n.Kind != syntax.List || len(n.Kids) == 0 || n.Kids[0].Kind != syntax.Symbol {
		return ""
	}
	h := n.Kids[0]
	return string(src[h.Start:h.End])
}

// wrapperOf recognises (quine NAME inert… (eval (do …) extra…)).
func wrapperOf(n *syntax.Node, src []byte) *Wrapper {
	if headName(n, src) != "quine" || len(n.Kids) < 3 || n.Kids[1].Kind != syntax.Symbol {
		return nil
	}
	last := n.Kids[len(n.Kids)-1]
	if headName(last, src) != "eval" || len(last.Kids) < 2 {
		return nil
	}
	do := last.Kids[1]
	if headName(do, src) != "do" {
		return nil
	}
	wr := &Wrapper{Quine: n, Name: n.Kids[1], Inert: n.Kids[2 : len(n.Kids)-1], Eval: last, Do: do,
		Body: do.Kids[1:], Extra: last.Kids[2:]}
	if k := len(wr.Body); k > 0 && isQuoted(wr.Body[k-1], src) {
		wr.Trailing = wr.Body[k-1]
	}
	return wr
}

// isQuoted reports whether n is 'x or (quote x).
func isQuoted(n *syntax.Node, src []byte) bool {
	return n.Kind == syntax.Quote || headName(n, src) == "quote"
}

// quotedTarget returns the quoted form of 'x or (quote x), or nil.
func quotedTarget(n *syntax.Node, src []byte) *syntax.Node {
	switch {
	case n.Kind == syntax.Quote && len(n.Kids) > 0:
		return n.Kids[0]
	case headName(n, src) == "quote" && len(n.Kids) > 1:
		return n.Kids[1]
	}
	return nil
}

func (w *walker) quoted(n *syntax.Node) {
	w.a.Quoted = append(w.a.Quoted, [2]int32{n.Start, n.End})
}

func (w *walker) wrapper(wr *Wrapper, e env) {
	a := w.a
	w.call(wr.Quine, e, CallSpecial, 0).Head = w.ref(wr.Quine.Kids[0], e, true)
	w.bind(wr.Name, BindQuine, wr.Quine, nil, e)
	for _, n := range wr.Inert {
		w.quoted(n)
	}
	w.call(wr.Eval, e, CallBuiltin, 0).Head = w.ref(wr.Eval.Kids[0], e, true)
	w.call(wr.Do, e, CallSpecial, 0).Head = w.ref(wr.Do.Kids[0], e, true)
	pe := e
	pe.wrapperPure = true
	pe.tail = false
	a.Bodies = append(a.Bodies, Body{Kind: "wrapper", Form: wr.Do, Forms: wr.Body, Mode: ModePure})
	body := wr.Body
	if wr.Trailing != nil {
		body = body[:len(body)-1]
	}
	w.units(body, pe, false)
	if n := wr.Trailing; n != nil {
		if t := quotedTarget(n, w.src); t != nil {
			if n.Kind == syntax.List {
				w.ref(n.Kids[0], pe, true)
			}
			te := e
			te.mode = ModeEffect
			w.form(t, te)
		}
	}
	for _, n := range wr.Extra {
		w.form(n, pe)
	}
}

// newScope opens a scope for form.
func (w *walker) newScope(kind ScopeKind, form *syntax.Node, e *env) *Scope {
	s := &Scope{Kind: kind, Start: form.Start, End: form.End, Parent: e.scope, Form: form, depth: e.scope.depth + 1}
	e.scope.Children = append(e.scope.Children, s)
	w.a.Scopes = append(w.a.Scopes, s)
	e.scope = s
	return s
}

// bind records a binding of the symbol n.
func (w *walker) bind(n *syntax.Node, kind BindingKind, form, value *syntax.Node, e env) *Binding {
	name := w.text(n)
	b := w.newBinding()
	*b = Binding{Name: name, Kind: kind, Node: n, Start: n.Start, End: n.End, Form: form, Value: value, InFunction: e.inFn}
	if !kind.IsDefinition() {
		b.Scope = e.scope
		e.scope.Bindings = append(e.scope.Bindings, b)
		w.locals.push(b)
	} else {
		w.a.defs[name] = append(w.a.defs[name], b)
		if kind == BindDefmacro {
			w.macros = append(w.macros, name)
		}
	}
	w.a.byName[name] = append(w.a.byName[name], b)
	w.a.Bindings = append(w.a.Bindings, b)
	if value != nil {
		b.Fn = fnInfoOf(value, w.src)
	}
	return b
}

// fnInfoOf returns the arity of a (fn [params] …), (fn* …) or #(…) form.
func fnInfoOf(n *syntax.Node, src []byte) *FnInfo {
	switch n.Kind {
	case syntax.FnLit:
		return fnLitInfo(n, src)
	case syntax.List:
		switch headName(n, src) {
		case "fn", "fn*":
			if len(n.Kids) > 1 && n.Kids[1].Kind == syntax.Vector {
				return paramsInfo(n.Kids[1], src)
			}
		}
	}
	return nil
}

func paramsInfo(v *syntax.Node, src []byte) *FnInfo {
	fi := &FnInfo{Params: v}
	for _, p := range v.Kids {
		if p.Kind == syntax.Symbol && string(src[p.Start:p.End]) == "&" {
			fi.Variadic = true
			break
		}
		fi.Required++
	}
	return fi
}

// fnLitInfo derives the arity of #(…) from the % symbols it uses.
func fnLitInfo(n *syntax.Node, src []byte) *FnInfo {
	fi := &FnInfo{}
	syntax.Walk(n, func(x *syntax.Node) bool {
		// A nested #() is a syntax error and its % symbols are its own;
		// not descending into it keeps nested literals linear.
		if x.Kind == syntax.Quote || (x.Kind == syntax.FnLit && x != n) {
			return false
		}
		if x.Kind == syntax.Symbol {
			if idx, rest := percentParam(string(src[x.Start:x.End])); rest {
				fi.Variadic = true
			} else if idx > fi.Required {
				fi.Required = idx
			}
		}
		return true
	})
	return fi
}

// percentParam parses %, %n and %&: idx is the 1-based index (0 when the
// symbol is not a parameter), rest reports %&.
func percentParam(s string) (idx int, rest bool) {
	if s == "" || s[0] != '%' {
		return 0, false
	}
	switch s {
	case "%":
		return 1, false
	case "%&":
		return 0, true
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n < 1 || n > 20 {
		return 0, false
	}
	return n, false
}

// lookup finds the local binding of name visible in scope s: the latest
// binding of the nearest scope on the chain from s to the file scope that
// binds name (lookupChain). Walking that chain cost its length per name
// looked up: quadratic in the nesting depth (9,000 nested lets took most
// of a second). The walk visits scopes depth first: a scope receives
// bindings only while it is the current one, and once the walk has left
// it, it never returns into it. So the latest binding of a name whose
// scope is on the current chain is the one the chain walk finds, and a
// binding whose scope is off the chain is dead for good.
func (w *walker) lookup(s *Scope, name string) *Binding {
	b := w.locals.lookup(s, name)
	if checkLookup.Load() {
		if want := lookupChain(s, name); b != want {
			panic(fmt.Sprintf("lint: lookup of %q in the scope at %d: %v, want %v", name, s.Start, b, want))
		}
	}
	return b
}

// checkLookup makes lookup compare its answer with lookupChain (tests).
var checkLookup atomic.Bool

// lookupChain finds a local binding of name by walking the scope chain.
func lookupChain(s *Scope, name string) *Binding {
	for ; s != nil; s = s.Parent {
		for i := len(s.Bindings) - 1; i >= 0; i-- {
			if s.Bindings[i].Name == name {
				return s.Bindings[i]
			}
		}
	}
	return nil
}

// localIndex answers lookup in time independent of the nesting depth:
// per name, the stack of its local bindings in walk order, and the chain
// of the scope last looked up from as an array by depth, so that "is this
// binding's scope on the chain" is one comparison.
type localIndex struct {
	byName map[string][]*Binding
	// chain[d] is the ancestor at depth d of the scope of the last lookup,
	// for d < n.
	chain []*Scope
	n     int32
}

func (x *localIndex) push(b *Binding) {
	if x.byName == nil {
		x.byName = map[string][]*Binding{}
	}
	x.byName[b.Name] = append(x.byName[b.Name], b)
}

// onChain reports whether s is on the chain of the last lookup.
func (x *localIndex) onChain(s *Scope) bool { return s.depth < x.n && x.chain[s.depth] == s }

// enter makes s the scope of the chain: from s up to the first scope
// already on the chain, each costing one step; in a depth-first walk the
// steps add up to the number of scopes.
func (x *localIndex) enter(s *Scope) {
	top := s
	for ; s != nil && !x.onChain(s); s = s.Parent {
		for int(s.depth) >= len(x.chain) {
			x.chain = append(x.chain, nil)
		}
		x.chain[s.depth] = s
	}
	x.n = top.depth + 1
}

func (x *localIndex) lookup(s *Scope, name string) *Binding {
	stack := x.byName[name]
	if len(stack) == 0 {
		return nil
	}
	x.enter(s)
	// Bindings whose scope the walk has left are popped: it never comes
	// back to them.
	for len(stack) > 0 && !x.onChain(stack[len(stack)-1].Scope) {
		stack = stack[:len(stack)-1]
	}
	x.byName[name] = stack
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// ref records a reference for the symbol n.
func (w *walker) ref(n *syntax.Node, e env, head bool) *Reference {
	name := w.text(n)
	r := w.newRef()
	*r = Reference{Node: n, Start: n.Start, End: n.End, Name: name, Head: head, Mode: e.mode,
		InFunction: e.inFn, Lenient: e.lenient, Owner: e.owner, Scope: e.scope}
	lookName := name
	if i := strings.IndexByte(name, '/'); i > 0 && i < len(name)-1 {
		r.Root, r.Member = name[:i], name[i+1:]
		lookName = r.Root
	} else if name == "%" {
		lookName = "%1"
	}
	if head {
		if en, ok := entryOf(name); ok && (en.Kind == catalog.SpecialForm || en.Kind == catalog.Macro) {
			r.Entry, r.HasEntry = en, true
			w.a.References = append(w.a.References, r)
			return r
		}
	}
	if b := w.lookup(e.scope, lookName); b != nil {
		r.Lexical = b
		b.Refs = append(b.Refs, r)
	} else if e.inFn {
		w.a.freeInFn[lookName] = true
	}
	w.a.References = append(w.a.References, r)
	return r
}

// form analyses n as code.
func (w *walker) form(n *syntax.Node, e env) {
	switch n.Kind {
	case syntax.Symbol:
		w.ref(n, e, false)
	case syntax.List:
		w.list(n, e)
	case syntax.Vector, syntax.Map, syntax.Set, syntax.NamespacedMap:
		e.tail = false
		e.isArg = false
		for _, k := range n.Kids {
			w.form(k, e)
		}
	case syntax.FnLit:
		w.fnLit(n, e)
	case syntax.Quote:
		w.quoted(n)
	case syntax.Meta:
		if len(n.Kids) == 2 {
			w.form(n.Kids[1], e)
		}
	}
}

// body analyses forms evaluated like do; the last is in tail position when
// the body itself is.
func (w *walker) body(forms []*syntax.Node, e env) {
	tail := e.tail
	e.isArg = false
	for i, k := range forms {
		e.tail = tail && i == len(forms)-1
		w.form(k, e)
	}
}

func (w *walker) call(n *syntax.Node, e env, kind CallKind, extra int) *Call {
	c := w.newCall()
	*c = Call{Node: n, Kind: kind, Args: len(n.Kids) - 1 + extra, Threaded: extra > 0, Mode: e.mode,
		InFunction: e.inFn, Lenient: e.lenient, Owner: e.owner, IsArg: e.isArg, Tail: e.tail}
	if len(n.Kids) > 0 && n.Kids[0].Kind == syntax.Symbol {
		c.Name = w.text(n.Kids[0])
	}
	w.a.Calls = append(w.a.Calls, c)
	return c
}

// list analyses a list form; extra is the number of arguments a threading
// macro inserts.
func (w *walker) list(n *syntax.Node, e env) { w.listN(n, e, 0) }

func (w *walker) listN(n *syntax.Node, e env, extra int) {
	if len(n.Kids) == 0 {
		return
	}
	head := n.Kids[0]
	name := ""
	if head.Kind == syntax.Symbol {
		name = w.text(head)
	}
	if en, ok := entryOf(name); ok && (en.Kind == catalog.SpecialForm || en.Kind == catalog.Macro) {
		kind := CallSpecial
		if en.Kind == catalog.Macro {
			kind = CallMacro
		}
		c := w.call(n, e, kind, extra)
		c.Head = w.ref(head, e, true)
		if extra > 0 {
			// A threaded special form: analyse the arguments plainly.
			w.args(n.Kids[1:], e)
			return
		}
		w.special(name, n, e)
		return
	}
	c := w.call(n, e, CallUnknown, extra)
	args := n.Kids[1:]
	he := e
	he.tail = false
	he.isArg = false
	if head.Kind == syntax.Symbol {
		c.Head = w.ref(head, he, true)
		if name == "eval" && len(args) == 1 && isQuoted(args[0], w.src) {
			// (eval 'code): the quoted data runs as code.
			if t := quotedTarget(args[0], w.src); t != nil {
				if args[0].Kind == syntax.List {
					w.ref(args[0].Kids[0], he, true)
				}
				ee := he
				ee.recur = nil
				if e.mode == ModePure && !e.wrapperPure {
					ee.mode = ModeEffect
				}
				w.form(t, ee)
				return
			}
		}
		if w.userMacro(name, e) {
			c.Kind = CallUserMacro
			ae := he
			ae.lenient = true
			w.args(args, ae)
			return
		}
	} else {
		w.form(head, he)
	}
	w.args(args, e)
}

// userMacro reports whether name denotes a defmacro of the file (not
// shadowed by a local).
func (w *walker) userMacro(name string, e env) bool {
	if w.lookup(e.scope, name) != nil {
		return false
	}
	for _, b := range w.a.defs[name] {
		if b.Kind == BindDefmacro {
			return true
		}
	}
	return false
}

// args analyses call arguments.
func (w *walker) args(args []*syntax.Node, e env) {
	e.tail = false
	e.isArg = true
	for _, k := range args {
		w.form(k, e)
	}
}

func (w *walker) exprs(ns []*syntax.Node, e env) {
	e.tail = false
	e.isArg = false
	for _, k := range ns {
		w.form(k, e)
	}
}

// special analyses a special form or built-in macro.
func (w *walker) special(name string, n *syntax.Node, e env) {
	// Each form's walk is a method of its own: special is on the stack of
	// every nested special form, and one frame holding every case's
	// locals (2.6 kB) made a small file's walk grow the goroutine stack
	// (issue 11, start-up: stack copies fault in the unwinder's tables).
	args := n.Kids[1:]
	switch name {
	case "quote":
		w.quoted(n)
	case "def", "define", "persist":
		w.def(name, n, args, e)
	case "defn", "defmacro":
		w.defn(name, n, args, e)
	case "fn", "fn*":
		if len(args) > 0 && args[0].Kind == syntax.Vector {
			w.fn(n, args[0], args[1:], e, nil, false)
		} else {
			w.lenientArgs(args, e)
		}
	case "let", "loop", "blocking/plet":
		w.let(name, n, args, e)
	case "for":
		w.forForm(n, args, e)
	case "if-let", "when-let", "if-some", "when-some":
		w.ifLet(name, n, args, e)
	case "try":
		w.try(n, args, e)
	case "catch":
		w.catch(n, args, e)
	case "prune":
		// Arguments are numbers; nothing to resolve.
	case "do":
		w.doForm(n, args, e)
	case "if":
		w.ifForm(n, args, e)
	case "when":
		w.whenForm(n, args, e)
	case "quine":
		w.quineForm(n, args, e)
	case "reopen":
		w.reopenForm(n, args, e)
	case "recur":
		w.recurForm(n, args, e)
	case "case":
		w.caseForm(n, args, e)
	case "cond":
		w.condForm(n, args, e)
	case "and", "or":
		w.body(args, e)
	case "->", "->>", "some->", "some->>":
		w.threadForm(n, args, e)
	case "cond->", "cond->>":
		w.condThreadForm(n, args, e)
	case "as->":
		w.asForm(n, args, e)
	case "future":
		w.futureForm(n, args, e)
	case "think":
		w.thinkForm(n, args, e)
	case "rethink":
		w.rethinkForm(n, args, e)
	case "!call-now", "!peek-now", "!peek":
		w.bangForm(n, args, e)
	default:
		// first-line, !print, print, !describe, !extend, !compact and
		// reopen-eval: plain arguments (plainForms in forms_test.go).
		w.exprs(args, e)
	}
}

// def analyses def, define and persist.
func (w *walker) def(name string, n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	if len(args) == 0 || args[0].Kind != syntax.Symbol {
		w.exprs(args, e)
		return
	}
	kind := BindDef
	switch name {
	case "define":
		kind = BindDefine
	case "persist":
		kind = BindPersist
	}
	w.inlineDef(n, name, e)
	var val *syntax.Node
	if len(args) > 1 {
		val = args[1]
		ve := e
		ve.tail, ve.isArg = false, false
		w.form(val, ve)
	} else if name == "persist" {
		// (persist x) re-binds the current value of x.
		r := w.ref(args[0], e, false)
		if r.Lexical == nil {
			a.UnboundPersists = append(a.UnboundPersists, r)
		}
	}
	b := w.bind(args[0], kind, n, val, e)
	if val != nil && b.Fn != nil {
		w.fnBodyOwner(val, b)
	}
	w.exprs(args[min(2, len(args)):], e)
}

// defn analyses defn and defmacro.
func (w *walker) defn(name string, n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) == 0 || args[0].Kind != syntax.Symbol {
		w.lenientArgs(args, e)
		return
	}
	kind := BindDefn
	if name == "defmacro" {
		kind = BindDefmacro
	}
	w.inlineDef(n, name, e)
	b := w.bind(args[0], kind, n, nil, e)
	if len(args) > 1 && args[1].Kind == syntax.Vector {
		if kind == BindDefn {
			b.Fn = paramsInfo(args[1], w.src)
		}
		w.fn(n, args[1], args[2:], e, b, kind == BindDefmacro)
	} else {
		w.lenientArgs(args[1:], e)
	}
}

// doForm analyses do.
func (w *walker) doForm(n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	a.Bodies = append(a.Bodies, Body{Kind: "do", Form: n, Forms: args, Mode: e.mode})
	w.body(args, e)
}

// ifForm analyses if.
func (w *walker) ifForm(n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) > 0 {
		w.exprs(args[:1], e)
	}
	if len(args) > 1 {
		be := e
		be.isArg = false
		for _, k := range args[1:] {
			w.form(k, be)
		}
	}
}

// whenForm analyses when.
func (w *walker) whenForm(n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	w.exprs(args[:min(1, len(args))], e)
	if len(args) > 1 {
		a.Bodies = append(a.Bodies, Body{Kind: "when", Form: n, Forms: args[1:], Mode: e.mode})
		w.body(args[1:], e)
	}
}

// quineForm analyses quine.
func (w *walker) quineForm(n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) > 0 && args[0].Kind == syntax.Symbol {
		w.bind(args[0], BindQuine, n, nil, e)
		for _, k := range args[1 : len(args)-max(0, min(1, len(args)-1))] {
			w.quoted(k)
		}
		if len(args) > 1 {
			w.form(args[len(args)-1], e)
		}
	} else {
		w.lenientArgs(args, e)
	}
}

// reopenForm analyses reopen.
func (w *walker) reopenForm(n *syntax.Node, args []*syntax.Node, e env) {
	w.exprs(args[:min(1, len(args))], e)
	for _, k := range args[min(1, len(args)):] {
		if headName(k, w.src) == "reopen-eval" {
			c := w.call(k, e, CallSpecial, 0)
			c.Head = w.ref(k.Kids[0], e, true)
			w.exprs(k.Kids[1:], e)
		} else {
			w.quoted(k)
		}
	}
}

// recurForm analyses recur.
func (w *walker) recurForm(n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	ru := RecurUse{Node: n, Args: len(args)}
	if e.recur != nil {
		ru.Target = e.recur.node
		ru.Tail = e.tail
		ru.Fn = e.recur.fn
		if e.recur.fn == nil {
			a.Loops[e.recur.node] = true
		}
	}
	a.Recurs = append(a.Recurs, ru)
	w.args(args, e)
}

// caseForm analyses case.
func (w *walker) caseForm(n *syntax.Node, args []*syntax.Node, e env) {
	w.exprs(args[:min(1, len(args))], e)
	rest := args[min(1, len(args)):]
	for i, k := range rest {
		ke := e
		ke.isArg = false
		if i%2 == 0 && i != len(rest)-1 {
			ke.tail = false
		}
		w.form(k, ke)
	}
}

// condForm analyses cond.
func (w *walker) condForm(n *syntax.Node, args []*syntax.Node, e env) {
	for i, k := range args {
		ke := e
		ke.isArg = false
		if i%2 == 0 {
			ke.tail = false
		}
		w.form(k, ke)
	}
}

// threadForm analyses ->, ->>, some-> and some->>.
func (w *walker) threadForm(n *syntax.Node, args []*syntax.Node, e env) {
	w.exprs(args[:min(1, len(args))], e)
	for _, k := range args[min(1, len(args)):] {
		w.threadStep(k, e)
	}
}

// condThreadForm analyses cond-> and cond->>.
func (w *walker) condThreadForm(n *syntax.Node, args []*syntax.Node, e env) {
	w.exprs(args[:min(1, len(args))], e)
	for i, k := range args[min(1, len(args)):] {
		if i%2 == 0 {
			w.exprs([]*syntax.Node{k}, e)
		} else {
			w.threadStep(k, e)
		}
	}
}

// asForm analyses as->.
func (w *walker) asForm(n *syntax.Node, args []*syntax.Node, e env) {
	w.exprs(args[:min(1, len(args))], e)
	if len(args) > 1 && args[1].Kind == syntax.Symbol {
		se := e
		w.newScope(ScopeAs, n, &se)
		w.bind(args[1], BindAs, n, nil, se)
		w.exprs(args[2:], se)
	} else {
		w.exprs(args[min(1, len(args)):], e)
	}
}

// futureForm analyses future.
func (w *walker) futureForm(n *syntax.Node, args []*syntax.Node, e env) {
	fe := e
	fe.inFn = true
	fe.recur = &recurTarget{node: n, fn: &FnInfo{}}
	fe.container = "fn"
	if fe.mode == ModePure {
		fe.mode = ModeFunction
	}
	w.body(args, fe)
}

// thinkForm analyses think.
func (w *walker) thinkForm(n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	a.Thinks = append(a.Thinks, n)
	if len(args) > 0 {
		w.quoted(args[0])
	}
	w.exprs(args[min(1, len(args)):], e)
}

// rethinkForm analyses rethink.
func (w *walker) rethinkForm(n *syntax.Node, args []*syntax.Node, e env) {
	a := w.a
	a.Thinks = append(a.Thinks, n)
	rest := args
	if len(rest) > 0 && rest[0].Kind == syntax.Number {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		w.quoted(rest[0])
		rest = rest[1:]
	}
	w.exprs(rest, e)
}

// bangForm analyses !call-now, !peek-now and !peek.
func (w *walker) bangForm(n *syntax.Node, args []*syntax.Node, e env) {
	rest := args
	if len(rest) > 0 && rest[0].Kind == syntax.Map {
		w.exprs(rest[:1], e)
		rest = rest[1:]
	}
	for i, k := range rest {
		if i%2 == 0 && k.Kind == syntax.Symbol {
			continue // the name is defined by the next turn
		}
		w.exprs([]*syntax.Node{k}, e)
	}
}

func (w *walker) lenientArgs(args []*syntax.Node, e env) {
	e.lenient = true
	w.exprs(args, e)
}

// threadStep analyses one step of a threading macro: (f a) becomes
// (f x a), a symbol f becomes (f x).
func (w *walker) threadStep(k *syntax.Node, e env) {
	e.isArg = false
	e.tail = false
	switch k.Kind {
	case syntax.List:
		if len(k.Kids) > 0 {
			w.listN(k, e, 1)
			return
		}
	case syntax.Symbol:
		c := w.call(k, e, CallUnknown, 0)
		c.Args = 1
		c.Threaded = true
		c.Name = w.text(k)
		c.Head = w.ref(k, e, true)
		return
	}
	w.form(k, e)
}

// fnBodyOwner marks the references inside an anonymous fn assigned to b as
// owned by b (for effect propagation through calls of b).
//
// The references and calls of an inner fn assigned to a binding of its own
// were settled by the inner call: each call records the run it settled
// (keyed by its last index), and an enclosing call jumps over it instead
// of visiting it again, so nested let-bound fns take linear time, not
// quadratic. A run is jumped only when the loop would not have stopped
// inside it (all its starts are at or after val's).
func (w *walker) fnBodyOwner(val *syntax.Node, b *Binding) {
	if w.refRuns == nil {
		w.refRuns, w.callRuns = map[int]ownerRun{}, map[int]ownerRun{}
	}
	settle(w.a.References, w.refRuns, val.Start, func(r *Reference) int32 { return r.Start }, func(r *Reference) {
		if r.Owner == nil && r.Mode == ModeFunction {
			r.Owner = b
		}
	})
	settle(w.a.Calls, w.callRuns, val.Start, func(c *Call) int32 { return c.Node.Start }, func(c *Call) {
		if c.Owner == nil && c.Mode == ModeFunction {
			c.Owner = b
		}
	})
}

// ownerRun is a run of references or calls settled by fnBodyOwner: its
// first index and its smallest start offset.
type ownerRun struct {
	lo    int
	start int32
}

// settle visits xs backwards from the end while their starts are at or
// after from, jumping over settled runs, and records the run it visited.
func settle[T any](xs []*T, runs map[int]ownerRun, from int32, start func(*T) int32, visit func(*T)) {
	last := len(xs) - 1
	i, lowest := last, int32(math.MaxInt32)
	for i >= 0 {
		if r, ok := runs[i]; ok && r.start >= from {
			i, lowest = r.lo-1, min(lowest, r.start)
			continue
		}
		s := start(xs[i])
		if s < from {
			break
		}
		visit(xs[i])
		i, lowest = i-1, min(lowest, s)
	}
	if last > i {
		runs[last] = ownerRun{lo: i + 1, start: lowest}
	}
}

func (w *walker) inlineDef(n *syntax.Node, head string, e env) {
	if e.container != "" && !e.lenient {
		w.a.InlineDefs = append(w.a.InlineDefs, InlineDef{Node: n, Head: head, Container: e.container})
	}
}

// fn analyses a function: parameters, then the body as its own recur
// target. owner is the defn binding, or nil.
func (w *walker) fn(n, params *syntax.Node, body []*syntax.Node, e env, owner *Binding, macro bool) {
	fe := e
	w.newScope(ScopeFn, n, &fe)
	fe.inFn = true
	fe.container = "fn"
	fe.isArg = false
	if owner != nil {
		fe.owner = owner
	}
	if fe.mode == ModePure {
		fe.mode = ModeFunction
	}
	fi := paramsInfo(params, w.src)
	fe.recur = &recurTarget{node: n, fn: fi}
	if macro {
		fe.recur = &recurTarget{node: n, fn: &FnInfo{Required: fi.Required, Variadic: true}}
		w.pattern(params, BindParam, n, fe, false)
	} else {
		for _, p := range params.Kids {
			if p.Kind == syntax.Symbol && w.text(p) == "&" {
				continue
			}
			w.pattern(p, BindParam, n, fe, false)
		}
	}
	fe.tail = true
	w.a.Bodies = append(w.a.Bodies, Body{Kind: "fn", Form: n, Forms: body, Mode: fe.mode})
	w.body(body, fe)
}

// fnLit analyses #(…): implicit parameters, body as a call.
func (w *walker) fnLit(n *syntax.Node, e env) {
	fe := e
	w.newScope(ScopeFnLit, n, &fe)
	fe.inFn = true
	fe.container = "fn"
	if fe.mode == ModePure {
		fe.mode = ModeFunction
	}
	fi := fnLitInfo(n, w.src)
	fe.recur = &recurTarget{node: n, fn: fi}
	// Parameters: one binding per distinct % symbol, at its first use.
	seen := map[string]bool{}
	syntax.Walk(n, func(x *syntax.Node) bool {
		if x.Kind == syntax.Quote || (x.Kind == syntax.FnLit && x != n) {
			return false
		}
		if x.Kind == syntax.Symbol {
			s := w.text(x)
			idx, rest := percentParam(s)
			key := s
			if idx > 0 {
				key = "%" + strconv.Itoa(idx)
			}
			if (idx > 0 || rest) && !seen[key] {
				seen[key] = true
				// Implicit: the first use stands for the declaration.
				b := &Binding{Name: key, Kind: BindFnLitParam, Node: x, Start: x.Start, End: x.End, Form: n, Scope: fe.scope, InFunction: true}
				fe.scope.Bindings = append(fe.scope.Bindings, b)
				w.locals.push(b)
				w.a.byName[key] = append(w.a.byName[key], b)
				w.a.Bindings = append(w.a.Bindings, b)
			}
		}
		return true
	})
	fe.tail = true
	fe.isArg = false
	if len(n.Kids) > 0 {
		// #(f a b) is (fn* [..] (f a b)).
		fl := *n
		fl.Kind = syntax.List
		w.list(&fl, fe)
	}
}

// pattern binds the names of a destructuring pattern (language.md §5.8).
func (w *walker) pattern(p *syntax.Node, kind BindingKind, form *syntax.Node, e env, keys bool) {
	switch p.Kind {
	case syntax.Symbol:
		if w.text(p) == "&" {
			return
		}
		b := w.bind(p, kind, form, nil, e)
		b.Destructured = keys
	case syntax.Vector:
		for i := 0; i < len(p.Kids); i++ {
			k := p.Kids[i]
			if k.Kind == syntax.Symbol && w.text(k) == "&" {
				continue
			}
			if k.Kind == syntax.Keyword && w.text(k) == ":as" && i+1 < len(p.Kids) {
				i++
				w.pattern(p.Kids[i], kind, form, e, false)
				continue
			}
			w.pattern(k, kind, form, e, false)
		}
	case syntax.Map:
		for i := 0; i+1 < len(p.Kids); i += 2 {
			k, v := p.Kids[i], p.Kids[i+1]
			if k.Kind == syntax.Keyword {
				switch w.text(k) {
				case ":keys", ":strs", ":syms":
					if v.Kind == syntax.Vector {
						for _, s := range v.Kids {
							if s.Kind == syntax.Symbol {
								w.pattern(s, kind, form, e, true)
							}
						}
					}
					continue
				case ":as":
					w.pattern(v, kind, form, e, false)
					continue
				case ":or":
					w.quoted(v)
					continue
				}
			}
			w.pattern(k, kind, form, e, false)
		}
	case syntax.Meta:
		if len(p.Kids) == 2 {
			w.pattern(p.Kids[1], kind, form, e, keys)
		}
	}
}

// let analyses let, loop and blocking/plet.
func (w *walker) let(name string, n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) == 0 || args[0].Kind != syntax.Vector {
		w.lenientArgs(args, e)
		return
	}
	kind, sk := BindLet, ScopeLet
	switch name {
	case "loop":
		kind, sk = BindLoop, ScopeLoop
	case "blocking/plet":
		kind, sk = BindPlet, ScopePlet
	}
	le := e
	le.isArg = false
	w.newScope(sk, n, &le)
	ie := le
	ie.tail = false
	if name != "loop" {
		ie.container = "let"
	}
	bs := args[0].Kids
	for i := 0; i+1 < len(bs); i += 2 {
		w.form(bs[i+1], ie)
		before := len(le.scope.Bindings)
		w.pattern(bs[i], kind, n, le, false)
		if bs[i].Kind == syntax.Symbol && len(le.scope.Bindings) > before {
			b := le.scope.Bindings[len(le.scope.Bindings)-1]
			b.Value = bs[i+1]
			b.Fn = fnInfoOf(bs[i+1], w.src)
			if b.Fn != nil {
				w.fnBodyOwner(bs[i+1], b)
			}
		}
	}
	body := args[1:]
	if name == "loop" {
		le.recur = &recurTarget{node: n}
		le.tail = true
		w.a.Loops[n] = w.a.Loops[n] || false
	}
	le.container = "let"
	if name == "loop" {
		le.container = e.container
		if le.container == "" {
			le.container = "loop"
		}
	}
	w.a.Bodies = append(w.a.Bodies, Body{Kind: name, Form: n, Forms: body, Mode: le.mode})
	w.body(body, le)
}

// forForm analyses (for [bindings…] body…).
func (w *walker) forForm(n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) == 0 || args[0].Kind != syntax.Vector {
		w.lenientArgs(args, e)
		return
	}
	fe := e
	fe.isArg = false
	fe.tail = false
	fe.recur = nil
	fe.container = "for"
	w.newScope(ScopeFor, n, &fe)
	bs := args[0].Kids
	for i := 0; i+1 < len(bs); i += 2 {
		k, v := bs[i], bs[i+1]
		if k.Kind == syntax.Keyword {
			switch w.text(k) {
			case ":let":
				if v.Kind == syntax.Vector {
					for j := 0; j+1 < len(v.Kids); j += 2 {
						w.form(v.Kids[j+1], fe)
						w.pattern(v.Kids[j], BindFor, n, fe, false)
					}
					continue
				}
			}
			w.form(v, fe)
			continue
		}
		w.form(v, fe)
		w.pattern(k, BindFor, n, fe, false)
	}
	w.body(args[1:], fe)
}

// ifLet analyses if-let, when-let, if-some and when-some.
func (w *walker) ifLet(name string, n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) == 0 || args[0].Kind != syntax.Vector || len(args[0].Kids) < 2 {
		w.lenientArgs(args, e)
		return
	}
	bv := args[0]
	te := e
	te.tail, te.isArg = false, false
	w.form(bv.Kids[1], te)
	w.exprs(bv.Kids[2:], te)
	be := e
	be.isArg = false
	w.newScope(ScopeIfLet, n, &be)
	be.container = e.container
	if be.container == "" {
		be.container = "let"
	}
	w.pattern(bv.Kids[0], BindIfLet, n, be, false)
	rest := args[1:]
	if strings.HasPrefix(name, "if-") {
		if len(rest) > 0 {
			w.form(rest[0], be)
		}
		// The else branch does not see the binding.
		oe := e
		oe.isArg = false
		for _, k := range rest[min(1, len(rest)):] {
			w.form(k, oe)
		}
		return
	}
	w.body(rest, be)
}

// try analyses (try body… (catch e handler…)).
func (w *walker) try(n *syntax.Node, args []*syntax.Node, e env) {
	body := args
	var clause *syntax.Node
	if k := len(args); k > 0 && headName(args[k-1], w.src) == "catch" {
		clause = args[k-1]
		body = args[:k-1]
	}
	te := e
	te.tail = false
	te.isArg = false
	w.a.Bodies = append(w.a.Bodies, Body{Kind: "try", Form: n, Forms: body, Mode: e.mode})
	w.body(body, te)
	if clause != nil {
		c := w.call(clause, te, CallSpecial, 0)
		c.Head = w.ref(clause.Kids[0], te, true)
		w.catch(clause, clause.Kids[1:], te)
	}
}

func (w *walker) catch(n *syntax.Node, args []*syntax.Node, e env) {
	if len(args) == 0 || args[0].Kind != syntax.Symbol {
		w.lenientArgs(args, e)
		return
	}
	ce := e
	w.newScope(ScopeCatch, n, &ce)
	w.bind(args[0], BindCatch, n, nil, ce)
	w.body(args[1:], ce)
}

// finish resolves free references against definitions, builtins and
// namespaces, and sorts the tables.
func (w *walker) finish() {
	a := w.a
	// The namespaces are looked up only for names the catalogue does not
	// resolve: a file that names none of them never makes the default
	// ones (Analysis.namespaces; issue 11, start-up).
	var nss map[string]*Namespace
	nsOf := func(name string) *Namespace {
		if nss == nil {
			nss = a.namespaces()
		}
		return nss[name]
	}
	for _, r := range a.References {
		if r.Lexical != nil {
			continue
		}
		if r.HasEntry { // head special form or macro
			w.effect(r)
			continue
		}
		look := r.Name
		if r.Root != "" {
			look = r.Root
		}
		if defs := a.defs[look]; len(defs) > 0 {
			r.Candidates = defs
			for _, b := range defs {
				b.Refs = append(b.Refs, r)
			}
			continue
		}
		if r.Root != "" {
			if en, ok := entryOf(r.Name); ok && en.Kind == catalog.Macro {
				r.Entry, r.HasEntry = en, true // blocking/plet
			} else if ns := nsOf(r.Root); ns != nil {
				r.Namespace = ns
				if en, ok := entryOf(r.Root + "/" + firstSegment(r.Member)); ok {
					r.Entry, r.HasEntry = en, true
				}
			} else if en, ok := entryOf(r.Name); ok {
				r.Entry, r.HasEntry = en, true
			}
			w.effect(r)
			if r.Resolved() || !r.InFunction {
				continue
			}
		} else {
			if en, ok := entryOf(r.Name); ok && en.Namespace == "" {
				r.Entry, r.HasEntry = en, true
				w.effect(r)
				continue
			}
			if ns := nsOf(r.Name); ns != nil {
				r.Namespace = ns
				w.effect(r)
				continue
			}
			if effectNamespace(r.Name) {
				w.effect(r)
			}
		}
		if r.InFunction {
			if bs := a.byName[look]; len(bs) > 0 {
				r.Candidates = bs
				r.Dynamic = true
				for _, b := range bs {
					b.Refs = append(b.Refs, r)
				}
			}
		}
	}
	for _, c := range a.Calls {
		if c.Kind != CallUnknown || c.Head == nil {
			continue
		}
		switch r := c.Head; {
		case r.Lexical != nil || len(r.Candidates) > 0:
			c.Kind = CallUser
		case r.HasEntry:
			c.Kind = CallBuiltin
		}
	}
	// (persist x) needs an earlier definition of x.
	kept := a.UnboundPersists[:0]
	for _, r := range a.UnboundPersists {
		ok := false
		for _, b := range a.defs[r.Name] {
			if b.Start < r.Start {
				ok = true
				break
			}
		}
		if !ok {
			kept = append(kept, r)
		}
	}
	a.UnboundPersists = kept
	byStart := func(x, y *Reference) int { return cmp.Compare(x.Start, y.Start) }
	sortStable(a.Bindings, func(x, y *Binding) int { return cmp.Compare(x.Start, y.Start) })
	sortStable(a.References, byStart)
	sortStable(a.Calls, func(x, y *Call) int { return cmp.Compare(x.Node.Start, y.Node.Start) })
	sortStable(a.Quoted, func(x, y [2]int32) int { return cmp.Compare(x[0], y[0]) })
	for _, b := range a.Bindings {
		if len(b.Refs) > 1 {
			sortStable(b.Refs, byStart)
		}
	}
}

// sortStable sorts s unless it is already sorted (the usual case: the walk
// visits the source in order).
func sortStable[T any](s []T, cmp func(x, y T) int) {
	if !slices.IsSortedFunc(s, cmp) {
		slices.SortStableFunc(s, cmp)
	}
}

func firstSegment(s string) string {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i]
	}
	return s
}

// effect records r when it denotes an effect: an effect builtin, a member
// or root of an effect namespace, or a turn-producing macro.
func (w *walker) effect(r *Reference) {
	if isEffectRef(r) {
		w.a.Effects = append(w.a.Effects, EffectUse{Ref: r})
	}
}

func isEffectRef(r *Reference) bool {
	if r.Lexical != nil || len(r.Candidates) > 0 {
		return false
	}
	if r.HasEntry {
		switch r.Entry.Kind {
		case catalog.EffectBuiltin, catalog.EffectMember:
			return r.Entry.Namespace != "blocking"
		case catalog.Macro:
			return r.Entry.Category == "effect"
		}
	}
	root := r.Root
	if root == "" {
		root = r.Name
		if r.Namespace == nil && !effectNamespace(root) {
			return false
		}
	}
	if r.Namespace != nil {
		return r.Namespace.Effect && r.Namespace.Name != "blocking"
	}
	return effectNamespace(root) && root != "blocking"
}
