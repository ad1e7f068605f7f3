package profile

import (
	"errors"
	"testing"

	"github.com/spell-go/spell/eval/config"
)

// TestUnknownKeysNested: unknown keys at every level of an agent profile
// name their position, the map and the nearest key (config.Doc.Fields),
// and are config.ErrUnknownKey; :retries decodes into BaseMS/MaxMS.
func TestUnknownKeysNested(t *testing.T) {
	cwd := t.TempDir()
	for _, tc := range []struct{ src, want string }{
		{"{:agent-nam \"x\"}", "x.agent.edn:1:2: unknown key :agent-nam (did you mean :agent-name?)"},
		{"{:retries {:base-m 5}}", "x.agent.edn:1:12: unknown key :base-m in :retries (did you mean :base-ms?)"},
		{"{:sandbox {:roots \".\"}}", "x.agent.edn:1:12: unknown key :roots in :sandbox (did you mean :root?)"},
		{"{:system-prompt {:fil \"p.txt\"}}", "x.agent.edn:1:18: unknown key :fil in :system-prompt (did you mean :file?)"},
		{"{\"recover\" true}", `x.agent.edn:1:2: keys must be keywords, got "recover"`},
	} {
		write(t, cwd, "x.agent.edn", tc.src)
		_, err := Load("x.agent.edn", cwd, "", "")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
			continue
		}
		if !errors.Is(err, config.ErrUnknownKey) {
			t.Errorf("%s: not config.ErrUnknownKey", tc.src)
		}
	}
	write(t, cwd, "x.agent.edn", "{:retries {:max-attempts 2 :base-ms 10 :max-ms 20}}")
	p, err := Load("x.agent.edn", cwd, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Retries == nil || *p.Retries != (Retries{MaxAttempts: 2, BaseMS: 10, MaxMS: 20}) {
		t.Errorf("retries %+v", p.Retries)
	}
}
