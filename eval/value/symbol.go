package value

import (
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Symbol is an interned Spell symbol: pointer equality is value equality.
type Symbol struct {
	NS, Name string
	hash     uint64
	bound    atomic.Bool
	local    atomic.Bool
	indirect atomic.Bool
	// Eval and Pure are slots the evaluator fills once at start-up (before
	// any evaluation): the special form or built-in macro a symbol names,
	// and its pure builtin value. They save map lookups on every call.
	Eval any
	Pure any
}

// MarkBound records that the symbol has been bound in some environment.
// The evaluator skips the environment walk for symbols never bound (most
// builtin names), which keeps builtin lookup O(1) under deep dynamic scope.
func (s *Symbol) MarkBound() {
	if !s.bound.Load() {
		s.bound.Store(true)
	}
}

// EverBound reports whether MarkBound was ever called on s.
func (s *Symbol) EverBound() bool { return s.bound.Load() }

// MarkIndirect records that the symbol has been bound to an indirect
// value (the quine name of a program recorded for incremental turns,
// eval/incr.go): lookups of an indirect symbol resolve such a value.
func (s *Symbol) MarkIndirect() {
	if !s.indirect.Load() {
		s.indirect.Store(true)
	}
}

// Indirect reports whether MarkIndirect was ever called on s.
func (s *Symbol) Indirect() bool { return s.indirect.Load() }

// MarkLocal records that compiled code keeps the symbol as a local in a
// slot (a function parameter, a let or loop binding). A free name that no
// compiled code ever binds is looked up without walking compiled frames.
func (s *Symbol) MarkLocal() {
	if !s.local.Load() {
		s.local.Store(true)
	}
	s.MarkBound()
}

// EverLocal reports whether MarkLocal was ever called on s.
func (s *Symbol) EverLocal() bool { return s.local.Load() }

// Keyword is an interned Spell keyword: pointer equality is value equality.
type Keyword struct {
	NS, Name string
	hash     uint64
}

type nsName struct{ ns, name string }

// The intern tables: plain maps under a read-write lock. (A sync.Map
// cost five allocations per name, a thousand at every start for the
// names packages intern in their variables; issue 11, start-up.)
var (
	symMu    sync.RWMutex
	symTable map[nsName]*Symbol
	kwMu     sync.RWMutex
	kwTable  map[nsName]*Keyword
)

// nameHash is maphash.String of ns + "/" + name, without building that
// string.
func nameHash(ns, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(hashSeed)
	h.WriteString(ns)
	h.WriteByte('/')
	h.WriteString(name)
	return h.Sum64()
}

// SplitName splits symbol text at the first '/' when both sides are non-empty
// ("a/b/c" → "a", "b/c"; "/" and "a/" stay unqualified).
func SplitName(text string) (ns, name string) {
	i := strings.IndexByte(text, '/')
	if i > 0 && i < len(text)-1 {
		return text[:i], text[i+1:]
	}
	return "", text
}

// Sym interns the symbol with the given text, splitting "ns/name".
func Sym(text string) *Symbol { ns, n := SplitName(text); return SymNS(ns, n) }

// SymNS interns the symbol with explicit namespace (may be "") and name.
func SymNS(ns, name string) *Symbol {
	key := nsName{ns, name}
	symMu.RLock()
	s := symTable[key]
	symMu.RUnlock()
	if s != nil {
		return s
	}
	symMu.Lock()
	defer symMu.Unlock()
	if s := symTable[key]; s != nil {
		return s
	}
	if symTable == nil {
		symTable = make(map[nsName]*Symbol)
	}
	s = &Symbol{NS: ns, Name: name, hash: nameHash(ns, name) ^ 0x9e3779b97f4a7c15}
	if symInit != nil {
		symInit(s)
	}
	symTable[key] = s
	return s
}

// symInit, once set, fills the slots of every symbol (SetSymbolInit).
var symInit func(*Symbol)

// SetSymbolInit makes f fill the slots (Eval, Pure) of every symbol: of
// each symbol interned so far now, and of each later one before it is
// published. The evaluator sets it once, before any evaluation, so that
// it need not intern every builtin's name to fill their slots (issue 11,
// start-up). f must not intern symbols.
func SetSymbolInit(f func(*Symbol)) {
	symMu.Lock()
	defer symMu.Unlock()
	symInit = f
	for _, s := range symTable {
		f(s)
	}
}

// Kw interns the keyword with the given text (without the colon), splitting "ns/name".
func Kw(text string) *Keyword { ns, n := SplitName(text); return KwNS(ns, n) }

// KwNS interns the keyword with explicit namespace (may be "") and name.
func KwNS(ns, name string) *Keyword {
	key := nsName{ns, name}
	kwMu.RLock()
	k := kwTable[key]
	kwMu.RUnlock()
	if k != nil {
		return k
	}
	kwMu.Lock()
	defer kwMu.Unlock()
	if k := kwTable[key]; k != nil {
		return k
	}
	if kwTable == nil {
		kwTable = make(map[nsName]*Keyword)
	}
	k = &Keyword{NS: ns, Name: name, hash: nameHash(ns, name) ^ 0x7f4a7c159e3779b9}
	kwTable[key] = k
	return k
}

// FullName returns "ns/name" or "name".
func (s *Symbol) FullName() string {
	if s.NS == "" {
		return s.Name
	}
	return s.NS + "/" + s.Name
}

// String returns the printed form of the symbol.
func (s *Symbol) String() string { return s.FullName() }

// FullName returns "ns/name" or "name" (without the colon).
func (k *Keyword) FullName() string {
	if k.NS == "" {
		return k.Name
	}
	return k.NS + "/" + k.Name
}

// String returns the printed form of the keyword (with the colon).
func (k *Keyword) String() string { return ":" + k.FullName() }

// isTokenChar reports whether r may appear in a symbol token (§1.2), answering
// conservatively (control and space characters are rejected).
func isTokenChar(r rune) bool {
	switch r {
	case '(', ')', '[', ']', '{', '}', '"', ';', '@', '^', '`', '~', '\\', ',':
		return false
	}
	if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
		return false
	}
	return true
}

// validSymbolText reports whether text reads back as a single symbol token
// (keyword=false) or, after a leading ':', as a keyword token (keyword=true).
// The check is conservative: false means "use the (symbol "…") form".
func validSymbolText(text string, keyword bool) bool {
	if text == "" || !utf8.ValidString(text) {
		return false
	}
	if text == "/" {
		return true
	}
	c := text[0]
	if c >= '0' && c <= '9' {
		return false
	}
	if (c == '+' || c == '-') && len(text) > 1 && text[1] >= '0' && text[1] <= '9' {
		return false
	}
	if c == '#' || c == '\'' || c == ':' {
		return false
	}
	if !keyword && (text == "nil" || text == "true" || text == "false") {
		return false
	}
	if text[len(text)-1] == ':' || strings.Contains(text, "::") {
		return false
	}
	if i := strings.Index(text, "//"); i >= 0 && (i == 0 || i != len(text)-2) {
		return false
	}
	for _, r := range text {
		if !isTokenChar(r) {
			return false
		}
	}
	return true
}

// SymbolReadable reports whether the printed form of s reads back as s.
func SymbolReadable(s *Symbol) bool {
	text := s.FullName()
	if !validSymbolText(text, false) {
		return false
	}
	if s.NS != "" && !validSymbolText(s.NS, false) {
		return false
	}
	return Sym(text) == s
}

// KeywordReadable reports whether the printed form of k reads back as k.
func KeywordReadable(k *Keyword) bool {
	text := k.FullName()
	if !validSymbolText(text, true) {
		return false
	}
	if k.NS != "" && !validSymbolText(k.NS, true) {
		return false
	}
	return Kw(text) == k
}
