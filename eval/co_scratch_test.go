package eval

import ("testing";"time";"context")

func TestCoScratch(t *testing.T) {
	for _, src := range []string{
		`(count (range 9000000))`,
		`(count (filter odd? (range 9000000)))`,
	} {
		st := time.Now()
		_, err := EvalString(src)
		t.Log(src, time.Since(st), err)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		st = time.Now()
		_, _, err = RunProgram(ctx, "<eval>", []byte(src), Options{})
		t.Log("cancel", src, time.Since(st), err)
	}
}
