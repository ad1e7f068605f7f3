package eval

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestZZProbe2(t *testing.T) {
	for _, src := range []string{
		`(try (mapv (fn [x] x) (range 100000)) (catch e e))`,
		`(try (map (fn [x] x) (range 100000)) (catch e e))`,
		`(try (filter (fn [x] x) (range 100000)) (catch e e))`,
		`(try (map inc (range 100000)) (catch e e))`,
	} {
		_, res, err := RunProgram(context.Background(), "<eval>", []byte(src), Options{Limits: Limits{MaxSteps: 1000}})
		fmt.Println(src, res.Value, err)
	}
	deep := strings.Repeat("[", 100000)
	for _, src := range []string{
		`(let [s (apply str (repeat 1000000 "x"))] (loop [s s] (recur (str s s))))`,
		`(let [s (apply str (repeat 1000000 "x"))] (count s))`,
		`(read-string (apply str (repeat 100000 "[")))`,
		`(read-string (str (apply str (repeat 100000 "[")) (apply str (repeat 100000 "]"))))`,
		`(read-string (str (apply str (repeat 100000 "(")) (apply str (repeat 100000 ")"))))`,
		`(read-string (str (apply str (repeat 100000 "{:a ")) (apply str (repeat 100000 "}"))))`,
		`(read-string (apply str (repeat 100000 "'")))`,
		`(pr-str (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(= (reduce (fn [acc _] [acc]) [] (range 100000)) (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(flatten (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(hash (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(edit-reopen (reduce (fn [acc _] (list 'do acc)) 1 (range 100000)))`,
		`(serialize (reduce (fn [acc _] [acc]) [] (range 100000)))`,
		`(eval (reduce (fn [acc _] (list 'do acc)) 1 (range 100000)))`,
		deep,
		strings.Repeat("(", 100000) + strings.Repeat(")", 100000),
		"'" + strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
	} {
		st := time.Now()
		_, res, err := RunProgram(context.Background(), "<eval>", []byte(src), Options{})
		v := fmt.Sprint(res.Value)
		if len(v) > 60 {
			v = v[:60]
		}
		s := src
		if len(s) > 90 {
			s = s[:90]
		}
		fmt.Println(time.Since(st), s, v, err)
	}
}
