package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// A run through a worker prints what the same local run prints, byte for
// byte apart from the trace directory's name: the reader's repairs at
// their file:line:col, errors at the file:line:col of the program the
// user gave (also after the steps that replay the log), the call trace,
// the --stats lines (consecutive errors included) and the --json object.
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
	// twice and the recovery task once, locally and on Temporal).
	runs, _ := os.ReadDir(filepath.Join(e.dir, "state", "spell", "runs"))
	if len(runs) != 6 {
		t.Errorf("%d run directories, want 6", len(runs))
	}
}
