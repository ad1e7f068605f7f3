package spe

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/trace"
	"github.com/spell-go/spell/spe/transcript"
)

// The test tracers copy what they keep (fmt.Sprintf) or keep nothing:
// the runtime may reuse the buffers of the texts they were given.
func (*recorder) Retains([]byte) bool  { return false }
func (*promptLog) Retains([]byte) bool { return false }

// TestTextReuse: a run that writes turns' program texts into the buffers
// of earlier ones (read.go) is the run that allocates every text: prompts,
// events, programs, effects, values, errors and their positions,
// statistics. In the poisoned runs every reused buffer is first
// overwritten whole with non-ASCII bytes, so a holder that still read an
// earlier text from it (a reading, a kept prefix, the plan's comparison, a
// span's column) would see them.
func TestTextReuse(t *testing.T) {
	cases := append(append(goldenIncrCases(t), incrCases...), longEditCases...)
	for seed := int64(1); seed <= 30; seed++ {
		cases = append(cases, randomIncrCase(seed))
	}
	reused := 0
	for _, c := range cases {
		if c.task == "" {
			c.task = "Task " + c.name + "."
		}
		for _, full := range []bool{false, true} {
			want, _ := runIncrCase(t, c, full, func(rt *Runtime) { rt.textReuse.off = true })
			for _, poison := range []bool{false, true} {
				got, rt := runIncrCase(t, c, full, func(rt *Runtime) { rt.textReuse.poison = poison })
				if msg := textDiff(want, got); msg != "" {
					t.Fatalf("%s (full %v, poison %v): %s\n\nwhole run:\n%s", c.name, full, poison, msg, want)
				}
				reused += rt.textReuse.reused
			}
		}
	}
	if reused == 0 {
		t.Fatal("no text was written into a reused buffer")
	}
}

// textDiff is the difference of got from want in diff -u form, "" when
// they are equal.
func textDiff(want, got string) string {
	return string(diff.Diff("want", []byte(want), "got", []byte(got)))
}

// TestTextReuseTrace: with the trace writer (which keeps the last program
// of each handle as the base of the next one's delta) the run directory
// is the same, file for file and byte for byte (events without their
// times), whether texts reuse buffers or not. The completions grow the
// program, break it (a reader error, a failing form), prune it, and the
// last ones bring non-ASCII strings.
func TestTextReuseTrace(t *testing.T) {
	const n = 120
	var a strings.Builder
	for i := 1; i < n; i++ {
		var c string
		switch {
		case i%17 == 5:
			c = fmt.Sprintf("(def v%d (+ 1 \"x\")) '(!extend)", i) // an eval error
		case i%23 == 7:
			c = fmt.Sprintf("(def v%d {:n %d)", i, i) // a reader error
		case i == 60:
			c = "(prune 3) '(!extend)"
		case i > n-10:
			c = fmt.Sprintf("(def v%d \"caf\u00e9 %d\") '(!extend)", i, i)
		default:
			c = fmt.Sprintf("(def v%d {:n %d :name \"item %d\"}) '(!extend)", i, i, i)
		}
		fmt.Fprintf(&a, "-- main/%d.completion --\n%s\n", i, c)
	}
	fmt.Fprintf(&a, "-- main/%d.completion --\n:done\n", n)
	tr, err := transcript.Parse("grow.txtar", []byte(a.String()))
	if err != nil {
		t.Fatal(err)
	}
	run := func(reuse textReuse) (map[string]string, int) {
		dir := t.TempDir()
		w, err := trace.Create(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := replay.New(tr, true)
		p.Update = false
		lim := DefaultLimits
		lim.MaxTurns, lim.Budget, lim.MaxConsecutiveErrors = 2*n, 0, 100
		rt := New(Options{Provider: p, Transport: "pf", Limits: lim, Virtual: true, Recover: true, Trace: w})
		rt.textReuse = reuse
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
		defer cancel()
		v, err := rt.Run(ctx, "<task>", []byte(Task("count \u2014 caf\u00e9"))) // (every text is non-ASCII)
		if err != nil || value.PrStr(v) != ":done" {
			t.Fatalf("value %v, error %v", v, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return dirFiles(t, dir), rt.textReuse.reused
	}
	want, _ := run(textReuse{off: true})
	for _, poison := range []bool{false, true} {
		got, reused := run(textReuse{poison: poison})
		if reused < n/2 {
			t.Errorf("poison %v: %d of %d texts written into a reused buffer", poison, reused, n)
		}
		if len(got) != len(want) {
			t.Fatalf("poison %v: %d files, want %d", poison, len(got), len(want))
		}
		for name, w := range want {
			if msg := textDiff(w, got[name]); msg != "" {
				t.Fatalf("poison %v: %s differs: %s", poison, name, msg)
			}
		}
	}
}

var eventTime = regexp.MustCompile(`"t":"[^"]*"|"(latency|duration)_ms":[0-9.]+`)

// dirFiles reads every file under dir by its relative name; event times
// and durations are blanked.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = eventTime.ReplaceAllString(string(b), "")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
