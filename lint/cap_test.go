package lint

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// unbound returns "(do a0 a1 …)" with n distinct unbound names, or the
// same name n times when same.
func unbound(n int, same bool) string {
	var b strings.Builder
	b.WriteString("(do")
	for i := range n {
		if same {
			b.WriteString(" strr")
		} else {
			fmt.Fprintf(&b, " zz%d", i)
		}
	}
	b.WriteString(")")
	return b.String()
}

func countRule(ds []Diagnostic, rule string) (n int, more []Diagnostic) {
	for _, d := range ds {
		if d.Rule != rule {
			continue
		}
		if d.more > 0 {
			more = append(more, d)
		} else {
			n++
		}
	}
	return n, more
}

func TestMaxPerRule(t *testing.T) {
	for _, c := range []struct {
		n, wantKept, wantMore int
	}{
		{MaxPerRule, MaxPerRule, 0},
		{MaxPerRule + 1, MaxPerRule, 1},
		{MaxPerRule + 7, MaxPerRule, 7},
	} {
		src := unbound(c.n, false)
		f := syntax.Parse("t.spl", []byte(src))
		ds := Check(f, Options{}, Config{})
		kept, more := countRule(ds, "unresolved-symbol")
		if kept != c.wantKept {
			t.Errorf("n=%d: %d findings kept, want %d", c.n, kept, c.wantKept)
		}
		if c.wantMore == 0 {
			if len(more) != 0 {
				t.Errorf("n=%d: unexpected summary %q", c.n, more[0].Message)
			}
			continue
		}
		if len(more) != 1 || more[0].more != c.wantMore {
			t.Fatalf("n=%d: summaries %+v, want one of %d", c.n, more, c.wantMore)
		}
		// The summary stands at the first finding left out: zz1000.
		m := more[0]
		if got := src[m.Start:m.End]; got != fmt.Sprintf("zz%d", MaxPerRule) {
			t.Errorf("n=%d: summary at %q", c.n, got)
		}
		if want := fmt.Sprintf("… %d more unresolved-symbol", c.wantMore); !strings.HasPrefix(m.Message, want) {
			t.Errorf("n=%d: summary %q, want prefix %q", c.n, m.Message, want)
		}
		if m.Level != LevelError && m.Level != (Config{}).Level("unresolved-symbol") {
			t.Errorf("summary level %v", m.Level)
		}
	}
}

// Suppressed findings do not count toward the cap.
func TestMaxPerRuleAfterSuppression(t *testing.T) {
	src := "(do #_:spell/ignore " + unbound(10, false) + " " + unbound(MaxPerRule, false) + ")"
	f := syntax.Parse("t.spl", []byte(src))
	kept, more := countRule(Check(f, Options{}, Config{}), "unresolved-symbol")
	if kept != MaxPerRule || len(more) != 0 {
		t.Errorf("kept %d, summaries %d; want %d, 0", kept, len(more), MaxPerRule)
	}
}

// lets returns "(let [p0 1 p1 1 …] 2)": n unused bindings.
func lets(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("(let [")
	for i := range n {
		fmt.Fprintf(&b, "%s%d 1 ", prefix, i)
	}
	b.WriteString("] 2)")
	return b.String()
}

// Check merges the findings of the recovered text under one cap: a form
// left open between many unused bindings still yields one summary.
func TestMaxPerRuleAcrossRecovery(t *testing.T) {
	half := MaxPerRule / 2
	src := lets("p", half) + "\n(foo [e]\n" + lets("q", MaxPerRule) + "\n"
	f := syntax.Parse("t.spl", []byte(src))
	ds := Check(f, Options{}, Config{})
	kept, more := countRule(ds, "unused-binding")
	if kept != MaxPerRule || len(more) != 1 || more[0].more != half {
		t.Fatalf("kept %d, summaries %+v; want %d and one of %d", kept, more, MaxPerRule, half)
	}
	if got, want := src[more[0].Start:more[0].End], fmt.Sprintf("q%d", half); got != want {
		t.Errorf("summary at %q, want %q", got, want)
	}
}

// The did-you-mean is the same for every occurrence of a name.
func TestRepeatedUnresolvedHint(t *testing.T) {
	f := syntax.Parse("t.spl", []byte(unbound(50, true)))
	ds := Check(f, Options{}, Config{})
	if len(ds) != 50 {
		t.Fatalf("%d findings, want 50", len(ds))
	}
	for _, d := range ds {
		if d.Message != ds[0].Message || len(d.Fixes) != 1 || d.Fixes[0].Edits[0].Start != d.Start {
			t.Fatalf("finding %+v differs from the first %+v", d, ds[0])
		}
	}
	if !strings.Contains(ds[0].Message, "did you mean") {
		t.Errorf("no did-you-mean in %q", ds[0].Message)
	}
}

// Linting dense unbound symbols allocates a bounded number of bytes per
// input byte (548 before the findings cap and the did-you-mean cache).
func TestDenseUnboundAllocation(t *testing.T) {
	src := denseUnbound(512 << 10)
	opts := Options{Namespaces: DefaultNamespaces()}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f := syntax.Parse("dense.spl", src)
	ds := Check(f, opts, Config{})
	runtime.ReadMemStats(&after)
	perByte := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(src))
	t.Logf("%.0f bytes allocated per input byte, %d findings", perByte, len(ds))
	if perByte > 250 {
		t.Errorf("%.0f bytes allocated per input byte, want at most 250", perByte)
	}
	if _, more := countRule(ds, "unresolved-symbol"); len(more) != 1 || more[0].more != (len(src)-4)/2-MaxPerRule {
		t.Errorf("summary %+v, want one of %d", more, (len(src)-4)/2-MaxPerRule)
	}
}
