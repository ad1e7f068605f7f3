//go:build !spell_nosdk

package spe_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// updateGolden rewrites testdata/golden/golden.txtar:
//
//	go test ./spe -run TestGoldenTurns -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/golden.txtar with today's runtime")

// TestGoldenTurns is the runtime's half of the issue 11 safety net (the
// evaluator's is eval.TestGolden): multi-turn runs whose later turns
// rebind builtins, edit early forms, expand macros differently, def inside
// functions, read names their caller binds, eval built forms, recurse
// deeply, fail and recover, or exhaust the step budget are replayed
// (testdata/golden/turns.txtar, completions only), and their value or
// error, statistics and every prompt the runtime sent, byte for byte, must
// equal testdata/golden/golden.txtar. An incremental evaluator must give
// exactly these.
func TestGoldenTurns(t *testing.T) {
	in, err := txtar.ParseFile(filepath.Join("testdata", "golden", "turns.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string][]byte{}
	for _, f := range in.Files {
		c, rest, ok := strings.Cut(f.Name, "/")
		if !ok {
			t.Fatalf("entry %s: want CASE/…", f.Name)
		}
		if cases[c] == nil {
			cases[c] = map[string][]byte{}
		}
		cases[c][rest] = f.Data
	}
	var names []string
	for c := range cases {
		names = append(names, c)
	}
	sort.Strings(names)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // only the bundled profiles
	out := &txtar.Archive{Comment: []byte("Recorded by TestGoldenTurns (spe/golden_turns_test.go) from testdata/golden/turns.txtar.\n" +
		"Rewrite with: go test ./spe -run TestGoldenTurns -update\n")}
	for _, c := range names {
		for _, f := range goldenTurnsCase(t, c, cases[c]) {
			out.Files = append(out.Files, f)
		}
	}
	goldenPath := filepath.Join("testdata", "golden", "golden.txtar")
	if *updateGolden {
		if err := os.WriteFile(goldenPath, txtar.Format(out), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d cases", goldenPath, len(names))
		return
	}
	want, err := txtar.ParseFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (record it with: go test ./spe -run TestGoldenTurns -update)", err)
	}
	wantBy := map[string]string{}
	for _, f := range want.Files {
		wantBy[f.Name] = string(f.Data)
	}
	for _, f := range out.Files {
		w, ok := wantBy[f.Name]
		switch {
		case !ok:
			t.Errorf("%s: not recorded (a new case? record it with -update)\n got:\n%s", f.Name, f.Data)
		case w != string(f.Data):
			t.Errorf("%s changed\n got:\n%s\nwant:\n%s", f.Name, f.Data, w)
		}
		delete(wantBy, f.Name)
	}
	for name := range wantBy {
		t.Errorf("%s: recorded but no longer produced (rewrite with -update)", name)
	}
}

// goldenTurnsCase replays one case and returns its golden entries: CASE/result
// and CASE/main/N.prompt for every prompt sent.
func goldenTurnsCase(t *testing.T, name string, files map[string][]byte) []txtar.File {
	t.Helper()
	dir := t.TempDir()
	var transcript txtar.Archive
	for f, data := range files {
		if strings.HasSuffix(f, ".completion") {
			transcript.Files = append(transcript.Files, txtar.File{Name: f, Data: data})
		}
	}
	sort.Slice(transcript.Files, func(i, j int) bool { return transcript.Files[i].Name < transcript.Files[j].Name })
	replay := filepath.Join(dir, "replay.txtar")
	if err := os.WriteFile(replay, txtar.Format(&transcript), 0o644); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "record.txtar")
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	sess, err := spe.Open(spe.Config{
		Task:       strings.TrimSpace(string(files["task"])),
		Model:      "replay:" + replay,
		Providers:  builtin.Registry(),
		Limits:     spe.DefaultLimits,
		EvalLimits: eval.Limits{MaxSteps: 1_000_000},
		Seed:       1,
		NoTrace:    true,
		Record:     record,
		Cwd:        root,
		Root:       root,
		Environ:    []string{"HOME=" + root},
		Getenv:     func(string) string { return "" },
		Stderr:     stderr,
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
	defer cancel()
	v, runErr := sess.Run(ctx)
	closeErr := sess.Close(v, runErr)
	var res strings.Builder
	if runErr != nil {
		fmt.Fprintf(&res, "error: %v\n", runErr)
	} else {
		fmt.Fprintf(&res, "value: %s\n", value.PrStr(v))
	}
	if closeErr != nil && closeErr != runErr {
		fmt.Fprintf(&res, "close: %v\n", closeErr)
	}
	st := sess.RT.Stats()
	fmt.Fprintf(&res, "stats: calls %v effects %v max-depth %d consecutive-errors max=%d final=%d\n",
		st.Calls, st.Effects, st.MaxDepth, st.ConsecutiveMax, st.ConsecutiveFinal)
	out := []txtar.File{{Name: name + "/result", Data: []byte(res.String())}}
	rec, err := txtar.ParseFile(record)
	if err != nil {
		t.Fatalf("%s: the recorded transcript: %v", name, err)
	}
	for _, f := range rec.Files {
		if strings.HasSuffix(f.Name, ".prompt") {
			out = append(out, txtar.File{Name: name + "/" + f.Name, Data: f.Data})
		}
	}
	return out
}
