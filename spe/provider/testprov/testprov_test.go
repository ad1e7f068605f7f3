package testprov

import (
	"context"
	"testing"

	"github.com/spell-go/spell/spe/provider"
)

func TestHelloWorld(t *testing.T) {
	var p provider.Provider = New()
	r, err := p.Complete(context.Background(), &provider.Request{Handle: "main", CallNumber: 1})
	if err != nil || r.Suffix != `"hello world"` || p.Name() != "test" {
		t.Fatalf("%+v %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Complete(ctx, &provider.Request{}); err == nil {
		t.Error("cancelled context must fail")
	}
}
