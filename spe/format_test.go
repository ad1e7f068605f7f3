package spe

import (
	"testing"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/profile"
)

func TestFormatProblem(t *testing.T) {
	f := &profile.Format{Required: []string{"a", "b"}, Optional: []string{"c"}}
	ok := value.NewMap(value.Kw("a"), int64(1), value.Kw("b"), int64(2))
	if p := formatProblem(f, ok); p != "" {
		t.Fatalf("valid map: %q", p)
	}
	if p := formatProblem(f, value.NewMap(value.Kw("b"), int64(2))); p != "missing keys :a" {
		t.Fatalf("missing key: %q", p)
	}
	if p := formatProblem(f, int64(3)); p != "not a map" {
		t.Fatalf("non-map: %q", p)
	}
	got := formatRetryTask("T", f, int64(3), "not a map")
	want := "T\n\n[Previous attempt returned: 3. Error: not a map. Expected a map with keys :a :b (optional: :c)]"
	if got != want {
		t.Fatalf("retry task %q, want %q", got, want)
	}
}
