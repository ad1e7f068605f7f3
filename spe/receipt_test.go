package spe

import (
	"testing"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/agents"
)

func readForm(t *testing.T, text string) value.Value {
	t.Helper()
	rr, err := eval.ReadProgram("test", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return rr.Form
}

// TestMaterialiseS09: the wait receipt of scenario S09 gives exactly the
// main/2 prompt of scenarios.md.
func TestMaterialiseS09(t *testing.T) {
	prog := readForm(t, `(quine completion (eval (do (quine prompt "Run a sealed-bid auction among three bidder agents and report the winner.") (quote (!extend)) '(agents/!spawn-ask [["You are bidder A. Return one integer bid." :bidder-a] ["You are bidder B. Return one integer bid." :bidder-b] ["You are bidder C. Return one integer bid." :bidder-c]]))))`)
	kw := value.Kw
	report := func(h string, b int64) value.Value { return value.NewMap(kw("from"), kw(h), kw("body"), b) }
	msg := value.NewMap(kw("from"), value.NewVector([]value.Value{kw("bidder-a"), kw("bidder-b"), kw("bidder-c")}),
		kw("edge-id"), int64(1),
		kw("body"), value.NewVector([]value.Value{report("bidder-a", 300), report("bidder-b", 700), report("bidder-c", 500)}))
	out, err := materialise(prog, []delivery{{name: "msg-1", label: agents.Label(agents.KindWait, "msg-1"), msg: msg}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := value.PrefixOpen(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `(quine completion (eval (do (quine prompt "Run a sealed-bid auction among three bidder agents and report the winner.") (quote (!extend)) (quote (agents/!spawn-ask [["You are bidder A. Return one integer bid." :bidder-a] ["You are bidder B. Return one integer bid." :bidder-b] ["You are bidder C. Return one integer bid." :bidder-c]])) (think "[wait resumed: msg-1 arrived]") (def msg-1 (quote {:from [:bidder-a :bidder-b :bidder-c] :edge-id 1 :body [{:from :bidder-a :body 300} {:from :bidder-b :body 700} {:from :bidder-c :body 500}]})) (quote (!extend)) `
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMaterialiseShapes: two messages give two triples; a non-canonical
// quine gets a new last argument; a plain program becomes inert.
func TestMaterialiseShapes(t *testing.T) {
	batch := []delivery{
		{name: "msg-1", label: agents.Label(agents.KindStartup, "msg-1"), msg: value.NewMap(value.Kw("from"), value.Kw("main"), value.Kw("body"), "hi")},
		{name: "msg-2", label: agents.Label(agents.KindStartup, "msg-2"), msg: value.NewMap(value.Kw("from"), value.Kw("main"), value.Kw("body"), nil)},
	}
	cases := []struct{ in, want string }{
		{`(quine completion (eval (do 1 '(!extend))))`,
			`(quine completion (eval (do 1 (quote (!extend)) (think "[startup: msg-1 arrived before your first turn]") (def msg-1 (quote {:from :main :body "hi"})) (quote (!extend)) (think "[startup: msg-2 arrived before your first turn]") (def msg-2 (quote {:from :main :body nil})) (quote (!extend)))))`},
		{`(quine completion (foo))`,
			`(quine completion (foo) (eval (do (think "[startup: msg-1 arrived before your first turn]") (def msg-1 (quote {:from :main :body "hi"})) (quote (!extend)) (think "[startup: msg-2 arrived before your first turn]") (def msg-2 (quote {:from :main :body nil})) (quote (!extend)))))`},
		{`(+ 1 2)`,
			`(quine completion (quote (+ 1 2)) (eval (do (think "[startup: msg-1 arrived before your first turn]") (def msg-1 (quote {:from :main :body "hi"})) (quote (!extend)) (think "[startup: msg-2 arrived before your first turn]") (def msg-2 (quote {:from :main :body nil})) (quote (!extend)))))`},
	}
	for _, c := range cases {
		out, err := materialise(readForm(t, c.in), batch, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := value.Prefix(out); got != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.in, got, c.want)
		}
	}
}
