// Package prompt holds the system prompt texts of the SPE runtime and
// composes the system prompt of an agent (runtime.md §11).
//
// The system prompt is the base text for the effective transport
// (tool-call, prefill or message) — or the agent profile's own
// :system-prompt — followed by a generated NAMESPACES section and, when the
// profile has a :format contract, a RETURN VALUE section. The three base
// texts differ only in their TRANSPORT section; their CONTEXT MANAGEMENT
// block is byte-identical. Leaf calls (leaf-llm) use the leaf prompt.
//
// The texts are embedded (text/*.txt) and can be replaced file by file by
// prompts/toolcall.txt, prefill.txt, message.txt and leaf.txt in the user
// or project configuration directory (runtime.md §15.1).
//
// Every Spell example in the texts is written in one of three layouts,
// which the tests extract and check:
//
//	;; example[: note]   pure forms, evaluated in order as one program; a
//	                      line or line end "; => v" gives the value of the
//	                      forms before it ("; => error: text" an error
//	                      message containing text)
//	;; shape[: note]     forms that need effects or a model; they must read
//	                      without errors
//	;; turn[: note]      "prefix: …" / "suffix: …" pairs; prefix + suffix
//	                      must read as exactly one complete program, and a
//	                      following "; => v" is checked by evaluating it
//
// A block ends at the first empty line.
package prompt

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/spe/profile"
)

//go:embed text/*.txt
var embedded embed.FS

// Transport names (runtime.md §8.2).
const (
	ToolCall = "tc"
	Prefill  = "pf"
	Message  = "msg"
)

// LeafPrompt is the embedded system prompt of leaf-llm calls.
const LeafPrompt = "Answer the request directly and concisely in plain text."

// ParseTransport normalises a transport name: tc (tool-call), pf
// (prefill) or msg (message).
func ParseTransport(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "tc", "tool-call", "toolcall", "tool":
		return ToolCall, nil
	case "pf", "prefill":
		return Prefill, nil
	case "msg", "message":
		return Message, nil
	}
	return "", fmt.Errorf("unknown transport %q: expected tc, pf or msg", s)
}

// Texts are the base texts and the leaf prompt in effect.
type Texts struct {
	ToolCall, Prefill, Message, Leaf string
	// Sources names where each file came from: "embedded" or a path, keyed
	// by file name (toolcall.txt, …).
	Sources map[string]string
}

// Embedded returns the texts embedded in the binary.
func Embedded() Texts {
	t := Texts{Sources: map[string]string{}}
	for _, f := range []string{"toolcall.txt", "prefill.txt", "message.txt", "leaf.txt"} {
		b, err := embedded.ReadFile("text/" + f)
		if err != nil {
			panic("prompt: missing embedded " + f)
		}
		t.set(f, string(b), "embedded")
	}
	return t
}

func (t *Texts) set(file, text, source string) {
	text = strings.TrimRight(text, " \t\r\n")
	switch file {
	case "toolcall.txt":
		t.ToolCall = text
	case "prefill.txt":
		t.Prefill = text
	case "message.txt":
		t.Message = text
	case "leaf.txt":
		t.Leaf = text
	}
	t.Sources[file] = source
}

// LoadTexts returns the embedded texts with each file replaced by
// prompts/<file> from the user directory, then from the project directory
// (the project wins). Either directory may be "". An override that exists
// but cannot be read, or is empty, is an error.
func LoadTexts(userDir, projectDir string) (Texts, error) {
	t := Embedded()
	err := overrides(userDir, projectDir, t.set)
	if err != nil {
		return Texts{}, err
	}
	return t, nil
}

// CheckOverrides reports the error LoadTexts would return, without
// building the texts: a run that composes no system prompt at start
// (no model) still fails on a bad override but defers the texts.
func CheckOverrides(userDir, projectDir string) error {
	return overrides(userDir, projectDir, func(string, string, string) {})
}

// overrides calls set(file, text, path) for each prompts/<file> override
// of the user, then of the project directory.
func overrides(userDir, projectDir string, set func(file, text, source string)) error {
	for _, dir := range []string{userDir, projectDir} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "prompts")); os.IsNotExist(err) {
			// No prompts directory: none of the four files (one call for
			// four; issue 11, start-up). Anything else is read as before.
			continue
		}
		for _, f := range []string{"toolcall.txt", "prefill.txt", "message.txt", "leaf.txt"} {
			p := filepath.Join(dir, "prompts", f)
			b, err := os.ReadFile(p)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("system prompt override: %w", err)
			}
			if strings.TrimSpace(string(b)) == "" {
				return fmt.Errorf("system prompt override %s is empty", p)
			}
			set(f, string(b), p)
		}
	}
	return nil
}

// Base returns the base text of a transport (tc, pf or msg; see
// ParseTransport for the accepted names).
func (t Texts) Base(transport string) (string, error) {
	tr, err := ParseTransport(transport)
	if err != nil {
		return "", err
	}
	switch tr {
	case Prefill:
		return t.Prefill, nil
	case Message:
		return t.Message, nil
	}
	return t.ToolCall, nil
}

// Base returns the embedded base text of a transport.
func Base(transport string) (string, error) { return Embedded().Base(transport) }

// NamespaceDoc documents one namespace granted to an agent, for the
// NAMESPACES section.
type NamespaceDoc struct {
	// Name is the name the program uses (the :namespaces key: io, web, …).
	Name string
	// ShortDoc is the one-line summary (:short-docs).
	ShortDoc string
	// Functions are listed one per line unless Summary is set.
	Functions []FunctionDoc
	// Summary is :disclosure :summary: the section shows a pointer to
	// '(!describe Name) instead of the functions.
	Summary bool
	// Text is set for a {:file …} binding: Name is bound to a string.
	Text bool
	// Catalogue, when set, is printed verbatim under the heading (the
	// skills catalogue of a core namespace, effects.md §9).
	Catalogue string
}

// FunctionDoc is one function line: "- Usage — Doc".
type FunctionDoc struct {
	// Usage shows the call shapes, e.g. "(io/read-file path) | (io/read-file path start end)".
	Usage string
	Doc   string
}

// CoreNamespaces are the namespaces every agent has (runtime.md §10.2).
var CoreNamespaces = []string{"strings", "math", "builtins", "skills"}

// DocsFor returns the documentation of the namespaces p grants, sorted by
// name, from the catalogue: each granted member under the bound name (a
// profile binding {files stdlib/io-read} documents files/read-file).
func DocsFor(p *profile.Profile) []NamespaceDoc {
	if p == nil {
		return nil
	}
	var out []NamespaceDoc
	for _, name := range p.NamespaceNames() {
		ref := p.Namespaces[name]
		if ref.IsFile() {
			out = append(out, NamespaceDoc{Name: name, Text: true,
				ShortDoc: fmt.Sprintf("the text of %s, bound as a string", filepath.Base(ref.File))})
			continue
		}
		d := NamespaceDoc{Name: name}
		var shorts []string
		for _, part := range ref.Parts() {
			info := namespaceInfo(part.Stdlib)
			short := info.ShortDoc
			if part.Stdlib == "io" {
				short = ioShortDoc(part)
			}
			if short != "" {
				shorts = append(shorts, short)
			}
			members := part.Members()
			for e := range catalog.Members(part.Stdlib) {
				member := strings.TrimPrefix(e.Name, part.Stdlib+"/")
				if !contains(members, member) {
					continue
				}
				d.Functions = append(d.Functions, FunctionDoc{Usage: usageAs(*e, name+"/"+member), Doc: e.Doc})
			}
		}
		d.ShortDoc = strings.Join(shorts, " ")
		out = append(out, d)
	}
	return out
}

// ioShortDoc describes an io grant by its subsets.
func ioShortDoc(r profile.NSRef) string {
	var what []string
	if r.Subsets.Read {
		what = append(what, "read")
	}
	if r.Subsets.Write {
		what = append(what, "write")
	}
	if r.Subsets.Exec {
		what = append(what, "run processes")
	}
	s := "Workspace files and processes; granted: " + strings.Join(what, ", ")
	if r.Items != nil {
		s += " (selected functions only)"
	}
	return s + "."
}

func namespaceInfo(name string) catalog.NamespaceInfo {
	for _, ns := range catalog.Namespaces() {
		if ns.Name == name {
			return ns
		}
	}
	return catalog.NamespaceInfo{Name: name}
}

// usageAs renders the call shapes of e under another full name.
func usageAs(e catalog.Entry, full string) string {
	if len(e.Signatures) == 0 {
		return full
	}
	parts := make([]string, len(e.Signatures))
	for i, s := range e.Signatures {
		params := strings.Join(catalog.SignatureParams(s), " ")
		if params == "" {
			parts[i] = "(" + full + ")"
		} else {
			parts[i] = "(" + full + " " + params + ")"
		}
	}
	return strings.Join(parts, " | ")
}

// Compose returns the system prompt of agent p for a transport with the
// embedded texts (see Texts.Compose).
func Compose(transport string, p *profile.Profile, namespaces []NamespaceDoc) string {
	return Embedded().Compose(transport, p, namespaces)
}

// Compose returns the system prompt: the profile's :system-prompt if set,
// else the base text of the transport (an unknown transport uses the
// tool-call text), then the NAMESPACES section built from the core
// namespaces and namespaces (usually DocsFor(p)), then a RETURN VALUE
// section when p has a :format contract. p may be nil.
func (t Texts) Compose(transport string, p *profile.Profile, namespaces []NamespaceDoc) string {
	base, err := t.Base(transport)
	if err != nil {
		base = t.ToolCall
	}
	if p != nil && p.SystemPrompt != "" {
		base = strings.TrimRight(p.SystemPrompt, " \t\r\n")
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("\n\n")
	b.WriteString(NamespacesSection(namespaces))
	if p != nil && p.Format != nil {
		b.WriteString("\n\n")
		b.WriteString(ReturnValueSection(p.Format))
	}
	b.WriteString("\n")
	return b.String()
}

// NamespacesSection renders the generated NAMESPACES section
// (runtime.md §11.3), without a trailing newline.
func NamespacesSection(namespaces []NamespaceDoc) string {
	var b strings.Builder
	b.WriteString("# NAMESPACES\n\n")
	b.WriteString("Always available (pure, usable anywhere):\n")
	for _, name := range CoreNamespaces {
		info := namespaceInfo(name)
		fmt.Fprintf(&b, "- %s — %s\n", name, info.ShortDoc)
	}
	var effects, texts []NamespaceDoc
	for _, d := range namespaces {
		if d.Catalogue != "" {
			fmt.Fprintf(&b, "\n## %s — %s\n%s\n", d.Name, d.ShortDoc, d.Catalogue)
			continue
		}
		if d.Text {
			texts = append(texts, d)
		} else {
			effects = append(effects, d)
		}
	}
	if len(effects) == 0 {
		b.WriteString("\nNo effect namespaces are granted to this agent: work with pure Spell and the helpers that start turns.\n")
	}
	for _, d := range effects {
		b.WriteString("\n## ")
		b.WriteString(d.Name)
		if d.ShortDoc != "" {
			b.WriteString(" — ")
			b.WriteString(d.ShortDoc)
		}
		b.WriteString("\n")
		if d.Summary || len(d.Functions) == 0 {
			fmt.Fprintf(&b, "Many functions; list them with '(!describe %s).\n", d.Name)
			continue
		}
		for _, f := range d.Functions {
			fmt.Fprintf(&b, "- %s — %s\n", f.Usage, f.Doc)
		}
	}
	if len(texts) > 0 {
		b.WriteString("\n## Texts\n")
		for _, d := range texts {
			fmt.Fprintf(&b, "- %s — %s\n", d.Name, d.ShortDoc)
		}
	}
	b.WriteString("\n")
	b.WriteString(usageBlock(effects))
	return strings.TrimRight(b.String(), "\n")
}

// usageBlock shows how to look namespaces up and call effect functions,
// with io when it is granted, else with the first granted namespace or a
// core one.
func usageBlock(effects []NamespaceDoc) string {
	var b strings.Builder
	b.WriteString("## Using namespaces\n\n")
	b.WriteString("Effect functions are called only inside the quoted trailing expression, never in the pure part of the program.\n\n")
	hasIO := false
	for _, d := range effects {
		if d.Name == "io" && len(d.Functions) > 0 {
			hasIO = true
		}
	}
	if hasIO {
		b.WriteString(";; shape: alternative trailing expressions\n")
		b.WriteString("'(!describe io)\n")
		b.WriteString("'(!describe io :read-file)\n")
		if hasFunction(effects, "io", "sh") {
			b.WriteString("'(!describe io :sh)\n")
		}
		b.WriteString("'(!describe io :read-file strings :split)\n")
		b.WriteString("'(!call-now files (io/ls \".\"))\n")
		b.WriteString("'(!call-now files (io/ls \".\") readme (io/read-file \"README.md\" 1 40))\n")
		b.WriteString("'(let [r (io/read-lines \"README.md\")] (!call-now line1 (first (:out r))))\n\n")
		b.WriteString("!describe shows documentation in the next turn (several namespaces, each optionally followed by a key, in one call). ")
		b.WriteString("!call-now binds each result as (def files …) in the next turn; several bindings run left to right but cannot see each other, so chain dependent steps through let.\n")
		return b.String()
	}
	b.WriteString(";; shape: alternative trailing expressions\n")
	ns := "strings"
	if len(effects) > 0 {
		ns = effects[0].Name
	}
	fmt.Fprintf(&b, "'(!describe %s)\n", ns)
	b.WriteString("'(!describe strings :split)\n")
	fmt.Fprintf(&b, "'(!describe %s math)\n", ns)
	b.WriteString("'(!call-now parts (strings/split \"a,b,c\" \",\"))\n")
	b.WriteString("'(let [parts (strings/split \"a,b,c\" \",\")] (!call-now n (count parts)))\n\n")
	b.WriteString("!describe shows documentation in the next turn (several namespaces, each optionally with a key, in one call); ")
	b.WriteString("!call-now binds each value as (def parts …) in the next turn; several bindings run left to right but cannot see each other, so chain dependent steps through let.\n")
	return b.String()
}

func hasFunction(docs []NamespaceDoc, ns, fn string) bool {
	for _, d := range docs {
		if d.Name != ns {
			continue
		}
		for _, f := range d.Functions {
			if strings.HasPrefix(f.Usage, "("+ns+"/"+fn+" ") || strings.HasPrefix(f.Usage, "("+ns+"/"+fn+")") {
				return true
			}
		}
	}
	return false
}

// ReturnValueSection renders the RETURN VALUE section of a :format
// contract (runtime.md §11.3), without a trailing newline.
func ReturnValueSection(f *profile.Format) string {
	var b strings.Builder
	b.WriteString("# RETURN VALUE\n\n")
	b.WriteString("Your final value must be a map")
	if len(f.Required) > 0 {
		b.WriteString(" with the keys " + keywords(f.Required))
	}
	b.WriteString(".")
	if len(f.Optional) > 0 {
		b.WriteString(" It may also have " + keywords(f.Optional) + ".")
	}
	b.WriteString(" Any other value, or a missing key, makes the runtime run the task again with the problem described.")
	return b.String()
}

func keywords(ks []string) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = ":" + k
	}
	return strings.Join(out, " ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ContextBlock returns the CONTEXT MANAGEMENT block of the embedded base
// texts (identical in the three variants): from its "## CONTEXT
// MANAGEMENT" line up to the next section heading.
func ContextBlock() string {
	text := Embedded().ToolCall
	const head = "\n## CONTEXT MANAGEMENT\n"
	i := strings.Index(text, head)
	if i < 0 {
		return ""
	}
	start := i + 1
	body := start + len(head) - 1
	end := len(text)
	for _, marker := range []string{"\n## ", "\n# "} {
		if j := strings.Index(text[body:], marker); j >= 0 && body+j+1 < end {
			end = body + j + 1
		}
	}
	return text[start:end]
}
