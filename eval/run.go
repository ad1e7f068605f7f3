package eval

import (
	"context"

	"github.com/spell-go/spell/eval/value"
)

// Program is a program read in completion mode and ready to evaluate.
type Program struct {
	Name  string
	Read  *ReadResult
	Form  value.Value
	Spans *Spans
}

// Result is the outcome of running a program.
type Result struct {
	Value value.Value
	Env   *Env
	Steps int64
}

// RunProgram reads text in completion mode and evaluates its first form in
// the pipeline context ({eval → <eval builtin>}). Reader errors come back
// as *Error with a span.
func RunProgram(ctx context.Context, name string, text []byte, opts Options) (*ReadResult, Result, error) {
	rr, err := ReadProgram(name, text)
	if err != nil {
		return rr, Result{}, err
	}
	in := New(ctx, opts)
	in.Spans = rr.Spans
	v, env, err := in.Eval(rr.Form, PipelineEnv())
	return rr, Result{Value: v, Env: env, Steps: in.Steps()}, err
}

// EvalString runs src as a program (completion mode, pipeline context) with
// default limits and returns its value. Used by tests and tools.
func EvalString(src string) (value.Value, error) {
	_, res, err := RunProgram(context.Background(), "<eval>", []byte(src), Options{})
	return res.Value, err
}
