//go:build !unix

package secret

import (
	"errors"
	"io"
)

// Protect does nothing on systems without exec: the secrets stay in the
// process environment (processes a program starts get a filtered
// environment either way).
func Protect(stderr io.Writer) {}

// Exec is not available on systems without exec: ErrNoExec.
func Exec(path string, argv []string) error { return ErrNoExec }

// ErrNoExec is Exec's error where the system cannot replace a process
// image.
var ErrNoExec = errors.New("exec is not available on this system")
