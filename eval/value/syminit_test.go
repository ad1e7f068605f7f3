package value

import (
	"strings"
	"testing"
)

// TestSetSymbolInit: the init function fills the slots of the symbols
// interned before it was set and of every later one, before SymNS
// returns it.
func TestSetSymbolInit(t *testing.T) {
	before := Sym("zz-init-before")
	SetSymbolInit(func(s *Symbol) {
		if strings.HasPrefix(s.Name, "zz-init-") {
			s.Pure = "filled " + s.Name
		}
	})
	defer func() {
		symMu.Lock()
		symInit = nil
		symMu.Unlock()
	}()
	if before.Pure != "filled zz-init-before" {
		t.Errorf("a symbol interned before: Pure = %v", before.Pure)
	}
	if s := Sym("zz-init-after"); s.Pure != "filled zz-init-after" {
		t.Errorf("a symbol interned after: Pure = %v", s.Pure)
	}
	if s := Sym("other-name"); s.Pure != nil {
		t.Errorf("another symbol: Pure = %v", s.Pure)
	}
}
