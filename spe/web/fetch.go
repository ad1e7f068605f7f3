package web

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// maxParagraphs is the most <p> elements a fetched page contributes.
const maxParagraphs = 120

// fetched is the outcome of one backend.
type fetched struct {
	text      string
	status    int
	truncated bool // the body was cut at the body cap
	err       error
}

// fetch is web/fetch: (web/fetch url [{:backend :max-chars :fallback-backend}]).
func (n *ns) fetch(ctx context.Context, args []value.Value) (value.Value, error) {
	raw, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("web/fetch: the URL must be a string, got %s: %s", value.TypeName(args[0]), value.PrStr(args[0]))
	}
	var optv value.Value
	if len(args) > 1 {
		optv = args[1]
	}
	opts, err := eval.OptionMap(optv, "backend", "max-chars", "fallback-backend")
	if err != nil {
		return nil, fmt.Errorf("web/fetch: %w", err)
	}
	backend, err := optName(opts, "backend", fetchBackends)
	if err != nil {
		return nil, fmt.Errorf("web/fetch: %w", err)
	}
	if backend == "" {
		backend = n.set.Fetch.Backend
	}
	fallback, err := optName(opts, "fallback-backend", fetchBackends)
	if err != nil {
		return nil, fmt.Errorf("web/fetch: %w", err)
	}
	if fallback == "" {
		fallback = n.set.Fetch.FallbackBackend
	}
	maxChars := n.set.Fetch.MaxChars
	if mc, set, err := optInt(opts, "max-chars"); err != nil {
		return nil, fmt.Errorf("web/fetch: %w", err)
	} else if set {
		maxChars = int(min(max(mc, minMaxChars), 1<<30))
	}

	u, err := normalizeURL(raw)
	if err != nil {
		return httpEnvelope(false, nil, n.errText(err), 0, false), nil
	}
	var f fetched
	if backend == "jina" {
		f = n.fetchJina(ctx, u)
		if f.err != nil && fallback != "jina" {
			f = n.fetchRaw(ctx, u)
		}
	} else {
		f = n.fetchRaw(ctx, u)
	}
	if f.err != nil {
		var out value.Value
		return httpEnvelope(false, out, n.errText(f.err), f.status, f.truncated), nil
	}
	text, cut := cutChars(f.text, maxChars)
	return httpEnvelope(true, text, nil, f.status, f.truncated || cut), nil
}

// schemeRE matches a URL scheme ("mailto:", "file:") but not a host with
// a port ("example.com:8080").
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// normalizeURL gives a bare domain https:// and refuses every other
// scheme than http and https: "Invalid URL: …".
func normalizeURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, invalidURL(raw, "the URL is empty")
	}
	if !strings.Contains(s, "://") {
		if m := schemeRE.FindString(s); m != "" && !isPort(s[len(m):]) {
			return nil, invalidURL(raw, "only http and https URLs can be fetched")
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, invalidURL(raw, err.Error())
	}
	if err := checkScheme(u); err != nil {
		return nil, invalidURL(raw, strings.TrimPrefix(err.Error(), ErrInvalidURL.Error()+": "))
	}
	return u, nil
}

// isPort reports whether s starts with a port number ("8080", "8080/x").
func isPort(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && (i == len(s) || s[i] == '/' || s[i] == '?' || s[i] == '#')
}

// fetchRaw GETs the URL and converts what it returns.
func (n *ns) fetchRaw(ctx context.Context, u *url.URL) fetched {
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return fetched{err: err}
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5")
	resp, err := n.net.do(ctx, req, n.fetchTimeout())
	if err != nil {
		return fetched{err: fmt.Errorf("fetch %s: %w", u.Redacted(), err)}
	}
	f := fetched{status: resp.status, truncated: resp.truncated}
	if resp.status < 200 || resp.status > 299 {
		f.err = fmt.Errorf("HTTP %d %s from %s", resp.status, http.StatusText(resp.status), resp.url)
		return f
	}
	ctype := resp.header.Get("Content-Type")
	media, _, _ := mime.ParseMediaType(ctype)
	if media == "" {
		media, _, _ = mime.ParseMediaType(http.DetectContentType(resp.body))
	}
	switch {
	case media == "text/html" || media == "application/xhtml+xml":
		f.text = htmlToMarkdown(decode(resp.body, ctype), resp.url)
	case isText(media, resp.body):
		f.text = decode(resp.body, ctype)
	default:
		f.err = fmt.Errorf("%s is not a text page (content type %s, %d bytes): web/fetch returns HTML and text only", resp.url, media, len(resp.body))
	}
	return f
}

// fetchJina asks the Jina reader for the page as markdown.
func (n *ns) fetchJina(ctx context.Context, u *url.URL) fetched {
	req, err := http.NewRequest(http.MethodGet, n.cfg.Endpoints.Jina+u.String(), nil)
	if err != nil {
		return fetched{err: err}
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := n.net.do(ctx, req, n.fetchTimeout())
	if err != nil {
		return fetched{err: fmt.Errorf("jina %s: %w", u.Redacted(), err)}
	}
	f := fetched{status: resp.status, truncated: resp.truncated}
	if resp.status < 200 || resp.status > 299 {
		f.err = fmt.Errorf("HTTP %d %s from the jina reader", resp.status, http.StatusText(resp.status))
		return f
	}
	f.text = decode(resp.body, resp.header.Get("Content-Type"))
	return f
}

func (n *ns) fetchTimeout() time.Duration {
	return time.Duration(n.set.Fetch.TimeoutMS) * time.Millisecond
}

// isText reports whether a media type is text a program can read.
func isText(media string, body []byte) bool {
	switch {
	case strings.HasPrefix(media, "text/"),
		media == "application/json", media == "application/xml", media == "application/javascript",
		media == "application/x-ndjson", media == "application/yaml", media == "application/toml",
		strings.HasSuffix(media, "+json"), strings.HasSuffix(media, "+xml"):
		return true
	case media == "application/octet-stream" || media == "":
		// An unlabelled body counts as text when it is valid UTF-8
		// without NUL bytes.
		return utf8.Valid(body) && !bytes.ContainsRune(body, 0)
	}
	return false
}

// decode converts a body to UTF-8 by its declared or sniffed charset;
// invalid bytes become U+FFFD.
func decode(body []byte, ctype string) string {
	if utf8.Valid(body) {
		return string(body)
	}
	enc, _, _ := charset.DetermineEncoding(body, ctype)
	if out, err := enc.NewDecoder().Bytes(body); err == nil {
		return strings.ToValidUTF8(string(out), "\uFFFD")
	}
	return strings.ToValidUTF8(string(body), "\uFFFD")
}

// cutChars cuts text to max characters (code points) with the spec's note.
func cutChars(text string, max int) (string, bool) {
	total := utf8.RuneCountInString(text)
	if total <= max {
		return text, false
	}
	i, k := 0, 0
	for k < max {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
		k++
	}
	return text[:i] + fmt.Sprintf("\n\n[truncated to %d chars from %d chars]", max, total), true
}

// htmlToMarkdown renders a page as "# Title", then the text of up to 120
// <p> elements of the first <article> (else of <body>), else the body's
// text, then "Source: <url>".
func htmlToMarkdown(page, source string) string {
	doc, err := html.Parse(strings.NewReader(page))
	var b strings.Builder
	if err == nil {
		if t := find(doc, atom.Title); t != nil {
			if title := collapse(textOf(t, false)); title != "" {
				b.WriteString("# " + title + "\n\n")
			}
		}
		scope := find(doc, atom.Article)
		if scope == nil {
			scope = find(doc, atom.Body)
		}
		if scope == nil {
			scope = doc
		}
		var paras []string
		walk(scope, func(nd *html.Node) bool {
			if len(paras) >= maxParagraphs {
				return false
			}
			if nd.Type == html.ElementNode && nd.DataAtom == atom.P {
				if p := collapse(textOf(nd, false)); p != "" {
					paras = append(paras, p)
				}
				return false
			}
			return !skipped(nd)
		})
		if len(paras) > 0 {
			b.WriteString(strings.Join(paras, "\n\n"))
		} else {
			b.WriteString(blockText(textOf(scope, true)))
		}
	}
	if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n\n")
	}
	b.WriteString("Source: " + source)
	return b.String()
}

// find returns the first element with the atom a, or nil.
func find(root *html.Node, a atom.Atom) *html.Node {
	var hit *html.Node
	walk(root, func(nd *html.Node) bool {
		if hit != nil {
			return false
		}
		if nd.Type == html.ElementNode && nd.DataAtom == a {
			hit = nd
			return false
		}
		return true
	})
	return hit
}

// walk visits nd and its descendants in document order; visit returns
// whether to descend. It uses an explicit stack: hostile pages nest deeply.
func walk(nd *html.Node, visit func(*html.Node) bool) {
	stack := []*html.Node{nd}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(x) {
			continue
		}
		for c := x.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
}

// skipped elements contribute no text.
func skipped(nd *html.Node) bool {
	if nd.Type != html.ElementNode {
		return nd.Type == html.CommentNode
	}
	switch nd.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Head, atom.Iframe, atom.Object, atom.Canvas:
		return true
	}
	return false
}

// blockElements end a line of body text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Pre: true, atom.Blockquote: true, atom.Nav: true, atom.Main: true,
	atom.Dt: true, atom.Dd: true, atom.Hr: true, atom.Form: true,
}

// textOf is the text under nd; with lines, block elements end lines.
func textOf(nd *html.Node, lines bool) string {
	var b strings.Builder
	// Iterative: a post-order newline after block elements needs a marker.
	type item struct {
		n   *html.Node
		end bool
	}
	stack := []item{{n: nd}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x := it.n
		if it.end {
			b.WriteByte('\n')
			continue
		}
		if x != nd && skipped(x) {
			continue
		}
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
			continue
		}
		if lines && x.Type == html.ElementNode && blockElements[x.DataAtom] {
			b.WriteByte('\n')
			stack = append(stack, item{n: x, end: true})
		}
		for c := x.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, item{n: c})
		}
	}
	return b.String()
}

// collapse joins runs of white space into one space and trims.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// blockText collapses each line and drops empty ones, separating the rest
// by blank lines.
func blockText(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if l := collapse(line); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n\n")
}

// urlError is a refused URL; it is an ErrInvalidURL.
type urlError struct{ msg string }

func (e *urlError) Error() string { return e.msg }
func (e *urlError) Unwrap() error { return ErrInvalidURL }

func invalidURL(raw, why string) error {
	return &urlError{msg: fmt.Sprintf("Invalid URL: %q (%s)", raw, why)}
}
