// Package globals is the shared key-value store of one run (effects.md §4):
// every agent and future of the run reads and changes the same map. The
// map is an immutable value replaced under a mutex, so a fetched value never
// changes; changes are announced by closing a channel, so a waiter that
// checks, subscribes and checks again cannot miss one.
//
// The package calls no Spell code: update's function and wait-until's
// predicate are Go functions the caller (spe) builds around the Spell
// values, and they run on the caller's goroutine, outside the lock.
package globals

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/spell-go/spell/eval/value"
)

// ErrNotSequential is the failure of Pop on a value that is not a list or
// vector.
var ErrNotSequential = errors.New("not a sequential value")

// Store is the globals map of one run. The zero value is not usable; make
// one with New.
type Store struct {
	mu sync.Mutex
	m  *value.Map // key → value
	// stamps maps each key to the change number of its last write, so an
	// optimistic update commits only if its key was not written meanwhile.
	stamps  *value.Map
	n       int64
	changed chan struct{} // closed (and replaced) at every change
}

// New returns an empty store (every run starts with {}).
func New() *Store {
	return &Store{m: value.EmptyMap, stamps: value.EmptyMap, changed: make(chan struct{})}
}

// commit installs a new value for k; the caller holds the lock.
func (s *Store) commit(k, v value.Value) {
	s.n++
	s.m = s.m.Assoc(k, v)
	s.stamps = s.stamps.Assoc(k, s.n)
	close(s.changed)
	s.changed = make(chan struct{})
}

// Get returns the value under k, or nil.
func (s *Store) Get(k value.Value) value.Value {
	s.mu.Lock()
	v, _ := s.m.Get(k)
	s.mu.Unlock()
	return v
}

// Set stores v under k and returns v.
func (s *Store) Set(k, v value.Value) value.Value {
	s.mu.Lock()
	s.commit(k, v)
	s.mu.Unlock()
	return v
}

// Update replaces the value under k by f(old) and returns the new value.
// It is optimistic: f runs outside the lock and again whenever another
// writer changed k meanwhile, so f may run more than once and must be
// pure. An error of f ends the update with nothing stored.
func (s *Store) Update(k value.Value, f func(old value.Value) (value.Value, error)) (value.Value, error) {
	for {
		s.mu.Lock()
		old, _ := s.m.Get(k)
		stamp, _ := s.stamps.Get(k)
		s.mu.Unlock()
		v, err := f(old)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		now, _ := s.stamps.Get(k)
		if now == stamp {
			s.commit(k, v)
			s.mu.Unlock()
			return v, nil
		}
		s.mu.Unlock()
	}
}

// Pop removes and returns the first element of the list or vector under
// k, atomically, so each element is claimed by one caller. A missing key,
// nil or an empty collection gives nil and changes nothing; any other
// value fails with ErrNotSequential.
func (s *Store) Pop(k value.Value) (value.Value, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, _ := s.m.Get(k)
	switch x := cur.(type) {
	case nil:
		return nil, nil
	case *value.Vector:
		if x.Count() == 0 {
			return nil, nil
		}
		first, _ := x.Nth(0)
		rest, _ := x.Sub(1, x.Count())
		s.commit(k, rest)
		return first, nil
	case *value.List:
		if x.Count() == 0 {
			return nil, nil
		}
		s.commit(k, x.Rest())
		return x.First(), nil
	}
	return nil, ErrNotSequential
}

// Keys returns the stored keys.
func (s *Store) Keys() []value.Value {
	s.mu.Lock()
	m := s.m
	s.mu.Unlock()
	return m.Keys()
}

// All returns the whole map (an immutable snapshot).
func (s *Store) All() *value.Map {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m
}

// snapshot returns the map and the channel closed at its next change.
func (s *Store) snapshot() (*value.Map, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m, s.changed
}

// WaitOptions configure WaitUntil.
type WaitOptions struct {
	// Timeout ends the wait with false when HasTimeout is set (0: at
	// once, after one check).
	Timeout    time.Duration
	HasTimeout bool
	// After makes the timeout's channel; nil is the wall clock. A run
	// under replay gives its virtual clock.
	After func(time.Duration) <-chan time.Time
	// Block runs wait, the part of WaitUntil that blocks the goroutine;
	// nil runs it directly. The runtime gives one that releases the run's
	// baton around it, so other agents run while this one waits.
	Block func(wait func())
}

// WaitUntil returns true once pred holds for the whole map, false when the
// timeout elapses first, and ctx's error when ctx is done first. It checks
// pred against a snapshot and waits only for the change that follows that
// very snapshot, so no change can be missed. pred runs on the caller's
// goroutine, outside the lock, after every change.
func (s *Store) WaitUntil(ctx context.Context, pred func(*value.Map) (bool, error), opts WaitOptions) (bool, error) {
	var timeout <-chan time.Time
	switch {
	case !opts.HasTimeout:
	case opts.Timeout <= 0:
		c := make(chan time.Time)
		close(c)
		timeout = c
	default:
		if opts.After != nil {
			timeout = opts.After(opts.Timeout)
		} else {
			t := time.NewTimer(opts.Timeout)
			defer t.Stop()
			timeout = t.C
		}
	}
	block := opts.Block
	if block == nil {
		block = func(wait func()) { wait() }
	}
	for {
		m, changed := s.snapshot()
		ok, err := pred(m)
		if err != nil || ok {
			return ok, err
		}
		var timedOut bool
		var cerr error
		block(func() {
			select {
			case <-changed:
			case <-timeout:
				timedOut = true
			case <-ctx.Done():
				cerr = ctx.Err()
			}
		})
		if cerr != nil {
			return false, cerr
		}
		if timedOut {
			return false, nil
		}
	}
}
