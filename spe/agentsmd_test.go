package spe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWithAgentsMD(t *testing.T) {
	got := WithAgentsMD("Fix the bug", []byte("Use tabs.\n"))
	want := "Project instructions from AGENTS.md:\n<agents_md>\nUse tabs.\n</agents_md>\n\nTask: Fix the bug"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestWithAgentsMDCutsOnRuneBoundary(t *testing.T) {
	// "é" is two bytes: starting at an odd offset, the cap falls inside one.
	text := []byte("x" + strings.Repeat("é", AgentsMDMax))
	got := WithAgentsMD("T", text)
	body := strings.TrimSuffix(strings.TrimPrefix(got, "Project instructions from AGENTS.md:\n<agents_md>\n"), "\n</agents_md>\n\nTask: T")
	if !utf8.ValidString(body) {
		t.Fatal("cut inside a rune")
	}
	if len(body) != AgentsMDMax-1 {
		t.Fatalf("body is %d bytes, want %d", len(body), AgentsMDMax-1)
	}
}
