package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkMainStartup runs the start-up benchmark's commands
// (cmd/spell BenchmarkStartup) in process, as spell runs them (without
// spell-net's parts): what Main itself costs per command once the
// process has started, for -cpuprofile and -memprofile (issue 11,
// start-up). What a process builds once (lazy tables) is built by the
// first iteration only.
//
//	go test ./cmd/spell/cli -run XXX -bench MainStartup -benchmem -benchtime 1000x
func BenchmarkMainStartup(b *testing.B) {
	dir := b.TempDir()
	small := filepath.Join(dir, "small.spl")
	if err := os.WriteFile(small, []byte("(let [x 41]\n  (+ x 1))\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	saved := netParts
	netParts = nil
	defer func() { netParts = saved }()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"version", []string{"--version"}},
		{"run-e", []string{"run", "--no-trace", "-e", "(+ 1 2)"}},
		{"fmt", []string{"fmt", small}},
		{"lint", []string{"lint", small}},
	} {
		b.Run(c.name, func(b *testing.B) {
			args := append([]string{"spell"}, c.args...)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if code := Main(args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("spell %v: exit %d", c.args, code)
				}
			}
		})
	}
}
