package main

import (
	"strings"
	"testing"
)

// TestCommandLine checks spell-temporal's command line without a server:
// help has spell's layout, usage errors are spell's (exit 2, the spell
// command's name, on stderr), an unknown command is one, and the
// connection flags take their values from the environment.
func TestCommandLine(t *testing.T) {
	run := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		var out, errOut strings.Builder
		code = Main(append([]string{"spell-temporal"}, args...), strings.NewReader(""), &out, &errOut)
		return code, out.String(), errOut.String()
	}

	code, out, errOut := run("status", "-h")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "Usage:\n  spell-temporal status [--address HOST:PORT] [--namespace NS] RUN\n") ||
		!strings.Contains(out, "\n  --address HOST:PORT    the Temporal frontend HOST:PORT (default: \"localhost:7233\") [$TEMPORAL_ADDRESS]\n") {
		t.Errorf("status -h: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"worker", "--keep", "5"}, "spell worker: invalid value \"5\" for flag -keep: time: missing unit in duration \"5\"\nRun 'spell help worker' for usage.\n"},
		{[]string{"result", "--bogus"}, "spell result: flag provided but not defined: -bogus\nRun 'spell help result' for usage.\n"},
		{[]string{"nosuch"}, "spell: unknown command \"nosuch\"\nRun 'spell help' for usage.\n"},
		{[]string{"help", "nosuch"}, "spell: unknown command \"nosuch\"\nRun 'spell help' for usage.\n"},
	} {
		code, out, errOut := run(c.args...)
		if code != 2 || out != "" || errOut != c.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.want)
		}
	}

	// Nothing listens on port 1: the error names the address the
	// environment gave.
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")
	t.Setenv("TEMPORAL_NAMESPACE", "from-env")
	code, _, errOut = run("status", "some-run")
	if code != 2 || !strings.HasPrefix(errOut, "spell status: no Temporal server at 127.0.0.1:1 (namespace from-env)") {
		t.Errorf("status with TEMPORAL_ADDRESS: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run("status", "--address", "127.0.0.1:2", "some-run")
	if code != 2 || !strings.HasPrefix(errOut, "spell status: no Temporal server at 127.0.0.1:2 ") {
		t.Errorf("status --address over TEMPORAL_ADDRESS: exit %d, stderr %q", code, errOut)
	}
}
