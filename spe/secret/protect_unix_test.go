//go:build unix

package secret

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

const helperVar = "SPELL_PROTECT_TEST_HELPER"

// TestMain doubles as the helper process of TestProtectReexecutes: with
// helperVar set it calls Protect and reports what it sees.
func TestMain(m *testing.M) {
	if os.Getenv(helperVar) == "1" {
		var warn bytes.Buffer
		Protect(&warn)
		self, _ := os.ReadFile("/proc/self/environ")
		fmt.Printf("pid=%d\n", os.Getpid())
		fmt.Printf("getenv=%s\n", Getenv("FAKE_API_KEY"))
		fmt.Printf("environ-has-key=%v\n", slices.Contains(Environ(), "FAKE_API_KEY=sk-fake-0123456789"))
		fmt.Printf("os-environ-has-key=%v\n", strings.Contains(strings.Join(os.Environ(), "\n"), "sk-fake"))
		fmt.Printf("proc-environ-has-key=%v\n", bytes.Contains(self, []byte("sk-fake")))
		fmt.Printf("marker-left=%v\n", os.Getenv(MarkerVar) != "")
		fmt.Printf("warning=%q\n", warn.String())
		fmt.Printf("stored=%d\n", len(store.env))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper runs the helper with the test's environment minus its secrets,
// plus env.
func runHelper(t *testing.T, env ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	_, rest := split(os.Environ())
	cmd.Env = append(rest, append([]string{helperVar + "=1"}, env...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		got[k] = v
	}
	return got
}

func TestProtectReexecutes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/environ")
	}
	got := runHelper(t, "FAKE_API_KEY=sk-fake-0123456789")
	want := map[string]string{"getenv": "sk-fake-0123456789", "environ-has-key": "true",
		"os-environ-has-key": "false", "proc-environ-has-key": "false", "marker-left": "false", "warning": `""`, "stored": "1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestProtectWithoutSecretsDoesNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/environ")
	}
	got := runHelper(t)
	if got["warning"] != `""` || got["stored"] != "0" {
		t.Errorf("helper: %v", got)
	}
}

// A marker written for another process (a stale or forged one) is ignored:
// Protect does not read a descriptor it was not handed.
func TestParseMarker(t *testing.T) {
	pid := os.Getpid()
	for m, ok := range map[string]bool{
		fmt.Sprintf("5.%d", pid): true, fmt.Sprintf("5.%d", pid+1): false, fmt.Sprintf("2.%d", pid): false,
		"5": false, "x.y": false, "": false,
	} {
		if _, got := parseMarker(m); got != ok {
			t.Errorf("parseMarker(%q) = %v, want %v", m, got, ok)
		}
	}
}

func TestReceive(t *testing.T) {
	defer setStore(nil)
	hardenHook = func() {}
	defer func() { hardenHook = harden }()
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	syscall.Write(p[1], encode([]string{"A_KEY=one", "B_TOKEN=two=2"}))
	syscall.Close(p[1])
	if err := receive(p[0]); err != nil {
		t.Fatal(err)
	}
	if Getenv("A_KEY") != "one" || Getenv("B_TOKEN") != "two=2" {
		t.Errorf("store: %q %q", Getenv("A_KEY"), Getenv("B_TOKEN"))
	}
	if _, err := syscall.Write(p[0], []byte("x")); err == nil {
		t.Error("receive left the descriptor open")
	}
}

// When the hand-over cannot be done, reexec returns an error (Protect
// warns and the run goes on) instead of executing anything.
func TestReexecRefusesOversizedHandover(t *testing.T) {
	big := []string{"BIG_KEY=" + strings.Repeat("x", maxHandover)}
	if err := reexec(big, os.Environ()); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("reexec = %v", err)
	}
}
