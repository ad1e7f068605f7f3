package spe

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/spell-go/spell/eval"
)

// read reads the program text of turn t. A turn's program usually
// continues the previous program of its handle at its depth (the prompt
// is that program, reopened), so the reading resumes from that one's
// (eval.ReadProgramAfter): the forms both share are not read again and
// keep their values. The reading may append its balancing parentheses in
// text's spare capacity (eval.ReadProgramAfter): text is the turn's own
// buffer.
func (rt *Runtime) read(t *turn, name string, text []byte) (*eval.ReadResult, error) {
	return rt.readKnown(t, name, text, nil, 0)
}

// readKnown is read for a text whose first known bytes are those of
// last (lastText): when the previous reading is last's, only the bytes
// after them are compared with it.
func (rt *Runtime) readKnown(t *turn, name string, text, last []byte, known int) (*eval.ReadResult, error) {
	key := fmt.Sprintf("%s %d", t.handle, t.depth)
	rt.lmu.Lock()
	prev := rt.reads[key]
	rt.lmu.Unlock()
	if prev == nil || prev.Completion == nil || !sameBytes(prev.Completion.Original, last) {
		known = 0
	}
	rr, err := eval.ReadProgramAfterKnown(prev, name, text, known)
	if err == nil && rr != nil && rr.Form != nil {
		rt.lmu.Lock()
		if rt.reads == nil {
			rt.reads = map[string]*eval.ReadResult{}
		}
		rt.reads[key] = rr
		rt.lmu.Unlock()
	}
	return rr, err
}

// programText is prompt+completion in a new buffer with room for the
// reader's balancing parentheses after it (read): the program is written
// once, and the buffer is not cleared first (strings.Builder.Grow).
func programText(prompt, completion string) []byte {
	var b strings.Builder
	b.Grow(len(prompt) + len(completion) + 64)
	b.WriteString(prompt)
	b.WriteString(completion)
	s := b.String()
	// The builder is dropped: its bytes after s are the text's spare
	// capacity alone.
	return unsafe.Slice(unsafe.StringData(s), b.Cap())[:len(s)]
}

// programString is text as a string without a copy (the trace writer
// keeps it as the base of the next program's delta). Safe because a
// program text is never written below its length once made: the
// reader only appends in its spare capacity (see read).
func programString(text []byte) string {
	return unsafe.String(unsafe.SliceData(text), len(text))
}

// lastText is the program text of the last model turn of a handle at a
// depth and the prompt it began with.
type lastText struct {
	prompt string
	text   []byte
}

// lastText returns the last program text of t's handle and depth and
// how many of its first bytes text, a program that begins with prompt,
// shares with it: known by construction, not compared. The prompt
// printer writes a prompt that extends the last one after it in the same
// buffer (value.PrefixCache), so a prompt in the same bytes and no
// shorter holds the last prompt whole, with which the last text begins.
// It then notes text as the last.
func (rt *Runtime) lastText(t *turn, prompt string, text []byte) (lastText, int) {
	key := fmt.Sprintf("%s %d", t.handle, t.depth)
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	last := rt.texts[key]
	known := 0
	if p := last.prompt; len(p) > 0 && len(prompt) >= len(p) && unsafe.StringData(prompt) == unsafe.StringData(p) {
		known = len(p)
	}
	if rt.texts == nil {
		rt.texts = map[string]lastText{}
	}
	rt.texts[key] = lastText{prompt: prompt, text: text}
	return last, known
}

// writeProgram writes the program text of turn seq to the trace; its
// first known bytes are those of last, the handle's previous program.
func (rt *Runtime) writeProgram(seq int, text, last []byte, known int) (string, error) {
	type knowing interface {
		WriteProgramAfter(turn int, text, base string, known int) (string, error)
	}
	if w, ok := rt.opts.Trace.(knowing); ok {
		return w.WriteProgramAfter(seq, programString(text), programString(last), known)
	}
	return rt.opts.Trace.WriteProgram(seq, programString(text))
}

// sameBytes reports whether a and b are the same bytes in memory.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}
