package cli

// A command whose work outgrows the main goroutine's starting stack grows
// it once, at its start, while the stack is still shallow. The runtime
// grows a stack by copying it, and each copy unwinds every frame on it,
// faulting in their line tables: one shallow copy costs fewer page faults
// than the deeper copies the work would make later (issue 11, start-up).
// Each function's frame holds an array that is never zeroed (p is nil):
// only the frame's size counts, so the new stack's pages are not touched.
// Both are harmless when the stack is already larger.

// growLintStack grows the stack from 4 to 8 kB: a lint run outgrows 4 kB
// anyway (the profile lookup, then the analysis); copied here it unwinds
// six frames instead of thirteen (5 page faults fewer a run).
//
//go:noinline
func growLintStack(p *byte) byte {
	if p != nil {
		var b [3 << 10]byte
		i := int(*p)
		b[i] = *p
		return b[len(b)-1-i]
	}
	return 0
}

// growRunStack grows the stack to 16 kB in one copy: a run outgrows 8 kB
// anyway (the session's opening and the first evaluation); one shallow
// copy instead of two deeper ones, at the command's action and at runRun.
//
//go:noinline
func growRunStack(p *byte) byte {
	if p != nil {
		var b [12 << 10]byte
		i := int(*p)
		b[i] = *p
		return b[len(b)-1-i]
	}
	return 0
}
