//go:build !unix

package secret

import "io"

// Protect does nothing on systems without exec: the secrets stay in the
// process environment (processes a program starts get a filtered
// environment either way).
func Protect(stderr io.Writer) {}
