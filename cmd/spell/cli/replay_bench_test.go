package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// replayTranscript writes a transcript of n turns, each adding one form
// to the program (`(def vK K) '(!extend)`), the last answering :done.
func replayTranscript(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "-- main/%d.completion --\n(def v%d {:n %d :name \"item %d\"}) '(!extend)\n", i, i, i, i)
	}
	fmt.Fprintf(&b, "-- main/%d.completion --\n:done\n", n)
	path := filepath.Join(dir, "long.txtar")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// dirBytes is the total size of the regular files under dir.
func dirBytes(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkReplay2000Turns runs `spell run -p … --model replay:FILE`
// over a transcript of 2,000 turns that each add one form, with the trace
// on, and reports the trace's size (trace-bytes) beside the time.
func BenchmarkReplay2000Turns(b *testing.B) { benchReplay(b, 2000) }

func benchReplay(b *testing.B, turns int) {
	tmp := b.TempDir()
	tr := replayTranscript(b, tmp, turns)
	var traceBytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(tmp, fmt.Sprintf("run%d", i))
		var out, errb bytes.Buffer
		code := Main([]string{"spell", "run", "-p", "count", "--model", "replay:" + tr, "--max-turns", fmt.Sprint(turns + 1),
			"--trace-dir", dir}, strings.NewReader(""), &out, &errb)
		if code != 0 || strings.TrimSpace(out.String()) != ":done" {
			b.Fatalf("exit %d, stdout %q, stderr %s", code, out.String(), errb.String())
		}
		b.StopTimer()
		traceBytes = dirBytes(b, dir)
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(traceBytes), "trace-bytes")
}
