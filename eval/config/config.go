// Package config decodes Spell-Go's configuration files: aliases.edn,
// pricing.edn and model profiles (spe/provider), agent profiles
// (spe/profile) and lint.edn (lint). A file is one EDN form read with
// Spell's reader in strict mode; the decoder keeps the position of every
// part, so that each message names file:line:col, checks map keys against
// the keys a file may hold and suggests the nearest known key through the
// one suggestion helper, catalog.Nearest.
package config

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Doc is one configuration text read as data, with the positions of its
// parts.
type Doc struct {
	Name  string      // the file name messages show
	Root  value.Value // the one form of the file
	spans *eval.Spans
}

// Read reads a configuration text. Reader errors name file:line:col.
func Read(name string, src []byte) (*Doc, error) {
	v, spans, err := eval.ReadEDN(name, src)
	if err != nil {
		return nil, err
	}
	return &Doc{Name: name, Root: v, spans: spans}, nil
}

// Pos returns "file:line:col" of a collection of the document, or the file
// name when its position is unknown (a scalar, a value built elsewhere).
func (d *Doc) Pos(v value.Value) string { return d.PosOr(v, d.Name) }

// PosOr returns "file:line:col" of a collection of the document, or
// fallback when its position is unknown.
func (d *Doc) PosOr(v value.Value, fallback string) string {
	if p := d.spans.PositionOf(v); p != "" {
		return p
	}
	return fallback
}

// ChildPos returns "file:line:col" of element i of collection v (in a map,
// keys and values alternate: the key of entry n is child 2n, its value
// 2n+1), or fallback when unknown.
func (d *Doc) ChildPos(v value.Value, i int, fallback string) string {
	if p := d.spans.PositionOfChild(v, i); p != "" {
		return p
	}
	return fallback
}

// Errorf returns an error at the position of v: "file:line:col: message".
func (d *Doc) Errorf(v value.Value, format string, args ...any) error {
	return fmt.Errorf("%s: %s", d.Pos(v), fmt.Sprintf(format, args...))
}

// Entry is one entry of a map with the positions of its key and value.
type Entry struct {
	Key, Val       value.Value
	KeyPos, ValPos string
	// Map holds the entry; Index is the child index of its value (2n+1),
	// for the positions of the value's own elements.
	Map   *value.Map
	Index int
}

// Entries returns the entries of m in source order.
func (d *Doc) Entries(m *value.Map) []Entry {
	var out []Entry
	i := 0
	m.Range(func(k, v value.Value) bool {
		e := Entry{Key: k, Val: v, Map: m, Index: 2*i + 1}
		e.KeyPos = d.ChildPos(m, 2*i, d.Pos(m))
		e.ValPos = d.ChildPos(m, 2*i+1, e.KeyPos)
		out = append(out, e)
		i++
		return true
	})
	return out
}

// Field is an entry whose key is one of the keywords a map may hold.
type Field struct {
	Name string // the key's name, without the colon
	Entry
}

// ErrUnknownKey is the cause of every unknown-key error (errors.Is).
var ErrUnknownKey = errors.New("unknown key")

// KeyError is a map key that is not a keyword, or a keyword the map may
// not hold.
type KeyError struct {
	Pos     string // file:line:col of the key
	Key     value.Value
	In      string // the map, as messages name it ("" for the file's own map)
	Suggest string // the nearest known key, or ""
}

func (e *KeyError) Error() string {
	in := ""
	if e.In != "" {
		in = " in " + e.In
	}
	kw, ok := e.Key.(*value.Keyword)
	if !ok {
		return fmt.Sprintf("%s: keys%s must be keywords, got %s", e.Pos, in, value.PrStr(e.Key))
	}
	msg := fmt.Sprintf("%s: unknown key :%s%s", e.Pos, kw.FullName(), in)
	if e.Suggest != "" {
		msg += " (did you mean :" + e.Suggest + "?)"
	}
	return msg
}

// Unwrap makes every KeyError an ErrUnknownKey.
func (e *KeyError) Unwrap() error { return ErrUnknownKey }

// Fields returns the entries of m, whose keys must be keywords among
// known; any other key is a *KeyError at its position with the nearest
// known key. in names the map in messages ("" for the file's own map,
// ":sandbox" for a nested one).
func (d *Doc) Fields(m *value.Map, in string, known []string) ([]Field, error) {
	var out []Field
	for _, e := range d.Entries(m) {
		kw, ok := e.Key.(*value.Keyword)
		if !ok {
			return nil, &KeyError{Pos: e.KeyPos, Key: e.Key, In: in}
		}
		name := kw.FullName()
		if !slices.Contains(known, name) {
			return nil, &KeyError{Pos: e.KeyPos, Key: e.Key, In: in, Suggest: Nearest(name, known)}
		}
		out = append(out, Field{Name: name, Entry: e})
	}
	return out, nil
}

// Nearest returns the candidate nearest to name, allowing about a third of
// its characters to differ (catalog.Nearest), or "".
func Nearest(name string, cands []string) string {
	return catalog.Nearest(name, cands, (catalog.RuneLen(name)+2)/3)
}

// DidYouMean returns " (did you mean PREFIX+c?)" for the candidate c
// nearest to name (Nearest), or "".
func DidYouMean(name string, cands []string, prefix string) string {
	if c := Nearest(name, cands); c != "" {
		return " (did you mean " + prefix + c + "?)"
	}
	return ""
}

// NameOf returns the text of a symbol, keyword or string.
func NameOf(v value.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case *value.Symbol:
		return x.FullName(), true
	case *value.Keyword:
		return x.FullName(), true
	}
	return "", false
}
