package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestLSPProtocolVersion keeps the version spell prints equal to the one
// the pinned protocol module implements (spell does not link it).
func TestLSPProtocolVersion(t *testing.T) {
	if lspProtocolVersion != protocol.Version {
		t.Errorf("lspProtocolVersion = %q, go.lsp.dev/protocol implements %q", lspProtocolVersion, protocol.Version)
	}
}

func TestCommit(t *testing.T) {
	bi := func(kv ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{}
		for i := 0; i < len(kv); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return b
	}
	for _, tt := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{nil, false, "unknown"},
		{bi(), true, "unknown"},
		{bi("vcs.revision", "0123456789abcdef0123"), true, "0123456789ab"},
		{bi("vcs.revision", "0123456789abcdef0123", "vcs.modified", "true"), true, "0123456789ab+dirty"},
		{bi("vcs.revision", "abc", "vcs.modified", "false"), true, "abc"},
	} {
		if got := commit(tt.bi, tt.ok); got != tt.want {
			t.Errorf("commit(%v) = %q, want %q", tt.bi, got, tt.want)
		}
	}
}

// TestVersionLine checks spell --version's line against its format, and
// that it parses the build information once (each debug.ReadBuildInfo
// parses it anew) and joins the line in one allocation, without fmt
// (issue 11, start-up).
func TestVersionLine(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	want := fmt.Sprintf("spell %s (commit %s, %s %s/%s, LSP protocol %s)\n", version(), commit(bi, ok),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, lspProtocolVersion)
	var b strings.Builder
	if err := printVersion(&b); err != nil || b.String() != want {
		t.Errorf("printVersion wrote %q, %v; want %q", b.String(), err, want)
	}
	parse := testing.AllocsPerRun(10, func() { debug.ReadBuildInfo() })
	if line := testing.AllocsPerRun(10, func() { versionLine() }); line > parse+1 {
		t.Errorf("versionLine: %v allocations, reading the build information takes %v", line, parse)
	}
}
