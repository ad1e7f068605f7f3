package spe

import (
	"sync"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// Workers (effects.md §3.10): each :available-agents entry of the profile
// is a compiled agent bound as workers/NAME. A worker is only started
// through agents/spawn, spawn-ask or !spawn-ask; calling it is an error.

const msgWorkerCall = "Workers must be started with agents/spawn or agents/spawn-ask"

// worker is one workers/NAME: compiled lazily (workers may reference each
// other) on its first start.
type worker struct {
	name    string
	compile func() (*agentDef, error)
	once    sync.Once
	d       *agentDef
	err     error
	fn      *eval.Builtin // the value bound as workers/NAME
}

func (w *worker) load() (*agentDef, error) {
	w.once.Do(func() { w.d, w.err = w.compile() })
	return w.d, w.err
}

// workerOf returns the worker a value stands for, or nil.
func (rt *Runtime) workerOf(v value.Value) *worker {
	b, ok := v.(*eval.Builtin)
	if !ok {
		return nil
	}
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	return rt.workers[b]
}

// addWorker binds a worker: the returned builtin is workers/NAME.
func (rt *Runtime) addWorker(name string, compile func() (*agentDef, error)) *eval.Builtin {
	w := &worker{name: name, compile: compile}
	w.fn = &eval.Builtin{Name: "workers/" + name, Min: 0, Max: -1, Fn: func(*eval.Call, []value.Value) (value.Value, error) {
		return nil, eval.Errorf(msgWorkerCall)
	}}
	rt.lmu.Lock()
	defer rt.lmu.Unlock()
	if rt.workers == nil {
		rt.workers = map[*eval.Builtin]*worker{}
	}
	rt.workers[w.fn] = w
	return w.fn
}
