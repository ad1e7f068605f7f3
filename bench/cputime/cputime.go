// Package cputime measures the CPU time (user and system) this process has
// used. The benchmarks report CPU beside wall-clock time because a loaded,
// shared machine disturbs CPU time much less.
package cputime

import "time"

// Process returns the CPU time this process has used so far, or 0 where
// the platform does not report it (the benchmarks' cpu metrics then read 0).
func Process() time.Duration { return process() }
