// Package startup prepares the spell process before the other packages
// initialise, for a cheaper start (issue 11): it grows the main
// goroutine's stack once. spell's main imports it first, for that side
// effect alone.
//
// It imports nothing, so it is ready to initialise right after the
// runtime: package initialisation runs the packages whose dependencies
// are done in the order of their import paths, and its path sorts before
// those of internal/..., os, syscall, time, unicode and the rest that
// allocate.
// TestStartupInitialisesEarly checks both.
//
// The stack. Every goroutine starts on 2 kB, and the runtime grows a stack
// by copying it to one twice the size. Left alone, spell's main goroutine
// grew to 4 kB in package syscall's initialisation and again to 8 or
// 16 kB in the command: the first 4 kB stack of a process makes the
// runtime carve a 32 kB span into eight 4 kB stacks, writing to each
// (eight page faults), and each later copy unwinds the frames on the
// stack, faulting in their line tables. Grown here, where the stack holds
// three frames, it is one shallow copy into a 16 kB stack, and the
// commands run without another copy (7 to 12 page faults fewer a process).
//
// GOMAXPROCS is left as the runtime set it. An earlier version ran the
// package initialisation on one P (GOMAXPROCS 1 in init, restored in
// main) so that it reused the spans the runtime's start had made: 15 to
// 20 page faults fewer, but the two stop-the-world resizes and the thread
// the restore woke cost more CPU than the faults saved (spell run -e
// '(+ 1 2)' 0.12 to 0.14 ms more a process, --version 0.13 to 0.17 ms,
// medians of 500 alternating runs).
package startup

func init() { grow(nil) }

// grow's frame holds an array that is never written (p is nil): only the
// frame's size counts, so the new stack's pages are not touched.
//
//go:noinline
func grow(p *byte) byte {
	if p != nil {
		var b [12 << 10]byte
		i := int(*p)
		b[i] = *p
		return b[len(b)-1-i]
	}
	return 0
}
