package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/provider"
)

// modelsCommand is `spell models`: the model aliases, the providers and
// which API keys are set (never their values).
func modelsCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "models",
		Usage:     "list model aliases, providers and which API keys are set",
		UsageText: "spell models",
		Description: `Prints the model spell run would use by default and why, the aliases
(from the built-in table, $XDG_CONFIG_HOME/spell/aliases.edn and
.spell/aliases.edn) and the providers with the API key variable each one
reads and whether it is set. Key values are never printed.

Choose a model with --model SPEC (or SPELL_MODEL): an alias (sonnet),
provider:model (anthropic:claude-sonnet-5-5, ollama:llama3.2), or a
provider alone for its default model (ollama). Without a key, replay a
transcript: --model replay:FILE.

Examples:
  spell models
  spell run -p "Say hello" --model haiku`,
		Action: func(ctx context.Context, c *cmdline.Command) error {
			if c.Args().Present() {
				return usageError("spell models", "unexpected argument %q", c.Args().First())
			}
			cwd, _ := os.Getwd()
			return printModels(c.Root().Writer, cwd, os.Getenv)
		},
	}
}

// modelsProviders groups the provider prefixes by the model profile that
// configures them, in display order, with what each one needs.
var modelsProviders = []struct{ profile, prefixes, note string }{
	{"anthropic", "anthropic anthropic-tc anthropic-pf anthropic-msg", ""},
	{"openai", "openai openai-tc openai-msg", ""},
	{"fireworks", "fireworks fireworks-tc fireworks-msg", ""},
	{"ollama", "ollama ollama-tc ollama-pf ollama-msg", "local server: $OLLAMA_HOST/v1, else http://localhost:11434/v1"},
	{"vllm", "vllm vllm-tc vllm-pf vllm-msg", "local server: http://localhost:8000/v1"},
	{"llamacpp", "llamacpp llamacpp-tc llamacpp-pf llamacpp-msg", "local server: http://localhost:8080/v1"},
	{"compat", "compat compat-tc compat-pf compat-msg", "any OpenAI-compatible server: needs --base-url URL"},
	{"human", "human user", "you type each completion"},
	{"test", "test (-t)", `always answers "hello world"`},
	{"replay", "replay:FILE", "serves a recorded transcript (--record FILE)"},
}

func printModels(w io.Writer, cwd string, getenv func(string) string) error {
	dirs := profile.ConfigDirs(cwd)
	aliases, err := provider.LoadAliases(dirs.User, dirs.Project)
	if err != nil {
		return &exitError{code: 2, msg: "spell models: " + err.Error()}
	}
	var b strings.Builder
	def, err := provider.DefaultModel("", getenv)
	switch {
	case err != nil:
		b.WriteString("Default model: none (no SPELL_MODEL, ANTHROPIC_API_KEY or OPENAI_API_KEY); pass --model SPEC\n")
	case getenv("SPELL_MODEL") != "":
		fmt.Fprintf(&b, "Default model: %s (from SPELL_MODEL)\n", def)
	case getenv("ANTHROPIC_API_KEY") != "":
		fmt.Fprintf(&b, "Default model: %s (ANTHROPIC_API_KEY is set)\n", def)
	default:
		fmt.Fprintf(&b, "Default model: %s (OPENAI_API_KEY is set)\n", def)
	}

	b.WriteString("\nAliases (--model NAME):\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	names := make([]string, 0, len(aliases.Aliases))
	for a := range aliases.Aliases {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", a, aliases.Aliases[a])
	}
	tw.Flush()

	b.WriteString("\nProviders (--model PROVIDER:MODEL, or PROVIDER for its default model):\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, p := range modelsProviders {
		note := p.note
		if note == "" {
			note = "no key needed"
		}
		if mp, err := provider.LoadModelProfile(p.profile, dirs.User, dirs.Project); err == nil {
			if mp.APIKeyEnv != "" {
				state := "not set"
				if getenv(mp.APIKeyEnv) != "" {
					state = "set"
				}
				note = "key " + mp.APIKeyEnv + " " + state
				if p.note != "" {
					note += "; " + p.note
				}
			}
			if mp.DefaultModel != "" && mp.Provider != "human" && mp.Provider != "test" && mp.Provider != "replay" {
				note += "; default model " + mp.DefaultModel
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\n", p.prefixes, note)
	}
	tw.Flush()
	_, err = io.WriteString(w, b.String())
	return err
}
