package eval

import (
	"testing"

	"github.com/spell-go/spell/eval/value"
)

func TestOptionMap(t *testing.T) {
	got, err := OptionMap(nil, "a")
	if err != nil || len(got) != 0 {
		t.Fatalf("nil: %v %v", got, err)
	}
	got, err = OptionMap(value.NewMap(value.Kw("a"), int64(1)), "a", "b")
	if err != nil || got["a"] != int64(1) || len(got) != 1 {
		t.Fatalf("known key: %v %v", got, err)
	}
	for _, c := range []struct {
		v    value.Value
		want string
	}{
		{int64(3), "options must be a map, got number: 3"},
		{value.NewMap(value.Kw("z"), true, "a", true, value.Kw("a"), true), `unknown option "a" :z (known: :a :b)`},
	} {
		if _, err := OptionMap(c.v, "a", "b"); err == nil || err.Error() != c.want {
			t.Errorf("OptionMap(%s) = %v, want %q", value.PrStr(c.v), err, c.want)
		}
	}
}
