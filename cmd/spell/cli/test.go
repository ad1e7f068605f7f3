package cli

import (
	"context"
	"time"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
)

// testCommand is `spell test` (tooling.md §8).
func testCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "test",
		Usage:     "run testscript files (*_test.txtar) offline, replaying model transcripts",
		UsageText: "spell test [-run REGEXP] [-v] [-update] [-work] [-timeout DURATION] [--json] [PATH...]",
		Description: `Runs the testscript files *_test.txtar found under each PATH (default ".";
.git, node_modules and other directories whose name starts with a dot are
skipped), one after the other in path order, with the go-internal testscript
engine. A PATH naming a file runs that file whatever its name. Flags must come
before the paths.

Each script runs in a fresh work directory $WORK holding the archive's files:
"exec spell ..." runs this spell binary; HOME, XDG_CONFIG_HOME,
XDG_STATE_HOME and XDG_CACHE_HOME point inside $WORK; API keys are not
passed; SPELL_MODEL=replay:$WORK, so "exec spell run -p TASK" replays the
archive's transcript entries (main/1.completion, main/1.prompt, ...) unless
the script passes --model. No network is needed.

One line per script: "ok  PATH (1.2s)", or "--- FAIL: PATH (1.2s)" followed
by the script's log indented by four spaces. The last line counts the
results: "N passed, M failed".

-update rewrites, inside the archives, the golden files compared by cmp and
the existing <handle>/<n>.prompt entries whose actual prompt differs (the
replay provider records them because -update sets SPELL_UPDATE=1); every
other byte of the archive is kept.

-run selects the scripts whose path (as printed) or name (the file name
without _test.txtar or .txtar) matches REGEXP.

--json prints one JSON object instead (for editors): {"scripts": [{"path",
"passed", "elapsed_s", "failure": {"line", "message"} or null, "log"}],
"passed", "failed"}; line is the archive line of the failing command (0
when unknown).

Exit codes: 0 every script passed; 1 some script failed; 2 usage errors (bad
flag or regular expression, missing path).

Examples:
  spell test                        run every *_test.txtar under .
  spell test -v examples/tests      also print the logs of passing scripts
  spell test -run hello .           only the scripts whose path matches hello
  spell test -update .              refresh cmp goldens and stale prompt entries
  spell test -work -run hello       keep the work directories and print them`,
		Flags: []cmdline.Flag{
			&cmdline.StringFlag{Name: "run", Usage: "run only the scripts whose path or name matches `REGEXP`"},
			&cmdline.BoolFlag{Name: "v", Usage: "print the log of passing scripts too (verbose testscript log)", HideDefault: true},
			&cmdline.BoolFlag{Name: "update", Usage: "rewrite cmp golden files and stale <handle>/<n>.prompt entries in the archives", HideDefault: true},
			&cmdline.BoolFlag{Name: "work", Usage: "keep the work directories and print their paths", HideDefault: true},
			&cmdline.DurationFlag{Name: "timeout", Value: 10 * time.Minute, Usage: "fail a script that runs longer than `DURATION` (0: no limit)"},
			&cmdline.BoolFlag{Name: "json", Usage: "print one JSON object with each script's result and failure line", HideDefault: true},
		},
		Action: runTest,
	}
}

// runTest runs the scripts in NetBinary: the runner (cmd/spell/cli/testcli)
// links go-internal's testscript engine and with it the testing and
// go/build packages, which spell does not (issue 11, start-up).
func runTest(ctx context.Context, c *cmdline.Command) error {
	if netParts != nil && netParts.Test != nil {
		return netParts.Test(ctx, c)
	}
	return execNet(c, "spell test", "the test runner")
}
