package value

import "math/bits"

// hamt is a compact persistent hash array mapped trie from keys (compared
// with Equal, hashed with Hash) to int slots. Maps and sets keep their
// entries in an order vector and use the trie only as an index, so slots of
// existing keys never change and Assoc of an existing key does not touch it.
type hamt struct {
	root  *hnode
	count int
}

const (
	hBranch uint8 = iota
	hLeaf
	hCollision
)

type hnode struct {
	kind   uint8
	bitmap uint32
	kids   []*hnode // branch: children in bit order; collision: leaves
	hash   uint64   // leaf, collision
	key    Value    // leaf
	slot   int      // leaf
}

func keyEq(a, b Value) bool {
	if identityKey(b) {
		return a == b
	}
	return Equal(a, b)
}

func (h hamt) get(key Value) (int, bool) {
	hash := Hash(key)
	n := h.root
	shift := uint(0)
	for n != nil {
		switch n.kind {
		case hLeaf:
			if n.hash == hash && keyEq(n.key, key) {
				return n.slot, true
			}
			return 0, false
		case hCollision:
			if n.hash != hash {
				return 0, false
			}
			for _, l := range n.kids {
				if keyEq(l.key, key) {
					return l.slot, true
				}
			}
			return 0, false
		default:
			bit := uint32(1) << ((hash >> shift) & 31)
			if n.bitmap&bit == 0 {
				return 0, false
			}
			n = n.kids[bits.OnesCount32(n.bitmap&(bit-1))]
			shift += 5
		}
	}
	return 0, false
}

// set returns the trie with key mapped to slot.
func (h hamt) set(key Value, slot int) hamt {
	lf := &hnode{kind: hLeaf, hash: Hash(key), key: key, slot: slot}
	root, added := hInsert(h.root, 0, lf)
	if added {
		h.count++
	}
	h.root = root
	return h
}

func hInsert(n *hnode, shift uint, lf *hnode) (*hnode, bool) {
	if n == nil {
		return lf, true
	}
	switch n.kind {
	case hLeaf:
		if n.hash == lf.hash {
			if keyEq(n.key, lf.key) {
				return lf, false
			}
			return &hnode{kind: hCollision, hash: n.hash, kids: []*hnode{n, lf}}, true
		}
		return hInsert(hWrap(n, shift), shift, lf)
	case hCollision:
		if n.hash == lf.hash {
			for i, l := range n.kids {
				if keyEq(l.key, lf.key) {
					kids := append([]*hnode(nil), n.kids...)
					kids[i] = lf
					return &hnode{kind: hCollision, hash: n.hash, kids: kids}, false
				}
			}
			kids := make([]*hnode, len(n.kids), len(n.kids)+1)
			copy(kids, n.kids)
			return &hnode{kind: hCollision, hash: n.hash, kids: append(kids, lf)}, true
		}
		return hInsert(hWrap(n, shift), shift, lf)
	}
	bit := uint32(1) << ((lf.hash >> shift) & 31)
	pos := bits.OnesCount32(n.bitmap & (bit - 1))
	if n.bitmap&bit == 0 {
		kids := make([]*hnode, len(n.kids)+1)
		copy(kids, n.kids[:pos])
		kids[pos] = lf
		copy(kids[pos+1:], n.kids[pos:])
		return &hnode{kind: hBranch, bitmap: n.bitmap | bit, kids: kids}, true
	}
	child, added := hInsert(n.kids[pos], shift+5, lf)
	kids := make([]*hnode, len(n.kids))
	copy(kids, n.kids)
	kids[pos] = child
	return &hnode{kind: hBranch, bitmap: n.bitmap, kids: kids}, added
}

// hWrap puts a leaf or collision node into a one-child branch at shift.
func hWrap(n *hnode, shift uint) *hnode {
	return &hnode{kind: hBranch, bitmap: 1 << ((n.hash >> shift) & 31), kids: []*hnode{n}}
}

// del returns the trie without key.
func (h hamt) del(key Value) hamt {
	root, removed := hDelete(h.root, 0, key, Hash(key))
	if removed {
		h.count--
		h.root = root
	}
	return h
}

func hDelete(n *hnode, shift uint, key Value, hash uint64) (*hnode, bool) {
	if n == nil {
		return nil, false
	}
	switch n.kind {
	case hLeaf:
		if n.hash == hash && keyEq(n.key, key) {
			return nil, true
		}
		return n, false
	case hCollision:
		if n.hash != hash {
			return n, false
		}
		for i, l := range n.kids {
			if keyEq(l.key, key) {
				if len(n.kids) == 2 {
					return n.kids[1-i], true
				}
				kids := make([]*hnode, 0, len(n.kids)-1)
				kids = append(kids, n.kids[:i]...)
				kids = append(kids, n.kids[i+1:]...)
				return &hnode{kind: hCollision, hash: n.hash, kids: kids}, true
			}
		}
		return n, false
	}
	bit := uint32(1) << ((hash >> shift) & 31)
	if n.bitmap&bit == 0 {
		return n, false
	}
	pos := bits.OnesCount32(n.bitmap & (bit - 1))
	child, removed := hDelete(n.kids[pos], shift+5, key, hash)
	if !removed {
		return n, false
	}
	if child == nil {
		if len(n.kids) == 1 {
			return nil, true
		}
		if len(n.kids) == 2 && n.kids[1-pos].kind != hBranch {
			return n.kids[1-pos], true
		}
		kids := make([]*hnode, 0, len(n.kids)-1)
		kids = append(kids, n.kids[:pos]...)
		kids = append(kids, n.kids[pos+1:]...)
		return &hnode{kind: hBranch, bitmap: n.bitmap &^ bit, kids: kids}, true
	}
	if len(n.kids) == 1 && child.kind != hBranch {
		return child, true
	}
	kids := make([]*hnode, len(n.kids))
	copy(kids, n.kids)
	kids[pos] = child
	return &hnode{kind: hBranch, bitmap: n.bitmap, kids: kids}, true
}
