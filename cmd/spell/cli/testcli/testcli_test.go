package testcli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRefreshPrompts(t *testing.T) {
	const archive = "comment \n" +
		"-- main/1.completion --\n\"a\")))\n" +
		"-- main/1.prompt --\nstale 1\n" +
		"-- main/2.prompt.quoted --\n\"stale\\n-- 2 --\"\n" +
		"-- ./main/3.prompt --\nsame \n" +
		"-- other.txt --\nkept   \n\n" +
		"-- b/main/1.prompt --\nstale b\n" +
		"-- main/4.prompt --\nwill quote\n" +
		"-- main/5.prompt --"
	actual := map[string]string{
		"main/1":   "fresh 1 ",
		"main/2":   "fresh 2",
		"main/3":   "same ",
		"b/main/1": "fresh b",
		"main/4":   "x\n-- y --",
		"main/5":   "last",
		"main/9":   "no entry: not added",
	}
	const want = "comment \n" +
		"-- main/1.completion --\n\"a\")))\n" +
		"-- main/1.prompt --\nfresh 1 \n" +
		"-- main/2.prompt --\nfresh 2\n" +
		"-- ./main/3.prompt --\nsame \n" +
		"-- other.txt --\nkept   \n\n" +
		"-- b/main/1.prompt --\nfresh b\n" +
		"-- main/4.prompt.quoted --\n\"x\\n-- y --\"\n" +
		"-- main/5.prompt --\nlast\n"
	file := filepath.Join(t.TempDir(), "a_test.txtar")
	if err := os.WriteFile(file, []byte(archive), 0o600); err != nil {
		t.Fatal(err)
	}
	updated, err := refreshPrompts(file, actual)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(updated, " "); got != "b/main/1.prompt main/1.prompt main/2.prompt.quoted main/4.prompt main/5.prompt" {
		t.Errorf("updated = %s", got)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("archive:\n%s\nwant:\n%s", got, want)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode not kept: %v %v", st.Mode(), err)
	}

	// Nothing differs: the file is not rewritten.
	updated, err = refreshPrompts(file, map[string]string{"main/1": "fresh 1 "})
	if err != nil || len(updated) != 0 {
		t.Errorf("second refresh: %v %v", updated, err)
	}
}

func TestCollectPrompts(t *testing.T) {
	work := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".spell-actual/main/1.prompt", "p1 \n")
	write(".spell-actual/main/2.prompt.quoted", "\"a\\n-- b --\"\n")
	write(".spell-actual/main/1.completion", "ignored\n")
	write("b/.spell-actual/spawn-1/3.prompt", "pb\n")
	write(".tmp/.spell-actual/main/1.prompt", "ignored\n")
	got, err := collectPrompts(work)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"main/1": "p1 ", "main/2": "a\n-- b --", "b/spawn-1/3": "pb"}
	if len(got) != len(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestWriteIndented(t *testing.T) {
	var b bytes.Buffer
	writeIndented(&b, "a\n\nb\n\n")
	if got := b.String(); got != "    a\n\n    b\n" {
		t.Errorf("got %q", got)
	}
}
