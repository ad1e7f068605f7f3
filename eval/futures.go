package eval

import (
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Futures and the blocking namespace (effects.md §5, language.md §6.1).
//
// A future runs a thunk on its own goroutine with its own interpreter,
// marked as a future's (InFuture). A future started while eval runs gets
// the future table: the effect table plus the blocking namespace, whose
// helpers block their goroutine. Every blocking helper checks that it runs
// on a future's goroutine, so a helper that leaked out of a future cannot
// freeze an agent's turn.

// registerFutures is part of loadBuiltins.
func registerFutures() {
	register("future*", biFuture)
	register("blocking/await", biAwait)
	register("blocking/await-all", biAwaitAll)
	register("blocking/pmap", biPmap)
	register("blocking/request", needsRuntime("blocking/request"))
	register("blocking/send-await", needsRuntime("blocking/send-await"))
}

var (
	symBlocking   = value.Sym("blocking")
	kwSpellFuture = value.Kw("spell/future")
)

// Sentinel causes of the future context checks (errors.Is through the
// Spell error that reports them).
var (
	// ErrWouldBlock: a blocking helper was called on an agent's runner.
	ErrWouldBlock = errors.New("would block the agent turn")
	// ErrInFuture: a function an agent's runner alone may call was
	// called inside a future.
	ErrInFuture = errors.New("not available inside a computation future")
)

// contextError is a failure of a context check: its message is the
// spec's, its cause the sentinel.
type contextError struct {
	msg   string
	cause error
}

func (e *contextError) Error() string { return e.msg }
func (e *contextError) Unwrap() error { return e.cause }

// InFuture reports whether the evaluation runs on a future's goroutine
// rather than on an agent's runner.
func (in *Interp) InFuture() bool { return in.future }

// BlockingOnly fails unless the call runs inside a future: on an agent's
// runner a blocking helper would freeze the turn (effects.md §5).
func BlockingOnly(c *Call, name string) error {
	if c.In.future {
		return nil
	}
	return &contextError{msg: name + " would block the agent turn; use !ask-await", cause: ErrWouldBlock}
}

// NotInFuture fails when the call runs inside a future: !llm-self, workers
// and receive belong to an agent's runner (effects.md §3.7).
func NotInFuture(c *Call, name string) error {
	if !c.In.future {
		return nil
	}
	return &contextError{msg: name + " is not available inside a computation future", cause: ErrInFuture}
}

// Awaitable is the host reference of a token that blocking/await and
// !ask-await accept: a future's, or a tracked request's made by the
// runtime.
type Awaitable interface {
	HostName() string
	// Done is closed when the result is ready.
	Done() <-chan struct{}
	// Result is the value or error; it blocks until Done.
	Result() (value.Value, error)
}

// Token makes the token map {:spell/future true :ref ref} (plus the extra
// key/value pairs) of an awaitable.
func Token(ref Awaitable, kvs ...value.Value) *value.Map {
	return value.NewMap(append([]value.Value{kwSpellFuture, true, kwRef, ref}, kvs...)...)
}

// AwaitableOf returns the awaitable of a token.
func AwaitableOf(v value.Value) (Awaitable, bool) {
	m, ok := v.(*value.Map)
	if !ok || !value.IsFuture(m) {
		return nil, false
	}
	w, ok := getKey(m, kwRef).(Awaitable)
	return w, ok
}

// futureRef is the host reference inside a future token.
type futureRef struct {
	done chan struct{}
	val  value.Value
	err  error
}

func (f *futureRef) HostName() string             { return "future" }
func (f *futureRef) Done() <-chan struct{}        { return f.done }
func (f *futureRef) Result() (value.Value, error) { <-f.done; return f.val, f.err }

// Await waits for w, or until the evaluation of c is cancelled. A failed
// awaitable's error is re-raised: a Spell error as a copy (awaiters on
// several goroutines annotate what they get), any other error as itself.
func Await(c *Call, w Awaitable) (value.Value, error) {
	select {
	case <-w.Done():
	case <-c.In.ctx.Done():
		return nil, Cancelled()
	}
	v, err := w.Result()
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e2 := *e
			return nil, &e2
		}
		return nil, err
	}
	return v, nil
}

// random is the interpreter's generator, made on first use.
func (in *Interp) random() *rand.Rand {
	if in.rng == nil {
		in.rng = rand.New(rand.NewSource(in.seed))
	}
	return in.rng
}

// fork makes the interpreter of a new future's goroutine. It runs on the
// parent's goroutine, so seeds follow the order futures are started in.
func (in *Interp) fork() *Interp {
	in.forks++
	x := uint64(in.seed) + uint64(in.forks)*0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	child := &Interp{ctx: in.ctx, limits: in.limits, pure: in.pure, effect: in.effect, table: in.table, core: in.core,
		future: true, futTable: in.futTable, futCtx: in.futCtx, seed: int64(x ^ (x >> 31)), busy: in.busy}
	if in.table.isEffect {
		// Started while eval runs: the future table, also for an eval
		// inside the future, and the computation's context.
		ft := in.futureTable()
		child.table, child.effect, child.futTable = ft, ft, ft
		if in.futCtx != nil {
			child.ctx = in.futCtx(in.ctx)
		}
	}
	return child
}

// futureTable returns (making it once) the table of futures started by
// this interpreter under eval: its effect table plus blocking.
func (in *Interp) futureTable() *table {
	if in.futTable != nil {
		return in.futTable
	}
	et := in.effect
	ft := &table{m: make(map[*value.Symbol]value.Value, len(et.m)+1), isEffect: true, absent: et.absent, blocking: et.blocking}
	for k, v := range et.m {
		ft.m[k] = v
	}
	ft.m[symBlocking] = blockingNamespace(et.blocking)
	in.futTable = ft
	return ft
}

// blockingNamespace is the blocking map: eval's members, replaced by the
// runtime's (request, send-await) where it gives them.
func blockingNamespace(runtimeMembers *value.Map) *value.Map {
	var kvs, detail []value.Value
	for e := range catalog.Members("blocking") {
		b, ok := builtinNamed(e.Name)
		if !ok {
			continue // blocking/plet is a macro
		}
		member := e.Name[len("blocking/"):]
		kvs = append(kvs, value.Kw(member), b)
		detail = append(detail, value.Kw(member), e.Doc+"\n"+e.Detail)
	}
	var info catalog.NamespaceInfo
	for _, ns := range catalog.Namespaces() {
		if ns.Name == "blocking" {
			info = ns
		}
	}
	kvs = append(kvs, kwShortDocs, info.ShortDoc, kwDocs, value.NewMap(kwGuide, info.Guide), kwDetail, value.NewMap(detail...))
	m := value.NewMap(kvs...)
	if runtimeMembers != nil {
		runtimeMembers.Range(func(k, v value.Value) bool {
			if kw, ok := k.(*value.Keyword); ok && !isDocKey(kw.Name) {
				m = m.Assoc(k, v)
			}
			return true
		})
	}
	return m
}

func isDocKey(name string) bool {
	return name == "short-docs" || name == "docs" || name == "detail" || name == "disclosure"
}

func biFuture(c *Call, a []value.Value) (value.Value, error) {
	thunk := a[0]
	child := c.In.fork()
	ref := &futureRef{done: make(chan struct{})}
	env := c.Env()
	var unwatch func()
	if child.limits.MaxMemory > 0 {
		unwatch = memWatch() // the future may outlive the evaluation that started it
	}
	go func() {
		defer close(ref.done)
		if unwatch != nil {
			defer unwatch()
		}
		defer func() {
			if r := recover(); r != nil {
				ref.val, ref.err = nil, FatalError(fmt.Sprintf("internal error in a future: %v", r))
			}
		}()
		ref.val, ref.err = child.apply(thunk, nil, env, nil, 0)
	}()
	return Token(ref), nil
}

func awaitableArg(name string, v value.Value) (Awaitable, error) {
	w, ok := AwaitableOf(v)
	if !ok {
		return nil, Errorf("%s expects a future token, got %s", name, value.TypeName(v))
	}
	return w, nil
}

func biAwait(c *Call, a []value.Value) (value.Value, error) {
	if err := BlockingOnly(c, "blocking/await"); err != nil {
		return nil, err
	}
	w, err := awaitableArg("blocking/await", a[0])
	if err != nil {
		return nil, err
	}
	return Await(c, w)
}

func biAwaitAll(c *Call, a []value.Value) (value.Value, error) {
	if err := BlockingOnly(c, "blocking/await-all"); err != nil {
		return nil, err
	}
	toks, err := Seq(a[0])
	if err != nil {
		return nil, err
	}
	ws := make([]Awaitable, len(toks))
	for i, t := range toks {
		if ws[i], err = awaitableArg("blocking/await-all", t); err != nil {
			return nil, err
		}
	}
	out := make([]value.Value, len(ws))
	for i, w := range ws {
		if out[i], err = Await(c, w); err != nil {
			return nil, err
		}
	}
	return value.NewVector(out), nil
}

// biPmap maps f over coll on at most GOMAXPROCS goroutines, each with its
// own interpreter. Elements are handed out in order and no new one starts
// after a failure, so the error reported, that of the first failing
// element, does not depend on the schedule.
func biPmap(c *Call, a []value.Value) (value.Value, error) {
	if err := BlockingOnly(c, "blocking/pmap"); err != nil {
		return nil, err
	}
	f := a[0]
	xs, err := Seq(a[1])
	if err != nil {
		return nil, err
	}
	n := len(xs)
	env := c.Env()
	out := make([]value.Value, n)
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), n); w++ {
		child := c.In.fork()
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := -1
			defer func() {
				if r := recover(); r != nil && i >= 0 {
					errs[i] = FatalError(fmt.Sprintf("internal error in blocking/pmap: %v", r))
					failed.Store(true)
				}
			}()
			for !failed.Load() {
				if i = int(next.Add(1)) - 1; i >= n {
					return
				}
				if err := child.step(); err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				v, err := child.apply(f, []value.Value{xs[i]}, env, nil, 0)
				if err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				out[i] = v
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return value.NewVector(out), nil
}

// needsRuntime is a blocking member that only the SPE runtime provides
// (tracked requests need the run's agents coordinator).
func needsRuntime(name string) BuiltinFunc {
	return func(c *Call, a []value.Value) (value.Value, error) {
		if err := BlockingOnly(c, name); err != nil {
			return nil, err
		}
		return nil, Errorf("%s needs the run's agents coordinator, which this evaluation has not got", name)
	}
}
