package config

import (
	"errors"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

func TestFields(t *testing.T) {
	doc, err := Read("c.edn", []byte("{:alpha 1\n :beta {:gamma [1 2]}}"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := doc.Fields(doc.Root.(*value.Map), "", []string{"alpha", "beta"})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Name != "alpha" || fs[1].Name != "beta" {
		t.Fatalf("fields %+v", fs)
	}
	if fs[0].KeyPos != "c.edn:1:2" || fs[0].ValPos != "c.edn:1:9" || fs[1].KeyPos != "c.edn:2:2" || fs[1].ValPos != "c.edn:2:8" {
		t.Errorf("positions %q %q %q %q", fs[0].KeyPos, fs[0].ValPos, fs[1].KeyPos, fs[1].ValPos)
	}
	inner := fs[1].Val.(*value.Map)
	got, err := doc.Fields(inner, ":beta", []string{"gamma"})
	if err != nil || len(got) != 1 {
		t.Fatalf("nested: %v %v", got, err)
	}
	if p := doc.ChildPos(got[0].Val, 1, "?"); p != "c.edn:2:19" {
		t.Errorf("element position %q", p)
	}
}

// TestUnknownKeys: unknown keys and keys that are not keywords name their
// position, the map and the nearest known key, and are ErrUnknownKey.
func TestUnknownKeys(t *testing.T) {
	known := []string{"max-tokens", "retries", "base-url"}
	for _, tc := range []struct{ src, in, want string }{
		{"{:max-token 5}", "", "c.edn:1:2: unknown key :max-token (did you mean :max-tokens?)"},
		{"{:retries 1\n :frobnicate 2}", ":retries", "c.edn:2:2: unknown key :frobnicate in :retries"},
		{"{\"base-url\" 1}", "", `c.edn:1:2: keys must be keywords, got "base-url"`},
		{"{base-url 1}", ":x", "c.edn:1:2: keys in :x must be keywords, got base-url"},
	} {
		doc, err := Read("c.edn", []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = doc.Fields(doc.Root.(*value.Map), tc.in, known)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
		}
		var ke *KeyError
		if !errors.Is(err, ErrUnknownKey) || !errors.As(err, &ke) {
			t.Errorf("%s: not a *KeyError / ErrUnknownKey", tc.src)
		}
	}
}

func TestReadErrorsNamePositions(t *testing.T) {
	for src, want := range map[string]string{
		"{:a 1":     "c.edn:1:6: unclosed { opened at 1:1",
		"{:a 1} {}": "c.edn:1:8: expected one EDN form, found 2",
		"":          "c.edn: empty file: expected one EDN form",
	} {
		_, err := Read("c.edn", []byte(src))
		if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
			t.Errorf("%q: %v, want prefix %q", src, err, want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	cands := []string{"namespaces", "sh-timeout-sec", "prefill?"}
	for name, want := range map[string]string{
		"namspaces":  " (did you mean :namespaces?)",
		"sh-timeout": " (did you mean :sh-timeout-sec?)",
		"prefill":    " (did you mean :prefill??)",
		"frobnicate": "",
	} {
		if got := DidYouMean(name, cands, ":"); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
