package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A run through a worker prints what the same local run prints, byte for
// byte apart from the trace directory's name: the reader's repairs at
// their file:line:col, errors at the file:line:col of the program the
// user gave (also after the steps that replay the log), the call trace,
// the --stats lines (consecutive errors included), the --json object and
// -v's prompts and completions.
func TestEngineOutputMatchesLocalRun(t *testing.T) {
	e := newEnv(t)
	e.worker(nil)
	dir := t.TempDir()
	for name, text := range map[string]string{
		// Two effects, then a failure in a function: the failing step
		// (the second) replays the log, and the program keeps the file's
		// name there.
		"fx.spl": "(do\n  (eval (quote (io/sh \"echo hi\")))\n  (eval (quote (io/sh \"echo ho\")))\n  (defn g [y]\n    (/ y 0))\n  (g 1))\n",
		// A repaired program (a missing bracket) that fails.
		"rep.spl": "(let [x 1]\n  (+ x \"a\")\n",
		// A pure program: a local run leaves no trace directory.
		"pure.spl": "(let [f (fn [y] (/ y 0))]\n  (f 1))\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	examples, err := filepath.Abs("../../../examples/recovery.txtar")
	if err != nil {
		t.Fatal(err)
	}
	recovery := []string{"-p", "Return the product of 2, 3 and 7.", "--model", "replay:" + examples}
	many, err := filepath.Abs("../../../examples/many-agents.txtar")
	if err != nil {
		t.Fatal(err)
	}
	agents := []string{"-p", "Count the words of three sentences, one agent per sentence, and report the total.", "--model", "replay:" + many}
	traceDir := regexp.MustCompile(`/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]+`)
	for _, args := range [][]string{
		{"--stats", "fx.spl"},
		{"--json", "fx.spl"},
		{"--stats", "rep.spl"},
		{"--json", "rep.spl"},
		{"--strict", "rep.spl"},
		{"--strict", "--json", "rep.spl"},
		{"--stats", "pure.spl"},
		{"--json", "pure.spl"},
		append([]string{"--stats", "--strict"}, recovery...),
		append([]string{"--json", "--no-trace"}, recovery...),
		append([]string{"--stats", "--no-trace", "--max-consecutive-errors", "1"}, recovery...),
		// -v: each turn's prompt and completion, then the usage table.
		append([]string{"-v", "--no-trace"}, recovery...),
		append([]string{"-v", "--json", "--no-trace", "--max-consecutive-errors", "1"}, recovery...),
		{"-v", "fx.spl"},
		// Four agents: the coordinator's state is rebuilt in each step.
		append([]string{"--strict", "--stats", "--no-trace"}, agents...),
		append([]string{"--json", "--no-trace"}, agents...),
		append([]string{"-v", "--no-trace"}, agents...),
		// Flags both refuse, with the same message (one check: runConfig).
		{"--context-max-chars", "10", "pure.spl"},
		{"--transport", "xx", "pure.spl"},
		{"--max-steps", "0", "pure.spl"},
		// --resume of a run that is not there; with a program.
		{"--resume", "no-such-run"},
		{"--resume", "no-such-run", "pure.spl"},
	} {
		lout, lerr, lcode := e.spell(dir, nil, append([]string{"run"}, args...)...)
		tout, terr, tcode := e.spell(dir, nil, append([]string{"run", "--engine", "temporal"}, args...)...)
		lout, tout = traceDir.ReplaceAllString(lout, "/runs/ID"), traceDir.ReplaceAllString(tout, "/runs/ID")
		lerr, terr = traceDir.ReplaceAllString(lerr, "/runs/ID"), traceDir.ReplaceAllString(terr, "/runs/ID")
		if lout != tout || lerr != terr || lcode != tcode {
			t.Errorf("spell run %q:\nlocal    exit %d\n%s%s\ntemporal exit %d\n%s%s", args, lcode, lout, lerr, tcode, tout, terr)
		}
	}
	// The pure program left no trace behind; the others one each (fx.spl
	// three times and the recovery task once, locally and on Temporal).
	runs, _ := os.ReadDir(filepath.Join(e.dir, "state", "spell", "runs"))
	if len(runs) != 8 {
		t.Errorf("%d run directories, want 8", len(runs))
	}
}

// The spell commands of the README's "Running at scale" block work as
// written, from the repository root, against the test server (in place
// of temporal server start-dev, which is at the address the test sets).
func TestReadmeRunningAtScale(t *testing.T) {
	e := newEnv(t)
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Running at scale\n")
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	var commands []string
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", " "), "\n") {
		line, _, _ = strings.Cut(line, " #") // a comment after the command
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "spell ") {
			commands = append(commands, line)
		}
	}
	if len(commands) != 2 || !strings.HasPrefix(commands[0], "spell worker") || !strings.HasPrefix(commands[1], "spell run --engine temporal") {
		t.Fatalf("the block's spell commands are %q, want a worker and a run", commands)
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	// The environment of a fresh shell: no task queue set (the test's
	// own would be the submitter's default).
	var env []string
	for _, kv := range e.environ() {
		if !strings.HasPrefix(kv, "SPELL_TASK_QUEUE=") {
			env = append(env, kv)
		}
	}
	sh := func(line string) *exec.Cmd {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir, cmd.Env = root, env
		return cmd
	}
	worker := sh("exec " + commands[0])
	out := &syncBuffer{}
	worker.Stdout, worker.Stderr = out, out
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.processes = append(e.processes, worker)
	e.mu.Unlock()
	e.waitFor(out, "polling task queue")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, "sh", "-c", "exec "+commands[1])
	run.Dir, run.Env, run.WaitDelay = root, env, 10*time.Second
	stdout, err := run.Output()
	if err != nil || string(stdout) != "3 open: write the examples README; record prompts with --record; check every example with --strict\n" {
		t.Errorf("%s: %v\n%s", commands[1], err, stdout)
	}
}
