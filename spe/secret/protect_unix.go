//go:build unix

package secret

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// MarkerVar tells the re-executed image where its secrets wait: "FD.PID",
// the inherited pipe's descriptor and the process ID of the image that may
// read it. exec keeps the process ID, so a marker that reaches any other
// process (which Protect never lets happen) is ignored.
const MarkerVar = "SPELL_SECRETS_FD"

// maxHandover caps what the re-executed image reads from the pipe (and what
// the first image writes: a pipe holds at least this much without a
// reader on every supported system).
const maxHandover = 16 << 10

// Protect moves the secret variables out of the process environment, so
// that processes started by the program cannot read them from
// /proc/PID/environ. When the environment holds secrets, it re-executes the
// running binary (same arguments) with an environment without them and
// hands the values over on an inherited pipe; it returns only in the
// re-executed image, after reading them, or when there is nothing to do.
// If the re-execution cannot be done it warns on stderr and returns: the
// run goes on, with the secrets still in the environment (processes the
// program starts get a filtered environment either way).
//
// Call it first thing in main, before anything else reads the environment
// or starts goroutines that could fork. It never re-executes twice.
func Protect(stderr io.Writer) {
	if m, ok := os.LookupEnv(MarkerVar); ok {
		os.Unsetenv(MarkerVar)
		if fd, ok := parseMarker(m); ok {
			if err := receive(fd); err != nil {
				warn(stderr, err)
			}
			return
		}
	}
	secrets, rest := split(os.Environ())
	if len(secrets) == 0 {
		return
	}
	if err := reexec(secrets, rest); err != nil {
		warn(stderr, err)
	}
}

func warn(w io.Writer, err error) {
	fmt.Fprintf(w, "spell: warning: secrets stay in the process environment, readable by the processes a program starts: %v\n", err)
}

// parseMarker returns the descriptor of a marker written for this process.
func parseMarker(m string) (int, bool) {
	f, p, ok := strings.Cut(m, ".")
	fd, err1 := strconv.Atoi(f)
	pid, err2 := strconv.Atoi(p)
	if !ok || err1 != nil || err2 != nil || pid != os.Getpid() || fd < 3 {
		return 0, false
	}
	return fd, true
}

// Exec replaces the process image by the program at path (argv[0] first)
// with the process environment. The secrets Protect moved out of it reach
// the new image as they reached this one, on an inherited pipe, which the
// new image's Protect reads (so it must call Protect, as this one did).
// It returns only on failure.
func Exec(path string, argv []string) error {
	store.RLock()
	held := append([]string(nil), store.env...)
	store.RUnlock()
	if len(held) == 0 {
		return syscall.Exec(path, argv, os.Environ())
	}
	return execWith(path, argv, held, os.Environ())
}

// reexec writes the secrets into a pipe and replaces the process image by
// a fresh copy of the binary whose environment is rest plus the marker. It
// returns only on failure.
func reexec(secrets, rest []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return execWith(exe, os.Args, secrets, rest)
}

// execWith is reexec of the program at path with argv.
func execWith(exe string, argv, secrets, rest []string) error {
	payload := encode(secrets)
	if len(payload) > maxHandover {
		return fmt.Errorf("the secret variables hold more than %d bytes", maxHandover)
	}
	// syscall.Pipe leaves both ends inheritable; only the read end must
	// survive exec, and the write end is closed first so the reader meets
	// end of file.
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return err
	}
	syscall.CloseOnExec(p[1])
	if err := syscall.SetNonblock(p[1], true); err != nil {
		closeBoth(p)
		return err
	}
	n, err := syscall.Write(p[1], payload)
	if err == nil && n != len(payload) {
		err = io.ErrShortWrite
	}
	if err != nil {
		closeBoth(p)
		return fmt.Errorf("hand-over pipe: %w", err)
	}
	syscall.Close(p[1])
	env := append(rest[:len(rest):len(rest)], fmt.Sprintf("%s=%d.%d", MarkerVar, p[0], os.Getpid()))
	err = syscall.Exec(exe, argv, env)
	syscall.Close(p[0])
	return fmt.Errorf("executing %s: %w", exe, err)
}

// hardenHook is harden, replaced in tests.
var hardenHook = harden

func closeBoth(p [2]int) {
	syscall.Close(p[0])
	syscall.Close(p[1])
}

// receive reads the handed-over secrets from fd and closes it.
func receive(fd int) error {
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "secrets")
	data, err := io.ReadAll(io.LimitReader(f, maxHandover+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("reading the hand-over pipe: %w", err)
	}
	if len(data) > maxHandover {
		return fmt.Errorf("hand-over pipe: more than %d bytes", maxHandover)
	}
	setStore(decode(data))
	hardenHook()
	return nil
}
