//go:build unix

package cli

import (
	"os"
	"syscall"
)

// runEngine replaces the process by the engine (it returns only on
// failure): signals and the exit status are the engine's own.
func runEngine(path string, argv []string) (int, error) {
	return 0, syscall.Exec(path, argv, os.Environ())
}
