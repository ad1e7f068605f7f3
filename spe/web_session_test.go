package spe_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/trace"
)

// webRun runs one program under an agent profile in a fresh directory and
// returns its value as text.
func webRun(t *testing.T, cwd string, cfg spe.Config) (string, error) {
	t.Helper()
	cfg.Cwd = cwd
	cfg.Limits = spe.DefaultLimits
	cfg.Environ = []string{}
	cfg.Getenv = func(string) string { return "" }
	if cfg.TraceDir == "" && cfg.Resume == "" {
		cfg.NoTrace = true
	}
	sess, err := spe.Open(cfg)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	v, err := sess.Run(ctx)
	if cerr := sess.Close(v, err); err == nil {
		err = cerr
	}
	return value.PrStr(v), err
}

// The web namespace of a session: refused on loopback by default, allowed
// by --allow-private-net or the profile's :sandbox :allow-private-net; the
// fetch is an effect in the trace and a resumed run does not repeat it.
func TestSessionWebPrivateNet(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>T</title><p>hello web</p>")
	}))
	defer srv.Close()
	cwd := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(cwd, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("web.agent.edn", `{:base base :namespaces {web stdlib/web}}`)
	write("net.agent.edn", `{:base base :namespaces {web stdlib/web} :sandbox {:allow-private-net true}}`)
	prog := []byte(`(eval (quote (let [r (web/fetch "` + srv.URL + `")] [(:ok r) (:status r) (or (:out r) (:err r))])))`)

	got, err := webRun(t, cwd, spe.Config{Program: prog, Agent: "web.agent.edn"})
	if err != nil || !strings.Contains(got, "[false nil") || !strings.Contains(got, "loopback address") || !strings.Contains(got, "--allow-private-net") {
		t.Errorf("default: %s, %v", got, err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the server was reached")
	}
	want := `[true 200 "# T\n\nhello web\n\nSource: ` + srv.URL + `"]`
	for _, cfg := range []spe.Config{
		{Program: prog, Agent: "web.agent.edn", AllowPrivateNet: true},
		{Program: prog, Agent: "net.agent.edn"},
	} {
		if got, err := webRun(t, cwd, cfg); err != nil || got != want {
			t.Errorf("%s allowed=%v: %s, %v", cfg.Agent, cfg.AllowPrivateNet, got, err)
		}
	}
	if hits.Load() != 2 {
		t.Fatalf("hits = %d", hits.Load())
	}

	// Traced, and not repeated by --resume.
	dir := filepath.Join(t.TempDir(), "run")
	prog2 := []byte(`(eval (quote (do (web/fetch "` + srv.URL + `") (web/config))))`)
	if _, err := webRun(t, cwd, spe.Config{Program: prog2, Agent: "net.agent.edn", TraceDir: dir}); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, trace.EventsFile)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	cut := -1
	for i, l := range lines {
		if strings.Contains(l, `"ev":"effect.end"`) && strings.Contains(l, `"web/fetch"`) {
			cut = i + 1
		}
	}
	if cut < 0 || !strings.Contains(string(data), "hello web") {
		t.Fatalf("no web/fetch effect in the trace:\n%s", data)
	}
	// Simulate a crash after the fetch.
	if err := os.WriteFile(log, []byte(strings.Join(lines[:cut], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	before := hits.Load()
	if _, err := webRun(t, cwd, spe.Config{Resume: dir, Agent: "net.agent.edn"}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != before {
		t.Errorf("the resumed run fetched again")
	}
}

// A web.edn with an unknown key is a configuration error before the run.
func TestSessionWebConfigError(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	cwd := t.TempDir()
	os.MkdirAll(filepath.Join(cwd, ".spell"), 0o755)
	os.WriteFile(filepath.Join(cwd, ".spell", "web.edn"), []byte(`{:fetch {:max-char 900}}`), 0o644)
	_, err := webRun(t, cwd, spe.Config{Program: []byte(`(+ 1 2)`), Agent: "cli"})
	if !spe.IsConfigError(err) || !strings.Contains(err.Error(), "did you mean :max-chars?") {
		t.Errorf("err = %v", err)
	}
}
