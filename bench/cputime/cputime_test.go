package cputime

import (
	"runtime"
	"testing"
)

// Spinning uses CPU, and Process sees it where the platform reports it.
func TestProcessGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no process CPU time on " + runtime.GOOS)
	}
	before := Process()
	x := 0
	for round := 0; round < 10000 && Process() <= before; round++ {
		for i := 0; i < 1e6; i++ {
			x += i
		}
	}
	if after := Process(); after <= before {
		t.Fatalf("CPU time did not grow: %v, then %v (%d)", before, after, x)
	}
}
