package eval

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/syntax"
)

// Span is a source location: a file and a byte range in it.
type Span struct {
	File       *Source
	Start, End int32
}

// Position returns the 1-based line and column of the span's start.
func (s *Span) Position() syntax.Position { return s.File.Lines.Position(int(s.Start)) }

// String renders "file:line:col".
func (s *Span) String() string { return fmt.Sprintf("%s:%s", s.File.Name, s.Position()) }

// Source is a named source text with its line table.
type Source struct {
	Name  string
	Lines *syntax.LineTable
}

// Spans is the side table from lowered collection values to the syntax
// nodes they came from. Values never carry positions themselves.
type Spans struct {
	src   *Source
	nodes map[any]*syntax.Node
	// reused holds the nodes of forms an incremental turn took over from
	// earlier reads of the same text (incr.go); never written once made.
	reused []map[any]*syntax.Node
}

// node returns the syntax node of a lowered value.
func (s *Spans) node(v value.Value) (*syntax.Node, bool) {
	n, ok := s.nodes[v]
	for i := len(s.reused) - 1; !ok && i >= 0; i-- {
		n, ok = s.reused[i][v]
	}
	return n, ok
}

// Of returns the span of a lowered collection value, or nil.
func (s *Spans) Of(v value.Value) *Span {
	if s == nil {
		return nil
	}
	n, ok := s.node(v)
	if !ok {
		return nil
	}
	return &Span{File: s.src, Start: n.Start, End: n.End}
}

// Child returns the span of element i of a lowered collection (for maps,
// i counts keys and values alternately), falling back to the collection.
func (s *Spans) Child(v value.Value, i int) *Span {
	if s == nil {
		return nil
	}
	n, ok := s.node(v)
	if !ok {
		return nil
	}
	if i >= 0 && i < len(n.Kids) {
		k := n.Kids[i]
		return &Span{File: s.src, Start: k.Start, End: k.End}
	}
	return &Span{File: s.src, Start: n.Start, End: n.End}
}

type lowerer struct {
	f     *syntax.File
	spans *Spans
	fn    *fnLitCtx
	// An incremental read (readincr.go): the open lists whose first kids
	// are taken over from the previous read, and where the first #( is.
	reuse map[*syntax.Node]reusedKids
	fnLit int32
}

type fnLitCtx struct {
	id   int64
	max  int
	rest bool
}

var fnLitCounter atomic.Int64

// Lower converts a syntax node of f to a value, recording spans. Reader
// errors (rejected forms, invalid tokens, duplicate keys) are returned
// with their span.
func Lower(f *syntax.File, n *syntax.Node) (value.Value, *Spans, error) {
	lw := newLowerer(f)
	v, err := lw.lower(n)
	return v, lw.spans, err
}

func newLowerer(f *syntax.File) *lowerer {
	src := &Source{Name: f.Name, Lines: f.LineTable()}
	return &lowerer{f: f, spans: &Spans{src: src, nodes: map[any]*syntax.Node{}}, fnLit: math.MaxInt32}
}

func (lw *lowerer) errAt(n *syntax.Node, msg string) error {
	return &Error{Msg: msg, Span: &Span{File: lw.spans.src, Start: n.Start, End: n.End}}
}

func (lw *lowerer) kids(n *syntax.Node) ([]value.Value, error) { return lw.lowerAll(n.Kids) }

// lowerAll lowers the nodes ns.
func (lw *lowerer) lowerAll(ns []*syntax.Node) ([]value.Value, error) {
	out := make([]value.Value, 0, len(ns))
	for _, k := range ns {
		v, err := lw.lower(k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (lw *lowerer) lower(n *syntax.Node) (value.Value, error) {
	src := lw.f.Src
	if n.Bad() {
		for _, e := range lw.f.Errors {
			if e.Off >= n.Lead && e.Off <= n.End {
				return nil, lw.errAt(n, e.LangMessage())
			}
		}
		return nil, lw.errAt(n, "Invalid token: "+n.Text(src))
	}
	switch n.Kind {
	case syntax.List, syntax.Vector, syntax.Map, syntax.Set, syntax.NamespacedMap:
		if n.Unclosed() {
			return nil, lw.errAt(n, "EOF while reading")
		}
		if r, ok := lw.reuse[n]; ok && n.Kind == syntax.List {
			// An open list of a resumed reading (readincr.go): the kept
			// kids are the previous value's, linked without a copy first.
			more, err := lw.lowerAll(n.Kids[r.keep:])
			if err != nil {
				return nil, err
			}
			v := value.NewListAfter(r.prev, r.keep, more)
			lw.spans.nodes[v] = n
			return v, nil
		}
		items, err := lw.kids(n)
		if err != nil {
			return nil, err
		}
		var v value.Value
		switch n.Kind {
		case syntax.List:
			v = value.NewList(items...)
		case syntax.Vector:
			v = value.NewVector(items)
		case syntax.Set:
			s := value.EmptySet
			for i, x := range items {
				if s.Contains(x) {
					return nil, lw.errAt(n.Kids[i], "Duplicate key: "+value.PrStr(x))
				}
				s = s.Conj(x)
			}
			v = s
		default:
			if len(items)%2 != 0 {
				return nil, lw.errAt(n, "Map literal must contain an even number of forms")
			}
			if n.Kind == syntax.NamespacedMap {
				ns := string(src[n.Start+2 : n.OpenEnd-1])
				for i := 0; i < len(items); i += 2 {
					switch k := items[i].(type) {
					case *value.Keyword:
						if k.NS == "" {
							items[i] = value.KwNS(ns, k.Name)
						} else if k.NS == "_" {
							items[i] = value.KwNS("", k.Name)
						}
					case *value.Symbol:
						if k.NS == "" {
							items[i] = value.SymNS(ns, k.Name)
						}
					}
				}
			}
			m := value.EmptyMap
			for i := 0; i < len(items); i += 2 {
				if m.Contains(items[i]) {
					return nil, lw.errAt(n.Kids[i], "Duplicate key: "+value.PrStr(items[i]))
				}
				m = m.Assoc(items[i], items[i+1])
			}
			v = m
		}
		lw.spans.nodes[v] = n
		return v, nil
	case syntax.FnLit:
		if n.Unclosed() {
			return nil, lw.errAt(n, "EOF while reading")
		}
		if lw.fn != nil {
			return nil, lw.errAt(n, "Nested #()s are not allowed")
		}
		lw.fnLit = min(lw.fnLit, n.Start)
		ctx := &fnLitCtx{id: fnLitCounter.Add(1)}
		lw.fn = ctx
		items, err := lw.kids(n)
		lw.fn = nil
		if err != nil {
			return nil, err
		}
		body := value.NewList(items...)
		lw.spans.nodes[body] = n
		params := make([]value.Value, 0, ctx.max+2)
		for i := 1; i <= ctx.max; i++ {
			params = append(params, fnLitParam(ctx, i))
		}
		if ctx.rest {
			params = append(params, symAmp, value.Sym(fmt.Sprintf("rest__%d#", ctx.id)))
		}
		return value.NewList(symFnStar, value.NewVector(params), body), nil
	case syntax.Quote:
		if len(n.Kids) == 0 {
			return nil, lw.errAt(n, "EOF while reading")
		}
		x, err := lw.lower(n.Kids[0])
		if err != nil {
			return nil, err
		}
		l := value.NewList(symQuote, x)
		lw.spans.nodes[l] = n
		return l, nil
	case syntax.Meta:
		if len(n.Kids) < 2 {
			return nil, lw.errAt(n, "EOF while reading")
		}
		return lw.lower(n.Kids[1])
	case syntax.Rejected, syntax.Error, syntax.Discard:
		for _, e := range lw.f.Errors {
			if e.Off >= n.Start && e.Off <= n.End {
				return nil, lw.errAt(n, e.LangMessage())
			}
		}
		return nil, lw.errAt(n, "Unsupported reader form: "+n.Token(src))
	case syntax.Symbol:
		text := n.Text(src)
		if lw.fn != nil && len(text) > 0 && text[0] == '%' {
			switch {
			case text == "%":
				lw.fn.use(1)
				return fnLitParam(lw.fn, 1), nil
			case text == "%&":
				lw.fn.rest = true
				return value.Sym(fmt.Sprintf("rest__%d#", lw.fn.id)), nil
			default:
				if k, err := strconv.Atoi(text[1:]); err == nil && k >= 1 && k <= 20 {
					lw.fn.use(k)
					return fnLitParam(lw.fn, k), nil
				}
			}
		}
		return value.Sym(text), nil
	case syntax.Keyword:
		return value.Kw(n.Text(src)[1:]), nil
	case syntax.Nil:
		return nil, nil
	case syntax.Bool:
		return n.Text(src) == "true", nil
	case syntax.String:
		s, err := syntax.UnquoteString(n.Text(src))
		if err != nil {
			return nil, lw.errAt(n, err.Error())
		}
		return s, nil
	case syntax.Char:
		r, err := syntax.DecodeChar(n.Text(src))
		if err != nil {
			return nil, lw.errAt(n, err.Error())
		}
		return value.Char(r), nil
	case syntax.Regex:
		text := n.Text(src)
		re, err := value.CompileRegex(text[2 : len(text)-1])
		if err != nil {
			return nil, lw.errAt(n, err.Error())
		}
		return re, nil
	case syntax.Number:
		return lowerNumber(n.Text(src), func(msg string) error { return lw.errAt(n, msg) })
	}
	return nil, lw.errAt(n, "Unsupported reader form: "+n.Token(src))
}

func (c *fnLitCtx) use(k int) {
	if k > c.max {
		c.max = k
	}
}

func fnLitParam(c *fnLitCtx, i int) *value.Symbol {
	return value.Sym(fmt.Sprintf("p%d__%d#", i, c.id))
}

func lowerNumber(text string, fail func(string) error) (value.Value, error) {
	switch text {
	case "##Inf":
		return math.Inf(1), nil
	case "##-Inf":
		return math.Inf(-1), nil
	case "##NaN":
		return math.NaN(), nil
	}
	lit, err := syntax.ParseNumber(text)
	if err != nil {
		return nil, fail(err.Error())
	}
	switch lit.Kind {
	case syntax.NumInt:
		return lit.Int, nil
	case syntax.NumBigInt:
		return lit.Big, nil
	case syntax.NumFloat:
		return lit.Float, nil
	case syntax.NumRatio:
		return lit.Rat, nil
	case syntax.NumBigDec:
		return value.BigDec{Unscaled: lit.Big, Scale: lit.Scale}, nil
	}
	return nil, fail("Invalid number: " + syntax.EscapeControl(text))
}

// ReadResult is a program read in completion mode.
type ReadResult struct {
	Completion *syntax.Completion
	Form       value.Value
	Spans      *Spans

	incr readIncr // what a later ReadProgramAfter needs (readincr.go)
}

// ReadProgram reads text in completion mode (language.md §1.3): repairs,
// then the first form lowered to a value. Text with no form reads as nil.
func ReadProgram(name string, text []byte) (*ReadResult, error) {
	c := syntax.ReadCompletion(name, text)
	r := &ReadResult{Completion: c}
	if c.Form == nil {
		return r, nil
	}
	if c.Err != nil {
		src := &Source{Name: name, Lines: c.File.LineTable()}
		return r, &Error{Msg: c.Err.LangMessage(), Span: &Span{File: src, Start: c.Err.Off, End: c.Err.End}}
	}
	lw := newLowerer(c.File)
	v, err := lw.lower(c.Form)
	r.Form, r.Spans = v, lw.spans
	r.incr = readIncr{ok: err == nil, fnLit: lw.fnLit, hashParen: bytes.Index(c.Text, []byte("#(")), hashKnown: true}
	return r, err
}
