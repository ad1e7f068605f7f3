package spe

import (
	"slices"
	"strings"
	"unsafe"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/syntax"
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
	// Keyed by handle and depth as the kept prefixes are; not with
	// fmt.Sprintf, whose first use costs start-up a printer and its pool
	// (issue 11).
	key := prefixKey(t)
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

// Program text buffers (issue 11: 10,000 turns in linear time). A turn's
// program text is its prompt and the model's completion in one buffer
// that the reader, the incremental plan and the trace writer take without
// a copy. A new buffer every turn allocated the whole program every turn,
// and the collections that allocation drove made a turn's CPU time grow
// with the program. So the runtime keeps the buffers of the last few
// texts of each handle and depth, and writes a turn's text into one that
// nothing reads any more:
//
//   - the holders that read a text's bytes later are all checked
//     (textHeld): the last text and reading of every handle (rt.texts,
//     rt.reads: Completion.Original, Text, File.Src), every kept prefix
//     (eval.Prefix.Text, which Plan compares the next text with) and the
//     trace writer's delta bases (Writer.Retains); a Tracer that cannot
//     say what it retains turns reuse off;
//   - the other references to a text are not read: eval.ReadResult's
//     resumed-from reading is compared by identity, and the line tables
//     of spans (kept by errors, futures and prefixes) count columns
//     without reading the text (syntax/wide.go);
//   - a text is never written below its length once made (the reader
//     appends only in its spare capacity), so a buffer still holds the
//     prompt it was written with: when the new prompt extends that one in
//     the prompt printer's append-only buffer (the same bytes, by
//     construction: value.PrefixCache), only the bytes after it and the
//     completion are copied. A turn costs what it added.
type textBuf struct {
	mem    []byte // the buffer (its capacity)
	prompt string // mem's first len(prompt) bytes are prompt's
}

// keptTexts is how many text buffers a handle and depth keep: the last
// text, the one before (its holders let go of it during the last turn),
// and one for a holder that lags a turn (a failed reading keeps the
// reading before it).
const keptTexts = 3

// textReuse are test switches: off allocates every text (the reference
// the tests compare with); poison overwrites a reused buffer whole with
// other (non-ASCII) bytes before writing the text (a holder that still
// read it would see them).
type textReuse struct {
	off, poison bool
	reused      int // texts written into a buffer used before
}

// retainer is a Tracer that says whether it keeps bytes of a buffer.
type retainer interface{ Retains(mem []byte) bool }

// turnText is programText for turn t, written into a buffer of t's handle
// and depth that no holder reads any more when there is one.
func (rt *Runtime) turnText(t *turn, prompt, completion string) []byte {
	n := len(prompt) + len(completion)
	if rt.textReuse.off {
		return programText(prompt, completion)
	}
	if tr := rt.opts.Trace; tr != nil {
		if _, ok := tr.(retainer); !ok {
			return programText(prompt, completion)
		}
	}
	key := prefixKey(t)
	rt.lmu.Lock()
	pool := slices.Clone(rt.bufs[key])
	rt.lmu.Unlock()
	var b *textBuf
	kept := pool[:0]
	for _, x := range pool {
		switch {
		case b == nil && cap(x.mem) >= n+64 && !rt.textHeld(x.mem):
			b = x
		case cap(x.mem) >= n+64:
			kept = append(kept, x) // (held: reusable later)
		}
	}
	var text []byte
	reused := b != nil
	if b == nil {
		b = &textBuf{mem: make([]byte, 0, n+n/4+64)}
	} else if rt.textReuse.poison {
		mem := b.mem[:cap(b.mem)]
		for i := range mem {
			mem[i] = "\xc3\xa9"[i%2]
		}
		b.prompt = ""
	}
	// The bytes of the prompt the buffer holds stay when the new prompt
	// extends it in the same memory.
	same := 0
	if len(b.prompt) > 0 && len(prompt) >= len(b.prompt) && unsafe.StringData(prompt) == unsafe.StringData(b.prompt) {
		same = len(b.prompt)
	}
	text = b.mem[:n]
	copy(text[same:], prompt[same:])
	copy(text[len(prompt):], completion)
	b.prompt = prompt
	if len(kept) >= keptTexts {
		kept = kept[len(kept)-keptTexts+1:]
	}
	rt.lmu.Lock()
	if rt.bufs == nil {
		rt.bufs = map[string][]*textBuf{}
	}
	rt.bufs[key] = append(kept, b)
	if reused {
		rt.textReuse.reused++
	}
	rt.lmu.Unlock()
	return text
}

// textHeld reports whether a holder that reads program text bytes later
// may read mem (see textBuf).
func (rt *Runtime) textHeld(mem []byte) bool {
	rt.lmu.Lock()
	held := false
	for _, l := range rt.texts {
		held = held || within(l.text, mem)
	}
	for _, rr := range rt.reads {
		held = held || rr != nil && completionIn(rr.Completion, mem)
	}
	rt.lmu.Unlock()
	p := &rt.prefixes
	p.mu.Lock()
	for _, k := range p.m {
		text, c := k.Text()
		held = held || within(text, mem) || completionIn(c, mem)
	}
	p.mu.Unlock()
	if tr, ok := rt.opts.Trace.(retainer); !held && ok {
		held = tr.Retains(mem)
	}
	return held
}

// completionIn reports whether c's texts lie in mem.
func completionIn(c *syntax.Completion, mem []byte) bool {
	return c != nil && (within(c.Original, mem) || within(c.Text, mem) || c.File != nil && within(c.File.Src, mem))
}

// within reports whether any of b's bytes (up to its capacity) lie in
// mem[:cap(mem)].
func within(b, mem []byte) bool {
	if cap(b) == 0 || cap(mem) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	return p+uintptr(cap(b)) > lo && p < lo+uintptr(cap(mem))
}

// Retains reports whether the run's trace writer keeps bytes of mem
// (trace.Writer.Retains); nothing before the directory is made.
func (l *lazyTrace) Retains(mem []byte) bool {
	return l.w != nil && l.w.Retains(mem)
}

// programString is text as a string without a copy (the trace writer
// keeps it as the base of the next program's delta). Safe because a
// program text is never written below its length while anything may
// read it: the reader only appends in its spare capacity (see read),
// and turnText writes another program into its buffer only once the
// trace writer no longer retains it (Writer.Retains) and no other
// holder reads it (textHeld).
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
	key := prefixKey(t)
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
