// Package skills discovers the skill files of an agent (effects.md §9) and
// builds the always-present, prompt-only skills namespace.
//
// A skill is a directory holding SKILL.md, whose YAML front matter names
// it and describes it. Discovery looks in .agents/skills/ of the working
// directory and of each parent up to the repository root (the working
// directory alone outside a repository), then $HOME/.agents/skills, then
// the bundled skills; on duplicate names the nearest wins.
//
// The front matter is untrusted input and parsed defensively: at most
// 100,000 code points, at most 20 aliases (aliases are counted on the
// parsed tree and never expanded), no duplicate keys. Invalid files are
// skipped with bounded diagnostics (at most 20 entries of at most 300
// characters), which the caller prints on stderr; the model never sees
// them.
package skills

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/spell-go/spell/eval/value"
)

// Limits of effects.md §9.
const (
	MaxFrontMatter  = 100_000 // code points of the front matter
	MaxAliases      = 20
	MaxNameLen      = 64
	MaxDescription  = 1024
	MaxCatalogue    = 8_000  // characters of the :docs :guide catalogue
	MaxDescribe     = 65_536 // characters of (!describe skills :name)
	MaxDiagnostics  = 20
	MaxDiagnosticSz = 300
	// maxRead caps the bytes read from one SKILL.md: the front matter and
	// the shown text both fit well inside it.
	maxRead = 1 << 20
)

// Skill is one discovered skill.
type Skill struct {
	Name        string
	Description string
	// Path is the SKILL.md file (absolute, or "bundled:NAME/SKILL.md").
	Path string
	// Show is the path as the catalogue shows it (relative to the working
	// directory when inside it).
	Show string
	read func() ([]byte, error)
}

// Text returns the whole SKILL.md, capped at MaxDescribe characters.
func (s Skill) Text() string {
	b, err := s.read()
	if err != nil {
		return fmt.Sprintf("skill %s: %v", s.Name, err)
	}
	t := strings.ToValidUTF8(string(b), "\uFFFD")
	if utf8.RuneCountInString(t) > MaxDescribe || len(b) >= maxRead {
		r := []rune(t)
		if len(r) > MaxDescribe {
			r = r[:MaxDescribe]
		}
		t = string(r) + fmt.Sprintf("\n[… SKILL.md cut at %d characters]", MaxDescribe)
	}
	return t
}

// Source is one place skills are looked up: a directory whose
// subdirectories hold SKILL.md.
type Source struct {
	FS   fs.FS  // the directory
	Dir  string // its path for messages and the catalogue ("bundled" for embedded ones)
	Real bool   // Dir is a path on disk
}

// Sources returns the places searched for skills, nearest first: the
// working directory's .agents/skills and each parent's up to root (the
// repository root; "" = cwd alone), then home's .agents/skills, then
// bundled (nil = none).
func Sources(cwd, root, home string, bundled fs.FS) []Source {
	var out []Source
	dir := filepath.Clean(cwd)
	if root != "" {
		root = filepath.Clean(root)
	}
	for {
		d := filepath.Join(dir, ".agents", "skills")
		out = append(out, Source{FS: os.DirFS(d), Dir: d, Real: true})
		if root == "" || dir == root {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir || !within(root, dir) {
			break
		}
		dir = parent
	}
	if home != "" {
		d := filepath.Join(home, ".agents", "skills")
		if !containsDir(out, d) {
			out = append(out, Source{FS: os.DirFS(d), Dir: d, Real: true})
		}
	}
	if bundled != nil {
		out = append(out, Source{FS: bundled, Dir: "bundled"})
	}
	return out
}

func within(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func containsDir(srcs []Source, d string) bool {
	for _, s := range srcs {
		if s.Dir == d {
			return true
		}
	}
	return false
}

// Set is the result of discovery.
type Set struct {
	Skills []Skill // sorted by name
	// Diagnostics are the bounded messages about skipped files and the
	// catalogue cap, for stderr (never for the model).
	Diagnostics []string
	dropped     int
}

// Discover reads the skills of srcs (nearest first). cwd shortens paths in
// the catalogue.
func Discover(cwd string, srcs []Source) *Set {
	set := &Set{}
	seen := map[string]bool{}
	var diags []string
	for _, src := range srcs {
		if src.Real {
			// A missing directory (the usual case) is found by a stat,
			// which fails whenever reading the directory would, without
			// the directory-reading code (issue 11, start-up).
			if _, err := os.Stat(src.Dir); err != nil {
				continue
			}
		}
		ents, err := fs.ReadDir(src.FS, ".")
		if err != nil {
			continue // a missing directory is the usual case
		}
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			st, err := fs.Stat(src.FS, name)
			if err != nil || !st.IsDir() {
				continue
			}
			file := name + "/SKILL.md"
			show := src.Dir + "/" + file
			if src.Real {
				show = filepath.Join(src.Dir, name, "SKILL.md")
			}
			if _, err := fs.Stat(src.FS, file); err != nil {
				continue
			}
			fsys := src.FS
			read := func() ([]byte, error) { return readCapped(fsys, file) }
			data, err := read()
			if err != nil {
				diags = append(diags, fmt.Sprintf("%s: %v", show, err))
				continue
			}
			meta, err := ParseFrontMatter(data)
			if err == nil {
				err = meta.check(name)
			}
			if err != nil {
				diags = append(diags, fmt.Sprintf("%s: %v", show, err))
				continue
			}
			if seen[meta.Name] {
				continue // a nearer skill of this name wins
			}
			seen[meta.Name] = true
			set.Skills = append(set.Skills, Skill{Name: meta.Name, Description: meta.Description,
				Path: show, Show: shortPath(cwd, show, src.Real), read: read})
		}
	}
	sort.Slice(set.Skills, func(i, j int) bool { return set.Skills[i].Name < set.Skills[j].Name })
	set.Diagnostics = bound(diags)
	return set
}

func readCapped(fsys fs.FS, file string) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxRead))
}

func shortPath(cwd, p string, real bool) string {
	if !real || cwd == "" {
		return p
	}
	if rel, err := filepath.Rel(cwd, p); err == nil && within(cwd, p) {
		return rel
	}
	return p
}

// bound caps the diagnostics: at most MaxDiagnostics entries (the last
// says how many more were left out), each at most MaxDiagnosticSz
// characters, control characters escaped.
func bound(diags []string) []string {
	var out []string
	for i, d := range diags {
		if i == MaxDiagnostics-1 && len(diags) > MaxDiagnostics {
			out = append(out, fmt.Sprintf("%d more invalid skill files not shown", len(diags)-i))
			break
		}
		out = append(out, clip(d, MaxDiagnosticSz))
	}
	return out
}

// clip shortens s to n characters (with "…") and makes it one safe line.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Meta is the front matter a skill needs.
type Meta struct {
	Name        string
	Description string
}

// Errors of ParseFrontMatter (errors.Is).
var (
	ErrNoFrontMatter = errors.New("SKILL.md must start with YAML front matter between --- lines")
	ErrTooLarge      = errors.New("front matter is longer than 100000 characters")
	ErrAliases       = errors.New("front matter uses more than 20 aliases")
	ErrDuplicateKey  = errors.New("duplicate key")
	ErrInvalid       = errors.New("invalid skill")
)

// isKebab reports whether name is lowercase kebab-case: words of a-z and
// 0-9 joined by single dashes. (A regexp compiled at package init cost
// every spell process its start-up; issue 11.)
func isKebab(name string) bool {
	if name == "" || name[0] == '-' || name[len(name)-1] == '-' || strings.Contains(name, "--") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (m Meta) check(dir string) error {
	switch {
	case m.Name == "":
		return fmt.Errorf("%w: missing name", ErrInvalid)
	case utf8.RuneCountInString(m.Name) > MaxNameLen || !isKebab(m.Name):
		return fmt.Errorf("%w: name %q must be 1-64 characters of lowercase kebab-case (a-z, 0-9, -)", ErrInvalid, clip(m.Name, 80))
	case m.Name != dir:
		return fmt.Errorf("%w: name %q must equal the directory name %q", ErrInvalid, m.Name, clip(dir, 80))
	case strings.TrimSpace(m.Description) == "":
		return fmt.Errorf("%w: missing description", ErrInvalid)
	case utf8.RuneCountInString(m.Description) > MaxDescription:
		return fmt.Errorf("%w: description is longer than %d characters", ErrInvalid, MaxDescription)
	}
	return nil
}

// ParseFrontMatter reads the YAML front matter at the start of a SKILL.md:
// a line "---", the YAML mapping, a line "---".
func ParseFrontMatter(data []byte) (Meta, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	rest, ok := cutLine(data, "---")
	if !ok {
		return Meta{}, ErrNoFrontMatter
	}
	var fm []byte
	found := false
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		next := len(rest) + 1
		if end >= 0 {
			line, next = rest[off:off+end], off+end+1
		}
		if string(bytes.TrimRight(line, " \t\r")) == "---" {
			fm, found = rest[:off], true
			break
		}
		if off > 4*MaxFrontMatter {
			break
		}
		off = next
	}
	if !found {
		if utf8.RuneCount(rest) > MaxFrontMatter {
			return Meta{}, ErrTooLarge
		}
		return Meta{}, fmt.Errorf("%w (no closing --- line)", ErrNoFrontMatter)
	}
	if utf8.RuneCount(fm) > MaxFrontMatter {
		return Meta{}, ErrTooLarge
	}
	if !utf8.Valid(fm) {
		return Meta{}, fmt.Errorf("%w: front matter is not valid UTF-8", ErrInvalid)
	}
	tokens := lexer.Tokenize(string(fm))
	if err := checkShape(tokens); err != nil {
		return Meta{}, err
	}
	// Duplicate keys are found below, to say which key and where.
	file, err := parseTokens(tokens)
	if err != nil {
		return Meta{}, fmt.Errorf("%w: YAML: %s", ErrInvalid, yamlError(err))
	}
	var root ast.Node
	switch {
	case len(file.Docs) > 1:
		return Meta{}, fmt.Errorf("%w: front matter must be one YAML document", ErrInvalid)
	case len(file.Docs) == 1:
		root = file.Docs[0].Body
	}
	fmNodes := walkFrontMatter(root)
	if fmNodes.aliases > MaxAliases {
		return Meta{}, ErrAliases
	}
	if fmNodes.dup != nil {
		return Meta{}, fmNodes.dup
	}
	mapping, ok := unwrap(root, nil).(*ast.MappingNode)
	if !ok {
		return Meta{}, fmt.Errorf("%w: front matter must be a YAML mapping", ErrInvalid)
	}
	var m Meta
	for _, kv := range mapping.Values {
		var dst *string
		switch keyText(kv.Key) {
		case "name":
			dst = &m.Name
		case "description":
			dst = &m.Description
		default:
			continue
		}
		// An alias is followed one level, never expanded further.
		text, ok := scalarText(unwrap(kv.Value, fmNodes.anchors))
		if !ok {
			return Meta{}, fmt.Errorf("%w: %s must be a string", ErrInvalid, keyText(kv.Key))
		}
		*dst = text
	}
	return m, nil
}

// Limits on the shape of front matter, checked on its tokens before it is
// parsed: the parser's time grows with the square of the nesting depth
// and of the number of keys in one mapping (23 s for 49,000 nested
// brackets, 0.7 s for 10,000 keys), well inside 100,000 characters.
// Real front matter has a handful of keys nested a level or two.
const (
	MaxNesting = 100   // flow collections ([ ], { }) inside each other
	MaxKeys    = 1_000 // keys in the whole front matter
)

func checkShape(tokens token.Tokens) error {
	depth, keys := 0, 0
	for _, t := range tokens {
		switch t.Type {
		case token.SequenceStartType, token.MappingStartType:
			if depth++; depth > MaxNesting {
				return fmt.Errorf("%w: front matter nests collections more than %d deep", ErrInvalid, MaxNesting)
			}
		case token.SequenceEndType, token.MappingEndType:
			depth--
		case token.MappingValueType:
			if keys++; keys > MaxKeys {
				return fmt.Errorf("%w: front matter has more than %d keys", ErrInvalid, MaxKeys)
			}
		}
	}
	return nil
}

// parseTokens parses the front matter's tokens. The parser is a library
// reading untrusted files: a panic in it is an invalid file, not a crash.
func parseTokens(tokens token.Tokens) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("the YAML parser failed: %v", r)
		}
	}()
	return parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
}

// frontMatterNodes is what one walk over the front matter's syntax tree
// finds: the aliases (counted, never followed), the anchored values by
// name, and the first duplicate key of any mapping.
type frontMatterNodes struct {
	aliases int
	anchors map[string]ast.Node
	dup     error
}

func walkFrontMatter(root ast.Node) *frontMatterNodes {
	f := &frontMatterNodes{anchors: map[string]ast.Node{}}
	if root != nil {
		ast.Walk(f, root)
	}
	return f
}

// Visit implements ast.Visitor.
func (f *frontMatterNodes) Visit(n ast.Node) ast.Visitor {
	if f.aliases > MaxAliases || f.dup != nil {
		return nil
	}
	switch n := n.(type) {
	case *ast.AliasNode:
		f.aliases++
	case *ast.AnchorNode:
		if n.Name != nil {
			f.anchors[n.Name.String()] = n.Value
		}
	case *ast.MappingNode:
		seen := map[string]int{}
		for _, kv := range n.Values {
			k := keyText(kv.Key)
			line := kv.Key.GetToken().Position.Line
			if first, ok := seen[k]; ok {
				// +1: the lines count from the opening --- line of SKILL.md.
				f.dup = fmt.Errorf("%w %q at line %d (first at line %d)", ErrDuplicateKey, clip(k, 60), line+1, first+1)
				return nil
			}
			seen[k] = line
		}
	}
	return f
}

// unwrap returns the value under n's tags and anchors and, when anchors
// is not nil, the anchored value an alias n names.
func unwrap(n ast.Node, anchors map[string]ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			if anchors == nil || v.Value == nil {
				return n
			}
			n, anchors = anchors[v.Value.String()], nil
		default:
			return n
		}
	}
}

// keyText is the text of a mapping key: a scalar's value, else its YAML.
func keyText(k ast.MapKeyNode) string {
	if t, ok := scalarText(unwrap(k, nil)); ok {
		return t
	}
	return k.String()
}

// scalarText is the text of a scalar node as YAML reads it: a string's
// value, a block scalar's content, and a plain number, boolean or null as
// written.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// yamlError is the parser's message and line, on one line (the error's own
// text quotes the source over several lines).
func yamlError(err error) string {
	var e interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &e) {
		if t := e.GetToken(); t != nil && t.Position != nil {
			return fmt.Sprintf("line %d: %s", t.Position.Line+1, e.GetMessage())
		}
		return e.GetMessage()
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

func cutLine(data []byte, want string) ([]byte, bool) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 || string(bytes.TrimRight(data[:i], " \t\r")) != want {
		return nil, false
	}
	return data[i+1:], true
}

// Catalogue returns the :docs :guide text: one line per skill
// "- name — description — path", at most MaxCatalogue characters
// (descriptions are shortened first, then entries dropped; Set.Dropped
// tells how many).
func (s *Set) Catalogue() string {
	if len(s.Skills) == 0 {
		return "No skills are installed (put one in .agents/skills/NAME/SKILL.md)."
	}
	head := "SKILLS — show one in full with (!describe skills :name). Loading a skill adds text only; scripts it mentions still need io.\n"
	line := func(sk Skill, desc int) string {
		d := strings.Join(strings.Fields(sk.Description), " ")
		if r := []rune(d); len(r) > desc {
			d = string(r[:max(desc-1, 0)]) + "…"
		}
		return "- " + sk.Name + " — " + d + " — " + sk.Show
	}
	build := func(n, desc int) string {
		var b strings.Builder
		b.WriteString(head)
		for _, sk := range s.Skills[:n] {
			b.WriteString(line(sk, desc))
			b.WriteString("\n")
		}
		if n < len(s.Skills) {
			fmt.Fprintf(&b, "(%d more skills not listed: the catalogue is capped at %d characters)\n", len(s.Skills)-n, MaxCatalogue)
		}
		return strings.TrimRight(b.String(), "\n")
	}
	fits := func(t string) bool { return utf8.RuneCountInString(t) <= MaxCatalogue }
	n := len(s.Skills)
	if t := build(n, MaxDescription); fits(t) {
		return t
	}
	// Shorten descriptions: the longest length that fits, down to 40.
	lo, hi := 40, MaxDescription
	if fits(build(n, lo)) {
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if fits(build(n, mid)) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return build(n, lo)
	}
	for n > 0 && !fits(build(n, 40)) {
		n--
	}
	s.dropped = len(s.Skills) - n
	return build(n, 40)
}

// Dropped is the number of skills the catalogue left out (after
// Catalogue).
func (s *Set) Dropped() int { return s.dropped }

// ShortDocs is the skills namespace's :short-docs.
const ShortDocs = "Skill files discovered for this agent; documentation only."

// Namespace builds the skills namespace map: :short-docs, :docs {:guide
// catalogue} and :detail {name SKILL.md text}. The texts are read when the
// namespace is built.
func (s *Set) Namespace() *value.Map {
	guide := s.Catalogue()
	var detail []value.Value
	for _, sk := range s.Skills {
		detail = append(detail, value.Kw(sk.Name), sk.Text())
	}
	return value.NewMap(
		value.Kw("short-docs"), ShortDocs,
		value.Kw("docs"), value.NewMap(value.Kw("guide"), guide),
		value.Kw("detail"), value.NewMap(detail...),
	)
}

// Warnings returns the diagnostics plus the catalogue warning, for stderr.
func (s *Set) Warnings() []string {
	out := append([]string(nil), s.Diagnostics...)
	if s.dropped > 0 {
		out = append(out, fmt.Sprintf("skills: %d skills left out of the catalogue (capped at %d characters)", s.dropped, MaxCatalogue))
	}
	return out
}
