package cli

import (
	"fmt"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/spe"
)

// TestMaxInputDefault: the --max-input default shown in help is the
// limit used when the flag is not given (maxInput returns the constant
// without parsing the text).
func TestMaxInputDefault(t *testing.T) {
	n, err := eval.ParseSize(eval.FormatSize(defaultMaxInput))
	if err != nil || n != defaultMaxInput {
		t.Fatalf("ParseSize(FormatSize(%d)) = %d, %v", defaultMaxInput, n, err)
	}
}

// TestMaxMemoryDefault: the --max-memory default shown in help is the
// budget used when the flag is not given (runConfig uses the constant
// without parsing the text).
func TestMaxMemoryDefault(t *testing.T) {
	n, err := eval.ParseSize(eval.FormatSize(defaultMaxMemory))
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
