package transcript

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseEntryName(t *testing.T) {
	tests := []struct {
		name   string
		handle string
		n      int
		kind   Kind
		quoted bool
		ok     bool
	}{
		{"main/1.completion", "main", 1, KindCompletion, false, true},
		{"spawn-2/12.prompt", "spawn-2", 12, KindPrompt, false, true},
		{"bidder-a/3.delay", "bidder-a", 3, KindDelay, false, true},
		{"main/1.prompt.quoted", "main", 1, KindPrompt, true, true},
		{"b/main/1.completion", "", 0, "", false, false},
		{"main/01.completion", "", 0, "", false, false},
		{"main/0.completion", "", 0, "", false, false},
		{"main/1.answer", "", 0, "", false, false},
		{"main/x.completion", "", 0, "", false, false},
		{"main.completion", "", 0, "", false, false},
		{".spell-actual/1.prompt", "", 0, "", false, false},
		{"/1.prompt", "", 0, "", false, false},
		{"main/1.completion.quoted.quoted", "", 0, "", false, false},
	}
	for _, tt := range tests {
		h, n, k, q, ok := ParseEntryName(tt.name)
		if h != tt.handle || n != tt.n || k != tt.kind || q != tt.quoted || ok != tt.ok {
			t.Errorf("ParseEntryName(%q) = %q %d %q %v %v", tt.name, h, n, k, q, ok)
		}
	}
}

const archive = `# S01 comment
exec spell run --model replay:. --strict
-- fixtures/a.txt --
not an entry
-- main/1.completion --
'(str "Hello " (!llm-self "x")))))
-- main/1.prompt --
(quine completion (eval (do (quine prompt "T") (quote (!extend)) 
-- main/2.completion --
"World")))
-- main/2.delay --
250ms
-- main/3.completion.quoted --
"a\n-- x --\nb"
-- b/main/1.completion --
other transcript
-- main/4.completion --
two trailing newlines

`

func TestParse(t *testing.T) {
	tr, err := Parse("s.txtar", []byte(archive))
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Comment(); got != "# S01 comment\nexec spell run --model replay:. --strict\n" {
		t.Errorf("comment %q", got)
	}
	check := func(got string, ok bool, want string) {
		t.Helper()
		if !ok || got != want {
			t.Errorf("got %q %v, want %q", got, ok, want)
		}
	}
	c, ok := tr.Completion("main", 1)
	check(c, ok, `'(str "Hello " (!llm-self "x")))))`)
	p, ok := tr.Prompt("main", 1)
	check(p, ok, `(quine completion (eval (do (quine prompt "T") (quote (!extend)) `)
	c, ok = tr.Completion("main", 3)
	check(c, ok, "a\n-- x --\nb")
	c, ok = tr.Completion("main", 4)
	check(c, ok, "two trailing newlines\n")
	if _, ok := tr.Prompt("main", 2); ok {
		t.Error("main/2.prompt should be absent")
	}
	if d, ok := tr.Delay("main", 2); !ok || d != 250*time.Millisecond {
		t.Errorf("delay %v %v", d, ok)
	}
	if _, ok := tr.Completion("b", 1); ok {
		t.Error("b/main/1.completion must be ignored")
	}
	tr.MarkUsed("main", 1)
	tr.MarkUsed("main", 3)
	want := []string{"main/2.completion", "main/4.completion"}
	if got := tr.Unused(); !reflect.DeepEqual(got, want) {
		t.Errorf("Unused = %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"-- main/1.completion --\na\n-- main/1.completion.quoted --\n\"a\"\n",
		"-- main/1.completion --\na\n-- main/1.completion --\nb\n",
		"-- main/1.delay --\nsoon\n",
		"-- main/1.prompt.quoted --\nnot quoted\n",
	} {
		if _, err := Parse("x.txtar", []byte(src)); err == nil || !strings.Contains(err.Error(), "x.txtar") {
			t.Errorf("Parse(%q): err = %v", src, err)
		}
	}
}

func TestUnusedSortsNumerically(t *testing.T) {
	tr := New()
	for _, k := range []Key{{"main", 10}, {"main", 9}, {"a", 2}} {
		s := "x"
		tr.Set(k.Handle, k.N, nil, &s)
	}
	want := []string{"a/2.completion", "main/9.completion", "main/10.completion"}
	if got := tr.Unused(); !reflect.DeepEqual(got, want) {
		t.Errorf("Unused = %v", got)
	}
}

var texts = []string{
	"(quine completion (eval (do (quine prompt \"T\") (quote (!extend)) ",
	"",
	"   ",
	"line\n",
	"a\n\n",
	"x\n-- main/9.completion --\ny",
	"-- x --",
	"tab\tand trailing space \n next ",
	"crlf\r\n-- y --\r\nz",
}

func TestRecordRoundTripArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.txtar")
	r, err := NewRecorder(path)
	if err != nil {
		t.Fatal(err)
	}
	r.SetComment("task: round trip")
	for i, s := range texts {
		if err := r.Record("main", i+1, s, "c"+s); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "task: round trip\n-- main/1.completion --\n") {
		t.Errorf("archive starts %q", string(data)[:60])
	}
	if !strings.Contains(string(data), "-- main/6.prompt.quoted --\n") {
		t.Errorf("marker text not quoted:\n%s", data)
	}
	tr, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		if p, ok := tr.Prompt("main", i+1); !ok || p != s {
			t.Errorf("prompt %d = %q, want %q", i+1, p, s)
		}
		if c, ok := tr.Completion("main", i+1); !ok || c != "c"+s {
			t.Errorf("completion %d = %q, want %q", i+1, c, "c"+s)
		}
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("directory holds %d files", len(ents))
	}
}

func TestRecordRoundTripDir(t *testing.T) {
	root := t.TempDir()
	// Foreign content: fixtures and another transcript in a subfolder.
	os.MkdirAll(filepath.Join(root, "fixtures"), 0o777)
	os.WriteFile(filepath.Join(root, "fixtures", "a.txt"), []byte("hello\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "b", "main"), 0o777)
	os.WriteFile(filepath.Join(root, "b", "main", "1.completion"), []byte("other\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "main"), 0o777)
	os.WriteFile(filepath.Join(root, "main", "notes.txt"), []byte("ignored\n"), 0o644)
	os.WriteFile(filepath.Join(root, "main", "2.delay"), []byte("1s\n"), 0o644)

	r, err := NewRecorder(root)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		if err := r.Record("main", i+1, s, "c"+s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "main", "6.prompt.quoted")); err != nil {
		t.Error(err)
	}
	// Re-recording without the marker switches back to the plain form.
	if err := r.Record("main", 6, "plain", "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "main", "6.prompt.quoted")); err == nil {
		t.Error("stale .quoted entry left behind")
	}
	tr, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.IsDir() || tr.Dir() != root {
		t.Errorf("IsDir %v Dir %q", tr.IsDir(), tr.Dir())
	}
	for i, s := range texts {
		if i+1 == 6 {
			s = "plain"
		}
		if p, _ := tr.Prompt("main", i+1); p != s {
			t.Errorf("prompt %d = %q, want %q", i+1, p, s)
		}
	}
	if d, ok := tr.Delay("main", 2); !ok || d != time.Second {
		t.Errorf("delay = %v %v", d, ok)
	}
	if _, ok := tr.Completion("b", 1); ok {
		t.Error("b/main/1.completion must be ignored")
	}
	for i := range texts {
		tr.MarkUsed("main", i+1)
	}
	if u := tr.Unused(); len(u) != 0 {
		t.Errorf("unused %v", u)
	}
	// The sub-transcript is loadable on its own.
	sub, err := Load(filepath.Join(root, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := sub.Completion("main", 1); !ok || c != "other" {
		t.Errorf("b: %q %v", c, ok)
	}
}

func TestRecordOntoExistingArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.txtar")
	if err := os.WriteFile(path, []byte(archive), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := NewRecorder(path)
	if err != nil {
		t.Fatal(err)
	}
	// A replay run recorded onto its own file: same completions, new prompts.
	if err := r.Record("main", 1, "new prompt 1 ", `'(str "Hello " (!llm-self "x")))))`); err != nil {
		t.Fatal(err)
	}
	if err := r.Record("main", 2, "new prompt 2 ", `"World")))`); err != nil {
		t.Fatal(err)
	}
	if err := r.Record("spawn-1", 1, "p", "c"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := `# S01 comment
exec spell run --model replay:. --strict
-- fixtures/a.txt --
not an entry
-- main/1.completion --
'(str "Hello " (!llm-self "x")))))
-- main/1.prompt --
new prompt 1 
-- main/2.completion --
"World")))
-- main/2.delay --
250ms
-- main/2.prompt --
new prompt 2 
-- main/3.completion.quoted --
"a\n-- x --\nb"
-- b/main/1.completion --
other transcript
-- main/4.completion --
two trailing newlines

-- spawn-1/1.completion --
c
-- spawn-1/1.prompt --
p
`
	if string(data) != want {
		t.Errorf("archive:\n%s\nwant:\n%s", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v not preserved", st.Mode())
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.txtar")); err == nil {
		t.Error("want error")
	}
}

func TestRecordRedacts(t *testing.T) {
	const key = "sk-fake-0123456789"
	redact := func(s string) string { return strings.ReplaceAll(s, key, "[REDACTED]") }
	for _, dir := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "rec.txtar")
		if dir {
			path = t.TempDir()
		}
		r, err := NewRecorder(path)
		if err != nil {
			t.Fatal(err)
		}
		r.Redact = redact
		r.SetComment("Task: use " + key)
		if err := r.Record("main", 1, "prompt "+key, "(str \""+key+"\")"); err != nil {
			t.Fatal(err)
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				all.Write(b)
			}
			return nil
		})
		if strings.Contains(all.String(), key) || !strings.Contains(all.String(), "[REDACTED]") {
			t.Errorf("dir=%v: transcript not redacted:\n%s", dir, all.String())
		}
	}
}
