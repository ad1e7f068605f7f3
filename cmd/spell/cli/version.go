package cli

import (
	"context"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
)

// Version is the version printed by `spell version`. Release builds set it
// with -ldflags "-X github.com/spell-go/spell/cmd/spell/cli.Version=v1.2.3";
// otherwise the main module version recorded by `go install …@version` is
// used, and "devel" for builds from a checkout.
var Version = "devel"

// version returns the version of this binary.
func version() string { return versionOf(debug.ReadBuildInfo()) }

// versionOf is the version of a binary with the build information bi (ok:
// there is some).
func versionOf(bi *debug.BuildInfo, ok bool) string {
	if Version != "devel" && Version != "" {
		return Version
	}
	if ok && bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
	}
	return "devel"
}

// lspProtocolVersion is the LSP version implemented by the pinned
// go.lsp.dev/protocol module (its protocol.Version). spell does not link
// that module, so the value is written here; a test keeps it equal.
const lspProtocolVersion = "3.18.0"

// commit returns the VCS revision the binary was built from (the first 12
// characters, "+dirty" when the work tree had changes), "unknown" when the
// build recorded none (go test, builds outside a repository, -buildvcs=false).
func commit(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// versionLine is `spell <version> (commit <rev>, <go version> <os>/<arch>,
// LSP protocol <version>)`. It reads the build information once (each
// reading parses it anew) and joins the line without fmt, which spell
// --version would otherwise be alone to touch (issue 11, start-up).
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	return "spell " + versionOf(bi, ok) + " (commit " + commit(bi, ok) + ", " +
		runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ", LSP protocol " + lspProtocolVersion + ")"
}

func printVersion(w io.Writer) error {
	_, err := io.WriteString(w, versionLine()+"\n")
	return err
}

func versionCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "version",
		Usage:     "print the version, commit, Go toolchain and LSP protocol version",
		UsageText: "spell version",
		Description: `Prints one line, for example

  spell devel (commit 0123456789ab, go1.26.0 linux/amd64, LSP protocol 3.18.0)

The version is set at release time; builds from a checkout say "devel".
The commit is the revision the binary was built from ("+dirty" when the
work tree had changes, "unknown" when the build recorded none); the LSP
protocol version is the one spell-lsp speaks.`,
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if c.Args().Present() {
				return usageError("spell version", "unexpected argument %q", c.Args().First())
			}
			return printVersion(c.Root().Writer)
		},
	}
}

// VersionString is spell's version (the module version when installed, else
// Version), for NetBinary's MCP client.
func VersionString() string { return version() }
