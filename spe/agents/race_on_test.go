//go:build race

package agents

// raceEnabled shortens the schedule fuzzer under the race detector.
const raceEnabled = true
