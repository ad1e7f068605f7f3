package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A Fireworks model without FIREWORKS_API_KEY is a configuration error
// (exit 2) reported before any request reaches the server.
func TestFireworksMissingKeyExit2(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("FIREWORKS_API_KEY", "")
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	for _, model := range []string{"fireworks:glm-5p2", "fireworks-tc:kimi-k3", "glm51", "deepseek-v3"} {
		code, _, stderr := run(t, "", "run", "--no-trace", "-p", "hi", "--model", model, "--base-url", srv.URL)
		if code != 2 || !strings.Contains(stderr, "FIREWORKS_API_KEY is not set") {
			t.Errorf("%s: exit %d, stderr %q", model, code, stderr)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}
