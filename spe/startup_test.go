package spe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/testprov"
)

// startupProject makes a project directory (with .git) and an empty user
// configuration directory, and returns the project directory.
func startupProject(t *testing.T, files map[string]string) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	files[".git/HEAD"] = ""
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func startupOpen(t *testing.T, dir, model string) (*Session, error) {
	t.Helper()
	reg := provider.Registry{"test": func(provider.Setup) (provider.Provider, error) { return testprov.New(), nil }}
	return Open(Config{Program: []byte("(+ 1 2)"), Model: model, Providers: reg, NoTrace: true, Cwd: dir,
		Environ: []string{}, Getenv: func(string) string { return "" }})
}

// TestOpenWithoutModelSkipsModelTables: a run that names no model (spell
// run -e) neither composes the system prompt nor builds the price table,
// which only model calls read (issue 11, start-up); with a model both are
// there.
func TestOpenWithoutModelSkipsModelTables(t *testing.T) {
	dir := startupProject(t, map[string]string{})
	s, err := startupOpen(t, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.RT.opts.System != "" || s.RT.opts.Cost != nil {
		t.Errorf("no model: system prompt %d bytes, cost table set %v; want neither", len(s.RT.opts.System), s.RT.opts.Cost != nil)
	}
	s, err = startupOpen(t, dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if s.RT.opts.System == "" || s.RT.opts.Cost == nil {
		t.Errorf("model test: system prompt %d bytes, cost table set %v; want both", len(s.RT.opts.System), s.RT.opts.Cost != nil)
	}
}

// TestOpenWithoutModelReportsBrokenTables: skipping the model tables never
// hides a broken aliases.edn or pricing.edn: Open fails on it as before.
func TestOpenWithoutModelReportsBrokenTables(t *testing.T) {
	for _, name := range []string{"aliases.edn", "pricing.edn"} {
		dir := startupProject(t, map[string]string{".spell/" + name: "{:x\n"})
		_, err := startupOpen(t, dir, "")
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("broken %s, no model: err = %v, want a *ConfigError", name, err)
		}
	}
}

// TestOpenBuildsNamespacesOnUse: Open checks the profile's stdlib
// namespaces but builds their maps, and makes the run's temp directory,
// only when a program uses them (issue 11, start-up): (+ 1 2) builds no
// io, agents, globals or workers map, makes no directory and launches no runner
// (so the run's stop waits for none); io/temp-file builds io, makes the
// directory, and Close removes it.
func TestOpenBuildsNamespacesOnUse(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := startupProject(t, map[string]string{})
	runDirs := func() []string {
		m, _ := filepath.Glob(filepath.Join(tmp, "spell-run-*"))
		return m
	}
	open := func(program string) *Session {
		t.Helper()
		s, err := Open(Config{Program: []byte(program), NoTrace: true, Cwd: dir,
			Environ: []string{}, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open("(+ 1 2)")
	if v, err := s.Run(context.Background()); err != nil || v != int64(3) {
		t.Fatalf("(+ 1 2): %v %v", v, err)
	}
	for _, name := range []string{"io", "agents", "globals", "workers"} {
		b, ok := s.RT.stdlib[name]
		if !ok {
			t.Fatalf("the default profile binds no %s", name)
		}
		if b.m != nil {
			t.Errorf("(+ 1 2) built the %s map", name)
		}
	}
	if d := runDirs(); len(d) != 0 {
		t.Errorf("(+ 1 2) made a temp directory: %v", d)
	}
	if s.RT.multi == nil || s.RT.multi.launched {
		t.Errorf("(+ 1 2) launched a runner goroutine (multi %v)", s.RT.multi != nil)
	}
	if err := s.Close(nil, nil); err != nil {
		t.Fatal(err)
	}

	s = open("(quine completion (eval (do '(:out (io/temp-file)))))")
	v, err := s.Run(context.Background())
	path, _ := v.(string)
	if err != nil || !strings.HasPrefix(path, tmp) {
		t.Fatalf("io/temp-file: %v %v", v, err)
	}
	if s.RT.stdlib["io"].m == nil || s.RT.stdlib["agents"].m != nil {
		t.Errorf("io/temp-file: io built %v, agents built %v; want io only", s.RT.stdlib["io"].m != nil, s.RT.stdlib["agents"].m != nil)
	}
	if d := runDirs(); len(d) != 1 {
		t.Errorf("io/temp-file: temp directories %v, want one", d)
	}
	if err := s.Close(v, nil); err != nil {
		t.Fatal(err)
	}
	if d := runDirs(); len(d) != 0 {
		t.Errorf("Close left the temp directory: %v", d)
	}
}

// TestOpenWebOpenBuildsOnUse: with NetEffects.WebOpen, Open reports the
// web namespace's errors but builds its map only when a program uses web/
// (issue 11, start-up).
func TestOpenWebOpenBuildsOnUse(t *testing.T) {
	saved := registeredNet()
	defer RegisterNet(saved)
	var opens, builds int
	var failOpen error
	RegisterNet(NetEffects{
		Web: func(WebSetup) (*value.Map, error) { t.Error("Open used Web, not WebOpen"); return value.EmptyMap, nil },
		WebOpen: func(WebSetup) (func() *value.Map, error) {
			opens++
			if failOpen != nil {
				return nil, failOpen
			}
			return func() *value.Map {
				builds++
				return value.NewMap(value.Kw("probe"), "web built")
			}, nil
		},
	})
	dir := startupProject(t, map[string]string{})
	run := func(program string) (value.Value, error) {
		t.Helper()
		s, err := Open(Config{Program: []byte(program), NoTrace: true, Cwd: dir,
			Environ: []string{}, Getenv: func(string) string { return "" }})
		if err != nil {
			return nil, err
		}
		v, err := s.Run(context.Background())
		s.Close(v, err)
		return v, err
	}
	if v, err := run("(+ 1 2)"); err != nil || v != int64(3) || opens != 1 || builds != 0 {
		t.Errorf("(+ 1 2): %v %v; web opened %d, built %d times; want 1 and 0", v, err, opens, builds)
	}
	if v, err := run("(quine completion (eval (do '(:probe web))))"); err != nil || v != "web built" || builds != 1 {
		t.Errorf("(:probe web): %v %v; web built %d times; want once", v, err, builds)
	}
	failOpen = errors.New("bad web.edn")
	if _, err := run("(+ 1 2)"); !IsConfigError(err) || !strings.Contains(err.Error(), "bad web.edn") {
		t.Errorf("a failing WebOpen: err = %v, want the configuration error at open", err)
	}
}

// TestActingBeforeEffectsAndModelCalls: Config.Acting (spell run starts
// its signal watch there) is called before an effect and before a model
// call, and not by a run that only evaluates (issue 11, start-up).
func TestActingBeforeEffectsAndModelCalls(t *testing.T) {
	dir := startupProject(t, map[string]string{})
	reg := provider.Registry{"test": func(provider.Setup) (provider.Provider, error) { return testprov.New(), nil }}
	for _, tc := range []struct {
		program, model string
		acting         bool
	}{
		{"(+ 1 2)", "", false},
		{"(eval (quote (io/cwd)))", "", true},
		{"(quine completion (eval (do (quine prompt \"hi\") '(!extend))))", "test", true},
	} {
		n := 0
		s, err := Open(Config{Program: []byte(tc.program), Model: tc.model, Providers: reg, NoTrace: true, Cwd: dir,
			Environ: []string{}, Getenv: func(string) string { return "" }, Acting: func() { n++ }})
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: Acting called by Open", tc.program)
		}
		v, runErr := s.Run(context.Background())
		_ = s.Close(v, runErr)
		if got := n > 0; got != tc.acting {
			t.Errorf("%s (model %q): Acting called %d times (error %v), want called: %v", tc.program, tc.model, n, runErr, tc.acting)
		}
	}
}

// TestOpenTakesOverNeeds: Open given the Needs of NeedsOf for the same
// model, agent and directory takes its resolution over instead of looking
// the profiles up again (issue 11, start-up): a profile written in between
// is not seen; Needs for another agent are not taken over.
func TestOpenTakesOverNeeds(t *testing.T) {
	dir := startupProject(t, map[string]string{})
	same, err := NeedsOf(Config{Model: "test", Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	other, err := NeedsOf(Config{Model: "test", Agent: "readonly", Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Written after NeedsOf: a project cli profile without io.
	p := filepath.Join(dir, ".spell", "agents", "cli.agent.edn")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("{:namespaces {} :available-agents []}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := provider.Registry{"test": func(provider.Setup) (provider.Provider, error) { return testprov.New(), nil }}
	run := func(needs *Needs) (value.Value, error) {
		s, err := Open(Config{Program: []byte("(eval (quote (map? io)))"), Model: "test", Providers: reg, NoTrace: true, Cwd: dir, Needs: needs})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Run(context.Background())
		s.Close(v, err)
		return v, err
	}
	if v, err := run(&same); err != nil || v != true {
		t.Errorf("with the same Needs: %v, %v; want true (the embedded cli profile NeedsOf found)", v, err)
	}
	for name, needs := range map[string]*Needs{"no Needs": nil, "another agent's Needs": &other} {
		if v, err := run(needs); err == nil {
			t.Errorf("%s: %v; want io unbound (the project's cli profile)", name, v)
		}
	}
}

// TestCoordinatorMadeOnFirstNeed: a run makes its agents coordinator when
// a program first needs it (issue 11, start-up): (+ 1 2) makes none; an
// agents/ call makes it with main in its first lifecycle, and the run's
// end closes it; one made after the end is closed at once.
func TestCoordinatorMadeOnFirstNeed(t *testing.T) {
	dir := startupProject(t, map[string]string{})
	run := func(program string) (*Session, value.Value) {
		t.Helper()
		s, err := Open(Config{Program: []byte(program), NoTrace: true, Cwd: dir,
			Environ: []string{}, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", program, err)
		}
		if err := s.Close(v, nil); err != nil {
			t.Fatal(err)
		}
		return s, v
	}
	s, _ := run("(+ 1 2)")
	if s.RT.multi.made.Load() != nil {
		t.Errorf("(+ 1 2) made the coordinator")
	}
	if c := s.RT.multi.coord(); !c.Closed() {
		t.Errorf("a coordinator made after the run's end is open")
	}
	s, v := run("(quine completion (eval (do '(agents/status))))")
	c := s.RT.multi.made.Load()
	if c == nil || !c.Closed() {
		t.Fatalf("agents/status: coordinator made %v, closed at the end %v", c != nil, c != nil && c.Closed())
	}
	if st, err := c.StatusOf(agents.Main); err != nil || !strings.Contains(value.PrStr(st), ":generation 1") {
		t.Errorf("main after agents/status: %v %v, want its first lifecycle", value.PrStr(st), err)
	}
	if !strings.Contains(value.PrStr(v), "awake") {
		t.Errorf("agents/status = %s, want main awake", value.PrStr(v))
	}
}

// printCounter counts how often the printer asks for its name.
type printCounter struct{ n *int }

func (p printCounter) HostName() string { *p.n++; return "counter" }

// TestEndTurnWithoutTraceBuildsNoEvent: a run that keeps no trace does not
// build the eval.value event (it does not print the value) at the end of
// a turn (issue 11, start-up).
func TestEndTurnWithoutTraceBuildsNoEvent(t *testing.T) {
	n := 0
	rt := New(Options{Limits: DefaultLimits})
	rt.endTurn(&turn{handle: "main"}, printCounter{&n}, nil, "none")
	if n != 0 {
		t.Errorf("endTurn without a trace printed the value %d times", n)
	}
	if value.PrStr(printCounter{&n}); n != 1 {
		t.Fatalf("the counter counts no printing (%d)", n)
	}
}

// TestOpenLooksOnlyInExistingDirs: the opening looks its configuration
// files up only in the configuration directories that exist (issue 11,
// start-up), finds a profile in the one that does, and a profile not
// found still names every directory searched. The run keeps both
// directories: web/ reads web.edn from them at every call, as before; its
// check at open reads only the one that exists.
func TestOpenLooksOnlyInExistingDirs(t *testing.T) {
	dir := startupProject(t, map[string]string{".spell/agents/mine.agent.edn": "{:agent-description \"mine\"}\n"})
	user := filepath.Join(t.TempDir(), "absent")
	t.Setenv("XDG_CONFIG_HOME", user)
	cfg := func(agent string) Config {
		return Config{Program: []byte("(+ 1 2)"), Agent: agent, NoTrace: true, Cwd: dir,
			Environ: []string{}, Getenv: func(string) string { return "" }}
	}
	project := filepath.Join(dir, ".spell")
	dirs := profile.Dirs{Project: project, User: filepath.Join(user, "spell")}
	c := cfg("mine")
	c.Getenv = nil // NeedsOf keeps what it resolved only for the process environment
	n, err := NeedsOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if r := n.resolved; r == nil || r.dirs != dirs || !r.projectLooked || r.userLooked {
		t.Errorf("NeedsOf resolved %+v; want dirs %+v, looked up in the project directory only", r, dirs)
	}
	s, err := Open(cfg("mine"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.webSetup(s.RT, sandbox{}); s.dirs != dirs || w.UserDir != dirs.User || w.ProjectDir != dirs.Project {
		t.Errorf("session dirs %+v, web/ reads %q and %q; want %+v for both", s.dirs, w.UserDir, w.ProjectDir, dirs)
	} else if want := (profile.Dirs{Project: project}); w.Existing != want {
		t.Errorf("web/ checks web.edn at open in %+v; want %+v", w.Existing, want)
	}
	_, err = Open(cfg("nosuch"))
	want := "(searched " + filepath.Join(project, "agents") + ", " + filepath.Join(user, "spell", "agents") + " and the embedded profiles"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("-a nosuch: err = %v, want it to name %q", err, want)
	}
}

// TestStartupSizes: the structs every run allocates once stay in size
// classes that start-up uses anyway (issue 11: a new class costs page
// faults): NeedsOf's resolved in 512 bytes, the Runtime with its 8-byte
// malloc header in 704.
func TestStartupSizes(t *testing.T) {
	if n := unsafe.Sizeof(resolved{}); n > 512 {
		t.Errorf("resolved is %d bytes, want at most 512", n)
	}
	if n := unsafe.Sizeof(Runtime{}); n > 704-8 {
		t.Errorf("Runtime is %d bytes, want at most 696", n)
	}
}
