package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
)

// docCommand is `spell doc` (runtime.md §12, language.md §11).
func docCommand() *cmdline.Command {
	return &cmdline.Command{
		Name:      "doc",
		Usage:     "print the documentation of a builtin, form, namespace member or namespace",
		UsageText: "spell doc [--json] NAME | spell doc [--json] NAMESPACE :KEY | spell doc [--json] --list | spell doc --system-prompt [--transport tc|pf|msg] [-a AGENT]",
		Description: `Prints documentation from the catalogue of every name Spell knows, the same
text the language server shows on hover: the call shapes, a summary, details
with examples, and the divergence from the reference implementation if any.

NAME is a builtin, special form or macro (map, let, ->), a namespace member
(strings/split, math/floor, io/read-file) or a namespace (strings, math,
builtins, io, ...). A namespace prints its guide and its members.

NAMESPACE :KEY prints what (describe-fn NAMESPACE :KEY) returns to a program,
for example the Spell-specific texts of the builtins namespace
(spell doc builtins :quine) or a category (spell doc builtins :sequences).

--list prints every name with its one-line summary, grouped by namespace,
core names first. --json prints a JSON object (an array with --list).

--system-prompt prints the system prompt an agent gets: the base text for
the transport (--transport tc, pf or msg; default tc), the namespaces its
profile grants and its return-value contract. -a AGENT names the agent
profile (default cli): a name is looked up as AGENT.agent.edn in .spell/agents
of the project, then $XDG_CONFIG_HOME/spell/agents, then the embedded
profiles; a path (with a separator, or ending in .agent.edn) is read
directly. Prompt overrides in prompts/ of those directories apply.

Exit codes: 0 success; 1 no documentation for the name (with a did-you-mean
hint when a close name exists); 2 usage errors, and an agent profile that
cannot be found or read.

Examples:
  spell doc map                     usage, summary and examples of map
  spell doc strings/split           one namespace member
  spell doc strings                 the strings guide and its members
  spell doc builtins :quine         what (describe-fn builtins :quine) returns
  spell doc --list                  every name with its summary
  spell doc --json reduce           machine-readable documentation
  spell doc --system-prompt         the system prompt of the cli agent (tool-call)
  spell doc --system-prompt --transport msg -a readonly`,
		Flags: []cmdline.Flag{
			&cmdline.BoolFlag{Name: "list", Usage: "list every name with its one-line summary, grouped by namespace", HideDefault: true},
			&cmdline.BoolFlag{Name: "json", Usage: "print JSON (an object, or an array with --list)", HideDefault: true},
			&cmdline.BoolFlag{Name: "system-prompt", Usage: "print the composed system prompt of an agent", HideDefault: true},
			&cmdline.StringFlag{Name: "transport", Usage: "transport of the system prompt: tc, pf or msg", Value: "tc"},
			&cmdline.StringFlag{Name: "agent", Aliases: []string{"a"}, Usage: "agent profile name or path for --system-prompt", Value: profile.DefaultAgent},
		},
		SkipFlagParsing: true,
		Action:          runDoc,
	}
}

// runDoc parses its own flags (SkipFlagParsing) so that names such as ->,
// ->> and - are taken as names, not as unknown flags.
func runDoc(ctx context.Context, c *cmdline.Command) error {
	out := c.Root().Writer
	var args []string
	var list, asJSON, sysPrompt bool
	var transport, agent *string
	raw := c.Args().Slice()
	for i := 0; i < len(raw); i++ {
		a := raw[i]
		switch {
		case a == "--":
			args = append(args, raw[i+1:]...)
			i = len(raw)
		case a == "--list" || a == "-list":
			list = true
		case a == "--json" || a == "-json":
			asJSON = true
		case a == "--system-prompt" || a == "-system-prompt":
			sysPrompt = true
		case docFlagIs(a, "transport"), docFlagIs(a, "agent"), docFlagIs(a, "a"):
			name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !hasVal {
				if i+1 >= len(raw) {
					return usageError("spell doc", "flag needs an argument: -%s", name)
				}
				i++
				val = raw[i]
			}
			if name == "transport" {
				transport = &val
			} else {
				agent = &val
			}
		case a == "-h" || a == "--help" || a == "-help":
			return c.ShowHelp()
		case strings.HasPrefix(a, "-") && len(a) > 1 && !docKnows(a):
			return usageError("spell doc", "flag provided but not defined: -%s", strings.TrimLeft(a, "-"))
		default:
			args = append(args, a)
		}
	}
	if sysPrompt {
		switch {
		case list:
			return usageError("spell doc", "--system-prompt and --list cannot be combined")
		case asJSON:
			return usageError("spell doc", "--system-prompt prints text; --json is not supported with it")
		case len(args) > 0:
			return usageError("spell doc", "--system-prompt takes no name (got %q)", args[0])
		}
		return docSystemPrompt(out, c.Root().ErrWriter, transport, agent)
	}
	if transport != nil || agent != nil {
		return usageError("spell doc", "--transport and -a/--agent apply only with --system-prompt")
	}
	if list {
		if len(args) > 0 {
			return usageError("spell doc", "--list takes no name (got %q)", args[0])
		}
		if asJSON {
			return docWriteJSON(out, docListJSON())
		}
		return writeDocList(out)
	}
	switch len(args) {
	case 0:
		return usageError("spell doc", "missing NAME (or use --list)")
	case 1:
		// "web/" names the namespace, as the issue texts and prompts write it.
		name := args[0]
		if len(name) > 1 && strings.Count(name, "/") == 1 && strings.HasSuffix(name, "/") {
			name = strings.TrimSuffix(name, "/")
		}
		return docName(out, c.Root().ErrWriter, name, asJSON)
	case 2:
		return docKey(out, c.Root().ErrWriter, args[0], args[1], asJSON)
	default:
		return usageError("spell doc", "too many arguments: expected NAME or NAMESPACE :KEY")
	}
}

// docFlagIs reports whether arg is the flag name, as -name, --name or
// with an attached =value.
func docFlagIs(arg, name string) bool {
	for _, p := range []string{"-", "--"} {
		if arg == p+name || strings.HasPrefix(arg, p+name+"=") {
			return true
		}
	}
	return false
}

// docSystemPrompt prints the composed system prompt of an agent
// (runtime.md §11, §12): the base text for the transport (default tc),
// with the prompt overrides of the user and project configuration
// directories, the NAMESPACES section of the agent's profile (default cli)
// and its RETURN VALUE section.
func docSystemPrompt(out, stderr io.Writer, transport, agent *string) error {
	tr := prompt.ToolCall
	if transport != nil {
		var err error
		if tr, err = prompt.ParseTransport(*transport); err != nil || strings.TrimSpace(*transport) == "" {
			return usageError("spell doc", "unknown transport %q: expected tc, pf or msg", *transport)
		}
	}
	name := profile.DefaultAgent
	if agent != nil {
		if strings.TrimSpace(*agent) == "" {
			return usageError("spell doc", "-a needs an agent profile name or path")
		}
		name = *agent
	}
	cwd, err := os.Getwd()
	if err != nil {
		return &exitError{code: 2, msg: "spell doc: " + err.Error()}
	}
	dirs := profile.ConfigDirs(cwd)
	p, err := profile.Load(name, cwd, dirs.User, dirs.Project)
	if err != nil {
		return &exitError{code: 2, msg: "spell doc: " + err.Error()}
	}
	texts, err := prompt.LoadTexts(dirs.User, dirs.Project)
	if err != nil {
		return &exitError{code: 2, msg: "spell doc: " + err.Error()}
	}
	docs := append(prompt.DocsFor(p), spe.SkillDocs(spe.DiscoverSkills(cwd, os.Getenv("HOME"), stderr))...)
	docs = append(docs, spe.MCPDocs(p.MCPServers)...)
	_, err = io.WriteString(out, texts.Compose(tr, p, docs))
	return err
}

// docKnows reports whether name is a catalogue entry (so "-" and "->"
// are names, not flags).
func docKnows(name string) bool {
	_, ok := catalog.Lookup(name)
	return ok
}

// docNamespace finds a namespace by name.
func docNamespace(name string) (catalog.NamespaceInfo, bool) {
	for _, ns := range catalog.Namespaces() {
		if ns.Name == name {
			return ns, true
		}
	}
	return catalog.NamespaceInfo{}, false
}

// docName prints the documentation of one entry or namespace.
func docName(out, errw io.Writer, name string, asJSON bool) error {
	if e, ok := catalog.Lookup(name); ok {
		if asJSON {
			return docWriteJSON(out, docEntryJSON(e))
		}
		_, err := fmt.Fprintln(out, docText(e))
		return err
	}
	if ns, ok := docNamespace(name); ok {
		members := catalog.Namespace(ns.Name)
		if asJSON {
			return docWriteJSON(out, docNamespaceJSON(ns, members))
		}
		var b strings.Builder
		b.WriteString(strings.TrimRight(ns.Guide, "\n"))
		b.WriteString("\n")
		if len(members) > 0 {
			b.WriteString("\nMembers:\n")
			writeDocLines(&b, members)
		}
		_, err := io.WriteString(out, b.String())
		return err
	}
	if info, ok := catalog.Planned(name); ok {
		return docUnavailable(errw, name, info)
	}
	return docNotFound(errw, fmt.Sprintf("%q", name), docSuggestName(name))
}

// docUnavailable reports a name of a namespace the spec defines but this
// version does not build (catalog.PlannedNamespaces): exit 1, as for a
// name without documentation, saying so instead of suggesting another.
func docUnavailable(errw io.Writer, name string, info catalog.NamespaceInfo) error {
	fmt.Fprintf(errw, "spell doc: %s is not available in this version of Spell-Go (specified in %s, not built)\n", name, info.Unavailable)
	return silentExit(1)
}

// docKeyBreakers are the characters a key may not contain: it is spliced into a
// describe-fn call, so it must read as exactly one keyword.
const docKeyBreakers = " \t\r\n,()[]{}\"';`~@^\\#"

// docKey prints what (describe-fn NS :KEY) returns to a program. Effect
// namespaces are not bound outside eval, so their members come from the
// catalogue; so does any key a program would read as nil or as a function
// (describe-fn returns the function itself when there is no text).
func docKey(out, errw io.Writer, nsName, key string, asJSON bool) error {
	key = strings.TrimPrefix(key, ":")
	ns, ok := docNamespace(nsName)
	if info, planned := catalog.Planned(nsName); !ok && planned {
		return docUnavailable(errw, nsName, info)
	}
	if !ok {
		if _, isEntry := catalog.Lookup(nsName); isEntry {
			return usageError("spell doc", "%s is not a namespace; use spell doc %s", nsName, nsName)
		}
		return docNotFound(errw, fmt.Sprintf("%q", nsName), docSuggestName(nsName))
	}
	if key == "" || strings.ContainsAny(key, docKeyBreakers) {
		return usageError("spell doc", "invalid key %q: expected a keyword such as :split", key)
	}
	display := fmt.Sprintf("%s :%s", ns.Name, key)

	text, found := "", false
	if !ns.Effect {
		v, err := eval.EvalString(fmt.Sprintf("(describe-fn %s :%s)", ns.Name, key))
		if err != nil {
			return &exitError{code: 1, msg: "spell doc: " + err.Error()}
		}
		switch v := v.(type) {
		case nil:
		case string:
			text, found = v, true
		default:
			if _, isFn := catalog.Lookup(docMemberName(ns.Name, key)); !isFn {
				text, found = value.PrStr(v), true
			}
		}
	}
	var entry *catalog.Entry
	if !found {
		if e, ok := catalog.Lookup(docMemberName(ns.Name, key)); ok {
			entry = &e
			text, found = docText(e), true
		}
	}
	if !found {
		return docNotFound(errw, display, docSuggestKey(ns, key))
	}
	if asJSON {
		if entry != nil {
			return docWriteJSON(out, docEntryJSON(*entry))
		}
		return docWriteJSON(out, keyDocJSON{Namespace: ns.Name, Key: key, Doc: text})
	}
	_, err := fmt.Fprintln(out, strings.TrimRight(text, "\n"))
	return err
}

// docMemberName is the catalogue name of key in namespace ns: builtins
// documents the core names, which have no prefix.
func docMemberName(ns, key string) string {
	if ns == "builtins" {
		return key
	}
	return ns + "/" + key
}

// docNotFound reports a name without documentation: exit 1, with a hint.
func docNotFound(errw io.Writer, what, suggestion string) error {
	fmt.Fprintf(errw, "spell doc: no documentation for %s\n", what)
	if suggestion != "" {
		fmt.Fprintf(errw, "  hint: did you mean %s?\n", suggestion)
	}
	return silentExit(1)
}

// docSuggestName returns the name to suggest for an unknown name: the
// catalog.Hint rule (as in spell run and spell lint) over the catalogue
// names, the namespaces and the short names of namespace members (splitt →
// strings/split); "" when nothing is close.
func docSuggestName(name string) string {
	var keys []string
	full := map[string]string{}
	add := func(key, show string) {
		if _, ok := full[key]; !ok {
			full[key] = show
			keys = append(keys, key)
		}
	}
	for _, e := range catalog.All() {
		add(e.Name, e.Name)
	}
	for _, ns := range catalog.Namespaces() {
		add(ns.Name, ns.Name)
	}
	for _, e := range catalog.All() {
		if e.Namespace != "" {
			add(strings.TrimPrefix(e.Name, e.Namespace+"/"), e.Name)
		}
	}
	s := catalog.Hint(name, keys)
	if f, ok := full[s]; ok {
		return f
	}
	return s
}

// docSuggestKey returns "NS :KEY" for the documented key of ns closest to key.
func docSuggestKey(ns catalog.NamespaceInfo, key string) string {
	var cands []string
	switch ns.Name {
	case "builtins":
		for k := range catalog.BuiltinsDetail() {
			cands = append(cands, k)
		}
	case "strings":
		for k := range catalog.StringsDetail() {
			cands = append(cands, k)
		}
	}
	for _, e := range catalog.Namespace(ns.Name) {
		cands = append(cands, strings.TrimPrefix(e.Name, ns.Name+"/"))
	}
	sort.Strings(cands)
	if i := docClosest(key, cands); i >= 0 {
		return ns.Name + " :" + cands[i]
	}
	return ""
}

// docClosest returns the index of the candidate nearest to name
// (catalog.Suggest); an exact match wins. It returns -1 when nothing is
// close.
func docClosest(name string, cands []string) int {
	for i, c := range cands {
		if c == name {
			return i
		}
	}
	best := catalog.Suggest(name, cands)
	for i, c := range cands {
		if best != "" && c == best {
			return i
		}
	}
	return -1
}

// docGroup is one namespace's entries in the --list output.
type docGroup struct {
	name, shortDoc string
	entries        []catalog.Entry
}

// docGroups returns the catalogue grouped by namespace: core names first,
// then the namespaces in catalogue order; entries sorted by name.
// Namespaces without entries (builtins, skills) are left out.
func docGroups() []docGroup {
	byNS := map[string][]catalog.Entry{}
	for _, e := range catalog.All() {
		byNS[e.Namespace] = append(byNS[e.Namespace], e)
	}
	groups := []docGroup{{name: "", shortDoc: "core names, usable without a prefix", entries: byNS[""]}}
	seen := map[string]bool{"": true}
	for _, ns := range catalog.Namespaces() {
		seen[ns.Name] = true
		if len(byNS[ns.Name]) > 0 {
			groups = append(groups, docGroup{name: ns.Name, shortDoc: ns.ShortDoc, entries: byNS[ns.Name]})
		}
	}
	var rest []string
	for ns := range byNS {
		if !seen[ns] {
			rest = append(rest, ns)
		}
	}
	sort.Strings(rest)
	for _, ns := range rest {
		groups = append(groups, docGroup{name: ns, entries: byNS[ns]})
	}
	for _, g := range groups {
		sort.SliceStable(g.entries, func(i, j int) bool { return g.entries[i].Name < g.entries[j].Name })
	}
	return groups
}

func writeDocList(out io.Writer) error {
	var b strings.Builder
	for i, g := range docGroups() {
		if i > 0 {
			b.WriteString("\n")
		}
		title := g.name
		if title == "" {
			title = "core"
		}
		if g.shortDoc != "" {
			title += " — " + g.shortDoc
		}
		b.WriteString(title)
		b.WriteString("\n")
		writeDocLines(&b, g.entries)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// writeDocLines writes one "  name  summary" line per entry, the summaries
// aligned.
func writeDocLines(b *strings.Builder, entries []catalog.Entry) {
	width := 0
	for _, e := range entries {
		width = max(width, utf8.RuneCountInString(e.Name))
	}
	for _, e := range entries {
		pad := width - utf8.RuneCountInString(e.Name)
		fmt.Fprintf(b, "  %s%s  %s\n", e.Name, strings.Repeat(" ", pad), e.Doc)
	}
}

// entryDocJSON is the --json form of a catalogue entry.
type entryDocJSON struct {
	Name       string   `json:"name"`
	Namespace  string   `json:"namespace"`
	Kind       string   `json:"kind"`
	Category   string   `json:"category"`
	Signatures []string `json:"signatures"`
	Usage      string   `json:"usage"`
	MinArgs    int      `json:"min_args"`
	// MaxArgs is null for variadic names.
	MaxArgs    *int   `json:"max_args"`
	Doc        string `json:"doc"`
	Detail     string `json:"detail"`
	Divergence string `json:"divergence"`
	Priority   string `json:"priority,omitempty"`
	Subset     string `json:"subset,omitempty"`
}

func docEntryJSON(e catalog.Entry) entryDocJSON {
	j := entryDocJSON{
		Name:       e.Name,
		Namespace:  e.Namespace,
		Kind:       e.Kind.String(),
		Category:   e.Category,
		Signatures: e.Signatures,
		Usage:      catalog.Usage(e),
		MinArgs:    e.MinArgs,
		Doc:        e.Doc,
		Detail:     e.Detail,
		Divergence: e.Divergence,
		Priority:   e.Priority,
		Subset:     e.Subset,
	}
	if j.Signatures == nil {
		j.Signatures = []string{}
	}
	if !e.Variadic() {
		m := e.MaxArgs
		j.MaxArgs = &m
	}
	return j
}

func docListJSON() []entryDocJSON {
	out := []entryDocJSON{}
	for _, g := range docGroups() {
		for _, e := range g.entries {
			out = append(out, docEntryJSON(e))
		}
	}
	return out
}

// namespaceDocJSON is the --json form of a namespace.
type namespaceDocJSON struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Effect   bool     `json:"effect"`
	ShortDoc string   `json:"short_doc"`
	Guide    string   `json:"guide"`
	Members  []string `json:"members"`
}

func docNamespaceJSON(ns catalog.NamespaceInfo, members []catalog.Entry) namespaceDocJSON {
	j := namespaceDocJSON{Name: ns.Name, Kind: "namespace", Effect: ns.Effect, ShortDoc: ns.ShortDoc, Guide: ns.Guide, Members: []string{}}
	for _, e := range members {
		j.Members = append(j.Members, e.Name)
	}
	return j
}

// keyDocJSON is the --json form of a describe-fn text.
type keyDocJSON struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
	Doc       string `json:"doc"`
}

// docWriteJSON writes v as indented JSON without HTML escaping (usage lines
// contain < and >).
func docWriteJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// divergenceText says in words what each divergence tag (README,
// "Differences from the reference implementation") means, so spell doc
// never shows a bare tag such as D4 to a reader who has not met it.
var divergenceText = [...]struct{ tag, text string }{
	{"D1", "character literals evaluate to themselves"},
	{"D2", "& in fn, defn, defmacro and loop parameters is variadic; the rest is a list, nil when empty"},
	{"D3", "loop inits see earlier loop bindings"},
	{"D4", "map takes several collections, comp is variadic, and (reduce f []) calls (f)"},
	{"D5", "the elements of a set literal are evaluated"},
	{"D6", "recur outside the tail position of fn or loop is an error"},
	{"D7", "every failure except limits and cancellation can be caught"},
	{"D8", "#=, syntax quote, ~, ~@, @, #', tagged literals, reader conditionals and ::kw are reader errors"},
	{"D9", "the completion sanitiser works on tokens"},
	{"D10", "regular expressions are RE2; a pattern RE2 cannot express is a clear error"},
	{"D11", "string indices and counts are Unicode code points"},
	{"D12", "a failing callee's locals never leak into catch"},
	{"D13", "bounded snapshots follow the spec's algorithm"},
}

// divergenceMeaning returns divergenceText's words for tag. (A literal
// array, not a map: data in the binary rather than work at every start.)
func divergenceMeaning(tag string) (string, bool) {
	for _, d := range divergenceText {
		if d.tag == tag {
			return d.text, true
		}
	}
	return "", false
}

// docText is the text spell doc prints for an entry: catalog.Describe
// with the divergence tags explained in words (hover and describe-fn keep
// the tags).
func docText(e catalog.Entry) string {
	if e.Divergence == "" {
		return catalog.Describe(e)
	}
	plain := e
	plain.Divergence = ""
	var parts []string
	for _, tag := range strings.Fields(e.Divergence) {
		if t, ok := divergenceMeaning(tag); ok {
			parts = append(parts, t)
		}
	}
	return catalog.Describe(plain) + "\n\nDiffers from the reference implementation: " + strings.Join(parts, "; ") + "."
}
