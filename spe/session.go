package spe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	spellio "github.com/spell-go/spell/spe/io"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/secret"
	"github.com/spell-go/spell/spe/trace"
	"github.com/spell-go/spell/spe/transcript"
)

// Config is everything `spell run` decides before a run starts.
type Config struct {
	Task        string // natural-language task (-p); "" when running a program
	ProgramName string // program file name for messages
	Program     []byte // program text when not a task

	Model string // --model ("" = SPELL_MODEL, then keys in the environment)
	Test  bool   // -t: the static test provider
	// Providers builds the provider a model profile names; the command
	// wires it (builtin.Registry), so spe itself links no model SDK.
	Providers provider.Registry
	Agent     string // -a ("" = the model profile's default, else cli)
	BaseURL   string
	Transport string // tc | pf | msg ("" = by provider and policy)

	Limits          Limits
	LimitsSet       map[string]bool // flags given explicitly (precedence over profiles)
	MaxTokens       int
	Thinking        int
	ReasoningEffort string
	Verbosity       string
	ResponsesAPI    bool
	EvalLimits      eval.Limits
	NoRecover       bool
	ContextMaxChars int
	Seed            int64
	MaxEdges        int // --max-edges: pending coordinator edges (0 = 10,000)

	Root     string // workspace root (--root; default the working directory)
	TraceDir string // --trace-dir
	NoTrace  bool
	Record   string // --record FILE
	Resume   string // --resume RUN: a run directory, a run id, or latest
	// Needs, when NeedsOf returned it for a Config with the same Model,
	// Test, Agent and Cwd (no Resume, no Getenv), is taken over by Open
	// instead of resolving the model and agent profile again (issue 11,
	// start-up: the same files looked up twice).
	Needs    *Needs
	Strict   bool // replay prompts must match; every entry used
	Verbose  io.Writer
	Progress func(pending bool, p ProgressInfo)
	// Acting is called before each effect and model call (Options.Acting).
	Acting func()
	// Stepper paces live actions (Options.Stepper; spell-temporal).
	Stepper Stepper
	// Started: when the run began (Options.Started; spell-temporal).
	Started time.Time

	// AllowPrivateNet lets web/ reach loopback and private addresses
	// (--allow-private-net; the profile's :sandbox :allow-private-net too).
	AllowPrivateNet bool
	// AgentsMD prepends the working directory's AGENTS.md to the task
	// (--agents-md, runtime.md §2).
	AgentsMD bool

	Version string
	Argv    []string
	Cwd     string
	Getenv  func(string) string // nil: secret.Getenv
	Environ []string            // nil: secret.Environ()
	Stdin   io.Reader
	Stderr  io.Writer
}

// ConfigError is a problem found before the run starts (exit code 2).
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

func configErr(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// Session is a configured run.
type Session struct {
	RT            *Runtime
	dirs          profile.Dirs
	look          profile.Dirs                  // dirs that exist (at Open)
	compose       func(*profile.Profile) string // system prompt of a worker's profile
	cfg           Config
	trace         *lazyTrace
	finisher      provider.Finisher // checked after a successful run (strict replay)
	recorder      *transcript.Recorder
	redact        *trace.Redactor // the one redaction of traces, transcripts and provider errors
	format        *profile.Format // :format: the task's return contract (nil = none)
	formatRetries int             // :format-retries: attempts in all
	started       time.Time
	temp          *spellio.Temp  // the run's temp directory, shared by its io namespaces
	procs         *spellio.Procs // background processes of io commands, killed at Close
	mcp           mcpRegistries  // MCP connections of the agent and its workers, closed at Close
	// Model is the resolved model spec ("" when none is configured).
	Model string
	// Warnings collects non-fatal notes (unpriced model, replay warnings).
	Warnings []string
}

// TraceDir returns the run directory, or "" when no trace was written.
func (s *Session) TraceDir() string {
	if s.trace == nil || s.trace.w == nil {
		return ""
	}
	return s.trace.w.Dir()
}

// lazyTrace creates the run directory on the first event after run.start,
// so a program that never calls a model or an effect leaves no trace
// behind (and `spell run -e` stays instant).
type lazyTrace struct {
	dir     string
	resume  bool // append to the log of the resumed run
	redact  *trace.Redactor
	w       *trace.Writer
	pending [][2]any
	err     error
}

func (l *lazyTrace) open() *trace.Writer {
	if l.w != nil || l.err != nil {
		return l.w
	}
	if l.resume {
		l.w, l.err = trace.Append(l.dir, l.redact)
	} else {
		l.w, l.err = trace.Create(l.dir, l.redact)
	}
	if l.err != nil {
		return nil
	}
	for _, p := range l.pending {
		if err := l.w.Event(p[0].(string), p[1].(map[string]any)); err != nil {
			l.err = err
			break
		}
	}
	l.pending = nil
	return l.w
}

func (l *lazyTrace) Event(ev string, fields map[string]any) error {
	if l.w == nil && ev != trace.EvTurnStart && ev != trace.EvEffectBegin {
		// Only a model call or an effect makes a run worth a directory;
		// until then events wait here.
		l.pending = append(l.pending, [2]any{ev, fields})
		return nil
	}
	if w := l.open(); w != nil && l.err == nil {
		return w.Event(ev, fields)
	}
	return l.err
}

func (l *lazyTrace) WriteProgram(turn int, text string) (string, error) {
	if w := l.open(); w != nil {
		return w.WriteProgram(turn, text)
	}
	return "", l.err
}

func (l *lazyTrace) WriteProgramAfter(turn int, text, base string, known int) (string, error) {
	if w := l.open(); w != nil {
		return w.WriteProgramAfter(turn, text, base, known)
	}
	return "", l.err
}

func (l *lazyTrace) WriteLeaf(turn int, prompt, response string) (string, error) {
	if w := l.open(); w != nil {
		return w.WriteLeaf(turn, prompt, response)
	}
	return "", l.err
}

func (l *lazyTrace) WriteEffect(turn, k int, text string) (string, error) {
	if w := l.open(); w != nil {
		return w.WriteEffect(turn, k, text)
	}
	return "", l.err
}

func (l *lazyTrace) Sync() error {
	if l.w != nil {
		return l.w.Sync()
	}
	return nil
}

// Open configures a run: model, profile, system prompt, effect namespaces,
// trace and transcript. Errors are *ConfigError. Each stage decides one
// thing, in this order (a later stage reads what the earlier decided).
func Open(cfg Config) (*Session, error) {
	o := &opening{cfg: withDefaults(cfg)}
	resumeRun, resolveModel, loadAgent := o.resumeRun, o.resolveModel, o.loadAgent
	if r := cfg.Needs.reusable(cfg, o.cfg); r != nil {
		resumeRun = func() error { r.adoptDirs(o); return nil }
		resolveModel = func() error { r.adoptModel(o); return nil }
		loadAgent = func() error { o.prof = r.prof; return nil }
	}
	for _, stage := range []func() error{
		resumeRun,         // --resume: the recorded run's options
		o.agentsMD,        // --agents-md: AGENTS.md prepended to the task
		resolveModel,      // model spec and model profile
		loadAgent,         // agent profile
		o.discoverSkills,  // skills (effects.md §9)
		o.chooseTransport, // transport, thinking, system prompts
		o.applyLimits,     // limits and per-call settings
		o.resolveRoot,     // workspace root
	} {
		if err := stage(); err != nil {
			return nil, err
		}
	}
	s := &Session{cfg: o.cfg, started: time.Now(), Model: o.model, procs: spellio.NewProcs(),
		redact: trace.NewRedactor(o.cfg.Environ)}
	var prov provider.Provider
	if o.spec != "" {
		var err error
		if prov, err = s.newProvider(o.mspec, o.mprof, o.transport, o.maxTokens, o.thinking, o.effort, o.cfg); err != nil {
			return nil, err
		}
	}
	if err := s.openTrace(o); err != nil {
		return nil, err
	}
	if err := s.openTranscript(); err != nil {
		return nil, err
	}
	if err := s.buildRuntime(o, prov); err != nil {
		return nil, err
	}
	return s, nil
}

// opening is what Open has decided so far.
type opening struct {
	cfg  Config
	dirs profile.Dirs
	// look is dirs without the directories that do not exist: the
	// opening looks its files up there (issue 11, start-up).
	look   profile.Dirs
	resume *Resume

	aliases *provider.Aliases
	spec    string // the model spec asked for ("" when none)
	mspec   provider.Spec
	mprof   provider.ModelProfile
	model   string // the resolved spec, for messages and the trace

	prof      *profile.Profile
	compose   func(*profile.Profile) string // the system prompt of a worker's profile
	transport provider.Transport
	thinking  int
	system    string

	lim       Limits
	cmc       int // context-max-chars
	maxTokens int
	effort    string

	root string
	ext  extensions
}

// withDefaults fills the process-wide defaults of a Config.
func withDefaults(cfg Config) Config {
	if cfg.Getenv == nil {
		cfg.Getenv = secret.Getenv
	}
	if cfg.Environ == nil {
		cfg.Environ = secret.Environ()
	}
	if cfg.Cwd == "" {
		cfg.Cwd, _ = os.Getwd()
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	return cfg
}

// resumeRun loads the run given to --resume and takes its task or
// program, model, agent, root, seed and trace directory (runtime.md §14.3).
func (o *opening) resumeRun() error {
	cfg := &o.cfg
	defer func() {
		o.dirs = profile.ConfigDirs(cfg.Cwd)
		o.look = o.dirs.Existing()
	}()
	if cfg.Resume == "" {
		return nil
	}
	r, err := LoadResume(cfg.Resume, trace.RunsDir(cfg.Getenv))
	if err != nil {
		return configErr("--resume: %v", err)
	}
	o.resume = r
	if r.Redacted {
		warnf(cfg.Stderr, "--resume: the recorded run contains %s (a secret removed from the trace): the resumed run may not behave as the original (runtime.md §14.2)", trace.Redacted)
	}
	if n := r.TornLine(); n > 0 {
		warnf(cfg.Stderr, "--resume: %s:%d was cut short (a crash or a full disk): the first effect not in the log may have run already; it is not run again and returns the outcome-unknown result", trace.EventsFile, n)
	}
	str := func(k string) string { v, _ := r.Start[k].(string); return v }
	name := cfg.ProgramName // the program's name, when the caller knows it (a Temporal step)
	if name == "" {
		name = "<resumed program>"
	}
	cfg.Task, cfg.Program, cfg.ProgramName = str(trace.KeyTask), []byte(str(trace.KeyProgram)), name
	if cfg.Model == "" {
		cfg.Model = str(trace.KeyModel)
	}
	if cfg.Agent == "" {
		cfg.Agent = str(trace.KeyAgent)
	}
	if cfg.Root == "" {
		cfg.Root = str(trace.KeyRoot)
	}
	cfg.Seed = int64(intField(r.Start, trace.KeySeed))
	cfg.TraceDir, cfg.NoTrace = r.Dir, false
	return nil
}

// resolveModel resolves the model spec and loads its model profile
// (runtime.md §15.3): a model is required up front for tasks only.
func (o *opening) resolveModel() error {
	cfg := &o.cfg
	o.spec = cfg.Model
	if cfg.Test {
		o.spec = "test"
	}
	// The alias table serves only a model spec; without alias files it is
	// the embedded one and loading cannot fail, so a run that names no
	// model does not build it (start-up). With alias files it is loaded
	// first, as their errors come first.
	var err error
	if provider.ConfigPresent(o.look.User, o.look.Project, "aliases.edn") {
		if err := o.loadAliases(); err != nil {
			return err
		}
	}
	if o.spec == "" && cfg.Getenv("SPELL_MODEL") == "" {
		if o.spec, err = o.profileModel(); err != nil {
			return err
		}
	}
	if o.spec == "" {
		o.spec, err = provider.DefaultModel("", cfg.Getenv)
		if err != nil && cfg.Task != "" {
			return configErr("%v", err)
		}
	}
	if o.spec == "" {
		return nil
	}
	if err := o.loadAliases(); err != nil {
		return err
	}
	if o.mspec, err = provider.ResolveSpec(o.spec, o.aliases); err != nil {
		return configErr("%v", err)
	}
	if o.mprof, err = provider.LoadModelProfile(o.mspec.ProfileName(), o.dirs.User, o.dirs.Project); err != nil {
		return configErr("%v", err)
	}
	if o.mspec.Model == "" {
		o.mspec = o.mspec.WithDefaultModel(o.mprof.DefaultModel, o.aliases)
	}
	o.model = o.mspec.String()
	return nil
}

// loadAliases loads the alias tables once.
func (o *opening) loadAliases() error {
	if o.aliases != nil {
		return nil
	}
	a, err := provider.LoadAliases(o.dirs.User, o.dirs.Project)
	if err != nil {
		return configErr("%v", err)
	}
	o.aliases = a
	return nil
}

// profileModel is the model an explicitly named agent profile pins
// (§10.2, §15.3): its :model, else its :default-model-profile with that
// profile's default model; "" when -a is not given or pins nothing. It
// ranks below --model and SPELL_MODEL and above the keys in the
// environment. The profile is loaded again (with the chosen model
// profile's settings) by loadAgent.
func (o *opening) profileModel() (string, error) {
	if o.cfg.Agent == "" {
		return "", nil
	}
	prof, err := o.loadProfile(o.cfg.Agent)
	if err != nil {
		return "", configErr("%v", err)
	}
	switch {
	case prof.Model != "":
		return prof.Model, nil
	case prof.DefaultModelProfile != "":
		return prof.DefaultModelProfile + ":", nil
	}
	return "", nil
}

// loadAgent loads the agent profile: -a, else the model profile's default.
func (o *opening) loadAgent() error {
	agent := o.cfg.Agent
	if agent == "" {
		agent = o.mprof.DefaultAgentProfile
	}
	prof, err := o.loadProfile(agent)
	if err != nil {
		return configErr("%v", err)
	}
	o.prof = prof
	return nil
}

// loadProfile loads an agent profile from the configuration directories
// that exist (o.look); its error is the one all of them give, since a
// profile not found names every directory searched.
func (o *opening) loadProfile(name string) (*profile.Profile, error) {
	prof, err := profile.Load(name, o.cfg.Cwd, o.look.User, o.look.Project)
	if err != nil {
		return profile.Load(name, o.cfg.Cwd, o.dirs.User, o.dirs.Project)
	}
	return prof, nil
}

// chooseTransport decides the transport and thinking budget and composes
// the system prompt (its variant follows the effective transport).
func (o *opening) chooseTransport() error {
	prof := o.prof
	o.transport = provider.Transport(o.cfg.Transport)
	o.thinking = o.cfg.Thinking
	if o.thinking == 0 && prof.Thinking != nil {
		o.thinking = *prof.Thinking
	}
	var err error
	if o.spec != "" {
		prefill := prof.Prefill
		if prefill == nil {
			prefill = o.mprof.PrefillOverride
		}
		if o.transport, err = provider.ChooseTransport(o.mspec, o.aliases, o.transport, o.thinking > 0, prefill); err != nil {
			return configErr("%v", err)
		}
	} else if o.transport == "" {
		o.transport = provider.ToolCall
	}
	// The composers outlive the opening: they hold what they read, not
	// o, which then stays on Open's stack (issue 11, start-up).
	transport, ext, dirs := string(o.transport), o.ext, o.dirs
	if o.spec == "" {
		// Only a model reads the system prompt: a run without one (spell
		// run -e, a program that calls no model) does not compose it, and
		// builds the texts only if a worker's prompt is composed.
		if err := prompt.CheckOverrides(o.look.User, o.look.Project); err != nil {
			return configErr("%v", err)
		}
		texts := sync.OnceValue(func() prompt.Texts {
			t, err := prompt.LoadTexts(dirs.User, dirs.Project)
			if err != nil { // an override changed since the check
				t = prompt.Embedded()
			}
			return t
		})
		o.compose = func(p *profile.Profile) string {
			return texts().Compose(transport, p, append(prompt.DocsFor(p), ext.promptDocsFor(p)...))
		}
		return nil
	}
	texts, err := prompt.LoadTexts(dirs.User, dirs.Project)
	if err != nil {
		return configErr("%v", err)
	}
	o.system = texts.Compose(transport, prof, append(prompt.DocsFor(prof), o.promptDocs()...))
	o.compose = func(p *profile.Profile) string {
		return texts.Compose(transport, p, append(prompt.DocsFor(p), ext.promptDocsFor(p)...))
	}
	return nil
}

// applyLimits decides the limits (flag > agent profile > model profile >
// default) and the per-call settings.
func (o *opening) applyLimits() error {
	cfg, prof, mprof := &o.cfg, o.prof, o.mprof
	o.lim = cfg.Limits
	set := cfg.LimitsSet
	if !set["budget"] && prof.DefaultBudget != nil {
		o.lim.Budget = *prof.DefaultBudget
	}
	if !set["max-consecutive-errors"] && prof.MaxConsecutiveErrors > 0 {
		o.lim.MaxConsecutiveErrors = prof.MaxConsecutiveErrors
	}
	if prof.SuffixGrammar != nil && *prof.SuffixGrammar {
		// Parsed, not built (runtime.md §8.5, P2): say so, not ignore it.
		warnf(cfg.Stderr, "agent profile %s: :suffix-grammar? is not supported; calls are made without a grammar", prof.Name)
	}
	o.cmc = cfg.ContextMaxChars
	if !set["context-max-chars"] && prof.ContextMaxChars > 0 {
		o.cmc = prof.ContextMaxChars
	}
	o.maxTokens = cfg.MaxTokens
	if o.maxTokens == 0 {
		o.maxTokens = mprof.MaxTokens
		if o.thinking > 0 {
			// Thinking tokens count against the output cap (runtime.md §10.1).
			o.maxTokens = max(o.maxTokens, provider.ThinkingMaxTokens)
		}
	}
	o.effort = cfg.ReasoningEffort
	if o.effort == "" {
		o.effort = prof.ReasoningEffort
	}
	if o.effort == "" {
		o.effort = mprof.DefaultReasoningEffort
	}
	if o.effort == "" && o.mspec.Model != "" {
		o.effort = o.aliases.DefaultReasoningEffort(o.mspec.Model)
	}
	return nil
}

// resolveRoot decides the workspace root: --root, the profile's sandbox
// root, else the working directory.
func (o *opening) resolveRoot() error {
	root := o.cfg.Root
	if root == "" {
		root = o.prof.Sandbox.Root
	}
	if root == "" {
		root = o.cfg.Cwd
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return configErr("--root: %v", err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return configErr("--root %s: not a directory", root)
	}
	o.root = root
	return nil
}

// openTrace prepares the run directory (runtime.md §14.1) and logs
// run.start. A task, a named --trace-dir and a resume open it now, so an
// unwritable directory is a configuration error; otherwise it is created
// at the first event that needs it.
func (s *Session) openTrace(o *opening) error {
	cfg, resume := &o.cfg, o.resume
	if cfg.NoTrace {
		return nil
	}
	dir := cfg.TraceDir
	runID := trace.NewRunID(time.Now(), nil)
	if resume == nil && dir != "" {
		if _, err := os.Stat(filepath.Join(dir, trace.EventsFile)); err == nil {
			return configErr("--trace-dir %s already holds a run: give a new directory, or continue that run with --resume %s", dir, dir)
		}
	}
	if dir == "" {
		runs := trace.RunsDir(cfg.Getenv)
		if runs == "" {
			return configErr("no place for the trace: set XDG_STATE_HOME or HOME, pass --trace-dir DIR, or --no-trace")
		}
		dir = filepath.Join(runs, runID)
	} else {
		runID = filepath.Base(dir)
	}
	w := &lazyTrace{dir: dir, resume: resume != nil, redact: s.redact}
	if cfg.Task != "" || cfg.TraceDir != "" {
		// A task always calls a model, and a directory the user named
		// is wanted: fail now if it cannot be written.
		if w.open(); w.err != nil {
			return configErr("%v", w.err)
		}
	}
	s.trace = w
	if resume != nil {
		return nil
	}
	lim := o.lim
	limits := map[string]any{"max-turns": lim.MaxTurns, "max-depth": lim.MaxDepth, "budget": lim.Budget,
		"max-total-tokens": lim.MaxTotalTokens, "timeout": lim.Timeout.String(), "max-consecutive-errors": lim.MaxConsecutiveErrors}
	program := ""
	if cfg.Task == "" {
		program = string(cfg.Program)
	}
	if err := w.Event(trace.RunStart(runID, cfg.Version, cfg.Argv, cfg.Cwd, o.root, o.model, o.prof.Name, limits, cfg.Seed, cfg.Task, program)); err != nil {
		return configErr("%v", err)
	}
	return nil
}

// openTranscript starts the --record transcript.
func (s *Session) openTranscript() error {
	cfg := &s.cfg
	if cfg.Record == "" {
		return nil
	}
	rec, err := transcript.NewRecorder(cfg.Record)
	if err != nil {
		return configErr("--record: %v", err)
	}
	rec.Redact = s.redact.Redact
	if cfg.Task != "" && rec.Comment() == "" {
		rec.SetComment("Recorded by spell run. Task: " + cfg.Task + "\n")
	}
	s.recorder = rec
	return nil
}

// buildRuntime makes the runtime with the decided options, its pricing and
// the effect namespaces the profile grants.
func (s *Session) buildRuntime(o *opening, prov provider.Provider) error {
	cfg := &o.cfg
	opts := Options{
		Provider: prov, Model: o.mspec.Model, Transport: o.transport, System: o.system, LeafSystem: prompt.LeafPrompt,
		MaxTokens: o.maxTokens, Thinking: o.thinking, ReasoningEffort: o.effort,
		Limits: o.lim, EvalLimits: cfg.EvalLimits, Recover: o.prof.Recover && !cfg.NoRecover, ContextMaxChars: o.cmc, Seed: cfg.Seed,
		Log: cfg.Verbose, Resume: o.resume, Progress: cfg.Progress, Acting: cfg.Acting, Core: o.core(), MaxEdges: cfg.MaxEdges, Stepper: cfg.Stepper, Started: cfg.Started,
	}
	if rp, ok := prov.(*replay.Provider); ok {
		// Replay schedules agents on virtual time: a .delay entry is a
		// virtual sleep of the calling agent (runtime.md §13).
		rp.Sleep = virtualSleep
		opts.Virtual = true
	}
	if o.resume != nil {
		opts.Virtual = true
	}
	if s.recorder != nil {
		opts.Record = s.recorder.Record
	}
	if s.trace != nil {
		opts.Trace = s.trace
	}
	// Only model calls are priced: without a model and without price
	// files (whose errors are reported) the table is not built.
	if o.spec != "" || provider.ConfigPresent(o.look.User, o.look.Project, "pricing.edn") {
		pricing, err := provider.LoadPricing(o.dirs.User, o.dirs.Project)
		if err != nil {
			return configErr("%v", err)
		}
		opts.Cost = pricing.WithProfile(o.mprof).Cost
	}
	s.RT = New(opts)
	s.format, s.formatRetries = o.prof.Format, o.prof.FormatRetries
	s.dirs, s.look, s.compose = o.dirs, o.look, o.compose
	std, err := s.namespaces(o.prof, o.root, s.RT)
	if err != nil {
		return err
	}
	ns := map[string]*value.Map{}
	if err := s.openMCP(o.prof, o.root, ns, true); err != nil {
		return err
	}
	s.RT.opts.Namespaces, s.RT.stdlib = ns, std
	return nil
}

// newProvider builds the provider of a resolved spec.
func (s *Session) newProvider(sp provider.Spec, mp provider.ModelProfile, tr provider.Transport, maxTokens, thinking int, effort string, cfg Config) (provider.Provider, error) {
	env := cfg.Getenv
	key := ""
	if mp.APIKeyEnv != "" {
		key = env(mp.APIKeyEnv)
	}
	// The key and header values from the environment are secrets whatever
	// their variables are called.
	s.redact.Add(key)
	gaveSecret := key != ""
	headers := map[string]string{}
	for name, h := range mp.Headers {
		if h.Env != "" {
			headers[name] = env(h.Env)
			s.redact.Add(headers[name])
			gaveSecret = gaveSecret || headers[name] != ""
		} else {
			headers[name] = h.Value
		}
	}
	base := cfg.BaseURL
	if base == "" {
		base = mp.BaseURL
	}
	secs := func(x float64, d time.Duration) time.Duration {
		if x > 0 {
			return time.Duration(x * float64(time.Second))
		}
		return d
	}
	reqT, idleT, totalT := secs(mp.RequestTimeoutSec, 600*time.Second), secs(mp.SSEIdleTimeoutSec, 100*time.Second), secs(mp.SSECompletionTimeout, 1000*time.Second)
	pol := provider.RetryPolicy{MaxAttempts: mp.Retries.MaxAttempts, Base: time.Duration(mp.Retries.BaseMS) * time.Millisecond, Max: time.Duration(mp.Retries.MaxMS) * time.Millisecond}
	factory := cfg.Providers[mp.Provider]
	if factory == nil {
		return nil, configErr("provider %q is not supported", mp.Provider)
	}
	p, err := factory(provider.Setup{Spec: sp, Profile: mp, Transport: tr, APIKey: key, Headers: headers, BaseURL: base,
		MaxTokens: maxTokens, Thinking: thinking, Effort: effort, Verbosity: cfg.Verbosity,
		ResponsesAPI:   cfg.ResponsesAPI || (mp.UseResponsesAPI != nil && *mp.UseResponsesAPI),
		RequestTimeout: reqT, SSEIdle: idleT, SSETotal: totalT, Retry: pol, Strict: cfg.Strict, Verbose: cfg.Verbose != nil,
		Getenv: env, Stdin: cfg.Stdin, Stderr: cfg.Stderr,
		Warn: func(msg string) { fmt.Fprintln(cfg.Stderr, "warning: "+msg) }})
	if err != nil {
		return nil, configErr("%v", err)
	}
	if f, ok := p.(provider.Finisher); ok {
		s.finisher = f
	}
	if gaveSecret {
		p = redactingProvider{p, s.redact}
	}
	return p, nil
}

// redactingProvider replaces secrets in a provider's errors (runtime.md
// §14.2): an error response can echo the key it was sent (a 401 does), and
// the error reaches stderr, --json and the trace.
type redactingProvider struct {
	provider.Provider
	redact *trace.Redactor
}

func (p redactingProvider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	resp, err := p.Provider.Complete(ctx, req)
	if err == nil || p.redact.Redact(err.Error()) == err.Error() {
		return resp, err
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		c := *pe
		c.Msg, c.Body = p.redact.Redact(c.Msg), p.redact.Redact(c.Body)
		return resp, &c
	}
	return resp, errors.New(p.redact.Redact(err.Error()))
}

// sandbox is the part of an agent profile's :sandbox that the io/, web/
// and MCP namespaces enforce. It is computed per profile: a worker runs
// with its own profile's keys (effects.md §11), never the top-level
// agent's, so a worker cannot gain a secret, a longer process timeout or
// private-network access its profile does not grant.
type sandbox struct {
	envAllow  []string      // :env-allow: secret variables io/env and processes may see
	shTimeout time.Duration // :sh-timeout-sec: default io/sh and io/exec timeout (0 = 30 s)
	privNet   bool          // --allow-private-net (the user's, for every agent) or :allow-private-net
}

func (s *Session) sandboxOf(prof *profile.Profile) sandbox {
	return sandbox{
		envAllow:  prof.Sandbox.EnvAllow,
		shTimeout: time.Duration(prof.Sandbox.ShTimeoutSec) * time.Second,
		privNet:   s.cfg.AllowPrivateNet || prof.Sandbox.AllowPrivateNet,
	}
}

// namespaces builds the effect namespaces the profile grants.
func (s *Session) namespaces(prof *profile.Profile, root string, rt *Runtime) (map[string]*boundNS, error) {
	out := map[string]*boundNS{}
	sb := s.sandboxOf(prof)
	names := make([]string, 0, len(prof.Namespaces))
	for name := range prof.Namespaces {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ref := prof.Namespaces[name]
		if ref.IsFile() {
			// A {:file …} binding is a string value, not a namespace map.
			rt.fileBindings = append(rt.fileBindings, fileBinding{name, ref.FileText})
			continue
		}
		// Each part is checked now (configuration errors fail the open)
		// and its map built when a program first uses the namespace.
		var parts []func() *value.Map
		for _, part := range ref.Parts() {
			build, err := s.stdlibNamespace(part, root, rt, sb)
			if err != nil {
				return nil, err
			}
			parts = append(parts, build)
		}
		out[name] = lazyNamespace(func() *value.Map {
			var m *value.Map
			for _, build := range parts {
				pm := build()
				if m == nil {
					// one part (the usual case): its map as it is (maps
					// are immutable), not a copy (issue 11, start-up)
					m = pm
					continue
				}
				pm.Range(func(k, v value.Value) bool { m = m.Assoc(k, v); return true })
			}
			if m == nil {
				m = value.EmptyMap
			}
			return m
		})
	}
	if len(prof.AvailableAgents) > 0 {
		// Built when a program first names a worker, as the others.
		out["workers"] = lazyNamespace(func() *value.Map { return s.workersNamespace(prof, root, rt) })
	}
	return out, nil
}

// boundNS is a namespace an agent binds: its map, built when a program
// first uses it (issue 11, start-up: run -e '(+ 1 2)' builds no io,
// agents or globals map), or at once.
type boundNS struct {
	once  sync.Once
	build func() *value.Map
	m     *value.Map
	// bound is what the effect table binds: m, or an eval.LazyNamespace
	// building it.
	bound value.Value
}

func lazyNamespace(build func() *value.Map) *boundNS {
	b := &boundNS{build: build}
	b.bound = eval.LazyNamespace(b.get)
	return b
}

func builtNamespace(m *value.Map) *boundNS {
	b := &boundNS{m: m, bound: m}
	b.once.Do(func() {})
	return b
}

// get returns the map, building it on the first call.
func (b *boundNS) get() *value.Map {
	b.once.Do(func() { b.m, b.build = b.build(), nil })
	return b.m
}

// builtNamespaces builds every namespace of ns.
func builtNamespaces(ns map[string]*boundNS) map[string]*value.Map {
	out := make(map[string]*value.Map, len(ns))
	for name, b := range ns {
		out[name] = b.get()
	}
	return out
}

// workersNamespace binds workers/NAME for each :available-agents entry
// (effects.md §3.10): a compiled agent with its own profile's namespaces
// and system prompt, the run's model, compiled on its first start.
func (s *Session) workersNamespace(prof *profile.Profile, root string, rt *Runtime) *value.Map {
	m := value.NewMap(value.Kw("short-docs"), nsShortDoc("workers"))
	for _, ref := range prof.AvailableAgents {
		m = m.Assoc(value.Kw(ref.Name), rt.addWorker(ref.Name, func() (*agentDef, error) {
			wp, err := profile.LoadRef(ref, s.dirs.User, s.dirs.Project)
			if err != nil {
				return nil, err
			}
			// A worker's {:file …} bindings are not granted to the run.
			keep := len(rt.fileBindings)
			std, err := s.namespaces(wp, root, rt)
			rt.fileBindings = rt.fileBindings[:keep]
			var ns map[string]*value.Map
			if err == nil {
				ns = builtNamespaces(std)
				err = s.openMCP(wp, root, ns, false)
			}
			if err != nil {
				return nil, err
			}
			system := rt.opts.System
			if s.compose != nil {
				system = s.compose(wp)
			}
			return &agentDef{name: ref.Name, system: system, namespaces: ns}, nil
		}))
	}
	return m
}

// stdlibNamespace checks the stdlib namespace part ref and returns the
// builder of its map (configuration errors are reported here, at open).
func (s *Session) stdlibNamespace(ref profile.NSRef, root string, rt *Runtime, sb sandbox) (func() *value.Map, error) {
	filtered := func(build func() *value.Map) func() *value.Map {
		return func() *value.Map { return filterItems(build(), ref.Items) }
	}
	switch ref.Stdlib {
	case "io":
		if s.temp == nil {
			// the run's temp directory, made by the first io call that
			// needs it (io/temp-file) and removed at Close
			s.temp = &spellio.Temp{}
		}
		sub := spellio.Subsets{Read: ref.Subsets.Read, Write: ref.Subsets.Write, Exec: ref.Subsets.Exec}
		build, err := spellio.Open(spellio.Config{Root: root, Subsets: sub, Hook: spellio.EffectHook(rt.Hook), Temp: s.temp, Environ: s.cfg.Environ, EnvAllow: sb.envAllow, ShTimeout: sb.shTimeout, Procs: s.procs, Send: rt.watchSend})
		if err != nil {
			return nil, configErr("io: %v", err)
		}
		return filtered(build), nil
	case "web":
		if registeredNet().Web == nil {
			return filtered(func() *value.Map { return notLinkedNamespace("web") }), nil
		}
		if open := registeredNet().WebOpen; open != nil {
			build, err := open(s.webSetup(rt, sb))
			if err != nil {
				return nil, configErr("%v", err)
			}
			return filtered(build), nil
		}
		m, err := s.webNamespace(rt, sb)
		if err != nil {
			return nil, configErr("%v", err)
		}
		m = filterItems(m, ref.Items)
		return func() *value.Map { return m }, nil
	case "agents":
		return filtered(rt.agentsNamespace), nil
	case "globals":
		return filtered(rt.globalsNamespace), nil
	}
	// Namespaces whose effects later work will build: every member exists
	// (so programs and docs see the real catalogue) and fails clearly.
	return filtered(func() *value.Map {
		m := value.NewMap(value.Kw("short-docs"), "The "+ref.Stdlib+" namespace (not available in this version of Spell-Go).")
		for e := range catalog.Members(ref.Stdlib) {
			name := e.Name
			member := strings.TrimPrefix(name, ref.Stdlib+"/")
			b := &eval.Builtin{Name: name, Min: e.MinArgs, Max: e.MaxArgs, Fn: func(*eval.Call, []value.Value) (value.Value, error) {
				return nil, eval.Errorf("%s is not available in this version of Spell-Go (the %s namespace is not built yet)", name, ref.Stdlib)
			}}
			m = m.Assoc(value.Kw(member), b)
		}
		return m
	}), nil
}

// Absent explains a member missing from the io namespace: its subset is
// not granted (eval.AbsentExplainer, effects.md §1.1).
func (t effectTable) Absent(ns, member string) (string, bool) {
	m, ok := eval.NamespaceOf(t[value.Sym(ns)])
	if ns != "io" || !ok {
		return "", false
	}
	return spellio.AbsentReason(m, member)
}

func filterItems(m *value.Map, items []string) *value.Map {
	if items == nil {
		return m
	}
	keep := map[string]bool{}
	for _, it := range items {
		keep[it] = true
	}
	out := m
	m.Range(func(k, _ value.Value) bool {
		if kw, ok := k.(*value.Keyword); ok && !keep[kw.Name] && !isDocKey(kw.Name) {
			out = out.Dissoc(k)
		}
		return true
	})
	return out
}

// Effects are the effect builtins and namespaces that the root program's
// trailing expression gets in this session: `spell repl --agent` evaluates
// its inputs with them, so the REPL has exactly the grants of `spell run -e`
// under the same profile and root.
func (s *Session) Effects() eval.Effects { return s.RT.bindings(s.RT.detached, false) }

// Core is the core namespaces this session replaces (the discovered
// skills), for `spell repl --agent`.
func (s *Session) Core() map[string]*value.Map { return s.RT.opts.Core }

// Run runs the task or program.
func (s *Session) Run(ctx context.Context) (value.Value, error) {
	if s.cfg.Task != "" && s.format != nil {
		return s.runFormatted(ctx)
	}
	if s.cfg.Task != "" {
		return s.RT.Run(ctx, "<task>", []byte(Task(s.cfg.Task)))
	}
	return s.RT.Run(ctx, s.cfg.ProgramName, s.cfg.Program)
}

// Close finishes the run: the run.end event and result, replay checks,
// the transcript flush. It returns an error that replaces a successful
// result (strict replay with unused entries).
func (s *Session) Close(v value.Value, runErr error) error {
	s.KillProcesses(false)
	s.mcp.close()
	var err error
	if s.finisher != nil && runErr == nil {
		err = s.finisher.Finish()
	}
	if s.recorder != nil {
		if ferr := s.recorder.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("--record: %v", ferr)
		}
	}
	final := runErr
	if final == nil {
		final = err
	}
	if s.trace != nil && s.trace.w != nil {
		st := s.RT.Stats()
		status, val, msg := trace.StatusOK, value.PrStr(v), ""
		if final != nil {
			status, val, msg = trace.StatusError, "", final.Error()
			if errors.Is(final, eval.ErrCancelled) {
				status = trace.StatusInterrupted
			}
		}
		s.RT.EndReplay()
		terr := s.trace.Event(trace.RunEnd(status, capText(val, trace.ValueMax), msg, st.Usage, st.Cost, time.Since(s.started).Milliseconds()))
		var ferr error
		if final != nil {
			ferr = s.trace.w.Finish(msg, true)
		} else {
			ferr = s.trace.w.Finish(val, false)
		}
		if terr == nil {
			terr = ferr
		}
		if terr != nil && err == nil {
			// The trace is incomplete: the run must not look successful.
			err = terr
		}
	}
	if s.temp != nil {
		if dir := s.temp.Dir(); dir != "" {
			_ = os.RemoveAll(dir)
		}
	}
	return err
}

func warnf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "warning: "+format+"\n", args...)
}

// KillProcesses kills the process groups of running io commands and those
// that finished commands left running in the background (io/sh "server &"):
// SIGTERM, then SIGKILL after 2 s, or at once when now is set. Close calls
// it.
func (s *Session) KillProcesses(now bool) { s.procs.KillAll(now) }

// IsConfigError reports whether err is a configuration problem (exit 2).
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}
