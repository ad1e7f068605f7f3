package secret

import (
	"slices"
	"testing"
)

func TestIsName(t *testing.T) {
	for name, want := range map[string]bool{
		"ANTHROPIC_API_KEY": true, "OPENAI_API_KEY": true, "FIREWORKS_API_KEY": true, "SERPER_API_KEY": true,
		"aws_access_key": true, "GH_TOKEN": true, "x_token": true, "MY_SECRET_THING": true, "secretary": true,
		"DB_PASSWORD_FILE": true, "GOOGLE_APPLICATION_CREDENTIALS": true,
		"KEYBOARD": false, "TOKENIZER": false, "TOKENS": false, "KEY": false, "PATH": false, "HOME": false,
	} {
		if IsName(name) != want {
			t.Errorf("IsName(%q) != %v", name, want)
		}
	}
}

func TestSplitKeepsFirstValue(t *testing.T) {
	sec, rest := split([]string{"PATH=/bin", "A_KEY=one", "HOME=/h", "A_KEY=two", "B_TOKEN=", "=weird"})
	if want := []string{"A_KEY=one", "B_TOKEN="}; !slices.Equal(sec, want) {
		t.Errorf("secrets = %q, want %q", sec, want)
	}
	if want := []string{"PATH=/bin", "HOME=/h", "=weird"}; !slices.Equal(rest, want) {
		t.Errorf("rest = %q, want %q", rest, want)
	}
}

// TestSplitWithoutSecretsAllocatesNothing: the usual environment, without
// secrets, is split without building anything (issue 11, start-up: every
// spell run splits its environment).
func TestSplitWithoutSecretsAllocatesNothing(t *testing.T) {
	env := []string{"PATH=/bin", "HOME=/h", "=weird", "LANG=C"}
	sec, rest := split(env)
	if sec != nil || !slices.Equal(rest, env) {
		t.Errorf("split = %q, %q; want no secrets and the environment", sec, rest)
	}
	if n := testing.AllocsPerRun(10, func() { split(env) }); n != 0 {
		t.Errorf("split allocates %v times", n)
	}
}

func TestEncodeDecode(t *testing.T) {
	env := []string{"A_KEY=x=y", "B_TOKEN=", "C_SECRET=line\nbreak"}
	if got := decode(encode(env)); !slices.Equal(got, env) {
		t.Errorf("round trip = %q", got)
	}
}

func TestStore(t *testing.T) {
	t.Setenv("SPELL_SECRET_TEST_PLAIN", "plain")
	setStore([]string{"SPELL_SECRET_TEST_KEY=from-store"})
	defer setStore(nil)
	if got := Getenv("SPELL_SECRET_TEST_KEY"); got != "from-store" {
		t.Errorf("Getenv(store) = %q", got)
	}
	if got := Getenv("SPELL_SECRET_TEST_PLAIN"); got != "plain" {
		t.Errorf("Getenv(env) = %q", got)
	}
	env := Environ()
	if !slices.Contains(env, "SPELL_SECRET_TEST_KEY=from-store") || !slices.Contains(env, "SPELL_SECRET_TEST_PLAIN=plain") {
		t.Errorf("Environ lacks an entry: %q", env)
	}
}
