//go:build unix

package cli

import "github.com/spell-go/spell/spe/secret"

// runNet replaces the process by NetBinary (it returns only on failure),
// handing the secrets over as Protect does.
func runNet(path string, argv []string) (int, error) {
	return 0, secret.Exec(path, argv)
}
