package spe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
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
	Recover         bool
	ContextMaxChars int
	Seed            int64
	// Namespaces are the granted effect namespaces by name (io, web, …),
	// built by the caller with Runtime.Hook as their effect hook.
	Namespaces map[string]*value.Map
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

// Runtime runs Spell programs whose turns call a model.
type Runtime struct {
	opts      Options
	calls     map[string]int
	total     int
	turnSeq   int
	depthMax  int
	effects   map[string]int
	effectN   int // every effect invocation (model calls included), for the fix-up rule
	consec    map[string]int
	consMax   int
	usage     map[string]provider.Usage
	mcalls    map[string]int
	maxCtx    map[string]int64
	tokens    int64
	cost      float64
	unpriced  bool
	prev      map[string]string // previous prefix per handle (cache splitting)
	effectK   int               // effects of the current turn
	curHandle string
	// fileBindings are {:file …} profile bindings: names bound to text in
	// the effect table.
	fileBindings []fileBinding
	curDepth     int
	started      time.Time
	hooks        map[*value.Symbol]value.Value
	// traceErr is the first failed trace write: the run stops before its
	// next effect or model call, which the trace could not record.
	traceErr error
}

// New makes a runtime.
func New(opts Options) *Runtime {
	if opts.Limits.MaxConsecutiveErrors <= 0 {
		opts.Limits.MaxConsecutiveErrors = 3
	}
	if opts.ContextMaxChars <= 0 {
		opts.ContextMaxChars = eval.DefaultContextMaxChars
	}
	return &Runtime{
		opts:    opts,
		calls:   map[string]int{},
		effects: map[string]int{},
		consec:  map[string]int{},
		usage:   map[string]provider.Usage{},
		mcalls:  map[string]int{},
		maxCtx:  map[string]int64{},
		prev:    map[string]string{},
		started: time.Now(),
	}
}

// Stats returns the run's counters so far.
func (rt *Runtime) Stats() Stats {
	s := Stats{Calls: map[string]int{}, Effects: map[string]int{}, Usage: map[string]provider.Usage{}, MaxDepth: rt.depthMax,
		ConsecutiveMax: rt.consMax, Cost: rt.cost, Unpriced: rt.unpriced}
	for k, v := range rt.calls {
		s.Calls[k] = v
	}
	for k, v := range rt.effects {
		if v > 0 {
			s.Effects[k] = v
		}
	}
	s.ModelCalls, s.MaxContext = map[string]int{}, map[string]int64{}
	for k, v := range rt.usage {
		s.Usage[k] = v
		s.ModelCalls[k] = rt.mcalls[k]
		s.MaxContext[k] = rt.maxCtx[k]
	}
	for _, v := range rt.consec {
		s.ConsecutiveFinal = max(s.ConsecutiveFinal, v)
	}
	return s
}

// Hook is the effect hook to give effect namespaces.
func (rt *Runtime) Hook(name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
	if err := rt.traceFailure(); err != nil {
		return nil, err
	}
	rt.effects[name]++
	rt.effectN++
	rt.effectK++
	k := rt.effectK
	start := time.Now()
	sargs := make([]string, len(args))
	for i, a := range args {
		sargs[i] = capText(value.PrStr(a), 4096)
	}
	v, err, replayed := rt.replayEffect(rt.turnSeq, k, name, args)
	if replayed {
		rt.effects[name]-- // stats count effects executed, not replayed ones
		return v, err
	}
	rt.goLive()
	rt.event(trace.EffectBegin(rt.curHandle, rt.turnSeq, k, name, sargs))
	if err := rt.traceFailure(); err != nil {
		// Never run an effect the trace does not know began.
		return nil, err
	}
	if rt.opts.Resume.takeTorn() {
		// The log ended in a torn line that may have been this effect's
		// beginning: it may have run, so it is not run again.
		rt.effects[name]--
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
				file, werr = w.WriteEffect(rt.turnSeq, k, result)
				rt.noteTrace(werr)
			}
			result = capText(result, trace.EffectInlineMax)
		}
	}
	rt.event(trace.EffectEnd(rt.curHandle, rt.turnSeq, k, name, result, file, time.Since(start).Milliseconds()))
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

// event logs one event. While a resumed run replays its log nothing is
// logged: the log already holds those events (runtime.md §14.3).
func (rt *Runtime) event(ev string, fields map[string]any) {
	if rt.opts.Trace != nil && !rt.opts.Resume.replaying() {
		rt.noteTrace(rt.opts.Trace.Event(ev, fields))
	}
}

// noteTrace keeps the first failed trace write.
func (rt *Runtime) noteTrace(err error) {
	if err != nil && rt.traceErr == nil {
		rt.traceErr = err
	}
}

// traceFailure is the run's terminal error once a trace write failed.
func (rt *Runtime) traceFailure() error {
	if rt.traceErr == nil {
		return nil
	}
	return eval.FatalError(fmt.Sprintf("%v (the run stops: the trace cannot record what it would do next)", rt.traceErr))
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
	if rt.opts.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rt.opts.Limits.Timeout)
		defer cancel()
	}
	rr, err := eval.ReadProgram(name, text)
	if err != nil {
		return nil, err
	}
	v, err := rt.runProgram(ctx, "main", 0, rr.Form, rr.Spans, true, false)
	if err != nil {
		return nil, rt.finalErr(ctx, err)
	}
	for {
		c, ok := v.(*continuation)
		if !ok {
			if err := rt.traceFailure(); err != nil {
				return nil, err
			}
			return v, nil
		}
		if v, err = rt.turn(ctx, "main", 0, c); err != nil {
			return nil, rt.finalErr(ctx, err)
		}
	}
}

// finalErr turns a deadline into the run-timeout message.
func (rt *Runtime) finalErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && rt.opts.Limits.Timeout > 0 {
		return eval.FatalError(fmt.Sprintf("Run timed out after %s", rt.opts.Limits.Timeout))
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
}

func (*continuation) HostName() string { return "continuation" }

// chain runs a turn and every tail continuation after it.
func (rt *Runtime) chain(ctx context.Context, handle string, depth int, c *continuation) (value.Value, error) {
	for {
		v, err := rt.turn(ctx, handle, depth, c)
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
func (rt *Runtime) turn(ctx context.Context, handle string, depth int, c *continuation) (value.Value, error) {
	text, err := rt.callModel(ctx, handle, depth, c.prefix, c.kind)
	if err != nil {
		return nil, err
	}
	turn := rt.turnSeq
	name := fmt.Sprintf("<turn %d>", turn)
	if rt.opts.Trace != nil {
		file, err := rt.opts.Trace.WriteProgram(turn, text)
		rt.noteTrace(err)
		if err == nil {
			name = file
		}
	}
	rr, rerr := eval.ReadProgram(name, []byte(text))
	if rr != nil && rr.Completion != nil {
		var repairs []trace.Repair
		for _, r := range rr.Completion.Repairs {
			repairs = append(repairs, trace.Repair{Kind: r.Kind.String(), Pos: r.Off})
		}
		rt.event(trace.Program(handle, rt.calls[handle], turn, name, repairs, nil))
	}
	if rerr != nil {
		return rt.readerFailure(ctx, handle, depth, rr, rerr, c.receive)
	}
	return rt.runProgram(ctx, handle, depth, rr.Form, rr.Spans, c.receive, true)
}

// attempt is one evaluation of a program.
type attempt struct {
	value    value.Value
	err      *eval.Error
	trailing bool // the failure came from the trailing expression
	effects  int  // effects run during the evaluation
}

func (rt *Runtime) evalOnce(ctx context.Context, handle string, depth int, form value.Value, spans *eval.Spans) attempt {
	in := eval.New(ctx, eval.Options{Limits: rt.opts.EvalLimits, Effects: rt.bindings(handle, depth), Seed: rt.opts.Seed})
	in.Spans = spans
	if head, _ := wrapperParts(form); head != nil {
		// The tail (eval (do …)) whose start marks a trailing failure.
		in.TrailingEval = lastOf(form.(*value.List))
	}
	before := rt.effectN
	v, _, err := in.EvalTurn(form, eval.PipelineEnv())
	a := attempt{value: v, effects: rt.effectN - before, trailing: in.TrailingStarted}
	if err != nil {
		var e *eval.Error
		if !errors.As(err, &e) {
			e = &eval.Error{Msg: err.Error()}
		}
		a.err = e
	}
	return a
}

// runProgram evaluates a program of handle at depth in a fresh
// environment, with namespace fix-up and recovery for the handle's own
// failures (own: the program was written by the model).
func (rt *Runtime) runProgram(ctx context.Context, handle string, depth int, form value.Value, spans *eval.Spans, receive, own bool) (value.Value, error) {
	a := rt.evalOnce(ctx, handle, depth, form, spans)
	if a.err == nil {
		if own {
			rt.consec[handle] = 0
		}
		rt.endTurn(handle, a.value, nil, "none")
		return a.value, nil
	}
	if a.err.Fatal || !own {
		rt.endTurn(handle, nil, a.err, "none")
		return nil, a.err
	}
	if rt.opts.Recover && a.effects == 0 {
		if fixed, ok := rt.namespaceFixup(form, a.err); ok {
			b := rt.evalOnce(ctx, handle, depth, fixed, nil)
			if b.err == nil {
				// A fix-up neither counts towards nor resets the
				// consecutive-error streak (runtime.md §5.2).
				rt.endTurn(handle, b.value, nil, "namespace-fixup")
				return b.value, nil
			}
			form, a = fixed, b
			if a.err.Fatal {
				rt.endTurn(handle, nil, a.err, "none")
				return nil, a.err
			}
		}
	}
	if err := rt.countFailure(handle, "eval error"); err != nil {
		rt.endTurn(handle, nil, err, "none")
		return nil, err
	}
	if !rt.opts.Recover {
		rt.endTurn(handle, nil, a.err, "none")
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
	rt.endTurn(handle, nil, a.err, kind)
	b := rt.evalOnce(ctx, handle, depth, prog, nil)
	if b.err != nil {
		return nil, b.err
	}
	return b.value, nil
}

// readerFailure handles a completion that cannot be read (§5.5).
func (rt *Runtime) readerFailure(ctx context.Context, handle string, depth int, rr *eval.ReadResult, rerr error, receive bool) (value.Value, error) {
	var e *eval.Error
	if !errors.As(rerr, &e) {
		e = &eval.Error{Msg: rerr.Error()}
	}
	if err := rt.countFailure(handle, "reader error"); err != nil {
		rt.endTurn(handle, nil, err, "none")
		return nil, err
	}
	if !rt.opts.Recover {
		rt.endTurn(handle, nil, e, "none")
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
	rt.endTurn(handle, nil, e, "reader")
	b := rt.evalOnce(ctx, handle, depth, prog, nil)
	if b.err != nil {
		return nil, b.err
	}
	return b.value, nil
}

// countFailure counts an own failure; at the limit it is terminal.
func (rt *Runtime) countFailure(handle, what string) error {
	rt.consec[handle]++
	rt.consMax = max(rt.consMax, rt.consec[handle])
	if n := rt.consec[handle]; n >= rt.opts.Limits.MaxConsecutiveErrors {
		return eval.FatalError(fmt.Sprintf("Consecutive error limit reached: %d while handling %s", n, what))
	}
	return nil
}

func (rt *Runtime) endTurn(handle string, v value.Value, err error, recovery string) {
	n, turn, depth := rt.calls[handle], rt.turnSeq, rt.curDepth
	if err != nil {
		rt.event(trace.EvalError(handle, n, turn, depth, err.Error(), recovery, rt.consec[handle]))
	} else {
		s := "<continues>"
		if _, ok := v.(*continuation); !ok {
			s = capText(value.PrStr(v), trace.ValueMax)
		}
		rt.event(trace.EvalValue(handle, n, turn, depth, s, recovery, rt.consec[handle]))
	}
	if rt.opts.Trace != nil && !rt.opts.Resume.replaying() {
		rt.noteTrace(rt.opts.Trace.Sync())
	}
}

// bindings are the effect builtins of one turn of handle at depth.
func (rt *Runtime) bindings(handle string, depth int) effectTable {
	m := map[*value.Symbol]value.Value{
		value.Sym("!llm-self"):  &eval.Builtin{Name: "!llm-self", Min: 1, Max: 2, Fn: rt.llmSelf(handle, depth)},
		value.Sym("leaf-llm"):   &eval.Builtin{Name: "leaf-llm", Min: 1, Max: 1, Fn: rt.leafLLM(handle, depth)},
		value.Sym("receive"):    eval.NewFn("receive", notYet("receive", "needs the agents coordinator")),
		value.Sym("!ask-await"): eval.NewFn("!ask-await", notYet("!ask-await", "needs the agents coordinator")),
	}
	for name, ns := range rt.opts.Namespaces {
		m[value.Sym(name)] = ns
	}
	for _, fb := range rt.fileBindings {
		m[value.Sym(fb.name)] = fb.text
	}
	return effectTable(m)
}

func notYet(name, why string) eval.BuiltinFunc {
	return func(*eval.Call, []value.Value) (value.Value, error) {
		return nil, eval.Errorf("%s is not available in this runtime: it %s", name, why)
	}
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

// normalise turns a prompt value into a prefix (runtime.md §3.2).
func normalise(v value.Value) (string, error) {
	switch x := v.(type) {
	case *value.List:
		if x.Count() > 0 && x.First() == value.Value(value.Sym("quine")) {
			return value.PrefixOpen(x)
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

// llmSelf is the !llm-self builtin of a turn.
func (rt *Runtime) llmSelf(handle string, depth int) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		receive, err := parseOptions(args)
		if err != nil {
			return nil, err
		}
		prefix, err := normalise(args[0])
		if err != nil {
			return nil, err
		}
		cont := &continuation{prefix: prefix, receive: receive, kind: provider.KindSelf}
		if c.TurnTail {
			return cont, nil
		}
		d := depth + 1
		if rt.opts.Limits.MaxDepth > 0 && d > rt.opts.Limits.MaxDepth {
			return nil, eval.FatalError(fmt.Sprintf("LLM recursion limit exceeded: depth %d", d))
		}
		rt.depthMax = max(rt.depthMax, d)
		v, err := rt.chain(ctxOf(c), handle, d, cont)
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
			return nil, eval.FatalError(err.Error())
		}
		return v, nil
	}
}

// leafLLM is the leaf-llm builtin: one plain-text call, no parsing.
func (rt *Runtime) leafLLM(handle string, depth int) eval.BuiltinFunc {
	return func(c *eval.Call, args []value.Value) (value.Value, error) {
		prompt := value.Str(args[0])
		resp, err := rt.complete(ctxOf(c), handle, depth, prompt, provider.KindLeaf, provider.Text, rt.opts.LeafSystem)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// ctxOf returns the evaluation's context.
func ctxOf(c *eval.Call) context.Context { return c.In.Context() }

// callModel performs one self/recovery model call and returns the program
// text prefix + post-processed suffix.
func (rt *Runtime) callModel(ctx context.Context, handle string, depth int, prefix string, kind provider.Kind) (string, error) {
	suffix, err := rt.complete(ctx, handle, depth, prefix, kind, rt.opts.Transport, rt.opts.System)
	if err != nil {
		return "", err
	}
	return prefix + provider.PostProcess(rt.opts.Transport, prefix, suffix), nil
}

const noModel = "No model configured. Pass --model PROVIDER:MODEL, set SPELL_MODEL, set ANTHROPIC_API_KEY or OPENAI_API_KEY, or replay a transcript with --model replay:FILE."

// complete checks limits, calls the provider and accounts for the call.
func (rt *Runtime) complete(ctx context.Context, handle string, depth int, prompt string, kind provider.Kind, transport provider.Transport, system string) (string, error) {
	lim := rt.opts.Limits
	if err := ctx.Err(); err != nil {
		return "", rt.ctxErr(ctx)
	}
	if rt.opts.Provider == nil {
		return "", eval.FatalError(noModel)
	}
	if lim.MaxTurns > 0 && rt.total >= lim.MaxTurns {
		return "", rt.limit("turns", fmt.Sprintf("Turn limit exceeded: %d model calls", lim.MaxTurns))
	}
	if err := rt.overSpend(false); err != nil {
		return "", err
	}
	if err := rt.traceFailure(); err != nil {
		return "", err
	}
	rt.total++
	rt.calls[handle]++
	parent := rt.turnSeq
	rt.turnSeq++
	rt.effectN++
	rt.effectK = 0
	rt.curHandle, rt.curDepth = handle, depth
	n := rt.calls[handle]
	promptFile := trace.ProgramFile(rt.turnSeq)
	if kind == provider.KindLeaf {
		promptFile = trace.LeafFile(rt.turnSeq)
	}
	suffix, recorded := rt.opts.Resume.completion(handle, n)
	if r := rt.opts.Resume; r != nil && !recorded && !r.live {
		// The first live call: the torn line, if any, was not an effect.
		r.clearTorn()
		rt.goLive()
	}
	if r := rt.opts.Resume; r == nil || !r.started[rt.turnSeq] {
		// (A resumed run's log may hold the turn.start of its first live turn.)
		rt.event(trace.TurnStart(handle, n, rt.turnSeq, depth, string(kind), trace.PromptSHA256(prompt), promptFile, parent))
	}
	req := &provider.Request{Handle: handle, CallNumber: n, Kind: kind, System: system, Prefix: prompt, Transport: transport,
		Model: rt.opts.Model, MaxTokens: rt.opts.MaxTokens, Thinking: rt.opts.Thinking, ReasoningEffort: rt.opts.ReasoningEffort,
		PreviousPrefix: rt.prev[handle]}
	if rt.opts.Log != nil {
		fmt.Fprintf(rt.opts.Log, "--- %s/%d prompt (%s) ---\n%s\n", handle, n, kind, prompt)
	}
	start := time.Now()
	var resp *provider.Response
	var err error
	if recorded {
		resp = &provider.Response{Suffix: suffix}
		if m, ok := rt.opts.Provider.(interface{ MarkUsed(string, int) }); ok {
			m.MarkUsed(handle, n)
		}
	} else {
		if rt.opts.Progress != nil {
			rt.opts.Progress(true, ProgressInfo{Turn: rt.turnSeq, Depth: depth, Tokens: rt.tokens, Cost: rt.cost})
		}
		resp, err = rt.opts.Provider.Complete(ctx, req)
		if rt.opts.Progress != nil {
			rt.opts.Progress(false, ProgressInfo{Turn: rt.turnSeq, Depth: depth, Tokens: rt.tokens, Cost: rt.cost})
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", rt.ctxErr(ctx)
		}
		rt.event(trace.EvModelCall, map[string]any{trace.KeyHandle: handle, trace.KeyN: n, trace.KeyTurn: rt.turnSeq, trace.KeyProvider: rt.opts.Provider.Name(), trace.KeyError: err.Error()})
		return "", eval.FatalError(err.Error())
	}
	if kind != provider.KindLeaf {
		rt.prev[handle] = prompt
	}
	model := resp.EffectiveModel
	if model == "" {
		model = rt.opts.Model
	}
	rt.usage[model] = rt.usage[model].Add(resp.Usage)
	rt.mcalls[model]++
	in := resp.Usage.UncachedInput + resp.Usage.CachedInput + resp.Usage.CacheWriteInput
	rt.maxCtx[model] = max(rt.maxCtx[model], in)
	rt.tokens += resp.Usage.Total()
	cost := 0.0
	if rt.opts.Cost != nil {
		c, priced := rt.opts.Cost(model, resp.Usage)
		cost = c
		if !priced && resp.Usage.Total() > 0 {
			rt.unpriced = true
		}
	}
	rt.cost += cost
	rt.event(trace.ModelCall(handle, n, rt.turnSeq, rt.opts.Provider.Name(), model, string(transport), resp.Attempts,
		time.Since(start).Milliseconds(), resp.Usage, cost, resp.StopReason, resp.RequestID))
	rt.event(trace.ModelCompletion(handle, n, rt.turnSeq, resp.Suffix))
	if kind == provider.KindLeaf && rt.opts.Trace != nil {
		_, err := rt.opts.Trace.WriteLeaf(rt.turnSeq, prompt, resp.Suffix)
		rt.noteTrace(err)
	}
	if rt.opts.Log != nil {
		fmt.Fprintf(rt.opts.Log, "--- %s/%d completion ---\n%s\n", handle, n, resp.Suffix)
	}
	if rt.opts.Record != nil {
		if err := rt.opts.Record(handle, n, prompt, resp.Suffix); err != nil {
			return "", eval.FatalError("record: " + err.Error())
		}
	}
	if err := rt.overSpend(true); err != nil {
		return "", err
	}
	return resp.Suffix, nil
}

// overSpend checks the budget and the token budget (runtime.md §7): before
// a call, reaching a limit refuses the call; after it, the call that
// crosses a limit ends the run.
func (rt *Runtime) overSpend(after bool) error {
	lim := rt.opts.Limits
	over := func(spent, limit float64) bool {
		if after {
			return spent > limit
		}
		return spent >= limit
	}
	if lim.Budget > 0 && over(rt.cost, lim.Budget) {
		return rt.limit("budget", fmt.Sprintf("Budget exceeded: $%.4f spent (limit $%.2f)", rt.cost, lim.Budget))
	}
	if lim.MaxTotalTokens > 0 && over(float64(rt.tokens), float64(lim.MaxTotalTokens)) {
		return rt.limit("tokens", fmt.Sprintf("Token budget exceeded: %d tokens (limit %d)", rt.tokens, lim.MaxTotalTokens))
	}
	return nil
}

func (rt *Runtime) limit(which, msg string) error {
	rt.event(trace.Limit(rt.curHandle, rt.turnSeq, which, msg))
	return eval.FatalError(msg)
}

func (rt *Runtime) ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && rt.opts.Limits.Timeout > 0 {
		return rt.limit("timeout", fmt.Sprintf("Run timed out after %s", rt.opts.Limits.Timeout))
	}
	return eval.FatalError("Cancelled")
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
