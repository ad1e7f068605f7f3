package eval

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// BuiltinFunc implements a builtin. args has already passed the arity check
// of the builtin's catalog entry. A returned plain error becomes
// `Function call failed: <head>: <message>` at the call site.
type BuiltinFunc func(c *Call, args []value.Value) (value.Value, error)

// Builtin is a host function: a core builtin, a namespace member, or a
// function made by a combinator (partial, comp, …).
type Builtin struct {
	Name     string
	Min, Max int // accepted argument counts; Max < 0 means variadic
	Fn       BuiltinFunc
	// fast2, when set, computes the common two-argument case (longs)
	// without allocating; ok false falls back to Fn.
	fast2 func(a, b value.Value) (value.Value, bool)
	fast1 func(a value.Value) (value.Value, bool)
}

// HostName implements value.HostFn.
func (b *Builtin) HostName() string { return b.Name }

// NewFn makes an anonymous host function (for combinators) accepting any
// number of arguments.
func NewFn(name string, fn BuiltinFunc) *Builtin {
	return &Builtin{Name: name, Min: 0, Max: -1, Fn: fn}
}

// Call is what a builtin sees of its call site.
type Call struct {
	In *Interp
	// env is the caller's environment (dynamic scope for callbacks);
	// from compiled code it is built on first use from fr and sc.
	env  *Env
	fr   *frame
	sc   *scope
	Head value.Value // the unevaluated head form, for messages
	Name string      // the builtin's name
	// Form is the call form (nil for callbacks).
	Form *value.List
	// TurnTail reports that the call is in tail position of a turn's
	// trailing expression: a turn-producing builtin there returns a
	// continuation for the runtime's trampoline instead of nesting.
	TurnTail bool
}

// Apply invokes a callable value with args: host functions, Spell
// functions (arity-checked, run in the caller's environment), keywords,
// maps, vectors, sets and symbols. It charges the one step a callback
// invocation costs (language.md §12.3), so builtins need not.
func (c *Call) Apply(f value.Value, args ...value.Value) (value.Value, error) {
	if err := c.In.step(); err != nil {
		return nil, err
	}
	return c.In.apply(f, args, c.Env(), nil, 0)
}

// Env returns the caller's environment (dynamic scope for callbacks). A
// call from compiled code keeps its locals in slots; the environment is
// built from them on first use, while the call runs.
func (c *Call) Env() *Env {
	if c.env == nil && c.fr != nil {
		c.env = c.In.envNow(c.fr, c.sc)
		c.fr = nil
	}
	return c.env
}

// CheckCount fails with the output limit when a collection of n elements
// would exceed it. Call it before allocating.
func (c *Call) CheckCount(n int) error { return c.In.checkCount(n) }

// CheckBytes fails with the output limit when a string of n bytes would
// exceed it. Call it before allocating.
func (c *Call) CheckBytes(n int) error { return c.In.checkBytes(n) }

// Step charges one evaluation step (long-running builtins call it per
// element so limits and cancellation apply).
func (c *Call) Step() error { return c.In.step() }

// Rand is the run's seeded random generator.
func (c *Call) Rand() *rand.Rand { return c.In.random() }

// Gensym returns a fresh symbol prefixN, deterministic per run.
func (c *Call) Gensym(prefix string) *value.Symbol {
	c.In.gensym++
	return value.Sym(fmt.Sprintf("%s%d", prefix, c.In.gensym))
}

// builtins is the registry of core builtins and namespace members, by
// their position in the catalogue (catalog.Index: every builtin is
// catalogued, with its arity), one slab whose entries are filled group
// by group: a group is one registration function, run on the first use
// of a name it registers (builtinGroup, generated, says which group
// registers each name). A process that evaluates nothing (spell fmt,
// lint, --version) fills none, `run -e '(+ 1 2)'` only the numbers
// (issue 11, start-up: filling every group was ~2 % of that run, most
// of it first-touch page faults). An entry without Fn is not a builtin.
// Read it through builtinNamed (or a symbol's Pure value, forcePure);
// only the registration functions write it.
//
// The array is static (zero pages until a group writes them): allocated
// at the first evaluation, the 24 kB slab was zeroed page by page and
// made the runtime set up a span of its own size class.
var builtins = builtinSlots[:]

var builtinSlots [catalog.Len]Builtin

// builtinNamed returns the registered builtin of a full name ("map",
// "strings/split").
func builtinNamed(name string) (*Builtin, bool) { return registered(name) }

// registered returns the builtin of a full name, registering its group
// first.
func registered(name string) (*Builtin, bool) {
	i, ok := catalog.Index(name)
	if !ok || builtinGroup[i] == 0 {
		return nil, false
	}
	ensureGroup(builtinGroup[i])
	if builtins[i].Fn == nil {
		return nil, false
	}
	return &builtins[i], true
}

// regSlot is the registry entry of a catalogued name, for a registration
// function (its group being registered).
func regSlot(name string) *Builtin {
	i, _ := catalog.Index(name)
	return &builtins[i]
}

// groupRegistrar returns the registration function of group g (the
// numbers of builtinGroup; TestBuiltinGroupsCurrent regenerates that
// table when a group registers other names).
func groupRegistrar(g uint8) func() {
	switch g {
	case 1:
		return registerCollections
	case 2:
		return registerErrors
	case 3:
		return registerFunctions
	case 4:
		return registerMaps
	case 5:
		return registerNumbers
	case 6:
		return registerSequences
	case 7:
		return registerSpell
	case 8:
		return registerStrings
	case 9:
		return registerTypes
	case 10:
		return registerFutures
	case 11:
		return registerMathNS
	case 12:
		return registerStringsNS
	case 13:
		return registerEval
	}
	return nil
}

// numGroups is the number of registration groups; evalGroup registers
// eval.
const (
	numGroups = 13
	evalGroup = 13
)

var (
	groupOnce [numGroups + 1]sync.Once
	// groupsLoaded: every group is registered (loadBuiltins), so that
	// forcePure need not check a symbol's group.
	groupsLoaded atomic.Bool
)

// ensureGroup registers group g once, then the fast paths of its
// arithmetic builtins.
func ensureGroup(g uint8) {
	groupOnce[g].Do(func() {
		groupRegistrar(g)()
		setFastPaths(g)
	})
}

// loadBuiltins registers every group (for what lists the registry).
func loadBuiltins() {
	if groupsLoaded.Load() {
		return
	}
	for g := uint8(1); g <= numGroups; g++ {
		ensureGroup(g)
	}
	groupsLoaded.Store(true)
}

// ensureBuiltin registers the group of b, an entry of the registry (a
// symbol's Pure value, set before its group is registered: pureValue).
func ensureBuiltin(b *Builtin) {
	if groupsLoaded.Load() {
		return
	}
	i := (uintptr(unsafe.Pointer(b)) - uintptr(unsafe.Pointer(unsafe.SliceData(builtins)))) / unsafe.Sizeof(Builtin{})
	if i < uintptr(len(builtins)) {
		ensureGroup(builtinGroup[i])
	}
}

// register adds an implementation; its arity comes from the catalog (one
// table per fact). A name missing from the catalog is a programming
// error.
func register(name string, fn BuiltinFunc) {
	i, ok := catalog.Index(name)
	if !ok {
		panic("eval: builtin " + name + " is not in the catalog")
	}
	if builtins[i].Fn != nil {
		panic("eval: builtin " + name + " registered twice")
	}
	e := &catalog.All()[i]
	builtins[i] = Builtin{Name: name, Min: e.MinArgs, Max: e.MaxArgs, Fn: fn}
}

// LookupBuiltin returns the registered builtin of a full name.
func LookupBuiltin(name string) (*Builtin, bool) { return builtinNamed(name) }

// cancelled reports whether the evaluation's context is done (printers
// poll it while writing very large values).
func (c *Call) cancelled() bool { return c.In.ctx.Err() != nil }

// writePr writes the readable form of v for str and pr-str: printing stops
// at cancellation or once the text is past the output limit (the caller's
// CheckBytes then fails), so a value with shared structure costs work in
// proportion to the limit, not to its printed size.
func (c *Call) writePr(b *strings.Builder, v value.Value) bool {
	return value.WritePrLimit(b, v, c.In.limits.MaxBytes, c.cancelled)
}

// writeStr is value.WriteStr with the bounds of writePr for collections.
func (c *Call) writeStr(b *strings.Builder, v value.Value) bool {
	switch v.(type) {
	case *value.List, *value.Vector, *value.Map, *value.Set, *value.SortedMap, *value.SortedSet, *value.SpellFn:
		return c.writePr(b, v)
	}
	value.WriteStr(b, v)
	return true
}
