package spellmcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/profile"
)

// What `spell mcp` does (cmd/spell/cli only parses flags and prints).

// Check configures `spell mcp list|inspect|call`.
type Check struct {
	Ref             string // server profile name or path
	Cwd             string
	Dirs            Dirs
	Getenv          func(string) string
	Environ         []string
	AllowPrivateNet bool
	Version         string
}

// Dial connects to the server of c.Ref with everything granted: the user
// is checking the server from the shell, no agent is involved.
func (c Check) Dial(ctx context.Context) (*Conn, error) {
	path, err := Locate(c.Ref, c.Cwd, c.Dirs)
	if err != nil {
		return nil, err
	}
	srv, err := Load(path)
	if err != nil {
		return nil, err
	}
	g := profile.MCPGrant{Alias: srv.Name, Server: c.Ref, ToolsAll: true, Resources: profile.MCPAccess{All: true},
		Prompts: profile.MCPAccess{All: true}, Completion: true}
	return Connect(ctx, Options{Alias: srv.Name, Server: srv, Grant: g, Getenv: c.Getenv, Environ: c.Environ, Cwd: c.Cwd,
		AllowPrivateNet: c.AllowPrivateNet, Version: c.Version})
}

// ProfileInfo is one server profile found in the configuration
// directories.
type ProfileInfo struct {
	Name, Path, Transport, Endpoint string
	Err                             string `json:",omitempty"`
}

// Profiles lists the server profiles of the project and user mcp/
// directories (a project profile hides a user one of the same name).
func Profiles(dirs Dirs) []ProfileInfo {
	var out []ProfileInfo
	seen := map[string]bool{}
	for _, d := range []string{dirs.Project, dirs.User} {
		if d == "" {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(d, "mcp", "*"+Ext))
		sort.Strings(matches)
		for _, p := range matches {
			name := strings.TrimSuffix(filepath.Base(p), Ext)
			if seen[name] {
				continue
			}
			seen[name] = true
			pi := ProfileInfo{Name: name, Path: p}
			if s, err := Load(p); err != nil {
				pi.Err = err.Error()
			} else {
				pi.Transport, pi.Endpoint = "stdio", s.Endpoint()
				if s.HTTP != nil {
					pi.Transport = "http"
				}
			}
			out = append(out, pi)
		}
	}
	return out
}

// ToolLines are the catalogue as `name(params) — summary` lines.
func (c *Conn) ToolLines() []string {
	var out []string
	for _, t := range c.Tools {
		l := t.Signature
		if t.Summary != "" {
			l += " — " + t.Summary
		}
		out = append(out, l)
	}
	return out
}

// FindTool returns the tool of that (Spell or server) name, or nil.
func (c *Conn) FindTool(name string) *Tool {
	for _, t := range c.Tools {
		if t.Name == name || t.Raw.Name == name {
			return t
		}
	}
	return nil
}

// ParseArgs reads a tool's arguments given as a JSON object ("" = none).
func ParseArgs(text string) (value.Value, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	v, err := FromJSON([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("arguments must be a JSON object: %v", err)
	}
	if _, ok := v.(*value.Map); !ok {
		return nil, fmt.Errorf("arguments must be a JSON object, got %s", value.TypeName(v))
	}
	return v, nil
}

// JSON renders Spell data as indented JSON; keyword keys become their
// names (envelopes).
func JSON(v value.Value) ([]byte, error) {
	j, err := looseJSON(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// orderedMap keeps a map's key order in JSON.
type orderedMap struct {
	keys []string
	vals []any
}

func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(m.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func looseJSON(v value.Value) (any, error) {
	switch x := v.(type) {
	case *value.Map:
		var m orderedMap
		var err error
		x.Range(func(k, val value.Value) bool {
			var ks string
			switch kk := k.(type) {
			case string:
				ks = kk
			case *value.Keyword:
				ks = kk.FullName()
			default:
				ks = value.PrStr(k)
			}
			var j any
			j, err = looseJSON(val)
			m.keys, m.vals = append(m.keys, ks), append(m.vals, j)
			return err == nil
		})
		return m, err
	case *value.Vector:
		out := make([]any, 0, x.Count())
		for i := 0; i < x.Count(); i++ {
			e, _ := x.Nth(i)
			j, err := looseJSON(e)
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	}
	return ToJSON(v)
}

// Ok reports whether an envelope has :ok true.
func Ok(env value.Value) bool {
	m, ok := env.(*value.Map)
	if !ok {
		return false
	}
	v, _ := m.Get(kwOk)
	return v == true
}

// DirsFor returns the mcp configuration directories of a working
// directory (project .spell, then the user's).
func DirsFor(cwd string) Dirs {
	d := profile.ConfigDirs(cwd)
	return Dirs{Project: d.Project, User: d.User}
}
