// Package web implements the web effect namespace of the SPE runtime
// (effects.md §2, §11.3): web/search (Serper, else DuckDuckGo's HTML
// page), web/fetch (a direct GET converted to markdown, or the opt-in
// Jina reader) and web/config.
//
// Every request and every redirect obeys the network rules: http and https
// only, a connect and a request timeout, a 16 MiB body cap, at most 5
// redirects, and no connection to a loopback, private, link-local,
// multicast, unspecified or CGNAT address unless AllowPrivateNet — checked
// on the resolved IP in the dialer's control hook, so DNS answers and
// redirects cannot get around it.
//
// Namespace builds the map the runtime binds as the symbol web while eval
// runs; every member call goes through Config.Hook so the runtime can
// count, trace and replay it.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/web/webconf"
)

// EffectHook wraps every member call (the runtime's Hook): it decides
// whether to call run or to return a recorded result. Same shape as
// spellio.EffectHook.
type EffectHook func(ctx context.Context, name string, args []value.Value, run func() (value.Value, error)) (value.Value, error)

// Default service endpoints (effects.md §2).
const (
	SerperURL     = "https://google.serper.dev/search"
	DuckDuckGoURL = "https://html.duckduckgo.com/html/"
	JinaURL       = "https://r.jina.ai/"
)

// SerperKeyEnv names the variable holding the Serper key.
const SerperKeyEnv = webconf.SerperKeyEnv

const serperKeyHeader = "X-API-KEY"

// Endpoints are the service URLs; zero fields take the defaults. Tests
// point them at loopback servers.
type Endpoints struct {
	Serper     string
	DuckDuckGo string
	Jina       string // a prefix: the fetched URL is appended
}

// Config configures one web namespace.
type Config struct {
	// Settings are web.edn's (LoadSettings); the zero value means
	// DefaultSettings.
	Settings *Settings
	// AllowPrivateNet lifts the address rule (--allow-private-net or
	// :sandbox :allow-private-net true).
	AllowPrivateNet bool
	// Getenv reads SERPER_API_KEY; nil means no key.
	Getenv func(string) string
	// Version goes into the default user agent spell-go/<version>.
	Version string
	// Hook, when non-nil, wraps every member call.
	Hook EffectHook
	// Endpoints override the service URLs.
	Endpoints Endpoints

	// lookup replaces DNS and trusted exempts exact addresses from the
	// address rule (tests only).
	lookup  func(ctx context.Context, host string) ([]netip.Addr, error)
	trusted map[string]bool
	// searchTimeout replaces RequestTimeout for searches (tests only).
	searchTimeout time.Duration
}

// ns is the state shared by the members of one namespace.
type ns struct {
	cfg       Config
	set       Settings
	net       *netRules
	userAgent string
}

type memberFn func(n *ns, ctx context.Context, args []value.Value) (value.Value, error)

var members = map[string]memberFn{
	"search": (*ns).search,
	"fetch":  (*ns).fetch,
	"config": (*ns).config,
}

// Namespace builds the web namespace map: each member under its keyword,
// plus :short-docs, :docs {:guide …} and :detail {member …}.
func Namespace(cfg Config) (*value.Map, error) {
	n := newNS(cfg)
	return webconf.Shape(func(e catalog.Entry) (*eval.Builtin, error) {
		impl, ok := members[strings.TrimPrefix(e.Name, "web/")]
		if !ok {
			return nil, fmt.Errorf("web: catalogued member %s has no implementation", e.Name)
		}
		return n.builtin(e, impl), nil
	})
}

func newNS(cfg Config) *ns {
	set := DefaultSettings()
	if cfg.Settings != nil {
		set = *cfg.Settings
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	if cfg.Endpoints.Serper == "" {
		cfg.Endpoints.Serper = SerperURL
	}
	if cfg.Endpoints.DuckDuckGo == "" {
		cfg.Endpoints.DuckDuckGo = DuckDuckGoURL
	}
	if cfg.Endpoints.Jina == "" {
		cfg.Endpoints.Jina = JinaURL
	}
	ua := set.HTTP.UserAgent
	if ua == "" {
		v := cfg.Version
		if v == "" {
			v = "dev"
		}
		ua = "spell-go/" + v
	}
	maxBody := set.HTTP.MaxBodyBytes
	if maxBody <= 0 || maxBody > MaxBodyBytes {
		maxBody = MaxBodyBytes
	}
	r := &netRules{allowPrivate: cfg.AllowPrivateNet, maxBody: maxBody, maxRedirects: clamp(set.HTTP.MaxRedirects, 0, MaxRedirects),
		userAgent: ua, lookup: cfg.lookup, trusted: cfg.trusted}
	r.init()
	return &ns{cfg: cfg, set: set, net: r, userAgent: ua}
}

// builtin makes the evaluator function of one member; every call goes
// through the hook with the evaluation's context.
func (n *ns) builtin(e catalog.Entry, impl memberFn) *eval.Builtin {
	name := e.Name
	b := eval.NewFn(name, func(c *eval.Call, args []value.Value) (value.Value, error) {
		ctx := context.Background()
		if c != nil && c.In != nil && c.In.Context() != nil {
			ctx = c.In.Context()
		}
		run := func() (value.Value, error) { return impl(n, ctx, args) }
		if n.cfg.Hook != nil {
			return n.cfg.Hook(ctx, name, args, run)
		}
		return run()
	})
	b.Min, b.Max = e.MinArgs, e.MaxArgs
	return b
}

// serperKey is the Serper key from the environment, or "".
func (n *ns) serperKey() string { return n.cfg.Getenv(SerperKeyEnv) }

// redact removes the Serper key from a message a program will see.
func (n *ns) redact(s string) string {
	if k := n.serperKey(); k != "" {
		s = strings.ReplaceAll(s, k, "[REDACTED]")
	}
	return s
}

// config is web/config: the effective configuration; the Serper key shows
// only whether it is set.
func (n *ns) config(_ context.Context, _ []value.Value) (value.Value, error) {
	backend := n.set.Search.Backend
	if backend == "" {
		backend = n.defaultSearchBackend()
	}
	m := n.set.Value(n.userAgent, backend, n.cfg.AllowPrivateNet)
	var key value.Value
	if n.serperKey() != "" {
		key = "[REDACTED]"
	}
	m = m.Assoc(value.Kw("keys"), value.NewMap(SerperKeyEnv, key))
	return envelope(true, m, nil, false), nil
}

// ---- results ----

var (
	kwOk        = value.Kw("ok")
	kwOut       = value.Kw("out")
	kwErr       = value.Kw("err")
	kwStatus    = value.Kw("status")
	kwTruncated = value.Kw("truncated")
)

// envelope builds {:ok :out :err :truncated}.
func envelope(ok bool, out, errMsg value.Value, truncated bool) *value.Map {
	return value.NewMap(kwOk, ok, kwOut, out, kwErr, errMsg, kwTruncated, truncated)
}

// httpEnvelope builds {:ok :out :err :status :truncated}; status 0 (no
// response) is nil.
func httpEnvelope(ok bool, out, errMsg value.Value, status int, truncated bool) *value.Map {
	var st value.Value
	if status != 0 {
		st = int64(status)
	}
	return value.NewMap(kwOk, ok, kwOut, out, kwErr, errMsg, kwStatus, st, kwTruncated, truncated)
}

// ---- argument helpers ----

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// optName reads a keyword option among names ("" when absent).
func optName(opts map[string]value.Value, key string, names []string) (string, error) {
	v, ok := opts[key]
	if !ok || v == nil {
		return "", nil
	}
	kw, isKw := v.(*value.Keyword)
	s, isStr := v.(string)
	if isKw {
		s = kw.FullName()
	}
	if (!isKw && !isStr) || !contains(names, s) {
		return "", fmt.Errorf("option :%s must be one of :%s, got %s", key, strings.Join(names, " :"), value.PrStr(v))
	}
	return s, nil
}

// optInt reads an integer option (ok false when absent).
func optInt(opts map[string]value.Value, key string) (int64, bool, error) {
	v, present := opts[key]
	if !present || v == nil {
		return 0, false, nil
	}
	i, ok := value.ToInt64(v)
	if !ok {
		return 0, false, fmt.Errorf("option :%s must be an integer, got %s", key, value.PrStr(v))
	}
	return i, true, nil
}

// errText is the message of an operation failure, with the key removed.
func (n *ns) errText(err error) string {
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return n.redact(err.Error())
}
