package prompt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spell-go/spell/spe/profile"
)

func variants(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tr := range []string{ToolCall, Prefill, Message} {
		s, err := Base(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[tr] = s
	}
	return out
}

// section returns the text from the line "## name" up to the next line
// starting with "## " or "# " (exclusive), and the text with it removed.
func section(t *testing.T, text, name string) (sec, rest string) {
	t.Helper()
	head := "\n## " + name + "\n"
	i := strings.Index(text, head)
	if i < 0 {
		t.Fatalf("no section %q", name)
	}
	start := i + 1
	end := len(text)
	for _, marker := range []string{"\n## ", "\n# "} {
		if j := strings.Index(text[start+len(head)-1:], marker); j >= 0 && start+len(head)-1+j < end {
			end = start + len(head) - 1 + j + 1
		}
	}
	if strings.Count(text, head) != 1 {
		t.Fatalf("section %q appears %d times", name, strings.Count(text, head))
	}
	return text[start:end], text[:start] + text[end:]
}

// TestVariantsDifferOnlyInTransport: the three base texts are identical
// once their TRANSPORT sections are removed, and the transport sections
// differ from each other (§11.2 point 2).
func TestVariantsDifferOnlyInTransport(t *testing.T) {
	v := variants(t)
	secs := map[string]string{}
	var rests []string
	for tr, text := range v {
		sec, rest := section(t, text, "TRANSPORT")
		secs[tr] = sec
		rests = append(rests, rest)
	}
	for _, r := range rests[1:] {
		if r != rests[0] {
			t.Fatalf("base texts differ outside the TRANSPORT section")
		}
	}
	if secs[ToolCall] == secs[Prefill] || secs[Prefill] == secs[Message] || secs[ToolCall] == secs[Message] {
		t.Fatalf("transport sections must differ")
	}
	checks := map[string][]string{
		ToolCall: {"spell_suffix", "one call"},
		Prefill:  {"Continue the program exactly where it stops"},
		Message:  {"raw suffix only", "no code fences"},
	}
	for tr, phrases := range checks {
		for _, p := range phrases {
			if !strings.Contains(secs[tr], p) {
				t.Errorf("%s transport section lacks %q", tr, p)
			}
		}
		if !strings.Contains(secs[tr], `(think "…")`) || !strings.Contains(secs[tr], "not kept") {
			t.Errorf("%s transport section must say that hidden reasoning is not kept and to use think", tr)
		}
	}
}

// TestContextBlockIdentical: the CONTEXT MANAGEMENT block is byte-identical
// in the three variants (§11.2 point 11).
func TestContextBlockIdentical(t *testing.T) {
	v := variants(t)
	want, _ := section(t, v[ToolCall], "CONTEXT MANAGEMENT")
	for tr, text := range v {
		got, _ := section(t, text, "CONTEXT MANAGEMENT")
		if got != want {
			t.Errorf("%s: context-management block differs", tr)
		}
	}
	for _, p := range []string{"snapshot", "omitted", "subs", "subvec", "!peek", "!call-now", "!compact", "{:max-chars N}", ":truncated true"} {
		if !strings.Contains(want, p) {
			t.Errorf("context-management block lacks %q", p)
		}
	}
	if ContextBlock() != want {
		t.Errorf("ContextBlock() differs from the block of the base text")
	}
}

// TestBaseTextTeaches checks a phrase for each of the 13 points of §11.2 in
// every variant.
func TestBaseTextTeaches(t *testing.T) {
	points := [][]string{
		/* 1 */ {"write the rest of it", "Prose", "reader errors"},
		/* 2 */ {"## TRANSPORT"},
		/* 3 */ {"(!llm-self prompt)", "fresh environment", "dynamic scope", "Effects (files, processes"},
		/* 4 */ {"(quine completion (eval (do FORM ... 'TRAILING)))", "never runs again", "exactly once"},
		/* 5 */ {"exactly one quoted trailing expression", "Never close the do early", "Never write the wrapper again"},
		/* 6 */ {"(!extend)", "(!call-now name expr ...)", "(!peek name expr ...)", "(!print expr ...)", "(!describe ns)", "(!compact)", "(print x)", "(agents/!wait)", "resumed computation"},
		/* 7 */ {"(leaf-llm text)", "plain-text"},
		/* 8 */ {"(quine name form ...)", "(wrap-cat prompt)", "prompt is that form"},
		/* 9 */ {"(think ", "(prune)", "(rethink ", "(persist name)", "!peek"},
		/* 10 */ {"ns/fn", "describe-fn", "'(!describe ns :key)"},
		/* 11 */ {"## CONTEXT MANAGEMENT"},
		/* 12 */ {"## PATTERNS", "Avoid these mistakes", "Prose outside the program", "Closing the do early", "Unquoted effects", "Inventing tool results", "Several extensions in one response", "(def r (eval", "bare prompt quine"},
		/* 13 */ {"msg-N", ":expects-response", "[pre-eval: msg-N arrived; your last trailing expression was NOT run]", "[wait resumed: msg-N arrived]", "[dormant resumed: msg-N arrived; new lifecycle]", "[startup: msg-N arrived before your first turn]", "[receive: msg-N accepted; nothing was evaluated]"},
	}
	for tr, text := range variants(t) {
		for i, ps := range points {
			for _, p := range ps {
				if !strings.Contains(text, p) {
					t.Errorf("%s: point %d: missing %q", tr, i+1, p)
				}
			}
		}
	}
}

// TestExamples extracts every example of the three base texts and checks
// it (see the package comment for the layouts).
func TestExamples(t *testing.T) {
	for tr, text := range variants(t) {
		counts := checkText(t, fileOf[tr], text)
		if counts["example"] < 8 || counts["shape"] < 3 || counts["turn"] < 2 {
			t.Errorf("%s: too few examples: %v", tr, counts)
		}
	}
}

// TestComposedExamples checks the examples of the generated NAMESPACES
// sections too.
func TestComposedExamples(t *testing.T) {
	for _, name := range []string{"cli", "base", "readonly"} {
		p, err := profile.Load(name, t.TempDir(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		checkText(t, name, NamespacesSection(DocsFor(p)))
	}
	checkText(t, "nil", NamespacesSection(nil))
}

func TestLeaf(t *testing.T) {
	if got := Embedded().Leaf; got != LeafPrompt {
		t.Errorf("leaf = %q", got)
	}
}

func TestComposeCLI(t *testing.T) {
	p, err := profile.Load("cli", t.TempDir(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []string{ToolCall, Prefill, Message} {
		s := Compose(tr, p, DocsFor(p))
		base, _ := Base(tr)
		if !strings.HasPrefix(s, base+"\n\n# NAMESPACES\n") {
			t.Errorf("%s: composed prompt does not start with the base text and NAMESPACES", tr)
		}
		if strings.Contains(s, "# RETURN VALUE") {
			t.Errorf("%s: RETURN VALUE without :format", tr)
		}
	}
	s := Compose("tc", p, DocsFor(p))
	for _, want := range []string{
		"- strings — ", "- math — ", "- builtins — ", "- skills — ",
		"\n## io — Workspace files and processes; granted: read, write, run processes.\n",
		"\n- (io/read-file path) | (io/read-file path opts) | (io/read-file path start end) | (io/read-file path start end opts) — ",
		"\n- (io/sh command & parts) — ",
		"\n- (io/write-file path content) — ",
		"'(!describe io)\n", "'(!describe io :sh)\n", "'(!call-now files (io/ls \".\"))\n",
		"'(!describe io :read-file strings :split)\n",
		"only inside the quoted trailing expression",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("composed cli prompt lacks %q", want)
		}
	}
	// The namespaces still being built are not required (issue 10 item 8):
	// the prompt must not depend on what does not work yet.
	building := stillBuilding(t)
	for _, ns := range []string{"web", "agents", "globals"} {
		if building[ns] {
			continue
		}
		if want := "\n## " + ns + " — "; !strings.Contains(s, want) {
			t.Errorf("composed cli prompt lacks %q", want)
		}
	}
}

// stillBuilding reads ../testdata/still-building.txt (see
// spe.TestAdvertisedMembersWork): the namespaces bound by a bundled agent
// that may still answer "not built yet".
func stillBuilding(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "still-building.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		l, _, _ = strings.Cut(l, "#")
		if l = strings.TrimSpace(l); l != "" {
			out[l] = true
		}
	}
	return out
}

func TestComposeS05AndReadonly(t *testing.T) {
	cwd := t.TempDir()
	if err := os.WriteFile(filepath.Join(cwd, "io-read.agent.edn"), []byte("{:base base :namespaces {io stdlib/io-read}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"io-read.agent.edn", "readonly"} {
		p, err := profile.Load(arg, cwd, "", "")
		if err != nil {
			t.Fatal(err)
		}
		s := NamespacesSection(DocsFor(p))
		if !strings.Contains(s, "\n## io — Workspace files and processes; granted: read.\n") || !strings.Contains(s, "(io/grep pattern path)") {
			t.Errorf("%s: io read section missing", arg)
		}
		if strings.Contains(s, "(io/sh ") || strings.Contains(s, "(io/write-file ") || strings.Contains(s, "'(!describe io :sh)") {
			t.Errorf("%s: read-only agent shows write or exec functions", arg)
		}
	}
}

func TestComposeBaseFormatAndOverrides(t *testing.T) {
	cwd := t.TempDir()
	if err := os.WriteFile(filepath.Join(cwd, "notes.txt"), []byte("n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cwd, "f.agent.edn"), []byte(`{:base base :format {:required [:answer :sources] :optional [:notes]}
 :namespaces {files [stdlib/io-read/ls stdlib/globals] notes {:file "notes.txt"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Load("f.agent.edn", cwd, "", "")
	if err != nil {
		t.Fatal(err)
	}
	s := Compose("pf", p, DocsFor(p))
	for _, want := range []string{
		"# RETURN VALUE\n\nYour final value must be a map with the keys :answer :sources. It may also have :notes.",
		"\n- (files/ls path) — ", "\n- (files/get ", "\n- notes — the text of notes.txt, bound as a string\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("composed prompt lacks %q", want)
		}
	}
	if strings.Contains(s, "(files/read-file") {
		t.Errorf("item reference leaked other members")
	}
	base, _ := profile.Load("base", cwd, "", "")
	s = Compose("tc", base, DocsFor(base))
	if !strings.Contains(s, "No effect namespaces are granted") || strings.Contains(s, "'(!describe io") {
		t.Errorf("base agent prompt should not mention io usage")
	}
	// :system-prompt replaces the base text.
	p.SystemPrompt = "Be brief.\n"
	if s := Compose("tc", p, nil); !strings.HasPrefix(s, "Be brief.\n\n# NAMESPACES\n") {
		t.Errorf("profile system prompt not used: %q", s[:40])
	}
}

func TestLoadTextsOverrides(t *testing.T) {
	user, proj := t.TempDir(), t.TempDir()
	write := func(dir, f, text string) {
		if err := os.MkdirAll(filepath.Join(dir, "prompts"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "prompts", f), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(user, "toolcall.txt", "user tc\n")
	write(user, "leaf.txt", "user leaf\n")
	write(proj, "leaf.txt", "project leaf\n")
	tx, err := LoadTexts(user, proj)
	if err != nil {
		t.Fatal(err)
	}
	if tx.ToolCall != "user tc" || tx.Leaf != "project leaf" {
		t.Errorf("overrides: tc %q leaf %q", tx.ToolCall, tx.Leaf)
	}
	if tx.Sources["prefill.txt"] != "embedded" || tx.Sources["leaf.txt"] != filepath.Join(proj, "prompts", "leaf.txt") {
		t.Errorf("sources = %v", tx.Sources)
	}
	emb, _ := Base("pf")
	if tx.Prefill != emb {
		t.Errorf("prefill should stay embedded")
	}
	if s := tx.Compose("tc", nil, nil); !strings.HasPrefix(s, "user tc\n\n# NAMESPACES") {
		t.Errorf("Compose with overrides: %q", s[:30])
	}
	write(proj, "message.txt", "  \n")
	if _, err := LoadTexts(user, proj); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty override: %v", err)
	}
}

func TestParseTransport(t *testing.T) {
	for in, want := range map[string]string{"": "tc", "tc": "tc", "tool-call": "tc", "pf": "pf", "prefill": "pf", "msg": "msg", "message": "msg"} {
		if got, err := ParseTransport(in); err != nil || got != want {
			t.Errorf("ParseTransport(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTransport("text"); err == nil {
		t.Errorf("text is not a system prompt transport")
	}
}

// TestCheckOverrides: CheckOverrides fails exactly when LoadTexts does (a
// run without a model checks the overrides but defers the texts).
func TestCheckOverrides(t *testing.T) {
	user, proj := t.TempDir(), t.TempDir()
	if err := CheckOverrides(user, proj); err != nil {
		t.Fatalf("no overrides: %v", err)
	}
	os.MkdirAll(filepath.Join(proj, "prompts"), 0o755)
	os.WriteFile(filepath.Join(proj, "prompts", "leaf.txt"), []byte("leaf"), 0o644)
	if err := CheckOverrides(user, proj); err != nil {
		t.Fatalf("good override: %v", err)
	}
	os.WriteFile(filepath.Join(proj, "prompts", "leaf.txt"), []byte(" \n"), 0o644)
	_, lerr := LoadTexts(user, proj)
	cerr := CheckOverrides(user, proj)
	if lerr == nil || cerr == nil {
		t.Fatalf("empty override: LoadTexts %v, CheckOverrides %v", lerr, cerr)
	}
}

// fileOf is the text file of each transport.
var fileOf = map[string]string{ToolCall: "toolcall.txt", Prefill: "prefill.txt", Message: "message.txt"}
