//go:build !spell_nosdk

package spe_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// TestScenariosThroughSDKClients is the acceptance test "the same scenarios
// also pass through the Anthropic and OpenAI clients against httptest fakes
// of those APIs": the completions of the scenario archives in
// testdata/script (the ones `spell run --model replay:. --strict` replays)
// are served by fake servers speaking the real wire formats, and the
// runtime is driven through spe.Open with a real provider spec:
//
//   - anthropic-pf: Messages API, SSE, the suffix is the text continuation of
//     the assistant prefill; the assistant message must equal the
//     right-trimmed .prompt entry;
//   - anthropic-tc: Messages API, SSE, a tool_use block of spell_suffix whose
//     input {"suffix": …} streams as input_json_delta; the user message must
//     equal the .prompt entry;
//   - anthropic-msg: Messages API, SSE, a fenced text answer;
//   - openai-tc: Responses API, a custom_tool_call named spell_suffix;
//   - openai: Chat Completions, the assistant content is the suffix.
//
// For every run it checks the value (or error), the number of requests the
// server saw, the runtime's call statistics, and that every prompt matched.
// Nothing leaves the httptest loopback.
func TestScenariosThroughSDKClients(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no user model or agent profiles
	wires := []wire{anthropicPF, anthropicTC, anthropicMsg, openaiTC, openaiMsg}
	for _, sc := range sdkScenarios {
		for _, w := range wires {
			t.Run(sc.name+"/"+w.name, func(t *testing.T) {
				runSDKScenario(t, sc, w)
			})
		}
	}
}

// sdkScenario is one run of a scenario archive and what scenarios.md
// expects of it.
type sdkScenario struct {
	name    string // subtest name
	archive string // testdata/script/<archive>.txtar, or a path ending in .txtar
	dir     string // entries under this directory ("" = root, "b" = the b variant)
	task    string
	agent   string // profile name, or a profile file written from the archive
	recover bool   // false: --no-recover
	seed    int64  // --seed (0: 1)
	cwd     string // working directory and root ("": a temporary directory with the archive's files)

	value string // pr-str of the result ("" when an error is expected)
	err   string // substring of the run error
	calls int
	stats func(t *testing.T, st spe.Stats)
}

var sdkScenarios = []sdkScenario{
	{
		name: "S01", archive: "scenario_S01", agent: "base", recover: true,
		task:  "Return Hello followed by a space and the word a child returns.",
		value: `"Hello World"`, calls: 2,
		stats: func(t *testing.T, st spe.Stats) {
			if st.MaxDepth != 1 {
				t.Errorf("max depth = %d, want 1", st.MaxDepth)
			}
		},
	},
	{
		name: "S01b", archive: "scenario_S01", dir: "b", agent: "base", recover: false,
		task: "Return Hello followed by a space and the word a child returns.",
		err:  "Unbound symbol: secret", calls: 2,
	},
	{
		name: "S03", archive: "scenario_S03", agent: "base", recover: true,
		task:  "Compute 6 times 7, then add 1, then report both numbers and their sum.",
		value: `"n=42 m=43 sum=85"`, calls: 4,
		stats: func(t *testing.T, st spe.Stats) {
			if st.MaxDepth != 0 {
				t.Errorf("max depth = %d, want 0 (tail calls)", st.MaxDepth)
			}
		},
	},
	{
		name: "S04", archive: "scenario_S04", agent: "base", recover: true,
		task:  "Find the sum of 1..100 and twice the average of 1..100. Use think for reasoning.",
		value: `{:total 5050, :twice-average 101}`, calls: 2,
	},
	{
		name: "S05", archive: "scenario_S05", agent: "io-read.agent.edn", recover: true,
		task:  "Read fixtures/a.txt and return its first line in upper case.",
		value: `"SPELL ENABLES RECURSIVE SELF-CALLS FOR CONTEXT ENGINEERING."`, calls: 4,
		stats: func(t *testing.T, st spe.Stats) {
			if st.Effects["io/read-lines"] != 1 || len(st.Effects) != 1 {
				t.Errorf("effects = %v, want exactly io/read-lines=1", st.Effects)
			}
		},
	},
	{
		name: "S07", archive: "scenario_S07", agent: "base", recover: true,
		task:  "Return the sum of 1, 2 and 3.",
		value: `6`, calls: 2,
		stats: func(t *testing.T, st spe.Stats) {
			if st.ConsecutiveMax != 1 || st.ConsecutiveFinal != 0 {
				t.Errorf("consecutive errors max=%d final=%d, want 1 and 0", st.ConsecutiveMax, st.ConsecutiveFinal)
			}
		},
	},
	{
		name: "S07b", archive: "scenario_S07", dir: "b", agent: "base", recover: true,
		task: "Return the sum of 1, 2 and 3.",
		err:  "Consecutive error limit reached: 3 while handling reader error", calls: 3,
	},
}

func runSDKScenario(t *testing.T, sc sdkScenario, w wire) {
	path := sc.archive
	if !strings.HasSuffix(path, ".txtar") {
		path = filepath.Join("..", "testdata", "script", sc.archive+".txtar")
	}
	calls := loadScenario(t, path, sc.dir)
	if len(calls.completions) != sc.calls {
		t.Fatalf("%s: %d completions in the archive, the scenario expects %d calls", path, len(calls.completions), sc.calls)
	}
	// The working directory (and workspace root) holds the archive's
	// other files: S05's profile and fixture.
	cwd := sc.cwd
	if cwd == "" {
		cwd = t.TempDir()
		writeFiles(t, cwd, calls.files)
	}
	seed := sc.seed
	if seed == 0 {
		seed = 1
	}
	fake := newFakeAPI(t, w, calls)
	sess, err := spe.Open(spe.Config{
		Task:      sc.task,
		Model:     w.name + ":" + w.model,
		Providers: builtin.Registry(),
		BaseURL:   fake.srv.URL + w.basePath,
		Agent:     sc.agent,
		Limits:    spe.DefaultLimits,
		NoRecover: !sc.recover,
		Seed:      seed,
		NoTrace:   true,
		Cwd:       cwd,
		Environ:   []string{},
		Getenv: func(k string) string {
			if k == w.keyEnv {
				return fakeKey
			}
			return ""
		},
	})
	if err != nil {
		t.Fatalf("spe.Open: %v", err)
	}
	checkSDKRun(t, sc, w, fake, calls, sess)
}

// writeFiles writes an archive's extra files under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkSDKRun runs an opened session and checks it against the scenario.
func checkSDKRun(t *testing.T, sc sdkScenario, w wire, fake *fakeAPI, calls *scenarioCalls, sess *spe.Session) {
	t.Helper()
	if want := w.name + ":" + w.model; sess.Model != want {
		t.Errorf("session model = %q, want %q", sess.Model, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	v, runErr := sess.Run(ctx)
	closeErr := sess.Close(v, runErr)

	switch {
	case sc.err != "":
		if runErr == nil {
			t.Errorf("run succeeded with %s, want an error containing %q", value.PrStr(v), sc.err)
		} else if !strings.Contains(runErr.Error(), sc.err) {
			t.Errorf("run error = %q, want it to contain %q", runErr, sc.err)
		}
	case runErr != nil:
		t.Errorf("run failed: %v", runErr)
	default:
		if got := value.PrStr(v); got != sc.value {
			t.Errorf("value = %s, want %s", got, sc.value)
		}
	}
	if closeErr != nil {
		t.Errorf("close: %v", closeErr)
	}

	// Calls: the server's count, the runtime's count, the transcript's.
	if n := fake.requests(); n != sc.calls {
		t.Errorf("server saw %d requests, want %d", n, sc.calls)
	}
	st := sess.RT.Stats()
	if st.Calls["main"] != sc.calls || len(st.Calls) != 1 {
		t.Errorf("runtime calls = %v, want main=%d", st.Calls, sc.calls)
	}
	if u, ok := st.Usage[w.model]; !ok || u.Total() == 0 {
		t.Errorf("usage = %+v, want tokens recorded under %s", st.Usage, w.model)
	}
	if sc.stats != nil {
		sc.stats(t, st)
	}
	// Prompts: every request matched its .prompt entry.
	for _, p := range fake.report() {
		t.Error(p)
	}
	checked := 0
	for _, has := range calls.hasPrompt {
		if has {
			checked++
		}
	}
	if checked == 0 && sc.dir == "" {
		t.Errorf("%s has no .prompt entries to check", sc.archive)
	}
}
