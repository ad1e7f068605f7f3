package provider

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestPricingLongestPrefix(t *testing.T) {
	p, err := ParsePricing("p.edn", []byte(`{"claude-opus-4" [15 75] "claude-opus-4-8" [5 25] "gpt-" {:input 1 :output 2 :cache-read 0 :cache-write 3}}`))
	if err != nil {
		t.Fatal(err)
	}
	u := Usage{UncachedInput: 1_000_000, VisibleOutput: 1_000_000}
	for model, want := range map[string]float64{"claude-opus-4-8": 30, "claude-opus-4-8-20260101": 30, "claude-opus-4-1": 90, "gpt-x": 3} {
		got, ok := p.Cost(model, u)
		if !ok || !near(got, want) {
			t.Errorf("%s: %v %v, want %v", model, got, ok, want)
		}
	}
	if _, ok := p.Cost("llama3.2", u); ok {
		t.Error("unpriced model must report priced=false")
	}
	// Explicit cache prices (including an explicit zero) beat the ratios.
	got, _ := p.Cost("gpt-5", Usage{CachedInput: 1_000_000, CacheWriteInput: 1_000_000})
	if !near(got, 3) {
		t.Errorf("explicit cache prices: %v", got)
	}
}

func TestCostDefaults(t *testing.T) {
	p, _ := ParsePricing("p.edn", []byte(`{"m" [2 10]}`))
	u := Usage{UncachedInput: 1e6, CachedInput: 1e6, CacheWriteInput: 1e6, VisibleOutput: 1e6, ReasoningOutput: 1e6}
	got, ok := p.Cost("m-1", u)
	// 2 + 0.2 (read 0.10×) + 2.5 (write 1.25×) + 10 + 10 (reasoning at output)
	if !ok || !near(got, 24.7) {
		t.Errorf("cost %v", got)
	}
	q := p.WithProfile(ModelProfile{CacheReadRatio: 0.5, CacheWriteRatio: 2})
	if got, _ := q.Cost("m", Usage{CachedInput: 1e6, CacheWriteInput: 1e6}); !near(got, 5) {
		t.Errorf("profile ratios: %v", got)
	}
	flat := p.WithProfile(ModelProfile{Cost: &Price{Input: 1, Output: 1}})
	if got, ok := flat.Cost("anything", Usage{UncachedInput: 1e6}); !ok || !near(got, 1) {
		t.Errorf("flat: %v %v", got, ok)
	}
	if got, _ := p.Cost("m", u); !near(got, 24.7) {
		t.Error("WithProfile must not change the receiver")
	}
}

func TestEmbeddedPricing(t *testing.T) {
	for _, m := range []string{"claude-haiku-4-5-20251001", "claude-sonnet-5", "claude-sonnet-5-5", "claude-opus-4-8", "claude-fable-5-1",
		"gpt-6-astra", "gpt-5.4", "gpt-5.5", "gpt-5.6-sol", "glm-5p2", "kimi-k2p7-code", "kimi-k3", "qwen3p7-plus",
		"accounts/fireworks/models/kimi-k3"} {
		if c, ok := Cost(m, Usage{UncachedInput: 1000, VisibleOutput: 1000}); !ok || c <= 0 {
			t.Errorf("%s: not priced", m)
		}
	}
	if _, ok := Cost("human", Usage{}); ok {
		t.Error("human must be unpriced")
	}
}

func TestLoadPricingMerge(t *testing.T) {
	user, proj := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(user, "pricing.edn"), `{"my-model" [1 1] "claude-haiku-4" [9 9]}`)
	writeFile(t, filepath.Join(proj, "pricing.edn"), `{"my-model" [2 2]}`)
	p, err := LoadPricing(user, proj)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := p.Cost("my-model", Usage{UncachedInput: 1e6}); !near(c, 2) {
		t.Errorf("project override: %v", c)
	}
	if c, _ := p.Cost("claude-haiku-4-5", Usage{UncachedInput: 1e6}); !near(c, 9) {
		t.Errorf("user override: %v", c)
	}
	if c, _ := p.Cost("claude-sonnet-5", Usage{UncachedInput: 1e6}); !near(c, 3) {
		t.Errorf("embedded entry kept: %v", c)
	}
	if c, _ := DefaultPricing().Cost("claude-haiku-4-5", Usage{UncachedInput: 1e6}); !near(c, 1) {
		t.Errorf("embedded table mutated: %v", c)
	}
}

func TestPricingErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{"m" [1]}`, "p.edn:1:6: price must be [input output]"},
		{`{"m" {:input 1 :ouput 2}}`, "p.edn:1:16: unknown key :ouput in price (did you mean :output?)"},
		{`{"m" {:input 1}}`, "p.edn:1:6: price needs :input and :output"},
		{`{m [1 2]}`, "p.edn:1:2: price key must be a model-id prefix string"},
		{`{"m" [1 -2]}`, "p.edn:1:6: price must be [input output]"},
	}
	for _, tt := range tests {
		_, err := ParsePricing("p.edn", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestAliasesPricedOrUnknown: every model of the built-in alias table has
// a price, except those the table marks unknown (nil): the point releases
// gpt-5.2 and gpt-5.3, which the "gpt-5" prefix priced at gpt-5's rate.
// A user's pricing.edn can price them; nil there unprices a prefix.
func TestAliasesPricedOrUnknown(t *testing.T) {
	unknown := map[string]bool{"gpt52": true, "gpt53": true}
	a, p := DefaultAliases(), DefaultPricing()
	for alias := range a.Aliases {
		s, err := ResolveSpec(alias, a)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := p.Cost(s.Model, Usage{UncachedInput: 1e6, VisibleOutput: 1e6})
		if unknown[alias] {
			if ok || c != 0 {
				t.Errorf("%s (%s): priced at %v, want unknown", alias, s.Model, c)
			}
		} else if !ok || c <= 0 {
			t.Errorf("%s (%s): not priced", alias, s.Model)
		}
	}
	if _, ok := p.Lookup("gpt-5-2025-08-07"); !ok {
		t.Error("gpt-5 snapshots lost their price")
	}
	user := t.TempDir()
	writeFile(t, filepath.Join(user, "pricing.edn"), `{"gpt-5.2" [1 2] "claude-opus-4-8" nil}`)
	lp, err := LoadPricing(user, "")
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := lp.Cost("gpt-5.2", Usage{UncachedInput: 1e6}); !ok || !near(c, 1) {
		t.Errorf("user price for gpt-5.2: %v %v", c, ok)
	}
	if _, ok := lp.Lookup("claude-opus-4-8-20260101"); ok {
		t.Error("nil in a user pricing.edn did not unprice the prefix")
	}
	if _, ok := lp.Lookup("claude-opus-4-5"); !ok {
		t.Error("a nil entry unpriced another prefix")
	}
}
