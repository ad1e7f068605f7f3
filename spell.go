// Package spell runs Spell tasks and programs from a Go program, without
// the spell command: Run opens a session with the same configuration the
// command line uses (model profiles, agent profiles, web.edn, aliases from
// the user and project configuration directories), runs it and returns
// the value.
//
//	res, err := spell.Run(ctx, spell.Options{Task: "List the Go files", Model: "sonnet", Agent: "readonly"})
//	if err != nil { … }
//	fmt.Println(res.Text)
//
// A task calls a model; a program (Options.Program) runs without one
// unless its trailing expression asks for one. Model keys come from the
// environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, FIREWORKS_API_KEY) or
// Options.Getenv. Unlike the spell command, Run writes no trace unless
// Options.TraceDir is set, and it does not move secrets out of the process
// environment (spell run does that at start; see the README).
package spell

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/online"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// Runs reach web/ and MCP servers: spe links neither, so this package
// registers them (spe/online).
func init() { online.Register() }

// Options configure one run. Exactly one of Task and Program is set.
type Options struct {
	// Task is a natural-language task for the model.
	Task string
	// Program is Spell program text, read as spell run reads a file.
	Program string

	// Model is a model spec (provider:model or an alias; "test" answers
	// "hello world", "replay:FILE" serves a transcript). "" means
	// SPELL_MODEL, then the first provider whose key is set.
	Model string
	// BaseURL overrides the HTTP provider's endpoint.
	BaseURL string
	// Agent is an agent profile name or .agent.edn file ("" = the model
	// profile's default, else cli).
	Agent string

	// Dir is the working directory: configuration is found from it and
	// it is the default workspace root. "" = the process's.
	Dir string
	// Root is the workspace root of io/ ("" = the profile's, else Dir).
	Root string
	// AllowPrivateNet lets web/ reach loopback and private addresses.
	AllowPrivateNet bool

	// Limits: 0 means the spell run default (1000 turns, depth 64,
	// $1.00, no timeout); a negative value lifts the limit.
	MaxTurns int
	MaxDepth int
	Budget   float64
	Timeout  time.Duration // the whole run
	// MaxTokens is the output cap of each response (0 = the model
	// profile's).
	MaxTokens int
	// Seed seeds rand, shuffle, random-uuid (0 = 1, as spell run).
	Seed int64

	// TraceDir, when set, receives the run's trace (spell trace reads it).
	TraceDir string
	// Getenv reads keys and settings; nil means the process environment.
	Getenv func(string) string
	// Stderr receives warnings; nil discards them.
	Stderr io.Writer
}

// Result is the outcome of a successful run.
type Result struct {
	// Text is the value as spell run prints it: a string as it is,
	// anything else in readable form.
	Text string
	// Readable is the value in readable form (a string quoted).
	Readable string
	// Calls counts model calls per agent handle ("main", children).
	Calls map[string]int
	// Effects counts effect calls by name (io/slurp, web/fetch, …).
	Effects map[string]int
	// Usage is the token usage per effective model.
	Usage map[string]provider.Usage
	// Cost is the run's cost in US dollars.
	Cost float64
	// TraceDir is the trace directory, or "".
	TraceDir string
}

// ErrConfig is the cause of every error found before the run starts: an
// unknown model or profile, a missing key, invalid options (errors.Is).
// The spell command exits with code 2 for these.
var ErrConfig = errors.New("spell: configuration error")

// configError wraps a spe.ConfigError so that it is ErrConfig.
type configError struct{ err error }

func (e *configError) Error() string   { return e.err.Error() }
func (e *configError) Unwrap() []error { return []error{ErrConfig, e.err} }

// Run runs the task or program of opts. ctx cancels the run (its model
// calls, effects and processes). A failed run returns an error and the
// Result of what was spent so far.
func Run(ctx context.Context, opts Options) (Result, error) {
	if (opts.Task == "") == (opts.Program == "") {
		return Result{}, &configError{errors.New("give exactly one of Options.Task and Options.Program")}
	}
	lim := spe.DefaultLimits
	lim.MaxTurns = limit(opts.MaxTurns, lim.MaxTurns)
	lim.MaxDepth = limit(opts.MaxDepth, lim.MaxDepth)
	switch {
	case opts.Budget < 0:
		lim.Budget = 0
	case opts.Budget > 0:
		lim.Budget = opts.Budget
	}
	if opts.Timeout > 0 {
		lim.Timeout = opts.Timeout
	}
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	cfg := spe.Config{
		Task: opts.Task, Model: opts.Model, BaseURL: opts.BaseURL, Agent: opts.Agent, Providers: builtin.Registry(),
		Limits: lim, LimitsSet: map[string]bool{"max-turns": opts.MaxTurns != 0, "max-depth": opts.MaxDepth != 0, "budget": opts.Budget != 0},
		MaxTokens: opts.MaxTokens, Seed: seed,
		Root: opts.Root, AllowPrivateNet: opts.AllowPrivateNet, TraceDir: opts.TraceDir, NoTrace: opts.TraceDir == "",
		Cwd: opts.Dir, Getenv: opts.Getenv, Stderr: opts.Stderr, Version: "embedded",
	}
	if opts.Program != "" {
		cfg.Program, cfg.ProgramName = []byte(opts.Program), "<program>"
	}
	sess, err := spe.Open(cfg)
	if err != nil {
		if spe.IsConfigError(err) {
			return Result{}, &configError{err}
		}
		return Result{}, err
	}
	v, runErr := sess.Run(ctx)
	closeErr := sess.Close(v, runErr)
	st := sess.RT.Stats()
	res := Result{Calls: st.Calls, Effects: st.Effects, Usage: st.Usage, Cost: st.Cost, TraceDir: sess.TraceDir()}
	if runErr == nil {
		runErr = closeErr
	}
	if runErr != nil {
		return res, runErr
	}
	res.Readable = value.PrStr(v)
	res.Text = res.Readable
	if s, ok := v.(string); ok {
		res.Text = s
	}
	return res, nil
}

// limit maps the Options convention (0 default, negative unlimited) to
// spe.Limits (0 unlimited).
func limit(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}
