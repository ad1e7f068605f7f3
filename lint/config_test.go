package lint

import (
	"errors"
	"testing"

	"github.com/spell-go/spell/eval/config"
)

// TestConfigUnknownKeys: lint.edn reports unknown keys at every level and
// unknown rule ids with their position and the nearest known name
// (config.Doc.Fields), as config.ErrUnknownKey.
func TestConfigUnknownKeys(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"{:linter {}}", "l.edn:1:2: unknown key :linter (did you mean :linters?)"},
		{"{:linters {:unused-bindng {:level :off}}}", "l.edn:1:12: unknown key :unused-bindng in :linters (did you mean :unused-binding?)"},
		{"{:linters {:unused-binding {:levl :off}}}", "l.edn:1:29: unknown key :levl in :unused-binding (did you mean :level?)"},
		{"{:output {:fromat :json}}", "l.edn:1:11: unknown key :fromat in :output (did you mean :format?)"},
	} {
		_, err := ParseConfig("l.edn", []byte(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
			continue
		}
		if !errors.Is(err, config.ErrUnknownKey) {
			t.Errorf("%s: not config.ErrUnknownKey", tc.src)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{"{:output {:format :jsn}}", "l.edn:1:19: :output :format must be :text or :json, got :jsn (did you mean :json?)"},
		{"{:linters {:unused-binding {:level :loud}}}", `l.edn:1:36: :unused-binding :level: unknown level "loud" (want off, info, warning or error)`},
		{"[1]", "l.edn:1:1: lint configuration must be a map"},
	} {
		if _, err := ParseConfig("l.edn", []byte(tc.src)); err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
		}
	}
}
