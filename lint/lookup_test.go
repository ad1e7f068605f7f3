package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/spell-go/spell/syntax"
)

// TestLookupMatchesChain analyses every Spell program at hand with lookup
// checked against the walk of the scope chain it replaced (lookupChain
// panics on the first difference): the .spl files of the repository, the
// programs and completions of the testscript and conformance archives, the
// rule cases, deep nests and shapes where a scope is left and a sibling
// entered (if-let's else branch, for's :let, as->, catch, #()).
func TestLookupMatchesChain(t *testing.T) {
	checkLookup.Store(true)
	defer checkLookup.Store(false)
	var srcs [][]byte
	add := func(b []byte) { srcs = append(srcs, b) }
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != ".." {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(p, ".spl"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			add(b)
		case strings.HasSuffix(p, ".txtar"):
			ar, err := txtar.ParseFile(p)
			if err != nil {
				return err
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".spl") || strings.HasSuffix(f.Name, ".completion") {
					add(f.Data)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	conf, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "*.txtar"))
	for _, p := range conf {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".spl") {
				add(f.Data)
			}
		}
	}
	for _, c := range ruleCases {
		add([]byte(c.src))
	}
	for _, src := range []string{
		"(let [x 1] (if-let [x (f x)] x (g x)) x)",
		"(if-some [y 1] y y)",
		"(let [x 1] (do (let [x 2] x) x) (let [y x] (let [x y] x)) x)",
		"(for [x xs :let [y (inc x) x y] :when (odd? x)] [x y])",
		"(as-> 1 v (inc v) (let [v 2] v) v)",
		"(try (f x) (catch e (let [e 1] e) e)) e",
		"(defn f [a & [b :as c]] (#(+ % a %2 b) (fn [a] a) #(c %&)) a)",
		"(loop [i 0 j i] (if (< i 3) (recur (inc i) (let [i j] i)) (let [k i] k)))",
		"(defmacro m [x] x) (let [m 1] (m 2)) (m 3)",
		"(quine completion (eval (do (def a 1) (let [completion 2] completion) '(f completion a))))",
		"(let [{:keys [a b] :as m :or {a b}} {}] (let [[a & b] m] [a b m]))",
	} {
		add([]byte(src))
	}
	add(deepLets(2000))
	var b strings.Builder
	for i := range 2000 {
		b.WriteString("(let [x ")
		b.WriteString(strings.Repeat("x ", i%3))
		b.WriteString("1] (if-let [y x] (let [x y] y) x) ")
	}
	b.WriteString(strings.Repeat(")", 2000))
	add([]byte(b.String()))

	for _, src := range srcs {
		f := syntax.Parse("p.spl", src)
		Check(f, Options{}, Config{})
	}
	t.Logf("analysed %d programs", len(srcs))
}
