package lint

import (
	"bytes"
	"runtime"
	"slices"
	"sync"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// Incremental analysis (issue 11: the language server analyses a
// 10,000-line document again after every keystroke).
//
// The walk of a unit — a form of the wrapper's body, or a top-level form —
// depends only on its text, on the environment it is walked in (which for
// units is one of a few fixed ones) and on the user macros defined before
// it (units already relies on this to walk two halves at once). So the
// walk of each unit is kept, frozen: with its nodes named by their
// pre-order index in the unit and its offsets relative to the unit's
// start. The next analysis of the document thaws the frozen walk of every
// unit whose text it had seen, onto that unit's new nodes and offsets —
// fresh objects, nothing is shared between two analyses — and walks only
// the units whose text is new. The global part of the analysis (resolving
// free names against every definition, effects, sorting) and the rules run
// over the whole result as before: the result is Analyze's
// (TestIncrementalMatchesAnalyze, TestIncrementalRandomEdits).

// Incremental analyses successive versions of one document. It is safe
// for concurrent use; a nil *Incremental analyses from scratch.
type Incremental struct {
	mu sync.Mutex
	// prev are the units of the last analysis, in order.
	prev []*frozenUnit
	// scratch is the scratch space of the last analysis, for the next.
	scratch *incState
	// walked and thawed count the units of the last analysis walked and
	// thawed (tests).
	walked, thawed int
}

// NewIncremental returns an empty cache.
func NewIncremental() *Incremental { return &Incremental{} }

// Analyze returns what Analyze(f, opts) returns, walking only the units
// whose text the previous analysis of c did not see.
func (c *Incremental) Analyze(f *syntax.File, opts Options) *Analysis {
	// A defmacro changes how the units after it are walked (userMacro).
	if c == nil || bytes.Contains(f.Src, []byte("defmacro")) {
		return Analyze(f, opts)
	}
	c.mu.Lock()
	st := c.scratch
	c.scratch = nil
	if st == nil {
		st = &incState{}
	}
	st.prev, st.walked, st.thawed, st.byText, st.misses = c.prev, 0, 0, nil, 0
	c.mu.Unlock()
	a := analyzeWith(f, opts, st)
	// The scratch space keeps no pointer to this analysis or its tree: a
	// later reading may share nodes of the tree, and a kept node would
	// keep the blocks it was read in, the nodes around it, and so on.
	st.uw = [2]*unitWalker{}
	clear(st.nodes[:cap(st.nodes)])
	clear(st.stack[:cap(st.stack)])
	clear(st.jobs[:cap(st.jobs)])
	c.mu.Lock()
	c.prev, c.walked, c.thawed = st.next, st.walked, st.thawed
	st.next, st.prev, st.byText = nil, nil, nil
	c.scratch = st
	c.mu.Unlock()
	return a
}

// incState is an incremental analysis in progress: the units of the
// previous one, and those of this one.
type incState struct {
	prev, next []*frozenUnit
	// byText finds the previous units by environment and text, made when
	// a unit is not where it was.
	byText map[unitKey]*frozenUnit
	jobs   []unitJob
	nodes  []*syntax.Node // the nodes of the units of jobs, in pre-order
	stack  []*syntax.Node // scratch
	uw     [2]*unitWalker
	// walked and thawed count the units.
	walked, thawed int
	misses         int
}

type unitKey struct {
	env  int
	text string
}

// find returns the previous unit with env k and text for the i-th unit of
// the n units of this analysis so far, or nil: first where it was from the start
// or from the end (the usual case: an edit changes one unit), else by
// text.
func (st *incState) find(i, n, k int, text []byte) *frozenUnit {
	for _, j := range [2]int{i, i + len(st.prev) - n} {
		if j >= 0 && j < len(st.prev) {
			if fu := st.prev[j]; fu.env == k && fu.text == string(text) {
				return fu
			}
		}
	}
	// The first unit not where it was is usually the edited one: look
	// the others up by text only from the second on.
	if st.misses++; st.misses < 2 {
		return nil
	}
	if st.byText == nil {
		st.byText = make(map[unitKey]*frozenUnit, len(st.prev))
		for _, fu := range st.prev {
			st.byText[unitKey{fu.env, fu.text}] = fu
		}
	}
	return st.byText[unitKey{k, string(text)}]
}

// Unit environments: units are walked at the file scope, purely, outside
// any function; only these two flags vary.
const (
	unitLenient = 1 << iota
	unitWrapperPure
	numUnitEnvs = 4
)

// unitEnv returns the environment key of e, or -1 when e is not one a
// unit is walked in.
func unitEnv(e env, root *Scope) int {
	if e.scope != root || e.mode != ModePure || e.inFn || e.owner != nil || e.recur != nil ||
		e.tail || e.container != "" || e.isArg {
		return -1
	}
	k := 0
	if e.lenient {
		k |= unitLenient
	}
	if e.wrapperPure {
		k |= unitWrapperPure
	}
	return k
}

// unitWalker walks units alone and freezes them, reusing its tables
// from one unit to the next.
type unitWalker struct {
	ua *Analysis
	w  walker
	fz freezer
}

func newUnitWalker(src []byte) *unitWalker {
	u := &unitWalker{ua: newAnalysis(nil, Options{}, 0)}
	u.w = walker{a: u.ua, src: src, names: map[string]string{}}
	return u
}

// walk walks the unit n in env e (its key k) and freezes the walk.
func (u *unitWalker) walk(a *Analysis, n *syntax.Node, e env, k int, text string) *frozenUnit {
	ua := u.ua
	root := &Scope{Kind: ScopeFile, Start: a.Root.Start, End: a.Root.End}
	*ua = Analysis{File: a.File, Opts: a.Opts, Root: root,
		Scopes: append(ua.Scopes[:0], root), Bindings: ua.Bindings[:0], References: ua.References[:0],
		Calls: ua.Calls[:0], Quoted: ua.Quoted[:0], Bodies: ua.Bodies[:0], Recurs: ua.Recurs[:0],
		Loops: resetMap(ua.Loops), InlineDefs: ua.InlineDefs[:0], UnboundPersists: ua.UnboundPersists[:0],
		Thinks: ua.Thinks[:0], defs: resetMap(ua.defs), byName: resetMap(ua.byName), freeInFn: resetMap(ua.freeInFn)}
	w := &u.w
	w.a, w.macros = ua, nil
	if w.refRuns != nil {
		w.refRuns, w.callRuns = resetMap(w.refRuns), resetMap(w.callRuns)
	}
	w.locals.byName, w.locals.n = resetMap(w.locals.byName), 0
	e.scope = root
	w.form(n, e)
	fu := u.fz.freeze(ua, n, text)
	if fu != nil {
		fu.env = k
	}
	return fu
}

// resetMap empties m for reuse (a new map when m grew large: clearing
// costs its capacity).
func resetMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil || len(m) > 256 {
		return make(map[K]V)
	}
	clear(m)
	return m
}

// frozenUnit is the walk of one unit, independent of where the unit is:
// node references are pre-order indices in the unit (nodeNil for none,
// synthBase-i for the list stand-in the walk makes of the #() node i),
// other references are indices in the unit's own tables (scopeRoot: the
// file scope), offsets are relative to the unit's start. The tables hold
// no pointers (names are indices in strs, lists are spans of ints, entries
// indices in entries), so that the collector does not scan them: a
// document's frozen walks are about as large as its analysis.
type frozenUnit struct {
	env                                                           int
	text                                                          string
	strs                                                          []string
	entries                                                       []*catalog.Entry
	shape                                                         []nodeShape
	scopes                                                        []fScope
	binds                                                         []fBinding
	refs                                                          []fRef
	calls                                                         []fCall
	fns                                                           []fFn
	quoted                                                        [][2]int32
	bodies                                                        []fBody
	recurs                                                        []fRecur
	loops                                                         []fLoop
	inline                                                        []fInlineDef
	ints                                                          []int32 // the lists
	unboundPersists, thinks, rootChildren, rootBindings, freeInFn span
	// sizes of the pointer lists of scopes and bindings
	nScopeBinds, nScopeKids, nBindRefs int
}

// span is a list: ints[off:off+n].
type span struct{ off, n int32 }

func (fu *frozenUnit) list(s span) []int32 { return fu.ints[s.off : s.off+s.n] }

func (fu *frozenUnit) str(i int32) string {
	if i < 0 {
		return ""
	}
	return fu.strs[i]
}

const (
	nodeNil   = -1
	synthBase = -2
	scopeRoot = -2
)

type nodeShape struct {
	kind       syntax.Kind
	flags      uint8
	start, end int32
	kids       int32
}

type fScope struct {
	kind           ScopeKind
	start, end     int32
	parent, form   int32
	bindings, kids span
	depth          int32
}

type fBinding struct {
	name               int32
	kind               BindingKind
	node, form, value  int32
	start, end         int32
	scope, fn          int32
	refs               span
	destructured, inFn bool
}

type fRef struct {
	node                  int32
	start, end            int32
	name, root, member    int32
	lexical, owner, scope int32
	entry                 int32
	head, hasEntry        bool
	inFn, lenient         bool
	mode                  Mode
}

type fCall struct {
	node, head, name           int32
	args                       int32
	kind                       CallKind
	threaded                   bool
	mode                       Mode
	inFn, lenient, isArg, tail bool
	owner                      int32
}

type fFn struct {
	required int32
	variadic bool
	params   int32
}

type fBody struct {
	kind, form int32
	forms      span
	mode       Mode
}

type fRecur struct {
	node, target int32
	args         int32
	tail         bool
	fn           int32
}

type fLoop struct {
	node int32
	v    bool
}

type fInlineDef struct {
	node, head, container int32
}

// freezer holds the tables freeze reuses from one unit to the next.
type freezer struct {
	idx      map[*syntax.Node]int32
	fnLits   map[int32]int32
	strIdx   map[string]int32
	entryIdx map[*catalog.Entry]int32
	scopeIdx map[*Scope]int32
	bindIdx  map[*Binding]int32
	refIdx   map[*Reference]int32
	fnIdx    map[*FnInfo]int32
	nodes    []*syntax.Node
	stack    []*syntax.Node
	tmp      []int32
	ints     []int32
	strs     []string
	entries  []*catalog.Entry
	fns      []fFn
	// The frozen tables are carved from blocks shared by the units this
	// freezer freezes: a few objects for the collector to mark, not
	// fifteen per unit.
	units      arena[frozenUnit]
	shapes     arena[nodeShape]
	scopes     arena[fScope]
	binds      arena[fBinding]
	refs       arena[fRef]
	calls      arena[fCall]
	quoted     arena[[2]int32]
	bodies     arena[fBody]
	recurs     arena[fRecur]
	loops      arena[fLoop]
	inline     arena[fInlineDef]
	intArena   arena[int32]
	strArena   arena[string]
	entryArena arena[*catalog.Entry]
	fnArena    arena[fFn]
}

// arena hands out slices of blocks: the first the size asked for (a
// batch of one unit, the usual case after an edit, wastes nothing), then
// doubling up to 4,096 elements.
type arena[T any] struct {
	buf  []T
	last int
}

func (a *arena[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(a.buf) < n {
		a.last = min(max(2*a.last, n), 4096)
		a.buf = make([]T, max(n, a.last))
	}
	s := a.buf[:n:n]
	a.buf = a.buf[n:]
	return s
}

// copyTo returns a copy of xs carved from a.
func copyTo[T any](a *arena[T], xs []T) []T {
	s := a.take(len(xs))
	copy(s, xs)
	return s
}

// freeze returns the frozen form of ua, the walk of the unit n alone (its
// file scope standing for the real one), or nil when the walk refers to
// something outside the unit.
func (fz *freezer) freeze(ua *Analysis, n *syntax.Node, text string) *frozenUnit {
	if len(ua.Effects) > 0 || ua.Wrapper != nil {
		return nil
	}
	base := n.Start
	fu := &fz.units.take(1)[0]
	fu.text = text
	fz.strs, fz.entries, fz.fns = fz.strs[:0], fz.entries[:0], fz.fns[:0]
	fz.idx, fz.fnLits, fz.strIdx, fz.entryIdx = resetMap(fz.idx), resetMap(fz.fnLits), resetMap(fz.strIdx), resetMap(fz.entryIdx)
	fz.scopeIdx, fz.bindIdx, fz.refIdx, fz.fnIdx = resetMap(fz.scopeIdx), resetMap(fz.bindIdx), resetMap(fz.refIdx), resetMap(fz.fnIdx)
	idx, fnLits := fz.idx, fz.fnLits
	nodes := fz.nodes[:0]
	defer func() { fz.nodes = nodes[:0] }()
	stack := append(fz.stack[:0], n)
	defer func() { fz.stack = stack[:0] }()
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i := int32(len(nodes))
		if _, dup := idx[x]; dup {
			return nil
		}
		idx[x] = i
		nodes = append(nodes, x)
		if x.Kind == syntax.FnLit {
			fnLits[x.Start] = i
		}
		for k := len(x.Kids) - 1; k >= 0; k-- {
			stack = append(stack, x.Kids[k])
		}
	}
	fu.shape = fz.shapes.take(len(nodes))
	for i, x := range nodes {
		fu.shape[i] = nodeShape{kind: x.Kind, flags: x.Flags, start: x.Start - base, end: x.End - base, kids: int32(len(x.Kids))}
	}
	ok := true
	node := func(p *syntax.Node) int32 {
		if p == nil {
			return nodeNil
		}
		if i, found := idx[p]; found {
			return i
		}
		// The list stand-in fnLit walks for #(…): a copy of the node.
		if i, found := fnLits[p.Start]; found && p.Kind == syntax.List {
			o := nodes[i]
			if p.End == o.End && len(p.Kids) == len(o.Kids) && (len(p.Kids) == 0 || &p.Kids[0] == &o.Kids[0]) {
				return synthBase - i
			}
		}
		ok = false
		return nodeNil
	}
	strIdx := fz.strIdx
	str := func(s string) int32 {
		if s == "" {
			return -1
		}
		if i, found := strIdx[s]; found {
			return i
		}
		i := int32(len(fz.strs))
		strIdx[s] = i
		fz.strs = append(fz.strs, s)
		return i
	}
	entryIdx := fz.entryIdx
	entry := func(e *catalog.Entry) int32 {
		if e == nil {
			return -1
		}
		if i, found := entryIdx[e]; found {
			return i
		}
		i := int32(len(fz.entries))
		entryIdx[e] = i
		fz.entries = append(fz.entries, e)
		return i
	}
	ints := fz.ints[:0]
	list := func(xs []int32) span {
		sp := span{off: int32(len(ints)), n: int32(len(xs))}
		ints = append(ints, xs...)
		return sp
	}
	tmp := fz.tmp[:0]
	defer func() { fz.tmp = tmp[:0] }()
	nodeList := func(ps []*syntax.Node) span {
		tmp = tmp[:0]
		for _, p := range ps {
			tmp = append(tmp, node(p))
		}
		return list(tmp)
	}
	scopeIdx := fz.scopeIdx
	for i, s := range ua.Scopes[1:] {
		scopeIdx[s] = int32(i)
	}
	scope := func(s *Scope) int32 {
		if s != nil && s == ua.Root {
			return scopeRoot
		}
		return indexIn(scopeIdx, s, &ok)
	}
	bindIdx := fz.bindIdx
	for i, b := range ua.Bindings {
		bindIdx[b] = int32(i)
	}
	binding := func(b *Binding) int32 { return indexIn(bindIdx, b, &ok) }
	refIdx := fz.refIdx
	for i, r := range ua.References {
		refIdx[r] = int32(i)
	}
	ref := func(r *Reference) int32 { return indexIn(refIdx, r, &ok) }
	fnIdx := fz.fnIdx
	fn := func(f *FnInfo) int32 {
		if f == nil {
			return -1
		}
		if i, found := fnIdx[f]; found {
			return i
		}
		i := int32(len(fz.fns))
		fnIdx[f] = i
		fz.fns = append(fz.fns, fFn{required: int32(f.Required), variadic: f.Variadic, params: node(f.Params)})
		return i
	}

	fu.scopes = fz.scopes.take(len(ua.Scopes) - 1)
	for i, s := range ua.Scopes[1:] {
		fs := fScope{kind: s.Kind, start: s.Start - base, end: s.End - base, parent: scope(s.Parent), form: node(s.Form), depth: s.depth}
		tmp = tmp[:0]
		for _, b := range s.Bindings {
			tmp = append(tmp, binding(b))
		}
		fs.bindings = list(tmp)
		tmp = tmp[:0]
		for _, c := range s.Children {
			tmp = append(tmp, scope(c))
		}
		fs.kids = list(tmp)
		fu.nScopeBinds += len(s.Bindings)
		fu.nScopeKids += len(s.Children)
		fu.scopes[i] = fs
	}
	fu.binds = fz.binds.take(len(ua.Bindings))
	for i, b := range ua.Bindings {
		fb := fBinding{name: str(b.Name), kind: b.Kind, node: node(b.Node), form: node(b.Form), value: node(b.Value),
			start: b.Start - base, end: b.End - base, scope: scope(b.Scope), fn: fn(b.Fn),
			destructured: b.Destructured, inFn: b.InFunction}
		tmp = tmp[:0]
		for _, r := range b.Refs {
			tmp = append(tmp, ref(r))
		}
		fb.refs = list(tmp)
		fu.nBindRefs += len(b.Refs)
		fu.binds[i] = fb
	}
	fu.refs = fz.refs.take(len(ua.References))
	for i, r := range ua.References {
		if r.Candidates != nil || r.Namespace != nil || r.Dynamic {
			return nil // set by finish, never by the walk
		}
		fu.refs[i] = fRef{node: node(r.Node), start: r.Start - base, end: r.End - base,
			name: str(r.Name), root: str(r.Root), member: str(r.Member),
			lexical: binding(r.Lexical), owner: binding(r.Owner), scope: scope(r.Scope),
			entry: entry(r.Entry), head: r.Head, hasEntry: r.HasEntry, inFn: r.InFunction, lenient: r.Lenient, mode: r.Mode}
	}
	fu.calls = fz.calls.take(len(ua.Calls))
	for i, c := range ua.Calls {
		fu.calls[i] = fCall{node: node(c.Node), head: ref(c.Head), name: str(c.Name), kind: c.Kind, args: int32(c.Args),
			threaded: c.Threaded, mode: c.Mode, inFn: c.InFunction, lenient: c.Lenient, isArg: c.IsArg, tail: c.Tail,
			owner: binding(c.Owner)}
	}
	fu.quoted = fz.quoted.take(len(ua.Quoted))
	for i, q := range ua.Quoted {
		fu.quoted[i] = [2]int32{q[0] - base, q[1] - base}
	}
	fu.bodies = fz.bodies.take(len(ua.Bodies))
	for i, b := range ua.Bodies {
		fu.bodies[i] = fBody{kind: str(b.Kind), form: node(b.Form), forms: nodeList(b.Forms), mode: b.Mode}
	}
	var recurs []fRecur
	var loops []fLoop
	var inline []fInlineDef
	for _, r := range ua.Recurs {
		recurs = append(recurs, fRecur{node: node(r.Node), target: node(r.Target), args: int32(r.Args), tail: r.Tail, fn: fn(r.Fn)})
	}
	for k, v := range ua.Loops {
		loops = append(loops, fLoop{node: node(k), v: v})
	}
	for _, d := range ua.InlineDefs {
		inline = append(inline, fInlineDef{node: node(d.Node), head: str(d.Head), container: str(d.Container)})
	}
	tmp = tmp[:0]
	for _, r := range ua.UnboundPersists {
		tmp = append(tmp, ref(r))
	}
	fu.unboundPersists = list(tmp)
	fu.thinks = nodeList(ua.Thinks)
	tmp = tmp[:0]
	for _, s := range ua.Root.Children {
		tmp = append(tmp, scope(s))
	}
	fu.rootChildren = list(tmp)
	tmp = tmp[:0]
	for _, b := range ua.Root.Bindings {
		tmp = append(tmp, binding(b))
	}
	fu.rootBindings = list(tmp)
	tmp = tmp[:0]
	for name := range ua.freeInFn {
		tmp = append(tmp, str(name))
	}
	fu.freeInFn = list(tmp)
	if !ok {
		return nil
	}
	// The tables are kept: no spare capacity.
	fu.ints = copyTo(&fz.intArena, ints)
	fz.ints = ints[:0]
	fu.strs = copyTo(&fz.strArena, fz.strs)
	fu.entries = copyTo(&fz.entryArena, fz.entries)
	fu.fns = copyTo(&fz.fnArena, fz.fns)
	fu.recurs = copyTo(&fz.recurs, recurs)
	fu.loops = copyTo(&fz.loops, loops)
	fu.inline = copyTo(&fz.inline, inline)
	return fu
}

// unitJob is a unit to thaw: its frozen walk, its offset, where its nodes
// are in incState.nodes and where its objects go in the slabs.
type unitJob struct {
	fu *frozenUnit
	// n is the unit; a fresh one is walked in e (key env) and frozen
	// before the thaw.
	n                  *syntax.Node
	e                  env
	env                int
	fresh              bool
	base               int32
	n0                 int
	s0, b0, r0, c0, f0 int // scopes, bindings, references, calls, fns
	bp0, sp0, rp0      int // pointer arenas: scope bindings, scope kids, binding refs
	un                 *unitNodes
}

// slabs hold the objects of the thawed units, allocated at once.
type slabs struct {
	scopes    []Scope
	binds     []Binding
	refs      []Reference
	calls     []Call
	fns       []FnInfo
	bindPtrs  []*Binding
	scopePtrs []*Scope
	refPtrs   []*Reference
	// list offsets in the analysis of the first thawed object of each kind
	as0, ab0, ar0, ac0 int
}

// thawParallel is the number of references from which the units are
// thawed as two halves at once.
var thawParallel = 8192

// incUnits is units for an incremental analysis: each unit's walk is
// thawed from the frozen walk of a unit with the same text, or walked
// alone and frozen; the thawing is done for runs of units at once.
func (w *walker) incUnits(forms []*syntax.Node, e env, firstStrict bool) {
	st := w.inc
	st.jobs, st.nodes = st.jobs[:0], st.nodes[:0]
	if st.next == nil {
		st.next = make([]*frozenUnit, 0, len(forms))
	}
	off := len(st.next) + len(st.jobs)
	for i, n := range forms {
		ei := e
		if firstStrict {
			ei.lenient = i > 0
		}
		k := unitEnv(ei, w.a.Root)
		if k < 0 || len(w.macros) > 0 {
			w.thawJobs()
			w.form(n, ei)
			continue
		}
		text := w.src[n.Start:n.End]
		fu := st.find(off+i, off+len(forms), k, text)
		mark := len(st.nodes)
		if fu != nil && st.collect(fu, n) {
			st.thawed++
			st.jobs = append(st.jobs, unitJob{fu: fu, n: n, base: n.Start, n0: mark})
			continue
		}
		// Walked (and frozen) when the jobs are thawed, with the other
		// new units.
		st.nodes = st.nodes[:mark]
		st.walked++
		st.jobs = append(st.jobs, unitJob{n: n, base: n.Start, e: ei, env: k, fresh: true})
	}
	w.thawJobs()
}

// collect appends the nodes of the unit n in pre-order to st.nodes; it
// reports false when they are not those fu was walked on.
func (st *incState) collect(fu *frozenUnit, n *syntax.Node) bool {
	base := n.Start
	nodes := st.nodes
	stack := append(st.stack[:0], n)
	i := 0
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i >= len(fu.shape) {
			return false
		}
		if s := &fu.shape[i]; s.kind != x.Kind || s.flags != x.Flags || s.start != x.Start-base || s.end != x.End-base || int(s.kids) != len(x.Kids) {
			return false
		}
		i++
		nodes = append(nodes, x)
		for k := len(x.Kids) - 1; k >= 0; k-- {
			stack = append(stack, x.Kids[k])
		}
	}
	st.nodes, st.stack = nodes, stack[:0]
	return i == len(fu.shape)
}

// thawJobs appends the walks of the pending units to w's analysis, in
// order, as if w had walked them.
func (w *walker) thawJobs() {
	st := w.inc
	if len(st.jobs) == 0 {
		return
	}
	w.walkFresh()
	// Thaw runs of units; a unit whose walk does not freeze is walked in
	// place between them (never happens with the walk as it is; kept so
	// that a new kind of node reference degrades to a slower analysis,
	// not a wrong one).
	all := st.jobs
	from := 0
	for i := range all {
		j := &all[i]
		if j.fresh {
			j.n0 = len(st.nodes)
			if j.fu == nil || !st.collect(j.fu, j.n) {
				st.nodes = st.nodes[:j.n0]
				w.thawRun(all[from:i])
				w.form(j.n, j.e)
				from = i + 1
				continue
			}
		}
		st.next = append(st.next, j.fu)
	}
	w.thawRun(all[from:])
	st.jobs, st.nodes = all[:0], st.nodes[:0]
}

// freshParallel is the number of new units from which they are walked as
// two halves at once.
var freshParallel = 64

// walkFresh walks and freezes the fresh units of the pending jobs.
func (w *walker) walkFresh() {
	st := w.inc
	var fresh []int
	for i := range st.jobs {
		if st.jobs[i].fresh {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) == 0 {
		return
	}
	if st.uw[0] == nil {
		st.uw[0] = newUnitWalker(w.src)
	}
	run := func(u *unitWalker, idx []int) {
		u.w.src, u.w.names = w.src, resetMap(u.w.names)
		for _, i := range idx {
			j := &st.jobs[i]
			j.fu = u.walk(w.a, j.n, j.e, j.env, string(w.src[j.n.Start:j.n.End]))
		}
	}
	if len(fresh) < freshParallel || runtime.GOMAXPROCS(0) < 2 {
		run(st.uw[0], fresh)
		return
	}
	if st.uw[1] == nil {
		st.uw[1] = newUnitWalker(w.src)
	}
	half := len(fresh) / 2
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(st.uw[1], fresh[half:])
	}()
	run(st.uw[0], fresh[:half])
	<-done
}

// thawRun appends the walks of a run of units to w's analysis, in order,
// as if w had walked them.
func (w *walker) thawRun(jobs []unitJob) {
	st := w.inc
	if len(jobs) == 0 {
		return
	}
	a := w.a
	var nS, nB, nR, nC, nF, nBP, nSP, nRP int
	for i := range jobs {
		j := &jobs[i]
		fu := j.fu
		j.s0, j.b0, j.r0, j.c0, j.f0, j.bp0, j.sp0, j.rp0 = nS, nB, nR, nC, nF, nBP, nSP, nRP
		nS += len(fu.scopes)
		nB += len(fu.binds)
		nR += len(fu.refs)
		nC += len(fu.calls)
		nF += len(fu.fns)
		nBP += fu.nScopeBinds
		nSP += fu.nScopeKids
		nRP += fu.nBindRefs
	}
	sl := &slabs{
		scopes: make([]Scope, nS), binds: make([]Binding, nB), refs: make([]Reference, nR),
		calls: make([]Call, nC), fns: make([]FnInfo, nF),
		bindPtrs: make([]*Binding, nBP), scopePtrs: make([]*Scope, nSP), refPtrs: make([]*Reference, nRP),
		as0: len(a.Scopes), ab0: len(a.Bindings), ar0: len(a.References), ac0: len(a.Calls),
	}
	a.Scopes = grow(a.Scopes, nS)
	a.Bindings = grow(a.Bindings, nB)
	a.References = grow(a.References, nR)
	a.Calls = grow(a.Calls, nC)
	k := 0
	if nR >= thawParallel && runtime.GOMAXPROCS(0) > 1 && len(jobs) > 1 {
		for r := 0; k < len(jobs)-1 && r < nR/2; k++ {
			r += len(jobs[k].fu.refs)
		}
	}
	if k > 0 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := k; i < len(jobs); i++ {
				fillUnit(a, sl, st.nodes, &jobs[i])
			}
		}()
		for i := range jobs[:k] {
			fillUnit(a, sl, st.nodes, &jobs[i])
		}
		<-done
	} else {
		for i := range jobs {
			fillUnit(a, sl, st.nodes, &jobs[i])
		}
	}
	for i := range jobs {
		w.listUnit(sl, &jobs[i])
	}
}

// grow returns s extended by n zero elements.
func grow[T any](s []T, n int) []T {
	return slices.Grow(s, n)[:len(s)+n]
}

// unitNodes resolves the node references of one unit.
type unitNodes struct {
	nodes []*syntax.Node
	synth map[int32]*syntax.Node
}

func (u *unitNodes) node(i int32) *syntax.Node {
	switch {
	case i >= 0:
		return u.nodes[i]
	case i == nodeNil:
		return nil
	}
	j := synthBase - i
	if s := u.synth[j]; s != nil {
		return s
	}
	if u.synth == nil {
		u.synth = map[int32]*syntax.Node{}
	}
	fl := *u.nodes[j]
	fl.Kind = syntax.List
	u.synth[j] = &fl
	return &fl
}

// fillUnit fills the slab objects of one unit (the units' slab ranges are
// disjoint: two goroutines may fill different units).
func fillUnit(a *Analysis, sl *slabs, all []*syntax.Node, j *unitJob) {
	fu := j.fu
	base := j.base
	un := &unitNodes{nodes: all[j.n0 : j.n0+len(fu.shape)]}
	scopes := sl.scopes[j.s0 : j.s0+len(fu.scopes)]
	binds := sl.binds[j.b0 : j.b0+len(fu.binds)]
	refs := sl.refs[j.r0 : j.r0+len(fu.refs)]
	fns := sl.fns[j.f0 : j.f0+len(fu.fns)]
	scope := func(i int32) *Scope {
		switch {
		case i >= 0:
			return &scopes[i]
		case i == scopeRoot:
			return a.Root
		}
		return nil
	}
	binding := func(i int32) *Binding {
		if i < 0 {
			return nil
		}
		return &binds[i]
	}
	ref := func(i int32) *Reference {
		if i < 0 {
			return nil
		}
		return &refs[i]
	}
	fn := func(i int32) *FnInfo {
		if i < 0 {
			return nil
		}
		return &fns[i]
	}
	for i := range fu.fns {
		f := &fu.fns[i]
		fns[i].Required, fns[i].Variadic, fns[i].Params = int(f.required), f.variadic, un.node(f.params)
	}
	bp, sp, rp := j.bp0, j.sp0, j.rp0
	for i := range fu.scopes {
		fs := &fu.scopes[i]
		s := &scopes[i]
		s.Kind, s.Start, s.End, s.depth = fs.kind, fs.start+base, fs.end+base, fs.depth
		s.Parent = scope(fs.parent)
		s.Form = un.node(fs.form)
		if n := int(fs.bindings.n); n > 0 {
			s.Bindings = sl.bindPtrs[bp : bp+n : bp+n]
			bp += n
			for k, b := range fu.list(fs.bindings) {
				s.Bindings[k] = binding(b)
			}
		}
		if n := int(fs.kids.n); n > 0 {
			s.Children = sl.scopePtrs[sp : sp+n : sp+n]
			sp += n
			for k, c := range fu.list(fs.kids) {
				s.Children[k] = scope(c)
			}
		}
		a.Scopes[sl.as0+j.s0+i] = s
	}
	for i := range fu.binds {
		fb := &fu.binds[i]
		b := &binds[i]
		b.Name, b.Kind, b.Start, b.End = fu.str(fb.name), fb.kind, fb.start+base, fb.end+base
		b.Node, b.Form, b.Value = un.node(fb.node), un.node(fb.form), un.node(fb.value)
		b.Scope = scope(fb.scope)
		b.Fn = fn(fb.fn)
		b.Destructured, b.InFunction = fb.destructured, fb.inFn
		if n := int(fb.refs.n); n > 0 {
			b.Refs = sl.refPtrs[rp : rp+n : rp+n]
			rp += n
			for k, r := range fu.list(fb.refs) {
				b.Refs[k] = ref(r)
			}
		}
		a.Bindings[sl.ab0+j.b0+i] = b
	}
	for i := range fu.refs {
		fr := &fu.refs[i]
		r := &refs[i]
		r.Node = un.node(fr.node)
		r.Start, r.End = fr.start+base, fr.end+base
		r.Name, r.Root, r.Member = fu.str(fr.name), fu.str(fr.root), fu.str(fr.member)
		r.Lexical = binding(fr.lexical)
		if fr.entry >= 0 {
			r.Entry = fu.entries[fr.entry]
		}
		r.HasEntry = fr.hasEntry
		r.Head, r.Mode, r.InFunction, r.Lenient = fr.head, fr.mode, fr.inFn, fr.lenient
		r.Owner = binding(fr.owner)
		r.Scope = scope(fr.scope)
		a.References[sl.ar0+j.r0+i] = r
	}
	calls := sl.calls[j.c0 : j.c0+len(fu.calls)]
	for i := range fu.calls {
		fc := &fu.calls[i]
		c := &calls[i]
		c.Node = un.node(fc.node)
		c.Head = ref(fc.head)
		c.Name, c.Kind, c.Args, c.Threaded = fu.str(fc.name), fc.kind, int(fc.args), fc.threaded
		c.Mode, c.InFunction, c.Lenient, c.IsArg, c.Tail = fc.mode, fc.inFn, fc.lenient, fc.isArg, fc.tail
		c.Owner = binding(fc.owner)
		a.Calls[sl.ac0+j.c0+i] = c
	}
	j.un = un
}

// listUnit appends the rest of one filled unit's walk to the analysis's
// lists and tables, in walk order.
func (w *walker) listUnit(sl *slabs, j *unitJob) {
	a := w.a
	fu := j.fu
	base := j.base
	un := j.un
	for i := range fu.binds {
		b := a.Bindings[sl.ab0+j.b0+i]
		if b.Kind.IsDefinition() {
			a.defs[b.Name] = append(a.defs[b.Name], b)
		}
		a.byName[b.Name] = append(a.byName[b.Name], b)
	}
	for _, q := range fu.quoted {
		a.Quoted = append(a.Quoted, [2]int32{q[0] + base, q[1] + base})
	}
	for _, b := range fu.bodies {
		forms := make([]*syntax.Node, b.forms.n)
		for k, i := range fu.list(b.forms) {
			forms[k] = un.node(i)
		}
		a.Bodies = append(a.Bodies, Body{Kind: fu.str(b.kind), Form: un.node(b.form), Forms: forms, Mode: b.mode})
	}
	for _, r := range fu.recurs {
		var f *FnInfo
		if r.fn >= 0 {
			f = &sl.fns[j.f0+int(r.fn)]
		}
		a.Recurs = append(a.Recurs, RecurUse{Node: un.node(r.node), Args: int(r.args), Target: un.node(r.target), Tail: r.tail, Fn: f})
	}
	for _, l := range fu.loops {
		a.Loops[un.node(l.node)] = l.v
	}
	for _, d := range fu.inline {
		a.InlineDefs = append(a.InlineDefs, InlineDef{Node: un.node(d.node), Head: fu.str(d.head), Container: fu.str(d.container)})
	}
	for _, r := range fu.list(fu.unboundPersists) {
		a.UnboundPersists = append(a.UnboundPersists, a.References[sl.ar0+j.r0+int(r)])
	}
	for _, t := range fu.list(fu.thinks) {
		a.Thinks = append(a.Thinks, un.node(t))
	}
	for _, s := range fu.list(fu.rootChildren) {
		a.Root.Children = append(a.Root.Children, a.Scopes[sl.as0+j.s0+int(s)])
	}
	for _, b := range fu.list(fu.rootBindings) {
		a.Root.Bindings = append(a.Root.Bindings, a.Bindings[sl.ab0+j.b0+int(b)])
	}
	for _, name := range fu.list(fu.freeInFn) {
		a.freeInFn[fu.strs[name]] = true
	}
}

// indexIn is the frozen index of p in idx, -1 for nil; a p that idx does
// not hold (a pointer out of the unit) clears *ok.
func indexIn[P comparable](idx map[P]int32, p P, ok *bool) int32 {
	var none P
	if p == none {
		return -1
	}
	if i, found := idx[p]; found {
		return i
	}
	*ok = false
	return -1
}
