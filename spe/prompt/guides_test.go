package prompt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
	"github.com/spell-go/spell/spe/provider/builtin"
	"github.com/spell-go/spell/syntax"
)

// TestGuideExamples is issue 10 item 7: every example the namespace guides
// of the system prompts show is evaluated. The guides are what a model
// reads: the NAMESPACES section of each bundled agent's system prompt and
// the shape examples of the base text, and what (!describe ns) and
// (!describe ns :key) return in a real run of that agent (the live
// namespace maps of a Session, so io/ and web/ show their own texts), plus
// the catalogue texts of blocking/ (bound only inside futures). Two kinds
// of examples:
//
//   - `expr ⇒ value` lines (and `edit of FORM ⇒ FORM`): the value must be
//     exactly that (⇒ error: the evaluation must fail). Pure ones run in
//     the evaluator; those that use an effect run as the trailing
//     expression of a real Session (blocking/ inside a future the
//     evaluator starts under eval, awaited from the test).
//   - quoted trailing expressions '(…): each runs as the trailing
//     expression of a real Session of the agent whose guide shows it, in a
//     temporary workspace holding the files the examples name, with a
//     replay model whose every call answers :done. It must not fail with an
//     error that says the example itself is wrong (an unbound or unknown
//     name, a wrong argument count, a reader error, a member that is not
//     built).
//
// Examples of namespaces still being built (../testdata/still-building.txt)
// that fail are logged, not reported.
func TestGuideExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("one session per example")
	}
	env := newGuideEnv(t)
	texts := env.guideTexts(t)
	if len(texts) < 50 {
		t.Fatalf("only %d guide texts found", len(texts))
	}
	arrows, quoted := 0, 0
	seen := map[string]bool{}
	for _, d := range texts {
		for _, ex := range arrowExamples(d.text) {
			if seen["⇒"+ex.lhs] {
				continue
			}
			seen["⇒"+ex.lhs] = true
			arrows++
			env.checkArrow(t, d, ex)
		}
		for _, q := range quotedExamples(d.text) {
			if seen["'"+q] {
				continue
			}
			seen["'"+q] = true
			quoted++
			env.checkQuoted(t, d, q)
		}
	}
	t.Logf("%d guide texts, %d ⇒ examples, %d quoted trailing expressions", len(texts), arrows, quoted)
	if arrows < 300 || quoted < 20 {
		t.Errorf("too few examples found: %d ⇒, %d quoted", arrows, quoted)
	}
}

// guideText is one text a model can read, with where it comes from.
type guideText struct {
	agent string // the bundled agent whose prompt or run shows it
	where string // "cli: (!describe io :ls)", "cli: NAMESPACES"
	ns    string // the namespace it documents ("" for prompt texts)
	text  string
}

type guideEnv struct {
	transcript string
	building   map[string]bool
	agents     []string
}

func newGuideEnv(t *testing.T) *guideEnv {
	t.Helper()
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg) // only the bundled agent profiles
	// web/search with the keyed backend and no key: no search leaves the
	// machine.
	mustWrite(t, filepath.Join(xdg, "spell", "web.edn"), "{:search {:backend :serper}}\n")
	// Every call of every handle an example can start answers :done (a
	// leaf call gets the text ":done)))").
	var b strings.Builder
	b.WriteString("Every model call of the guide examples answers :done.\n")
	for _, h := range []string{"main", "spawn-1", "spawn-2", "spawn-3", "worker-1", "bidder-a", "bidder-b", "bidder-c", "dormant"} {
		for n := 1; n <= 6; n++ {
			fmt.Fprintf(&b, "-- %s/%d.completion --\n:done)))\n", h, n)
		}
	}
	transcript := filepath.Join(t.TempDir(), "done.txtar")
	mustWrite(t, transcript, b.String())
	files, err := filepath.Glob(filepath.Join("..", "profile", "agents", "*.agent.edn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundled agent profiles: %v", err)
	}
	var agents []string
	for _, f := range files {
		agents = append(agents, strings.TrimSuffix(filepath.Base(f), ".agent.edn"))
	}
	sort.Strings(agents)
	return &guideEnv{transcript: transcript, building: stillBuilding(t), agents: agents}
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// workspace makes a fresh workspace holding the files the examples name.
func workspace(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range map[string]string{
		"README.md":      "# Project\n\nA readme.\n",
		"notes.txt":      "Spell is a Lisp.\nTODO: more\n",
		"main.go":        "package main\n\n// TODO: more\nfunc main() {}\n",
		"big.go":         strings.Repeat("// line\n", 500),
		"a.go":           strings.Repeat("// a\n", 30),
		"src/x.go":       "package src\n",
		"data/notes.txt": "TODO one\n",
	} {
		mustWrite(t, filepath.Join(root, filepath.FromSlash(name)), text)
	}
	return root
}

// run runs program in a fresh Session of agent and returns the value and
// the run error (or the close error).
func (env *guideEnv) run(t *testing.T, agent, program string) (value.Value, error) {
	t.Helper()
	root := workspace(t)
	sess, err := spe.Open(spe.Config{
		ProgramName: "example.spl",
		Program:     []byte(program),
		Model:       "replay:" + env.transcript,
		Providers:   builtin.Registry(),
		Agent:       agent,
		Limits:      spe.DefaultLimits,
		Seed:        1,
		NoTrace:     true,
		Cwd:         root,
		Root:        root,
		Environ:     []string{"HOME=" + root},
		Getenv:      func(string) string { return "" },
		Stderr:      &strings.Builder{},
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
	defer cancel()
	v, runErr := sess.Run(ctx)
	closeErr := sess.Close(v, runErr)
	if runErr == nil && closeErr != nil {
		runErr = closeErr
	}
	return v, runErr
}

// guideTexts collects every guide text: per bundled agent, its NAMESPACES
// section, and (!describe ns) and (!describe ns :key) of every namespace
// it is given, read from a real run; the base text; blocking/ from the
// catalogue.
func (env *guideEnv) guideTexts(t *testing.T) []guideText {
	t.Helper()
	var out []guideText
	base, _ := prompt.Base(prompt.ToolCall)
	out = append(out, guideText{where: "toolcall.txt shape examples", text: shapeLines(base)})
	var coreKeys []string
	for _, e := range catalog.Namespace("") {
		coreKeys = append(coreKeys, e.Name)
	}
	for k := range catalog.BuiltinsDetail() {
		coreKeys = append(coreKeys, k)
	}
	sort.Strings(coreKeys)
	for _, agent := range env.agents {
		p, err := profile.Load(agent, t.TempDir(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, guideText{agent: agent, where: agent + ": NAMESPACES", text: shapeLines(prompt.NamespacesSection(prompt.DocsFor(p)))})
		names := []string{"strings", "math"}
		if agent == env.agents[0] {
			names = append(names, "builtins")
		}
		for _, name := range p.NamespaceNames() {
			if !p.Namespaces[name].IsFile() {
				names = append(names, name)
			}
		}
		// One program returns [[ns key text] …] for every documented key.
		var prog strings.Builder
		prog.WriteString("(quine completion (eval (do '(vec (concat")
		for _, ns := range names {
			fmt.Fprintf(&prog, " [[%q nil (describe-fn %s)]]", ns, ns)
			if ns == "builtins" {
				fmt.Fprintf(&prog, " (for [s %s] [\"builtins\" s (describe-fn builtins (keyword s))])", readableStrings(coreKeys))
				continue
			}
			fmt.Fprintf(&prog, " (for [k (concat (keys %s) (keys (:detail %s)))] [%q (name k) (describe-fn %s k)])", ns, ns, ns, ns)
		}
		prog.WriteString(")))))")
		v, err := env.run(t, agent, prog.String())
		if err != nil {
			t.Fatalf("%s: reading the guides: %v", agent, err)
		}
		vec, ok := v.(*value.Vector)
		if !ok {
			t.Fatalf("%s: guides: got %s", agent, value.PrStr(v))
		}
		for _, row := range vec.Slice() {
			r := row.(*value.Vector).Slice()
			text, ok := r[2].(string)
			if !ok || text == "" {
				continue
			}
			ns := r[0].(string)
			where := fmt.Sprintf("%s: (!describe %s)", agent, ns)
			if k, ok := r[1].(string); ok {
				where = fmt.Sprintf("%s: (!describe %s :%s)", agent, ns, k)
			}
			out = append(out, guideText{agent: agent, where: where, ns: ns, text: text})
		}
	}
	// The catalogue's details of every name, which spell doc and the
	// language server show (and blocking/, bound only inside futures,
	// shows through (!describe blocking) there).
	for _, e := range catalog.All() {
		if e.Detail != "" {
			out = append(out, guideText{agent: "cli", where: "catalog: " + e.Name, ns: e.Namespace, text: e.Detail})
		}
	}
	for _, info := range catalog.Namespaces() {
		if info.Name == "blocking" {
			out = append(out, guideText{agent: "cli", where: "catalog: blocking", ns: "blocking", text: info.Guide})
		}
	}
	return out
}

func readableStrings(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = value.PrStr(s)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// shapeLines returns the lines of the ";; shape" blocks of a prompt text:
// the places where a base text or NAMESPACES section shows trailing
// expressions (elsewhere they describe call syntax with placeholders).
func shapeLines(text string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, ";; shape"):
			in = true
			continue
		case strings.TrimSpace(l) == "":
			in = false
		}
		if in {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// arrow is one `lhs ⇒ rhs` example.
type arrow struct {
	lhs, rhs string
	edit     bool   // "edit of FORM [with NAME = VALUE] ⇒ FORM"
	bind     string // the NAME = VALUE of an edit example
}

// arrowExamples returns the `expr ⇒ value` lines of a text. The
// expression is the longest tail of the text before ⇒ that reads as one
// form, the whole left side or a tail starting with "(" (prose may lead
// it: "Case conversion uses full Unicode rules: (strings/upper-case
// "straße") ⇒ …"); a line whose left side is prose ("odd pairs ⇒ error")
// is skipped.
func arrowExamples(text string) []arrow {
	var out []arrow
	for _, l := range strings.Split(text, "\n") {
		lhs, rhs, ok := strings.Cut(l, " ⇒ ")
		if !ok {
			continue
		}
		a := arrow{rhs: strings.TrimSpace(rhs)}
		lhs = strings.TrimSpace(lhs)
		if form, ok := strings.CutPrefix(lhs, "edit of "); ok {
			a.edit = true
			lhs = form
			if f, bind, ok := strings.Cut(form, " with "); ok {
				lhs, a.bind = f, bind
			}
		}
		a.lhs = oneFormTail(lhs)
		if a.lhs == "" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// oneFormTail returns the longest tail of s that reads as exactly one
// complete form, or "".
func oneFormTail(s string) string {
	for i := 0; i < len(s); i++ {
		if i > 0 && (s[i] != '(' || s[i-1] != ' ') {
			continue
		}
		tail := s[i:]
		f := syntax.Parse("example", []byte(tail))
		if len(f.Errors) == 0 && len(f.Forms) == 1 {
			return tail
		}
	}
	return ""
}

// quotedExamples returns every quoted form '(…) of a text that reads and
// stands alone: at paren depth 0 of its line, so that quoted data inside
// an example, (reopen '(f x)), is not taken for a trailing expression.
func quotedExamples(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		depth, inStr := 0, false
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case inStr && c == '\\':
				i++
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '\'' && i+1 < len(line) && line[i+1] == '(' && depth == 0:
				if f, ok := firstForm(line[i:]); ok {
					out = append(out, f)
					i += len(f) - 1
				}
			case c == '(' || c == '[' || c == '{':
				depth++
			case (c == ')' || c == ']' || c == '}') && depth > 0:
				depth--
			}
		}
	}
	return out
}

// firstForm returns the text of the first form of s when it reads
// completely.
func firstForm(s string) (string, bool) {
	f := syntax.Parse("example", []byte(s))
	if len(f.Forms) == 0 {
		return "", false
	}
	n := f.Forms[0]
	if n.Unclosed() || n.Bad() {
		return "", false
	}
	for _, e := range f.Errors {
		if e.Off < n.End {
			return "", false
		}
	}
	return n.Text(f.Src), true
}

// effectful reports whether a form names an effect: a member of an effect
// namespace or an effect builtin.
func effectful(form string) bool {
	for _, ns := range catalog.Namespaces() {
		if ns.Effect && strings.Contains(form, ns.Name+"/") {
			return true
		}
	}
	for _, e := range catalog.Namespace("") {
		if e.Kind == catalog.EffectBuiltin && strings.Contains(form, e.Name) {
			return true
		}
	}
	return strings.Contains(form, "(!")
}

// placeholders defines, in the pure part of an example's program, the
// names the guides use for "some value" or "some work": a message, file
// contents, a slow computation.
const placeholders = `(def text "Spell is a Lisp.") (def notes {:ok true :out "n" :err nil :truncated false}) ` +
	`(def files {:ok true :out ["a.go"] :err nil :truncated false}) ` +
	`(def msg-1 {:from :main :edge-id 1 :expects-response true :body 1}) ` +
	`(defn slow [] 1) (defn work [] 1) (quine prompt "Say hi.") ` +
	`(defmacro wrap-inc [x] (list 'inc x)) (defmacro wrap-double [x] (list '* 2 x)) `

// exampleMarkers are errors that say the example itself is wrong, not the
// situation it runs in.
var exampleMarkers = []string{
	"Unbound symbol", "Namespace lookup failed", "Wrong number of args", "is not a function",
	"EOF while reading", "Unmatched delimiter", "not built yet", "not available in this",
	"is not granted to this agent", "is only available inside (future",
}

// namespaceOf returns the still-being-built entry an example depends on,
// "" when none.
func (env *guideEnv) buildingFor(d guideText, form string) string {
	for name := range env.building {
		if d.ns == name || strings.Contains(form, name+"/") || strings.Contains(form, "("+name) {
			return name
		}
	}
	return ""
}

func (env *guideEnv) checkQuoted(t *testing.T, d guideText, q string) {
	t.Helper()
	// Every example runs in the cli agent, which is given every namespace
	// a bundled agent has: the builtins guide shows io/ examples to the
	// base agent too.
	program := "(quine completion (eval (do " + placeholders + q + ")))"
	v, err := env.run(t, "cli", program)
	if err == nil {
		return
	}
	for _, m := range exampleMarkers {
		if !strings.Contains(err.Error(), m) {
			continue
		}
		if b := env.buildingFor(d, q); b != "" {
			t.Logf("%s: %s: still being built (%s): %v", d.where, q, b, err)
			return
		}
		t.Errorf("%s shows %s, which fails: %v", d.where, q, err)
		return
	}
	_ = v
}

func (env *guideEnv) checkArrow(t *testing.T, d guideText, a arrow) {
	t.Helper()
	var got value.Value
	var err error
	switch {
	case a.edit:
		got, err = applyEdit(a)
	case effectful(a.lhs):
		if strings.Contains(a.lhs, "blocking/") {
			// blocking/ exists only inside futures started under eval:
			// the evaluator runs one and the test awaits it (!ask-await's
			// value would be the resumed computation, a model call).
			got, err = eval.EvalString("(do " + placeholders + "(eval '(future " + a.lhs + ")))")
			if w, ok := eval.AwaitableOf(got); ok && err == nil {
				got, err = w.Result()
			}
			break
		}
		got, err = env.run(t, "cli", "(quine completion (eval (do "+placeholders+"'"+a.lhs+")))")
	default:
		got, err = eval.EvalString("(do " + placeholders + a.lhs + ")")
	}
	msg := compareArrow(a, got, err)
	if msg == "" {
		return
	}
	if b := env.buildingFor(d, a.lhs); b != "" {
		t.Logf("%s: %s ⇒ %s: still being built (%s): %s", d.where, a.lhs, a.rhs, b, msg)
		return
	}
	t.Errorf("%s: %s ⇒ %s: %s", d.where, a.lhs, a.rhs, msg)
}

// compareArrow returns "" when got/err is what rhs says.
func compareArrow(a arrow, got value.Value, err error) string {
	if want, ok := strings.CutPrefix(a.rhs, "error"); ok {
		want = strings.TrimSpace(strings.TrimPrefix(want, ":"))
		switch {
		case err == nil:
			return "got " + value.PrStr(got) + ", want an error"
		case want != "" && !strings.Contains(err.Error(), want):
			return fmt.Sprintf("error %q, want it to contain %q", err, want)
		}
		return ""
	}
	if err != nil {
		return "error: " + err.Error()
	}
	// The value is the first form of rhs; prose may follow it.
	w, ok := firstForm(a.rhs)
	if !ok {
		return "the expected value does not read"
	}
	want, werr := eval.EvalString("(quote " + w + ")")
	if werr != nil {
		return "the expected value does not read: " + werr.Error()
	}
	if value.PrStr(got) != value.PrStr(want) {
		return "got " + value.PrStr(got)
	}
	return ""
}

// applyEdit applies the edit markers of an "edit of" example's form, with
// its NAME = VALUE binding, as edit-reopen does.
func applyEdit(a arrow) (value.Value, error) {
	form, err := eval.EvalString("(quote " + a.lhs + ")")
	if err != nil {
		return nil, err
	}
	env := eval.PipelineEnv()
	if a.bind != "" {
		name, val, ok := strings.Cut(a.bind, " = ")
		if !ok {
			return nil, fmt.Errorf("unreadable binding %q", a.bind)
		}
		v, err := eval.EvalString("(quote " + strings.TrimSpace(val) + ")")
		if err != nil {
			return nil, err
		}
		env = env.Bind(value.Sym(strings.TrimSpace(name)), v)
	}
	return eval.ApplyEdits(form, env)
}

// stillBuilding reads ../testdata/still-building.txt (see
// spe.TestAdvertisedMembersWork).
func stillBuilding(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "still-building.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		l, _, _ = strings.Cut(l, "#")
		if l = strings.TrimSpace(l); l != "" {
			out[l] = true
		}
	}
	return out
}
