package value

import (
	"strings"
	"testing"
)

// nameHash is the hash interning gave before it stopped concatenating.
func TestNameHashIsStringHash(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, c := range [][2]string{{"", "a"}, {"strings", "split"}, {"", ""}, {long, "b"}, {"a", long}, {long[:127], long[:129]}} {
		if got, want := nameHash(c[0], c[1]), hashString(c[0]+"/"+c[1]); got != want {
			t.Errorf("nameHash(%q, %q) = %x, want %x", c[0], c[1], got, want)
		}
	}
}

// Interning from many goroutines gives one symbol and one keyword per
// name.
func TestInternConcurrent(t *testing.T) {
	const n = 8
	syms := make([][]*Symbol, n)
	kws := make([][]*Keyword, n)
	done := make(chan int)
	for g := 0; g < n; g++ {
		go func() {
			for i := 0; i < 500; i++ {
				name := "concurrent-" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
				syms[g] = append(syms[g], SymNS("intern-test", name))
				kws[g] = append(kws[g], KwNS("intern-test", name))
			}
			done <- g
		}()
	}
	for g := 0; g < n; g++ {
		<-done
	}
	for g := 1; g < n; g++ {
		for i := range syms[0] {
			if syms[g][i] != syms[0][i] || kws[g][i] != kws[0][i] {
				t.Fatalf("goroutine %d, name %d: two symbols or keywords for one name", g, i)
			}
		}
	}
}
