package syntax

import (
	"errors"
	"strings"
	"testing"
)

// TestNumberLiteralLimit: a number literal beyond MaxNumberBits is refused
// before its digits are decoded (decoding is quadratic: a ten-million-digit
// literal took minutes), at the number and one digit past it, with a
// positioned error (issue 8).
func TestNumberLiteralLimit(t *testing.T) {
	nines := func(n int) string { return strings.Repeat("9", n) }
	// 315653 decimal digits are about 1048576 bits: the last size allowed
	for _, ok := range []string{nines(315653), "-" + nines(315653) + "N", nines(315653) + "/7", "7/" + nines(315653),
		"0x" + strings.Repeat("f", 262144), nines(315652) + ".5E-9M", "1E100000000M"} {
		if _, err := ParseNumber(ok); err != nil {
			t.Errorf("%.20s… (%d bytes): %v", ok, len(ok), err)
		}
	}
	for _, c := range []struct{ tok, msg string }{
		{nines(315654), "Number too large: 315654 digits, about 1048579 bits (limit 1048576)"},
		{"-" + nines(315654) + "N", "Number too large: 315654 digits, about 1048579 bits (limit 1048576)"},
		{nines(315654) + "/7", "Number too large: 315654 digits, about 1048579 bits (limit 1048576)"},
		{"7/" + nines(315654), "Number too large: 315654 digits, about 1048579 bits (limit 1048576)"},
		{"0x" + strings.Repeat("f", 262145), "Number too large: 262145 digits, about 1048580 bits (limit 1048576)"},
		{nines(315653) + ".5M", "Number too large: 315654 digits, about 1048579 bits (limit 1048576)"},
		{nines(10_000_000), "Number too large: 10000000 digits, about 33219280 bits (limit 1048576)"},
	} {
		_, err := ParseNumber(c.tok)
		if !errors.Is(err, ErrNumberTooLarge) || err.Error() != c.msg {
			t.Errorf("%.20s… (%d bytes): got %v, want %s", c.tok, len(c.tok), err, c.msg)
		}
	}
	f := Parse("t.spl", []byte("(+ 1\n   "+nines(315654)+")"))
	if len(f.Errors) == 0 {
		t.Fatal("no error for a literal past the limit")
	}
	e := f.Errors[0]
	if got := f.Position(e.Off).String() + ": " + e.Msg; got != "2:4: Number too large: 315654 digits, about 1048579 bits (limit 1048576)" {
		t.Errorf("got %s", got)
	}
}
