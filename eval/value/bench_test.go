package value

import "testing"

func BenchmarkVectorConj100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		v := EmptyVector
		for i := range 100_000 {
			v = v.Conj(int64(i))
		}
	}
}

func BenchmarkVectorNth(b *testing.B) {
	v := EmptyVector
	for i := range 100_000 {
		v = v.Conj(int64(i))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		v.Nth(i % 100_000)
	}
}

func BenchmarkMapAssoc100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := EmptyMap
		for i := range 100_000 {
			m = m.Assoc(int64(i), int64(i))
		}
	}
}

func BenchmarkMapGet(b *testing.B) {
	m := EmptyMap
	for i := range 100_000 {
		m = m.Assoc(int64(i), int64(i))
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Get(int64(i % 100_000))
	}
}

func BenchmarkSmallMapGetKeyword(b *testing.B) {
	m := NewMap(Kw("a"), int64(1), Kw("b"), int64(2), Kw("c"), int64(3), Kw("d"), int64(4))
	k := Kw("d")
	for b.Loop() {
		m.Get(k)
	}
}

func BenchmarkAddLong(b *testing.B) {
	var acc Value = int64(0)
	for b.Loop() {
		acc, _ = Add(acc, int64(1))
	}
}

func BenchmarkPrStr(b *testing.B) {
	v := rd(b, `{:a [1 2 3 "four" 5.5] :b {:c #{:d :e}} :f (g h 1/2 3N 4.5M)}`)
	b.ReportAllocs()
	for b.Loop() {
		PrStr(v)
	}
}
