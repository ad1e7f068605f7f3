package eval

import (
	"fmt"

	"github.com/spell-go/spell/eval/value"
)

// Seq returns the elements of a seqable value: nil → none, strings →
// characters, maps → entries (2-vectors flagged as map entries), sets,
// sorted collections, lists and vectors. Anything else fails with
// `Don't know how to create a sequence from: <type>`.
func Seq(v value.Value) ([]value.Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case *value.List:
		return x.Slice(), nil
	case *value.Vector:
		return x.Slice(), nil
	case string:
		out := make([]value.Value, 0, len(x))
		for _, r := range x {
			out = append(out, value.Char(r))
		}
		return out, nil
	case *value.Map:
		out := make([]value.Value, 0, x.Count())
		x.Range(func(k, v value.Value) bool { out = append(out, value.NewMapEntry(k, v)); return true })
		return out, nil
	case *value.SpellFn:
		return x.AsMap().Entries(), nil
	case *value.Set:
		return x.Slice(), nil
	case *value.SortedMap:
		out := make([]value.Value, 0, x.Count())
		x.Range(func(k, v value.Value) bool { out = append(out, value.NewMapEntry(k, v)); return true })
		return out, nil
	case *value.SortedSet:
		return x.Slice(), nil
	}
	return nil, fmt.Errorf("Don't know how to create a sequence from: %s", value.TypeName(v))
}

// IsSeqable reports whether Seq accepts v.
func IsSeqable(v value.Value) bool {
	switch v.(type) {
	case nil, *value.List, *value.Vector, string, *value.Map, *value.SpellFn, *value.Set, *value.SortedMap, *value.SortedSet:
		return true
	}
	return false
}
