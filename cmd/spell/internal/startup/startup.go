// Package startup prepares the spell process before the other packages
// initialise, for a cheaper start (issue 11): it grows the main
// goroutine's stack once and runs package initialisation on one P.
// spell's main imports it first and calls Done before anything else.
//
// It imports only the runtime, so it is ready to initialise right after
// it: package initialisation runs the packages whose dependencies are done
// in the order of their import paths, and its path sorts before those of
// internal/..., os, syscall, time, unicode and the rest that allocate.
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
// One P. With two Ps, spell's package initialisation ran on the P the
// runtime's own start had not allocated on (the main goroutine changes P
// when it waits for the runtime's first goroutines), whose per-P caches
// held no span yet: each size class the process then allocated cost a new
// span, two page faults each with Go 1.26's GC. With GOMAXPROCS 1 during
// initialisation the main goroutine is on the first P and reuses what the
// runtime's start allocated (spell run -e '(+ 1 2)': 64 heap spans → 49,
// 24 page faults fewer; --version 19 fewer).
// Done restores the count the runtime chose (the GOMAXPROCS environment
// variable, or the CPUs and CPU quota available) before the command runs,
// so commands keep their parallelism; only the runtime's periodic update
// of that default is off, as after any GOMAXPROCS call.
package startup

import "runtime"

// procs is GOMAXPROCS as the runtime set it at its start.
var procs int

func init() {
	grow(nil)
	procs = runtime.GOMAXPROCS(1)
}

// Done ends start-up: it restores GOMAXPROCS to the runtime's own choice.
func Done() { runtime.GOMAXPROCS(procs) }

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
