package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/profile"
)

// ConfigFile is the name of the linter configuration file inside a
// configuration directory (.spell/ of the project, $XDG_CONFIG_HOME/spell/).
const ConfigFile = "lint.edn"

// LinterConfig configures one rule.
type LinterConfig struct {
	// Level overrides the rule's default level when LevelSet.
	Level    Level
	LevelSet bool
	// Names are the discouraged names and their reasons (discouraged-var).
	Names map[string]string
}

// Config is the linter configuration (tooling.md §4.2):
//
//	{:linters {:unused-binding {:level :off}
//	           :discouraged-var {:level :warning :names {io/sh "use io/exec"}}}
//	 :agent "cli"
//	 :output {:format :text}}
//
// The zero Config uses every rule's default level.
type Config struct {
	// Linters maps rule ids to their configuration.
	Linters map[string]LinterConfig
	// Agent is the agent profile (name or path) whose effect namespaces are
	// known; "" means the default (cli).
	Agent string
	// Format is the default output format ("text" or "json"), or "".
	Format string
	// Sources are the files the configuration was read from, in merge
	// order.
	Sources []string
}

// Level returns the effective level of a rule.
func (c Config) Level(rule string) Level {
	if lc, ok := c.Linters[rule]; ok && lc.LevelSet {
		return lc.Level
	}
	if r, ok := RuleByID(rule); ok {
		return r.DefaultLevel
	}
	return LevelOff
}

// Merge returns c with over applied on top: levels and names of over win,
// rule by rule and name by name.
func (c Config) Merge(over Config) Config {
	out := Config{Agent: c.Agent, Format: c.Format, Linters: map[string]LinterConfig{}}
	out.Sources = append(append(out.Sources, c.Sources...), over.Sources...)
	for id, lc := range c.Linters {
		out.Linters[id] = lc
	}
	for id, lc := range over.Linters {
		base := out.Linters[id]
		if lc.LevelSet {
			base.Level, base.LevelSet = lc.Level, true
		}
		if lc.Names != nil {
			names := map[string]string{}
			for k, v := range base.Names {
				names[k] = v
			}
			for k, v := range lc.Names {
				names[k] = v
			}
			base.Names = names
		}
		out.Linters[id] = base
	}
	if over.Agent != "" {
		out.Agent = over.Agent
	}
	if over.Format != "" {
		out.Format = over.Format
	}
	return out
}

// ParseConfig reads a lint.edn text. Unknown rule ids and malformed values
// are errors naming their position.
func ParseConfig(name string, src []byte) (Config, error) {
	v, spans, err := eval.ReadEDN(name, src)
	if err != nil {
		return Config{}, err
	}
	pos := func(v value.Value) string {
		if p := spans.PositionOf(v); p != "" {
			return p
		}
		return name
	}
	top, ok := v.(*value.Map)
	if !ok {
		return Config{}, fmt.Errorf("%s: lint configuration must be a map", name)
	}
	cfg := Config{Linters: map[string]LinterConfig{}, Sources: []string{name}}
	var perr error
	top.Range(func(k, val value.Value) bool {
		kw, ok := k.(*value.Keyword)
		if !ok {
			perr = fmt.Errorf("%s: unknown key %v", pos(top), k)
			return false
		}
		switch kw.FullName() {
		case "linters":
			lm, ok := val.(*value.Map)
			if !ok {
				perr = fmt.Errorf("%s: :linters must be a map", pos(top))
				return false
			}
			lm.Range(func(rk, rv value.Value) bool {
				rkw, ok := rk.(*value.Keyword)
				if !ok {
					perr = fmt.Errorf("%s: linter ids are keywords, got %v", pos(lm), rk)
					return false
				}
				id := rkw.FullName()
				if _, ok := RuleByID(id); !ok {
					perr = fmt.Errorf("%s: unknown linter :%s", pos(lm), id)
					return false
				}
				lc, err := parseLinter(id, rv, pos)
				if err != nil {
					perr = err
					return false
				}
				cfg.Linters[id] = lc
				return true
			})
			return perr == nil
		case "agent":
			s, ok := val.(string)
			if !ok {
				if sym, ok := val.(*value.Symbol); ok {
					s = sym.FullName()
				} else {
					perr = fmt.Errorf("%s: :agent must be a string", pos(top))
					return false
				}
			}
			cfg.Agent = s
		case "output":
			om, ok := val.(*value.Map)
			if !ok {
				perr = fmt.Errorf("%s: :output must be a map", pos(top))
				return false
			}
			if f, ok := om.Get(value.Kw("format")); ok {
				switch fv := f.(type) {
				case *value.Keyword:
					cfg.Format = fv.FullName()
				case string:
					cfg.Format = fv
				}
				if cfg.Format != "text" && cfg.Format != "json" {
					perr = fmt.Errorf("%s: :output :format must be :text or :json", pos(om))
					return false
				}
			}
		default:
			perr = fmt.Errorf("%s: unknown key :%s", pos(top), kw.FullName())
			return false
		}
		return true
	})
	if perr != nil {
		return Config{}, perr
	}
	return cfg, nil
}

func parseLinter(id string, v value.Value, pos func(value.Value) string) (LinterConfig, error) {
	var lc LinterConfig
	m, ok := v.(*value.Map)
	if !ok {
		return lc, fmt.Errorf("%s: the configuration of :%s must be a map", pos(v), id)
	}
	if lv, ok := m.Get(value.Kw("level")); ok {
		var s string
		switch x := lv.(type) {
		case *value.Keyword:
			s = x.FullName()
		case string:
			s = x
		}
		l, err := ParseLevel(s)
		if err != nil {
			return lc, fmt.Errorf("%s: :%s: %v", pos(m), id, err)
		}
		lc.Level, lc.LevelSet = l, true
	}
	if nv, ok := m.Get(value.Kw("names")); ok {
		lc.Names = map[string]string{}
		switch x := nv.(type) {
		case *value.Map:
			x.Range(func(k, r value.Value) bool {
				reason, _ := r.(string)
				lc.Names[nameText(k)] = reason
				return true
			})
		case *value.Vector:
			for _, k := range x.Slice() {
				lc.Names[nameText(k)] = ""
			}
		default:
			return lc, fmt.Errorf("%s: :%s :names must be a map or a vector", pos(m), id)
		}
	}
	return lc, nil
}

func nameText(v value.Value) string {
	switch x := v.(type) {
	case *value.Symbol:
		return x.FullName()
	case *value.Keyword:
		return x.FullName()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// ConfigPaths returns the configuration files consulted for a working
// directory, lowest precedence first: $XDG_CONFIG_HOME/spell/lint.edn, then
// .spell/lint.edn of the project root (profile.ConfigDirs).
func ConfigPaths(cwd string) []string {
	d := profile.ConfigDirs(cwd)
	var out []string
	if d.User != "" {
		out = append(out, filepath.Join(d.User, ConfigFile))
	}
	if d.Project != "" {
		out = append(out, filepath.Join(d.Project, ConfigFile))
	}
	return out
}

// LoadConfig reads and merges the configuration files of ConfigPaths; a
// missing file is skipped.
func LoadConfig(cwd string) (Config, error) {
	cfg := Config{}
	for _, p := range ConfigPaths(cwd) {
		src, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Config{}, err
		}
		c, err := ParseConfig(displayPath(cwd, p), src)
		if err != nil {
			return Config{}, err
		}
		cfg = cfg.Merge(c)
	}
	return cfg, nil
}

// displayPath names p relative to cwd (with forward slashes) when it lies
// below cwd, for messages.
func displayPath(cwd, p string) string {
	if abs, err := filepath.Abs(cwd); err == nil {
		if rel, err := filepath.Rel(abs, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
}
