package startup

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestDoneRestoresGOMAXPROCS runs this test binary again with
// GOMAXPROCS=3 in its environment: package initialisation ran on one P,
// and Done restores the count the runtime took from the environment.
func TestDoneRestoresGOMAXPROCS(t *testing.T) {
	if os.Getenv("STARTUP_CHILD") == "1" {
		before := runtime.GOMAXPROCS(0)
		Done()
		os.Stdout.WriteString("before=" + strconv.Itoa(before) + " after=" + strconv.Itoa(runtime.GOMAXPROCS(0)) + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDoneRestoresGOMAXPROCS$")
	cmd.Env = append(os.Environ(), "STARTUP_CHILD=1", "GOMAXPROCS=3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "before=1 after=3") {
		t.Errorf("child printed %q, want before=1 after=3", out)
	}
}
