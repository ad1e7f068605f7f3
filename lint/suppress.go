package lint

import (
	"strings"

	"github.com/spell-go/spell/syntax"
)

// Suppression is a #_:spell/ignore or #_{:spell/ignore [:rule …]} discard
// and the form it applies to.
type Suppression struct {
	// Discard is the #_ node.
	Discard *syntax.Node
	// Start, End span the form the discard precedes.
	Start, End int32
	// Rules are the suppressed rule ids; nil suppresses every rule.
	Rules map[string]bool
}

func suppressions(f *syntax.File) []Suppression {
	var out []Suppression
	for _, d := range f.Discards {
		if len(d.Kids) == 0 {
			continue
		}
		rules, ok := ignoreSpec(d.Kids[0], f.Src)
		if !ok {
			continue
		}
		target := formAfter(f.Forms, d)
		if target == nil {
			continue
		}
		out = append(out, Suppression{Discard: d, Start: target.Start, End: target.End, Rules: rules})
	}
	return out
}

// ignoreSpec reads :spell/ignore or {:spell/ignore [:a :b]}.
func ignoreSpec(n *syntax.Node, src []byte) (map[string]bool, bool) {
	text := func(n *syntax.Node) string { return string(src[n.Start:n.End]) }
	switch n.Kind {
	case syntax.Keyword:
		return nil, text(n) == ":spell/ignore"
	case syntax.Map:
		for i := 0; i+1 < len(n.Kids); i += 2 {
			if n.Kids[i].Kind != syntax.Keyword || text(n.Kids[i]) != ":spell/ignore" {
				continue
			}
			v := n.Kids[i+1]
			switch v.Kind {
			case syntax.Vector, syntax.Set, syntax.List:
				rules := map[string]bool{}
				for _, k := range v.Kids {
					rules[strings.TrimPrefix(text(k), ":")] = true
				}
				return rules, true
			case syntax.Keyword:
				return map[string]bool{strings.TrimPrefix(text(v), ":"): true}, true
			}
			return nil, true
		}
	}
	return nil, false
}

// formAfter finds the node whose leading trivia contains the discard d.
func formAfter(forms []*syntax.Node, d *syntax.Node) *syntax.Node {
	for {
		var next []*syntax.Node
		for _, n := range forms {
			if n.Lead <= d.Start && d.End <= n.Start {
				return n
			}
			if n.Start <= d.Start && d.Start < n.End {
				next = n.Kids
				break
			}
		}
		if next == nil {
			return nil
		}
		forms = next
	}
}

func suppressed(sups []Suppression, d Diagnostic) bool {
	for _, s := range sups {
		if s.Start <= d.Start && d.Start < s.End && (s.Rules == nil || s.Rules[d.Rule]) {
			return true
		}
	}
	return false
}
