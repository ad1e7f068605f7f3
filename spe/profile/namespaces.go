package profile

import (
	"fmt"
	"os"
	"strings"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// Subsets is a grant of io subsets (effects.md §1.1).
type Subsets struct {
	Read, Write, Exec bool
}

// Any reports whether some subset is granted.
func (s Subsets) Any() bool { return s.Read || s.Write || s.Exec }

// String lists the granted subsets: "read+write+exec", "read", "".
func (s Subsets) String() string {
	var parts []string
	if s.Read {
		parts = append(parts, "read")
	}
	if s.Write {
		parts = append(parts, "write")
	}
	if s.Exec {
		parts = append(parts, "exec")
	}
	return strings.Join(parts, "+")
}

func (s Subsets) union(o Subsets) Subsets {
	return Subsets{Read: s.Read || o.Read, Write: s.Write || o.Write, Exec: s.Exec || o.Exec}
}

// NSRef is a resolved namespace reference: what one :namespaces binding
// grants. The runtime builds the namespace map from it.
type NSRef struct {
	// Stdlib is the standard namespace ("io", "web", "agents", "globals"),
	// or "" for a {:file …} binding.
	Stdlib string
	// Subsets are the io subsets the binding draws on (io only).
	Subsets Subsets
	// Items, when non-nil, are exactly the members granted (names without
	// the namespace, in catalogue order); nil grants every member of
	// Stdlib (for io: every member of the granted Subsets).
	Items []string
	// File and FileText are set for {:file "notes.txt"}: the binding is
	// the file's text as a string value, not a namespace.
	File     string
	FileText string
	// Merged are further standard namespaces merged into the same binding
	// by a vector reference such as [stdlib/web stdlib/globals] (maps
	// merged, guides concatenated), in order. References to the same
	// namespace are combined into one part instead.
	Merged []NSRef
	// Ref is the reference as written (readable form); Pos its position.
	Ref string
	Pos string
}

// IsFile reports whether the binding is a {:file …} text value.
func (r NSRef) IsFile() bool { return r.Stdlib == "" && r.File != "" }

// Parts returns the binding's namespace parts: the reference itself (with
// Merged cleared) followed by the merged parts.
func (r NSRef) Parts() []NSRef {
	first := r
	first.Merged = nil
	return append([]NSRef{first}, r.Merged...)
}

// Members returns the member names granted by one part (without Merged),
// in catalogue order.
func (r NSRef) Members() []string {
	if r.Stdlib == "" {
		return nil
	}
	if r.Items != nil {
		return append([]string(nil), r.Items...)
	}
	var out []string
	for e := range catalog.Members(r.Stdlib) {
		if r.Stdlib == "io" && !subsetGranted(r.Subsets, e.Subset) {
			continue
		}
		out = append(out, strings.TrimPrefix(e.Name, r.Stdlib+"/"))
	}
	return out
}

// Grants reports whether the binding grants member name (without prefix)
// of stdlib namespace ns.
func (r NSRef) Grants(ns, name string) bool {
	for _, p := range r.Parts() {
		if p.Stdlib == ns && contains(p.Members(), name) {
			return true
		}
	}
	return false
}

func subsetGranted(s Subsets, subset string) bool {
	switch subset {
	case "read":
		return s.Read
	case "write":
		return s.Write
	case "exec":
		return s.Exec
	}
	return true
}

func (r NSRef) clone() NSRef {
	c := r
	c.Items = append([]string(nil), r.Items...)
	if r.Items == nil {
		c.Items = nil
	}
	c.Merged = nil
	for _, m := range r.Merged {
		c.Merged = append(c.Merged, m.clone())
	}
	return c
}

// StdlibRefs lists the accepted top-level standard references
// (runtime.md §10.2). stdlib/patterns and stdlib/feedback (effects.md §7,
// §8) are refused with "not available in this version" until they are
// built (catalog.PlannedNamespaces).
var StdlibRefs = []string{"io", "io-read", "io-write", "io-exec", "web", "agents", "globals"}

// reservedBindings are names a :namespaces key may not take: the core
// namespaces every agent has, and names the runtime binds itself.
var reservedBindings = []string{"strings", "math", "builtins", "skills", "workers", "blocking", "mcp", "eval"}

// namespaces merges the :namespaces map of the document into p by key; a
// nil value removes an inherited binding.
func (d *document) namespaces(p *Profile, e entry) error {
	m, ok := e.val.(*value.Map)
	if !ok {
		return fmt.Errorf("%s: :namespaces must be a map symbol → namespace reference, got %s", e.valPos, describe(e.val))
	}
	i := 0
	var err error
	m.Range(func(k, v value.Value) bool {
		kpos := d.childPos(m, 2*i)
		vpos := d.childPos(m, 2*i+1)
		if vpos == "" {
			vpos = e.valPos
		}
		if kpos == "" {
			kpos = e.valPos
		}
		i++
		sym, ok := k.(*value.Symbol)
		if !ok || sym.NS != "" {
			err = fmt.Errorf("%s: :namespaces keys must be plain symbols such as io, got %s", kpos, describe(k))
			return false
		}
		name := sym.Name
		if contains(reservedBindings, name) {
			err = fmt.Errorf("%s: :namespaces cannot bind %s: it is a core or reserved namespace", kpos, name)
			return false
		}
		if v == nil {
			delete(p.Namespaces, name)
			return true
		}
		var r NSRef
		r, err = d.nsRef(v, vpos)
		if err != nil {
			return false
		}
		p.Namespaces[name] = r
		return true
	})
	return err
}

// nsRef resolves one namespace reference value.
func (d *document) nsRef(v value.Value, pos string) (NSRef, error) {
	switch x := v.(type) {
	case *value.Symbol:
		return d.stdlibRef(x, pos)
	case *value.Vector:
		if x.Count() == 0 {
			return NSRef{}, fmt.Errorf("%s: empty namespace reference vector", pos)
		}
		var parts []NSRef
		for i, el := range x.Slice() {
			epos := d.childPos(x, i)
			if epos == "" {
				epos = pos
			}
			sym, ok := el.(*value.Symbol)
			if !ok {
				if _, isMap := el.(*value.Map); isMap {
					return NSRef{}, fmt.Errorf("%s: a {:file …} text cannot be merged with namespaces; bind it under its own name", epos)
				}
				return NSRef{}, fmt.Errorf("%s: namespace references are symbols such as stdlib/io-read, got %s", epos, describe(el))
			}
			r, err := d.stdlibRef(sym, epos)
			if err != nil {
				return NSRef{}, err
			}
			parts = mergePart(parts, r)
		}
		out := parts[0]
		out.Merged = parts[1:]
		if len(out.Merged) == 0 {
			out.Merged = nil
		}
		out.Ref, out.Pos = value.PrStr(x), pos
		return out, nil
	case *value.Map:
		if _, ok := x.Get(value.Kw("items")); ok {
			return NSRef{}, fmt.Errorf("%s: host-code namespace reference %s is not supported: Spell-Go profiles grant stdlib/… namespaces and {:file \"…\"} texts", pos, describe(x))
		}
		if _, ok := x.Get(value.Kw("spl")); ok {
			return NSRef{}, fmt.Errorf("%s: {:spl …} namespace references are not supported yet", pos)
		}
		path, err := d.fileRef(entry{key: "namespaces", val: x, valPos: pos}, x, ":namespaces reference")
		if err != nil {
			return NSRef{}, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return NSRef{}, fmt.Errorf("%s: namespace file: %v", pos, unwrapPathError(err))
		}
		return NSRef{File: path, FileText: string(b), Ref: value.PrStr(x), Pos: pos}, nil
	case string:
		return NSRef{}, fmt.Errorf("%s: namespace references are symbols such as stdlib/io-read (unquoted), got the string %s", pos, describe(x))
	}
	return NSRef{}, fmt.Errorf("%s: invalid namespace reference %s: expected stdlib/NAME, a vector of them or {:file \"…\"}", pos, describe(v))
}

// stdlibRef resolves stdlib/NAME or stdlib/NAME/ITEM.
func (d *document) stdlibRef(s *value.Symbol, pos string) (NSRef, error) {
	full := s.FullName()
	if s.NS == "" {
		msg := fmt.Sprintf("%s: unknown namespace reference %s", pos, full)
		if c := closest(full, StdlibRefs); c != "" {
			msg += fmt.Sprintf(" (did you mean stdlib/%s?)", c)
		}
		return NSRef{}, fmt.Errorf("%s", msg)
	}
	if s.NS != "stdlib" {
		return NSRef{}, fmt.Errorf("%s: host-code namespace reference %s is not supported: Spell-Go profiles grant stdlib/… namespaces and {:file \"…\"} texts", pos, full)
	}
	name, item, hasItem := strings.Cut(s.Name, "/")
	if info, planned := catalog.Planned(name); planned {
		return NSRef{}, fmt.Errorf("%s: %s is not available in this version of Spell-Go (specified in %s, not built)", pos, full, info.Unavailable)
	}
	if !contains(StdlibRefs, name) {
		msg := fmt.Sprintf("%s: unknown namespace reference %s", pos, full)
		if c := closest(name, StdlibRefs); c != "" {
			msg += fmt.Sprintf(" (did you mean stdlib/%s?)", c)
		}
		return NSRef{}, fmt.Errorf("%s", msg)
	}
	r := NSRef{Stdlib: name, Ref: full, Pos: pos}
	switch name {
	case "io":
		r.Subsets = Subsets{Read: true, Write: true, Exec: true}
	case "io-read":
		r.Stdlib, r.Subsets = "io", Subsets{Read: true}
	case "io-write":
		r.Stdlib, r.Subsets = "io", Subsets{Write: true}
	case "io-exec":
		r.Stdlib, r.Subsets = "io", Subsets{Exec: true}
	}
	if !hasItem {
		return r, nil
	}
	members := r.Members()
	if !contains(members, item) {
		msg := fmt.Sprintf("%s: stdlib/%s has no item %s", pos, name, item)
		if c := closest(item, members); c != "" {
			msg += fmt.Sprintf(" (did you mean stdlib/%s/%s?)", name, c)
		}
		return NSRef{}, fmt.Errorf("%s", msg)
	}
	r.Items = []string{item}
	if r.Stdlib == "io" {
		e, _ := catalog.Lookup("io/" + item)
		r.Subsets = Subsets{}
		switch e.Subset {
		case "read":
			r.Subsets.Read = true
		case "write":
			r.Subsets.Write = true
		case "exec":
			r.Subsets.Exec = true
		}
	}
	return r, nil
}

// mergePart adds r to parts, combining it with a part of the same
// namespace: subsets are united, and the members are united (nil Items
// when both grant whole namespaces or subsets).
func mergePart(parts []NSRef, r NSRef) []NSRef {
	for i, p := range parts {
		if p.Stdlib != r.Stdlib {
			continue
		}
		var items []string
		if p.Items != nil || r.Items != nil {
			seen := map[string]bool{}
			for _, x := range append(p.Members(), r.Members()...) {
				seen[x] = true
			}
			for e := range catalog.Members(p.Stdlib) {
				n := strings.TrimPrefix(e.Name, p.Stdlib+"/")
				if seen[n] {
					items = append(items, n)
				}
			}
		}
		p.Subsets = p.Subsets.union(r.Subsets)
		p.Items = items
		p.Ref = p.Ref + " " + r.Ref
		parts[i] = p
		return parts
	}
	return append(parts, r)
}
