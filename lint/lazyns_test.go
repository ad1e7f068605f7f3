package lint

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/spell-go/spell/syntax"
)

// TestDefaultNamespacesLazy: Options{} (the default profile's namespaces,
// made only when a name needs them) finds what the default namespaces
// given explicitly find, including namespace roots, members, did-you-mean
// over namespace names and effect uses; and the analysis keeps its nil
// Namespaces.
func TestDefaultNamespacesLazy(t *testing.T) {
	for _, src := range []string{
		"(let [x 41]\n  (+ x 1))\n",
		"(io/read-file \"a\")\n",
		"(quine completion (eval (do (quine prompt \"x\") (quote [(io/read-file \"a\") (web/fetch \"u\") (workers/explore \"q\")]))))",
		"(iox/read-file \"a\")\n(strng/join [1])\n(io/no-such 1)\n",
		"(let [f (fn [] (agents/spawn 1))] (f))\n",
		"(defn g [] (io/sh \"ls\" \"-l\"))\n(g)\n",
		"(wbe 1)\n(io 2)\n(strings/join \",\" [1 2])\n",
	} {
		f := syntax.Parse("a.spl", []byte(src))
		lazy := Analyze(f, Options{})
		if lazy.Opts.Namespaces != nil {
			t.Errorf("%q: Analyze(Options{}) set Opts.Namespaces", src)
		}
		got := CheckAnalysis(f, lazy, Config{})
		want := Check(f, Options{Namespaces: DefaultNamespaces()}, Config{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nOptions{} gives       %v\nDefaultNamespaces gives %v", src, got, want)
		}
	}
}

// TestDefaultNamespacesMadeOnNeed: in a fresh process (as spell lint
// runs), checking a file that names no namespace does not make the default
// profile's namespaces; a file that names one makes them.
func TestDefaultNamespacesMadeOnNeed(t *testing.T) {
	if os.Getenv("SPELL_LINT_LAZYNS_CHILD") == "1" {
		for _, src := range []string{"(let [x 41]\n  (+ x 1))\n", "(io/read-file \"a\")\n"} {
			Check(syntax.Parse("a.spl", []byte(src)), Options{}, Config{})
			fmt.Printf("lazyns-made %v\n", defaultNS != nil)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDefaultNamespacesMadeOnNeed$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SPELL_LINT_LAZYNS_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var made []string
	for _, line := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(line, "lazyns-made "); ok {
			made = append(made, s)
		}
	}
	if want := []string{"false", "true"}; !reflect.DeepEqual(made, want) {
		t.Fatalf("default namespaces made after a plain file, a file naming io/: %v, want %v\n%s", made, want, out)
	}
}
