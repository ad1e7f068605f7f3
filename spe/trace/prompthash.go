package trace

import (
	"encoding/hex"
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
	p.state.WriteString(rest)
	p.Hashed += len(rest)
	p.prev = prompt
	return hex.EncodeToString(p.state.Sum(nil))
}
