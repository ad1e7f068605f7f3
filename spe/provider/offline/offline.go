// Package offline is the registry of the providers that reach no network:
// replay of a transcript, the human provider and the static test
// provider. spell wires it (it links no model SDK: issue 11, start-up);
// spe/provider/builtin adds the model SDK clients to it.
package offline

import (
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/human"
	"github.com/spell-go/spell/spe/provider/replay"
	"github.com/spell-go/spell/spe/provider/testprov"
)

// Registry returns the offline providers by :provider name.
func Registry() provider.Registry {
	return provider.Registry{
		"replay": newReplay,
		"human":  newHuman,
		"test":   func(provider.Setup) (provider.Provider, error) { return testprov.New(), nil },
	}
}

func newReplay(s provider.Setup) (provider.Provider, error) {
	p, err := replay.Open(s.Spec.Model, s.Strict)
	if err != nil {
		return nil, err
	}
	p.OnWarning = s.Warn
	return p, nil
}

func newHuman(s provider.Setup) (provider.Provider, error) {
	return human.New(s.Stdin, s.Stderr, s.Verbose), nil
}
