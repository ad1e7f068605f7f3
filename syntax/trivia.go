package syntax

import "sort"

// TriviaKind classifies a piece of trivia.
type TriviaKind uint8

const (
	TriviaSpace   TriviaKind = iota // spaces, tabs, CR, form feeds
	TriviaNewline                   // one "\n"
	TriviaComma                     // one ","
	TriviaComment                   // ";…" or "#!…" up to (not including) the newline
	TriviaDiscard                   // a #_ discard; Node is the Discard node
)

// Trivia is one piece of the trivia between two tokens.
type Trivia struct {
	Kind       TriviaKind
	Start, End int32
	Node       *Node
}

// Trivia decomposes Src[start:end], a gap between two tokens, into pieces.
func (f *File) Trivia(start, end int32) []Trivia {
	var out []Trivia
	src := f.Src
	i := start
	for i < end {
		c := src[i]
		switch {
		case c == '\n':
			out = append(out, Trivia{Kind: TriviaNewline, Start: i, End: i + 1})
			i++
		case c == ',':
			out = append(out, Trivia{Kind: TriviaComma, Start: i, End: i + 1})
			i++
		case class[c] == clsSpace:
			j := i + 1
			for j < end && class[src[j]] == clsSpace && src[j] != '\n' && src[j] != ',' {
				j++
			}
			out = append(out, Trivia{Kind: TriviaSpace, Start: i, End: j})
			i = j
		case c == ';' || c == '#' && i+1 < end && src[i+1] == '!':
			j := i
			for j < end && src[j] != '\n' {
				j++
			}
			out = append(out, Trivia{Kind: TriviaComment, Start: i, End: j})
			i = j
		default:
			if d := f.discardAt(i); d != nil && d.End <= end {
				out = append(out, Trivia{Kind: TriviaDiscard, Start: i, End: d.End, Node: d})
				i = d.End
				continue
			}
			// Not trivia: should not happen for a gap between tokens; keep
			// the byte so callers never lose text.
			out = append(out, Trivia{Kind: TriviaSpace, Start: i, End: i + 1})
			i++
		}
	}
	return out
}

func (f *File) discardAt(off int32) *Node {
	ds := f.Discards
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Start >= off })
	if i < len(ds) && ds[i].Start == off {
		return ds[i]
	}
	return nil
}
