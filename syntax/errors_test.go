package syntax

import (
	"errors"
	"fmt"
	"testing"
)

// TestDuplicateKeySentinel: a duplicate literal key is recognised by
// errors.Is, also through wrapping; other syntax errors are not.
func TestDuplicateKeySentinel(t *testing.T) {
	f := Parse("t.spl", []byte(`{:a 1 :a 2} #{1 1}`))
	if len(f.Errors) != 2 {
		t.Fatalf("errors: %v", f.Errors)
	}
	for _, e := range f.Errors {
		if !errors.Is(e, ErrDuplicateKey) {
			t.Errorf("%q: not ErrDuplicateKey", e.Msg)
		}
		if !errors.Is(fmt.Errorf("lint: %w", e), ErrDuplicateKey) {
			t.Errorf("%q: the sentinel is lost through fmt.Errorf %%w", e.Msg)
		}
	}
	f = Parse("t.spl", []byte(`{:a 1 :b)`))
	if len(f.Errors) == 0 {
		t.Fatal("no error for a mismatched delimiter")
	}
	for _, e := range f.Errors {
		if errors.Is(e, ErrDuplicateKey) {
			t.Errorf("%q is ErrDuplicateKey", e.Msg)
		}
	}
}
