package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// testNS builds a namespace for tests; by default private addresses are
// allowed, since every test server listens on loopback.
func testNS(t *testing.T, mut func(*Config)) *value.Map {
	t.Helper()
	cfg := Config{AllowPrivateNet: true, Version: "test"}
	if mut != nil {
		mut(&cfg)
	}
	m, err := Namespace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// call invokes a member with the arity check the evaluator would apply.
func call(t *testing.T, m *value.Map, name string, args ...value.Value) (value.Value, error) {
	t.Helper()
	v, ok := m.Get(value.Kw(name))
	if !ok {
		t.Fatalf("web/%s is absent", name)
	}
	b := v.(*eval.Builtin)
	if len(args) < b.Min || (b.Max >= 0 && len(args) > b.Max) {
		t.Fatalf("web/%s: %d arguments outside [%d, %d]", name, len(args), b.Min, b.Max)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := &eval.Call{In: eval.New(ctx, eval.Options{}), Name: b.Name}
	return b.Fn(c, args)
}

// env calls a member and requires an envelope.
func env(t *testing.T, m *value.Map, name string, args ...value.Value) *value.Map {
	t.Helper()
	v, err := call(t, m, name, args...)
	if err != nil {
		t.Fatalf("web/%s: %v", name, err)
	}
	e, ok := v.(*value.Map)
	if !ok {
		t.Fatalf("web/%s: not an envelope: %s", name, value.PrStr(v))
	}
	return e
}

func get(m *value.Map, k string) value.Value {
	v, _ := m.Get(value.Kw(k))
	return v
}

// keys returns the keys of an envelope in order.
func keys(m *value.Map) string {
	var out []string
	m.Range(func(k, _ value.Value) bool { out = append(out, value.PrStr(k)); return true })
	return strings.Join(out, " ")
}

func mustOK(t *testing.T, e *value.Map) string {
	t.Helper()
	if get(e, "ok") != true {
		t.Fatalf("not ok: %s", value.PrStr(e))
	}
	s, _ := get(e, "out").(string)
	return s
}

func mustFail(t *testing.T, e *value.Map, want ...string) string {
	t.Helper()
	if get(e, "ok") != false {
		t.Fatalf("expected :ok false: %s", value.PrStr(e))
	}
	msg, _ := get(e, "err").(string)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
	return msg
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func page(ctype, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		io.WriteString(w, body)
	}
}

func TestAddressClass(t *testing.T) {
	for ip, want := range map[string]string{
		"127.0.0.1": "loopback", "::1": "loopback", "::ffff:127.0.0.1": "loopback", "10.1.2.3": "private",
		"172.16.0.1": "private", "192.168.1.1": "private", "fd00::1": "private", "169.254.169.254": "link-local",
		"fe80::1": "link-local", "224.0.0.1": "link-local", "239.1.1.1": "multicast", "ff02::1": "link-local", "ff05::1": "multicast", "0.0.0.0": "unspecified",
		"::": "unspecified", "0.1.2.3": "unspecified", "100.64.0.1": "CGNAT", "100.127.255.255": "CGNAT",
		"255.255.255.255": "broadcast", "64:ff9b::7f00:1": "loopback",
		"8.8.8.8": "", "100.128.0.1": "", "2001:4860:4860::8888": "", "172.32.0.1": "",
	} {
		if got := AddressClass(netip.MustParseAddr(ip)); got != want {
			t.Errorf("AddressClass(%s) = %q, want %q", ip, got, want)
		}
	}
}

func TestFetchMarkdown(t *testing.T) {
	srv := serve(t, page("text/html; charset=utf-8", `<!doctype html><html><head><title> The  Title </title>
<script>var x = "<p>not this</p>";</script><style>p{}</style></head>
<body><nav><p>menu</p></nav><article><h1>Heading</h1><p>First  paragraph
with <a href="/x">a link</a>.</p><p>   </p><script>no()</script><p>Second &amp; last.</p></article></body></html>`))
	m := testNS(t, nil)
	e := env(t, m, "fetch", srv.URL+"/page")
	if got := keys(e); got != ":ok :out :err :status :truncated" {
		t.Errorf("envelope keys = %s", got)
	}
	want := "# The Title\n\nFirst paragraph with a link.\n\nSecond & last.\n\nSource: " + srv.URL + "/page"
	if got := mustOK(t, e); got != want {
		t.Errorf("out =\n%q\nwant\n%q", got, want)
	}
	if get(e, "status") != int64(200) || get(e, "truncated") != false {
		t.Errorf("envelope = %s", value.PrStr(e))
	}
}

func TestFetchBodyWithoutParagraphs(t *testing.T) {
	srv := serve(t, page("text/html", `<html><body><div>one</div><div>two <b>three</b></div><ul><li>four</li></ul></body></html>`))
	got := mustOK(t, env(t, testNS(t, nil), "fetch", srv.URL))
	want := "one\n\ntwo three\n\nfour\n\nSource: " + srv.URL
	if got != want {
		t.Errorf("out = %q, want %q", got, want)
	}
}

func TestFetchParagraphLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><body>")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&b, "<p>p%d</p>", i)
	}
	srv := serve(t, page("text/html", b.String()))
	got := mustOK(t, env(t, testNS(t, nil), "fetch", srv.URL))
	if !strings.Contains(got, "p120\n\nSource:") || strings.Contains(got, "p121") {
		t.Errorf("expected 120 paragraphs: …%s", got[len(got)-80:])
	}
}

func TestFetchCharset(t *testing.T) {
	srv := serve(t, page("text/html; charset=windows-1252", "<html><body><p>caf\xe9</p></body></html>"))
	got := mustOK(t, env(t, testNS(t, nil), "fetch", srv.URL))
	if !strings.HasPrefix(got, "café\n\n") {
		t.Errorf("out = %q", got)
	}
}

func TestFetchMaxChars(t *testing.T) {
	text := strings.Repeat("é", 1000)
	srv := serve(t, page("text/plain; charset=utf-8", text))
	m := testNS(t, nil)
	e := env(t, m, "fetch", srv.URL, value.NewMap(value.Kw("max-chars"), int64(600)))
	want := strings.Repeat("é", 600) + "\n\n[truncated to 600 chars from 1000 chars]"
	if got := mustOK(t, e); got != want {
		t.Errorf("out ends %q", got[len(got)-60:])
	}
	if get(e, "truncated") != true {
		t.Errorf("truncated = %v", get(e, "truncated"))
	}
	// max-chars is at least 500.
	got := mustOK(t, env(t, m, "fetch", srv.URL, value.NewMap(value.Kw("max-chars"), int64(10))))
	if !strings.HasSuffix(got, "[truncated to 500 chars from 1000 chars]") {
		t.Errorf("out ends %q", got[len(got)-60:])
	}
	// The default (40000) leaves it alone.
	if got := mustOK(t, env(t, m, "fetch", srv.URL)); got != text {
		t.Errorf("plain text changed: %q", got[:20])
	}
}

func TestFetchNon2xx(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		http.Error(w, "nothing here", http.StatusNotFound)
	})
	m := testNS(t, nil)
	e := env(t, m, "fetch", srv.URL+"/missing")
	mustFail(t, e, "HTTP 404 Not Found")
	if get(e, "status") != int64(404) || get(e, "out") != nil {
		t.Errorf("envelope = %s", value.PrStr(e))
	}
	e = env(t, m, "fetch", srv.URL+"/moved")
	mustFail(t, e, "HTTP 304")
}

func TestFetchInvalidURL(t *testing.T) {
	var hits atomic.Int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	m := testNS(t, nil)
	for _, u := range []string{"ftp://example.com/file", "file:///etc/passwd", "mailto:someone@example.com",
		"javascript:alert(1)", "gopher://" + strings.TrimPrefix(srv.URL, "http://"), "", "http://", "data:text/html,hi"} {
		e := env(t, m, "fetch", u)
		mustFail(t, e, "Invalid URL")
		if get(e, "status") != nil {
			t.Errorf("%s: status = %v", u, get(e, "status"))
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the server was reached %d times", hits.Load())
	}
	// Misuse is an error, not an envelope.
	if _, err := call(t, m, "fetch", int64(1)); err == nil {
		t.Error("a number URL is not an error")
	}
	if _, err := call(t, m, "fetch", srv.URL, value.NewMap(value.Kw("backnd"), value.Kw("raw"))); err == nil || !strings.Contains(err.Error(), "unknown option :backnd") {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := call(t, m, "fetch", srv.URL, value.NewMap(value.Kw("backend"), value.Kw("curl"))); err == nil {
		t.Error("unknown backend is not an error")
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":            "https://example.com",
		"example.com:8080/a?b=c": "https://example.com:8080/a?b=c",
		" http://x.org/p ":       "http://x.org/p",
		"HTTPS://X.org":          "HTTPS://X.org",
	} {
		u, err := normalizeURL(in)
		if err != nil || u.String() != strings.ToLower(want[:5])+want[5:] && u.String() != want {
			t.Errorf("normalizeURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	if _, err := normalizeURL("mailto:a@b.c"); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("mailto: %v", err)
	}
}

// The address rule: refused without --allow-private-net, the server is
// never reached, and the message says why and names the flag.
func TestFetchRefusesLoopback(t *testing.T) {
	var hits atomic.Int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	m := testNS(t, func(c *Config) { c.AllowPrivateNet = false })
	e := env(t, m, "fetch", srv.URL)
	mustFail(t, e, "127.0.0.1", "loopback address", "--allow-private-net", ":sandbox")
	if hits.Load() != 0 {
		t.Errorf("the server was reached %d times", hits.Load())
	}
	// Allowed with the flag.
	mustOK(t, env(t, testNS(t, nil), "fetch", srv.URL))
	if hits.Load() != 1 {
		t.Errorf("hits = %d", hits.Load())
	}
}

// DNS that answers with a loopback address is refused at connect time.
func TestFetchDNSResolvingToLoopback(t *testing.T) {
	var hits atomic.Int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	m := testNS(t, func(c *Config) {
		c.AllowPrivateNet = false
		c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			if host != "public.example" {
				return nil, fmt.Errorf("no such host %s", host)
			}
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
	})
	mustFail(t, env(t, m, "fetch", "http://public.example:"+port+"/"), "refused to connect to 127.0.0.1", "loopback", "--allow-private-net")
	if hits.Load() != 0 {
		t.Errorf("the server was reached %d times", hits.Load())
	}
}

// A public server (a trusted loopback address standing for one) that
// redirects to a private address: the redirect is refused.
func TestFetchRedirectToPrivate(t *testing.T) {
	var inner atomic.Int64
	private := serve(t, func(w http.ResponseWriter, r *http.Request) { inner.Add(1); io.WriteString(w, "secret") })
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/meta":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/local":
			http.Redirect(w, r, private.URL, http.StatusMovedPermanently)
		case "/cgnat":
			http.Redirect(w, r, "http://100.64.1.1/", http.StatusTemporaryRedirect)
		case "/ftp":
			http.Redirect(w, r, "ftp://example.com/", http.StatusFound)
		}
	})
	m := testNS(t, func(c *Config) {
		c.AllowPrivateNet = false
		c.trusted = map[string]bool{strings.TrimPrefix(public.URL, "http://"): true}
	})
	mustFail(t, env(t, m, "fetch", public.URL+"/meta"), "169.254.169.254", "link-local", "--allow-private-net")
	mustFail(t, env(t, m, "fetch", public.URL+"/local"), "127.0.0.1", "loopback", "--allow-private-net")
	mustFail(t, env(t, m, "fetch", public.URL+"/cgnat"), "100.64.1.1", "CGNAT")
	mustFail(t, env(t, m, "fetch", public.URL+"/ftp"), "redirect to ftp://example.com/", "only http and https")
	if inner.Load() != 0 {
		t.Errorf("the private server was reached %d times", inner.Load())
	}
}

func TestFetchRedirectLimit(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/%d", &n)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/%d", n-1), http.StatusFound)
			return
		}
		io.WriteString(w, "arrived")
	})
	m := testNS(t, nil)
	if got := mustOK(t, env(t, m, "fetch", srv.URL+"/5")); got != "arrived" {
		t.Errorf("5 redirects: %q", got)
	}
	mustFail(t, env(t, m, "fetch", srv.URL+"/6"), "stopped after 5 redirects")
}

// A 1 GB body is read up to the 16 MiB cap and no further.
func TestFetchHugeBody(t *testing.T) {
	var written atomic.Int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(int64(1)<<30))
		chunk := []byte(strings.Repeat("abcdefghij", 6554))
		for written.Load() < 1<<30 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	e := env(t, testNS(t, nil), "fetch", srv.URL)
	out := mustOK(t, e)
	if get(e, "truncated") != true || !strings.HasSuffix(out, "[truncated to 40000 chars from 16777216 chars]") {
		t.Errorf("envelope: truncated %v, out ends %q", get(e, "truncated"), out[len(out)-60:])
	}
	srv.CloseClientConnections()
	if w := written.Load(); w >= 1<<30 {
		t.Errorf("the server wrote the whole body (%d bytes)", w)
	}
}

func TestFetchSlowServer(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		io.WriteString(w, "<p>start")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	set := DefaultSettings()
	set.Fetch.TimeoutMS = 50
	e := env(t, testNS(t, func(c *Config) { c.Settings = &set }), "fetch", srv.URL)
	mustFail(t, e, "timed out after 50ms")
}

func TestFetchNotHTML(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, png)
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"a": 1}`)
		case "/unlabelled":
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "\x00\x01\x02binary")
		}
	})
	m := testNS(t, nil)
	e := env(t, m, "fetch", srv.URL+"/image")
	mustFail(t, e, "is not a text page", "image/png")
	if get(e, "status") != int64(200) {
		t.Errorf("status = %v", get(e, "status"))
	}
	if got := mustOK(t, env(t, m, "fetch", srv.URL+"/json")); got != `{"a": 1}` {
		t.Errorf("json = %q", got)
	}
	mustFail(t, env(t, m, "fetch", srv.URL+"/unlabelled"), "is not a text page")
}

func TestFetchJina(t *testing.T) {
	var jinaPaths []string
	failJina := false
	jina := serve(t, func(w http.ResponseWriter, r *http.Request) {
		jinaPaths = append(jinaPaths, r.URL.Path)
		if failJina {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "Title: Page\n\nMarkdown from the reader")
	})
	site := serve(t, page("text/html", "<title>Page</title><p>raw text</p>"))
	m := testNS(t, func(c *Config) { c.Endpoints.Jina = jina.URL + "/" })
	// Raw by default: the reader is not asked.
	if got := mustOK(t, env(t, m, "fetch", site.URL)); !strings.HasPrefix(got, "# Page\n\nraw text") || len(jinaPaths) != 0 {
		t.Errorf("raw: %q, jina asked %v", got, jinaPaths)
	}
	jinaOpt := value.NewMap(value.Kw("backend"), value.Kw("jina"))
	if got := mustOK(t, env(t, m, "fetch", site.URL+"/a", jinaOpt)); got != "Title: Page\n\nMarkdown from the reader" {
		t.Errorf("jina: %q", got)
	}
	if len(jinaPaths) != 1 || jinaPaths[0] != "/"+site.URL+"/a" && jinaPaths[0] != "/http:/"+strings.TrimPrefix(site.URL, "http:/")+"/a" {
		t.Errorf("jina paths = %v", jinaPaths)
	}
	// The reader fails: the fallback backend (raw) answers.
	failJina = true
	if got := mustOK(t, env(t, m, "fetch", site.URL, jinaOpt)); !strings.HasPrefix(got, "# Page\n\nraw text") {
		t.Errorf("fallback: %q", got)
	}
	// Without a fallback the reader's failure is the result.
	noFallback := value.NewMap(value.Kw("backend"), value.Kw("jina"), value.Kw("fallback-backend"), value.Kw("jina"))
	mustFail(t, env(t, m, "fetch", site.URL, noFallback), "HTTP 503")
}

const ddgPage = `<html><body><div id="links">
<div class="result results_links result--ad"><a class="result__a" href="https://ad.example/">Ad</a></div>
<div class="result results_links">
  <h2 class="result__title"><a rel="nofollow" class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fgo.dev%2Fdoc%2F&amp;rut=abc">The <b>Go</b> docs</a></h2>
  <a class="result__snippet" href="x">Documentation for   the Go language.</a>
</div>
<div class="result"><a class="result__a" href="https://example.org/two">Two</a><div class="result__snippet">second</div></div>
<div class="result"><a class="result__a" href="https://example.org/three">Three</a></div>
</div></body></html>`

func TestSearchDuckDuckGo(t *testing.T) {
	var query url.Values
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, ddgPage)
	})
	m := testNS(t, func(c *Config) { c.Endpoints.DuckDuckGo = srv.URL + "/html/" })
	e := env(t, m, "search", "golang docs", value.NewMap(value.Kw("max-results"), int64(2)))
	if got := keys(e); got != ":ok :out :err :truncated" {
		t.Errorf("envelope keys = %s", got)
	}
	if get(e, "ok") != true {
		t.Fatalf("search: %s", value.PrStr(e))
	}
	want := `[{:title "The Go docs", :url "https://go.dev/doc/", :snippet "Documentation for the Go language."} {:title "Two", :url "https://example.org/two", :snippet "second"}]`
	if got := value.PrStr(get(e, "out")); got != want {
		t.Errorf("out =\n%s\nwant\n%s", got, want)
	}
	if query.Get("q") != "golang docs" || query.Get("kl") != "us-en" {
		t.Errorf("query = %v", query)
	}
	// max-results is clamped to [1, 10].
	e = env(t, m, "search", "x", value.NewMap(value.Kw("max-results"), int64(0)))
	if v := get(e, "out").(*value.Vector); v.Count() != 1 {
		t.Errorf("max-results 0 gave %d results", v.Count())
	}
}

func TestSearchCaptcha(t *testing.T) {
	srv := serve(t, page("text/html", `<html><body><div class="anomaly-modal__mask"></div><div class="anomaly-modal">Select all squares</div></body></html>`))
	m := testNS(t, func(c *Config) { c.Endpoints.DuckDuckGo = srv.URL })
	mustFail(t, env(t, m, "search", "anything"), "CAPTCHA", "SERPER_API_KEY")
	if _, err := parseDuckDuckGo(`<div class="anomaly-modal"></div>`); !errors.Is(err, ErrCaptcha) {
		t.Errorf("parse: %v", err)
	}
}

func TestSearchMisuse(t *testing.T) {
	m := testNS(t, nil)
	for _, args := range [][]value.Value{{"  "}, {int64(3)}, {"q", value.NewMap(value.Kw("max"), int64(3))},
		{"q", value.NewMap(value.Kw("backend"), value.Kw("bing"))}} {
		if _, err := call(t, m, "search", args...); err == nil {
			t.Errorf("%s: no error", value.PrStr(value.NewVector(args)))
		}
	}
}

const testKey = "sk-serper-0123456789abcdef"

func TestSearchSerper(t *testing.T) {
	var gotKey, leaked string
	var body map[string]any
	other := serve(t, func(w http.ResponseWriter, r *http.Request) { leaked = r.Header.Get(serperKeyHeader) })
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotKey = r.Header.Get(serperKeyHeader)
		switch r.URL.Path {
		case "/denied":
			http.Error(w, `{"message":"Unauthorized: bad key `+gotKey+`"}`, http.StatusUnauthorized)
			return
		case "/moved":
			http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
			return
		}
		json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"organic":[{"title":"A","link":"https://a.example","snippet":"sa","position":1},
			{"title":"B","link":"https://b.example","snippet":"sb"},{"title":"C","link":"https://c.example"}]}`)
	})
	getenv := func(k string) string {
		if k == SerperKeyEnv {
			return testKey
		}
		return ""
	}
	m := testNS(t, func(c *Config) { c.Getenv = getenv; c.Endpoints.Serper = srv.URL + "/search" })
	e := env(t, m, "search", "spell", value.NewMap(value.Kw("max-results"), int64(2)))
	want := `[{:title "A", :url "https://a.example", :snippet "sa"} {:title "B", :url "https://b.example", :snippet "sb"}]`
	if got := value.PrStr(get(e, "out")); got != want {
		t.Errorf("out = %s", got)
	}
	if gotKey != testKey || body["q"] != "spell" || body["num"] != float64(2) {
		t.Errorf("request: key %q body %v", gotKey, body)
	}
	// An error body that echoes the key: the key never reaches the program.
	// The hook sees what the trace records: arguments and the result.
	var traced strings.Builder
	m = testNS(t, func(c *Config) {
		c.Getenv = getenv
		c.Endpoints.Serper = srv.URL + "/denied"
		c.Hook = func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
			v, err := run()
			traced.WriteString(value.PrStr(value.NewVector(args)) + value.PrStr(v) + fmt.Sprint(err))
			return v, err
		}
	})
	msg := mustFail(t, env(t, m, "search", "spell"), "HTTP 401", "[REDACTED]")
	if strings.Contains(msg, testKey) || strings.Contains(traced.String(), testKey) || !strings.Contains(traced.String(), "[REDACTED]") {
		t.Errorf("the key leaked: %s / %s", msg, traced.String())
	}
	// A redirect never carries the key on.
	m = testNS(t, func(c *Config) { c.Getenv = getenv; c.Endpoints.Serper = srv.URL + "/moved" })
	env(t, m, "search", "spell")
	if leaked != "" {
		t.Errorf("the key followed a redirect: %q", leaked)
	}
	// Asked for explicitly without a key: a clear failure.
	m = testNS(t, func(c *Config) { c.Endpoints.Serper = srv.URL })
	mustFail(t, env(t, m, "search", "spell", value.NewMap(value.Kw("backend"), value.Kw("serper"))), "SERPER_API_KEY")
}

func TestSearchSlowServer(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	m := testNS(t, func(c *Config) { c.Endpoints.DuckDuckGo = srv.URL; c.searchTimeout = 50 * time.Millisecond })
	mustFail(t, env(t, m, "search", "q"), "timed out")
}

func TestConfigRedactsKeys(t *testing.T) {
	m := testNS(t, func(c *Config) {
		c.Getenv = func(k string) string {
			if k == SerperKeyEnv {
				return testKey
			}
			return ""
		}
	})
	e := env(t, m, "config")
	s := value.PrStr(get(e, "out"))
	if strings.Contains(s, testKey) || !strings.Contains(s, `:keys {"SERPER_API_KEY" "[REDACTED]"}`) ||
		!strings.Contains(s, ":backend :serper") || !strings.Contains(s, `:user-agent "spell-go/test"`) {
		t.Errorf("config = %s", s)
	}
	s = value.PrStr(get(env(t, testNS(t, nil), "config"), "out"))
	want := `{:search {:max-results 5, :region "us-en", :backend :duckduckgo}, :fetch {:backend :raw, :max-chars 40000, :timeout-ms 15000, :fallback-backend :raw}, ` +
		`:http {:user-agent "spell-go/test", :max-body-bytes 16777216, :max-redirects 5, :allow-private-net true}, :keys {"SERPER_API_KEY" nil}}`
	if s != want {
		t.Errorf("config =\n%s\nwant\n%s", s, want)
	}
}

func TestLoadSettingsDeepMerge(t *testing.T) {
	user, project := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(user, ConfigFile), []byte(`{:search {:region "de-de" :max-results 8} :fetch {:backend :jina}}`), 0o644)
	os.WriteFile(filepath.Join(project, ConfigFile), []byte(`{:search {:max-results 3} :http {:user-agent "x/1"}}`), 0o644)
	s, err := LoadSettings(user, project)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	want.Search.Region, want.Search.MaxResults, want.Fetch.Backend, want.HTTP.UserAgent = "de-de", 3, "jina", "x/1"
	if s != want {
		t.Errorf("settings = %+v\nwant %+v", s, want)
	}
	// Missing files are fine.
	if s, err := LoadSettings(t.TempDir(), ""); err != nil || s != DefaultSettings() {
		t.Errorf("no files: %+v %v", s, err)
	}
}

func TestParseSettingsErrors(t *testing.T) {
	for src, want := range map[string]string{
		`{:serch {}}`:                        "unknown key :serch (did you mean :search?)",
		`{:fetch {:max-char 9}}`:             "unknown key :max-char in :fetch (did you mean :max-chars?)",
		`{:fetch {:backend :jinna}}`:         "did you mean :jina?",
		`{:http {:max-body-bytes 1e9}}`:      "must be a positive integer",
		`{:http {:max-body-bytes 99999999}}`: "no larger than 16777216",
		`{:http {:max-redirects 9}}`:         "from 0 to 5",
		`{:search {:api-key "sk-1"}}`:        "unknown key :api-key in :search",
		`[1 2]`:                              "must be a map",
		`{:search 3}`:                        ":search must be a map",
	} {
		_, err := ParseSettings("web.edn", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
		if src == `{:serch {}}` && !errors.Is(err, config.ErrUnknownKey) {
			t.Errorf("%s: not ErrUnknownKey", src)
		}
	}
}

// Every member goes through the hook with its full name.
func TestHook(t *testing.T) {
	var names []string
	m := testNS(t, func(c *Config) {
		c.Hook = func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error) {
			names = append(names, name)
			if name == "web/fetch" {
				return value.NewMap(value.Kw("ok"), true, value.Kw("out"), "recorded"), nil
			}
			return run()
		}
	})
	if got := get(env(t, m, "fetch", "http://unreachable.invalid/"), "out"); got != "recorded" {
		t.Errorf("fetch was run: %v", got)
	}
	env(t, m, "config")
	if strings.Join(names, " ") != "web/fetch web/config" {
		t.Errorf("hook saw %v", names)
	}
}

func TestNewHTTPClient(t *testing.T) {
	srv := serve(t, page("text/plain", "hi"))
	_, err := NewHTTPClient(false).Get(srv.URL)
	var ae *AddressError
	if !errors.As(err, &ae) || !errors.Is(err, ErrPrivateAddress) || ae.Class != "loopback" {
		t.Errorf("refused: %v", err)
	}
	resp, err := NewHTTPClient(true).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := NewHTTPClient(true).Get("ftp://x/"); err == nil {
		t.Error("ftp accepted")
	}
}
