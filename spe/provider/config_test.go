package provider

import (
	"errors"
	"testing"

	"github.com/spell-go/spell/eval/config"
)

// TestUnknownKeysEveryFile: aliases.edn, pricing.edn and model profiles
// report unknown keys at every level with their position, the map and the
// nearest key (config.Doc.Fields), as config.ErrUnknownKey.
func TestUnknownKeysEveryFile(t *testing.T) {
	for _, tc := range []struct {
		parse func(src []byte) error
		src   string
		want  string
	}{
		{aliasesParser, "{:route []}", "a.edn:1:2: unknown key :route (did you mean :routes?)"},
		{aliasesParser, "{:capabilities {\"m\" {:default-reasoning-efort 1}}}", "a.edn:1:22: unknown key :default-reasoning-efort in capability (did you mean :default-reasoning-effort?)"},
		{pricingParser, "{\"m\" {:input 1 :output 2 :cache-reed 3}}", "p.edn:1:26: unknown key :cache-reed in price (did you mean :cache-read?)"},
		{profileParser, "{:provider :openai :base-ur \"x\"}", "m.edn:1:20: unknown key :base-ur (did you mean :base-url?)"},
		{profileParser, "{:provider :compat :chat-template {:bso \"<s>\"}}", "m.edn:1:36: unknown key :bso in :chat-template (did you mean :bos?)"},
		{profileParser, "{:provider :openai :headers {\"X\" {:evn \"V\"}}}", "m.edn:1:35: unknown key :evn in header (did you mean :env?)"},
		{profileParser, "{:provider :openai :retries {:base-m 1}}", "m.edn:1:30: unknown key :base-m in :retries (did you mean :base-ms?)"},
	} {
		err := tc.parse([]byte(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
			continue
		}
		if !errors.Is(err, config.ErrUnknownKey) {
			t.Errorf("%s: not config.ErrUnknownKey", tc.src)
		}
	}
}

func aliasesParser(src []byte) error { _, err := ParseAliases("a.edn", src); return err }
func pricingParser(src []byte) error { _, err := ParsePricing("p.edn", src); return err }
func profileParser(src []byte) error { _, err := ParseModelProfile("m.edn", "m", src); return err }
