// Command native runs the bench programs' work in plain Go, so that `spell
// run` can be compared with a native process on the same machine:
//
//	native fib 30         the recursive fib of bench/fib.spl
//	native loop 10000000  the loop/recur sum of bench/loop_sum.spl
package main

import (
	"fmt"
	"os"
	"strconv"
)

func fib(n int64) int64 {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func loop(n int64) int64 {
	var acc int64
	for i := int64(0); i < n; i++ {
		acc += i
	}
	return acc
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: native fib|loop N")
		os.Exit(2)
	}
	n, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "fib":
		fmt.Println(fib(n))
	case "loop":
		fmt.Println(loop(n))
	default:
		fmt.Fprintln(os.Stderr, "usage: native fib|loop N")
		os.Exit(2)
	}
}
