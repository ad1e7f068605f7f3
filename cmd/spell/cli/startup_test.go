package cli

import (
	"testing"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/web/webconf"
)

// Guards of what a spell start allocates (issue 11, start-up): structure
// and allocation counts, never time.

// TestRunFlagsOneSlice checks that spell run's flags, its own and the
// engine's, are one slice of their exact number, not a literal grown by
// append (two slices, of size classes a start uses nowhere else).
func TestRunFlagsOneSlice(t *testing.T) {
	for name, cmd := range map[string]*cmdline.Command{
		"spell run":            commandsFor([]string{"spell", "run"})[0],
		"spell-temporal's run": EngineRunCommand(),
	} {
		if len(cmd.Flags) != cap(cmd.Flags) {
			t.Errorf("%s: %d flags in a slice of capacity %d", name, len(cmd.Flags), cap(cmd.Flags))
		}
		for _, f := range EngineFlags() {
			if !hasFlag(cmd, f.Names()[0]) {
				t.Errorf("%s: no --%s", name, f.Names()[0])
			}
		}
	}
}

func hasFlag(c *cmdline.Command, name string) bool {
	for _, n := range c.FlagNames() {
		if n == name {
			return true
		}
	}
	return false
}

// TestWebProxyOpenDefersRequest checks that opening web/ reads web.edn
// but leaves the calls' request, and so the Serper key, to the first use
// of the namespace: every run opens web/, few call it.
func TestWebProxyOpenDefersRequest(t *testing.T) {
	lookups := 0
	setup := spe.WebSetup{UserDir: t.TempDir(), ProjectDir: t.TempDir(), Getenv: func(k string) string {
		if k == webconf.SerperKeyEnv {
			lookups++
		}
		return ""
	}}
	build, err := webProxyOpen(setup)
	if err != nil {
		t.Fatal(err)
	}
	if lookups != 0 {
		t.Errorf("opening web/ looked up %s %d times, want 0 before its first use", webconf.SerperKeyEnv, lookups)
	}
	if m := build(); m == nil || m.Count() == 0 {
		t.Fatalf("web/ built as %v", m)
	}
	if lookups != 1 {
		t.Errorf("building web/ looked up %s %d times, want 1", webconf.SerperKeyEnv, lookups)
	}
}
