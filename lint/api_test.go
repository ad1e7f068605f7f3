package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/syntax"
)

func analyze(src string) (*syntax.File, *Analysis) {
	f := syntax.Parse("t.spl", []byte(src))
	return f, Analyze(f, Options{})
}

func off(src, sub string, nth int) int32 {
	i := -1
	for k := 0; k <= nth; k++ {
		j := strings.Index(src[i+1:], sub)
		if j < 0 {
			panic("no " + sub)
		}
		i += 1 + j
	}
	return int32(i)
}

func TestBindingsAndReferences(t *testing.T) {
	src := `(quine completion (eval (do (defn f [x] (+ x y)) (def y 1) (let [x 2 {:keys [k]} {}] (f x)) (def y 2) '(f y))))`
	_, a := analyze(src)

	// The parameter x of f and its use.
	b := a.BindingAt(off(src, "x", 0))
	if b == nil || b.Kind != BindParam || b.Name != "x" {
		t.Fatalf("BindingAt(param x) = %+v", b)
	}
	if refs := a.ReferencesOf(b); len(refs) != 1 || refs[0].Start != off(src, "x", 1) {
		t.Errorf("refs of param x = %v", refs)
	}
	// The let binding x is a different binding with its own reference.
	lb := a.BindingAt(off(src, "x", 2))
	if lb == nil || lb.Kind != BindLet || lb == b {
		t.Fatalf("BindingAt(let x) = %+v", lb)
	}
	if refs := a.ReferencesOf(lb); len(refs) != 1 || refs[0].Start != off(src, "(f x)", 0)+3 {
		t.Errorf("refs of let x = %v", refs)
	}
	// y, free in f's body, may denote either definition.
	r := a.ReferenceAt(off(src, "y", 0))
	if r == nil || r.Lexical != nil || len(r.Candidates) != 2 {
		t.Fatalf("reference y = %+v", r)
	}
	if defs := a.DefinitionsOf("y"); len(defs) != 2 || defs[0].Kind != BindDef {
		t.Errorf("DefinitionsOf(y) = %v", defs)
	}
	// Both definitions list every use of y (program-wide).
	for _, d := range a.DefinitionsOf("y") {
		if len(d.Refs) != 2 {
			t.Errorf("refs of def y at %d = %d, want 2", d.Start, len(d.Refs))
		}
	}
	// The destructured name k.
	if kb := a.BindingAt(off(src, "k]", 0)); kb == nil || !kb.Destructured {
		t.Errorf("k = %+v", kb)
	}
	// Arity of f.
	if fd := a.DefinitionsOf("f"); len(fd) != 1 || fd[0].Fn == nil || fd[0].Fn.Required != 1 {
		t.Errorf("f = %+v", fd)
	}
	// The quoted trailing expression is code evaluated with effects.
	tr := a.ReferenceAt(off(src, "(f y)", 0) + 1)
	if tr == nil || tr.Mode != ModeEffect || len(tr.Candidates) != 1 {
		t.Errorf("trailing f = %+v", tr)
	}
	if a.Wrapper == nil || a.Wrapper.Trailing == nil || len(a.Wrapper.Body) != 5 {
		t.Errorf("wrapper = %+v", a.Wrapper)
	}
	// Scopes: the let scope contains its body.
	if s := a.ScopeAt(off(src, "(f x)", 0)); s.Kind != ScopeLet {
		t.Errorf("ScopeAt = %v", s.Kind)
	}
	vis := a.VisibleAt(off(src, "(f x)", 0))
	names := map[string]bool{}
	for _, b := range vis {
		names[b.Name] = true
	}
	for _, n := range []string{"x", "k", "f", "y", "completion"} {
		if !names[n] {
			t.Errorf("VisibleAt misses %s", n)
		}
	}
}

func TestQuotedRegions(t *testing.T) {
	src := `(do 'a (quote (b c)) (think "label" (inc 1)) x)`
	_, a := analyze(src)
	if !a.InQuote(off(src, "a", 0)) || !a.InQuote(off(src, "b", 0)) || a.InQuote(off(src, "inc", 0)) {
		t.Errorf("quoted = %v", a.Quoted)
	}
	if r := a.ReferenceAt(off(src, "b", 0)); r != nil {
		t.Errorf("b in quoted data is a reference: %+v", r)
	}
}

func TestFnLitParams(t *testing.T) {
	src := `(map #(+ % %2 %&) [1])`
	_, a := analyze(src)
	r := a.ReferenceAt(off(src, "%", 0))
	if r == nil || r.Lexical == nil || r.Lexical.Kind != BindFnLitParam {
		t.Fatalf("%% = %+v", r)
	}
}

func TestSymbols(t *testing.T) {
	src := `(quine completion (eval (do (quine prompt "t") (defn f [x] x) (def v 1) (think "Plan A" 1) '(!extend))))`
	_, a := analyze(src)
	syms := a.Symbols()
	var sb strings.Builder
	var dump func([]*DocSymbol, string)
	dump = func(ss []*DocSymbol, ind string) {
		for _, s := range ss {
			fmt.Fprintf(&sb, "%s%s %s\n", ind, s.Kind, s.Name)
			dump(s.Children, ind+"  ")
		}
	}
	dump(syms, "")
	want := "quine completion\n  quine prompt\n  function f\n  variable v\n  think Plan A\n  trailing '(!extend)\n"
	if sb.String() != want {
		t.Errorf("symbols:\n%s\nwant:\n%s", sb.String(), want)
	}
}

// TestConformancePrograms lints every program of the shared conformance
// archives: no crash, and no unresolved-symbol finding for programs that
// are expected to evaluate successfully. The archives live in
// ../shared/conformance beside the module (as for the evaluator's
// conformance test); their absence is a failure, not a skip.
func TestConformancePrograms(t *testing.T) {
	archives, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	if len(archives) == 0 {
		t.Fatal("no conformance archives found in ../shared/conformance (beside the module root)")
	}
	n := 0
	for _, p := range archives {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fails := map[string]bool{}
		for _, fl := range ar.Files {
			if strings.HasSuffix(fl.Name, ".error") {
				fails[strings.TrimSuffix(fl.Name, ".error")] = true
			}
		}
		for _, fl := range ar.Files {
			if !strings.HasSuffix(fl.Name, ".spl") {
				continue
			}
			n++
			f := syntax.Parse(fl.Name, fl.Data)
			a := Analyze(f, Options{})
			_ = a.Symbols()
			for _, d := range Lint(f, a, Config{}) {
				if d.Rule == "unresolved-symbol" && !fails[strings.TrimSuffix(fl.Name, ".spl")] && len(f.Errors) == 0 {
					t.Errorf("%s %s:%s: %s (program evaluates fine)", filepath.Base(p), fl.Name, f.Position(d.Start), d.Message)
				}
			}
		}
	}
	t.Logf("linted %d conformance programs", n)
}

// TestScenarioCompletions lints the programs of the scripted scenarios
// (prompt + completion): no false unresolved-symbol errors.
func TestScenarioCompletions(t *testing.T) {
	archives, _ := filepath.Glob("../testdata/script/scenario_*.txtar")
	// Known true positive: S01b's child reads a binding of its parent.
	expected := map[string]bool{"scenario_S01.txtar:b/main/2.completion:secret": true}
	for _, p := range archives {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		prompts := map[string][]byte{}
		for _, fl := range ar.Files {
			if name, ok := strings.CutSuffix(fl.Name, ".prompt"); ok {
				prompts[name] = fl.Data
			}
		}
		for _, fl := range ar.Files {
			name, ok := strings.CutSuffix(fl.Name, ".completion")
			if !ok || prompts[name] == nil {
				continue
			}
			src := append(append([]byte{}, prompts[name]...), fl.Data...)
			f := syntax.Parse(fl.Name, src)
			for _, d := range Lint(f, Analyze(f, Options{}), Config{}) {
				key := filepath.Base(p) + ":" + fl.Name + ":" + string(src[d.Start:d.End])
				if d.Rule == "unresolved-symbol" && !expected[key] {
					t.Errorf("%s:%s: %s", key, f.Position(d.Start), d.Message)
				}
			}
		}
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// TestNestedFnOwners: in let-bound fns nested in each other's bodies, every
// call belongs to the innermost named fn around it (fnBodyOwner jumps over
// the runs inner fns settled; it must give what visiting them gives).
func TestNestedFnOwners(t *testing.T) {
	const n = 200
	var b strings.Builder
	for k := 1; k <= n; k++ {
		fmt.Fprintf(&b, "(let [f%d (fn [] (g%d) ", k, k)
	}
	for k := n; k >= 1; k-- {
		fmt.Fprintf(&b, ")] (f%d) (h%d))", k, k)
	}
	_, a := analyze(b.String())
	owners := map[string]string{}
	for _, c := range a.Calls {
		owner := ""
		if c.Owner != nil {
			owner = c.Owner.Name
		}
		owners[c.Name] = owner
	}
	for k := 1; k <= n; k++ {
		want := ""
		if k > 1 {
			want = fmt.Sprintf("f%d", k-1)
		}
		if got := owners[fmt.Sprintf("g%d", k)]; got != fmt.Sprintf("f%d", k) {
			t.Fatalf("(g%d) owned by %q, want f%d", k, got, k)
		}
		for _, name := range []string{"f", "h"} {
			if got := owners[fmt.Sprintf("%s%d", name, k)]; got != want {
				t.Fatalf("(%s%d) owned by %q, want %q", name, k, got, want)
			}
		}
	}
}
