package lint

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// Diagnostic is one finding. Offsets are byte offsets into File.Src.
type Diagnostic struct {
	Rule       string
	Level      Level
	Start, End int32
	Message    string
	Related    []Related
	Fixes      []Fix
	// more is set on the finding that stands for findings of its rule left
	// out past MaxPerRule: how many.
	more int
}

// Related is a location related to a finding (where an unclosed form
// opened, the first definition of a redefined name).
type Related struct {
	Start, End int32
	Message    string
}

// Fix is a change that resolves a finding.
type Fix struct {
	Message string
	Edits   []Edit
	// Safe marks a mechanical fix that keeps what the author meant
	// (prefix an unused binding with _, remove a redundant do, qualify a
	// name that exactly one namespace has): spell lint --fix applies only
	// these. A did-you-mean guess is offered to a person (code actions,
	// JSON suggestions) but never applied unattended.
	Safe bool
}

// Edit replaces Src[Start:End] with NewText.
type Edit struct {
	Start, End int32
	NewText    string
}

// ApplyEdits returns src with the edits applied. Edits must not overlap;
// they may come in any order.
func ApplyEdits(src []byte, edits []Edit) []byte {
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var out []byte
	last := int32(0)
	for _, e := range es {
		out = append(out, src[last:e.Start]...)
		out = append(out, e.NewText...)
		last = e.End
	}
	return append(out, src[last:]...)
}

// isMarker tells the edit markers whose shape marker-shape checks instead
// of invalid-arity. (Switches, not maps: lint builds nothing at start;
// issue 11, start-up.)
func isMarker(name string) bool {
	switch name {
	case "think", "rethink", "prune", "!call-now", "!peek-now", "!peek":
		return true
	}
	return false
}

// isWait tells the waits whose value is the resumed computation.
func isWait(name string) bool {
	switch name {
	case "!wait", "!sleep", "!ask", "!spawn-ask", "!ask-await":
		return true
	}
	return false
}

// Lint runs the rules over a file and its analysis (from Analyze) and
// returns the findings sorted by position. Rules at level off are not run.
// In a file with syntax errors only the syntax findings are reported for the
// top-level forms that contain an error; the other forms are linted
// normally.
func Lint(f *syntax.File, a *Analysis, cfg Config) []Diagnostic {
	l := &linter{f: f, a: a, cfg: cfg, src: f.Src}
	if a == nil {
		a = Analyze(f, Options{})
		l.a = a
	}
	l.sups = suppressions(f)
	l.syntaxRules()
	// bodyRules and pruneRules report rules of their own and read only the
	// analysis: on a large file they run at the same time as the others,
	// and their findings follow the others' as in the sequential order.
	var l2 *linter
	var done chan struct{} // made only for the parallel half (a small file makes no channel: issue 11, start-up)
	if len(l.src) >= parallelBytes && runtime.GOMAXPROCS(0) > 1 {
		done = make(chan struct{})
		l2 = &linter{f: l.f, a: l.a, cfg: cfg, src: l.src, bad: l.bad, nSyntax: l.nSyntax, sups: l.sups}
		go func() {
			defer close(done)
			l2.bodyRules()
			l2.pruneRules()
		}()
	}
	l.referenceRules()
	l.callRules()
	l.bindingRules()
	l.recurRules()
	l.effectRules()
	l.wrapperRules()
	if l2 == nil {
		l.bodyRules()
		l.pruneRules()
		return l.finish()
	}
	<-done
	l.diags = append(l.diags, l2.diags...)
	for rule, c := range l2.counts {
		if l.counts == nil {
			l.counts = map[string]*ruleCount{}
		}
		l.counts[rule] = c
	}
	return l.finish()
}

type linter struct {
	f     *syntax.File
	a     *Analysis
	cfg   Config
	src   []byte
	diags []Diagnostic
	// bad are the [start, end] spans of top-level forms with syntax errors.
	bad     [][2]int32
	nSyntax int
	sups    []Suppression
	// counts are the findings kept and left out per rule (MaxPerRule).
	counts map[string]*ruleCount
}

// MaxPerRule is how many findings of one rule Lint and Check report for
// one file. Past it they report one more finding of that rule, at the first
// one left out, saying how many were left out (as golangci-lint's
// max-issues-per-linter does): a file with half a million unbound symbols
// must not cost gigabytes, and the first thousand say what is wrong.
// Syntax findings are bounded by the reader and not capped.
const MaxPerRule = 1000

type ruleCount struct {
	kept, more int
	start, end int32 // of the first finding left out
}

func (l *linter) on(rule string) bool { return l.cfg.Level(rule) != LevelOff }

func (l *linter) add(rule string, start, end int32, msg string, fixes ...Fix) *Diagnostic {
	lv := l.cfg.Level(rule)
	if lv == LevelOff {
		return nil
	}
	if rule != "syntax" && !l.count(rule, start, end) {
		return nil
	}
	l.diags = append(l.diags, Diagnostic{Rule: rule, Level: lv, Start: start, End: end, Message: syntax.EscapeControl(msg), Fixes: fixes})
	return &l.diags[len(l.diags)-1]
}

// count reports whether a finding of rule at [start, end) is kept: not in
// a form with syntax errors, not suppressed, and within MaxPerRule.
func (l *linter) count(rule string, start, end int32) bool {
	if l.inBad(start) || suppressed(l.sups, Diagnostic{Rule: rule, Start: start, End: end}) {
		return false
	}
	if l.counts == nil {
		l.counts = map[string]*ruleCount{}
	}
	c := l.counts[rule]
	if c == nil {
		c = &ruleCount{}
		l.counts[rule] = c
	}
	if c.kept < MaxPerRule {
		c.kept++
		return true
	}
	if c.more == 0 {
		c.start, c.end = start, end
	}
	c.more++
	return false
}

func (l *linter) text(n *syntax.Node) string { return string(l.src[n.Start:n.End]) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// syntaxRules reports the reader errors; duplicate literal keys become
// duplicate-key findings.
func (l *linter) syntaxRules() {
	f := l.f
	for _, e := range f.Errors {
		if errors.Is(e, syntax.ErrDuplicateKey) {
			l.add("duplicate-key", e.Off, e.End, e.Msg)
			continue
		}
		l.nSyntax++
		d := l.add("syntax", e.Off, e.End, e.Msg)
		if d != nil && e.Related >= 0 {
			end := e.Related + 1
			if int(end) > len(l.src) {
				end = e.Related
			}
			d.Related = append(d.Related, Related{Start: e.Related, End: end, Message: "opened here"})
		}
		l.markBad(e.Off)
	}
	for _, form := range f.Forms {
		if form.Unclosed() || form.Bad() || form.Kind == syntax.Error {
			l.bad = append(l.bad, [2]int32{form.Start, form.End})
		}
	}
	if f.Truncated {
		l.nSyntax++
	}
}

// markBad marks the top-level form containing off as having an error.
func (l *linter) markBad(off int32) {
	forms := l.f.Forms
	i := sort.Search(len(forms), func(i int) bool { return forms[i].End >= off })
	if i < len(forms) && forms[i].Start <= off {
		l.bad = append(l.bad, [2]int32{forms[i].Start, forms[i].End})
	}
}

func (l *linter) inBad(off int32) bool {
	for _, b := range l.bad {
		if b[0] <= off && off <= b[1] {
			return true
		}
	}
	return false
}

// suggestionNames are the candidates for did-you-mean on bare symbols.
func (l *linter) suggestionNames() []string {
	var out []string
	for name := range l.a.byName {
		if !strings.HasPrefix(name, "%") {
			out = append(out, name)
		}
	}
	out = append(out, coreNames()...)
	for name := range l.a.namespaces() {
		out = append(out, name)
	}
	return out
}

func replaceFix(start, end int32, with string) Fix {
	return Fix{Message: "Replace with " + with, Edits: []Edit{{Start: start, End: end, NewText: with}}}
}

// referenceRules: unresolved-symbol, unknown-namespace, unresolved-member,
// discouraged-var.
func (l *linter) referenceRules() {
	a := l.a
	var names []string
	type unresolvedMsg struct {
		msg, hint string
		safe      bool
	}
	var unresolved map[string]unresolvedMsg
	discouraged := l.cfg.Linters["discouraged-var"].Names
	checkDiscouraged := l.on("discouraged-var") && len(discouraged) > 0
	for _, r := range a.References {
		if checkDiscouraged {
			if reason, ok := discouraged[r.Name]; ok && r.Lexical == nil && len(r.Candidates) == 0 {
				msg := r.Name + " is discouraged"
				if reason != "" {
					msg += ": " + reason
				}
				l.add("discouraged-var", r.Start, r.End, msg)
			}
		}
		if r.Lenient || r.Lexical != nil || len(r.Candidates) > 0 {
			continue
		}
		if r.Root == "" {
			if r.Resolved() || effectNamespace(r.Name) {
				continue
			}
			if !l.on("unresolved-symbol") || !l.count("unresolved-symbol", r.Start, r.End) {
				continue // before the did-you-mean: most of a dense file is past the cap
			}
			if names == nil {
				names = l.suggestionNames()
				unresolved = map[string]unresolvedMsg{}
			}
			// One did-you-mean and one message per distinct name: a file
			// repeats the same unbound name many times.
			u, ok := unresolved[r.Name]
			if !ok {
				u.msg = "Unresolved symbol: " + r.Name
				if s := catalog.Hint(r.Name, names); s != "" {
					u.msg += " (did you mean " + s + "?)"
					u.hint, u.safe = s, uniqueQualification(r.Name, s)
				}
				u.msg = syntax.EscapeControl(u.msg)
				unresolved[r.Name] = u
			}
			d := Diagnostic{Rule: "unresolved-symbol", Level: l.cfg.Level("unresolved-symbol"), Start: r.Start, End: r.End, Message: u.msg}
			if u.hint != "" {
				fix := replaceFix(r.Start, r.End, u.hint)
				fix.Safe = u.safe
				d.Fixes = []Fix{fix}
			}
			l.diags = append(l.diags, d)
			continue
		}
		if r.HasEntry && r.Entry.Kind == catalog.Macro {
			continue // blocking/plet
		}
		if r.Namespace == nil {
			if effectNamespace(r.Root) && r.Mode != ModeEffect {
				continue // reported by effect-outside-eval
			}
			l.add("unknown-namespace", r.Start, r.End, "Unknown namespace: "+r.Root)
			continue
		}
		if r.Namespace.HasMember(firstSegment(r.Member)) {
			continue
		}
		msg := "Namespace lookup failed: " + r.Name
		var fixes []Fix
		var cands []string
		for m := range r.Namespace.MemberSet() {
			cands = append(cands, r.Root+"/"+m)
		}
		if why, ok := catalog.AbsentReason(r.Root, firstSegment(r.Member), r.Namespace.HasMember); ok && r.Namespace.Effect {
			msg += " (" + why + ")"
		} else if s := catalog.Suggest(r.Root+"/"+firstSegment(r.Member), cands); s != "" {
			msg += " (did you mean " + s + "?)"
			fixes = append(fixes, replaceFix(r.Start, r.Start+int32(len(r.Root)+1+len(firstSegment(r.Member))), s))
		}
		l.add("unresolved-member", r.Start, r.End, msg, fixes...)
	}
}

// accepted describes the argument counts of signatures: "1", "2 or 3",
// "1 to 4", "at least 1".
func accepted(sigs []string) string {
	fixed := map[int]bool{}
	vmin := -1
	for _, s := range sigs {
		n, v := catalog.ParseSignature(s)
		if v {
			if vmin < 0 || n < vmin {
				vmin = n
			}
		} else {
			fixed[n] = true
		}
	}
	if vmin >= 0 {
		for fixed[vmin-1] {
			vmin--
		}
	}
	var ns []int
	for n := range fixed {
		if vmin < 0 || n < vmin {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(ns[i]))
		case j == i+1:
			parts = append(parts, strconv.Itoa(ns[i]), strconv.Itoa(ns[j]))
		default:
			parts = append(parts, fmt.Sprintf("%d to %d", ns[i], ns[j]))
		}
		i = j + 1
	}
	if vmin >= 0 {
		parts = append(parts, fmt.Sprintf("at least %d", vmin))
	}
	switch len(parts) {
	case 0:
		return "0"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// arities caches the parsed signatures of catalogue entries.
var arities sync.Map // *catalog.Entry → []FnInfo

// acceptsArgs is catalog.Entry.AcceptsArgs with the signatures parsed once.
func acceptsArgs(e *catalog.Entry, n int) bool {
	v, ok := arities.Load(e)
	if !ok {
		var fs []FnInfo
		for _, s := range e.Signatures {
			req, variadic := catalog.ParseSignature(s)
			fs = append(fs, FnInfo{Required: req, Variadic: variadic})
		}
		v, _ = arities.LoadOrStore(e, fs)
	}
	for _, f := range v.([]FnInfo) {
		if f.Accepts(n) {
			return true
		}
	}
	return false
}

func (f *FnInfo) expects() string {
	if f.Variadic {
		return fmt.Sprintf("at least %d", f.Required)
	}
	return strconv.Itoa(f.Required)
}

func arityMsg(name string, n int, expects string) string {
	return fmt.Sprintf("%s is called with %d %s but expects %s", name, n, plural(n, "arg", "args"), expects)
}

// callRules: invalid-arity, marker-shape, duplicate-key (case), format,
// max-key-spell-fn, bare-prompt-to-llm-self, print-starts-turn,
// wait-not-last, missing-body-in-when, missing-else-branch.
func (l *linter) callRules() {
	a := l.a
	for _, c := range a.Calls {
		if c.Lenient {
			continue
		}
		l.arity(c)
		var args []*syntax.Node
		if len(c.Node.Kids) > 0 && !c.Threaded {
			args = c.Node.Kids[1:]
		}
		switch c.Kind {
		case CallSpecial, CallMacro:
			switch c.Name {
			case "think", "rethink", "prune", "!call-now", "!peek-now", "!peek":
				l.markerShape(c, args)
			case "case":
				l.caseKeys(args)
			case "when":
				if c.Args == 1 && !c.Threaded {
					l.add("missing-body-in-when", c.Node.Start, c.Node.End, "when without a body")
				}
			case "if":
				if c.Args == 2 && !c.Threaded {
					l.add("missing-else-branch", c.Node.Start, c.Node.End, "if without else")
				}
			case "print":
				if c.Mode == ModeEffect {
					h := c.Node.Kids[0]
					l.add("print-starts-turn", h.Start, h.End, "print is an alias of !print and starts a new turn")
				}
			}
		case CallBuiltin:
			l.builtinRules(c, args)
		}
	}
}

func (l *linter) arity(c *Call) {
	if !l.on("invalid-arity") || c.Head == nil {
		if c.Head == nil && l.on("invalid-arity") && len(c.Node.Kids) > 0 && !c.Threaded {
			// ((fn [x] …) args…)
			if fi := fnInfoOf(c.Node.Kids[0], l.src); fi != nil && !fi.Accepts(c.Args) {
				h := c.Node.Kids[0]
				l.add("invalid-arity", h.Start, c.Node.End, arityMsg("fn", c.Args, fi.expects()))
			}
		}
		return
	}
	r := c.Head
	at := func(msg string) { l.add("invalid-arity", c.Node.Start, c.Node.End, msg) }
	switch c.Kind {
	case CallSpecial, CallMacro:
		if isMarker(c.Name) || c.Threaded || r.Entry == nil {
			return
		}
		if !acceptsArgs(r.Entry, c.Args) {
			at(arityMsg(c.Name, c.Args, accepted(r.Entry.Signatures)))
		}
	case CallBuiltin:
		if r.Entry == nil || r.Entry.Kind == catalog.Constant || r.Entry.Name != r.Name {
			return
		}
		if a := l.a.Wrapper; a != nil && a.Eval == c.Node {
			return // reported by wrapper-closed-early
		}
		if !acceptsArgs(r.Entry, c.Args) {
			at(arityMsg(c.Name, c.Args, accepted(r.Entry.Signatures)))
		}
	case CallUser:
		if r.Root != "" || r.Dynamic {
			return
		}
		bs := r.Bindings()
		for _, b := range bs {
			if b.Fn == nil || b.Kind == BindDefmacro {
				return
			}
			if b.Fn.Accepts(c.Args) {
				return
			}
		}
		at(arityMsg(c.Name, c.Args, bs[0].Fn.expects()))
	}
}

func (l *linter) markerShape(c *Call, args []*syntax.Node) {
	at := func(msg string) { l.add("marker-shape", c.Node.Start, c.Node.End, msg) }
	switch c.Name {
	case "think":
		if len(args) == 0 {
			at("think expects a label")
		}
	case "rethink":
		rest := args
		if len(rest) > 0 && rest[0].Kind == syntax.Number {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			at("think expects a label")
		}
	case "prune":
		if !(len(args) == 0 || len(args) == 1 && args[0].Kind == syntax.Number) {
			at("prune: expected 0 args (prune 1) or 1 numeric arg (prune k)")
		}
	default: // !call-now, !peek-now, !peek
		rest := args
		if len(rest) > 0 && rest[0].Kind == syntax.Map && len(rest[0].Kids) == 2 && l.text(rest[0].Kids[0]) == ":max-chars" {
			rest = rest[1:]
		}
		ok := len(rest) > 0 && len(rest)%2 == 0
		for i := 0; ok && i < len(rest); i += 2 {
			ok = rest[i].Kind == syntax.Symbol
		}
		if !ok {
			at(c.Name + ": expected 2 args per name/expression pair, with optional leading {:max-chars N}")
		}
	}
}

// atomKey is the comparison key of a literal atom, or "".
func atomKey(n *syntax.Node, src []byte) string {
	switch n.Kind {
	case syntax.Keyword, syntax.String, syntax.Number, syntax.Char, syntax.Nil, syntax.Bool, syntax.Symbol:
		if n.Bad() {
			return ""
		}
		return string(rune('a'+n.Kind)) + string(src[n.Start:n.End])
	}
	return ""
}

// caseKeys reports duplicate literal case test values.
func (l *linter) caseKeys(args []*syntax.Node) {
	if len(args) < 3 {
		return
	}
	clauses := args[1:]
	seen := map[string]bool{}
	for i := 0; i+1 < len(clauses); i += 2 {
		k := clauses[i]
		key := atomKey(k, l.src)
		if key == "" {
			continue
		}
		if seen[key] {
			l.add("duplicate-key", k.Start, k.End, "Duplicate key: "+l.text(k))
		}
		seen[key] = true
	}
}

func (l *linter) refOf(n *syntax.Node) *Reference {
	if n.Kind != syntax.Symbol {
		return nil
	}
	if r := l.a.ReferenceAt(n.Start); r != nil && r.Node == n {
		return r
	}
	return nil
}

func (l *linter) builtinRules(c *Call, args []*syntax.Node) {
	name := c.Head.Name
	switch name {
	case "format":
		if len(args) > 0 && args[0].Kind == syntax.String && l.on("format") {
			s, err := syntax.UnquoteString(l.text(args[0]))
			if err != nil {
				return
			}
			if want, ok := formatArgs(s); ok && want != len(args)-1 {
				l.add("format", c.Node.Start, c.Node.End,
					fmt.Sprintf("format expects %d %s, got %d", want, plural(want, "argument", "arguments"), len(args)-1))
			}
		}
	case "max-key", "min-key":
		if len(args) == 0 {
			return
		}
		k := args[0]
		spell := fnInfoOf(k, l.src) != nil
		if r := l.refOf(k); r != nil {
			for _, b := range r.Bindings() {
				if b.Fn != nil && (b.Kind == BindDefn || b.Kind == BindDef || b.Kind == BindDefine) {
					spell = true
				}
			}
		}
		if spell {
			l.add("max-key-spell-fn", k.Start, k.End, name+" needs a host-callable key function; Spell functions fail here")
		}
	case "!llm-self":
		if len(args) == 0 {
			return
		}
		if r := l.refOf(args[0]); r != nil {
			bs := r.Bindings()
			quine := len(bs) > 0
			for _, b := range bs {
				quine = quine && b.Kind == BindQuine
			}
			if quine {
				with := "(wrap-cat " + r.Name + ")"
				fix := replaceFix(r.Start, r.End, with)
				fix.Safe = true
				l.add("bare-prompt-to-llm-self", r.Start, r.End, "pass a quine task on with "+with, fix)
			}
		}
	}
	base := name
	if i := strings.IndexByte(name, '/'); i > 0 {
		base = name[i+1:]
	}
	if isWait(base) && c.IsArg {
		l.add("wait-not-last", c.Node.Start, c.Node.End, "a wait returns the resumed computation; make it the last expression")
	}
}

// formatArgs counts the arguments a format string consumes; ok is false
// when it uses positional arguments (%1$s) and cannot be counted simply.
func formatArgs(s string) (n int, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(s) && strings.IndexByte("-#+ 0,(", s[j]) >= 0 {
			j++
		}
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		if j < len(s) && (s[j] == '$' || s[j] == '<') {
			return 0, false
		}
		if j >= len(s) {
			return n, true
		}
		switch s[j] {
		case '%', 'n':
		default:
			n++
		}
		i = j
	}
	return n, true
}

// bindingRules: unused-binding, inline-def, persist-unbound.
func (l *linter) bindingRules() {
	a := l.a
	if l.on("unused-binding") {
		for _, b := range a.Bindings {
			switch b.Kind {
			case BindLet, BindLoop, BindFor, BindIfLet, BindParam, BindPlet:
			default:
				continue
			}
			if strings.HasPrefix(b.Name, "_") || b.Name == "&" || len(b.Refs) > 0 || a.freeInFn[b.Name] {
				continue
			}
			var fixes []Fix
			if !b.Destructured {
				fixes = append(fixes, Fix{Message: "Rename to _" + b.Name, Edits: []Edit{{Start: b.Start, End: b.Start, NewText: "_"}}, Safe: true})
			}
			l.add("unused-binding", b.Start, b.End, "unused binding "+b.Name, fixes...)
		}
	}
	for _, d := range a.InlineDefs {
		l.add("inline-def", d.Node.Start, d.Node.End, d.Head+" inside "+d.Container+" does not escape it")
	}
	for _, r := range a.UnboundPersists {
		if !r.Lenient {
			l.add("persist-unbound", r.Start, r.End, "persist of unbound name "+r.Name)
		}
	}
}

// recurRules: unexpected-recur, loop-without-recur.
func (l *linter) recurRules() {
	for _, ru := range l.a.Recurs {
		switch {
		case ru.Target == nil || !ru.Tail:
			l.add("unexpected-recur", ru.Node.Start, ru.Node.End, "recur is not in tail position of fn or loop")
		case ru.Fn != nil:
			want := ru.Fn.Required
			if ru.Fn.Variadic {
				want++
			}
			if ru.Args != want {
				l.add("unexpected-recur", ru.Node.Start, ru.Node.End,
					fmt.Sprintf("recur is called with %d %s but the fn expects %d", ru.Args, plural(ru.Args, "arg", "args"), want))
			}
		}
	}
	if l.on("loop-without-recur") {
		for n, has := range l.a.Loops {
			if !has {
				l.add("loop-without-recur", n.Start, n.Kids[0].End, "loop without recur")
			}
		}
	}
}

// effectRules: effect-outside-eval. An effect is reported where it is
// evaluated purely, and inside a function body when that function is
// called (directly or through other functions) from a pure position.
func (l *linter) effectRules() {
	if !l.on("effect-outside-eval") || len(l.a.Effects) == 0 {
		return
	}
	called := map[*Binding]bool{}
	byOwner := map[*Binding][]*Call{}
	var queue []*Binding
	mark := func(c *Call) {
		if c.Head == nil {
			return
		}
		for _, b := range c.Head.Bindings() {
			if !called[b] {
				called[b] = true
				queue = append(queue, b)
			}
		}
	}
	for _, c := range l.a.Calls {
		switch {
		case c.Kind != CallUser:
		case c.Mode == ModePure:
			mark(c)
		case c.Mode == ModeFunction && c.Owner != nil:
			byOwner[c.Owner] = append(byOwner[c.Owner], c)
		}
	}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, c := range byOwner[b] {
			mark(c)
		}
	}
	for _, e := range l.a.Effects {
		r := e.Ref
		if r.Lenient {
			continue
		}
		if r.Mode == ModePure || r.Mode == ModeFunction && r.Owner != nil && called[r.Owner] {
			l.add("effect-outside-eval", r.Start, r.End, r.Name+" is an effect: call it in the quoted trailing expression")
		}
	}
}

// wrapperRules: trailing-forms-ignored, missing-trailing-expression,
// wrapper-closed-early.
func (l *linter) wrapperRules() {
	forms := l.f.Forms
	if len(forms) > 1 && l.nSyntax == 0 {
		n := len(forms) - 1
		l.add("trailing-forms-ignored", forms[1].Start, forms[n].End,
			fmt.Sprintf("only the first form is evaluated; %d later %s ignored", n, plural(n, "form is", "forms are")))
	}
	w := l.a.Wrapper
	if w == nil {
		return
	}
	if len(w.Body) == 0 {
		l.add("missing-trailing-expression", w.Do.Start, w.Do.End, "the wrapper has no trailing expression; the program returns nil")
	} else {
		last := w.Body[len(w.Body)-1]
		switch h := headName(last, l.src); h {
		case "def", "defn", "persist", "think", "rethink", "prune", "defmacro", "define":
			l.add("missing-trailing-expression", last.Start, last.End,
				"the wrapper has no trailing expression; the program returns the value of ("+h+" …)")
		}
	}
	if n := len(w.Extra); n > 0 && w.Do.CloseStart >= 0 {
		first, lastX := w.Extra[0], w.Extra[n-1]
		msg := fmt.Sprintf("the do block is closed early: %d %s of eval", n, plural(n, "form becomes an extra argument", "forms become extra arguments"))
		l.add("wrapper-closed-early", first.Start, lastX.End, msg, Fix{
			Message: "Move the forms into the do block",
			Edits: []Edit{
				{Start: w.Do.CloseStart, End: w.Do.End, NewText: ""},
				{Start: lastX.End, End: lastX.End, NewText: ")"},
			},
			Safe: true,
		})
	}
}

// isDefForm reports whether n is a definition form.
func isDefForm(n *syntax.Node, src []byte) (head string, ok bool) {
	switch h := headName(n, src); h {
	case "def", "defn", "define", "defmacro", "persist":
		return h, true
	}
	return "", false
}

// containsDef reports whether a definition form occurs in n (outside quotes
// and functions), so that evaluating n has the effect of binding a name.
func containsDef(n *syntax.Node, src []byte) bool {
	found := false
	syntax.Walk(n, func(x *syntax.Node) bool {
		if found || x.Kind == syntax.Quote || x.Kind == syntax.FnLit {
			return false
		}
		if _, ok := isDefForm(x, src); ok {
			found = true
			return false
		}
		switch headName(x, src) {
		case "fn", "fn*", "quote":
			return false
		}
		return true
	})
	return found
}

// isImpure tells the builtins that have an effect beyond their value
// even in pure code.
func isImpure(name string) bool {
	switch name {
	case "throw", "eval", "spell-eval", "apply", "apply-macro", "future*":
		return true
	}
	return false
}

// bodyRules: redundant-do, redundant-let, redefined-var, unused-value.
func (l *linter) bodyRules() {
	a := l.a
	for _, b := range a.Bodies {
		switch b.Kind {
		case "fn", "let", "when":
			if len(b.Forms) == 1 {
				inner := b.Forms[0]
				switch headName(inner, l.src) {
				case "do":
					var fixes []Fix
					if len(inner.Kids) > 1 && inner.CloseStart >= 0 {
						fixes = append(fixes, Fix{Message: "Remove the do", Edits: []Edit{
							{Start: inner.Start, End: inner.Kids[1].Start},
							{Start: inner.Kids[len(inner.Kids)-1].End, End: inner.End},
						}, Safe: true})
					}
					l.add("redundant-do", inner.Start, inner.End, "redundant do", fixes...)
				case "let":
					if b.Kind == "let" {
						l.add("redundant-let", inner.Start, inner.End, "redundant nested let")
					}
				}
			}
		}
		switch b.Kind {
		case "do", "wrapper":
			if l.on("redefined-var") {
				seen := map[string]*syntax.Node{}
				for _, k := range b.Forms {
					h, ok := isDefForm(k, l.src)
					if !ok || h == "persist" || len(k.Kids) < 2 || k.Kids[1].Kind != syntax.Symbol {
						continue
					}
					name := l.text(k.Kids[1])
					if strings.HasPrefix(name, "_") || strings.HasPrefix(name, "msg-") {
						continue
					}
					if first := seen[name]; first != nil {
						if d := l.add("redefined-var", k.Kids[1].Start, k.Kids[1].End, name+" is redefined"); d != nil {
							d.Related = append(d.Related, Related{Start: first.Start, End: first.End, Message: "first defined here"})
						}
						continue
					}
					seen[name] = k.Kids[1]
				}
			}
		}
		if l.on("unused-value") {
			for i, k := range b.Forms {
				if i == len(b.Forms)-1 && b.Kind != "for" {
					break
				}
				l.unusedValue(k)
			}
		}
	}
}

func (l *linter) unusedValue(k *syntax.Node) {
	if k.Kind != syntax.List || len(k.Kids) == 0 {
		return
	}
	c := l.a.callAt(k)
	if c == nil || c.Kind != CallBuiltin || c.Lenient || c.Head == nil || c.Head.Entry == nil {
		return
	}
	switch c.Head.Entry.Kind {
	case catalog.Builtin, catalog.NamespaceMember:
	default:
		return
	}
	if isImpure(c.Head.Name) || containsDef(k, l.src) {
		return
	}
	l.add("unused-value", k.Start, k.End, "unused value of "+abbrev(l.text(k), 40))
}

// abbrev collapses white space and shortens s to about max characters.
func abbrev(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// pruneRules: prune-count, simulating the sibling processing of edit time
// (language.md §8.1) over the whole program.
func (l *linter) pruneRules() {
	if !l.on("prune-count") {
		return
	}
	for _, form := range l.f.Forms {
		l.editWalk(form)
	}
}

func (l *linter) editWalk(n *syntax.Node) {
	switch n.Kind {
	case syntax.Quote, syntax.FnLit:
		return
	case syntax.Vector, syntax.Map, syntax.Set, syntax.NamespacedMap:
		for _, k := range n.Kids {
			l.editWalk(k)
		}
		return
	case syntax.Meta:
		if len(n.Kids) == 2 {
			l.editWalk(n.Kids[1])
		}
		return
	case syntax.List:
	default:
		return
	}
	switch headName(n, l.src) {
	case "quote", "fn", "fn*":
		return
	}
	for _, k := range n.Kids {
		l.editWalk(k)
	}
	if len(n.Kids) < 2 {
		return
	}
	out := 0
	for _, k := range n.Kids[1:] {
		h := headName(k, l.src)
		args := []*syntax.Node(nil)
		if h != "" {
			args = k.Kids[1:]
		}
		switch {
		case h == "prune" && (len(args) == 0 || len(args) == 1 && args[0].Kind == syntax.Number):
			kk := 1
			if len(args) == 1 {
				kk = numberValue(l.text(args[0]))
				if kk > out {
					l.add("prune-count", k.Start, k.End, fmt.Sprintf("prune %s removes only the %d preceding %s",
						l.text(args[0]), out, plural(out, "form", "forms")))
				}
			}
			out = max(0, out-kk)
		case h == "rethink":
			kk := 1
			if len(args) > 0 && args[0].Kind == syntax.Number {
				kk = numberValue(l.text(args[0]))
				if kk > out {
					l.add("prune-count", k.Start, k.End, fmt.Sprintf("rethink %s removes only the %d preceding %s",
						l.text(args[0]), out, plural(out, "form", "forms")))
				}
			}
			out = max(0, out-kk) + 1
		default:
			out++
		}
	}
}

// numberValue truncates a number literal to an int (0 when unreadable).
func numberValue(s string) int {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v > 1e9 {
			return 1e9
		}
		return int(v)
	}
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return int(v)
	}
	return 0
}

// finish adds the summaries of the findings left out past MaxPerRule and
// sorts the findings.
func (l *linter) finish() []Diagnostic {
	// add left out the findings in broken forms, the suppressed ones and
	// those past MaxPerRule.
	out := l.diags
	for rule, c := range l.counts {
		if c.more > 0 {
			out = append(out, moreFinding(rule, l.cfg.Level(rule), c.start, c.end, c.more))
		}
	}
	sortDiagnostics(out)
	return out
}

// moreFinding is the finding that stands for n findings of rule left out
// past MaxPerRule, placed at the first of them.
func moreFinding(rule string, lv Level, start, end int32, n int) Diagnostic {
	return Diagnostic{Rule: rule, Level: lv, Start: start, End: end, more: n,
		Message: fmt.Sprintf("… %d more %s %s in this file not shown (at most %d of one rule are reported)",
			n, rule, plural(n, "finding", "findings"), MaxPerRule)}
}

// capPerRule applies MaxPerRule to sorted findings that may come from more
// than one Lint (Check): past the cap, findings and the summaries of a rule
// merge into one summary at the first left out. out stays sorted.
func capPerRule(ds []Diagnostic) []Diagnostic {
	type tally struct {
		kept, more int
		start, end int32
		at         bool
		lv         Level
	}
	ts := map[string]*tally{}
	out := ds[:0]
	for _, d := range ds {
		if d.Rule == "syntax" {
			out = append(out, d)
			continue
		}
		t := ts[d.Rule]
		if t == nil {
			t = &tally{lv: d.Level}
			ts[d.Rule] = t
		}
		n := d.more
		if n == 0 {
			if t.kept < MaxPerRule {
				t.kept++
				out = append(out, d)
				continue
			}
			n = 1
		}
		if !t.at {
			t.start, t.end, t.at = d.Start, d.End, true
		}
		t.more += n
	}
	for rule, t := range ts {
		if t.more > 0 {
			out = append(out, moreFinding(rule, t.lv, t.start, t.end, t.more))
		}
	}
	sortDiagnostics(out)
	return out
}

// sortDiagnostics orders findings by position, then rule.
func sortDiagnostics(out []Diagnostic) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		if out[i].End != out[j].End {
			return out[i].End < out[j].End
		}
		return out[i].Rule < out[j].Rule
	})
}
