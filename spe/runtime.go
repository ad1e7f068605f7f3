package spe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/globals"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/trace"
)

// Limits stop a run (runtime.md §7). Zero means unlimited where the spec
// allows it; Defaults fills the spec's defaults.
type Limits struct {
	MaxTurns             int           // model calls of the run, all kinds
	MaxDepth             int           // non-tail self-call nesting per handle
	Budget               float64       // USD
	MaxTotalTokens       int64         // input + output tokens of the run
	Timeout              time.Duration // wall clock
	MaxConsecutiveErrors int           // own failures in a row per handle
}

// DefaultLimits are the spec's defaults.
var DefaultLimits = Limits{MaxTurns: 1000, MaxDepth: 64, Budget: 1.00, MaxConsecutiveErrors: 3}

// Tracer receives the run's trace (spe/trace implements it).
type Tracer interface {
	Event(ev string, fields map[string]any) error
	WriteProgram(turn int, text string) (string, error)
	WriteLeaf(turn int, prompt, response string) (string, error)
	Sync() error
}

// EffectHook wraps every external effect call (io/…): the runtime counts,
// traces and, on resume, replays them.
type EffectHook func(name string, args []value.Value, run func() (value.Value, error)) (value.Value, error)

// Options configure a run.
type Options struct {
	Provider        provider.Provider // nil: model calls fail with the no-model message
	Model           string            // model id sent in requests
	Transport       provider.Transport
	System          string // system prompt of self turns
	LeafSystem      string // system prompt of leaf calls
	MaxTokens       int
	Thinking        int
	ReasoningEffort string
	Limits          Limits
	EvalLimits      eval.Limits
	ContextMaxChars int
	Seed            int64
	// Namespaces are the granted effect namespaces by name (io, web, …),
	// built by the caller with Runtime.Hook as their effect hook.
	Namespaces map[string]*value.Map
	// Core replaces core namespaces for this run (the discovered skills).
	Core map[string]*value.Map
	// Cost prices a call; nil means every model is unpriced.
	Cost   func(model string, u provider.Usage) (usd float64, priced bool)
	Trace  Tracer                                                      // nil: no trace
	Record func(handle string, n int, prompt, completion string) error // nil: no transcript
	Log    io.Writer                                                   // -v: prompts and completions
	// Progress, when set, is told when a model call starts (pending) and
	// ends, for a live status line.
	Progress func(pending bool, p ProgressInfo)
	// Resume, when set, serves recorded completions and effect results of
	// an earlier run (spell run --resume).
	Resume *Resume
	// Virtual schedules the run's agents as a discrete-event simulation
	// (replay and resume, runtime.md §13); otherwise FIFO.
	Virtual bool
	// FullTurns evaluates every turn's program from its first form
	// (incremental turns off, incr.go): for tests that compare both.
	FullTurns bool
	// Recover turns recovery on (runtime.md §5: :recover, --no-recover).
	// (The three flags share a word, which keeps Runtime in a size class
	// start-up uses anyway; issue 11.)
	Recover bool
	// MaxEdges bounds the coordinator's pending edges (--max-edges; 0 =
	// the default 10,000).
	MaxEdges int
	// Acting, when set, is called before each effect (replayed ones too)
	// and each model call starts, and once an evaluation has run 1,024
	// steps (eval.Options.Busy): spell run watches Ctrl-C from the first
	// of these on, so a run that only evaluates briefly arms no timer
	// and starts no signal thread (issue 11, start-up).
	Acting func()
	// Stepper, when set, is asked before each live action (a model call
	// or an effect the log does not hold) and told once its result is
	// logged: a durable engine runs one action per step (spell-temporal).
	Stepper Stepper
	// Started is when the run began, for a run continued in another
	// process (spell-temporal): --timeout counts from it (zero: from Run).
	Started time.Time
}

// Stepper paces the live actions of a run. Begin is called before a live
// action starts (kind "model" or "effect", name the handle or the effect
// function) and may block; an error stops the action. End is called after
// the action's result is in the log.
type Stepper interface {
	Begin(ctx context.Context, kind, name string) error
	End()
}

// Stats are the run's counters (spell run --stats, --json).
type Stats struct {
	Calls            map[string]int
	MaxDepth         int
	Effects          map[string]int
	ConsecutiveMax   int
	ConsecutiveFinal int
	Usage            map[string]provider.Usage // per effective model
	ModelCalls       map[string]int            // calls per effective model
	MaxContext       map[string]int64          // largest input (tokens) of one call per model
	Cost             float64
	Unpriced         bool
}

// ProgressInfo is the state shown by the live status line.
type ProgressInfo struct {
	Turn   int
	Depth  int
	Tokens int64
	Cost   float64
}

// Runtime runs Spell programs whose turns call a model. Which turn is
// running is never stored here: it is the turn value passed along (turn.go).
type Runtime struct {
	opts   Options
	ledger ledger
	prev   map[string]string // previous prefix per handle (cache splitting)
	// hashers hash each handle's growing prompts incrementally (the
	// turn.start prompt_sha256), leaf calls apart; guarded by lmu.
	hashers map[string]*trace.PromptHasher
	// printers print each handle's prompts incrementally (normalise), per
	// handle and depth; guarded by lmu.
	printers map[string]*value.PrefixCache
	// reads are the last program read per handle and depth, texts the
	// last program text and its prompt (read.go); guarded by lmu.
	reads map[string]*eval.ReadResult
	texts map[string]lastText
	// bufs are the text buffers of each handle and depth (read.go),
	// guarded by lmu; textReuse are test switches.
	bufs      map[string][]*textBuf
	textReuse textReuse
	// fileBindings are {:file …} profile bindings: names bound to text in
	// the effect table.
	fileBindings []fileBinding
	// stdlib are the root agent's stdlib namespaces (io, agents, …), each
	// built when a program first uses it; Options.Namespaces holds the
	// others (MCP servers).
	stdlib map[string]*boundNS
	// detached is the turn of effects run outside any turn's evaluation
	// (a hook called without a turn in its context).
	detached *turn
	// traceErr is the first failed trace write: the run stops before its
	// next effect or model call, which the trace could not record.
	traceErr error

	// Concurrency: agents' runners evaluate one at a time (they hold the
	// run's baton, spe/sched), so most state is single-writer. Futures run
	// on their own goroutines without the baton and reach the effect hook,
	// so the ledger and the resume state are guarded by lmu and trace
	// writes by tmu (lock order: lmu before tmu).
	lmu sync.Mutex
	tmu sync.Mutex

	// workers are the compiled workers by their workers/NAME value;
	// guarded by lmu (a workers/ map is built when a program, or a
	// future, first uses it).
	workers map[*eval.Builtin]*worker

	// multi is the run's coordinator, scheduler and agents (multi.go);
	// nil until Run starts.
	multi *multi

	// globals is the run's shared store (globals_ns.go).
	globals     *globals.Store
	globalsOnce sync.Once

	// prefixes are the kept program prefixes of incremental turns (incr.go).
	prefixes prefixes
}

// New makes a runtime.
func New(opts Options) *Runtime {
	if opts.Limits.MaxConsecutiveErrors <= 0 {
		opts.Limits.MaxConsecutiveErrors = 3
	}
	if opts.ContextMaxChars <= 0 {
		opts.ContextMaxChars = eval.DefaultContextMaxChars
	}
	return &Runtime{opts: opts, ledger: newLedger(), prev: map[string]string{}, detached: &turn{handle: "main"}}
}

// Stats returns the run's counters so far.
func (rt *Runtime) Stats() Stats {
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	return rt.ledger.stats()
}

// Hook is the effect hook to give effect namespaces.
// ctx is the calling evaluation's context, which carries its turn.
func (rt *Runtime) Hook(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
	if rt.opts.Acting != nil {
		rt.opts.Acting()
	}
	if err := rt.traceFailure(); err != nil {
		return nil, err
	}
	t := turnOf(ctx)
	if t == nil {
		t = rt.detached
	}
	led := &rt.ledger
	rt.lmu.Lock()
	led.effects[name]++
	led.effectN++
	t.effects++
	k := t.effects
	rt.lmu.Unlock()
	start := time.Now()
	sargs := make([]string, len(args))
	for i, a := range args {
		sargs[i] = capText(value.PrStr(a), 4096)
	}
	rt.lmu.Lock()
	v, err, replayed := rt.replayEffect(t, k, name, args)
	if replayed {
		led.effects[name]-- // stats count effects executed, not replayed ones
		rt.lmu.Unlock()
		return v, err
	}
	if st := rt.opts.Stepper; st != nil {
		rt.lmu.Unlock()
		if err := st.Begin(ctx, "effect", name); err != nil {
			return nil, rt.ctxErr(ctx, t)
		}
		defer st.End()
		rt.lmu.Lock()
	}
	rt.goLive()
	rt.event(trace.EffectBegin(t.handle, t.seq, k, name, sargs))
	if err := rt.traceFailure(); err != nil {
		// Never run an effect the trace does not know began.
		rt.lmu.Unlock()
		return nil, err
	}
	torn := rt.opts.Resume.takeTorn()
	if torn {
		led.effects[name]--
	}
	rt.lmu.Unlock()
	if torn {
		// The log ended in a torn line that may have been this effect's
		// beginning: it may have run, so it is not run again.
		v, err = unknownOutcome(), nil
	} else {
		v, err = run()
	}
	var result, file string
	if err != nil {
		result = "error: " + err.Error()
	} else {
		result = effectSource(v)
		if len(result) > trace.EffectInlineMax && rt.opts.Trace != nil {
			if w, ok := rt.opts.Trace.(interface {
				WriteEffect(turn, k int, text string) (string, error)
			}); ok {
				var werr error
				file, werr = w.WriteEffect(t.seq, k, result)
				rt.noteTrace(werr)
			}
			result = capText(result, trace.EffectInlineMax)
		}
	}
	rt.event(trace.EffectEnd(t.handle, t.seq, k, name, result, file, time.Since(start).Milliseconds()))
	if terr := rt.traceFailure(); terr != nil {
		return nil, terr
	}
	return v, err
}

func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// tracing reports whether events are logged now: a trace is kept and a
// resumed run is not replaying its log.
func (rt *Runtime) tracing() bool { return rt.opts.Trace != nil && !rt.opts.Resume.replaying() }

// event logs one event. While a resumed run replays its log nothing is
// logged: the log already holds those events (runtime.md §14.3).
func (rt *Runtime) event(ev string, fields map[string]any) {
	if rt.tracing() {
		rt.tmu.Lock()
		err := rt.opts.Trace.Event(ev, fields)
		rt.tmu.Unlock()
		rt.noteTrace(err)
	}
}

// noteTrace keeps the first failed trace write.
func (rt *Runtime) noteTrace(err error) {
	rt.tmu.Lock()
	defer rt.tmu.Unlock()
	if err != nil && rt.traceErr == nil {
		rt.traceErr = err
	}
}

// traceFailure is the run's terminal error once a trace write failed.
func (rt *Runtime) traceFailure() error {
	rt.tmu.Lock()
	defer rt.tmu.Unlock()
	if rt.traceErr == nil {
		return nil
	}
	return &eval.Error{Msg: fmt.Sprintf("%v (the run stops: the trace cannot record what it would do next)", rt.traceErr), Fatal: true, Cause: rt.traceErr}
}

// goLive ends the replay of a resumed run at its first action the log
// does not hold: run.resume is logged and logging continues.
func (rt *Runtime) goLive() {
	r := rt.opts.Resume
	if r == nil || r.live {
		return
	}
	r.live = true
	rt.event(trace.RunResume(r.lastTurn, os.Args))
}

// EndReplay ends the replay of a resumed run that finished without a live
// action, so that run.end follows a run.resume event.
func (rt *Runtime) EndReplay() { rt.goLive() }

// Task returns the init program of a natural-language task (runtime.md §2):
// (quine completion (eval (do (quine prompt "T") '(!extend)))).
func Task(task string) string {
	return `(quine completion (eval (do (quine prompt "` + value.EscapeString(task) + `") '(!extend))))`
}

// freshPrompt is W(T), the prefix of a child started with a plain string.
func freshPrompt(task string) string {
	return `(quine completion (eval (do (quine prompt "` + value.EscapeString(task) + `") `
}

// Run evaluates a program text (a task's init program, or a program file)
// as the root of the run under handle main and returns its value.
func (rt *Runtime) Run(ctx context.Context, name string, text []byte) (value.Value, error) {
	if lim := rt.opts.Limits.Timeout; lim > 0 {
		start := rt.opts.Started
		if start.IsZero() {
			start = time.Now()
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(lim))
		defer cancel()
	}
	root := &turn{handle: "main"}
	rr, err := rt.read(root, name, text[:len(text):len(text)])
	if err != nil {
		return nil, err
	}
	ctx, main := rt.startMulti(ctx)
	main.checkpoint = rr.Form
	v, err := rt.runRoot(ctx, root, rr.Form, rr)
	rt.multi.stop(main)
	if err != nil {
		return nil, rt.finalErr(ctx, err)
	}
	if err := rt.traceFailure(); err != nil {
		return nil, err
	}
	return v, nil
}

// runRoot evaluates the root program of a lifecycle (the run's, or a
// child agent's) and every tail continuation after it.
func (rt *Runtime) runRoot(ctx context.Context, root *turn, form value.Value, rr *eval.ReadResult) (value.Value, error) {
	v, err := rt.runProgram(ctx, root, form, rr, true, false)
	if err != nil {
		return nil, err
	}
	if c, ok := v.(*continuation); ok {
		return rt.chain(ctx, c)
	}
	return v, nil
}

// finalErr turns a deadline into the run-timeout message.
func (rt *Runtime) finalErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && rt.opts.Limits.Timeout > 0 {
		return eval.LimitError(fmt.Sprintf("Run timed out after %s", rt.opts.Limits.Timeout))
	}
	return err
}

// continuation is what a turn-producing call in tail position of a
// trailing expression returns: the next model call, performed by the turn
// loop in the same Go frame (runtime.md §3.4).
type continuation struct {
	prefix  string
	receive bool
	kind    provider.Kind
	from    *turn // the turn whose evaluation asked for the call
	depth   int   // the depth the call runs at
	// program, when set, is a resumed wait: the handle's checkpoint with
	// the messages materialised, evaluated without a model call (its
	// final '(!extend) makes the next one). receipt names the messages.
	program value.Value
	receipt any
}

func (*continuation) HostName() string { return "continuation" }

// chain runs a turn and every tail continuation after it.
func (rt *Runtime) chain(ctx context.Context, c *continuation) (value.Value, error) {
	for {
		v, err := rt.turn(ctx, c)
		if err != nil {
			return nil, err
		}
		next, ok := v.(*continuation)
		if !ok {
			return v, nil
		}
		c = next
	}
}

// turn performs one model call and evaluates the resulting program (with
// recovery); its value may be a continuation.
func (rt *Runtime) turn(ctx context.Context, c *continuation) (value.Value, error) {
	if c.program != nil {
		// A resumed wait: the same turn goes on with the materialised
		// program (its effects keep counting).
		t := c.from
		if t.depth != c.depth {
			t2 := *t
			t2.depth = c.depth
			t = &t2
		}
		rt.event(trace.Program(t.handle, t.n, t.seq, "", nil, c.receipt))
		return rt.runProgram(ctx, t, c.program, nil, true, false)
	}
	t, text, err := rt.callModel(ctx, c)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("<turn %d>", t.seq)
	last, known := rt.lastText(t, c.prefix, text)
	if rt.opts.Trace != nil {
		file, err := rt.writeProgram(t.seq, text, last.text, known)
		rt.noteTrace(err)
		if err == nil {
			name = file
		}
	}
	rr, rerr := rt.readKnown(t, name, text, last.text, known)
	if rr != nil && rr.Completion != nil {
		var repairs []trace.Repair
		for _, r := range rr.Completion.Repairs {
			repairs = append(repairs, trace.Repair{Kind: r.Kind.String(), Pos: r.Off})
		}
		rt.event(trace.Program(t.handle, t.n, t.seq, name, repairs, nil))
	}
	if rerr != nil {
		return rt.readerFailure(ctx, t, rr, rerr, c.receive)
	}
	form := rr.Form
	if c.receive {
		// Receipt and checkpoint (runtime.md §3.1 steps 8–9).
		if form, err = rt.preEval(t, form); err != nil {
			return nil, err
		}
	}
	return rt.runProgram(ctx, t, form, rr, c.receive, true)
}

// attempt is one evaluation of a program.
type attempt struct {
	value    value.Value
	err      *eval.Error
	trailing bool // the failure came from the trailing expression
	effects  int  // effects run during the evaluation
}

// evalOnce evaluates a program of turn t; rr is its reading (nil for a
// program the runtime built). recovering marks a recovery program, whose
// model call is a recovery turn.
func (rt *Runtime) evalOnce(ctx context.Context, t *turn, form value.Value, rr *eval.ReadResult, recovering bool) attempt {
	et := rt.bindings(t, recovering)
	in := eval.New(withTurn(ctx, t), eval.Options{Limits: rt.opts.EvalLimits, Effects: et, Absent: et, Seed: rt.opts.Seed, Core: rt.opts.Core, FutureContext: rt.futureContext, Busy: rt.opts.Acting})
	form = rt.planTurn(t, in, rr, form)
	defer rt.keepPrefix(t, in, in.Incr)
	if _, _, _, err := value.QuineParts(form); err == nil {
		// The tail (eval (do …)) whose start marks a trailing failure
		// (not wrapperParts: that copies the whole body every turn).
		in.TrailingEval = lastOf(form.(*value.List))
	}
	before := rt.effectCount()
	v, _, err := in.EvalTurn(form, eval.PipelineEnv())
	a := attempt{value: v, effects: rt.effectCount() - before, trailing: in.TrailingStarted}
	if err != nil {
		var e *eval.Error
		if !errors.As(err, &e) {
			e = &eval.Error{Msg: err.Error()}
		}
		a.err = e
	}
	return a
}

// effectCount is the number of effect invocations so far.
func (rt *Runtime) effectCount() int {
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	return rt.ledger.effectN
}

// runProgram evaluates the program of turn t in a fresh environment,
// with namespace fix-up and recovery for the handle's own failures (own:
// the program was written by the model).
func (rt *Runtime) runProgram(ctx context.Context, t *turn, form value.Value, rr *eval.ReadResult, receive, own bool) (value.Value, error) {
	a := rt.evalOnce(ctx, t, form, rr, false)
	if a.err == nil {
		if own {
			rt.ledger.consec[t.handle] = 0
		}
		rt.endTurn(t, a.value, nil, "none")
		return a.value, nil
	}
	if a.err.Fatal || !own {
		rt.endTurn(t, nil, a.err, "none")
		return nil, a.err
	}
	if rt.opts.Recover && a.effects == 0 {
		if fixed, ok := rt.namespaceFixup(form, a.err); ok {
			b := rt.evalOnce(ctx, t, fixed, nil, false)
			if b.err == nil {
				// A fix-up neither counts towards nor resets the
				// consecutive-error streak (runtime.md §5.2).
				rt.endTurn(t, b.value, nil, "namespace-fixup")
				return b.value, nil
			}
			form, a = fixed, b
			if a.err.Fatal {
				rt.endTurn(t, nil, a.err, "none")
				return nil, a.err
			}
		}
	}
	if err := rt.countFailure(t.handle, "eval error"); err != nil {
		rt.endTurn(t, nil, err, "none")
		return nil, err
	}
	if !rt.opts.Recover {
		rt.endTurn(t, nil, a.err, "none")
		return nil, a.err
	}
	var prog value.Value
	kind := "inert"
	if head, body := wrapperParts(form); head != nil && a.trailing {
		prog = trailingRecovery(head, body, a.err, receive)
		kind = "trailing"
	} else {
		prog = inertRecovery(form, a.err, receive)
	}
	rt.endTurn(t, nil, a.err, kind)
	return rt.runRecovery(ctx, t, prog)
}

// runRecovery evaluates the recovery program of turn t; its trailing
// !llm-self is a recovery turn.
func (rt *Runtime) runRecovery(ctx context.Context, t *turn, prog value.Value) (value.Value, error) {
	b := rt.evalOnce(ctx, t, prog, nil, true)
	if b.err != nil {
		return nil, b.err
	}
	return b.value, nil
}

// readerFailure handles a completion that cannot be read (§5.5).
func (rt *Runtime) readerFailure(ctx context.Context, t *turn, rr *eval.ReadResult, rerr error, receive bool) (value.Value, error) {
	var e *eval.Error
	if !errors.As(rerr, &e) {
		e = &eval.Error{Msg: rerr.Error()}
	}
	if err := rt.countFailure(t.handle, "reader error"); err != nil {
		rt.endTurn(t, nil, err, "none")
		return nil, err
	}
	if !rt.opts.Recover {
		rt.endTurn(t, nil, e, "none")
		return nil, e
	}
	line, col := 0, 0
	if e.Span != nil && rr != nil && rr.Completion != nil {
		p := rr.Completion.Position(rr.Completion.OrigOffset(int(e.Span.Start)))
		line, col = p.Line, p.Col
	}
	text := ""
	if rr != nil && rr.Completion != nil {
		text = string(rr.Completion.Text)
	}
	prog := readerRecovery(text, e.Msg, line, col, receive)
	rt.endTurn(t, nil, e, "reader")
	return rt.runRecovery(ctx, t, prog)
}

// countFailure counts an own failure; at the limit it is terminal.
func (rt *Runtime) countFailure(handle, what string) error {
	led := &rt.ledger
	led.consec[handle]++
	led.consMax = max(led.consMax, led.consec[handle])
	if n := led.consec[handle]; n >= rt.opts.Limits.MaxConsecutiveErrors {
		return eval.LimitError(fmt.Sprintf("Consecutive error limit reached: %d while handling %s", n, what))
	}
	return nil
}

// endTurn logs the value or error of turn t's evaluation and syncs the log.
func (rt *Runtime) endTurn(t *turn, v value.Value, err error, recovery string) {
	if !rt.tracing() {
		// No log to write: the event is not built (printing the value is
		// pure; issue 11, start-up).
		return
	}
	consec := rt.ledger.consec[t.handle]
	if err != nil {
		rt.event(trace.EvalError(t.handle, t.n, t.seq, t.depth, err.Error(), recovery, consec))
	} else {
		s := "<continues>"
		if _, ok := v.(*continuation); !ok {
			s = capText(value.PrStr(v), trace.ValueMax)
		}
		rt.event(trace.EvalValue(t.handle, t.n, t.seq, t.depth, s, recovery, consec))
	}
	rt.noteTrace(rt.opts.Trace.Sync())
}

// bindings are the effect builtins of an evaluation of turn t.
func (rt *Runtime) bindings(t *turn, recovering bool) effectTable {
	m := map[*value.Symbol]value.Value{
		value.Sym("!llm-self"):  &eval.Builtin{Name: "!llm-self", Min: 1, Max: 2, Fn: rt.llmSelf(t, recovering)},
		value.Sym("leaf-llm"):   &eval.Builtin{Name: "leaf-llm", Min: 1, Max: 1, Fn: rt.leafLLM(t)},
		value.Sym("receive"):    &eval.Builtin{Name: "receive", Min: 1, Max: 1, Fn: runnerOnly("receive", rt.receiveFn)},
		value.Sym("!ask-await"): &eval.Builtin{Name: "!ask-await", Min: 1, Max: 1, Fn: rt.askAwait},
		value.Sym("blocking"):   rt.blockingMembers(), // bound in futures only (futures.go)
	}
	nss, stdlib := rt.opts.Namespaces, rt.stdlib
	if t.agent != nil && t.agent.namespaces != nil {
		nss, stdlib = t.agent.namespaces, nil
	}
	for name, ns := range stdlib {
		m[value.Sym(name)] = ns.bound
	}
	for name, ns := range nss {
		m[value.Sym(name)] = ns
	}
	for _, fb := range rt.fileBindings {
		m[value.Sym(fb.name)] = fb.text
	}
	return effectTable(m)
}

type fileBinding struct{ name, text string }

// lastOf returns the last element of a list when it is a list.
func lastOf(l *value.List) *value.List {
	var last value.Value
	for x := l; x.Count() > 0; x = x.Rest() {
		last = x.First()
	}
	tail, _ := last.(*value.List)
	return tail
}

type effectTable map[*value.Symbol]value.Value

func (t effectTable) Bindings() map[*value.Symbol]value.Value { return t }

var kwReceive = value.Kw("receive?")

const msgOptions = "!llm-self options must be a map with only an optional boolean :receive?"

func parseOptions(args []value.Value) (bool, error) {
	if len(args) < 2 {
		return false, nil
	}
	m, ok := args[1].(*value.Map)
	if !ok {
		return false, eval.Errorf(msgOptions)
	}
	receive := false
	bad := false
	m.Range(func(k, v value.Value) bool {
		b, isBool := v.(bool)
		if k != value.Value(kwReceive) || !isBool {
			bad = true
			return false
		}
		receive = b
		return true
	})
	if bad {
		return false, eval.Errorf(msgOptions)
	}
	return receive, nil
}

// normalise turns a prompt value into a prefix (runtime.md §3.2); a
// quine form is printed through the handle's cache.
func normalise(v value.Value, cache *value.PrefixCache) (string, error) {
	switch x := v.(type) {
	case *value.List:
		if x.Count() > 0 && x.First() == value.Value(value.Sym("quine")) {
			return cache.PrefixOpen(x)
		}
		return value.PrStr(x), nil
	case string:
		if strings.HasPrefix(strings.TrimSpace(x), "(") {
			return x, nil
		}
		return freshPrompt(x), nil
	}
	return freshPrompt(value.Str(v)), nil
}

// selfKind is the trace kind of a self-call made by t's evaluation
// (runtime.md §14.2): the call of a recovery program is a recovery turn;
// a prefix ending in the compaction tail is stage B; the call stage B's
// program makes is stage C.
func selfKind(t *turn, recovering bool, prefix string) provider.Kind {
	switch {
	case recovering:
		return provider.KindRecovery
	case strings.HasSuffix(prefix, eval.CompactTail):
		return provider.KindCompactB
	case t.kind == provider.KindCompactB:
		return provider.KindCompactC
	}
	return provider.KindSelf
}

// llmSelf is the !llm-self builtin of an evaluation of turn t.
func (rt *Runtime) llmSelf(t *turn, recovering bool) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		receive, err := parseOptions(args)
		if err != nil {
			return nil, err
		}
		if err := eval.NotInFuture(c, "!llm-self"); err != nil {
			return nil, err
		}
		prefix, err := normalise(args[0], rt.prefixCache(t))
		if err != nil {
			return nil, err
		}
		cont := &continuation{prefix: prefix, receive: receive, kind: selfKind(t, recovering, prefix), from: t, depth: t.depth}
		if c.TurnTail {
			return cont, nil
		}
		return rt.nested(ctxOf(c), cont)
	}
}

// nested performs a continuation that is not in tail position: one level
// deeper, in the caller's Go frame.
func (rt *Runtime) nested(ctx context.Context, cont *continuation) (value.Value, error) {
	cont.depth++
	if d := cont.depth; rt.opts.Limits.MaxDepth > 0 && d > rt.opts.Limits.MaxDepth {
		return nil, eval.LimitError(fmt.Sprintf("LLM recursion limit exceeded: depth %d", d))
	}
	rt.lmu.Lock()
	rt.ledger.depthMax = max(rt.ledger.depthMax, cont.depth)
	rt.lmu.Unlock()
	v, err := rt.chain(ctx, cont)
	if err != nil {
		// A descendant's failure is terminal for the caller: never
		// caught or recovered as the caller's own error.
		var e *eval.Error
		if errors.As(err, &e) {
			if !e.Fatal {
				e2 := *e
				e2.Fatal = true
				return nil, &e2
			}
			return nil, e
		}
		return nil, eval.WrapFatal(err)
	}
	return v, nil
}

// leafLLM is the leaf-llm builtin of an evaluation of turn t: one
// plain-text call, no parsing.
func (rt *Runtime) leafLLM(t *turn) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		prompt := value.Str(args[0])
		_, resp, err := rt.complete(ctxOf(c), t, t.depth, provider.KindLeaf, prompt, provider.Text, rt.opts.LeafSystem)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// ctxOf returns the evaluation's context.
func ctxOf(c *eval.Call) context.Context { return c.In.Context() }

// callModel performs the model call of a self-call continuation and returns
// its turn and the program text: prefix + post-processed suffix.
func (rt *Runtime) callModel(ctx context.Context, c *continuation) (*turn, []byte, error) {
	system := rt.opts.System
	if d := c.from.agent; d != nil && d.system != "" {
		system = d.system
	}
	t, suffix, err := rt.complete(ctx, c.from, c.depth, c.kind, c.prefix, rt.opts.Transport, system)
	if err != nil {
		return nil, nil, err
	}
	return t, rt.turnText(t, c.prefix, provider.PostProcess(rt.opts.Transport, c.prefix, suffix)), nil
}

const noModel = "No model configured. Pass --model PROVIDER:MODEL, set SPELL_MODEL, set ANTHROPIC_API_KEY or OPENAI_API_KEY, or replay a transcript with --model replay:FILE."

// complete performs one model call made by the evaluation of turn from:
// admit (limits, a new turn), call (the provider, or the resumed log),
// account (usage, cost, events, transcript, spend limits).
func (rt *Runtime) complete(ctx context.Context, from *turn, depth int, kind provider.Kind, prompt string, transport provider.Transport, system string) (*turn, string, error) {
	if rt.opts.Acting != nil {
		rt.opts.Acting()
	}
	t, err := rt.admit(ctx, from, depth, kind, prompt)
	if err != nil {
		return nil, "", err
	}
	start := time.Now()
	_, recorded := rt.opts.Resume.completion(t.handle, t.n)
	resp, err := rt.call(ctx, t, prompt, transport, system)
	if err != nil {
		return nil, "", err
	}
	err = rt.account(t, prompt, transport, resp, time.Since(start))
	if st := rt.opts.Stepper; st != nil && !recorded {
		st.End()
	}
	if err != nil {
		return nil, "", err
	}
	return t, resp.Suffix, nil
}

// admit checks the limits of a model call made by from's evaluation
// (runtime.md §3.1 step 4) and starts its turn: numbers it and logs
// turn.start.
func (rt *Runtime) admit(ctx context.Context, from *turn, depth int, kind provider.Kind, prompt string) (*turn, error) {
	lim := rt.opts.Limits
	led := &rt.ledger
	if err := ctx.Err(); err != nil {
		return nil, rt.ctxErr(ctx, from)
	}
	if rt.opts.Provider == nil {
		return nil, eval.FatalError(noModel)
	}
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	if lim.MaxTurns > 0 && led.total >= lim.MaxTurns {
		return nil, rt.limit(from, "turns", fmt.Sprintf("Turn limit exceeded: %d model calls", lim.MaxTurns))
	}
	if err := rt.overSpend(from, false); err != nil {
		return nil, err
	}
	if err := rt.traceFailure(); err != nil {
		return nil, err
	}
	led.total++
	led.calls[from.handle]++
	led.seq++
	led.effectN++
	t := &turn{handle: from.handle, n: led.calls[from.handle], seq: led.seq, depth: depth, parent: from.seq, kind: kind, agent: from.agent}
	r := rt.opts.Resume
	if _, recorded := r.completion(t.handle, t.n); r != nil && !recorded && !r.live {
		// The first live call: the torn line, if any, was not an effect.
		r.clearTorn()
		rt.goLive()
	}
	if r == nil || !r.started[t.seq] {
		// (A resumed run's log may hold the turn.start of its first live turn.)
		promptFile := trace.ProgramFile(t.seq)
		if kind == provider.KindLeaf {
			promptFile = trace.LeafFile(t.seq)
		}
		rt.event(trace.TurnStart(t.handle, t.n, t.seq, t.depth, string(kind), rt.promptSHA(t.handle, kind, prompt), promptFile, t.parent))
	}
	return t, nil
}

// prefixCache is the prompt printer's cache of t's handle at t's depth
// (a nested self-call prints another program).
func (rt *Runtime) prefixCache(t *turn) *value.PrefixCache {
	key := fmt.Sprintf("%s %d", t.handle, t.depth)
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	c := rt.printers[key]
	if c == nil {
		if rt.printers == nil {
			rt.printers = map[string]*value.PrefixCache{}
		}
		c = &value.PrefixCache{}
		rt.printers[key] = c
	}
	return c
}

// promptSHA is the prompt's SHA-256 for turn.start; the caller holds lmu.
func (rt *Runtime) promptSHA(handle string, kind provider.Kind, prompt string) string {
	key := handle
	if kind == provider.KindLeaf {
		key += " leaf"
	}
	h := rt.hashers[key]
	if h == nil {
		if rt.hashers == nil {
			rt.hashers = map[string]*trace.PromptHasher{}
		}
		h = &trace.PromptHasher{}
		rt.hashers[key] = h
	}
	return h.Sum(prompt)
}

// call asks the provider for turn t's completion, or serves it from the
// log of a resumed run.
func (rt *Runtime) call(ctx context.Context, t *turn, prompt string, transport provider.Transport, system string) (*provider.Response, error) {
	if rt.opts.Log != nil {
		fmt.Fprintf(rt.opts.Log, "--- %s/%d prompt (%s) ---\n%s\n", t.handle, t.n, t.kind, prompt)
	}
	if suffix, ok := rt.opts.Resume.completion(t.handle, t.n); ok {
		if m, ok := rt.opts.Provider.(interface{ MarkUsed(string, int) }); ok {
			m.MarkUsed(t.handle, t.n)
		}
		if rp, ok := rt.opts.Provider.(*replay.Provider); ok && rt.opts.Virtual {
			// The recorded run waited for the entry's .delay: so does its
			// resumption, or the agents would run in another order.
			if d, ok := rp.T.Delay(t.handle, t.n); ok && d > 0 {
				if err := virtualSleep(ctx, d); err != nil {
					return nil, rt.ctxErr(ctx, t)
				}
			}
		}
		return &provider.Response{Suffix: suffix}, nil
	}
	req := &provider.Request{Handle: t.handle, CallNumber: t.n, Kind: t.kind, System: system, Prefix: prompt, Transport: transport,
		Model: rt.opts.Model, MaxTokens: rt.opts.MaxTokens, Thinking: rt.opts.Thinking, ReasoningEffort: rt.opts.ReasoningEffort,
		PreviousPrefix: rt.prev[t.handle]}
	progress := func(pending bool) {
		if rt.opts.Progress != nil {
			rt.lmu.Lock()
			info := ProgressInfo{Turn: t.seq, Depth: t.depth, Tokens: rt.ledger.tokens, Cost: rt.ledger.cost}
			rt.lmu.Unlock()
			rt.opts.Progress(pending, info)
		}
	}
	progress(true)
	var resp *provider.Response
	var err error
	stepped := true
	complete := func() {
		if st := rt.opts.Stepper; st != nil {
			// Paced by the stepper (spell-temporal), which may hold the
			// call back: without the baton when the call runs without it.
			if stepped = st.Begin(ctx, "model", t.handle) == nil; !stepped {
				return
			}
		}
		resp, err = rt.opts.Provider.Complete(ctx, req)
	}
	if a := agentOf(ctx); a != nil && !rt.opts.Virtual {
		// Live: the call runs without the baton (other agents evaluate
		// meanwhile); under replay the completion is read with it.
		a.runner.Outside(ctx, complete)
	} else {
		complete()
	}
	progress(false)
	if !stepped {
		return nil, rt.ctxErr(ctx, t)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, rt.ctxErr(ctx, t)
		}
		rt.event(trace.EvModelCall, map[string]any{trace.KeyHandle: t.handle, trace.KeyN: t.n, trace.KeyTurn: t.seq, trace.KeyProvider: rt.opts.Provider.Name(), trace.KeyError: err.Error()})
		return nil, eval.WrapFatal(err)
	}
	return resp, nil
}

// account books turn t's usage and cost, logs the call and its
// completion, writes the leaf file and the transcript entry, and checks
// the spend limits after the call.
func (rt *Runtime) account(t *turn, prompt string, transport provider.Transport, resp *provider.Response, latency time.Duration) error {
	led := &rt.ledger
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	if t.kind != provider.KindLeaf {
		rt.prev[t.handle] = prompt
	}
	model := resp.EffectiveModel
	if model == "" {
		model = rt.opts.Model
	}
	led.usage[model] = led.usage[model].Add(resp.Usage)
	led.mcalls[model]++
	in := resp.Usage.UncachedInput + resp.Usage.CachedInput + resp.Usage.CacheWriteInput
	led.maxCtx[model] = max(led.maxCtx[model], in)
	led.tokens += resp.Usage.Total()
	cost := 0.0
	if rt.opts.Cost != nil {
		c, priced := rt.opts.Cost(model, resp.Usage)
		cost = c
		if !priced && resp.Usage.Total() > 0 {
			led.unpriced = true
		}
	}
	led.cost += cost
	rt.event(trace.ModelCall(t.handle, t.n, t.seq, rt.opts.Provider.Name(), model, string(transport), resp.Attempts,
		latency.Milliseconds(), resp.Usage, cost, resp.StopReason, resp.RequestID))
	rt.event(trace.ModelCompletion(t.handle, t.n, t.seq, resp.Suffix))
	if t.kind == provider.KindLeaf && rt.opts.Trace != nil {
		_, err := rt.opts.Trace.WriteLeaf(t.seq, prompt, resp.Suffix)
		rt.noteTrace(err)
	}
	if rt.opts.Log != nil {
		fmt.Fprintf(rt.opts.Log, "--- %s/%d completion ---\n%s\n", t.handle, t.n, resp.Suffix)
	}
	if rt.opts.Record != nil {
		if err := rt.opts.Record(t.handle, t.n, prompt, resp.Suffix); err != nil {
			return eval.FatalError("record: " + err.Error())
		}
	}
	return rt.overSpend(t, true)
}

// overSpend checks the budget and the token budget (runtime.md §7): before
// a call, reaching a limit refuses the call; after it, the call that
// crosses a limit ends the run. t is the turn the limit event names.
func (rt *Runtime) overSpend(t *turn, after bool) error {
	lim, led := rt.opts.Limits, &rt.ledger
	over := func(spent, limit float64) bool {
		if after {
			return spent > limit
		}
		return spent >= limit
	}
	if lim.Budget > 0 && over(led.cost, lim.Budget) {
		return rt.limit(t, "budget", fmt.Sprintf("Budget exceeded: $%.4f spent (limit $%.2f)", led.cost, lim.Budget))
	}
	if lim.MaxTotalTokens > 0 && over(float64(led.tokens), float64(lim.MaxTotalTokens)) {
		return rt.limit(t, "tokens", fmt.Sprintf("Token budget exceeded: %d tokens (limit %d)", led.tokens, lim.MaxTotalTokens))
	}
	return nil
}

// limit logs a limit reached while turn t ran and returns its error.
func (rt *Runtime) limit(t *turn, which, msg string) error {
	rt.event(trace.Limit(t.handle, t.seq, which, msg))
	return eval.LimitError(msg)
}

func (rt *Runtime) ctxErr(ctx context.Context, t *turn) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && rt.opts.Limits.Timeout > 0 {
		return rt.limit(t, "timeout", fmt.Sprintf("Run timed out after %s", rt.opts.Limits.Timeout))
	}
	return eval.Cancelled()
}

// SortedKeys returns the keys of a count map in order (stats lines).
func SortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
