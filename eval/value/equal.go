package value

import (
	"cmp"
	"errors"
	"hash/maphash"
	"math"
	"math/big"
	"sync/atomic"
	"unicode/utf8"
)

// Equal is Spell `=` (language.md §2.3): numbers equal only within a category
// (integer, floating, ratio, decimal ignoring scale), NaN ≠ NaN, sequential
// collections equal across kinds, maps and sets ignore order, Spell functions
// are their maps.
func Equal(a, b Value) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case *Keyword, *Symbol:
		return a == b
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case *big.Int:
			return y.IsInt64() && y.Int64() == x
		}
		return false
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case float32:
			return x == float64(y)
		}
		return false
	case Char:
		y, ok := b.(Char)
		return ok && x == y
	case *Vector:
		return seqEqual(a, b)
	case *List:
		return seqEqual(a, b)
	case *Map, *SpellFn, *SortedMap:
		return mapEqual(a, b)
	case *Set, *SortedSet:
		return setEqual(a, b)
	case *big.Int:
		switch y := b.(type) {
		case int64:
			return x.IsInt64() && x.Int64() == y
		case *big.Int:
			return x.Cmp(y) == 0
		}
		return false
	case float32:
		switch y := b.(type) {
		case float64:
			return float64(x) == y
		case float32:
			return x == y
		}
		return false
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case BigDec:
		y, ok := b.(BigDec)
		return ok && decCmp(x, y) == 0
	case *Regex:
		y, ok := b.(*Regex)
		return ok && x == y
	case Reduced:
		y, ok := b.(Reduced)
		return ok && Equal(x.Val, y.Val)
	}
	return identical(a, b)
}

// identical compares host values by identity (non-comparable values are
// never identical).
func identical(a, b Value) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// IsSequential reports whether v is a list, seq or vector (incl. map entries).
func IsSequential(v Value) bool {
	switch v.(type) {
	case *List, *Vector:
		return true
	}
	return false
}

func seqEqual(a, b Value) bool {
	switch x := a.(type) {
	case *Vector:
		switch y := b.(type) {
		case *Vector:
			if x == y {
				return true
			}
			if x.cnt != y.cnt {
				return false
			}
			for i := 0; i < x.cnt; {
				cx, bx := x.chunk(i)
				cy, by := y.chunk(i)
				for i < bx+len(cx) && i < by+len(cy) {
					if !Equal(cx[i-bx], cy[i-by]) {
						return false
					}
					i++
				}
			}
			return true
		case *List:
			return listVecEqual(y, x)
		}
	case *List:
		switch y := b.(type) {
		case *Vector:
			return listVecEqual(x, y)
		case *List:
			if x.count != y.count {
				return false
			}
			for x != nil && x.count > 0 {
				if x == y {
					return true
				}
				if !Equal(x.first, y.first) {
					return false
				}
				x, y = x.next(), y.next()
			}
			return true
		}
	}
	return false
}

func listVecEqual(l *List, v *Vector) bool {
	if l.count != v.cnt {
		return false
	}
	ok := true
	v.Range(func(_ int, x Value) bool {
		if !Equal(l.first, x) {
			ok = false
			return false
		}
		l = l.next()
		return true
	})
	return ok
}

type mapLike interface {
	Count() int
	Get(k Value) (Value, bool)
	Range(f func(k, v Value) bool)
}

type setLike interface {
	Count() int
	Contains(x Value) bool
	Range(f func(x Value) bool)
}

func mapEqual(a, b Value) bool {
	x, ok1 := a.(mapLike)
	y, ok2 := b.(mapLike)
	if !ok1 || !ok2 || IsSequential(b) {
		return false
	}
	if _, isSet := b.(setLike); isSet {
		return false
	}
	if a == b {
		return true
	}
	if x.Count() != y.Count() {
		return false
	}
	eq := true
	x.Range(func(k, v Value) bool {
		w, ok := y.Get(k)
		if !ok || !Equal(v, w) {
			eq = false
			return false
		}
		return true
	})
	return eq
}

func setEqual(a, b Value) bool {
	x, ok1 := a.(setLike)
	y, ok2 := b.(setLike)
	if !ok1 || !ok2 {
		return false
	}
	if a == b {
		return true
	}
	if x.Count() != y.Count() {
		return false
	}
	eq := true
	x.Range(func(e Value) bool {
		if !y.Contains(e) {
			eq = false
			return false
		}
		return true
	})
	return eq
}

// ---------------------------------------------------------------- hashing

var hashSeed = maphash.MakeSeed()

func hashString(s string) uint64 { return maphash.String(hashSeed, s) }

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

const (
	saltFloat = 0x5851f42d4c957f2d
	saltRatio = 0x14057b7ef767814f
	saltDec   = 0x2545f4914f6cdd1d
	saltChar  = 0x9e3779b97f4a7c15
	saltSeq   = 0x3c6ef372fe94f82b
	saltMap   = 0xa54ff53a5f1d36f1
	saltSet   = 0x510e527fade682d1
)

func hashBig(x *big.Int) uint64 {
	if x.IsInt64() {
		return mix64(uint64(x.Int64()))
	}
	h := maphash.Bytes(hashSeed, x.Bytes())
	if x.Sign() < 0 {
		h = ^h
	}
	return h
}

// Hash returns a hash of v consistent with Equal (1 and 1N hash alike; lists,
// seqs and vectors with equal elements hash alike; maps and sets are
// order-independent; Spell functions hash as their maps).
func Hash(v Value) uint64 {
	switch x := v.(type) {
	case nil:
		return 0x6a09e667f3bcc908
	case bool:
		if x {
			return 0xbb67ae8584caa73b
		}
		return 0x3c6ef372fe94f82a
	case *Keyword:
		return x.hash
	case *Symbol:
		return x.hash
	case string:
		return hashString(x)
	case int64:
		return mix64(uint64(x))
	case float64:
		return hashFloat(x)
	case float32:
		return hashFloat(float64(x))
	case Char:
		return mix64(uint64(x) ^ saltChar)
	case *big.Int:
		return hashBig(x)
	case *big.Rat:
		return mix64(hashBig(x.Num())*31+hashBig(x.Denom())) ^ saltRatio
	case BigDec:
		s := decStrip(x)
		return hashBig(s.Unscaled) ^ mix64(uint64(int64(s.Scale))^saltDec)
	case *Vector:
		if h := atomic.LoadUint64(&x.hash); h != 0 {
			return h
		}
		h := saltSeq + uint64(x.cnt)
		x.Range(func(_ int, e Value) bool {
			h = (h ^ Hash(e)) * 0x100000001b3
			return true
		})
		h = finishHash(h)
		atomic.StoreUint64(&x.hash, h)
		return h
	case *List:
		h := saltSeq + uint64(x.count)
		for n := x; n != nil && n.count > 0; n = n.next() {
			h = (h ^ Hash(n.first)) * 0x100000001b3
		}
		return finishHash(h)
	case *Map:
		return cachedMapHash(&x.hash, x)
	case *SortedMap:
		return cachedMapHash(&x.hash, x)
	case *SpellFn:
		return mapHash(x)
	case *Set:
		return cachedSetHash(&x.hash, x)
	case *SortedSet:
		return cachedSetHash(&x.hash, x)
	case *Regex:
		return hashString(x.Pattern) ^ 0x1f83d9abfb41bd6b
	case Reduced:
		return Hash(x.Val) ^ 0x5be0cd19137e2179
	case HostFn:
		return hashString(x.HostName()) ^ 0x9b05688c2b3e6c1f
	}
	return 0x428a2f98d728ae22
}

func finishHash(h uint64) uint64 {
	h = mix64(h)
	if h == 0 {
		h = 1
	}
	return h
}

func hashFloat(f float64) uint64 {
	if f == 0 {
		f = 0 // -0.0 == 0.0
	}
	return mix64(math.Float64bits(f) ^ saltFloat)
}

func mapHash(m mapLike) uint64 {
	h := saltMap + uint64(m.Count())
	m.Range(func(k, v Value) bool {
		hk := Hash(k)
		h += mix64(hk ^ (Hash(v)*0x9e3779b97f4a7c15 + hk<<6))
		return true
	})
	return finishHash(h)
}

func cachedMapHash(slot *uint64, m mapLike) uint64 {
	if h := atomic.LoadUint64(slot); h != 0 {
		return h
	}
	h := mapHash(m)
	atomic.StoreUint64(slot, h)
	return h
}

func cachedSetHash(slot *uint64, s setLike) uint64 {
	if h := atomic.LoadUint64(slot); h != 0 {
		return h
	}
	h := saltSet + uint64(s.Count())
	s.Range(func(e Value) bool {
		h += mix64(Hash(e))
		return true
	})
	h = finishHash(h)
	atomic.StoreUint64(slot, h)
	return h
}

// ---------------------------------------------------------------- compare

// Compare is Spell `compare` (§2.3): nil first, numbers numerically, strings
// by code points (difference of the first differing code points or of the
// lengths), characters by code point, false < true, keywords and symbols by
// namespace then name, vectors by length then element-wise. Other kinds are
// incomparable (an error), except values that are Equal (0).
func Compare(a, b Value) (int, error) {
	if a == nil {
		if b == nil {
			return 0, nil
		}
		return -1, nil
	}
	if b == nil {
		return 1, nil
	}
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return CompareStrings(x, y), nil
		}
	case *Keyword:
		if y, ok := b.(*Keyword); ok {
			return compareNames(x.NS, x.Name, y.NS, y.Name), nil
		}
	case *Symbol:
		if y, ok := b.(*Symbol); ok {
			return compareNames(x.NS, x.Name, y.NS, y.Name), nil
		}
	case Char:
		if y, ok := b.(Char); ok {
			return int(x) - int(y), nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, nil
			case x:
				return 1, nil
			}
			return -1, nil
		}
	case *Vector:
		if y, ok := b.(*Vector); ok {
			if x.cnt != y.cnt {
				return cmp.Compare(x.cnt, y.cnt), nil
			}
			for i := 0; i < x.cnt; i++ {
				ex, _ := x.Nth(i)
				ey, _ := y.Nth(i)
				c, err := Compare(ex, ey)
				if err != nil || c != 0 {
					return c, err
				}
			}
			return 0, nil
		}
	}
	if IsNumber(a) && IsNumber(b) {
		return NumCompare(a, b)
	}
	if Equal(a, b) {
		return 0, nil
	}
	return 0, errors.New("Cannot compare " + TypeName(a) + " with " + TypeName(b))
}

func compareNames(ans, an, bns, bn string) int {
	if ans != bns {
		switch {
		case ans == "":
			return -1
		case bns == "":
			return 1
		}
		return CompareStrings(ans, bns)
	}
	return CompareStrings(an, bn)
}

// CompareStrings compares by code points: the difference of the first
// differing code points, else the difference of the lengths in code points.
func CompareStrings(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		if len(a) == len(b) {
			return 0
		}
		return utf8.RuneCountInString(a[i:]) - utf8.RuneCountInString(b[i:])
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	return int(ra) - int(rb)
}
