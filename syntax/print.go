package syntax

// Print returns the file's text as the tree covers it. For a parsed file it
// is always identical to the input (the round-trip invariant); it is written
// from the nodes, not copied from Src, so tests of the invariant are real.
func Print(f *File) []byte {
	out := make([]byte, 0, len(f.Src))
	var last int32
	emit := func(start, end int32) {
		if start > last { // trivia gap (whitespace, comments, discards)
			out = append(out, f.Src[last:start]...)
		}
		out = append(out, f.Src[start:end]...)
		last = end
	}
	type item struct {
		n    *Node
		kids int
	}
	for _, form := range f.Forms {
		stack := []item{{n: form}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			n := top.n
			if top.kids == 0 {
				emit(n.Start, n.OpenEnd)
			}
			if top.kids < len(n.Kids) {
				top.kids++
				stack = append(stack, item{n: n.Kids[top.kids-1]})
				continue
			}
			if n.CloseStart >= 0 {
				emit(n.CloseStart, n.End)
			}
			stack = stack[:len(stack)-1]
		}
	}
	out = append(out, f.Src[last:]...)
	return out
}
