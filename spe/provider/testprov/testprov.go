// Package testprov is the static test provider (`--model test`, `-t`,
// runtime.md §8.5): every call returns the suffix `"hello world"` (a Spell
// string literal, quotes included), so a task run prints `hello world`.
package testprov

import (
	"context"

	"github.com/spell-go/spell/spe/provider"
)

// Suffix is the text every call returns.
const Suffix = `"hello world"`

// Provider is the static test provider.
type Provider struct{}

// New returns the test provider.
func New() *Provider { return &Provider{} }

// Name is "test".
func (*Provider) Name() string { return "test" }

// Complete returns Suffix with zero usage.
func (*Provider) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Provider: "test", Msg: err.Error(), Err: err}
	}
	return &provider.Response{Suffix: Suffix, StopReason: "end_turn", EffectiveModel: "test", Attempts: 1}, nil
}
