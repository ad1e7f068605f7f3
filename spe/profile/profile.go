// Package profile reads agent profiles (runtime.md §10.2): EDN data files
// named NAME.agent.edn that say which namespaces an agent may use, which
// workers it may start, its limits, sandbox and model-level overrides.
//
// Profiles are data only. They are read with Spell's reader in strict mode
// (eval.ReadEDN), never evaluated, and this package imports nothing of the
// runtime, so the linter and the language server can use profiles too
// (tooling.md §1.3).
//
// Lookup (runtime.md §15.1): a name is searched as NAME.agent.edn in the
// project directory (.spell/agents/), then the user directory
// ($XDG_CONFIG_HOME/spell/agents/), then the profiles embedded in the binary
// (base, cli, readonly, explore). An argument that contains a path separator
// or ends in .agent.edn is a file path, relative to the working directory
// (for -a) or to the directory of the profile that names it (for :base and
// :available-agents).
//
// Every error names the position of the offending key or value as
// file:line:col.
package profile

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// DefaultAgent is the agent profile used when none is given.
const DefaultAgent = "cli"

// Embedded profile defaults (runtime.md §10.2, §5.6, §11.3).
const (
	DefaultMaxConsecutiveErrors = 3
	DefaultFormatRetries        = 3
	// MinContextMaxChars is the smallest accepted :context-max-chars.
	MinContextMaxChars = 128
)

//go:embed agents/*.agent.edn
var embedded embed.FS

// Embedded lists the names of the profiles embedded in the binary.
func Embedded() []string {
	ents, _ := fs.ReadDir(embedded, "agents")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), Ext))
	}
	return out
}

// EmbeddedSource returns the text of an embedded profile, or false.
func EmbeddedSource(name string) (string, bool) {
	b, err := embedded.ReadFile("agents/" + name + Ext)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// embeddedExists reports whether an agent profile name is embedded,
// without opening the embedded files as EmbeddedSource does (every run
// looks its agent up; issue 11, start-up): the names are a switch
// generated with the table (TestEmbeddedTable keeps it in step).
func embeddedExists(name string) bool { return embeddedNamed(name) }

// Ext is the file name suffix of agent profiles.
const Ext = ".agent.edn"

// Profile is a resolved agent profile: its own keys applied over the chain
// of its :base profiles, with defaults for everything unset.
type Profile struct {
	// Name is :agent-name, else the file stem (never inherited).
	Name string
	// Description is :agent-description ("" by default).
	Description string
	// SystemPrompt replaces the embedded base text when non-empty (a string,
	// or the text of {:file …}); SystemPromptFile is that file's path.
	SystemPrompt     string
	SystemPromptFile string
	// Namespaces maps each bound namespace name (the symbol of the
	// :namespaces map, e.g. "io") to its resolved reference. Core
	// namespaces (strings, math, builtins, skills) are always present and
	// are not listed here.
	Namespaces map[string]NSRef
	// AvailableAgents are the workers (:available-agents), resolved to
	// their locations but not loaded (workers may reference each other;
	// load them lazily with LoadRef). Empty means none.
	AvailableAgents []AgentRef
	// MCPServers are the MCP grants by alias (:mcp-servers), kept as data
	// for the MCP client (effects.md §10).
	MCPServers map[string]MCPGrant
	// DefaultModelProfile is the model profile for this agent when the
	// caller gives none ("" = the caller's).
	DefaultModelProfile string
	// DefaultBudget is :default-budget in dollars (nil = run default).
	DefaultBudget *float64
	// Recover is :recover (default true).
	Recover bool
	// MaxConsecutiveErrors is :max-consecutive-errors (default 3).
	MaxConsecutiveErrors int
	// ContextMaxChars is :context-max-chars (0 = run default).
	ContextMaxChars int
	// Sandbox is :sandbox (effects.md §11).
	Sandbox Sandbox
	// Model-level overrides (nil / "" / 0 = not set).
	Prefill         *bool
	Thinking        *int
	ReasoningEffort string
	Verbosity       string
	SuffixGrammar   *bool
	GrammarMaxChars int
	Retries         *Retries
	Model           string
	// Format is the structured return contract (:format), nil when none;
	// FormatRetries is :format-retries (default 3).
	Format        *Format
	FormatRetries int
	// Source is the profile's file path, or "embedded:NAME".
	Source string
	// Chain lists the sources from this profile to its root :base.
	Chain []string
}

// Sandbox is the :sandbox map.
type Sandbox struct {
	// Root is the workspace root (absolute, resolved against the profile's
	// directory; "" = --root or the working directory).
	Root            string
	AllowPrivateNet bool
	// ShTimeoutSec is the default io/sh timeout (0 = not set: 30 s).
	ShTimeoutSec int
	EnvAllow     []string
}

// Retries is the :retries override (runtime.md §8.7); zero fields are unset.
type Retries struct {
	MaxAttempts, BaseMS, MaxMS int
}

// Format is the :format contract: the final value must be a map with the
// Required keys (keywords, without the colon).
type Format struct {
	Required []string
	Optional []string
}

// AgentRef is one worker of :available-agents.
type AgentRef struct {
	// Name is the worker's name (workers/NAME): the map key, else the
	// reference's file stem.
	Name string
	// Ref is the reference as written (a name or a path).
	Ref string
	// Source is where the profile was found: a file path or
	// "embedded:NAME". Resolve it with LoadRef.
	Source string
}

// MCPGrant is one :mcp-servers entry, as data.
type MCPGrant struct {
	// Alias is the namespace name of the server's functions.
	Alias string
	// Grant is the grant map printed in readable form (effects.md §10).
	Grant string
	// Pos is the file:line:col of the grant.
	Pos string
	// Dir is the directory relative paths of the grant resolve against.
	Dir string
	// Server is :server: a server profile name ("x.mcp.edn", looked up in
	// the mcp/ configuration directories) or a path relative to Dir.
	Server string
	// ToolsAll is :tools :all; otherwise Tools maps each granted Spell
	// name to the server's tool name (a vector grants names as they are).
	ToolsAll bool
	Tools    map[string]string
	// Resources and Prompts are the :resources and :prompts grants.
	Resources MCPAccess
	Prompts   MCPAccess
	// Completion and Subscriptions are :completion and :subscriptions.
	Completion    bool
	Subscriptions bool
}

// Dirs are the configuration directories consulted by Load.
type Dirs struct {
	// Project is the project configuration directory (<root>/.spell), or "".
	Project string
	// User is the user configuration directory ($XDG_CONFIG_HOME/spell), or "".
	User string
}

// ConfigDirs returns the configuration directories for a working
// directory (runtime.md §15.1): the user directory $XDG_CONFIG_HOME/spell
// (~/.config/spell), and .spell in the project root — the nearest ancestor
// of cwd that contains .git, else cwd itself.
func ConfigDirs(cwd string) Dirs {
	var d Dirs
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		d.User = filepath.Join(x, "spell")
	} else if h, err := os.UserHomeDir(); err == nil {
		d.User = filepath.Join(h, ".config", "spell")
	}
	d.Project = filepath.Join(ProjectRoot(cwd), ".spell")
	return d
}

// Existing returns d without the directories that do not exist, for
// looking files up where the answer is only whether they are there: a run
// looks up a dozen configuration files, usually in directories that do
// not exist, and each lookup allocates (issue 11, start-up). A directory
// that cannot be examined for another reason stays, so the lookups in it
// report their errors as before. Messages that list the directories
// searched use d.
func (d Dirs) Existing() Dirs {
	for _, dir := range []*string{&d.Project, &d.User} {
		if *dir == "" {
			continue
		}
		if _, err := os.Stat(*dir); errors.Is(err, fs.ErrNotExist) {
			*dir = ""
		}
	}
	return d
}

// ProjectRoot returns the nearest ancestor of cwd (cwd included) that
// contains .git, else cwd.
func ProjectRoot(cwd string) string {
	abs, err := filepath.Abs(cwd)
	if err != nil {
		return cwd
	}
	for dir := abs; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		dir = parent
	}
}

// Load resolves an agent profile. nameOrPath is a profile name (searched in
// projectDir/agents, userDir/agents, then the embedded profiles) or a file
// path (it contains a path separator or ends in .agent.edn) relative to
// cwd. userDir and projectDir are the configuration directories (see
// ConfigDirs); either may be "". An empty nameOrPath loads DefaultAgent.
func Load(nameOrPath, cwd, userDir, projectDir string) (*Profile, error) {
	l := &loader{dirs: Dirs{Project: projectDir, User: userDir}}
	if nameOrPath == "" {
		nameOrPath = DefaultAgent
	}
	loc, err := l.locate(nameOrPath, cwd, "")
	if err != nil {
		return nil, err
	}
	return l.load(loc, nil)
}

// Locate returns where Load reads the profile nameOrPath from, without
// reading it: the absolute path of its file, or "embedded:NAME" for an
// embedded profile no configuration directory overrides. Its errors are
// Load's when the profile is not found. spell lint uses it to leave the
// default profile's namespaces to be made only when a file needs them
// (issue 11, start-up).
func Locate(nameOrPath, cwd, userDir, projectDir string) (string, error) {
	l := &loader{dirs: Dirs{Project: projectDir, User: userDir}}
	if nameOrPath == "" {
		nameOrPath = DefaultAgent
	}
	loc, err := l.locate(nameOrPath, cwd, "")
	if err != nil {
		return "", err
	}
	return loc.source, nil
}

// LoadRef loads a worker found by Load (AgentRef.Source) with the same
// configuration directories.
func LoadRef(ref AgentRef, userDir, projectDir string) (*Profile, error) {
	l := &loader{dirs: Dirs{Project: projectDir, User: userDir}}
	loc := location{source: ref.Source, display: ref.Source}
	if name, ok := strings.CutPrefix(ref.Source, "embedded:"); ok {
		loc = location{source: ref.Source, display: "embedded:" + name + Ext, embedded: name, stem: name}
	} else {
		loc.stem = stem(ref.Source)
		loc.dir = filepath.Dir(ref.Source)
	}
	return l.load(loc, nil)
}

// IsPath reports whether a profile argument is a file path rather than a
// name: it contains a path separator or ends in .agent.edn.
func IsPath(arg string) bool {
	return strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator) || strings.HasSuffix(arg, Ext)
}

// location is a profile found on disk or embedded.
type location struct {
	// source is the absolute file path or "embedded:NAME".
	source string
	// display is the file name used in messages (the path as written for
	// -a paths, the full path for looked-up names).
	display string
	// dir is the directory relative paths resolve against ("" when
	// embedded).
	dir string
	// embedded is the embedded profile name, or "".
	embedded string
	// stem is the default :agent-name.
	stem string
}

type loader struct {
	dirs Dirs
}

// NotFoundError reports a profile name found nowhere.
type NotFoundError struct {
	Name     string
	Searched []string
	Pos      string
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("agent profile %q not found (searched %s and the embedded profiles %s)",
		e.Name, strings.Join(e.Searched, ", "), strings.Join(Embedded(), ", "))
	if len(e.Searched) == 0 {
		msg = fmt.Sprintf("agent profile %q not found (embedded profiles: %s)", e.Name, strings.Join(Embedded(), ", "))
	}
	if e.Pos != "" {
		msg = e.Pos + ": " + msg
	}
	return msg
}

// locate finds the profile named or pointed to by arg. base is the
// directory relative paths resolve against. skip is a source to pass over
// (a profile whose :base names its own name refers to the next lower
// level).
func (l *loader) locate(arg, base, skip string) (location, error) {
	if IsPath(arg) {
		p := arg
		if !filepath.IsAbs(p) && base != "" {
			p = filepath.Join(base, p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return location{}, err
		}
		if _, err := os.Stat(abs); err != nil {
			return location{}, fmt.Errorf("agent profile %s: %w", arg, unwrapPathError(err))
		}
		return location{source: abs, display: arg, dir: filepath.Dir(abs), stem: stem(abs)}, nil
	}
	if arg == "" || strings.ContainsAny(arg, " \t\n") {
		return location{}, fmt.Errorf("invalid agent profile name %q", arg)
	}
	// Candidates in precedence order; a profile that names its own name
	// continues below its own level. (At most three: the slice stays on
	// the stack, issue 11, start-up.)
	var buf [3]location
	cands := buf[:0]
	for _, d := range [...]string{l.dirs.Project, l.dirs.User} {
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(filepath.Join(d, "agents", arg+Ext))
		if err != nil {
			continue
		}
		cands = append(cands, location{source: abs, display: abs, dir: filepath.Dir(abs), stem: arg})
	}
	if embeddedExists(arg) {
		cands = append(cands, location{source: "embedded:" + arg, display: "embedded:" + arg + Ext, embedded: arg, stem: arg})
	}
	start := 0
	for i, c := range cands {
		if c.source == skip {
			start = i + 1
		}
	}
	for _, c := range cands[start:] {
		if c.embedded != "" {
			return c, nil
		}
		if st, err := os.Stat(c.source); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	var searched []string
	for _, d := range [...]string{l.dirs.Project, l.dirs.User} {
		if d != "" {
			searched = append(searched, filepath.Join(d, "agents"))
		}
	}
	return location{}, &NotFoundError{Name: arg, Searched: searched}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// stem returns the file name without directory and .agent.edn (or .edn).
func stem(path string) string {
	b := filepath.Base(path)
	if s, ok := strings.CutSuffix(b, Ext); ok {
		return s
	}
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// read returns the text of a located profile.
func (loc location) read() ([]byte, error) {
	if loc.embedded != "" {
		return embedded.ReadFile("agents/" + loc.embedded + Ext)
	}
	return os.ReadFile(loc.source)
}

// embeddedDocs holds the parsed embedded profiles: they never change,
// and a run reads the default one more than once (spe.NeedsOf, then
// spe.Open; issue 11, start-up). A document is not modified after parse.
var embeddedDocs struct {
	sync.Mutex
	m map[location]*document
}

// readDoc reads and parses the profile at loc.
func readDoc(loc location) (*document, error) {
	if loc.embedded != "" {
		embeddedDocs.Lock()
		doc := embeddedDocs.m[loc]
		embeddedDocs.Unlock()
		if doc != nil {
			return doc, nil
		}
	}
	src, err := loc.read()
	if err != nil {
		return nil, fmt.Errorf("agent profile %s: %w", loc.display, unwrapPathError(err))
	}
	doc, err := parse(loc, src)
	if err != nil {
		return nil, err
	}
	if loc.embedded != "" {
		embeddedDocs.Lock()
		if embeddedDocs.m == nil {
			embeddedDocs.m = map[location]*document{}
		}
		embeddedDocs.m[loc] = doc
		embeddedDocs.Unlock()
	}
	return doc, nil
}

// load reads loc, resolves its :base chain and applies its keys. chain
// holds the sources being loaded (cycle detection).
func (l *loader) load(loc location, chain []string) (*Profile, error) {
	for _, s := range chain {
		if s == loc.source {
			names := append(append([]string{}, chain...), loc.source)
			return nil, fmt.Errorf("agent profile cycle: %s", strings.Join(names, " -> "))
		}
	}
	chain = append(chain, loc.source)
	if p := l.fromTable(loc); p != nil {
		return p, nil
	}
	doc, err := readDoc(loc)
	if err != nil {
		return nil, err
	}
	var p *Profile
	if doc.base != nil {
		bloc, err := l.locate(doc.base.ref, loc.dir, loc.source)
		if err != nil {
			var nf *NotFoundError
			if errors.As(err, &nf) {
				nf.Pos = doc.base.pos
				return nil, nf
			}
			return nil, fmt.Errorf("%s: :base %s", doc.base.pos, err)
		}
		if p, err = l.load(bloc, chain); err != nil {
			return nil, err
		}
		p = p.clone()
	} else {
		p = defaults()
	}
	p.Name = loc.stem
	p.Source = loc.source
	p.Chain = append([]string{loc.source}, p.Chain...)
	if err := doc.apply(p, l); err != nil {
		return nil, err
	}
	return p, nil
}

// useTable is false in the tests that compare the decoded embedded
// profiles with their documents.
var useTable = true

// fromTable returns the embedded profile at loc from its decoded form
// (embeddedProfile, generated from the embedded files by
// TestEmbeddedTable): a run reads its default profile without reading
// EDN (issue 11, start-up). Only the workers are looked up now, as apply
// looks them up, since a configuration directory may hold a profile of
// the same name. nil: loc is not in the table, or a worker is not found
// (the document's own decoding reports that).
func (l *loader) fromTable(loc location) *Profile {
	if loc.embedded == "" || !useTable {
		return nil
	}
	p := embeddedProfile(loc.embedded)
	if p == nil {
		return nil
	}
	for i := range p.AvailableAgents {
		a := &p.AvailableAgents[i]
		wl, err := l.locate(a.Ref, loc.dir, "")
		if err != nil {
			return nil
		}
		a.Source = wl.source
	}
	return p
}

// defaults returns a profile with every default of runtime.md §10.2.
func defaults() *Profile {
	return &Profile{
		Namespaces:           map[string]NSRef{},
		MCPServers:           map[string]MCPGrant{},
		Recover:              true,
		MaxConsecutiveErrors: DefaultMaxConsecutiveErrors,
		FormatRetries:        DefaultFormatRetries,
	}
}

// clone returns a deep copy (for applying a child's keys over a parent).
func (p *Profile) clone() *Profile {
	c := *p
	c.Namespaces = make(map[string]NSRef, len(p.Namespaces))
	for k, v := range p.Namespaces {
		c.Namespaces[k] = v.clone()
	}
	c.MCPServers = make(map[string]MCPGrant, len(p.MCPServers))
	for k, v := range p.MCPServers {
		c.MCPServers[k] = v
	}
	c.AvailableAgents = append([]AgentRef(nil), p.AvailableAgents...)
	c.Sandbox.EnvAllow = append([]string(nil), p.Sandbox.EnvAllow...)
	c.Chain = append([]string(nil), p.Chain...)
	if p.Format != nil {
		f := *p.Format
		c.Format = &f
	}
	if p.Retries != nil {
		r := *p.Retries
		c.Retries = &r
	}
	return &c
}

// NamespaceNames returns the bound namespace names, sorted.
func (p *Profile) NamespaceNames() []string {
	out := make([]string, 0, len(p.Namespaces))
	for k := range p.Namespaces {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
