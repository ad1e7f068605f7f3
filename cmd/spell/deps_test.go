package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The Temporal SDK (and the gRPC and protobuf packages it brings) stays
// out of spell: spell-temporal links it, and spell execs spell-temporal
// (issue 11: start-up; docs/temporal.md).
func TestSpellDoesNotLinkTemporal(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "temporal") || strings.HasPrefix(p, "google.golang.org/grpc") {
			t.Errorf("spell links %s", p)
		}
	}
}
