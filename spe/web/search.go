package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// ErrCaptcha is the cause of a DuckDuckGo CAPTCHA page (errors.Is).
var ErrCaptcha = errors.New("DuckDuckGo answered with a CAPTCHA page")

// result is one search hit.
type result struct{ title, url, snippet string }

// search is web/search: (web/search query [{:backend :max-results}]).
func (n *ns) search(ctx context.Context, args []value.Value) (value.Value, error) {
	q, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("web/search: the query must be a string, got %s: %s", value.TypeName(args[0]), value.PrStr(args[0]))
	}
	if strings.TrimSpace(q) == "" {
		return nil, errors.New("web/search: the query is blank")
	}
	var optv value.Value
	if len(args) > 1 {
		optv = args[1]
	}
	opts, err := eval.OptionMap(optv, "backend", "max-results")
	if err != nil {
		return nil, fmt.Errorf("web/search: %w", err)
	}
	backend, err := optName(opts, "backend", searchBackends)
	if err != nil {
		return nil, fmt.Errorf("web/search: %w", err)
	}
	if backend == "" {
		backend = n.set.Search.Backend
	}
	if backend == "" {
		backend = n.defaultSearchBackend()
	}
	limit := n.set.Search.MaxResults
	if m, set, err := optInt(opts, "max-results"); err != nil {
		return nil, fmt.Errorf("web/search: %w", err)
	} else if set {
		limit = int(min(max(m, 1), 10))
	}
	limit = clamp(limit, 1, 10)

	var hits []result
	if backend == "serper" {
		hits, err = n.serper(ctx, q, limit)
	} else {
		hits, err = n.duckduckgo(ctx, q)
	}
	if err != nil {
		return envelope(false, nil, n.errText(err), false), nil
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]value.Value, len(hits))
	for i, h := range hits {
		out[i] = value.NewMap(value.Kw("title"), h.title, value.Kw("url"), h.url, value.Kw("snippet"), h.snippet)
	}
	return envelope(true, value.NewVector(out), nil, false), nil
}

// defaultSearchBackend is serper when its key is set, else duckduckgo.
func (n *ns) defaultSearchBackend() string {
	if n.serperKey() != "" {
		return "serper"
	}
	return "duckduckgo"
}

func (n *ns) searchTimeout() time.Duration {
	if n.cfg.searchTimeout > 0 {
		return n.cfg.searchTimeout
	}
	return RequestTimeout
}

// serper POSTs {"q" "num"} to Serper and maps its organic results.
func (n *ns) serper(ctx context.Context, q string, limit int) ([]result, error) {
	key := n.serperKey()
	if key == "" {
		return nil, fmt.Errorf("serper search needs %s in the environment", SerperKeyEnv)
	}
	body, _ := json.Marshal(map[string]any{"q": q, "num": limit})
	req, err := http.NewRequest(http.MethodPost, n.cfg.Endpoints.Serper, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(serperKeyHeader, key)
	resp, err := n.net.do(ctx, req, n.searchTimeout())
	if err != nil {
		return nil, fmt.Errorf("serper: %w", err)
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, fmt.Errorf("serper: HTTP %d %s: %s", resp.status, http.StatusText(resp.status), excerpt(resp.body))
	}
	var parsed struct {
		Organic []struct {
			Title   string `json:"title"`
			Link    string `json:"link"`
			Snippet string `json:"snippet"`
		} `json:"organic"`
	}
	if err := json.Unmarshal(resp.body, &parsed); err != nil {
		return nil, fmt.Errorf("serper: the answer is not the expected JSON: %v", err)
	}
	hits := make([]result, 0, len(parsed.Organic))
	for _, o := range parsed.Organic {
		hits = append(hits, result{title: o.Title, url: o.Link, snippet: o.Snippet})
	}
	return hits, nil
}

// duckduckgo GETs DuckDuckGo's HTML results page and parses it.
func (n *ns) duckduckgo(ctx context.Context, q string) ([]result, error) {
	u, err := url.Parse(n.cfg.Endpoints.DuckDuckGo)
	if err != nil {
		return nil, err
	}
	qs := u.Query()
	qs.Set("q", q)
	qs.Set("kl", n.set.Search.Region)
	u.RawQuery = qs.Encode()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := n.net.do(ctx, req, n.searchTimeout())
	if err != nil {
		return nil, fmt.Errorf("duckduckgo: %w", err)
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, fmt.Errorf("duckduckgo: HTTP %d %s", resp.status, http.StatusText(resp.status))
	}
	return parseDuckDuckGo(decode(resp.body, resp.header.Get("Content-Type")))
}

// parseDuckDuckGo reads the result blocks (.result with a.result__a and
// .result__snippet) of a DuckDuckGo HTML page; ads are left out, redirect
// links (/l/?uddg=) unwrapped. A CAPTCHA page (.anomaly-modal) is
// ErrCaptcha, never an empty list.
func parseDuckDuckGo(page string) ([]result, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("duckduckgo: unreadable page: %v", err)
	}
	var hits []result
	captcha := false
	walk(doc, func(nd *html.Node) bool {
		if nd.Type != html.ElementNode {
			return true
		}
		if hasClass(nd, "anomaly-modal") {
			captcha = true
			return false
		}
		if !hasClass(nd, "result") || hasClass(nd, "result--ad") {
			return true
		}
		var h result
		walk(nd, func(c *html.Node) bool {
			if c.Type != html.ElementNode {
				return true
			}
			switch {
			case c.DataAtom == atom.A && hasClass(c, "result__a") && h.url == "":
				h.title = collapse(textOf(c, false))
				h.url = unwrapDDG(attr(c, "href"))
				return false
			case hasClass(c, "result__snippet") && h.snippet == "":
				h.snippet = collapse(textOf(c, false))
				return false
			}
			return true
		})
		if h.url != "" {
			hits = append(hits, h)
		}
		return false
	})
	if captcha {
		return nil, fmt.Errorf("%w (its bot check, class anomaly-modal): no results this time; retry later, or set %s to search with Serper", ErrCaptcha, SerperKeyEnv)
	}
	return hits, nil
}

// unwrapDDG returns the target of a DuckDuckGo redirect link
// (//duckduckgo.com/l/?uddg=…), or href itself.
func unwrapDDG(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	if strings.HasSuffix(u.Path, "/l/") || u.Path == "/l" {
		if t := u.Query().Get("uddg"); t != "" {
			return t
		}
	}
	if strings.HasPrefix(href, "//") {
		return "https:" + href
	}
	return href
}

func hasClass(nd *html.Node, class string) bool {
	for _, f := range strings.Fields(attr(nd, "class")) {
		if f == class {
			return true
		}
	}
	return false
}

func attr(nd *html.Node, name string) string {
	for _, a := range nd.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// excerpt is the start of an error body, for messages.
func excerpt(b []byte) string {
	s := collapse(decode(b, ""))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
