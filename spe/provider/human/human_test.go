package human

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/spe/provider"
)

func TestHuman(t *testing.T) {
	in := strings.NewReader("(def x 1)\r\n  (+ x 1)\n.\nsecond\n")
	var out strings.Builder
	p := New(in, &out, true)
	var _ provider.Provider = p
	r, err := p.Complete(context.Background(), &provider.Request{Handle: "main", CallNumber: 1, Kind: provider.KindSelf, System: "SYS", Prefix: "(quine prompt \"T\") "})
	if err != nil {
		t.Fatal(err)
	}
	if r.Suffix != "(def x 1)\n  (+ x 1)" {
		t.Errorf("suffix %q", r.Suffix)
	}
	o := out.String()
	for _, s := range []string{"main/1", "SYS", "(quine prompt \"T\") "} {
		if !strings.Contains(o, s) {
			t.Errorf("output lacks %q:\n%s", s, o)
		}
	}
	// End of input ends the second suffix.
	out.Reset()
	p.Verbose = false
	r, err = p.Complete(context.Background(), &provider.Request{Handle: "spawn-1", CallNumber: 2, System: "SYS", Prefix: "P"})
	if err != nil || r.Suffix != "second" {
		t.Fatalf("%v %v", r, err)
	}
	if strings.Contains(out.String(), "SYS") || !strings.Contains(out.String(), "spawn-1/2") {
		t.Errorf("output:\n%s", out.String())
	}
	// Nothing left: an error, not an endless run of empty suffixes.
	if _, err := p.Complete(context.Background(), &provider.Request{Handle: "main", CallNumber: 2}); err == nil {
		t.Error("want end of input error")
	}
}

func TestHumanContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	p := New(pr, io.Discard, false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := p.Complete(ctx, &provider.Request{Handle: "main", CallNumber: 1})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	// Lines typed later still reach the next call.
	go io.WriteString(pw, "late\n.\n")
	r, err := p.Complete(context.Background(), &provider.Request{Handle: "main", CallNumber: 2})
	if err != nil || r.Suffix != "late" {
		t.Fatalf("%v %v", r, err)
	}
}
