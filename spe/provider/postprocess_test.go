package provider

import "testing"

func TestStripFence(t *testing.T) {
	cases := []struct{ in, want string }{
		{"(+ 1 2))", "(+ 1 2))"},
		{"  (+ 1 2)) \n", "  (+ 1 2)) \n"}, // no fence: unchanged
		{"```clojure\n(+ 1 2))\n```", "(+ 1 2))"},
		{"\n  ```\n(a)\n(b)\n```\ntrailing prose", "(a)\n(b)"},
		{"```spell\n(str \"```\")\n```", "(str \"```\")"},
		{"```", ""},
		{"```lisp\n(x)", "(x)"},
	}
	for _, c := range cases {
		if got := StripFence(c.in); got != c.want {
			t.Errorf("StripFence(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStripEcho(t *testing.T) {
	cases := []struct{ prefix, in, want string }{
		{"(do (def x 1)\n", "(do (def x 1)\n(+ x 1))", "(+ x 1))"},
		{"(do (def x 1)\n", "  (do (def x 1)   (+ x 1))", "   (+ x 1))"},
		{"(do ", "(+ 1 2))", "(+ 1 2))"},
		{"", "(x)", "(x)"},
		{"  \n", "(x)", "(x)"},
	}
	for _, c := range cases {
		if got := StripEcho(c.prefix, c.in); got != c.want {
			t.Errorf("StripEcho(%q, %q) = %q, want %q", c.prefix, c.in, got, c.want)
		}
	}
}

func TestPostProcess(t *testing.T) {
	prefix := "(do (def x 1)\n"
	fenced := "```clojure\n(do (def x 1)\n(+ x 1))\n```"
	cases := []struct {
		t    Transport
		in   string
		want string
	}{
		{Message, fenced, "(+ x 1))"},
		{ToolCall, fenced, "(+ x 1))"},
		{Prefill, "```\n(+ x 1))\n```", "(+ x 1))"},
		{Prefill, "(do (def x 1)\n1)", "(do (def x 1)\n1)"}, // no echo stripping in pf
		{Text, fenced, fenced},                              // leaf text unmodified
		{Message, "  \n", "  \n"},
	}
	for _, c := range cases {
		if got := PostProcess(c.t, prefix, c.in); got != c.want {
			t.Errorf("PostProcess(%s, %q) = %q, want %q", c.t, c.in, got, c.want)
		}
	}
}

func TestConvertThink(t *testing.T) {
	cases := []struct{ in, want string }{
		{"<think>\nplan: \"add\"\tthen \\ print\n</think>\n(+ 1 2))", `(think "plan: \"add\"\tthen \\ print") (+ 1 2))`},
		{"  <think>a\nb</think>(x)", `(think "a\nb") (x)`},
		{"(x) <think>no</think>", "(x) <think>no</think>"},
		{"<think>unterminated", "<think>unterminated"},
		{"(x)", "(x)"},
	}
	for _, c := range cases {
		if got := ConvertThink(c.in); got != c.want {
			t.Errorf("ConvertThink(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
