// Package value owns every Spell runtime value: the Go representation of each
// Spell type (numbers, strings, characters, symbols, keywords, lists, seqs,
// vectors, insertion-ordered maps and sets, sorted maps and sets, regexes,
// Spell functions, reduced markers and host functions), numeric arithmetic with
// Spell's contagion rules (language.md §2.2), value equality, hashing and
// ordering (§2.3–2.4), the three printers (readable `pr-str`, human `str` and
// the prefix printer, §3) and value forms (§8.2).
//
// Representation summary (the contract other packages code against):
//
//	nil        Go nil               boolean   bool
//	long       int64                double    float64
//	float      float32              bigint    *big.Int (never mutated)
//	ratio      *big.Rat (normalised, denominator > 1; never mutated)
//	bigdecimal BigDec               string    string (UTF-8; counts are code points)
//	character  Char                 symbol    *Symbol (interned)
//	keyword    *Keyword (interned)  list/seq  *List
//	vector     *Vector (also map entries, flagged)
//	map        *Map (insertion ordered)      set *Set (insertion ordered)
//	sorted     *SortedMap, *SortedSet        regex *Regex
//	Spell fn   *SpellFn (behaves as the map {:spell/fn true, :params P, :body B})
//	reduced    Reduced                       host fn: anything implementing HostFn
//
// Values are immutable; *big.Int and *big.Rat values must never be mutated
// after they have been handed out as Spell values.
//
// Errors returned by this package are plain Go errors whose Error() text is
// exactly the Spell message (e.g. "Divide by zero", "long overflow").
package value

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
)

// Value is any Spell value.
type Value = any

// Char is a Spell character (one Unicode code point).
type Char rune

// Reduced is the early-exit marker produced by `reduced`.
type Reduced struct{ Val Value }

// HostFn is implemented by builtins and combinator closures of the evaluator.
// Host functions print as #function[name] and are equal only if identical
// (implementations should be pointer types so that identity is comparable).
type HostFn interface{ HostName() string }

// Regex is a compiled regular expression (RE2 syntax, D10).
type Regex struct {
	Pattern string
	Re      *regexp.Regexp
}

// CompileRegex compiles p with Go's regexp (RE2). On failure the error text is
// `Unsupported regex (RE2): <pattern>: <detail>`.
func CompileRegex(p string) (*Regex, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		detail := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		return nil, errors.New("Unsupported regex (RE2): " + p + ": " + detail)
	}
	return &Regex{Pattern: p, Re: re}, nil
}

// Truthy reports whether v is truthy (everything except nil and false).
func Truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	return true
}

// Well-known keywords.
var (
	KwSpellFn        = KwNS("spell", "fn")
	KwSpellMacro     = KwNS("spell", "macro")
	KwSpellException = KwNS("spell", "exception")
	KwSpellFuture    = KwNS("spell", "future")
	KwParams         = Kw("params")
	KwBody           = Kw("body")
)

func mapFlag(v Value, k *Keyword) bool {
	m, ok := v.(*Map)
	if !ok {
		return false
	}
	x, ok := m.Get(k)
	return ok && Truthy(x)
}

// IsSpellMacro reports whether v is a Spell macro map ({:spell/macro true …}).
func IsSpellMacro(v Value) bool { return mapFlag(v, KwSpellMacro) }

// IsSpellException reports whether v is an ex-info map ({:spell/exception true …}).
func IsSpellException(v Value) bool { return mapFlag(v, KwSpellException) }

// IsFuture reports whether v is a future token map ({:spell/future true …}).
func IsFuture(v Value) bool { return mapFlag(v, KwSpellFuture) }

// IsSpellFnMap reports whether v is a *Map carrying a truthy :spell/fn entry
// (a Spell function written as a literal map, before the evaluator converts it).
func IsSpellFnMap(v Value) bool { return mapFlag(v, KwSpellFn) }

// TypeName returns the `type` string of v (language.md §9.5).
func TypeName(v Value) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64, float32, *big.Int, *big.Rat, BigDec:
		return "number"
	case *Keyword:
		return "keyword"
	case *Symbol:
		return "symbol"
	case *Vector:
		return "vector"
	case *Map:
		if IsFuture(x) {
			return "future"
		}
		return "map"
	case *SortedMap:
		return "map"
	case *Set, *SortedSet:
		return "set"
	case *List:
		if x.seq {
			return "seq"
		}
		return "list"
	case *SpellFn, HostFn:
		return "function"
	case Char:
		return "character"
	case *Regex:
		return "regex"
	case Reduced:
		return "reduced"
	}
	return "host"
}
