package profile

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// Keys lists every key an agent profile may hold (runtime.md §10.2).
var Keys = []string{
	"base", "agent-name", "agent-description", "system-prompt", "namespaces",
	"available-agents", "mcp-servers", "default-model-profile", "default-budget",
	"recover", "format", "format-retries", "max-consecutive-errors",
	"context-max-chars", "sandbox",
	"prefill?", "thinking", "reasoning-effort", "verbosity", "suffix-grammar?",
	"grammar-max-chars", "retries", "model",
}

// sandboxKeys lists the keys of :sandbox (effects.md §11).
var sandboxKeys = []string{"root", "allow-private-net", "sh-timeout-sec", "env-allow"}

// retriesKeys lists the keys of :retries (runtime.md §8.7).
var retriesKeys = []string{"max-attempts", "base-ms", "max-ms"}

// formatKeys lists the keys of :format (runtime.md §11.3).
var formatKeys = []string{"required", "optional"}

// entry is one key/value pair of a profile map with its positions.
type entry struct {
	key    string
	val    value.Value
	keyPos string
	valPos string
	// parent is the map holding the value (for positions of nested
	// elements); idx is the value's child index in it.
	parent value.Value
	idx    int
}

// ref is a reference value with its position.
type ref struct {
	ref string
	pos string
}

// document is a parsed profile file.
type document struct {
	*config.Doc
	loc     location
	base    *ref
	entries []entry
}

// parse reads a profile file and checks its keys.
func parse(loc location, src []byte) (*document, error) {
	doc, err := config.Read(loc.display, src)
	if err != nil {
		return nil, err
	}
	d := &document{Doc: doc, loc: loc}
	v := doc.Root
	m, ok := v.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: an agent profile must be a map, got %s", d.pos(v, loc.display+":1:1"), typeName(v))
	}
	ents, err := d.mapEntries(m, Keys, "")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if e.key == "base" {
			s, err := d.refText(e)
			if err != nil {
				return nil, err
			}
			d.base = &ref{ref: s, pos: e.valPos}
			continue
		}
		d.entries = append(d.entries, e)
	}
	return d, nil
}

// pos returns the position of a collection value, or fallback.
func (d *document) pos(v value.Value, fallback string) string { return d.PosOr(v, fallback) }

// mapEntries returns the entries of m, whose keys must be keywords among
// allowed (config.Doc.Fields). what names the map in messages ("" for the
// top level, ":sandbox" for a nested one).
func (d *document) mapEntries(m *value.Map, allowed []string, what string) ([]entry, error) {
	fs, err := d.Fields(m, what, allowed)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(fs))
	for i, f := range fs {
		out[i] = entry{key: f.Name, val: f.Val, keyPos: f.KeyPos, valPos: f.ValPos, parent: f.Map, idx: f.Index}
	}
	return out, nil
}

// apply sets the document's keys on p (which holds the inherited values).
func (d *document) apply(p *Profile, l *loader) error {
	for _, e := range d.entries {
		if err := d.applyEntry(p, l, e); err != nil {
			return err
		}
	}
	return nil
}

func (d *document) applyEntry(p *Profile, l *loader, e entry) error {
	var err error
	switch e.key {
	case "agent-name":
		p.Name, err = d.name(e)
	case "agent-description":
		p.Description, err = d.str(e)
	case "system-prompt":
		err = d.systemPrompt(p, e)
	case "namespaces":
		err = d.namespaces(p, e)
	case "available-agents":
		p.AvailableAgents, err = d.availableAgents(l, e)
	case "mcp-servers":
		err = d.mcpServers(p, e)
	case "default-model-profile":
		p.DefaultModelProfile, err = d.name(e)
	case "default-budget":
		var f float64
		if f, err = d.number(e); err == nil {
			if f < 0 {
				return fmt.Errorf("%s: :default-budget must not be negative, got %s", e.valPos, value.PrStr(e.val))
			}
			p.DefaultBudget = &f
		}
	case "recover":
		p.Recover, err = d.boolean(e)
	case "format":
		p.Format, err = d.format(e)
	case "format-retries":
		p.FormatRetries, err = d.integer(e, 0)
	case "max-consecutive-errors":
		p.MaxConsecutiveErrors, err = d.integer(e, 1)
	case "context-max-chars":
		if e.val == nil {
			p.ContextMaxChars = 0
			return nil
		}
		p.ContextMaxChars, err = d.integer(e, MinContextMaxChars)
	case "sandbox":
		err = d.sandbox(p, e)
	case "prefill?":
		var b bool
		if b, err = d.boolean(e); err == nil {
			p.Prefill = &b
		}
	case "thinking":
		var n int
		if n, err = d.integer(e, 0); err == nil {
			p.Thinking = &n
		}
	case "reasoning-effort":
		p.ReasoningEffort, err = d.choice(e, "none", "minimal", "low", "medium", "high", "xhigh", "max")
	case "verbosity":
		p.Verbosity, err = d.choice(e, "low", "medium", "high")
	case "suffix-grammar?":
		var b bool
		if b, err = d.boolean(e); err == nil {
			p.SuffixGrammar = &b
		}
	case "grammar-max-chars":
		p.GrammarMaxChars, err = d.integer(e, 1)
	case "retries":
		p.Retries, err = d.retries(e)
	case "model":
		p.Model, err = d.str(e)
		if err == nil && strings.TrimSpace(p.Model) == "" {
			err = fmt.Errorf("%s: :model must not be empty", e.valPos)
		}
	}
	return err
}

// --- scalar decoders ---

func (d *document) str(e entry) (string, error) {
	s, ok := e.val.(string)
	if !ok {
		return "", fmt.Errorf("%s: :%s must be a string, got %s", e.valPos, e.key, describe(e.val))
	}
	return s, nil
}

// name accepts a symbol or a string.
func (d *document) name(e entry) (string, error) {
	switch v := e.val.(type) {
	case *value.Symbol:
		return v.FullName(), nil
	case string:
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("%s: :%s must not be empty", e.valPos, e.key)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s: :%s must be a symbol or a string, got %s", e.valPos, e.key, describe(e.val))
}

// refText is a profile reference: a symbol (name) or a string (name or path).
func (d *document) refText(e entry) (string, error) {
	s, err := d.name(e)
	if err != nil {
		return "", fmt.Errorf("%s: :%s must be a profile name (symbol) or a path (string), got %s", e.valPos, e.key, describe(e.val))
	}
	return s, nil
}

func (d *document) boolean(e entry) (bool, error) {
	b, ok := e.val.(bool)
	if !ok {
		return false, fmt.Errorf("%s: :%s must be true or false, got %s", e.valPos, e.key, describe(e.val))
	}
	return b, nil
}

func (d *document) integer(e entry, min int) (int, error) {
	n, ok := e.val.(int64)
	if !ok || n < int64(min) || n > math.MaxInt32 {
		return 0, fmt.Errorf("%s: :%s must be an integer of at least %d, got %s", e.valPos, e.key, min, describe(e.val))
	}
	return int(n), nil
}

func (d *document) number(e entry) (float64, error) {
	switch v := e.val.(type) {
	case int64:
		return float64(v), nil
	case float64:
		return v, nil
	}
	return 0, fmt.Errorf("%s: :%s must be a number, got %s", e.valPos, e.key, describe(e.val))
}

// choice accepts a keyword, symbol or string among allowed.
func (d *document) choice(e entry, allowed ...string) (string, error) {
	var s string
	switch v := e.val.(type) {
	case *value.Keyword:
		s = v.FullName()
	case *value.Symbol:
		s = v.FullName()
	case string:
		s = v
	}
	if !contains(allowed, s) {
		return "", fmt.Errorf("%s: :%s must be one of :%s, got %s", e.valPos, e.key, strings.Join(allowed, " :"), describe(e.val))
	}
	return s, nil
}

// --- structured keys ---

func (d *document) systemPrompt(p *Profile, e entry) error {
	switch v := e.val.(type) {
	case string:
		p.SystemPrompt, p.SystemPromptFile = v, ""
		return nil
	case *value.Map:
		path, err := d.fileRef(e, v, ":system-prompt")
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: :system-prompt file: %v", e.valPos, unwrapPathError(err))
		}
		p.SystemPrompt, p.SystemPromptFile = string(b), path
		return nil
	}
	return fmt.Errorf("%s: :system-prompt must be a string or {:file \"rel.txt\"}, got %s", e.valPos, describe(e.val))
}

// fileRef checks a {:file "rel"} map and returns the path resolved against
// the profile's directory.
func (d *document) fileRef(e entry, m *value.Map, what string) (string, error) {
	ents, err := d.mapEntries(m, []string{"file"}, what)
	if err != nil {
		return "", err
	}
	if len(ents) != 1 {
		return "", fmt.Errorf("%s: %s: expected {:file \"path\"}", e.valPos, what)
	}
	rel, ok := ents[0].val.(string)
	if !ok || rel == "" {
		return "", fmt.Errorf("%s: %s :file must be a non-empty string, got %s", ents[0].valPos, what, describe(ents[0].val))
	}
	if d.loc.embedded != "" {
		return "", fmt.Errorf("%s: %s: {:file …} is not available in an embedded profile", e.valPos, what)
	}
	if filepath.IsAbs(rel) {
		return rel, nil
	}
	return filepath.Join(d.loc.dir, rel), nil
}

func (d *document) availableAgents(l *loader, e entry) ([]AgentRef, error) {
	var out []AgentRef
	add := func(name, r, pos string) error {
		loc, err := l.locate(r, d.loc.dir, "")
		if err != nil {
			if nf, ok := err.(*NotFoundError); ok {
				nf.Pos = pos
				return nf
			}
			return fmt.Errorf("%s: :available-agents: %v", pos, err)
		}
		if name == "" {
			name = loc.stem
		}
		for _, a := range out {
			if a.Name == name {
				return fmt.Errorf("%s: :available-agents: duplicate worker %s", pos, name)
			}
		}
		out = append(out, AgentRef{Name: name, Ref: r, Source: loc.source})
		return nil
	}
	refOf := func(v value.Value) (string, bool) {
		switch x := v.(type) {
		case *value.Symbol:
			return x.FullName(), true
		case string:
			return x, x != ""
		}
		return "", false
	}
	switch v := e.val.(type) {
	case *value.Vector:
		for i, x := range v.Slice() {
			pos := d.childPos(v, i)
			if pos == "" {
				pos = e.valPos
			}
			r, ok := refOf(x)
			if !ok {
				return nil, fmt.Errorf("%s: :available-agents entries must be profile names or paths, got %s", pos, describe(x))
			}
			if err := add("", r, pos); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *value.Map:
		i := 0
		var err error
		v.Range(func(k, x value.Value) bool {
			kpos := d.childPos(v, 2*i)
			vpos := d.childPos(v, 2*i+1)
			i++
			var name string
			switch kk := k.(type) {
			case *value.Symbol:
				name = kk.FullName()
			case string:
				name = kk
			default:
				err = fmt.Errorf("%s: :available-agents names must be symbols, got %s", kpos, describe(k))
				return false
			}
			r, ok := refOf(x)
			if !ok {
				err = fmt.Errorf("%s: :available-agents: %s must map to a profile name or path, got %s", vpos, name, describe(x))
				return false
			}
			err = add(name, r, vpos)
			return err == nil
		})
		if err != nil {
			return nil, err
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("%s: :available-agents must be a vector of profiles or a map name → profile, got %s", e.valPos, describe(e.val))
}

func (d *document) mcpServers(p *Profile, e entry) error {
	m, ok := e.val.(*value.Map)
	if !ok {
		return fmt.Errorf("%s: :mcp-servers must be a map alias → grant, got %s", e.valPos, describe(e.val))
	}
	i := 0
	var err error
	m.Range(func(k, v value.Value) bool {
		kpos := d.childPos(m, 2*i)
		vpos := d.childPos(m, 2*i+1)
		i++
		var alias string
		switch kk := k.(type) {
		case *value.Symbol:
			alias = kk.FullName()
		case string:
			alias = kk
		default:
			err = fmt.Errorf("%s: :mcp-servers aliases must be symbols, got %s", kpos, describe(k))
			return false
		}
		if !validAlias(alias) {
			err = fmt.Errorf("%s: invalid MCP alias %q: use letters, digits, _ . -", kpos, alias)
			return false
		}
		if contains(reservedMCP, alias) {
			err = fmt.Errorf("%s: MCP alias %s is reserved", kpos, alias)
			return false
		}
		if v == nil {
			delete(p.MCPServers, alias)
			return true
		}
		g, ok := v.(*value.Map)
		if !ok {
			err = fmt.Errorf("%s: :mcp-servers %s must be a grant map {:server \"x.mcp.edn\" …}, got %s", vpos, alias, describe(v))
			return false
		}
		mg := MCPGrant{Alias: alias, Grant: value.PrStr(g), Pos: vpos, Dir: d.loc.dir}
		if err = d.decodeGrant(alias, g, &mg); err != nil {
			return false
		}
		p.MCPServers[alias] = mg
		return true
	})
	return err
}

// reservedMCP are names an MCP alias may not take (effects.md §10); the
// configured namespace names are checked by the runtime.
var reservedMCP = []string{"mcp", "workers", "blocking", "skills", "strings", "math", "builtins"}

func validAlias(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func (d *document) format(e entry) (*Format, error) {
	if e.val == nil {
		return nil, nil
	}
	m, ok := e.val.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: :format must be a map {:required [...] :optional [...]}, got %s", e.valPos, describe(e.val))
	}
	ents, err := d.mapEntries(m, formatKeys, ":format")
	if err != nil {
		return nil, err
	}
	f := &Format{}
	for _, fe := range ents {
		vec, ok := fe.val.(*value.Vector)
		if !ok {
			return nil, fmt.Errorf("%s: :format :%s must be a vector of keywords, got %s", fe.valPos, fe.key, describe(fe.val))
		}
		var keys []string
		for i, x := range vec.Slice() {
			kw, ok := x.(*value.Keyword)
			if !ok {
				pos := d.childPos(vec, i)
				if pos == "" {
					pos = fe.valPos
				}
				return nil, fmt.Errorf("%s: :format :%s must hold keywords, got %s", pos, fe.key, describe(x))
			}
			keys = append(keys, kw.FullName())
		}
		if fe.key == "required" {
			f.Required = keys
		} else {
			f.Optional = keys
		}
	}
	return f, nil
}

func (d *document) sandbox(p *Profile, e entry) error {
	m, ok := e.val.(*value.Map)
	if !ok {
		return fmt.Errorf("%s: :sandbox must be a map, got %s", e.valPos, describe(e.val))
	}
	ents, err := d.mapEntries(m, sandboxKeys, ":sandbox")
	if err != nil {
		return err
	}
	for _, se := range ents {
		switch se.key {
		case "root":
			s, err := d.str(se)
			if err != nil {
				return err
			}
			if d.loc.embedded == "" && !filepath.IsAbs(s) {
				s = filepath.Join(d.loc.dir, s)
			}
			p.Sandbox.Root = s
		case "allow-private-net":
			b, err := d.boolean(se)
			if err != nil {
				return err
			}
			p.Sandbox.AllowPrivateNet = b
		case "sh-timeout-sec":
			n, err := d.integer(se, 0)
			if err != nil {
				return err
			}
			p.Sandbox.ShTimeoutSec = n
		case "env-allow":
			vec, ok := se.val.(*value.Vector)
			if !ok {
				return fmt.Errorf("%s: :sandbox :env-allow must be a vector of strings, got %s", se.valPos, describe(se.val))
			}
			var names []string
			for i, x := range vec.Slice() {
				s, ok := x.(string)
				if !ok {
					pos := d.childPos(vec, i)
					if pos == "" {
						pos = se.valPos
					}
					return fmt.Errorf("%s: :sandbox :env-allow must hold strings, got %s", pos, describe(x))
				}
				names = append(names, s)
			}
			p.Sandbox.EnvAllow = names
		}
	}
	return nil
}

func (d *document) retries(e entry) (*Retries, error) {
	m, ok := e.val.(*value.Map)
	if !ok {
		return nil, fmt.Errorf("%s: :retries must be a map {:max-attempts n :base-ms n :max-ms n}, got %s", e.valPos, describe(e.val))
	}
	ents, err := d.mapEntries(m, retriesKeys, ":retries")
	if err != nil {
		return nil, err
	}
	r := &Retries{}
	for _, re := range ents {
		n, err := d.integer(re, 0)
		if err != nil {
			return nil, err
		}
		switch re.key {
		case "max-attempts":
			r.MaxAttempts = n
		case "base-ms":
			r.BaseMS = n
		case "max-ms":
			r.MaxMS = n
		}
	}
	return r, nil
}

// --- helpers ---

// childPos is the position of element i of collection v, "" when unknown.
func (d *document) childPos(v value.Value, i int) string { return d.ChildPos(v, i, "") }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortStrings(s []string) { sort.Strings(s) }

// typeName names the type of a value for messages.
func typeName(v value.Value) string {
	switch v.(type) {
	case nil:
		return "nil"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case string:
		return "a string"
	case *value.Symbol:
		return "a symbol"
	case *value.Keyword:
		return "a keyword"
	case *value.Vector:
		return "a vector"
	case *value.Map:
		return "a map"
	case *value.List:
		return "a list"
	case *value.Set:
		return "a set"
	}
	return fmt.Sprintf("%T", v)
}

// describe shows a value in messages: its readable form, shortened.
func describe(v value.Value) string {
	s := value.PrStr(v)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// closest returns the candidate nearest to name (name itself when it is a
// candidate; config.Nearest otherwise), "" when nothing is close.
func closest(name string, cands []string) string {
	if contains(cands, name) {
		return name
	}
	return config.Nearest(name, cands)
}
