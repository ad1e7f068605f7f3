package skills

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/value"
)

func writeSkill(t *testing.T, base, dir, text string) string {
	t.Helper()
	d := filepath.Join(base, ".agents", "skills", dir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, "SKILL.md")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func skill(name, desc string) string {
	return "---\nname: " + name + "\ndescription: " + desc + "\n---\n# " + name + "\nBody of " + name + ".\n"
}

func TestDiscoveryOrderNearestWins(t *testing.T) {
	repo := t.TempDir()
	home := t.TempDir()
	sub := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeSkill(t, repo, "shared", skill("shared", "from the repository root"))
	writeSkill(t, filepath.Join(repo, "a"), "shared", skill("shared", "from a (nearer)"))
	writeSkill(t, repo, "rooty", skill("rooty", "root only"))
	writeSkill(t, home, "homey", skill("homey", "from home"))
	writeSkill(t, home, "rooty", skill("rooty", "home loses to the repository"))
	above := filepath.Dir(repo)
	_ = above
	bundled := fstest.MapFS{
		"bundy/SKILL.md":   {Data: []byte(skill("bundy", "bundled one"))},
		"homey/SKILL.md":   {Data: []byte(skill("homey", "bundled loses to home"))},
		"notdir.md":        {Data: []byte("x")},
		".hidden/SKILL.md": {Data: []byte(skill("hidden", "x"))},
	}
	set := Discover(sub, Sources(sub, repo, home, bundled))
	var got []string
	for _, s := range set.Skills {
		got = append(got, s.Name+"="+s.Description)
	}
	want := []string{"bundy=bundled one", "homey=from home", "rooty=root only", "shared=from a (nearer)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("skills = %q, want %q", got, want)
	}
	if len(set.Diagnostics) != 0 {
		t.Errorf("diagnostics: %q", set.Diagnostics)
	}
	cat := set.Catalogue()
	if !strings.Contains(cat, "- shared — from a (nearer) — "+filepath.Join("..", ".agents", "skills", "shared", "SKILL.md")) &&
		!strings.Contains(cat, "- shared — from a (nearer) — ") {
		t.Errorf("catalogue:\n%s", cat)
	}
	if !strings.Contains(cat, "- bundy — bundled one — bundled/bundy/SKILL.md") {
		t.Errorf("catalogue:\n%s", cat)
	}
	ns := set.Namespace()
	detail, _ := ns.Get(value.Kw("detail"))
	txt, _ := detail.(*value.Map).Get(value.Kw("shared"))
	if !strings.Contains(txt.(string), "Body of shared.") || !strings.Contains(txt.(string), "from a (nearer)") {
		t.Errorf("detail = %q", txt)
	}
}

func TestDiscoveryStopsAtRepositoryRoot(t *testing.T) {
	outer := t.TempDir()
	repo := filepath.Join(outer, "repo")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	writeSkill(t, outer, "outside", skill("outside", "above the repository"))
	writeSkill(t, repo, "inside", skill("inside", "in it"))
	set := Discover(repo, Sources(repo, repo, "", nil))
	if len(set.Skills) != 1 || set.Skills[0].Name != "inside" {
		t.Fatalf("skills = %+v", set.Skills)
	}
	// Outside a repository only the working directory is searched.
	set = Discover(repo, Sources(repo, "", "", nil))
	if len(set.Skills) != 1 || set.Skills[0].Name != "inside" {
		t.Fatalf("skills = %+v", set.Skills)
	}
}

func TestHostileFrontMatter(t *testing.T) {
	bomb := "---\nname: bomb\ndescription: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for i := 0; i < 30; i++ {
		n := fmt.Sprintf("b%d", i)
		bomb += n + ": &" + n + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = n
	}
	bomb += "---\n"
	cases := []struct {
		name, text string
		want       error
		msg        string
	}{
		{"bomb", bomb, ErrAliases, ""},
		{"dup", "---\nname: dup\ndescription: one\ndescription: two\n---\n", ErrDuplicateKey, `duplicate key "description" at line 4`},
		{"nested-dup", "---\nname: nested-dup\ndescription: d\nmeta:\n  k: 1\n  k: 2\n---\n", ErrDuplicateKey, ""},
		{"huge", "---\nname: huge\ndescription: " + strings.Repeat("x", 100_001) + "\n---\n", ErrTooLarge, ""},
		{"unclosed", "---\nname: unclosed\ndescription: d\n" + strings.Repeat("y: z\n", 30_000), ErrTooLarge, ""},
		{"none", "# no front matter\n", ErrNoFrontMatter, ""},
		{"nomatch", skill("other-name", "d"), ErrInvalid, "must equal the directory name"},
		{"Bad_Name", skill("Bad_Name", "d"), ErrInvalid, "lowercase kebab-case"},
		{"nodesc", "---\nname: nodesc\n---\n", ErrInvalid, "missing description"},
		{"longdesc", skill("longdesc", strings.Repeat("d", 1025)), ErrInvalid, "longer than 1024"},
		{"list", "---\n- a\n---\n", ErrInvalid, "mapping"},
		{"badyaml", "---\nname: [unclosed\n---\n", ErrInvalid, "YAML"},
		{"mapname", "---\nname: {a: b}\ndescription: d\n---\n", ErrInvalid, "name must be a string"},
		{"deep", "---\nname: deep\ndescription: " + strings.Repeat("[", 40_000) + strings.Repeat("]", 40_000) + "\n---\n", ErrInvalid, "more than 100 deep"},
		{"manykeys", "---\nname: manykeys\ndescription: d\n" + manyKeys(5_000) + "---\n", ErrInvalid, "more than 1000 keys"},
		{"block", "---\nname: block\ndescription: |\n  two\n  lines\n---\n", nil, ""},
		{"quoted", "---\nname: 'quoted'\ndescription: \"say \\\"hi\\\"\"\n---\n", nil, ""},
		{"tagged", "---\nname: !!str tagged\ndescription: 42\n---\n", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseFrontMatter([]byte(c.text))
			if err == nil {
				err = m.check(c.name)
			}
			if c.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.msg != "" && !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want it to say %q", err, c.msg)
			}
		})
	}
}

// manyKeys is n distinct keys, one a line.
func manyKeys(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	return b.String()
}

// TestScalarValues checks the text front matter values read as: block
// scalars, quoted strings with escapes, tags and plain numbers.
func TestScalarValues(t *testing.T) {
	for text, want := range map[string]string{
		"description: |\n  two\n  lines\n":  "two\nlines\n",
		"description: >-\n  one\n  line\n":  "one line",
		"description: \"say \\\"hi\\\"\"\n": `say "hi"`,
		"description: 'it''s'\n":            "it's",
		"description: !!str 42\n":           "42",
		"description: 3.50\n":               "3.50",
		"description: plain text here\n":    "plain text here",
	} {
		m, err := ParseFrontMatter([]byte("---\nname: v\n" + text + "---\n"))
		if err != nil || m.Description != want {
			t.Errorf("%q: description %q, err %v; want %q", text, m.Description, err, want)
		}
	}
}

func TestFewAliasesAccepted(t *testing.T) {
	text := "---\nname: ok\ndescription: &d shared text\nother: *d\n---\n"
	m, err := ParseFrontMatter([]byte(text))
	if err != nil || m.check("ok") != nil || m.Description != "shared text" {
		t.Fatalf("m = %+v, err = %v", m, err)
	}
}

func TestDiagnosticsBounded(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 30; i++ {
		writeSkill(t, dir, fmt.Sprintf("bad%02d", i), "---\nname: wrong\u0007"+strings.Repeat("n", 500)+"\ndescription: d\n---\n")
	}
	writeSkill(t, dir, "good", skill("good", "fine"))
	set := Discover(dir, Sources(dir, dir, "", nil))
	if len(set.Skills) != 1 {
		t.Fatalf("skills = %+v", set.Skills)
	}
	if len(set.Diagnostics) != MaxDiagnostics {
		t.Fatalf("%d diagnostics, want %d", len(set.Diagnostics), MaxDiagnostics)
	}
	for _, d := range set.Diagnostics {
		if utf8.RuneCountInString(d) > MaxDiagnosticSz || strings.ContainsRune(d, '\a') {
			t.Errorf("diagnostic not bounded: %q", d)
		}
	}
	if last := set.Diagnostics[len(set.Diagnostics)-1]; !strings.Contains(last, "11 more invalid skill files") {
		t.Errorf("last = %q", last)
	}
	if strings.Contains(set.Catalogue(), "bad0") {
		t.Error("invalid skills reach the catalogue")
	}
}

func TestCatalogueCap(t *testing.T) {
	// Long descriptions are shortened first.
	var set Set
	for i := 0; i < 20; i++ {
		set.Skills = append(set.Skills, Skill{Name: fmt.Sprintf("s%02d", i), Description: strings.Repeat("word ", 200), Show: "p"})
	}
	cat := set.Catalogue()
	if n := utf8.RuneCountInString(cat); n > MaxCatalogue {
		t.Fatalf("catalogue %d characters", n)
	}
	if set.Dropped() != 0 || strings.Count(cat, "\n- ") != 20 || !strings.Contains(cat, "…") {
		t.Errorf("dropped %d, catalogue:\n%s", set.Dropped(), cat)
	}
	// Too many entries: some are dropped, with a warning.
	set = Set{}
	for i := 0; i < 400; i++ {
		set.Skills = append(set.Skills, Skill{Name: fmt.Sprintf("skill-%03d", i), Description: "d", Show: "a/b/SKILL.md"})
	}
	cat = set.Catalogue()
	if n := utf8.RuneCountInString(cat); n > MaxCatalogue {
		t.Fatalf("catalogue %d characters", n)
	}
	if set.Dropped() == 0 || !strings.Contains(cat, "more skills not listed") {
		t.Errorf("dropped %d", set.Dropped())
	}
	w := set.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "left out of the catalogue") {
		t.Errorf("warnings = %q", w)
	}
}

func TestDescribeTextCapped(t *testing.T) {
	dir := t.TempDir()
	writeSkill(t, dir, "big", skill("big", "large body")+strings.Repeat("é", 70_000))
	set := Discover(dir, Sources(dir, dir, "", nil))
	if len(set.Skills) != 1 {
		t.Fatal(set.Diagnostics)
	}
	txt := set.Skills[0].Text()
	if n := utf8.RuneCountInString(txt); n > MaxDescribe+100 || !strings.Contains(txt, "cut at 65536") {
		t.Errorf("text of %d characters", n)
	}
}

// BenchmarkAliasBomb measures refusing a billion-laughs front matter (9^30
// expanded strings): aliases are counted, never expanded.
func BenchmarkAliasBomb(b *testing.B) {
	text := "---\nname: bomb\ndescription: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for i := 0; i < 30; i++ {
		n := fmt.Sprintf("b%d", i)
		text += n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n"
		prev = n
	}
	data := []byte(text + "---\n")
	for b.Loop() {
		if _, err := ParseFrontMatter(data); !errors.Is(err, ErrAliases) {
			b.Fatal(err)
		}
	}
}

// FuzzParseFrontMatter checks that no front matter crashes the parser or
// gets past it with an unbounded name or description.
func FuzzParseFrontMatter(f *testing.F) {
	for _, s := range []string{
		skill("ok", "fine"),
		"---\nname: a\ndescription: &d x\nother: *d\n---\n",
		"---\nname: [unclosed\n---\n",
		"---\nname: !!binary aGk=\ndescription: |\n  x\n---\n",
		"---\n{name: a, description: [b, {c: d}]}\n---\n",
		"---\n? complex\n: key\n---\n",
		"---\nname: a\n---\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseFrontMatter(data)
		if err != nil {
			return
		}
		if n := utf8.RuneCountInString(m.Name) + utf8.RuneCountInString(m.Description); n > MaxFrontMatter {
			t.Fatalf("%d code points of name and description from %d bytes", n, len(data))
		}
	})
}
