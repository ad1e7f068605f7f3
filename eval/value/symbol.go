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

// The intern tables, each under a read-write lock. (A sync.Map cost five
// allocations per name, a thousand at every start for the names packages
// intern in their variables; a map keyed by the two strings touched ~25
// kB of fresh pages growing to those names: issue 11, start-up.)
var (
	symMu    sync.RWMutex
	symTable internTable[*Symbol]
	kwMu     sync.RWMutex
	kwTable  internTable[*Keyword]
)

// interned is what an intern table holds: a symbol or a keyword.
type interned interface {
	comparable
	names() (ns, name string)
}

func (s *Symbol) names() (string, string)  { return s.NS, s.Name }
func (k *Keyword) names() (string, string) { return k.NS, k.Name }

// internTable is an open-addressing hash set of interned names, keyed by
// slotHash: 16 bytes a slot, a power of two of them, at most 3/4 full.
type internTable[T interned] struct {
	slots []internSlot[T]
	n     int
}

type internSlot[T interned] struct {
	h uint64 // slotHash of v's names
	v T      // zero: an empty slot
}

// find returns the entry named ns/name, whose slotHash is h.
func (t *internTable[T]) find(h uint64, ns, name string) (T, bool) {
	var zero T
	if len(t.slots) == 0 {
		return zero, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.v == zero {
			return zero, false
		}
		if sl.h == h {
			if n1, n2 := sl.v.names(); n1 == ns && n2 == name {
				return sl.v, true
			}
		}
	}
}

// add inserts v, not in the table, whose slotHash is h.
func (t *internTable[T]) add(h uint64, v T) {
	if (t.n+1)*4 > len(t.slots)*3 {
		old := t.slots
		t.slots = make([]internSlot[T], max(2*len(old), 128))
		for _, sl := range old {
			var zero T
			if sl.v != zero {
				t.put(sl)
			}
		}
	}
	t.put(internSlot[T]{h, v})
	t.n++
}

func (t *internTable[T]) put(e internSlot[T]) {
	var zero T
	mask := uint64(len(t.slots) - 1)
	for i := e.h & mask; ; i = (i + 1) & mask {
		if t.slots[i].v == zero {
			t.slots[i] = e
			return
		}
	}
}

// each calls f on every entry.
func (t *internTable[T]) each(f func(T)) {
	var zero T
	for _, sl := range t.slots {
		if sl.v != zero {
			f(sl.v)
		}
	}
}

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

// slotHash places a name in an intern table (quicker than nameHash,
// which interning computes only for a new name).
func slotHash(ns, name string) uint64 {
	h := maphash.String(hashSeed, name)
	if ns != "" {
		h = mix64(h ^ maphash.String(hashSeed, ns))
	}
	return h
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
	h := slotHash(ns, name)
	symMu.RLock()
	s, ok := symTable.find(h, ns, name)
	symMu.RUnlock()
	if ok {
		return s
	}
	symMu.Lock()
	defer symMu.Unlock()
	if s, ok := symTable.find(h, ns, name); ok {
		return s
	}
	s = &Symbol{NS: ns, Name: name, hash: nameHash(ns, name) ^ 0x9e3779b97f4a7c15}
	if symInit != nil {
		symInit(s)
	}
	symTable.add(h, s)
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
	symTable.each(f)
}

// Kw interns the keyword with the given text (without the colon), splitting "ns/name".
func Kw(text string) *Keyword { ns, n := SplitName(text); return KwNS(ns, n) }

// KwNS interns the keyword with explicit namespace (may be "") and name.
func KwNS(ns, name string) *Keyword {
	h := slotHash(ns, name)
	kwMu.RLock()
	k, ok := kwTable.find(h, ns, name)
	kwMu.RUnlock()
	if ok {
		return k
	}
	kwMu.Lock()
	defer kwMu.Unlock()
	if k, ok := kwTable.find(h, ns, name); ok {
		return k
	}
	k = &Keyword{NS: ns, Name: name, hash: nameHash(ns, name) ^ 0x7f4a7c159e3779b9}
	kwTable.add(h, k)
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
