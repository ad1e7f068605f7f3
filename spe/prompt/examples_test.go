package prompt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// reporter is the part of testing.T the checks use (a recorder in the
// test of the checks themselves).
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// recorder collects reported errors.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestCheckersCatchDrift makes sure the example checks fail on wrong
// examples.
func TestCheckersCatchDrift(t *testing.T) {
	bad := []string{
		";; example\n(+ 1 2)\n; => 4\n",
		";; example\n(def x 1)\n(inc x) ; => 3\n",
		";; example\n(/ 1 0)\n; => 1\n",
		";; example\n(+ 1 2)\n; => error: boom\n",
		";; example\n(undefined-fn 1)\n",
		";; shape\n'(!call-now x (io/ls \".\")\n",
		";; turn\nprefix: (quine completion (eval (do\nsuffix: '(!extend))))))\n",
		";; turn\nprefix: (quine completion (eval (do\nsuffix: (* 6 7))))\n; => 41\n",
		";; turn\nprefix: (quine completion (eval (do 1)))\nsuffix: 2\n",
		";; exmaple\n(+ 1 2)\n",
		"(an unbalanced code line\n",
	}
	for _, text := range bad {
		var r recorder
		checkText(&r, "bad", text)
		if len(r.errs) == 0 {
			t.Errorf("no error reported for %q", text)
		}
	}
	var r recorder
	checkText(&r, "good", ";; example\n(def x 1)\n(inc x) ; => 2\n(str x) ; => \"1\"\n\n;; turn\nprefix: (quine completion (eval (do\nsuffix: '(* 6 7))))\n; => 42\n")
	if len(r.errs) != 0 {
		t.Errorf("good text reported: %v", r.errs)
	}
}

// block is one example block of a prompt text (see the package comment).
type block struct {
	kind string // example, shape, turn
	line int    // 1-based line of the header
	code []string
}

// extractBlocks returns the example blocks of text and the lines outside
// blocks that start like code. A header ";; WORD" with an unknown WORD is
// reported as an error.
func extractBlocks(t reporter, name, text string) (blocks []block, loose []int) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, ";; ") {
			word := strings.TrimPrefix(l, ";; ")
			if j := strings.IndexAny(word, ": "); j >= 0 {
				word = word[:j]
			}
			switch word {
			case "example", "shape", "turn":
			default:
				t.Errorf("%s:%d: unknown example header %q", name, i+1, l)
				continue
			}
			b := block{kind: word, line: i + 1}
			for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
				i++
				b.code = append(b.code, lines[i])
			}
			if len(b.code) == 0 {
				t.Errorf("%s:%d: empty example block", name, i+1)
			}
			blocks = append(blocks, b)
			continue
		}
		if strings.HasPrefix(l, "(") || strings.HasPrefix(l, "'(") {
			loose = append(loose, i)
		}
	}
	return blocks, loose
}

// checkText checks every example of a text and returns the number of
// blocks of each kind.
func checkText(t reporter, name, text string) map[string]int {
	t.Helper()
	blocks, loose := extractBlocks(t, name, text)
	lines := strings.Split(text, "\n")
	for _, i := range loose {
		f := syntax.Parse(name, []byte(lines[i]))
		if len(f.Errors) > 0 {
			t.Errorf("%s:%d: code line outside an example block does not read: %s: %s", name, i+1, lines[i], f.Errors[0].Msg)
		}
	}
	counts := map[string]int{}
	for _, b := range blocks {
		counts[b.kind]++
		where := fmt.Sprintf("%s:%d", name, b.line)
		switch b.kind {
		case "example":
			checkExample(t, where, strings.Join(b.code, "\n"))
		case "shape":
			src := strings.Join(b.code, "\n")
			f := syntax.Parse(where, []byte(src))
			if len(f.Errors) > 0 {
				t.Errorf("%s: shape example does not read: %s at %s", where, f.Errors[0].Msg, f.Position(f.Errors[0].Off))
			}
			if len(f.Forms) == 0 {
				t.Errorf("%s: shape example has no form", where)
			}
		case "turn":
			checkTurns(t, where, b.code)
		}
	}
	return counts
}

// expectation is a "; => v" comment: the value of the forms before off.
type expectation struct {
	off  int
	text string
}

func expectations(src string) []expectation {
	var out []expectation
	off := 0
	for _, l := range strings.SplitAfter(src, "\n") {
		if i := strings.Index(l, "; =>"); i >= 0 {
			out = append(out, expectation{off: off + i, text: strings.TrimSpace(l[i+len("; =>"):])})
		}
		off += len(l)
	}
	return out
}

// checkExample evaluates the forms of a pure example in order and compares
// each "; =>" expectation.
func checkExample(t reporter, where, src string) {
	t.Helper()
	f := syntax.Parse(where, []byte(src))
	if len(f.Errors) > 0 {
		t.Errorf("%s: example does not read: %s", where, f.Errors[0].Msg)
		return
	}
	exps := expectations(src)
	if len(exps) == 0 {
		// Still evaluate: a pure example must not fail.
		if _, err := eval.EvalString("(do\n" + src + "\n)"); err != nil {
			t.Errorf("%s: example fails: %v", where, err)
		}
		return
	}
	for _, x := range exps {
		end := -1
		for _, form := range f.Forms {
			if int(form.End) <= x.off {
				end = int(form.End)
			}
		}
		if end < 0 {
			t.Errorf("%s: expectation %q has no form before it", where, x.text)
			continue
		}
		got, err := eval.EvalString("(do\n" + src[:end] + "\n)")
		checkValue(t, where, src[:end], got, err, x.text)
	}
}

// checkValue compares a result with an expectation text: "error: msg"
// (the error message must contain msg) or a value in readable form.
func checkValue(t reporter, where, src string, got value.Value, err error, want string) {
	t.Helper()
	if msg, ok := strings.CutPrefix(want, "error: "); ok {
		if err == nil {
			t.Errorf("%s: %s\n  => %s, want error containing %q", where, src, value.PrStr(got), msg)
		} else if !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %s\n  error %q, want it to contain %q", where, src, err, msg)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %s\n  error %v, want %s", where, src, err, want)
		return
	}
	exp, perr := eval.EvalString("(quote " + want + ")")
	if perr != nil {
		t.Errorf("%s: expectation %q does not read: %v", where, want, perr)
		return
	}
	if !value.Equal(got, exp) {
		t.Errorf("%s: %s\n  => %s\n want %s", where, src, value.PrStr(got), want)
	}
}

// checkTurns checks prefix/suffix pairs: the prefix is an open program,
// prefix + suffix reads as exactly one complete form, and a following
// "; =>" is the value of that program.
func checkTurns(t reporter, where string, code []string) {
	t.Helper()
	type pair struct{ prefix, suffix, want string }
	var pairs []*pair
	var cur *pair
	inSuffix := false
	for _, l := range code {
		switch {
		case strings.HasPrefix(l, "prefix: "):
			cur = &pair{prefix: strings.TrimPrefix(l, "prefix: ")}
			pairs = append(pairs, cur)
			inSuffix = false
		case strings.HasPrefix(l, "suffix: ") && cur != nil:
			cur.suffix = strings.TrimPrefix(l, "suffix: ")
			inSuffix = true
		case strings.HasPrefix(l, "; =>") && cur != nil:
			cur.want = strings.TrimSpace(strings.TrimPrefix(l, "; =>"))
		case cur != nil && inSuffix:
			cur.suffix += "\n" + l
		case cur != nil:
			cur.prefix += "\n" + l
		default:
			t.Errorf("%s: turn example line before any prefix: %q", where, l)
		}
	}
	if len(pairs) == 0 {
		t.Errorf("%s: turn example without prefix", where)
	}
	for i, p := range pairs {
		w := fmt.Sprintf("%s (turn %d)", where, i+1)
		if p.suffix == "" {
			t.Errorf("%s: no suffix", w)
			continue
		}
		pf := syntax.Parse(w, []byte(p.prefix))
		if len(pf.Errors) == 0 {
			t.Errorf("%s: the prefix is already complete; a prefix must end inside the open do", w)
		}
		program := p.prefix + " " + p.suffix
		f := syntax.Parse(w, []byte(program))
		if len(f.Errors) > 0 {
			t.Errorf("%s: prefix + suffix does not read: %s at %s", w, f.Errors[0].Msg, f.Position(f.Errors[0].Off))
			continue
		}
		if len(f.Forms) != 1 {
			t.Errorf("%s: prefix + suffix reads as %d forms, want 1", w, len(f.Forms))
			continue
		}
		if !strings.HasPrefix(p.prefix, "(quine completion (eval (do") {
			t.Errorf("%s: prefix does not open the completion wrapper", w)
		}
		if p.want != "" {
			got, err := eval.EvalString(program)
			checkValue(t, w, program, got, err, p.want)
		}
	}
}
