package lint

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spell-go/spell/syntax"
)

// dumpAnalysis renders every table of an analysis with pointers replaced by
// indices and node spans, so that two analyses of one text compare as
// strings (the same objects need not be the same pointers).
func dumpAnalysis(f *syntax.File, a *Analysis) string {
	var b strings.Builder
	tree := map[*syntax.Node]bool{}
	for _, top := range f.Forms {
		syntax.Walk(top, func(n *syntax.Node) bool { tree[n] = true; return true })
	}
	node := func(n *syntax.Node) string {
		if n == nil {
			return "-"
		}
		s := fmt.Sprintf("%d@%d-%d", n.Kind, n.Start, n.End)
		if !tree[n] {
			s += "*"
		}
		return s
	}
	nodes := func(ns []*syntax.Node) string {
		var out []string
		for _, n := range ns {
			out = append(out, node(n))
		}
		return "[" + strings.Join(out, " ") + "]"
	}
	scopes := map[*Scope]int{}
	for i, s := range a.Scopes {
		scopes[s] = i
	}
	binds := map[*Binding]int{}
	for i, x := range a.Bindings {
		binds[x] = i
	}
	refs := map[*Reference]int{}
	for i, r := range a.References {
		refs[r] = i
	}
	scope := func(s *Scope) string {
		if s == nil {
			return "-"
		}
		i, ok := scopes[s]
		if !ok {
			return "?scope"
		}
		return fmt.Sprint(i)
	}
	bind := func(x *Binding) string {
		if x == nil {
			return "-"
		}
		i, ok := binds[x]
		if !ok {
			return "?binding"
		}
		return fmt.Sprint(i)
	}
	bindList := func(xs []*Binding) string {
		var out []string
		for _, x := range xs {
			out = append(out, bind(x))
		}
		return "[" + strings.Join(out, " ") + "]"
	}
	ref := func(r *Reference) string {
		if r == nil {
			return "-"
		}
		i, ok := refs[r]
		if !ok {
			return "?ref"
		}
		return fmt.Sprint(i)
	}
	fn := func(fi *FnInfo) string {
		if fi == nil {
			return "-"
		}
		return fmt.Sprintf("%d/%v/%s", fi.Required, fi.Variadic, node(fi.Params))
	}
	entry := func(r *Reference) string {
		s := "-"
		if r.Entry != nil {
			s = r.Entry.Name
		}
		if r.Namespace != nil {
			s += " ns=" + r.Namespace.Name
		}
		return s
	}
	for i, s := range a.Scopes {
		var kids []string
		for _, c := range s.Children {
			kids = append(kids, scope(c))
		}
		fmt.Fprintf(&b, "scope %d: %d %d-%d parent=%s form=%s binds=%s kids=%v depth=%d\n",
			i, s.Kind, s.Start, s.End, scope(s.Parent), node(s.Form), bindList(s.Bindings), kids, s.depth)
	}
	for i, x := range a.Bindings {
		var rs []string
		for _, r := range x.Refs {
			rs = append(rs, ref(r))
		}
		fmt.Fprintf(&b, "binding %d: %q %s %s %d-%d form=%s value=%s scope=%s fn=%s destr=%v inFn=%v refs=%v\n",
			i, x.Name, x.Kind, node(x.Node), x.Start, x.End, node(x.Form), node(x.Value), scope(x.Scope), fn(x.Fn),
			x.Destructured, x.InFunction, rs)
	}
	for i, r := range a.References {
		fmt.Fprintf(&b, "ref %d: %s %d-%d %q %q %q lex=%s cands=%s entry=%s has=%v dyn=%v head=%v mode=%s inFn=%v len=%v owner=%s scope=%s\n",
			i, node(r.Node), r.Start, r.End, r.Name, r.Root, r.Member, bind(r.Lexical), bindList(r.Candidates), entry(r),
			r.HasEntry, r.Dynamic, r.Head, r.Mode, r.InFunction, r.Lenient, bind(r.Owner), scope(r.Scope))
	}
	for i, c := range a.Calls {
		fmt.Fprintf(&b, "call %d: %s head=%s %q kind=%d args=%d thr=%v mode=%s inFn=%v len=%v owner=%s arg=%v tail=%v\n",
			i, node(c.Node), ref(c.Head), c.Name, c.Kind, c.Args, c.Threaded, c.Mode, c.InFunction, c.Lenient,
			bind(c.Owner), c.IsArg, c.Tail)
	}
	fmt.Fprintf(&b, "quoted %v\n", a.Quoted)
	for _, x := range a.Bodies {
		fmt.Fprintf(&b, "body %s %s %s %s\n", x.Kind, node(x.Form), nodes(x.Forms), x.Mode)
	}
	for _, r := range a.Recurs {
		fmt.Fprintf(&b, "recur %s %d %s %v %s\n", node(r.Node), r.Args, node(r.Target), r.Tail, fn(r.Fn))
	}
	var loops []string
	for n, v := range a.Loops {
		loops = append(loops, fmt.Sprintf("%s=%v", node(n), v))
	}
	sort.Strings(loops)
	fmt.Fprintf(&b, "loops %v\n", loops)
	for _, d := range a.InlineDefs {
		fmt.Fprintf(&b, "inline %s %s %s\n", node(d.Node), d.Head, d.Container)
	}
	for _, e := range a.Effects {
		fmt.Fprintf(&b, "effect %s\n", ref(e.Ref))
	}
	for _, r := range a.UnboundPersists {
		fmt.Fprintf(&b, "persist %s\n", ref(r))
	}
	fmt.Fprintf(&b, "thinks %s\n", nodes(a.Thinks))
	if wr := a.Wrapper; wr != nil {
		fmt.Fprintf(&b, "wrapper %s %s %s %s %s %s %s %s\n", node(wr.Quine), node(wr.Name), nodes(wr.Inert), node(wr.Eval),
			node(wr.Do), nodes(wr.Body), nodes(wr.Extra), node(wr.Trailing))
	}
	dumpMap := func(label string, m map[string][]*Binding) {
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range names {
			fmt.Fprintf(&b, "%s %q %s\n", label, k, bindList(m[k]))
		}
	}
	dumpMap("defs", a.defs)
	dumpMap("byName", a.byName)
	var free []string
	for k, v := range a.freeInFn {
		if v {
			free = append(free, k)
		}
	}
	sort.Strings(free)
	fmt.Fprintf(&b, "freeInFn %q\n", free)
	return b.String()
}

func dumpDiagnostics(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%+v\n", d)
	}
	return b.String()
}

// checkIncremental analyses src with c and from scratch and fails when
// the analyses or the findings differ.
func checkIncremental(t *testing.T, c *Incremental, src []byte, step string) {
	t.Helper()
	f := syntax.Parse("t.spl", src)
	want := Analyze(f, Options{})
	got := c.Analyze(f, Options{})
	if d := sameAnalysis(got, want); d != "" {
		t.Fatalf("%s: incremental analysis differs from Analyze in %s\nsource:\n%s", step, d, src)
	}
	if w, g := dumpAnalysis(f, want), dumpAnalysis(f, got); w != g {
		t.Fatalf("%s: incremental analysis differs from Analyze\nsource:\n%s\n%s", step, src, textDiff(w, g))
	}
	cfg := Config{}
	if w, g := dumpDiagnostics(CheckAnalysis(f, want, cfg)), dumpDiagnostics(CheckAnalysis(f, got, cfg)); w != g {
		t.Fatalf("%s: incremental findings differ\nsource:\n%s\n%s", step, src, textDiff(w, g))
	}
}

// incCorpus returns the programs of the rule tests, each as it is and as
// the body of a wrapper, the repository's example programs and a
// generated one.
func incCorpus(t *testing.T) []string {
	var out []string
	for _, rc := range ruleCases {
		out = append(out, rc.src, w(rc.src))
	}
	files, _ := filepath.Glob("../examples/programs/*.spl")
	files = append(files, "../editors/vscode/docs/agent.spl")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return append(out, string(genProgram(120)))
}

// TestIncrementalMatchesAnalyze: an incremental analysis (from an empty
// cache: every unit walked alone, frozen and thawed; then again: every
// unit thawed) is Analyze's.
func TestIncrementalMatchesAnalyze(t *testing.T) {
	for i, src := range incCorpus(t) {
		c := NewIncremental()
		checkIncremental(t, c, []byte(src), fmt.Sprintf("program %d, first", i))
		checkIncremental(t, c, []byte(src), fmt.Sprintf("program %d, again", i))
	}
}

// bigUnits is a wrapper program whose body is every rule test's program
// and the example programs' bodies: a text with every construct the
// analysis knows, to edit at random.
func bigUnits(t *testing.T) string {
	var b strings.Builder
	b.WriteString("(quine completion\n  (eval\n    (do (quine prompt \"edits\")\n")
	for _, rc := range ruleCases {
		if strings.Contains(rc.src, "defmacro") || len(syntax.Parse("t.spl", []byte(rc.src)).Errors) > 0 {
			continue
		}
		fmt.Fprintf(&b, "      %s\n", rc.src)
	}
	b.WriteString(strings.TrimPrefix(string(genProgram(60)), "(quine completion\n  (eval\n    (do (quine prompt \"benchmark\")\n"))
	return b.String()
}

// TestIncrementalRandomEdits applies a seeded random sequence of edits
// (insertions and deletions of single characters, delimiters, quotes,
// names and whole lines; moves of lines) to a large program and checks
// after every edit that the incremental analysis and findings are those of
// a fresh analysis.
func TestIncrementalRandomEdits(t *testing.T) {
	src := []byte(bigUnits(t))
	// Thaw in two halves at once here (the program is small).
	defer func(n, m int) { thawParallel, freshParallel = n, m }(thawParallel, freshParallel)
	thawParallel, freshParallel = 200, 4
	steps := 150
	if testing.Short() {
		steps = 40
	}
	rng := rand.New(rand.NewSource(11))
	c := NewIncremental()
	pieces := append(editSnippets, " ", "\n", "(", ")", "[", "]", "{", "}", "\"", "'", "#(", "%", "x", "y", "recur", "(def z 1)",
		"(defn g [a] (+ a y))", "(let [q 1] q)", "inc", "io/ls", "strings/", "#_", ";", "1", "&", ":keys", "loop", "(prune 2)", "fn")
	orig := src
	thawed, walked := 0, 0
	for i := range steps {
		if rng.Intn(8) == 0 {
			src = orig // an undo of everything: the structure is whole again
		}
		src = incEdit(rng, src, pieces)
		checkIncremental(t, c, src, fmt.Sprintf("step %d", i))
		thawed += c.thawed
		walked += c.walked
	}
	t.Logf("%d steps: %d units thawed, %d walked", steps, thawed, walked)
	if thawed < steps*10 {
		t.Errorf("%d units thawed in %d steps: the incremental path is hardly used", thawed, steps)
	}
}

// incEdit returns src with one random edit applied.
func incEdit(rng *rand.Rand, src []byte, pieces []string) []byte {
	at := rng.Intn(len(src) + 1)
	switch k := rng.Intn(10); {
	case k < 5: // insert
		p := pieces[rng.Intn(len(pieces))]
		return slices.Concat(src[:at], []byte(p), src[at:])
	case k < 8: // delete a few bytes
		end := min(len(src), at+1+rng.Intn(4))
		return slices.Concat(src[:at], src[end:])
	default: // move a line
		lines := strings.SplitAfter(string(src), "\n")
		if len(lines) < 3 {
			return src
		}
		i, j := rng.Intn(len(lines)), rng.Intn(len(lines))
		l := lines[i]
		lines = slices.Delete(lines, i, i+1)
		j = min(j, len(lines))
		lines = slices.Insert(lines, j, l)
		return []byte(strings.Join(lines, ""))
	}
}

// textDiff is the difference of got from want, in diff -u form.
func textDiff(want, got string) string {
	return string(diff.Diff("want", []byte(want), "got", []byte(got)))
}
