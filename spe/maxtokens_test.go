package spe_test

import (
	"testing"

	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/testprov"
)

// The output cap with thinking is 32768 unless -M sets one (runtime.md
// §10.1); without thinking it is the model profile's 16384.
func TestThinkingOutputCap(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, tt := range []struct {
		thinking, flag, want int
	}{{0, 0, 16384}, {8000, 0, 32768}, {8000, 20000, 20000}, {0, 1000, 1000}} {
		var got int
		reg := provider.Registry{"anthropic": func(s provider.Setup) (provider.Provider, error) {
			got = s.MaxTokens
			return testprov.New(), nil
		}}
		_, err := spe.Open(spe.Config{Program: []byte("1"), Model: "anthropic:claude-haiku-4-5", Providers: reg,
			Thinking: tt.thinking, MaxTokens: tt.flag, NoTrace: true, Cwd: t.TempDir(), Environ: []string{},
			Getenv: func(k string) string {
				if k == "ANTHROPIC_API_KEY" {
					return "sk-ant-test-0123456789"
				}
				return ""
			}})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("thinking %d, -M %d: max tokens %d, want %d", tt.thinking, tt.flag, got, tt.want)
		}
	}
}
