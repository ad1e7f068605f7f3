package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spell-go/spell/eval/config"
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

// The keys of lint.edn and of its nested maps.
var (
	configKeys    = []string{"linters", "agent", "output"}
	linterKeys    = []string{"level", "names"}
	outputKeys    = []string{"format"}
	outputFormats = []string{"text", "json"}
)

// ruleIDs lists the rule ids, the keys :linters may hold.
func ruleIDs() []string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return ids
}

// ParseConfig reads a lint.edn text. Unknown keys and rule ids (with the
// nearest known one) and malformed values are errors naming their
// position (config.Doc).
func ParseConfig(name string, src []byte) (Config, error) {
	doc, err := config.Read(name, src)
	if err != nil {
		return Config{}, err
	}
	top, ok := doc.Root.(*value.Map)
	if !ok {
		return Config{}, doc.Errorf(doc.Root, "lint configuration must be a map")
	}
	fields, err := doc.Fields(top, "", configKeys)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{Linters: map[string]LinterConfig{}, Sources: []string{name}}
	for _, f := range fields {
		switch f.Name {
		case "linters":
			lm, ok := f.Val.(*value.Map)
			if !ok {
				return Config{}, fmt.Errorf("%s: :linters must be a map of rule ids to their configuration", f.ValPos)
			}
			rules, err := doc.Fields(lm, ":linters", ruleIDs())
			if err != nil {
				return Config{}, err
			}
			for _, r := range rules {
				lc, err := parseLinter(doc, r)
				if err != nil {
					return Config{}, err
				}
				cfg.Linters[r.Name] = lc
			}
		case "agent":
			s, ok := f.Val.(string)
			if sym, isSym := f.Val.(*value.Symbol); isSym {
				s, ok = sym.FullName(), true
			}
			if !ok {
				return Config{}, fmt.Errorf("%s: :agent must be a profile name or path, got %s", f.ValPos, value.PrStr(f.Val))
			}
			cfg.Agent = s
		case "output":
			om, ok := f.Val.(*value.Map)
			if !ok {
				return Config{}, fmt.Errorf("%s: :output must be a map", f.ValPos)
			}
			out, err := doc.Fields(om, ":output", outputKeys)
			if err != nil {
				return Config{}, err
			}
			for _, o := range out { // :format, the only key
				s, _ := config.NameOf(o.Val)
				if !slices.Contains(outputFormats, s) {
					return Config{}, fmt.Errorf("%s: :output :format must be :%s, got %s%s", o.ValPos,
						strings.Join(outputFormats, " or :"), value.PrStr(o.Val), config.DidYouMean(s, outputFormats, ":"))
				}
				cfg.Format = s
			}
		}
	}
	return cfg, nil
}

// parseLinter decodes the configuration of one rule: {:level … :names …}.
func parseLinter(doc *config.Doc, r config.Field) (LinterConfig, error) {
	var lc LinterConfig
	m, ok := r.Val.(*value.Map)
	if !ok {
		return lc, fmt.Errorf("%s: the configuration of :%s must be a map", r.ValPos, r.Name)
	}
	fields, err := doc.Fields(m, ":"+r.Name, linterKeys)
	if err != nil {
		return lc, err
	}
	for _, f := range fields {
		switch f.Name {
		case "level":
			s, _ := config.NameOf(f.Val)
			l, err := ParseLevel(s)
			if err != nil {
				return lc, fmt.Errorf("%s: :%s :level: %v", f.ValPos, r.Name, err)
			}
			lc.Level, lc.LevelSet = l, true
		case "names":
			lc.Names = map[string]string{}
			switch x := f.Val.(type) {
			case *value.Map:
				x.Range(func(k, why value.Value) bool {
					reason, _ := why.(string)
					lc.Names[nameText(k)] = reason
					return true
				})
			case *value.Vector:
				for _, k := range x.Slice() {
					lc.Names[nameText(k)] = ""
				}
			default:
				return lc, fmt.Errorf("%s: :%s :names must be a map or a vector", f.ValPos, r.Name)
			}
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
func ConfigPaths(cwd string) []string { return configPaths(profile.ConfigDirs(cwd)) }

// configPaths are ConfigPaths in the configuration directories d.
func configPaths(d profile.Dirs) []string {
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
func LoadConfig(cwd string) (Config, error) { return LoadConfigIn(cwd, profile.ConfigDirs(cwd)) }

// LoadConfigIn is LoadConfig with the configuration directories of cwd
// (profile.ConfigDirs) already found: spell lint finds them once for the
// configuration and the agent profile.
func LoadConfigIn(cwd string, d profile.Dirs) (Config, error) {
	cfg := Config{}
	for _, p := range configPaths(d) {
		src, err := os.ReadFile(p)
		// os.IsNotExist, not errors.Is: for the *fs.PathError of os.ReadFile
		// both answer the same, and this check is on every run's path,
		// where errors.Is's interface assertions cost page faults (issue
		// 11, start-up).
		if os.IsNotExist(err) {
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
