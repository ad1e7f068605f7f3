package spe

import (
	"fmt"
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
	key := fmt.Sprintf("%s %d", t.handle, t.depth)
	rt.lmu.Lock()
	prev := rt.reads[key]
	rt.lmu.Unlock()
	rr, err := eval.ReadProgramAfter(prev, name, text)
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

// programString is text as a string without a copy (the trace writer
// keeps it as the base of the next program's delta). Safe because a
// program text is never written below its length once made: the
// reader only appends in its spare capacity (see read).
func programString(text []byte) string {
	return unsafe.String(unsafe.SliceData(text), len(text))
}
