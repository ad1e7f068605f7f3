package lint

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/syntax"
)

// Analysing a small file allocates little (spell lint's start-up, issue
// 11): the slabs of references, calls and bindings start small and
// double (a 512-reference slab alone was 72 kB).
func TestAnalyzeSmallAllocatesLittle(t *testing.T) {
	f := syntax.Parse("small.spl", []byte("(let [x 41]\n  (+ x 1))\n"))
	Analyze(f, Options{}) // tables built once per process
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Analyze(f, Options{})
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 24<<10 {
		t.Errorf("analysing a two-line file allocated %d bytes, want at most 24 kB", n)
	}
}

// TestAnalyzeSmallAllocs bounds the allocations of analysing a two-line
// file (issue 11, start-up): a walk allocates no closure of its own
// (envAt is a function), and the first slabs are one allocation each.
func TestAnalyzeSmallAllocs(t *testing.T) {
	f := syntax.Parse("small.spl", []byte("(let [x 41]\n  (+ x 1))\n"))
	Analyze(f, Options{}) // tables built once per process
	if n := testing.AllocsPerRun(20, func() { Analyze(f, Options{}) }); n > 33 {
		t.Errorf("analysing a two-line file: %v allocations, want at most 33", n)
	}
}

// TestSmallFileSizeClasses: the walker and a two-line file's first slabs
// of calls and bindings (two of each) fit size classes spell lint uses
// anyway, 208 and 128 bytes (issue 11, start-up: each class of their own
// cost page faults).
func TestSmallFileSizeClasses(t *testing.T) {
	for _, c := range []struct {
		what      string
		size, max uintptr
	}{
		{"walker", unsafe.Sizeof(walker{}), 208},
		{"two bindings", 2 * unsafe.Sizeof(Binding{}), 208},
		{"two calls", 2 * unsafe.Sizeof(Call{}), 128},
	} {
		if c.size > c.max {
			t.Errorf("%s: %d bytes, want at most %d", c.what, c.size, c.max)
		}
	}
}

// TestFirstAnalyzeAllocs: in a fresh process (as spell lint runs), the
// first analysis with a profile's namespaces builds no index of the
// catalogue: names are looked up in the static catalogue and namespace
// members read without copies (issue 11, start-up: 42 kB with them,
// 18 kB without), and the namespaces' member sets are made only when a
// member is looked up (8 kB).
func TestFirstAnalyzeAllocs(t *testing.T) {
	if os.Getenv("SPELL_LINT_FIRST_CHILD") == "1" {
		p, err := profile.Load(profile.DefaultAgent, ".", "", "")
		if err != nil {
			fmt.Println("first-error", err)
			return
		}
		f := syntax.Parse("small.spl", []byte("(let [x 41]\n  (+ x 1))\n"))
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		a := Analyze(f, Options{Namespaces: ProfileNamespaces(p)})
		runtime.ReadMemStats(&m1)
		fmt.Println("first-bytes", m1.TotalAlloc-m0.TotalAlloc, len(a.References))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFirstAnalyzeAllocs$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SPELL_LINT_FIRST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	bytes, refs := -1, 0
	for _, line := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(line, "first-bytes "); ok {
			fmt.Sscan(s, &bytes, &refs)
		}
	}
	if bytes < 0 || refs == 0 {
		t.Fatalf("child measured nothing:\n%s", out)
	}
	t.Logf("first analysis: %d bytes", bytes)
	if bytes > 12<<10 {
		t.Errorf("the first analysis of a two-line file allocates %d bytes, more than 12 kB: is a catalogue index or a member set built again?", bytes)
	}
}

// TestProfileNamespacesMembersOnUse: ProfileNamespaces makes a namespace's
// member set on its first lookup, with the same members as before, and a
// {:file …}-free merged reference or an MCP alias still accepts what it
// did.
func TestProfileNamespacesMembersOnUse(t *testing.T) {
	p, err := profile.Load(profile.DefaultAgent, ".", "", "")
	if err != nil {
		t.Fatal(err)
	}
	nss := ProfileNamespaces(p)
	for _, name := range []string{"io", "strings", "blocking"} {
		if nss[name].Members != nil {
			t.Errorf("%s: member set made before use", name)
		}
	}
	if !nss["io"].HasMember("read-file") || nss["io"].HasMember("no-such") || !nss["io"].HasMember("docs") {
		t.Error("io members wrong")
	}
	if !nss["strings"].HasMember("split") || nss["strings"].HasMember("spilt") {
		t.Error("strings members wrong")
	}
	if len(nss["io"].MemberSet()) == 0 || nss["io"].Members == nil {
		t.Error("io member set not kept after use")
	}
	if !nss["workers"].HasMember("explore") || nss["workers"].HasMember("nobody") {
		t.Error("workers members wrong")
	}
}
