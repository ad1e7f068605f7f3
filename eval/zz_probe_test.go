package eval

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/spell-go/spell/eval/value"
)

func TestZZProbe(t *testing.T) {
	f, err := os.Open("/tmp/probe/in.txt")
	if err != nil {
		t.Skip()
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		src := sc.Text()
		if src == "" {
			continue
		}
		v, err := EvalString(src)
		if err != nil {
			e := err.(*Error)
			fmt.Printf("%s\n   ERR %q fatal=%v trace=%v hasThrown=%v\n", src, e.Msg, e.Fatal, e.Trace, e.HasThrown)
		} else {
			fmt.Printf("%s\n   => %s\n", src, value.PrStr(v))
		}
	}
}
