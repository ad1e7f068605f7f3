package secret

import "syscall"

// harden makes the process non-dumpable (PR_SET_DUMPABLE 0): processes of
// the same unprivileged user can then neither read its /proc files nor
// attach to it to read the secrets from its memory. Root still can.
func harden() {
	const prSetDumpable = 4
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0)
}
