package agents

// Small persistent structures for the state: a mailbox with amortised O(1)
// append, sorted id sets and an agent table indexed by registration order.
// All are values whose committed versions never change; a transition that
// is rolled back leaves every committed version intact.

// mailbox is a persistent queue of messages: version (buf, n) sees
// buf.items[:n]. Appending to the newest version extends the shared buffer
// in place (older versions keep seeing their prefix); appending to an older
// version (a transition that was rolled back went further) copies.
// buf.items is only read under the coordinator's lock.
type mailbox struct {
	buf *mbuf
	n   int
}

type mbuf struct{ items []message }

func (m mailbox) push(x message) mailbox {
	if m.buf != nil && len(m.buf.items) == m.n {
		m.buf.items = append(m.buf.items, x)
		return mailbox{m.buf, m.n + 1}
	}
	items := make([]message, m.n, 2*m.n+4)
	if m.n > 0 {
		copy(items, m.buf.items[:m.n])
	}
	return mailbox{&mbuf{append(items, x)}, m.n + 1}
}

func (m mailbox) items() []message {
	if m.n == 0 {
		return nil
	}
	return m.buf.items[:m.n:m.n]
}

// idSet is a persistent sorted set of edge ids: a copy-on-write sorted
// slice (sets are bounded by the pending-edge capacity and usually tiny).
type idSet []int

func (s idSet) has(id int) bool {
	i := s.search(id)
	return i < len(s) && s[i] == id
}

func (s idSet) search(id int) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (s idSet) add(id int) idSet {
	if n := len(s); n == 0 || s[n-1] < id { // the common case: ids grow
		out := make(idSet, n+1)
		copy(out, s)
		out[n] = id
		return out
	}
	i := s.search(id)
	if i < len(s) && s[i] == id {
		return s
	}
	out := make(idSet, len(s)+1)
	copy(out, s[:i])
	out[i] = id
	copy(out[i+1:], s[i:])
	return out
}

func (s idSet) del(id int) idSet {
	i := s.search(id)
	if i >= len(s) || s[i] != id {
		return s
	}
	if len(s) == 1 {
		return nil
	}
	out := make(idSet, len(s)-1)
	copy(out, s[:i])
	copy(out[i:], s[i+1:])
	return out
}

// table is a persistent array of agent records indexed by registration
// order (1, 2, …): an 8-way trie with path copying (narrow nodes: a path
// copy is what a transition pays for every agent it changes). A commit copies each
// touched path once: nodes created by the commit in progress carry its
// edit number and are changed in place.
type table struct {
	root  *tnode
	shift uint // levels above the leaves × tbits
	n     int  // capacity in use: highest order + 1
}

const (
	tbits  = 3
	twidth = 1 << tbits
	tmask  = twidth - 1
)

type tnode struct {
	edit  uint64
	kids  [twidth]*tnode // inner nodes
	items [twidth]*agent // leaves
}

func (t table) get(i int) *agent {
	if i >= t.n || t.root == nil {
		return nil
	}
	nd := t.root
	for sh := t.shift; sh > 0; sh -= tbits {
		nd = nd.kids[(i>>sh)&tmask]
		if nd == nil {
			return nil
		}
	}
	return nd.items[i&tmask]
}

func (t table) capacity() int { return 1 << (t.shift + tbits) }

// set returns the table with item i = a; nodes with edit == edit are
// reused in place (they belong to the commit in progress).
func (t table) set(i int, a *agent, edit uint64) table {
	if t.root == nil {
		t.root = &tnode{edit: edit}
	}
	for i >= t.capacity() {
		root := &tnode{edit: edit}
		root.kids[0] = t.root
		t.root = root
		t.shift += tbits
	}
	t.root = t.root.set(t.shift, i, a, edit)
	if i+1 > t.n {
		t.n = i + 1
	}
	return t
}

func (nd *tnode) set(sh uint, i int, a *agent, edit uint64) *tnode {
	if nd.edit != edit {
		c := *nd
		c.edit = edit
		nd = &c
	}
	if sh == 0 {
		nd.items[i&tmask] = a
		return nd
	}
	j := (i >> sh) & tmask
	kid := nd.kids[j]
	if kid == nil {
		kid = &tnode{edit: edit}
	}
	nd.kids[j] = kid.set(sh-tbits, i, a, edit)
	return nd
}

// each calls f for every record in registration order.
func (t table) each(f func(a *agent)) {
	if t.root != nil {
		t.root.each(t.shift, f)
	}
}

func (nd *tnode) each(sh uint, f func(a *agent)) {
	if sh == 0 {
		for _, a := range nd.items {
			if a != nil {
				f(a)
			}
		}
		return
	}
	for _, k := range nd.kids {
		if k != nil {
			k.each(sh-tbits, f)
		}
	}
}
