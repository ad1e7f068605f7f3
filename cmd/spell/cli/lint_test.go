package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintExitCodes checks the exact exit codes of spell lint (tooling.md
// §4.3), which testscript's `! exec` cannot tell apart.
func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	clean := write("clean.spl", "(+ 1 2)\n")
	warn := write("warn.spl", "(let [x 1] 2)\n")
	errf := write("err.spl", "(inc)\n")
	bad := write("bad.spl", "(+ 1 2\n")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{clean}, 0},
		{[]string{warn}, 1},
		{[]string{"--fail-level", "error", warn}, 0},
		{[]string{"--fail-level", "error", errf}, 1},
		{[]string{"--fail-level", "none", errf}, 0},
		{[]string{bad}, 2},
		{[]string{"--fail-level", "none", bad, clean}, 2},
		{[]string{"--format", "yaml", clean}, 2},
		{[]string{filepath.Join(dir, "missing.spl")}, 2},
		{[]string{"--format", "json", warn}, 1},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		got := Main(append([]string{"spell", "lint"}, c.args...), strings.NewReader(""), &out, &errb)
		if got != c.want {
			t.Errorf("spell lint %v = %d, want %d\nstdout: %s\nstderr: %s", c.args, got, c.want, out.String(), errb.String())
		}
	}
	// Standard input.
	var out, errb bytes.Buffer
	if got := Main([]string{"spell", "lint", "--stdin-filename", "x/in.spl"}, strings.NewReader("(inc)"), &out, &errb); got != 1 ||
		!strings.HasPrefix(out.String(), "x/in.spl:1:1: error: inc is called with 0 args but expects 1 [invalid-arity]") {
		t.Errorf("stdin: %d %q %q", got, out.String(), errb.String())
	}
}

func TestLintRulesList(t *testing.T) {
	var out, errb bytes.Buffer
	if got := Main([]string{"spell", "lint", "--rules"}, strings.NewReader(""), &out, &errb); got != 0 {
		t.Fatalf("exit %d: %s", got, errb.String())
	}
	for _, id := range []string{"unresolved-symbol", "effect-outside-eval", "discouraged-var"} {
		if !strings.Contains(out.String(), id) {
			t.Errorf("--rules misses %s", id)
		}
	}
}

// TestLintSARIF validates the structure of the SARIF 2.1.0 log against
// what the format requires of the properties spell lint writes: the schema
// and version, one run whose driver names each rule once with its help,
// results whose ruleId and ruleIndex agree, a level SARIF knows, a message,
// and a physical location with a relative URI and a 1-based region that
// does not end before it starts (also for fix replacements).
func TestLintSARIF(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	src := "(let [x 1] (cout \"é\" [1]) (inc))\n(foo\n"
	if err := os.MkdirAll("sub dir", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("sub dir", "a.spl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "lint", "--format", "sarif", "sub dir/a.spl")
	if code != 2 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string                 `json:"id"`
						ShortDescription *struct{ Text string } `json:"shortDescription"`
						Help             *struct{ Text string } `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			ColumnKind         string                          `json:"columnKind"`
			Results            []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region sarifRegion `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Fixes []struct {
					Description     struct{ Text string }
					ArtifactChanges []struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Replacements     []struct {
							DeletedRegion   sarifRegion            `json:"deletedRegion"`
							InsertedContent *struct{ Text string } `json:"insertedContent"`
						} `json:"replacements"`
					} `json:"artifactChanges"`
				} `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if log.Schema != sarifSchema || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("$schema %q, version %q, %d runs", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name == "" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("driver name %q, columnKind %q", run.Tool.Driver.Name, run.ColumnKind)
	}
	if base, ok := run.OriginalURIBaseIDs[sarifRoot]; !ok || !strings.HasPrefix(base.URI, "file:///") || !strings.HasSuffix(base.URI, "/") {
		t.Errorf("originalUriBaseIds = %+v", run.OriginalURIBaseIDs)
	}
	ids := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		if _, dup := ids[r.ID]; dup || r.ID == "" {
			t.Errorf("rule %d: id %q empty or repeated", i, r.ID)
		}
		ids[r.ID] = i
		if r.ShortDescription == nil || r.ShortDescription.Text == "" || r.Help == nil || !strings.Contains(r.Help.Text, "Default level: ") {
			t.Errorf("rule %s: missing description or help", r.ID)
		}
	}
	checkRegion := func(what string, g sarifRegion) {
		t.Helper()
		if g.StartLine < 1 || g.StartColumn < 1 || g.EndLine < g.StartLine || (g.EndLine == g.StartLine && g.EndColumn < g.StartColumn) {
			t.Errorf("%s: bad region %+v", what, g)
		}
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	seen := map[string]bool{}
	for _, res := range run.Results {
		seen[res.RuleID] = true
		if i, ok := ids[res.RuleID]; !ok || res.RuleIndex == nil || *res.RuleIndex != i {
			t.Errorf("result %s: ruleIndex %v does not name its rule", res.RuleID, res.RuleIndex)
		}
		if !levels[res.Level] || res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result %s: level %q, message %q, %d locations", res.RuleID, res.Level, res.Message.Text, len(res.Locations))
			continue
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "sub%20dir/a.spl" || loc.ArtifactLocation.URIBaseID != sarifRoot {
			t.Errorf("result %s: artifact %+v", res.RuleID, loc.ArtifactLocation)
		}
		checkRegion(res.RuleID, loc.Region)
		for _, fx := range res.Fixes {
			if fx.Description.Text == "" || len(fx.ArtifactChanges) != 1 {
				t.Errorf("result %s: fix %+v", res.RuleID, fx)
				continue
			}
			for _, rp := range fx.ArtifactChanges[0].Replacements {
				checkRegion(res.RuleID+" fix", rp.DeletedRegion)
				if rp.InsertedContent == nil {
					t.Errorf("result %s: replacement without insertedContent", res.RuleID)
				}
			}
		}
	}
	for _, want := range []string{"unused-binding", "unresolved-symbol", "invalid-arity", "syntax"} {
		if !seen[want] {
			t.Errorf("no %s result in\n%s", want, out)
		}
	}
	// Columns count code points: "é" is one column.
	for _, res := range run.Results {
		if res.RuleID == "unresolved-symbol" {
			if g := res.Locations[0].PhysicalLocation.Region; g.StartColumn != 13 || g.EndColumn != 17 {
				t.Errorf("cout region %+v, want columns 13-17", g)
			}
		}
	}
	if dec.More() {
		t.Error("more than one JSON value")
	}
}
