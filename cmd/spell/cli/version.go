package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	ucli "github.com/urfave/cli/v2"
)

// Version is the version printed by `spell version`. Release builds set it
// with -ldflags "-X github.com/spell-go/spell/cmd/spell/cli.Version=v1.2.3";
// otherwise the main module version recorded by `go install …@version` is
// used, and "devel" for builds from a checkout.
var Version = "devel"

// version returns the version of this binary.
func version() string {
	if Version != "devel" && Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
	}
	return "devel"
}

// versionLine is `spell <version> (<go version> <os>/<arch>)`.
func versionLine() string {
	return fmt.Sprintf("spell %s (%s %s/%s)", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func printVersion(w io.Writer) error {
	_, err := fmt.Fprintln(w, versionLine())
	return err
}

func versionCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "version",
		Usage:     "print the version of spell and of the Go toolchain that built it",
		UsageText: "spell version",
		Description: `Prints one line: spell <version> (<go version> <os>/<arch>), for example

  spell devel (go1.26.0 linux/amd64)

The version is set at release time; builds from a checkout say "devel".`,
		CustomHelpTemplate: commandHelp,
		Action: func(c *ucli.Context) error {
			if c.Args().Present() {
				return usageError("spell version", "unexpected argument %q", c.Args().First())
			}
			return printVersion(c.App.Writer)
		},
	}
}
