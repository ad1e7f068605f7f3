package spe

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/globals"
)

// The globals namespace (effects.md §4): one store per run, shared by every
// agent and future of the run. Its functions touch nothing of the Runtime
// but the store (which has its own lock), so futures may call them.

// globalsStore returns the run's store, made on first use.
func (rt *Runtime) globalsStore() *globals.Store {
	rt.globalsOnce.Do(func() { rt.globals = globals.New() })
	return rt.globals
}

// offBaton runs wait, a part of an agent's evaluation that blocks its
// goroutine (globals/wait-until), without the run's baton, so that other
// agents run meanwhile. A future's goroutine holds no baton (its context
// still names its owner's runner): it just waits.
func (rt *Runtime) offBaton(ctx context.Context, onFuture bool, wait func()) {
	if onFuture {
		wait()
		return
	}
	rt.releaseBaton(ctx, wait)
}

// globalsImpl returns the implementation of a globals/ member. (A switch,
// not a map: nothing is built at start; issue 11, start-up.)
func globalsImpl(member string) (func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error), bool) {
	switch member {
	case "get":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			return rt.globalsStore().Get(a[0]), nil
		}, true
	case "set":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			return rt.globalsStore().Set(a[0], a[1]), nil
		}, true
	case "update":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			f, rest := a[1], a[2:]
			return rt.globalsStore().Update(a[0], func(old value.Value) (value.Value, error) {
				return c.Apply(f, append([]value.Value{old}, rest...)...)
			})
		}, true
	case "pop":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			v, err := rt.globalsStore().Pop(a[0])
			if errors.Is(err, globals.ErrNotSequential) {
				return nil, eval.Errorf("the value under %s is not a list or vector (a %s)", value.PrStr(a[0]), value.TypeName(rt.globalsStore().Get(a[0])))
			}
			return v, err
		}, true
	case "keys":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			return value.NewVector(rt.globalsStore().Keys()), nil
		}, true
	case "all":
		return func(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
			return rt.globalsStore().All(), nil
		}, true
	case "wait-until":
		return globalsWaitUntil, true
	}
	return nil, false
}

var kwTimeoutMS = value.Kw("timeout-ms")

const msgWaitOptions = "globals/wait-until options must be a map with only :timeout-ms, a non-negative integer"

func globalsWaitUntil(rt *Runtime, c *eval.Call, a []value.Value) (value.Value, error) {
	var opts globals.WaitOptions
	if len(a) > 1 {
		m, ok := a[1].(*value.Map)
		if !ok {
			return nil, eval.Errorf(msgWaitOptions)
		}
		bad := false
		m.Range(func(k, v value.Value) bool {
			n, isInt := v.(int64)
			if k != value.Value(kwTimeoutMS) || !isInt || n < 0 {
				bad = true
				return false
			}
			opts.Timeout, opts.HasTimeout = time.Duration(n)*time.Millisecond, true
			return true
		})
		if bad {
			return nil, eval.Errorf(msgWaitOptions)
		}
	}
	pred := a[0]
	ctx := c.In.Context()
	onFuture := c.In.InFuture()
	opts.Block = func(wait func()) { rt.offBaton(ctx, onFuture, wait) }
	ok, err := rt.globalsStore().WaitUntil(ctx, func(m *value.Map) (bool, error) {
		v, err := c.Apply(pred, m)
		return value.Truthy(v), err
	}, opts)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, eval.Cancelled()
	}
	return ok, err
}

// globalsNamespace builds the globals map of the run: every member of the
// catalogue, its docs and details.
func (rt *Runtime) globalsNamespace() *value.Map {
	var kvs, detail []value.Value
	for e := range catalog.Members("globals") {
		member := strings.TrimPrefix(e.Name, "globals/")
		impl, ok := globalsImpl(member)
		if !ok {
			continue
		}
		b := &eval.Builtin{Name: e.Name, Min: e.MinArgs, Max: e.MaxArgs, Fn: func(c *eval.Call, a []value.Value) (value.Value, error) {
			return impl(rt, c, a)
		}}
		kvs = append(kvs, value.Kw(member), b)
		detail = append(detail, value.Kw(member), e.Doc+"\n"+e.Detail)
	}
	for _, ns := range catalog.Namespaces() {
		if ns.Name == "globals" {
			kvs = append(kvs, value.Kw("short-docs"), ns.ShortDoc, value.Kw("docs"), value.NewMap(value.Kw("guide"), ns.Guide))
		}
	}
	kvs = append(kvs, value.Kw("detail"), value.NewMap(detail...))
	return value.NewMap(kvs...)
}
