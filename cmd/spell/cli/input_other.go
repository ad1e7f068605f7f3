//go:build !unix

package cli

import "os"

// openSource opens a source file for reading.
func openSource(path string) (*os.File, error) { return os.Open(path) }
