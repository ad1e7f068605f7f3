package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
)

// EngineBinary runs Spell on Temporal (docs/temporal.md). It is a sibling
// executable, not part of spell: the Temporal SDK's gRPC and protobuf
// packages would slow every spell start-up (issue 11). spell execs it,
// git-style, for spell worker, status, result, cancel and for spell run
// --engine temporal.
const EngineBinary = "spell-temporal"

// engineInstall is how to get EngineBinary.
const engineInstall = "go install github.com/spell-go/spell/cmd/spell/...@latest (or go install ./cmd/... in a checkout)"

// EngineFlags are the flags spell run takes for --engine temporal.
func EngineFlags() []cmdline.Flag {
	return []cmdline.Flag{
		&cmdline.StringFlag{Name: "engine", Value: "local", Usage: "where the run executes: `ENGINE` local, or temporal (a durable workflow run by spell worker processes)"},
		&cmdline.BoolFlag{Name: "detach", Usage: "--engine temporal: print the run id and return; follow it with spell status|result|cancel", HideDefault: true},
		&cmdline.StringFlag{Name: "address", Usage: "--engine temporal: the Temporal frontend `HOST:PORT`", Value: "localhost:7233", EnvVars: []string{"TEMPORAL_ADDRESS"}},
		&cmdline.StringFlag{Name: "namespace", Usage: "--engine temporal: the Temporal `NAMESPACE`", Value: "default", EnvVars: []string{"TEMPORAL_NAMESPACE"}},
		&cmdline.StringFlag{Name: "task-queue", Usage: "--engine temporal: the task `QUEUE` the workers poll", Value: "spell", EnvVars: []string{"SPELL_TASK_QUEUE"}},
	}
}

// withEngine sends spell run's --engine temporal to EngineBinary; the
// engine flags are among runCommand's.
func withEngine(cmd *cmdline.Command) *cmdline.Command {
	local := cmd.Action
	cmd.Action = func(ctx context.Context, c *cmdline.Command) error {
		switch c.String("engine") {
		case "local":
		case "temporal":
			return execEngine(c, "spell run", "run", argsAfter(c, "run"))
		default:
			return usageError("spell run", "--engine must be local or temporal")
		}
		for _, f := range []string{"detach"} {
			if c.IsSet(f) {
				return usageError("spell run", "--%s needs --engine temporal", f)
			}
		}
		return local(ctx, c)
	}
	return cmd
}

// engineCommand is the spell command that runs EngineBinary's command
// name, with its usage line and usage text.
func engineCommand(name, usage, usageText string) *cmdline.Command {
	return &cmdline.Command{
		Name: name, Usage: usage, UsageText: usageText,
		Description:     "Runs " + EngineBinary + " " + name + " (see " + EngineBinary + " " + name + " --help).",
		SkipFlagParsing: true,
		Action: func(ctx context.Context, c *cmdline.Command) error {
			return execEngine(c, "spell "+name, name, c.Args().Slice())
		},
	}
}

// argsAfter returns the command line after the command name: what the
// user typed after "spell run".
func argsAfter(c *cmdline.Command, name string) []string {
	args, _ := c.Root().Metadata["args"].([]string)
	if len(args) == 0 {
		args = os.Args
	}
	for i, a := range args {
		if i > 0 && a == name {
			return args[i+1:]
		}
	}
	return nil
}

// FindEngine returns the path of EngineBinary: next to the running spell,
// else on PATH.
func FindEngine() (string, error) { return findSibling(EngineBinary) }

// execEngine runs EngineBinary with the subcommand and args, in place of
// this process where the system allows it.
func execEngine(c *cmdline.Command, cmd, sub string, args []string) error {
	path, err := FindEngine()
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: needs the %s executable, which is neither next to spell nor on PATH; install it with: %s", cmd, EngineBinary, engineInstall)}
	}
	argv := append([]string{path, sub}, args...)
	code, err := runEngine(path, argv)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: cannot start %s: %v", cmd, path, err)}
	}
	return silentExit(code)
}

// runEngineChild runs the engine as a child process (where exec is not
// available) and returns its exit code.
func runEngineChild(path string, argv []string) (int, error) {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}

// EngineConfig reads the spell run flags of c into the run's
// configuration, for EngineBinary (the task, program and limits; the
// engine runs it elsewhere). It checks what spell run checks.
func EngineConfig(c *cmdline.Command) (spe.Config, error) {
	var cfg spe.Config
	// Local only (docs/temporal.md): the prompts of a run on Temporal
	// stay on its workers.
	if c.IsSet("record") {
		return cfg, usageError("spell run", "--record works only with the local engine: record the transcript with a local run, spell run --record %s … without --engine temporal", c.String("record"))
	}
	var err error
	cwd, _ := os.Getwd()
	if c.IsSet("resume") {
		// The run's task or program, model, root and seed come from its
		// log, on the worker (spe resumeRun), as for a local --resume.
		if c.IsSet("task") || c.IsSet("task-file") || c.IsSet("eval") || c.Args().Present() {
			return cfg, usageError("spell run", "--resume continues a recorded run: give no task or program")
		}
		if cfg, err = runConfig(c, "", "", nil, cwd); err != nil {
			return cfg, err
		}
	} else {
		limit, err := maxInput(c, "spell run")
		if err != nil {
			return cfg, err
		}
		task, name, text, err := runInput(c, limit)
		if err != nil {
			return cfg, err
		}
		if cfg, err = runConfig(c, task, name, text, cwd); err != nil {
			return cfg, err
		}
	}
	model := c.String("model")
	if rest, ok := strings.CutPrefix(model, "replay:"); ok && rest != "" && !filepath.IsAbs(rest) {
		// The worker opens the transcript: name it absolutely.
		if abs, err := filepath.Abs(rest); err == nil {
			model = "replay:" + abs
		}
	}
	agent := c.String("agent")
	if strings.HasSuffix(agent, ".edn") || strings.ContainsRune(agent, filepath.Separator) {
		// A profile file: the worker reads it by this name.
		if abs, err := filepath.Abs(agent); err == nil {
			agent = abs
		}
	}
	root := c.String("root")
	if root == "" && cfg.Resume == "" {
		root = cfg.Cwd // (a resumed run's is in its log)
	} else if abs, err := filepath.Abs(root); err == nil && root != "" {
		root = abs
	}
	// The worker runs it elsewhere: it reads files by absolute names.
	cfg.Model, cfg.Agent, cfg.Root, cfg.Argv = model, agent, root, argsOf(c)
	return cfg, nil
}

func argsOf(c *cmdline.Command) []string {
	if args, ok := c.Root().Metadata["args"].([]string); ok && len(args) > 0 {
		return args
	}
	return os.Args
}

// EngineRunCommand is spell run's command (flags, help) for EngineBinary,
// which gives it its own action.
func EngineRunCommand() *cmdline.Command { return withEngine(runCommand()) }

// RunJSON is the --json object of spell run.
type RunJSON = runJSON

// FormatValue prints a run's value the way spell run does: a string raw,
// anything else in readable form. It takes the readable form (pr-str).
func FormatValue(prStr string) string {
	if form, err := eval.ReadString(prStr); err == nil {
		if s, ok := form.(string); ok {
			return s
		}
	}
	return prStr
}

// UsageError is usageError for EngineBinary.
func UsageError(cmd, format string, args ...any) error { return usageError(cmd, format, args...) }

// ExitError is an error with an exit code and a message (empty: the
// command reported the problem itself).
func ExitError(code int, msg string) error { return &exitError{code: code, msg: msg} }

// SkipDir reports whether a directory met during a walk of the paths a
// command was given is left out (node_modules, dot directories).
func SkipDir(name string) bool { return skipDir(name) }

// Exit maps a command's error to its exit code, reporting it on stderr.
var Exit = exitCode
