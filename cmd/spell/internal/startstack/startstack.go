// Package startstack grows the main goroutine's stack to 16 kB before the
// standard library's packages initialise. spell imports it for that
// alone (issue 11, start-up).
//
// Every goroutine starts on 2 kB, and the runtime grows a stack by copying
// it to one twice the size. Left alone, spell's main goroutine grew to
// 4 kB in package syscall's initialisation and again to 8 or 16 kB in the
// command: the first 4 kB stack of a process makes the runtime carve a
// 32 kB span into eight 4 kB stacks, writing to each (eight page faults),
// and each later copy unwinds the frames on the stack, faulting in their
// line tables. Grown here, where the stack holds three frames, it is one
// shallow copy into a 16 kB stack (a span carved into two), and the
// commands run without another copy (run -e, fmt and lint of a small
// file: 7 to 12 page faults fewer a process; TestStackGrownAtStart).
//
// The package imports nothing, so it initialises right after the runtime:
// package initialisation runs the packages whose dependencies are done in
// the order of their import paths, and its path sorts before syscall's.
package startstack

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
