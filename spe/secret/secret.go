// Package secret owns the secret environment variables of a spell process
// (effects.md §11.2): which names are secret, and where their values live.
//
// A shell started by an agent can read the environment its parent started
// with (/proc/PID/environ on Linux, even as a non-dumpable process when it
// runs as root), so unsetting a variable after start is not enough. Protect
// therefore re-executes the program once with a cleaned environment and
// hands the secret values to the new image on an inherited pipe; the new
// image reads them into memory and closes the pipe. Getenv and Environ then
// serve the secrets from memory and everything else from the real
// environment.
package secret

import (
	"os"
	"strings"
	"sync"
)

// namedSecrets are secret whatever the name patterns say.
var namedSecrets = []string{"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "FIREWORKS_API_KEY", "SERPER_API_KEY"}

// IsName reports whether an environment variable holds a secret: one of the
// provider keys, or a name matching *_KEY, *_TOKEN, *SECRET*, *PASSWORD* or
// *CREDENTIAL* (case-insensitive).
func IsName(name string) bool {
	u := strings.ToUpper(name)
	for _, n := range namedSecrets {
		if u == n {
			return true
		}
	}
	return strings.HasSuffix(u, "_KEY") || strings.HasSuffix(u, "_TOKEN") ||
		strings.Contains(u, "SECRET") || strings.Contains(u, "PASSWORD") || strings.Contains(u, "CREDENTIAL")
}

// store holds the secrets handed over by Protect ("NAME=value" entries, in
// environment order). Empty when no hand-over happened.
var store struct {
	sync.RWMutex
	env []string
}

// Getenv is os.Getenv that also sees the secrets Protect moved out of the
// process environment.
func Getenv(name string) string {
	store.RLock()
	defer store.RUnlock()
	for _, kv := range store.env {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return os.Getenv(name)
}

// Environ is os.Environ plus the secrets Protect moved out of the process
// environment. Whoever passes it on to a process filters it first.
func Environ() []string {
	store.RLock()
	defer store.RUnlock()
	return append(os.Environ(), store.env...)
}

// setStore installs handed-over secrets.
func setStore(env []string) {
	store.Lock()
	defer store.Unlock()
	store.env = env
}

// split separates an environment into its secret and other entries. A
// name that occurs twice keeps its first value, as os.Getenv does.
func split(environ []string) (secrets, rest []string) {
	first := -1
	for i, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k != "" && IsName(k) {
			first = i
			break
		}
	}
	if first < 0 {
		// The usual case: nothing to move, nothing to build (issue 11,
		// start-up).
		return nil, environ
	}
	rest = append(rest, environ[:first]...)
	seen := map[string]bool{}
	for _, kv := range environ[first:] {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || !IsName(k) {
			rest = append(rest, kv)
			continue
		}
		if !seen[k] {
			seen[k] = true
			secrets = append(secrets, kv)
		}
	}
	return secrets, rest
}

// encode and decode are the hand-over format: NUL-terminated entries (an
// environment entry never contains NUL).
func encode(env []string) []byte {
	var b strings.Builder
	for _, kv := range env {
		b.WriteString(kv)
		b.WriteByte(0)
	}
	return []byte(b.String())
}

func decode(data []byte) []string {
	var env []string
	for _, kv := range strings.Split(string(data), "\x00") {
		if strings.Contains(kv, "=") {
			env = append(env, kv)
		}
	}
	return env
}
