package spell_test

import (
	"context"
	"fmt"

	"github.com/spell-go/spell"
)

// A program runs without a model.
func ExampleRun() {
	res, err := spell.Run(context.Background(), spell.Options{Program: `(str "Hello, " "Spell")`})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.Text)
	// Output: Hello, Spell
}

// A task calls a model: here the static test provider, which always
// answers "hello world". With ANTHROPIC_API_KEY set, Model: "sonnet" runs
// the same task against Claude.
func ExampleRun_task() {
	res, err := spell.Run(context.Background(), spell.Options{Task: "Say hello", Model: "test", Agent: "base"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.Text, res.Calls["main"])
	// Output: hello world 1
}
