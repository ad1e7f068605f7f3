package eval

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spell-go/spell/eval/value"
)

// updateGolden rewrites testdata/golden/golden.txtar from today's evaluator:
//
//	go test ./eval -run TestGolden -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/golden.txtar with the values of today's evaluator")

// goldenFile holds the recorded outcome of every program TestGolden runs.
const goldenFile = "testdata/golden/golden.txtar"

// goldenLimits bound every golden program: the spec's defaults except the
// steps, so that a non-terminating or long program (bench/loop_sum.spl)
// ends in a recorded step-limit error quickly. The nesting limit stays the
// default: deep recursion must fail at the same depth as today.
var goldenLimits = Limits{MaxSteps: 3_000_000}

// goldenSeed seeds rand, rand-int, rand-nth, random-uuid, math/rand.
const goldenSeed = 1

// goldenProgram is one program the golden test evaluates.
type goldenProgram struct {
	id   string // unique, stable: "<source>/<name>"
	name string // the file name errors are located in
	src  []byte
}

// goldenPrograms collects, in a stable order:
//   - every NAME.spl case of ../shared/conformance/*.txtar;
//   - eval/testdata/golden/programs.txtar (programs that defeat a
//     compiler's assumptions: rebound builtins, def inside functions, names
//     the caller binds, macros, eval of built forms, deep recursion);
//   - the project's Spell program files (examples/programs, bench, the
//     editor and nvim fixtures);
//   - every *.spl file embedded in the project's test archives
//     (testdata/script, examples/tests, lsp/testdata). Those that need a
//     model fail the same way each time ("no model is configured", an
//     unbound effect name): that failure is recorded too.
func goldenPrograms(t *testing.T) []goldenProgram {
	t.Helper()
	var out []goldenProgram
	addArchive := func(prefix, file string) {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, f := range a.Files {
			if !strings.HasSuffix(f.Name, ".spl") || seen[f.Name] {
				continue
			}
			seen[f.Name] = true
			out = append(out, goldenProgram{id: prefix + "/" + f.Name, name: f.Name, src: f.Data})
		}
	}
	glob := func(pattern string) []string {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(files)
		return files
	}

	conf := glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	if len(conf) == 0 {
		t.Fatal("no conformance archives found in ../shared/conformance")
	}
	for _, f := range conf {
		addArchive("conformance/"+strings.TrimSuffix(filepath.Base(f), ".txtar"), f)
	}
	addArchive("eval/golden", filepath.Join("testdata", "golden", "programs.txtar"))
	for _, dir := range []string{"examples/programs", "bench", "editors/vscode/test/grammar", "editors/vscode/docs", "test/nvim"} {
		for _, f := range glob(filepath.Join("..", filepath.FromSlash(dir), "*.spl")) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, goldenProgram{id: dir + "/" + filepath.Base(f), name: filepath.Base(f), src: src})
		}
	}
	for _, dir := range []string{"testdata/script", "examples/tests", "lsp/testdata"} {
		for _, f := range glob(filepath.Join("..", filepath.FromSlash(dir), "*.txtar")) {
			addArchive(dir+"/"+strings.TrimSuffix(filepath.Base(f), ".txtar"), f)
		}
	}
	ids := map[string]bool{}
	for _, p := range out {
		if ids[p.id] {
			t.Fatalf("duplicate golden id %s", p.id)
		}
		ids[p.id] = true
	}
	return out
}

// goldenOutcome evaluates one program as `spell run` does without a model
// (completion mode, pipeline context, default effects) and renders what a
// user and a catch can observe: the readable value, or the error's
// message, location, call trace, hint, fatality and thrown value; then
// the step count (issue 11: steps are counted the same way).
func goldenOutcome(p goldenProgram) string {
	// The deadline is a hang guard only: every program is bounded by
	// goldenLimits long before it.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, res, err := RunProgram(ctx, p.name, p.src, Options{Limits: goldenLimits, Seed: goldenSeed})
	var b strings.Builder
	if err == nil {
		fmt.Fprintf(&b, "value: %s\n", value.PrStr(res.Value))
	} else {
		var e *Error
		if !errors.As(err, &e) {
			fmt.Fprintf(&b, "go error: %v\n", err)
		} else {
			fmt.Fprintf(&b, "error: %s\n", e.Msg)
			if e.Span != nil {
				fmt.Fprintf(&b, "at: %s\n", e.Span)
			}
			if tr := e.CallTrace(); tr != "" {
				fmt.Fprintf(&b, "trace: %s\n", tr)
			}
			if e.Hint != "" {
				fmt.Fprintf(&b, "hint: %s\n", e.Hint)
			}
			if e.Fatal {
				b.WriteString("fatal: true\n")
			}
			if e.HasThrown {
				fmt.Fprintf(&b, "thrown: %s\n", value.PrStr(e.Thrown))
			}
			switch {
			case errors.Is(err, ErrLimit):
				b.WriteString("cause: limit\n")
			case errors.Is(err, ErrCancelled):
				b.WriteString("cause: cancelled\n")
			}
		}
	}
	fmt.Fprintf(&b, "steps: %d\n", res.Steps)
	return b.String()
}

// TestGolden is the evaluator's safety net (issue 11 prelude): every
// program of goldenPrograms must give exactly the value or error recorded
// in testdata/golden/golden.txtar by the evaluator of the day the net was
// made. A deliberate change is recorded with -update and reviewed in the
// diff of golden.txtar.
func TestGolden(t *testing.T) {
	progs := goldenPrograms(t)
	got := make(map[string]string, len(progs))
	for _, p := range progs {
		got[p.id] = goldenOutcome(p)
	}
	if *updateGolden {
		a := &txtar.Archive{Comment: []byte("Recorded outcomes of TestGolden (eval/golden_test.go): value or error, then steps.\n" +
			"Rewrite with: go test ./eval -run TestGolden -update\n")}
		for _, p := range progs {
			a.Files = append(a.Files, txtar.File{Name: p.id, Data: []byte(got[p.id])})
		}
		if err := os.WriteFile(goldenFile, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d programs", goldenFile, len(progs))
		return
	}
	a, err := txtar.ParseFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (record it with: go test ./eval -run TestGolden -update)", err)
	}
	want := make(map[string]string, len(a.Files))
	for _, f := range a.Files {
		want[f.Name] = string(f.Data)
	}
	for _, p := range progs {
		w, ok := want[p.id]
		if !ok {
			t.Errorf("%s: no golden outcome recorded (a new program? record it with -update)\n got:\n%s", p.id, got[p.id])
			continue
		}
		if got[p.id] != w {
			t.Errorf("%s: outcome changed\nprogram:\n%s\n got:\n%s\nwant:\n%s", p.id, clip(string(p.src), 2000), got[p.id], w)
		}
		delete(want, p.id)
	}
	for id := range want {
		t.Errorf("%s: recorded in %s but no longer found (removed? rewrite with -update)", id, goldenFile)
	}
	t.Logf("%d golden programs", len(progs))
}

// clip shortens s to at most n bytes for a failure message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
