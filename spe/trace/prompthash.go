package trace

import (
	"encoding/hex"
	"hash"
	"strings"

	"github.com/spell-go/spell/spe/trace/internal/sha256"
)

// PromptHasher computes PromptSHA256 of the successive prompts of one
// handle. A turn's prompt usually extends the previous one (the program
// so far, reopened), so the hash is taken up from the state after the
// previous prompt: each turn hashes what it added, not the whole program.
// The zero value is ready; it is not safe for concurrent use.
type PromptHasher struct {
	prev  string
	state *sha256.Digest // the hash after prev; nil before the first prompt
	buf   []byte         // writeString's buffer, kept across turns
	// Hashed counts the bytes hashed so far (tests).
	Hashed int
}

// Sum returns PromptSHA256(prompt).
func (p *PromptHasher) Sum(prompt string) string {
	rest := prompt
	if p.state != nil && strings.HasPrefix(prompt, p.prev) {
		rest = prompt[len(p.prev):]
	} else {
		p.state = sha256.New()
	}
	if p.buf == nil {
		p.buf = make([]byte, 32<<10)
	}
	p.Hashed += writeString(p.state, rest, p.buf)
	p.prev = prompt
	return hex.EncodeToString(p.state.Sum(nil))
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
