package sha256

import (
	stdsha "crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func TestKnownDigests(t *testing.T) {
	for in, want := range map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq": "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	} {
		got := Sum256([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("Sum256(%q) = %x, want %s", in, got, want)
		}
	}
}

// TestAgreesWithCryptoSHA256 hashes random texts of every length up to
// three blocks and some long ones, written in random pieces, and compares
// with crypto/sha256; a copied Digest resumes where its original was.
func TestAgreesWithCryptoSHA256(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lengths := []int{1000, 4095, 65536, 1 << 20}
	for n := 0; n <= 3*blockSize+1; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		want := stdsha.Sum256(data)
		if got := Sum256(data); got != want {
			t.Fatalf("len %d: Sum256 = %x, want %x", n, got, want)
		}
		d := New()
		rest := data
		var saved Digest
		cut := r.IntN(n + 1)
		for len(rest) > 0 {
			k := r.IntN(len(rest)) + 1
			if w := n - len(rest); w <= cut && cut < w+k {
				k = cut - w
				if k == 0 {
					saved = *d
					k = 1
				}
			}
			d.Write(rest[:k])
			rest = rest[k:]
		}
		if n == 0 || cut == n {
			saved = *d
		}
		if got := d.Sum(nil); string(got) != string(want[:]) {
			t.Fatalf("len %d: pieces give %x, want %x", n, got, want)
		}
		// A saved copy resumes: it hashes what followed the cut.
		saved.Write(data[cut:])
		if got := saved.Sum(nil); string(got) != string(want[:]) {
			t.Fatalf("len %d: resumed at %d gives %x, want %x", n, cut, got, want)
		}
		d2 := New()
		d2.WriteString(string(data))
		if got := d2.Sum(nil); string(got) != string(want[:]) {
			t.Fatalf("len %d: WriteString gives %x", n, got)
		}
	}
}

func BenchmarkSum1MB(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Sum256(data)
	}
}

func BenchmarkCryptoSum1MB(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		stdsha.Sum256(data)
	}
}
