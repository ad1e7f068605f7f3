//go:build !unix

package eval

import "time"

// processCPU is not measured here: benchVsGo reports wall-clock times only.
func processCPU() time.Duration { return 0 }
