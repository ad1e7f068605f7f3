package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spell-go/spell/spe"
)

// TestStatusLineNotTerminal: on a file that is not a terminal the status
// line draws nothing, model calls or not (the terminal check is made at
// the first pending call).
func TestStatusLineNotTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := newStatusLine(f)
	s.update(true, spe.ProgressInfo{Turn: 1})
	s.update(false, spe.ProgressInfo{Turn: 1})
	s.update(true, spe.ProgressInfo{Turn: 2})
	s.close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 0 {
		t.Fatalf("wrote %d bytes, want none", st.Size())
	}
	if s.stop != nil {
		t.Fatal("the drawing loop started on a file that is not a terminal")
	}
	if newStatusLine(nil) != nil {
		t.Fatal("newStatusLine(nil) != nil")
	}
}
