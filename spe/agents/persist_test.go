package agents

import "testing"

// TestTableVersions: a committed table version never changes, whatever
// later commits (in place within their own edit) do.
func TestTableVersions(t *testing.T) {
	var versions []table
	var tb table
	for i := 0; i < 5000; i++ {
		tb = tb.set(i, &agent{order: i}, uint64(i/7+1)) // several sets per edit
		if i%500 == 0 {
			versions = append(versions, tb)
		}
	}
	for v, old := range versions {
		n := v*500 + 1
		for i := 0; i < 5000; i++ {
			a := old.get(i)
			if (i < n) != (a != nil) || a != nil && a.order != i {
				t.Fatalf("version %d, item %d: %v", v, i, a)
			}
		}
	}
	tb2 := tb.set(3, nil, 1<<40)
	if tb.get(3) == nil || tb2.get(3) != nil {
		t.Fatal("set in a new edit changed the old version")
	}
	count := 0
	last := -1
	tb2.each(func(a *agent) {
		if a.order <= last {
			t.Fatal("each out of order")
		}
		last = a.order
		count++
	})
	if count != 4999 {
		t.Fatal(count)
	}
}

// TestMailboxBranches: pushing on an older version (after a rolled-back
// transition went further) copies instead of overwriting.
func TestMailboxBranches(t *testing.T) {
	var m mailbox
	for i := 0; i < 10; i++ {
		m = m.push(message{request: i})
	}
	rolledBack := m.push(message{request: 100})
	committed := m.push(message{request: 200})
	if rolledBack.items()[10].request != 100 || committed.items()[10].request != 200 {
		t.Fatal("branches share a slot")
	}
	if len(m.items()) != 10 {
		t.Fatal("old version changed")
	}
}

func TestIDSet(t *testing.T) {
	var s idSet
	for _, id := range []int{5, 1, 9, 3, 9} {
		s = s.add(id)
	}
	old := s
	s = s.del(3).del(42)
	if len(old) != 4 || !old.has(3) || s.has(3) || !s.has(9) || len(s) != 3 {
		t.Fatal(old, s)
	}
	if s.del(1).del(5).del(9) != nil {
		t.Fatal("empty set not nil")
	}
}
