package trace

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"hash"
	"strings"
)

// PromptHasher computes PromptSHA256 of the successive prompts of one
// handle. A turn's prompt usually extends the previous one (the program
// so far, reopened), so the hash is taken up from the state after the
// previous prompt: each turn hashes what it added, not the whole program.
// The zero value is ready; it is not safe for concurrent use.
type PromptHasher struct {
	prev  string
	state []byte // sha256 state after hashing prev
	buf   []byte // writeString's buffer, kept across turns
	// Hashed counts the bytes hashed so far (tests).
	Hashed int
}

// Sum returns PromptSHA256(prompt).
func (p *PromptHasher) Sum(prompt string) string {
	h := sha256.New()
	rest := prompt
	if p.state != nil && strings.HasPrefix(prompt, p.prev) {
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(p.state); err == nil {
			rest = prompt[len(p.prev):]
		} else {
			h.Reset()
		}
	}
	if p.buf == nil {
		p.buf = make([]byte, 32<<10)
	}
	p.Hashed += writeString(h, rest, p.buf)
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		state = nil
	}
	p.prev, p.state = prompt, state
	return hex.EncodeToString(h.Sum(nil))
}

// writeString writes s to h through buf (no copy of s whole) and returns
// len(s).
func writeString(h hash.Hash, s string, buf []byte) int {
	n := len(s)
	for s != "" {
		k := copy(buf, s)
		h.Write(buf[:k])
		s = s[k:]
	}
	return n
}
