package eval

import (
	"context"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

// Options.Core replaces a core namespace (the session's skills) both
// outside and inside eval, for unqualified and qualified lookups.
func TestCoreOverride(t *testing.T) {
	skills := value.NewMap(value.Kw("docs"), value.NewMap(value.Kw("guide"), "my catalogue"), value.Kw("x"), int64(7))
	in := New(context.Background(), Options{Core: map[string]*value.Map{"skills": skills}})
	for src, want := range map[string]value.Value{
		`(describe-fn skills)`:         "my catalogue",
		`skills/x`:                     int64(7),
		`(eval '(describe-fn skills))`: "my catalogue",
		`(eval 'skills/x)`:             int64(7),
	} {
		form, err := ReadString(src)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := in.Eval(form, PipelineEnv())
		if err != nil || !value.Equal(v, want) {
			t.Errorf("%s = %v, %v; want %v", src, v, err, want)
		}
	}
	// Without the option the built-in namespace stays.
	form, _ := ReadString(`(describe-fn skills)`)
	v, _, _ := New(context.Background(), Options{}).Eval(form, PipelineEnv())
	if v == "my catalogue" {
		t.Error("override leaked into another interpreter")
	}
}
