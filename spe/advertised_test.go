//go:build !spell_nosdk

package spe_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/provider/builtin"
)

// stillBuildingFile lists, one per line, the namespaces, members
// ("io/watch-send") and effect builtins that are being built and may still answer "not built yet"
// (issue 10 item 8). The prompt tests read it too (they stop requiring
// what is listed). Shrink it as each lands: TestAdvertisedMembersWork
// fails on an entry that works.
const stillBuildingFile = "testdata/still-building.txt"

// stillBuilding reads stillBuildingFile: name → the reason after "#".
func stillBuilding(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(stillBuildingFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, why, _ := strings.Cut(sc.Text(), "#")
		if name := strings.TrimSpace(line); name != "" {
			out[name] = strings.TrimSpace(why)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// notBuiltMarkers are the answers of a member that is advertised but does
// not work: the stubs' texts, and a member the profile grants that does
// not resolve.
var notBuiltMarkers = []string{
	"not built yet",
	"not available in this version",
	"not available in this runtime",
	"not available in this run",
	"is only available inside (future",
	"is not granted to this agent",
	"Namespace lookup failed",
}

// memberProbes call each member once with harmless arguments: the workspace
// is a fresh temporary directory holding a.txt and sub/; nothing leaves the
// loopback (search asks for Serper, which fails without a key, and the
// user web.edn selects it too; fetch targets a loopback port, which is
// refused); children have no completion to replay and fail at once; waits
// time out in milliseconds. %s is the name the profile binds the namespace
// under. A member without a probe fails the test, so a new
// member gets one.
var memberProbes = map[string]string{
	"io/slurp":         `(%s/slurp "a.txt")`,
	"io/slurp-bytes":   `(%s/slurp-bytes "a.txt")`,
	"io/read-file":     `(%s/read-file "a.txt")`,
	"io/read-lines":    `(%s/read-lines "a.txt")`,
	"io/grep":          `(%s/grep "hello" ".")`,
	"io/glob":          `(%s/glob "*.txt")`,
	"io/git":           `(%s/git "status")`,
	"io/exists?":       `(%s/exists? "a.txt")`,
	"io/directory?":    `(%s/directory? "sub")`,
	"io/ls":            `(%s/ls ".")`,
	"io/cwd":           `(%s/cwd)`,
	"io/stat":          `(%s/stat "a.txt")`,
	"io/env":           `(%s/env "HOME")`,
	"io/write-file":    `(%s/write-file "out.txt" "x")`,
	"io/spit":          `(%s/spit "out.txt" "x" {:append true})`,
	"io/str-replace":   `(%s/str-replace "a.txt" "hello" "hi")`,
	"io/replace-lines": `(%s/replace-lines "a.txt" 1 1 "top\n")`,
	"io/mkdir":         `(%s/mkdir "d1")`,
	"io/mkdirs":        `(%s/mkdirs "d2/e")`,
	"io/delete":        `(%s/delete "a.txt")`,
	"io/copy":          `(%s/copy "a.txt" "c.txt")`,
	"io/move":          `(%s/move "a.txt" "m.txt")`,
	"io/temp-file":     `(%s/temp-file)`,
	"io/sh":            `(%s/sh "true")`,
	"io/sh-test":       `((%s/sh-test "true"))`,
	"io/exec":          `(%s/exec ["true"])`,
	"io/watch-send":    `(%s/watch-send "." :main 0)`,

	"web/search": `(%s/search "spell lisp" {:backend :serper})`, // no key: fails before any request
	"web/fetch":  `(%s/fetch "http://127.0.0.1:9/")`,
	"web/config": `(%s/config)`,

	"agents/spawn":          `(%s/spawn "Say hi.")`,
	"agents/ask":            `(%s/ask :nobody 1)`,
	"agents/spawn-ask":      `(%s/spawn-ask ["Say hi."])`,
	"agents/!ask":           `(%s/!ask :nobody 1)`,
	"agents/!spawn-ask":     `(%s/!spawn-ask "Say hi.")`,
	"agents/!reply-ask":     `(%s/!reply-ask {:from :nobody :edge-id 1 :expects-response true} 1)`,
	"agents/!wait":          `(%s/!wait)`,
	"agents/!sleep":         `(%s/!sleep)`,
	"agents/send":           `(%s/send :nobody 1)`,
	"agents/reply":          `(%s/reply {:from :nobody :body 1} 1)`,
	"agents/cancel":         `(%s/cancel 999)`,
	"agents/status":         `(%s/status)`,
	"agents/graph":          `(%s/graph)`,
	"agents/out-edges":      `(%s/out-edges)`,
	"agents/in-edges":       `(%s/in-edges)`,
	"agents/current-handle": `(%s/current-handle)`,
	"agents/parent-handle":  `(%s/parent-handle)`,
	"agents/register":       `(%s/register :dormant "(quine completion (eval (do 1)))")`,

	"globals/get":        `(%s/get :k)`,
	"globals/set":        `(%s/set :k 1)`,
	"globals/update":     `(%s/update :k (fnil inc 0))`,
	"globals/pop":        `(%s/pop :q)`,
	"globals/keys":       `(%s/keys)`,
	"globals/all":        `(%s/all)`,
	"globals/wait-until": `(%s/wait-until (fn [g] true) {:timeout-ms 10})`,

	// blocking/ exists only inside futures: each probe runs in one and is
	// awaited from the turn with !ask-await.
	"blocking/await":      `(!ask-await (future (%s/await (future 1))))`,
	"blocking/await-all":  `(!ask-await (future (%s/await-all [(future 1) (future 2)])))`,
	"blocking/pmap":       `(!ask-await (future (%s/pmap inc [1 2])))`,
	"blocking/plet":       `(!ask-await (future (%s/plet [a 1 b 2] (+ a b))))`,
	"blocking/request":    `(!ask-await (future (%s/request :main 1)))`,
	"blocking/send-await": `(!ask-await (future (%s/send-await :nobody 1)))`,

	// workers: one member per :available-agents entry; a worker is started
	// with agents/spawn.
	"workers/*": `(agents/spawn %s "Look around.")`,

	// Effect builtins every agent has.
	"receive":    `(receive completion)`,
	"!ask-await": `(!ask-await (future 1))`,
}

// probe is one call of an advertised member by one bundled agent.
type probe struct {
	agent  string
	ns     string // stdlib namespace, or the builtin's name
	key    string // catalogue name: "io/ls", "workers/*", "receive"
	member string // what the agent calls: "io/ls", "workers/explore", "receive"
	expr   string
}

// advertisedProbes returns the probes of every member each bundled agent
// profile (spe/profile/agents/*.edn) is given: the members of the
// namespaces it binds, its workers, blocking/ (inside futures) and the
// effect builtins receive and !ask-await.
func advertisedProbes(t *testing.T) []probe {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("profile", "agents", "*.agent.edn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundled agent profiles: %v", err)
	}
	sort.Strings(files)
	var out []probe
	add := func(agent, ns, key, member, bound string) {
		tmpl, ok := memberProbes[key]
		if !ok {
			t.Errorf("%s: no probe for %s in memberProbes: add one with harmless arguments", agent, key)
			return
		}
		expr := tmpl
		if strings.Contains(tmpl, "%s") {
			expr = fmt.Sprintf(tmpl, bound)
		}
		out = append(out, probe{agent: agent, ns: ns, key: key, member: member, expr: expr})
	}
	for _, f := range files {
		agent := strings.TrimSuffix(filepath.Base(f), ".agent.edn")
		p, err := profile.Load(agent, t.TempDir(), "", "")
		if err != nil {
			t.Fatalf("%s: %v", agent, err)
		}
		for _, name := range p.NamespaceNames() {
			ref := p.Namespaces[name]
			if ref.IsFile() {
				continue
			}
			for _, part := range ref.Parts() {
				for _, m := range part.Members() {
					add(agent, part.Stdlib, part.Stdlib+"/"+m, name+"/"+m, name)
				}
			}
		}
		for _, w := range p.AvailableAgents {
			add(agent, "workers", "workers/*", "workers/"+w.Name, "workers/"+w.Name)
		}
		for _, e := range catalog.Namespace("blocking") {
			add(agent, "blocking", e.Name, e.Name, "blocking")
		}
		add(agent, "receive", "receive", "receive", "")
		add(agent, "!ask-await", "!ask-await", "!ask-await", "")
	}
	return out
}

// TestAdvertisedMembersWork is issue 10 item 8, "nothing advertised that
// does not work", for effect members: every member of every namespace a
// bundled agent profile binds (plus its workers, blocking/ inside futures,
// receive and !ask-await) is called through a real Session (spe.Open with
// the agent, a replay model, a temporary workspace) with harmless
// arguments, and must not answer "not built yet" or "not available". An
// error that the arguments earn (an unknown handle, a missing file) is
// fine. The namespaces listed in testdata/still-building.txt are still
// being built: their failures are logged, not reported, and an entry
// whose members all work fails the test so that the list shrinks.
func TestAdvertisedMembersWork(t *testing.T) {
	if testing.Short() {
		t.Skip("one session per member")
	}
	noNetwork(t)
	allowed := stillBuilding(t)
	transcript := filepath.Join(t.TempDir(), "none.txtar")
	if err := os.WriteFile(transcript, []byte("No completions: a child that calls the model fails at once.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	probed := map[string]bool{}
	broken := map[string][]string{}
	for _, pr := range advertisedProbes(t) {
		probed[pr.ns], probed[pr.key] = true, true
		answer := runProbe(t, transcript, pr)
		marker := ""
		for _, m := range notBuiltMarkers {
			if strings.Contains(answer, m) {
				marker = m
				break
			}
		}
		if marker == "" {
			t.Logf("%s %s: %s", pr.agent, pr.member, clipAnswer(answer))
			continue
		}
		if _, ok := allowed[pr.key]; ok {
			broken[pr.key] = append(broken[pr.key], pr.agent+" "+pr.member)
			t.Logf("%s %s: still being built (%s): %s", pr.agent, pr.member, pr.key, clipAnswer(answer))
			continue
		}
		if _, ok := allowed[pr.ns]; ok {
			broken[pr.ns] = append(broken[pr.ns], pr.agent+" "+pr.member)
			t.Logf("%s %s: still being built (%s): %s", pr.agent, pr.member, pr.ns, clipAnswer(answer))
			continue
		}
		t.Errorf("agent %s advertises %s, which does not work:\n  %s\n  answer: %s", pr.agent, pr.member, pr.expr, clipAnswer(answer))
	}
	var names []string
	for ns := range allowed {
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, ns := range names {
		switch {
		case !probed[ns]:
			t.Errorf("%s in %s is bound by no bundled agent: remove it", ns, stillBuildingFile)
		case len(broken[ns]) == 0:
			t.Errorf("%s works now: remove it from %s", ns, stillBuildingFile)
		default:
			t.Logf("still being built: %s (%s): %d calls fail, e.g. %s", ns, allowed[ns], len(broken[ns]), broken[ns][0])
		}
	}
}

// noNetwork points the user configuration at an empty directory (only the
// bundled agent profiles) whose web.edn makes web/search use the keyed
// backend: no key is configured, so no search leaves the machine.
func noNetwork(t *testing.T) {
	t.Helper()
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if err := os.MkdirAll(filepath.Join(xdg, "spell"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "spell", "web.edn"), []byte("{:search {:backend :serper}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runProbe runs pr.expr as the trailing expression of a program in a fresh
// session of pr.agent and returns everything it answered: the value, the
// run error and the close error.
func runProbe(t *testing.T, transcript string, pr probe) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.txt"), []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	program := "(quine completion (eval (do '" + pr.expr + ")))"
	sess, err := spe.Open(spe.Config{
		ProgramName: "probe.spl",
		Program:     []byte(program),
		Model:       "replay:" + transcript,
		Providers:   builtin.Registry(),
		Agent:       pr.agent,
		Limits:      spe.DefaultLimits,
		Seed:        1,
		NoTrace:     true,
		Cwd:         root,
		Root:        root,
		Environ:     []string{"HOME=" + root},
		Getenv:      func(string) string { return "" },
		Stderr:      &strings.Builder{},
	})
	if err != nil {
		return "open: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
	defer cancel()
	v, runErr := sess.Run(ctx)
	closeErr := sess.Close(v, runErr)
	var b strings.Builder
	if runErr != nil {
		b.WriteString("error: " + runErr.Error())
	} else {
		b.WriteString("value: " + value.PrStr(v))
	}
	if closeErr != nil && closeErr != runErr {
		b.WriteString("; close: " + closeErr.Error())
	}
	return b.String()
}

func clipAnswer(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
