package eval

import (
	"context"
	"fmt"
	"math/rand"
	"sync"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Limits bound one evaluation (language.md §12.3).
type Limits struct {
	MaxSteps   int64 // steps per evaluation
	MaxNesting int   // evaluator recursion depth
	MaxBytes   int   // largest string a builtin may build
	MaxElems   int   // largest collection
	// MaxMemory is the heap budget in bytes of the whole process while
	// this evaluation runs (see memory.go); 0 means no budget.
	MaxMemory int64
}

// DefaultLimits are the spec's defaults.
var DefaultLimits = Limits{MaxSteps: 100_000_000, MaxNesting: 10_000, MaxBytes: 64 << 20, MaxElems: 10_000_000}

// Effects is implemented by the SPE runtime: the effect builtins and
// namespaces bound while the `eval` builtin runs.
type Effects interface {
	// Bindings returns the effect names to bind in the effect table
	// (`!llm-self`, `leaf-llm`, `io`, `agents`, …).
	Bindings() map[*value.Symbol]value.Value
}

// AbsentExplainer is implemented by Effects that can say why a member is
// missing from one of their namespaces: the reason ("write access is not
// granted to this agent") ends the lookup error in parentheses
// (effects.md §1.1).
type AbsentExplainer interface {
	Absent(ns, member string) (reason string, ok bool)
}

// Options configure an interpreter.
type Options struct {
	Limits  Limits
	Effects Effects // nil: no effect namespaces (no model configured)
	// Absent, when set, explains the members missing from Effects'
	// namespaces; nil: Effects' own Absent if it is an AbsentExplainer.
	// (Setting it saves New building that interface's method table at run
	// time: issue 11, start-up.)
	Absent AbsentExplainer
	Seed   int64
	// Core replaces core namespace maps for this interpreter (the skills
	// namespace a session discovered), in and outside eval.
	Core map[string]*value.Map
	// FutureContext, when set, derives the context of a future started
	// while eval runs from its starter's (on the starter's goroutine): the
	// runtime records there who owns the computation.
	FutureContext func(parent context.Context) context.Context
	// Busy, when set, is called once, when the evaluation first reaches
	// its periodic check (every 1,024 steps): it has been evaluating for
	// a while. spell run starts watching Ctrl-C then, so that a brief
	// evaluation arms no timer and starts no signal thread (issue 11,
	// start-up).
	Busy func()
}

// Interp evaluates Spell forms. It is not safe for concurrent use; futures
// use their own Interp sharing the tables.
type Interp struct {
	ctx    context.Context
	limits Limits
	steps  int64
	depth  int
	table  *table // the builtins table bound now (pure, or effect inside eval)
	pure   *table
	effect *table
	core   map[*value.Symbol]value.Value // Options.Core; nil when none
	rng    *rand.Rand
	gensym int64
	// Spans locates forms of the program being evaluated.
	Spans *Spans
	// TrailingEval is the (eval (do …)) form of a canonical wrapper being
	// run as a turn; TrailingStarted is set once that eval call begins, so
	// the runtime can tell a trailing-expression failure (runtime.md §5.3)
	// from a failure of the pure part.
	TrailingEval    *value.List
	TrailingStarted bool
	// Incr, when set, records (and may resume) the evaluation of the
	// wrapper's do body for incremental turns (incr.go).
	Incr *Incremental
	// Edits, when set, lets edit-reopen skip forms an earlier pass of
	// the same handle walked (editmemo.go).
	Edits *EditMemo
	// evalCalls counts calls of the eval builtin (a prefix form that
	// binds the effect table cannot be reused, incr.go).
	evalCalls int64
	// argStack holds the arguments of Spell function calls in progress.
	argStack []value.Value
	// nextCheck is the step count at which step next calls stepCheck.
	nextCheck int64
	// recur is the one recur signal in flight (see sfRecur).
	recur recurSignal
	// frames is the pool of compiled frames; the first nframes are in use.
	frames  []*frame
	nframes int
	// slotStack and recurS are argStack and recur for compiled code.
	slotStack []slot
	recurS    slotRecur
	// future marks an interpreter running on a future's goroutine (not
	// an agent's runner); futTable is the table of futures started under
	// eval: effect ∪ blocking (futures.go). seed and forks derive the
	// random generators of futures, deterministically per run.
	future   bool
	futTable *table
	futCtx   func(context.Context) context.Context
	seed     int64
	forks    int64
	busy     func() // Options.Busy until it is called (futures inherit it)
}

// table is a builtins table: symbol → value. An effect table (isEffect)
// holds only what the effect context adds or overrides: a name it does not
// hold resolves to the pure table's value (Symbol.Pure; tableLookup).
type table struct {
	m        map[*value.Symbol]value.Value
	pure     bool // the pure table: no map, each symbol's Pure slot
	isEffect bool
	absent   AbsentExplainer // nil: no reasons
	// blocking holds the runtime's members of the blocking namespace
	// (request, send-await), bound only in futures (futures.go).
	blocking *value.Map
}

// New makes an interpreter.
func New(ctx context.Context, opts Options) *Interp {
	if ctx == nil {
		ctx = context.Background()
	}
	lim := opts.Limits
	if lim.MaxSteps == 0 {
		lim.MaxSteps = DefaultLimits.MaxSteps
	}
	if lim.MaxNesting == 0 {
		lim.MaxNesting = DefaultLimits.MaxNesting
	}
	if lim.MaxBytes == 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	if lim.MaxElems == 0 {
		lim.MaxElems = DefaultLimits.MaxElems
	}
	ensureGroup(evalGroup)
	in := &Interp{ctx: ctx, limits: lim, pure: pureTable(), seed: opts.Seed, futCtx: opts.FutureContext, busy: opts.Busy}
	// The effect table holds what the effect context adds to or overrides
	// in the pure table; a name it does not hold resolves to its pure
	// builtin (Symbol.Pure), so New copies nothing (issue 11, start-up).
	et := &table{m: make(map[*value.Symbol]value.Value, len(opts.Core)+16), isEffect: true}
	var effects map[*value.Symbol]value.Value
	if opts.Effects != nil {
		effects = opts.Effects.Bindings()
		et.absent = opts.Absent
		if et.absent == nil {
			et.absent, _ = opts.Effects.(AbsentExplainer)
		}
	} else {
		effects = defaultEffects()
	}
	for k, v := range effects {
		if k == symBlocking {
			// blocking/ exists only inside futures (language.md §6.1)
			et.blocking, _ = v.(*value.Map)
			continue
		}
		et.m[k] = v
	}
	for name, m := range opts.Core {
		if in.core == nil {
			in.core = map[*value.Symbol]value.Value{}
		}
		in.core[value.Sym(name)] = m
		et.m[value.Sym(name)] = m
	}
	et.m[symEval] = evalBuiltin
	in.effect = et
	in.table = in.pure
	return in
}

// PipelineEnv is the initial environment of every program run by the
// pipeline: {eval → <eval builtin>}.
func PipelineEnv() *Env { ensureGroup(evalGroup); return (*Env)(nil).Bind(symEval, evalBuiltin) }

// Eval evaluates form in env (the pure table bound) and returns its value
// and the resulting environment.
func (in *Interp) Eval(form value.Value, env *Env) (value.Value, *Env, error) {
	in.steps, in.depth, in.nextCheck = 0, 0, 0
	if in.limits.MaxMemory > 0 {
		defer memWatch()()
	}
	v, env2, err := in.eval(form, env, 0)
	if err != nil {
		return nil, env2, err
	}
	if _, ok := v.(*recurSignal); ok {
		return nil, env2, spellErr(msgRecur, form, env)
	}
	return v, env2, nil
}

// EvalTurn evaluates a program as a turn: its form is in tail position of
// the turn, so a turn-producing call in the trailing expression returns a
// continuation value (see Call.TurnTail) instead of nesting.
func (in *Interp) EvalTurn(form value.Value, env *Env) (value.Value, *Env, error) {
	in.steps, in.depth, in.nextCheck = 0, 0, 0
	in.TrailingStarted = false
	if in.limits.MaxMemory > 0 {
		defer memWatch()()
	}
	v, env2, err := in.eval(form, env, tailTurn)
	if err != nil {
		return nil, env2, err
	}
	if _, ok := v.(*recurSignal); ok {
		return nil, env2, spellErr(msgRecur, form, env)
	}
	return v, env2, nil
}

// Steps returns the steps used by the last evaluation.
func (in *Interp) Steps() int64 { return in.steps }

func (in *Interp) step() error {
	in.steps++
	if in.steps >= in.nextCheck {
		return in.stepCheck()
	}
	return nil
}

// stepCheck is the rare part of step (kept apart so step inlines): the
// budget, then every 1,024 steps cancellation and memory. nextCheck is the
// next step count that needs it.
func (in *Interp) stepCheck() error {
	in.nextCheck = (in.steps | 1023) + 1
	if in.limits.MaxSteps < in.nextCheck {
		in.nextCheck = in.limits.MaxSteps + 1
	}
	if in.steps > in.limits.MaxSteps {
		return LimitError(fmt.Sprintf("Step limit exceeded: %d steps", in.limits.MaxSteps))
	}
	if in.steps&1023 == 0 {
		if in.busy != nil {
			busy := in.busy
			in.busy = nil
			busy()
		}
		if in.ctx.Err() != nil {
			return Cancelled()
		}
		return in.checkMemory(0)
	}
	return nil
}

func (in *Interp) checkCount(n int) error {
	if n > in.limits.MaxElems || n < 0 {
		return LimitError(fmt.Sprintf("Output limit exceeded: collection of %d elements (limit %d)", n, in.limits.MaxElems))
	}
	if n >= bigAlloc/elemBytes {
		return in.checkMemory(int64(n) * elemBytes)
	}
	return nil
}

func (in *Interp) checkBytes(n int) error {
	if n > in.limits.MaxBytes || n < 0 {
		return LimitError(fmt.Sprintf("Output limit exceeded: string of %d bytes (limit %d)", n, in.limits.MaxBytes))
	}
	if n >= bigAlloc {
		return in.checkMemory(int64(n))
	}
	return nil
}

var (
	symEval = value.Sym("eval")
	// evalBuiltin is the `eval` builtin value (bound in the pipeline env).
	evalBuiltin *Builtin
)

// effectNamespace reports whether ns is a namespace whose use outside
// eval gets the gated hint (language.md §6.3): an effect namespace of the
// catalog, blocking, or a planned one. (Asked of the catalog, on failure
// paths only: nothing is built for it.)
func effectNamespace(ns string) bool {
	if ns == "blocking" {
		return true
	}
	if info, ok := catalog.NamespaceNamed(ns); ok {
		return info.Effect
	}
	return plannedNamespace(ns)
}

// plannedNamespace reports whether ns is a namespace the spec defines but
// this version does not build (catalog.Planned): using one says so.
func plannedNamespace(ns string) bool {
	info, ok := catalog.Planned(ns)
	return ok && info.Name == ns
}

var (
	pureTableCache *table
	pureTableOnce  sync.Once
)

// pureTable builds (once) the pure builtins table: every registered core
// builtin plus the namespace maps.
func pureTable() *table {
	pureTableOnce.Do(buildPureTable)
	return pureTableCache
}

func buildPureTable() {
	// The pure table holds no map: a symbol's Pure slot is its pure
	// builtin (lookup), filled when the symbol is interned, so the ~500
	// builtin names are not interned up front, and a builtin's group is
	// registered on its first use (forcePure; issue 11, start-up).
	lazy := make(map[string]*lazyNS, len(nsProviders))
	for _, p := range nsProviders {
		lazy[p.name] = &lazyNS{build: p.build}
	}
	pureNS = lazy
	value.SetSymbolInit(func(s *value.Symbol) {
		if v := pureValue(s); v != nil {
			s.Pure = v
		}
		if f := formOf(s); f != nil {
			s.Eval = f
		}
	})
	pureTableCache = &table{pure: true}
}

// pureNS are the lazily built namespace maps of the pure table, by name.
var pureNS map[string]*lazyNS

// pureValue is the pure table's value of s: a core builtin (a registered
// name outside every namespace, but eval, bound only in the pipeline's
// environment) or a core namespace map; nil when none. A builtin is its
// registry entry, whose group may not be registered yet (forcePure).
func pureValue(s *value.Symbol) value.Value {
	if s.NS != "" {
		// A qualified name is a namespace member: every registered
		// name is catalogued (setArities) and the catalogue splits
		// names as symbols do.
		return nil
	}
	if l, ok := pureNS[s.Name]; ok {
		return l
	}
	if i, ok := catalog.Index(s.Name); ok && builtinGroup[i] != 0 && s.Name != "eval" {
		return &builtins[i]
	}
	return nil
}

// forcePure returns a symbol's Pure value ready for use: a namespace map
// built, a builtin's group registered.
func forcePure(v value.Value) value.Value {
	switch p := v.(type) {
	case *lazyNS:
		return p.get()
	case *Builtin:
		ensureBuiltin(p)
	}
	return v
}

// pureNames are the names the pure table binds (did-you-mean hints).
func pureNames() []string {
	var out []string
	loadBuiltins()
	for i := range builtins {
		name := builtins[i].Name
		if ns, _ := value.SplitName(name); builtins[i].Fn != nil && ns == "" && name != "eval" {
			out = append(out, name)
		}
	}
	for name := range pureNS {
		out = append(out, name)
	}
	return out
}

// nsProviders build the namespace maps of the pure table. (A table, not
// a map set by the registration functions: the namespaces are bound
// before any group is registered.)
var nsProviders = [...]struct {
	name  string
	build func() *value.Map
}{{"builtins", builtinsNamespace}, {"skills", skillsNamespace}, {"math", MathNamespace}, {"strings", StringsNamespace}}

// lazyNS stands in the builtins tables for a namespace map built on the
// first lookup of its name (issue 11, start-up: run -e '(+ 1 2)' builds
// none of them). It never leaves the tables: every read of a table entry
// or of a symbol's Pure value goes through forceNS.
type lazyNS struct {
	once  sync.Once
	build func() *value.Map
	m     *value.Map
}

func (l *lazyNS) get() *value.Map {
	l.once.Do(func() { l.m = l.build() })
	return l.m
}

// lookup returns the value t binds s to: its own entry, else (an
// effect table over the pure one) the pure builtin.
func (t *table) lookup(s *value.Symbol) (value.Value, bool) {
	if v, ok := t.m[s]; ok {
		return forceNS(v), true
	}
	if (t.pure || t.isEffect) && s.Pure != nil {
		return forcePure(s.Pure), true
	}
	return nil, false
}

// LazyNamespace returns a value standing for the namespace map build
// returns, built on the first lookup of its name, for an Effects binding
// whose map a run may never use (the runtime's io, agents, globals…;
// issue 11, start-up). Only the tables hold it: every lookup returns the
// map.
func LazyNamespace(build func() *value.Map) value.Value { return &lazyNS{build: build} }

// NamespaceOf returns the namespace map v is or stands for (a
// LazyNamespace, built now).
func NamespaceOf(v value.Value) (*value.Map, bool) {
	m, ok := forceNS(v).(*value.Map)
	return m, ok
}

// forceNS returns v, or the namespace map v stands for.
func forceNS(v value.Value) value.Value {
	if l, ok := v.(*lazyNS); ok {
		return l.get()
	}
	return v
}

// Context returns the evaluation's context (effect builtins pass it on to
// model calls and processes).
func (in *Interp) Context() context.Context { return in.ctx }

// ctxError returns the Cancelled error when the context is done.
func (in *Interp) ctxError() error {
	if in.ctx.Err() != nil {
		return Cancelled()
	}
	return nil
}
