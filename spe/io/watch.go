package spellio

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/value"
)

// defaultWatchTimeout bounds io/watch-send without a timeout argument.
const defaultWatchTimeout = 60 * time.Second

// watchPoll is the polling interval of io/watch-send (no inotify
// dependency: a directory snapshot is compared at this rate).
var watchPoll = 100 * time.Millisecond

type fileState struct {
	size int64
	mod  time.Time
	dir  bool
}

// watchSend returns nil at once; a goroutine polls the directory's entries
// and sends one {:from :watch-send :body [{:kind :name} …]} message to the
// handle on the first change, nothing on timeout, a body {:error msg} on
// failure. The handle is checked at the call (Config.Send).
func (n *ns) watchSend(c *eval.Call, args []value.Value) (value.Value, error) {
	p, err := argPath(args[0])
	if err != nil {
		return nil, err
	}
	handle := args[1]
	timeout := defaultWatchTimeout
	if len(args) == 3 && args[2] != nil {
		ms, err := argInt("timeout-ms", args[2])
		if err != nil {
			return nil, err
		}
		if ms < 0 {
			return nil, errors.New("timeout-ms must be >= 0")
		}
		timeout = time.Duration(ms) * time.Millisecond
	}
	if n.cfg.Send == nil {
		return nil, errors.New("io/watch-send: messaging is not available in this run")
	}
	deliver, err := n.cfg.Send(handle)
	if err != nil {
		return nil, err
	}
	send := func(body value.Value) { _ = deliver(body) }
	l, err := n.resolve(p, true)
	if err != nil {
		go send(value.NewMap(value.Kw("error"), err.Error()))
		return nil, nil
	}
	before, err := snapshot(l)
	if err != nil {
		go send(value.NewMap(value.Kw("error"), err.Error()))
		return nil, nil
	}
	go func() {
		deadline := time.NewTimer(timeout)
		defer deadline.Stop()
		tick := time.NewTicker(watchPoll)
		defer tick.Stop()
		for {
			select {
			case <-n.cfg.Ctx.Done():
				return
			case <-deadline.C:
				return
			case <-tick.C:
				now, err := snapshot(l)
				if err != nil {
					send(value.NewMap(value.Kw("error"), err.Error()))
					return
				}
				if changes := diffStates(before, now); len(changes) > 0 {
					send(value.NewVector(changes))
					return
				}
			}
		}
	}()
	return nil, nil
}

func snapshot(l loc) (map[string]fileState, error) {
	f, err := l.r.Open(l.rel)
	if err != nil {
		return nil, fsError(l, err, "Error watching")
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("Not a directory: %s", l.arg)
	}
	out := make(map[string]fileState, len(entries))
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out[e.Name()] = fileState{size: fi.Size(), mod: fi.ModTime(), dir: fi.IsDir()}
	}
	return out, nil
}

func diffStates(before, now map[string]fileState) []value.Value {
	var names []string
	kinds := map[string]string{}
	for name, s := range now {
		old, ok := before[name]
		switch {
		case !ok:
			kinds[name] = "create"
		case old != s:
			kinds[name] = "modify"
		default:
			continue
		}
		names = append(names, name)
	}
	for name := range before {
		if _, ok := now[name]; !ok {
			kinds[name] = "delete"
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := make([]value.Value, len(names))
	for i, name := range names {
		out[i] = value.NewMap(value.Kw("kind"), value.Kw(kinds[name]), value.Kw("name"), name)
	}
	return out
}
