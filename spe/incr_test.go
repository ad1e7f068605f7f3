package spe

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/trace"
)

// incrCase is a multi-turn run for the incremental-turn tests: the task's
// completions by "handle/n".
type incrCase struct {
	name        string
	task        string
	completions map[string]string
	maxSteps    int64
	resumes     bool // the incremental run must start some turn from a kept prefix
}

// recorder is the provider, tracer and effect log of one run: everything
// the two evaluation paths must agree on.
type recorder struct {
	completions map[string]string
	log         []string
}

func (r *recorder) Name() string { return "rec" }

func (r *recorder) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	key := fmt.Sprintf("%s/%d", req.Handle, req.CallNumber)
	r.log = append(r.log, fmt.Sprintf("prompt %s %s: %s", key, req.Kind, req.Prefix))
	c, ok := r.completions[key]
	if !ok {
		return nil, &provider.Error{Provider: "rec", Msg: "no completion for " + key}
	}
	return &provider.Response{Suffix: c}, nil
}

func (r *recorder) Event(ev string, fields map[string]any) error {
	f := map[string]any{}
	for k, v := range fields {
		if k != trace.KeyLatencyMS && k != trace.KeyDurationMS {
			f[k] = v
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		b = []byte(fmt.Sprint(f))
	}
	r.log = append(r.log, "event "+ev+" "+string(b))
	return nil
}

func (r *recorder) WriteProgram(turn int, text string) (string, error) {
	r.log = append(r.log, fmt.Sprintf("program %d: %s", turn, text))
	return fmt.Sprintf("turn-%04d.spell", turn), nil
}

func (r *recorder) WriteLeaf(turn int, prompt, response string) (string, error) {
	r.log = append(r.log, fmt.Sprintf("leaf %d: %s -> %s", turn, prompt, response))
	return fmt.Sprintf("leaf-%04d.txt", turn), nil
}

func (r *recorder) Sync() error { return nil }

// runIncrCase runs c with incremental turns on or off and returns the
// whole record of the run and the runtime; set changes the runtime
// before the run.
func runIncrCase(t testing.TB, c incrCase, full bool, set ...func(*Runtime)) (string, *Runtime) {
	t.Helper()
	rec := &recorder{completions: c.completions}
	lim := eval.Limits{MaxSteps: 1_000_000}
	if c.maxSteps > 0 {
		lim.MaxSteps = c.maxSteps
	}
	rt := New(Options{Provider: rec, Transport: provider.Prefill, Recover: true, Limits: DefaultLimits,
		EvalLimits: lim, Seed: 1, Trace: rec, FullTurns: full})
	for _, f := range set {
		f(rt)
	}
	ticks := 0
	tick := &eval.Builtin{Name: "tt/tick", Min: 1, Max: 1, Fn: func(call *eval.Call, a []value.Value) (value.Value, error) {
		return rt.Hook(call.In.Context(), "tt/tick", a, func() (value.Value, error) {
			ticks++
			rec.log = append(rec.log, fmt.Sprintf("effect tt/tick %s -> %d", value.PrStr(a[0]), ticks))
			return int64(ticks * 100), nil
		})
	}}
	rt.opts.Namespaces = map[string]*value.Map{"tt": value.NewMap(value.Kw("tick"), tick)}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
	defer cancel()
	base := fnLitBase(t)
	v, err := rt.Run(ctx, "<task>", []byte(Task(c.task)))
	if err != nil {
		rec.log = append(rec.log, "error: "+err.Error())
		var e *eval.Error
		if ee, ok := err.(*eval.Error); ok {
			e = ee
		}
		if e != nil && e.Span != nil {
			rec.log = append(rec.log, "at "+e.Span.String())
		}
	} else {
		rec.log = append(rec.log, "value: "+value.PrStr(v))
	}
	st := rt.Stats()
	rec.log = append(rec.log, fmt.Sprintf("stats: calls %v effects %v max-depth %d consecutive %d/%d", st.Calls, st.Effects, st.MaxDepth, st.ConsecutiveMax, st.ConsecutiveFinal))
	return normaliseFnLits(strings.Join(rec.log, "\n"), base), rt
}

var fnLitParam = regexp.MustCompile(`__(\d+)#`)

// fnLitBase reads a fn literal and returns the number its parameter got:
// every read numbers fn literal parameters (p1__17#) from a process-wide
// counter, so two runs in one process agree on them only relative to the
// counter at their start.
func fnLitBase(t testing.TB) int {
	rr, err := eval.ReadProgram("probe", []byte("#(+ % 1)"))
	if err != nil {
		t.Fatal(err)
	}
	m := fnLitParam.FindStringSubmatch(value.PrStr(rr.Form))
	n, _ := strconv.Atoi(m[1])
	return n
}

// normaliseFnLits rewrites fn literal parameter numbers relative to base;
// the prompt hash, which covers them, goes (the prompts themselves are
// compared).
func normaliseFnLits(s string, base int) string {
	s = fnLitParam.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.Atoi(m[2 : len(m)-1])
		return fmt.Sprintf("__+%d#", n-base)
	})
	return regexp.MustCompile(`"prompt_sha256":"[0-9a-f]*"`).ReplaceAllString(s, `"prompt_sha256":"…"`)
}

// checkIncrCase runs c both ways and fails on any difference.
func checkIncrCase(t testing.TB, c incrCase) IncrementalStats {
	t.Helper()
	full, _ := runIncrCase(t, c, true)
	incr, rt := runIncrCase(t, c, false)
	st := rt.IncrementalStats()
	if full != incr {
		fl, il := strings.Split(full, "\n"), strings.Split(incr, "\n")
		for i := 0; i < max(len(fl), len(il)); i++ {
			var a, b string
			if i < len(fl) {
				a = fl[i]
			}
			if i < len(il) {
				b = il[i]
			}
			if a != b {
				t.Fatalf("%s: incremental run differs at line %d (stats %+v)\nfull:        %s\nincremental: %s\n\nwhole full run:\n%s", c.name, i+1, st, a, b, full)
			}
		}
	}
	if c.resumes && st.Resumed == 0 {
		t.Fatalf("%s: no turn started from a kept prefix (%+v)\n%s", c.name, st, incr)
	}
	return st
}

// goldenIncrCases are the replays of testdata/golden/turns.txtar.
func goldenIncrCases(t *testing.T) []incrCase {
	in, err := txtar.ParseFile(filepath.Join("testdata", "golden", "turns.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*incrCase{}
	var names []string
	for _, f := range in.Files {
		name, rest, _ := strings.Cut(f.Name, "/")
		c := by[name]
		if c == nil {
			c = &incrCase{name: "golden/" + name, completions: map[string]string{}, resumes: true}
			by[name] = c
			names = append(names, name)
		}
		if rest == "task" {
			c.task = strings.TrimSpace(string(f.Data))
		} else if key, ok := strings.CutSuffix(rest, ".completion"); ok {
			c.completions[key] = strings.TrimSuffix(string(f.Data), "\n")
		}
	}
	sort.Strings(names)
	var out []incrCase
	for _, n := range names {
		out = append(out, *by[n])
	}
	return out
}

func turns(suffixes ...string) map[string]string {
	m := map[string]string{}
	for i, s := range suffixes {
		m[fmt.Sprintf("main/%d", i+1)] = s
	}
	return m
}

// incrCases are programs written against the soundness rule (eval/incr.go).
var incrCases = []incrCase{
	{name: "append", resumes: true, completions: turns(
		`(def a 1) (def b (+ a 1)) '(!extend))))`,
		`(def c (+ b 1)) '(!extend))))`,
		`(def d (* c 2)) '(!extend))))`,
		`'[a b c d])))`)},
	{name: "prune-rethink-persist", resumes: true, completions: turns(
		`(def x 1) (think "A") (def ys [1 2 3]) '(!extend))))`,
		`(rethink "B") (persist n (count ys)) '(!extend))))`,
		`(prune 2) (def z 5) '(!extend))))`,
		`'[x z (try n (catch e :pruned))])))`)},
	{name: "rethink-early", resumes: true, completions: turns(
		`(def a 1) (def b 2) (def c 3) '(!extend))))`,
		`(def d 4) '(!extend))))`,
		`(rethink 5 "collapse") (def e 5) '(!extend))))`,
		`'[e (try a (catch x :gone)) (try d (catch x :gone))])))`)},
	{name: "edit-early-by-prefix", resumes: true, completions: turns(
		`(def a 1) (def b 2) '(!extend))))`,
		`(def c 3) '(!llm-self "(quine completion (eval (do (quine prompt \"Edit.\") (def a 99) "))))`,
		`(def b (+ a 1)) '(!extend))))`,
		`'[a b (try c (catch e :noc))])))`)},
	{name: "builtin-redef", resumes: true, completions: turns(
		`(def inc dec) (def a (inc 5)) '(!extend))))`,
		`(def b (inc a)) '(!extend))))`,
		`(def inc (fn [x] (+ x 100))) '(!extend))))`,
		`'[a b (map inc [1 2])])))`)},
	{name: "quine-read", resumes: true, completions: turns(
		`(def pre 1) (def n (count (pr-str completion))) '(!extend))))`,
		`(def m (count (str completion))) '(!extend))))`,
		`'[n m (count (pr-str completion))])))`)},
	{name: "quine-via-fn", resumes: true, completions: turns(
		`(defn size [] (count (pr-str completion))) (def s1 (size)) '(!extend))))`,
		`(def s2 (size)) '(!extend))))`,
		`'[s1 s2 (size)])))`)},
	{name: "quine-via-built-symbol", resumes: true, completions: turns(
		`(def k 1) (def s (count (pr-str (spell-eval (symbol "completion"))))) '(!extend))))`,
		`(def t (+ s 1)) '(!extend))))`,
		`'[s t])))`)},
	{name: "quine-via-macro", resumes: true, completions: turns(
		`(defmacro sz [] (count (pr-str completion))) (def a (sz)) '(!extend))))`,
		`(def b (sz)) '(!extend))))`,
		`'[a b (sz)])))`)},
	{name: "quine-copied", resumes: true, completions: turns(
		`(def k 1) (def saved completion) '(!extend))))`,
		`(def n (count (pr-str saved))) '(!extend))))`,
		`'[n (count (pr-str saved))])))`)},
	{name: "quine-rebound", resumes: true, completions: turns(
		`(def k 1) (def keep (fn [] 1)) '(!extend))))`,
		`(def completion2 2) (try (throw 1) (catch completion :c)) '(!extend))))`,
		`'[k (keep)])))`)},
	{name: "gensym", resumes: true, completions: turns(
		`(def g1 (gensym)) (defmacro gm [] (list 'quote (gensym "m"))) (def g2 (gm)) '(!extend))))`,
		`(def g3 (gensym)) (def g4 (gm)) '(!extend))))`,
		`'[g1 g2 g3 g4 (gensym) (gm)])))`)},
	{name: "rand", resumes: true, completions: turns(
		`(def a 1) (def r (rand-int 1000000)) '(!extend))))`,
		`(def r2 (rand-int 1000000)) '(!extend))))`,
		`'[r r2 (rand-int 1000000) (shuffle [1 2 3 4 5 6])])))`)},
	{name: "future", resumes: true, completions: turns(
		`(def a 1) (def f (future (+ 1 2))) '(!extend))))`,
		`(def g (future (* 2 3))) '(!extend))))`,
		`'[a (map? f) (map? g)])))`)},
	{name: "effects-call-now", resumes: true, completions: turns(
		`'(!call-now x (tt/tick 1)))))`,
		`(def y (+ x 1)) '(!call-now z (tt/tick y)))))`,
		`(def w 3) '(!print (tt/tick w)))))`,
		`'[x y z w])))`)},
	{name: "effect-in-prefix-eval", resumes: true, completions: turns(
		`(def a 1) (def e (eval '(tt/tick 7))) '(!extend))))`,
		`(def f 2) '(!extend))))`,
		`'[e f])))`)},
	{name: "nested-same-handle", resumes: true, completions: turns(
		`(def a 1) '(!extend))))`,
		`(def b (str "v" a)) '(do (def r (!llm-self "sub")) (!extend r))))`,
		`(def s 1) '(+ s 1))))`,
		`'[a b])))`)},
	{name: "fn-literal", resumes: true, completions: turns(
		`(def f #(+ % 1)) (def k 2) '(!extend))))`,
		`(def g #(* % 2)) '(!extend))))`,
		`(def h (fn [x] x)) '(!extend))))`,
		`'[(f 1) (g 2) (pr-str f) (pr-str g)])))`)},
	{name: "layout-comments-escapes", resumes: true, completions: turns(
		"(def a \"x\\qy\") ; a comment\n(def b [1\n 2])\n'(!extend))))",
		"\n// a foreign comment\n(def c (count a))   '(!extend))))",
		`'[a b c])))`)},
	{name: "persist-fn", resumes: true, completions: turns(
		`(defn f [x] (* x 3)) (def k 1) '(!extend))))`,
		`(persist f) (def j 2) '(!extend))))`,
		`'(f 2))))`)},
	{name: "shadow-later", resumes: true, completions: turns(
		`(def x 1) (def y (+ x 1)) '(!extend))))`,
		`(def x 10) '(!extend))))`,
		`'[x y])))`)},
	{name: "errors-and-recovery", resumes: true, completions: turns(
		`(def a 1) (def r (try (undefined) (catch e (:message e)))) '(!extend))))`,
		`(def b (/ 1 0)) '(!extend))))`,
		`(def c 3) '(!extend))))`,
		`(def d "unterminated '(!extend))))`,
		`(def e 5) '[a r e])))`)},
	{name: "step-limit", resumes: true, maxSteps: 17000, completions: turns(
		`(def s (loop [i 0 a 0] (if (< i 400) (recur (inc i) (+ a i)) a))) '(!extend))))`,
		`(def t (loop [i 0 a 0] (if (< i 400) (recur (inc i) (+ a i)) a))) '(!extend))))`,
		`(def u (loop [i 0 a 0] (if (< i 400) (recur (inc i) (+ a i)) a))) '(!extend))))`,
		`(def v (loop [i 0 a 0] (if (< i 400) (recur (inc i) (+ a i)) a))) '(!extend))))`,
		`(def w (loop [i 0 a 0] (if (< i 400) (recur (inc i) (+ a i)) a))) '(!extend))))`,
		`'[s t u v w])))`)},
	{name: "fn-literal-verbatim-prefix", resumes: true, completions: turns(
		`(def a 1) '(!llm-self "(quine completion (eval (do (def f #(+ % 1)) (def k 2) "))))`,
		`(def j 3) '(!llm-self "(quine completion (eval (do (def f #(+ % 1)) (def k 2) (def j 3) "))))`,
		`'[(f 1) (pr-str f) k j])))`)},
	{name: "quine-name-rebound", resumes: true, completions: turns(
		`'(!llm-self "(quine completion (eval (do (def k 1) (def completion :fake) "))))`,
		`(def z 2) '(!llm-self "(quine completion (eval (do (def k 1) (def completion :fake) (def z 2) "))))`,
		`'[k completion z])))`)},
	{name: "error-span-spliced", resumes: true, maxSteps: 20000, completions: turns(
		// the repaired escape makes every reading whole, so the kept
		// forms are spliced in (Plan's default case) with their spans
		"(def s \"x\\qy\") (defn spin [n] (loop [i n] (recur (inc i)))) (def a 1) '(!extend))))",
		`(def b 2) '(!extend))))`,
		`(def c 3) '(!extend))))`,
		`'(spin b))))`)},
	{name: "limit-span", resumes: true, maxSteps: 20000, completions: turns(
		`(defn spin [n] (loop [i n] (recur (inc i)))) (def a 1) '(!extend))))`,
		`(def b 2) '(!extend))))`,
		`'(spin b))))`)},
	{name: "error-span", resumes: true, completions: turns(
		`(defn bad [x] (+ x :k)) (def a 1) '(!extend))))`,
		`(def b 2) '(!extend))))`,
		`'(bad b))))`)},
}

// longBody is n small definitions (the edit pass memoises lists of more
// than 32 forms, eval/editmemo.go).
func longBody(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "(def m%d {:n %d :tags [:a %d]}) ", i, i, i)
	}
	return b.String()
}

// longEditCases are programs long enough for the edit pass memo, with
// edit markers and persist forms in the kept part and in the new text.
var longEditCases = []incrCase{
	{name: "long-markers", resumes: true, completions: turns(
		`(def x 1) (persist x) (defn f [y] (prune) y) '(prune 1) `+longBody(40)+`(do `+longBody(35)+`) '(!extend))))`,
		`(def z 2) (persist z) '(!extend))))`,
		`(def x 3) '(!extend))))`,
		`(prune 3) (def w 4) '(!extend))))`,
		`(rethink 2 "again") `+longBody(3)+`'(!extend))))`,
		`'[x (try z (catch e :gone)) (try w (catch e :gone)) m0 (count (pr-str completion))])))`)},
	{name: "long-persist-unbound", resumes: true, completions: turns(
		longBody(36)+`(persist later) '(!extend))))`,
		`(def later 5) '(!extend))))`,
		`(def k 1) '(!extend))))`,
		`'[later k])))`)},
}

// TestIncrementalEditLimit runs a long growing program with the step
// limit swept through the turns' evaluation and edit passes: every limit
// stops both paths at the same step with the same error.
func TestIncrementalEditLimit(t *testing.T) {
	c := incrCase{name: "edit-limit", task: "Limit.", completions: turns(
		longBody(60)+`'(!extend))))`,
		`(def a 1) '(!extend))))`,
		`(def b (loop [i 0] (if (< i 60) (recur (inc i)) i))) '(!extend))))`,
		`(def c 3) '(!extend))))`,
		`'[a b c])))`)}
	// The passes after the first skip about 600 steps; the loop of the
	// third turn moves its pass's start by about 500 so that some limits
	// fall inside the skipped part; around the second turn's end every
	// limit is tried (a pass that charged one step too few or too many
	// would end that turn differently at one of them).
	for limit := int64(680); limit <= 1500; {
		c.maxSteps = limit
		c.name = fmt.Sprintf("edit-limit-%d", limit)
		checkIncrCase(t, c)
		if limit < 700 {
			limit++
		} else {
			limit += 11
		}
	}
}

// TestIncrementalEquivalence runs every golden multi-turn replay and every
// case above with incremental turns on and forced off: prompts, trace
// events, programs, effects, values, errors and statistics must be equal.
func TestIncrementalEquivalence(t *testing.T) {
	cases := append(append(goldenIncrCases(t), incrCases...), longEditCases...)
	for _, c := range cases {
		if c.task == "" {
			c.task = "Task " + c.name + "."
		}
		checkIncrCase(t, c)
	}
}

// TestIncrementalAppendEvaluatesO1: appending one form per turn to a
// 400-form program evaluates a bounded number of body forms per turn,
// not the program again.
func TestIncrementalAppendEvaluatesO1(t *testing.T) {
	const forms, extra = 400, 20
	var b strings.Builder
	for i := 0; i < forms; i++ {
		fmt.Fprintf(&b, "(def v%d (+ %d 1)) ", i, i)
	}
	sfx := []string{b.String() + `'(!extend))))`}
	for i := 0; i < extra; i++ {
		sfx = append(sfx, fmt.Sprintf(`(def w%d (+ v%d 1)) '(!extend))))`, i, i))
	}
	sfx = append(sfx, `'[v0 w0])))`)
	c := incrCase{name: "append-o1", task: "Grow.", completions: turns(sfx...)}
	checkIncrCase(t, c)
	// The per-turn counts: run again, reading the counter turn by turn.
	_, rt := runIncrCase(t, c, false)
	st := rt.IncrementalStats()
	turnsRun := extra + 3 // root, the big turn, the appends, the last
	// The root program and the first turn evaluate everything once
	// (forms+2); each later turn evaluates the previous turn's trailing
	// expression (printed differently now), its new def and trailing.
	if limit := forms + 2 + 2 + (turnsRun-2)*3; st.Evaluated > limit {
		t.Fatalf("evaluated %d body forms over %d turns, want at most %d (%+v)", st.Evaluated, turnsRun, limit, st)
	}
	if st.Resumed < extra {
		t.Fatalf("only %d turns started from a kept prefix, want %d (%+v)", st.Resumed, extra, st)
	}
	_, rtFull := runIncrCase(t, c, true)
	if full := rtFull.IncrementalStats(); full.Evaluated != 0 || full.Resumed != 0 {
		t.Fatalf("forced off, incremental counters moved: %+v", full)
	}
}

// randomIncrCase builds a random multi-turn program from forms that
// exercise the soundness rule: defs, functions, macros, gensym, rand,
// quine reads, eval, fn literals, redefinitions, effects and edits.
func randomIncrCase(seed int64) incrCase {
	r := rand.New(rand.NewSource(seed))
	nv := 0
	v := func() string {
		if nv == 0 {
			return "0"
		}
		return fmt.Sprintf("(try v%d (catch e 0))", r.Intn(nv))
	}
	form := func() string {
		switch r.Intn(22) {
		case 0:
			return fmt.Sprintf(`(think "step %d")`, r.Intn(100))
		case 1:
			return fmt.Sprintf("(prune %d)", r.Intn(3))
		case 2:
			return fmt.Sprintf(`(rethink %d "again")`, 1+r.Intn(3))
		case 3:
			if nv > 0 {
				return fmt.Sprintf("(persist v%d)", r.Intn(nv))
			}
		case 4:
			nv++
			return fmt.Sprintf("(defn v%d [x] (+ x %s))", nv-1, v())
		case 5:
			nv++
			return fmt.Sprintf("(def v%d (gensym))", nv-1)
		case 6:
			nv++
			return fmt.Sprintf("(def v%d (rand-int 1000))", nv-1)
		case 7:
			nv++
			return fmt.Sprintf("(def v%d (count (pr-str completion)))", nv-1)
		case 8:
			nv++
			return fmt.Sprintf("(def v%d (eval '(+ 1 %d)))", nv-1, r.Intn(9))
		case 9:
			nv++
			return fmt.Sprintf("(def v%d #(+ %% %d))", nv-1, r.Intn(9))
		case 10:
			return "(def inc dec)"
		case 11:
			return "(defmacro mm [] (list 'quote (gensym)))"
		case 12:
			nv++
			return fmt.Sprintf("(def v%d (try (mm) (catch e :nomacro)))", nv-1)
		case 13:
			nv++
			return fmt.Sprintf("(def v%d (str %s \"\\q\"))", nv-1, v())
		case 14:
			return fmt.Sprintf("(undefined-%d)", r.Intn(3))
		}
		nv++
		return fmt.Sprintf("(def v%d (inc %s))", nv-1, v())
	}
	trailing := func(last bool) string {
		if last {
			var names []string
			for i := 0; i < nv && i < 6; i++ {
				names = append(names, fmt.Sprintf("(try (pr-str v%d) (catch e :gone))", i))
			}
			return "'[" + strings.Join(names, " ") + "])))"
		}
		switch r.Intn(6) {
		case 0:
			nv++
			return fmt.Sprintf("'(!call-now v%d (tt/tick %d)))))", nv-1, r.Intn(9))
		case 1:
			return fmt.Sprintf("'(!print (inc %d)))))", r.Intn(9))
		}
		return "'(!extend))))"
	}
	n := 2 + r.Intn(6)
	var sfx []string
	for i := 0; i < n; i++ {
		var parts []string
		for j := r.Intn(5); j >= 0; j-- {
			parts = append(parts, form())
		}
		sep := " "
		if r.Intn(4) == 0 {
			sep = "\n"
		}
		parts = append(parts, trailing(i == n-1))
		sfx = append(sfx, strings.Join(parts, sep))
	}
	return incrCase{name: fmt.Sprintf("random-%d", seed), task: "Random.", completions: turns(sfx...)}
}

// TestIncrementalRandom compares both paths on random programs.
func TestIncrementalRandom(t *testing.T) {
	resumed := 0
	for seed := int64(1); seed <= 60; seed++ {
		resumed += checkIncrCase(t, randomIncrCase(seed)).Resumed
	}
	if resumed == 0 {
		t.Fatal("no random case started a turn from a kept prefix")
	}
}

// TestIncrementalRandomLongBody compares both paths on random programs
// whose body outgrows the reader's own-kids size from the first turn
// (300 definitions before the random forms): later turns read the body
// into the kid array of the reading before (syntax.KidsIntact), which
// edits, prunes, failing turns and broken completions must not confuse.
func TestIncrementalRandomLongBody(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "(def f%d %d) ", i, i)
	}
	resumed := 0
	for seed := int64(1); seed <= 20; seed++ {
		c := randomIncrCase(seed)
		c.name += "-long"
		c.completions["main/1"] = b.String() + c.completions["main/1"]
		resumed += checkIncrCase(t, c).Resumed
	}
	if resumed == 0 {
		t.Fatal("no long case started a turn from a kept prefix")
	}
}

// FuzzIncrementalTurns compares both paths on random programs drawn from
// the fuzzer's seed (go test runs the seeds below only). To fuzz, leave
// out the tests that link the provider SDKs (build tag spell_nosdk): a
// fuzzing build instruments every package it compiles, and the SDKs are
// most of this test binary's code.
//
//	go test -tags spell_nosdk ./spe -run '^$' -fuzz '^FuzzIncrementalTurns$'
func FuzzIncrementalTurns(f *testing.F) {
	for _, s := range []int64{0, 7, 42, 1234} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		checkIncrCase(t, randomIncrCase(seed))
	})
}

// BenchmarkIncrementalTurn measures one turn of a program of about 10 KB,
// 100 KB and 1 MB that grows by one form per turn (the usual extension),
// with incremental turns on and forced off: everything but the model call
// (reading, evaluation, editing and printing the next prefix; no trace).
//
//	go test ./spe -run XXX -bench IncrementalTurn -benchmem
func BenchmarkIncrementalTurn(b *testing.B) {
	for _, size := range []int{10 << 10, 100 << 10, 1 << 20} {
		for _, mode := range []string{"incremental", "full"} {
			b.Run(fmt.Sprintf("%dKB/%s", size>>10, mode), func(b *testing.B) {
				body := programOfSize(size)
				p := &benchTurns{b: b, first: body + `'(!extend))))`}
				rt := New(Options{Provider: p, Recover: false, Limits: Limits{MaxDepth: 64, MaxConsecutiveErrors: 3}, FullTurns: mode == "full"})
				p.last, p.rt = b.N+2, rt
				b.SetBytes(int64(size))
				if _, err := rt.Run(context.Background(), "<task>", []byte(Task("bench"))); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				st := rt.IncrementalStats()
				b.ReportMetric(float64(st.Evaluated-p.start.Evaluated)/float64(b.N), "forms-evaluated/turn")
			})
		}
	}
}

// benchTurns answers the big program first, then one def per turn; the
// timer starts at the second turn.
type benchTurns struct {
	b     *testing.B
	first string
	last  int
	rt    *Runtime
	start IncrementalStats // at the second turn
}

func (p *benchTurns) Name() string { return "bench" }

func (p *benchTurns) Complete(ctx context.Context, req *provider.Request) (*provider.Response, error) {
	switch n := req.CallNumber; {
	case n == 1:
		return &provider.Response{Suffix: p.first}, nil
	case n == 2:
		p.start = p.rt.IncrementalStats()
		p.b.ResetTimer()
		fallthrough
	case n < p.last:
		return &provider.Response{Suffix: fmt.Sprintf(`(def g%d %d) '(!extend))))`, n, n)}, nil
	}
	return &provider.Response{Suffix: `:done)))`}, nil
}
