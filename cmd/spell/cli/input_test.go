package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
)

// TestMaxInputDefault: the --max-input default shown in help is the
// limit used when the flag is not given (maxInput returns the constant
// without parsing the text).
func TestMaxInputDefault(t *testing.T) {
	if got := eval.FormatSize(defaultMaxInput); got != defaultMaxInputText {
		t.Errorf("FormatSize(defaultMaxInput) = %q, defaultMaxInputText %q", got, defaultMaxInputText)
	}
	n, err := eval.ParseSize(defaultMaxInputText)
	if err != nil || n != defaultMaxInput {
		t.Fatalf("ParseSize(FormatSize(%d)) = %d, %v", defaultMaxInput, n, err)
	}
}

// TestMaxMemoryDefault: the --max-memory default shown in help is the
// budget used when the flag is not given (runConfig uses the constant
// without parsing the text).
func TestMaxMemoryDefault(t *testing.T) {
	if got := eval.FormatSize(defaultMaxMemory); got != defaultMaxMemoryText {
		t.Errorf("FormatSize(defaultMaxMemory) = %q, defaultMaxMemoryText %q", got, defaultMaxMemoryText)
	}
	n, err := eval.ParseSize(defaultMaxMemoryText)
	if err != nil || n != defaultMaxMemory {
		t.Fatalf("ParseSize(FormatSize(%d)) = %d, %v", int64(defaultMaxMemory), n, err)
	}
}

// TestBudgetDefaultText: the --budget default shown in help is spe's
// default budget.
func TestBudgetDefaultText(t *testing.T) {
	if want := fmt.Sprintf("%.2f", spe.DefaultLimits.Budget); defaultBudgetText != want {
		t.Fatalf("defaultBudgetText = %q, want %q", defaultBudgetText, want)
	}
}

// TestReadSized checks readSized against what it was told to expect: a
// small file is read into one buffer of its size plus the byte that finds
// the end (not io.ReadAll's 512: issue 11, start-up); a reader holding
// more or less than expected is read to its end all the same, and the
// limit holds whatever the expectation.
func TestReadSized(t *testing.T) {
	const small = "(let [x 41]\n  (+ x 1))\n"
	path := filepath.Join(t.TempDir(), "small.spl")
	if err := os.WriteFile(path, []byte(small), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := readSourceFile(path, defaultMaxInput)
	if err != nil || string(b) != small {
		t.Fatalf("readSourceFile = %q, %v", b, err)
	}
	if cap(b) != len(small)+1 {
		t.Errorf("a %d-byte file was read into a buffer of %d bytes, want %d", len(small), cap(b), len(small)+1)
	}
	long := strings.Repeat("x", 3000)
	for _, c := range []struct {
		text        string
		size, limit int64
		tooLarge    bool
	}{
		{long, 10, 5000, false}, // grew after its Stat
		{"ab", 100, 5000, false},
		{"", 0, 5000, false},
		{long, -1, 5000, false},
		{long, 10, 2999, true},
		{long, 3000, 2999, true},
		{long, -1, 2999, true},
		{long, 3000, 3000, false},
	} {
		b, err := readSized(strings.NewReader(c.text), c.size, c.limit)
		var tl *tooLargeError
		switch {
		case c.tooLarge && !errors.As(err, &tl):
			t.Errorf("%d bytes, size %d, limit %d: %v, want a tooLargeError", len(c.text), c.size, c.limit, err)
		case !c.tooLarge && (err != nil || string(b) != c.text):
			t.Errorf("%d bytes, size %d, limit %d: %d bytes, %v", len(c.text), c.size, c.limit, len(b), err)
		}
	}
}
