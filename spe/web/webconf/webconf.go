// Package webconf is the configuration of the web/ namespace: web.edn
// (effects.md §2). It is apart from spe/web, which links net/http, so that
// spell checks web.edn when a run starts without linking the network
// (issue 11, start-up); spe/web re-exports it.
package webconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// MaxBodyBytes is the hard cap on a response body; web.edn may lower it.
const MaxBodyBytes = 16 << 20

// MaxRedirects is the most redirects followed; web.edn may lower it.
const MaxRedirects = 5

// SerperKeyEnv names the variable holding the Serper key, the one
// variable web/ reads.
const SerperKeyEnv = "SERPER_API_KEY"

// ConfigFile is the name of the web configuration file in the user and
// project configuration directories (runtime.md §15.1).
const ConfigFile = "web.edn"

// Settings are the effective contents of web.edn (effects.md §2): the
// defaults, deep-merged with the user file, then the project file.
type Settings struct {
	Search SearchSettings
	Fetch  FetchSettings
	HTTP   HTTPSettings
}

// SearchSettings is :search.
type SearchSettings struct {
	MaxResults int
	Region     string
	Backend    string // "" (by SERPER_API_KEY), "serper" or "duckduckgo"
}

// FetchSettings is :fetch.
type FetchSettings struct {
	Backend         string // "raw" or "jina"
	MaxChars        int
	TimeoutMS       int
	FallbackBackend string // "raw" or "jina"
}

// HTTPSettings is :http.
type HTTPSettings struct {
	UserAgent    string // "" = spell-go/<version>
	MaxBodyBytes int64
	MaxRedirects int
}

// DefaultSettings are the spec's defaults.
func DefaultSettings() Settings {
	return Settings{
		Search: SearchSettings{MaxResults: 5, Region: "us-en"},
		Fetch:  FetchSettings{Backend: "raw", MaxChars: 40000, TimeoutMS: 15000, FallbackBackend: "raw"},
		HTTP:   HTTPSettings{MaxBodyBytes: MaxBodyBytes, MaxRedirects: MaxRedirects},
	}
}

var (
	topKeys        = []string{"search", "fetch", "http"}
	searchKeys     = []string{"max-results", "region", "backend"}
	fetchKeys      = []string{"backend", "max-chars", "timeout-ms", "fallback-backend"}
	httpKeys       = []string{"user-agent", "max-body-bytes", "max-redirects"}
	searchBackends = []string{"serper", "duckduckgo"}
	fetchBackends  = []string{"raw", "jina"}
)

// LoadSettings reads web.edn from the user directory, then the project
// directory (either may be ""; a missing file is skipped), each
// deep-merged over the defaults and the files before it.
func LoadSettings(userDir, projectDir string) (Settings, error) {
	s := DefaultSettings()
	for _, dir := range []string{userDir, projectDir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ConfigFile)
		src, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return s, err
		}
		if err := s.merge(p, src); err != nil {
			return s, err
		}
	}
	return s, nil
}

// ParseSettings merges one web.edn text over the defaults.
func ParseSettings(name string, src []byte) (Settings, error) {
	s := DefaultSettings()
	err := s.merge(name, src)
	return s, err
}

// merge applies one web.edn text: every key it sets replaces the value
// below it, every key it leaves out keeps it (a deep merge). Unknown keys
// are errors with the nearest known key.
func (s *Settings) merge(name string, src []byte) error {
	doc, err := config.Read(name, src)
	if err != nil {
		return err
	}
	top, ok := doc.Root.(*value.Map)
	if !ok {
		return doc.Errorf(doc.Root, "web configuration must be a map")
	}
	fields, err := doc.Fields(top, "", topKeys)
	if err != nil {
		return err
	}
	for _, f := range fields {
		m, ok := f.Val.(*value.Map)
		if !ok {
			return fmt.Errorf("%s: :%s must be a map", f.ValPos, f.Name)
		}
		var err error
		switch f.Name {
		case "search":
			err = s.mergeSearch(doc, m)
		case "fetch":
			err = s.mergeFetch(doc, m)
		case "http":
			err = s.mergeHTTP(doc, m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Settings) mergeSearch(doc *config.Doc, m *value.Map) error {
	fields, err := doc.Fields(m, ":search", searchKeys)
	if err != nil {
		return err
	}
	for _, f := range fields {
		switch f.Name {
		case "max-results":
			n, err := positive(f, 1<<20)
			if err != nil {
				return err
			}
			s.Search.MaxResults = clamp(int(n), 1, 10)
		case "region":
			r, ok := f.Val.(string)
			if !ok {
				return fmt.Errorf("%s: :search :region must be a string such as \"us-en\"", f.ValPos)
			}
			s.Search.Region = r
		case "backend":
			b, err := oneOf(f, ":search :backend", searchBackends)
			if err != nil {
				return err
			}
			s.Search.Backend = b
		}
	}
	return nil
}

func (s *Settings) mergeFetch(doc *config.Doc, m *value.Map) error {
	fields, err := doc.Fields(m, ":fetch", fetchKeys)
	if err != nil {
		return err
	}
	for _, f := range fields {
		switch f.Name {
		case "backend", "fallback-backend":
			b, err := oneOf(f, ":fetch :"+f.Name, fetchBackends)
			if err != nil {
				return err
			}
			if f.Name == "backend" {
				s.Fetch.Backend = b
			} else {
				s.Fetch.FallbackBackend = b
			}
		case "max-chars":
			n, err := positive(f, 1<<30)
			if err != nil {
				return err
			}
			s.Fetch.MaxChars = max(int(n), minMaxChars)
		case "timeout-ms":
			n, err := positive(f, 10*60*1000)
			if err != nil {
				return err
			}
			s.Fetch.TimeoutMS = int(n)
		}
	}
	return nil
}

func (s *Settings) mergeHTTP(doc *config.Doc, m *value.Map) error {
	fields, err := doc.Fields(m, ":http", httpKeys)
	if err != nil {
		return err
	}
	for _, f := range fields {
		switch f.Name {
		case "user-agent":
			ua, ok := f.Val.(string)
			if !ok {
				return fmt.Errorf("%s: :http :user-agent must be a string", f.ValPos)
			}
			s.HTTP.UserAgent = ua
		case "max-body-bytes":
			n, err := positive(f, MaxBodyBytes)
			if err != nil {
				return err
			}
			s.HTTP.MaxBodyBytes = n
		case "max-redirects":
			n, ok := value.ToInt64(f.Val)
			if !ok || n < 0 || n > MaxRedirects {
				return fmt.Errorf("%s: :http :max-redirects must be an integer from 0 to %d, got %s", f.ValPos, MaxRedirects, value.PrStr(f.Val))
			}
			s.HTTP.MaxRedirects = int(n)
		}
	}
	return nil
}

// positive reads a positive integer no larger than most.
func positive(f config.Field, most int64) (int64, error) {
	n, ok := value.ToInt64(f.Val)
	if !ok || n <= 0 || n > most {
		return 0, fmt.Errorf("%s: :%s must be a positive integer no larger than %d, got %s", f.ValPos, f.Name, most, value.PrStr(f.Val))
	}
	return n, nil
}

// oneOf reads a keyword (or string) among names.
func oneOf(f config.Field, what string, names []string) (string, error) {
	s, _ := config.NameOf(f.Val)
	if _, isSym := f.Val.(*value.Symbol); isSym || !slices.Contains(names, s) {
		return "", fmt.Errorf("%s: %s must be one of :%s, got %s%s", f.ValPos, what, joinKw(names), value.PrStr(f.Val),
			config.DidYouMean(s, names, ":"))
	}
	return s, nil
}

func joinKw(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += " :"
		}
		out += n
	}
	return out
}

func clamp(n, lo, hi int) int { return min(max(n, lo), hi) }

// minMaxChars is the smallest :max-chars (effects.md §2).
const minMaxChars = 500

// Value is the settings as the EDN map web/config shows, in the order of
// the spec's defaults.
func (s Settings) Value(userAgent, searchBackend string, allowPrivate bool) *value.Map {
	return value.NewMap(
		value.Kw("search"), value.NewMap(value.Kw("max-results"), int64(s.Search.MaxResults), value.Kw("region"), s.Search.Region,
			value.Kw("backend"), value.Kw(searchBackend)),
		value.Kw("fetch"), value.NewMap(value.Kw("backend"), value.Kw(s.Fetch.Backend), value.Kw("max-chars"), int64(s.Fetch.MaxChars),
			value.Kw("timeout-ms"), int64(s.Fetch.TimeoutMS), value.Kw("fallback-backend"), value.Kw(s.Fetch.FallbackBackend)),
		value.Kw("http"), value.NewMap(value.Kw("user-agent"), userAgent, value.Kw("max-body-bytes"), s.HTTP.MaxBodyBytes,
			value.Kw("max-redirects"), int64(s.HTTP.MaxRedirects), value.Kw("allow-private-net"), allowPrivate),
	)
}

// The backends web.edn and the members' options may name, and the
// smallest :max-chars, for the members' option checks.
var (
	SearchBackends = searchBackends
	FetchBackends  = fetchBackends
)

// MinMaxChars is the smallest :max-chars (effects.md §2).
const MinMaxChars = minMaxChars

// ShortDocs is web/'s :short-docs.
const ShortDocs = "Web search and page fetching."

// Shape builds the web namespace map around its members: each catalogued
// effect member under its keyword (member makes its function), plus
// :short-docs, :docs {:guide …} and :detail {member …}. spe/web gives the
// members that reach the network; spell gives members that ask the
// executable that links them.
func Shape(member func(catalog.Entry) (*eval.Builtin, error)) (*value.Map, error) {
	var kvs, detail []value.Value
	for e := range catalog.Members("web") {
		if e.Kind != catalog.EffectMember {
			continue
		}
		b, err := member(*e)
		if err != nil {
			return nil, err
		}
		short := strings.TrimPrefix(e.Name, "web/")
		kvs = append(kvs, value.Kw(short), b)
		text := e.Doc
		if e.Detail != "" {
			text += "\n" + e.Detail
		}
		detail = append(detail, value.Kw(short), text)
	}
	guide := ""
	for _, info := range catalog.Namespaces() {
		if info.Name == "web" {
			guide = info.Guide
		}
	}
	kvs = append(kvs,
		value.Kw("short-docs"), ShortDocs,
		value.Kw("docs"), value.NewMap(value.Kw("guide"), guide),
		value.Kw("detail"), value.NewMap(detail...))
	return value.NewMap(kvs...), nil
}
