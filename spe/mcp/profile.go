// Package spellmcp is Spell-Go's MCP client (effects.md §10): server
// profiles (NAME.mcp.edn), connections over stdio and streamable HTTP
// through the official Go SDK at protocol version 2026-07-28 (stateless:
// server/discover, no initialize), the catalogue of tools, resources and
// prompts a grant permits, JSON Schema validation of tool input and output
// (github.com/google/jsonschema-go, no loader) and the Spell namespaces:
// one alias/ namespace per granted server and mcp/.
//
// Secrets come only from environment variables named in the server
// profile; a missing one is ErrMissingSecret ("Missing MCP secret: ENV").
// Every secret value is replaced by [REDACTED] in every string that comes
// back: results, errors, stderr lines.
package spellmcp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// Ext is the file name suffix of server profiles.
const Ext = ".mcp.edn"

// Defaults of effects.md §10.
const (
	DefaultTimeout            = 120 * time.Second
	DefaultMaxResponseBytes   = 16 << 20
	DefaultMaxMessageBytes    = 16 << 20
	DefaultStderrMaxLineBytes = 65536
	DefaultStderrMaxLines     = 200
)

// Secret is a value written literally or taken from an environment
// variable ({:env "NAME"}).
type Secret struct {
	Literal string
	Env     string
}

// Server is a decoded server profile.
type Server struct {
	// Name is the file stem (x for x.mcp.edn); Source is the file path.
	Name, Source string
	HTTP         *HTTPConfig
	Stdio        *StdioConfig
	Timeout      time.Duration
}

// HTTPConfig is {:transport {:http {:url …}}} with :auth, :headers and
// :max-response-bytes.
type HTTPConfig struct {
	URL              string
	BearerEnv        string
	Headers          map[string]Secret
	MaxResponseBytes int64
}

// StdioConfig is {:transport {:stdio {…}}}.
type StdioConfig struct {
	Command            []string
	Cwd                string // absolute ("" = the caller's working directory)
	Env                map[string]Secret
	MaxMessageBytes    int
	StderrMaxLineBytes int
	StderrMaxLines     int
}

// Endpoint names the server for messages and cache keys: the URL, or the
// command line.
func (s *Server) Endpoint() string {
	if s.HTTP != nil {
		return s.HTTP.URL
	}
	return strings.Join(s.Stdio.Command, " ")
}

// ErrNotFound is the cause of a server profile found nowhere.
var ErrNotFound = errors.New("MCP server profile not found")

// Dirs are the configuration directories server profiles are looked up in
// (their mcp/ subdirectories): project first, then user.
type Dirs struct{ Project, User string }

// Locate finds a server profile: ref with a path separator is a path
// relative to base (the agent profile's directory, or the working
// directory); otherwise NAME or NAME.mcp.edn in Project/mcp, then
// User/mcp.
func Locate(ref, base string, dirs Dirs) (string, error) {
	if strings.ContainsRune(ref, '/') || strings.ContainsRune(ref, filepath.Separator) {
		p := ref
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s", ErrNotFound, ref)
		}
		return filepath.Abs(p)
	}
	name := ref
	if !strings.HasSuffix(name, Ext) {
		name += Ext
	}
	var searched []string
	for _, d := range []string{dirs.Project, dirs.User} {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "mcp", name)
		searched = append(searched, filepath.Join(d, "mcp"))
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: %s (searched %s)", ErrNotFound, ref, strings.Join(searched, ", "))
}

var (
	topKeys   = []string{"transport", "auth", "headers", "timeout-sec", "timeout-ms", "max-response-bytes"}
	trKeys    = []string{"http", "stdio"}
	httpKeys  = []string{"url"}
	authKeys  = []string{"bearer-token-env"}
	stdioKeys = []string{"command", "cwd", "env", "max-message-bytes", "stderr-max-line-bytes", "stderr-max-lines"}
)

// Load reads and decodes a server profile file.
func Load(path string) (*Server, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("MCP server profile %s: %w", path, unwrapPath(err))
	}
	return Decode(path, src)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Decode decodes the text of a server profile; relative paths resolve
// against the file's directory.
func Decode(path string, src []byte) (*Server, error) {
	doc, err := config.Read(path, src)
	if err != nil {
		return nil, err
	}
	d := decoder{doc}
	root, ok := doc.Root.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: a server profile must be a map, got %s", doc.PosOr(doc.Root, path+":1:1"), value.TypeName(doc.Root))
	}
	fs, err := doc.Fields(root, "", topKeys)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), Ext)
	s := &Server{Name: name, Source: path, Timeout: DefaultTimeout}
	var auth, headers *config.Field
	var maxResp int64 = DefaultMaxResponseBytes
	maxRespSet := false
	for i := range fs {
		f := &fs[i]
		switch f.Name {
		case "transport":
			if err := d.transport(f, s, filepath.Dir(path)); err != nil {
				return nil, err
			}
		case "auth":
			auth = f
		case "headers":
			headers = f
		case "timeout-sec":
			n, err := d.positive(f)
			if err != nil {
				return nil, err
			}
			s.Timeout = time.Duration(n) * time.Second
		case "timeout-ms":
			n, err := d.positive(f)
			if err != nil {
				return nil, err
			}
			s.Timeout = time.Duration(n) * time.Millisecond
		case "max-response-bytes":
			n, err := d.positive(f)
			if err != nil {
				return nil, err
			}
			maxResp, maxRespSet = n, true
		}
	}
	if s.HTTP == nil && s.Stdio == nil {
		return nil, fmt.Errorf("%s: missing :transport {:http {:url …}} or {:stdio {:command […]}}", doc.Pos(root))
	}
	if s.Stdio != nil {
		for _, f := range []*config.Field{auth, headers} {
			if f != nil {
				return nil, fmt.Errorf("%s: :%s applies to the HTTP transport only", f.KeyPos, f.Name)
			}
		}
		if maxRespSet {
			return nil, fmt.Errorf("%s: :max-response-bytes applies to the HTTP transport only (stdio has :max-message-bytes)", doc.Pos(root))
		}
		return s, nil
	}
	s.HTTP.MaxResponseBytes = maxResp
	if auth != nil {
		m, ok := auth.Val.(*value.Map)
		if !ok {
			return nil, fmt.Errorf("%s: :auth must be a map {:bearer-token-env \"ENV\"}", auth.ValPos)
		}
		afs, err := doc.Fields(m, ":auth", authKeys)
		if err != nil {
			return nil, err
		}
		for _, af := range afs {
			env, ok := af.Val.(string)
			if !ok || !validEnvName(env) {
				return nil, fmt.Errorf("%s: :bearer-token-env must name an environment variable, got %s", af.ValPos, value.PrStr(af.Val))
			}
			s.HTTP.BearerEnv = env
		}
	}
	if headers != nil {
		h, err := d.secrets(headers, "header")
		if err != nil {
			return nil, err
		}
		for k := range h {
			if reservedHeader(k) {
				return nil, fmt.Errorf("%s: header %q may not be set by a profile (authorization, content-type, accept and mcp-* are reserved)", headers.ValPos, k)
			}
		}
		s.HTTP.Headers = h
	}
	return s, nil
}

func reservedHeader(name string) bool {
	l := strings.ToLower(name)
	return l == "authorization" || l == "content-type" || l == "accept" || strings.HasPrefix(l, "mcp-")
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

type decoder struct{ doc *config.Doc }

func (d decoder) positive(f *config.Field) (int64, error) {
	n, ok := value.ToInt64(f.Val)
	if !ok || !value.IsInteger(f.Val) || n <= 0 {
		return 0, fmt.Errorf("%s: :%s must be a positive integer, got %s", f.ValPos, f.Name, value.PrStr(f.Val))
	}
	return n, nil
}

func (d decoder) transport(f *config.Field, s *Server, dir string) error {
	m, ok := f.Val.(*value.Map)
	if !ok {
		return fmt.Errorf("%s: :transport must be {:http {:url …}} or {:stdio {:command […]}}", f.ValPos)
	}
	fs, err := d.doc.Fields(m, ":transport", trKeys)
	if err != nil {
		return err
	}
	if len(fs) != 1 {
		return fmt.Errorf("%s: :transport must hold exactly one of :http and :stdio", f.ValPos)
	}
	t := fs[0]
	tm, ok := t.Val.(*value.Map)
	if !ok {
		return fmt.Errorf("%s: :%s must be a map", t.ValPos, t.Name)
	}
	if t.Name == "http" {
		hfs, err := d.doc.Fields(tm, ":http", httpKeys)
		if err != nil {
			return err
		}
		s.HTTP = &HTTPConfig{}
		for _, hf := range hfs {
			u, ok := hf.Val.(string)
			if !ok || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
				return fmt.Errorf("%s: :url must be an http:// or https:// URL, got %s", hf.ValPos, value.PrStr(hf.Val))
			}
			s.HTTP.URL = u
		}
		if s.HTTP.URL == "" {
			return fmt.Errorf("%s: :http needs :url", t.ValPos)
		}
		return nil
	}
	sfs, err := d.doc.Fields(tm, ":stdio", stdioKeys)
	if err != nil {
		return err
	}
	st := &StdioConfig{MaxMessageBytes: DefaultMaxMessageBytes, StderrMaxLineBytes: DefaultStderrMaxLineBytes, StderrMaxLines: DefaultStderrMaxLines}
	for i := range sfs {
		sf := &sfs[i]
		switch sf.Name {
		case "command":
			v, ok := sf.Val.(*value.Vector)
			if !ok || v.Count() == 0 {
				return fmt.Errorf("%s: :command must be a non-empty vector of strings [\"program\" \"arg\" …]", sf.ValPos)
			}
			for j := 0; j < v.Count(); j++ {
				x, _ := v.Nth(j)
				a, ok := x.(string)
				if !ok {
					return fmt.Errorf("%s: :command arguments must be strings, got %s", d.doc.ChildPos(v, j, sf.ValPos), value.PrStr(x))
				}
				st.Command = append(st.Command, a)
			}
		case "cwd":
			c, ok := sf.Val.(string)
			if !ok {
				return fmt.Errorf("%s: :cwd must be a string", sf.ValPos)
			}
			if !filepath.IsAbs(c) {
				c = filepath.Join(dir, c)
			}
			st.Cwd = c
		case "env":
			env, err := d.secrets(sf, "variable")
			if err != nil {
				return err
			}
			st.Env = env
		default:
			n, err := d.positive(sf)
			if err != nil {
				return err
			}
			switch sf.Name {
			case "max-message-bytes":
				st.MaxMessageBytes = int(n)
			case "stderr-max-line-bytes":
				st.StderrMaxLineBytes = int(n)
			case "stderr-max-lines":
				st.StderrMaxLines = int(n)
			}
		}
	}
	if len(st.Command) == 0 {
		return fmt.Errorf("%s: :stdio needs :command", t.ValPos)
	}
	s.Stdio = st
	return nil
}

// secrets reads {"K" "literal" | {:env "ENV"}}.
func (d decoder) secrets(f *config.Field, what string) (map[string]Secret, error) {
	m, ok := f.Val.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: :%s must be a map {\"NAME\" \"literal\" | {:env \"ENV\"}}", f.ValPos, f.Name)
	}
	out := map[string]Secret{}
	for _, e := range d.doc.Entries(m) {
		k, ok := e.Key.(string)
		if !ok || k == "" {
			return nil, fmt.Errorf("%s: %s names in :%s must be strings", e.KeyPos, what, f.Name)
		}
		switch v := e.Val.(type) {
		case string:
			out[k] = Secret{Literal: v}
		case *value.Map:
			efs, err := d.doc.Fields(v, ":"+f.Name+" "+k, []string{"env"})
			if err != nil {
				return nil, err
			}
			env := ""
			if len(efs) == 1 {
				env, _ = efs[0].Val.(string)
			}
			if !validEnvName(env) {
				return nil, fmt.Errorf("%s: %s %s must be {:env \"ENV\"} naming an environment variable", e.ValPos, what, k)
			}
			out[k] = Secret{Env: env}
		default:
			return nil, fmt.Errorf("%s: %s %s must be a string or {:env \"ENV\"}, got %s", e.ValPos, what, k, value.PrStr(e.Val))
		}
	}
	return out, nil
}

// ErrMissingSecret is the cause of every missing MCP secret.
var ErrMissingSecret = errors.New("missing MCP secret")

// MissingSecretError names the unset environment variable.
type MissingSecretError struct{ Env string }

func (e *MissingSecretError) Error() string { return "Missing MCP secret: " + e.Env }

// Unwrap makes it an ErrMissingSecret.
func (e *MissingSecretError) Unwrap() error { return ErrMissingSecret }

// Resolved are a server's values from the environment.
type Resolved struct {
	Bearer  string            // the bearer token, "" when none
	Headers map[string]string // HTTP headers
	Env     map[string]string // stdio child variables (explicit :env)
	// Secrets are every value that came from the environment, for
	// redaction.
	Secrets []string
}

// Resolve takes the profile's secrets from getenv. An unset or empty
// variable is a *MissingSecretError.
func (s *Server) Resolve(getenv func(string) string) (*Resolved, error) {
	r := &Resolved{Headers: map[string]string{}, Env: map[string]string{}}
	get := func(name string) (string, error) {
		v := getenv(name)
		if v == "" {
			return "", &MissingSecretError{Env: name}
		}
		r.Secrets = append(r.Secrets, v)
		return v, nil
	}
	fill := func(dst map[string]string, src map[string]Secret) error {
		for _, k := range sortedKeys(src) {
			sec := src[k]
			if sec.Env == "" {
				dst[k] = sec.Literal
				continue
			}
			v, err := get(sec.Env)
			if err != nil {
				return err
			}
			dst[k] = v
		}
		return nil
	}
	if h := s.HTTP; h != nil {
		if h.BearerEnv != "" {
			v, err := get(h.BearerEnv)
			if err != nil {
				return nil, err
			}
			r.Bearer = v
			r.Secrets = append(r.Secrets, "Bearer "+v)
		}
		if err := fill(r.Headers, h.Headers); err != nil {
			return nil, err
		}
	}
	if st := s.Stdio; st != nil {
		if err := fill(r.Env, st.Env); err != nil {
			return nil, err
		}
	}
	return r, nil
}
