package temporal

import (
	"bytes"
	"strconv"
	"sync"
)

// verboseLog is a step's spe.Config.Verbose: what spell run -v prints,
// block by block. The runtime writes each block (a turn's prompt, a
// turn's completion) in one Write, headed "--- HANDLE/N prompt (KIND)
// ---" or "--- HANDLE/N completion ---". A step replays turns whose
// blocks an earlier step returned; take returns each block once, with
// the step that completed its turn, so that the steps' texts add up to
// the local run's -v output.
type verboseLog struct {
	mu      sync.Mutex
	pending []verboseBlock
}

type verboseBlock struct {
	turn string // handle/n ("" when the header is not a turn's)
	text []byte
}

func (v *verboseLog) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pending = append(v.pending, verboseBlock{turn: blockTurn(p), text: bytes.Clone(p)})
	return len(p), nil
}

// blockTurn returns the turn (handle/n) a block's header names.
func blockTurn(p []byte) string {
	head, _, _ := bytes.Cut(p, []byte("\n"))
	head, ok := bytes.CutPrefix(head, []byte("--- "))
	if !ok {
		return ""
	}
	i := bytes.IndexByte(head, ' ')
	if i < 0 {
		return ""
	}
	ref := head[:i]
	j := bytes.LastIndexByte(ref, '/')
	if j < 0 {
		return ""
	}
	if _, err := strconv.Atoi(string(ref[j+1:])); err != nil {
		return ""
	}
	return string(ref)
}

// take returns, in order, the blocks of the turns completed in this step
// (fresh) and drops those of turns completed before it (prior: replayed
// blocks). Blocks of turns not completed yet (a prompt waiting for the
// next step's call) wait, unless the run ended (final): then they are
// returned too (a call that failed).
func (v *verboseLog) take(prior, fresh map[string]bool, final bool) []byte {
	if v == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []byte
	keep := v.pending[:0]
	for _, b := range v.pending {
		switch {
		case b.turn != "" && prior[b.turn] && !fresh[b.turn]:
		case fresh[b.turn] || final || b.turn == "":
			out = append(out, b.text...)
		default:
			keep = append(keep, b)
		}
	}
	clear(v.pending[len(keep):])
	v.pending = keep
	return out
}
