package spellio

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// TestIsEscapeByIdentity: os.Root's refusal of a path that leaves the
// root is recognised by identity, also through wrapping, and an error that
// merely has the same text is not.
func TestIsEscapeByIdentity(t *testing.T) {
	r, err := os.OpenRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Lstat("../outside")
	if !isEscape(err) {
		t.Fatalf("isEscape(%v) is false", err)
	}
	if !isEscape(fmt.Errorf("stat: %w", err)) {
		t.Error("isEscape is lost through fmt.Errorf %w")
	}
	if isEscape(errors.New("path escapes from parent")) {
		t.Error("isEscape matches an error by its text")
	}
	if _, err := r.Lstat("missing"); isEscape(err) {
		t.Errorf("isEscape(%v) is true", err)
	}
	if isEscape(nil) {
		t.Error("isEscape(nil)")
	}
}
