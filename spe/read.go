package spe

import (
	"fmt"

	"github.com/spell-go/spell/eval"
)

// read reads the program text of turn t. A turn's program usually
// continues the previous program of its handle at its depth (the prompt
// is that program, reopened), so the reading resumes from that one's
// (eval.ReadProgramAfter): the forms both share are not read again and
// keep their values.
func (rt *Runtime) read(t *turn, name, text string) (*eval.ReadResult, error) {
	key := fmt.Sprintf("%s %d", t.handle, t.depth)
	rt.lmu.Lock()
	prev := rt.reads[key]
	rt.lmu.Unlock()
	rr, err := eval.ReadProgramAfter(prev, name, []byte(text))
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
