package lint

import (
	"sort"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// BindingKind classifies what bound a name.
type BindingKind uint8

const (
	BindDef        BindingKind = iota // (def x …)
	BindDefn                          // (defn f [params] …)
	BindDefine                        // (define x …)
	BindPersist                       // (persist x …)
	BindDefmacro                      // (defmacro m [params] …)
	BindQuine                         // (quine name …)
	BindLet                           // let binding (destructured names included)
	BindLoop                          // loop binding
	BindFor                           // for binding (also :let inside for)
	BindIfLet                         // if-let, when-let, if-some, when-some
	BindParam                         // fn / fn* / defn / defmacro parameter
	BindFnLitParam                    // implicit %, %n, %& of #(…)
	BindCatch                         // (catch e …) symbol
	BindAs                            // (as-> e name …) name
	BindPlet                          // blocking/plet binding
)

var bindingKindNames = [...]string{
	BindDef: "def", BindDefn: "defn", BindDefine: "define", BindPersist: "persist",
	BindDefmacro: "defmacro", BindQuine: "quine", BindLet: "let", BindLoop: "loop",
	BindFor: "for", BindIfLet: "if-let", BindParam: "param", BindFnLitParam: "fn-literal param",
	BindCatch: "catch", BindAs: "as->", BindPlet: "plet",
}

func (k BindingKind) String() string {
	if int(k) < len(bindingKindNames) {
		return bindingKindNames[k]
	}
	return "binding?"
}

// IsDefinition reports whether the kind is a program-wide definition
// (def, defn, define, persist, defmacro, quine name): such names are visible
// everywhere after they run, and by dynamic scope inside every function.
func (k BindingKind) IsDefinition() bool { return k <= BindQuine }

// Mode says how a position is evaluated (language.md §6).
type Mode uint8

const (
	// ModePure: evaluated without effects (the program outside eval: the
	// wrapper's do, def inits, top-level code).
	ModePure Mode = iota
	// ModeEffect: evaluated by eval, with the effect namespaces bound (the
	// wrapper's quoted trailing expression and what it calls).
	ModeEffect
	// ModeFunction: inside a function body defined in the pure part; whether
	// effects are available depends on where the function is called.
	ModeFunction
)

func (m Mode) String() string {
	switch m {
	case ModePure:
		return "pure"
	case ModeEffect:
		return "effect"
	}
	return "function"
}

// FnInfo is the arity of a Spell function (language.md §5.5, D2).
type FnInfo struct {
	Required int  // parameters before a top-level &
	Variadic bool // a top-level & collects the rest
	// Params is the parameter vector node (nil for #(…)).
	Params *syntax.Node
}

// Accepts reports whether n arguments pass the arity check.
func (f *FnInfo) Accepts(n int) bool {
	return n == f.Required || (f.Variadic && n > f.Required)
}

// Binding is one name bound by a form.
type Binding struct {
	Name string
	Kind BindingKind
	// Node is the symbol node that binds the name (for quine, the name).
	Node *syntax.Node
	// Start, End span the binding symbol.
	Start, End int32
	// Form is the binding form (the def, let, fn, catch … list; the #(…)
	// node for implicit parameters).
	Form *syntax.Node
	// Value is the init expression, when there is one.
	Value *syntax.Node
	// Scope is the scope the binding is visible in; nil for definitions,
	// which are program-wide.
	Scope *Scope
	// Fn is the arity when the bound value is a function written in the
	// file (defn, (def f (fn …)), (let [f (fn …)] …)); nil otherwise.
	Fn *FnInfo
	// Destructured is set for names bound by :keys, :strs or :syms, whose
	// name is also the looked-up key (renaming them changes behaviour).
	Destructured bool
	// InFunction is set when the binding form is inside a function body.
	// (The two flags share a word: a small file's first bindings then
	// take a size class spell lint uses anyway; issue 11, start-up.)
	InFunction bool
	// Refs are the references that may denote this binding.
	Refs []*Reference
}

// Reference is a symbol evaluated as code.
type Reference struct {
	Node       *syntax.Node
	Start, End int32
	// Name is the symbol text (`x`, `strings/split`).
	Name string
	// Root and Member split a qualified name (`strings`, `split`; `cfg`,
	// `a/b`); both empty for unqualified names.
	Root, Member string
	// Lexical is the local binding the symbol denotes, when it is lexically
	// bound (for a qualified symbol: the binding of its root).
	Lexical *Binding
	// Candidates are the definitions the symbol may denote at run time when
	// it is not lexically bound (every definition of the name in the file;
	// inside a function body, when there is none, every binding of the name
	// anywhere — see Dynamic).
	Candidates []*Binding
	// Entry is the catalogue entry the name resolves to when no binding
	// does (builtins, special forms, macros, namespace members).
	Entry *catalog.Entry
	// Namespace is the namespace of a qualified name, or of a bare namespace
	// root symbol (`strings`), when it is one the analysis knows.
	Namespace *Namespace
	// HasEntry is set when Entry is.
	HasEntry bool
	// Dynamic is set when the candidates are local bindings found only
	// through dynamic scope.
	Dynamic bool
	// Head is set when the symbol is the head of a call.
	Head bool
	// Mode is how the position is evaluated.
	Mode Mode
	// InFunction is set inside a function body (dynamic scope applies).
	InFunction bool
	// Lenient is set for code whose evaluation the analysis cannot be sure
	// of (arguments of user macros, malformed forms): rules skip it.
	Lenient bool
	// Owner is the definition of the innermost named function containing
	// the reference, if any.
	Owner *Binding
	// Scope is the innermost scope at the reference.
	Scope *Scope
}

// Bindings returns every binding the reference may denote: the lexical one,
// or the candidates.
func (r *Reference) Bindings() []*Binding {
	if r.Lexical != nil {
		return []*Binding{r.Lexical}
	}
	return r.Candidates
}

// Resolved reports whether the name denotes something known: a binding, a
// catalogue entry or a namespace.
func (r *Reference) Resolved() bool {
	return r.Lexical != nil || len(r.Candidates) > 0 || r.HasEntry || r.Namespace != nil
}

// CallKind classifies the head of a call.
type CallKind uint8

const (
	CallUnknown   CallKind = iota // head is not a symbol or did not resolve
	CallSpecial                   // special form
	CallMacro                     // built-in macro
	CallBuiltin                   // catalogue function (core, namespace, effect)
	CallUser                      // user function or value bound in the file
	CallUserMacro                 // a defmacro of the file
)

// Call is a non-empty list evaluated as code.
type Call struct {
	Node *syntax.Node
	// Head is the head reference (nil when the head is not a symbol).
	Head *Reference
	// Name is the head symbol text ("" when the head is not a symbol).
	Name string
	Kind CallKind
	// Args is the number of arguments, including the value a threading
	// macro inserts (Threaded).
	Args     int
	Threaded bool
	Mode     Mode
	// InFunction, Lenient and Owner are as for Reference.
	InFunction bool
	Lenient    bool
	// IsArg is set when the call is an argument of a function call.
	IsArg bool
	// Tail is set when the call is in tail position of a fn or loop body.
	// (The flags share a word: a small file's first calls then take a
	// size class spell lint uses anyway; issue 11, start-up.)
	Tail  bool
	Owner *Binding
}

// ScopeKind classifies a scope.
type ScopeKind uint8

const (
	ScopeFile ScopeKind = iota
	ScopeLet
	ScopeLoop
	ScopeFor
	ScopeFn
	ScopeFnLit
	ScopeCatch
	ScopeIfLet
	ScopeAs
	ScopePlet
)

// Scope is a region where local bindings are visible.
type Scope struct {
	Kind       ScopeKind
	Start, End int32
	Parent     *Scope
	// Form is the form that opens the scope (nil for the file scope).
	Form     *syntax.Node
	Bindings []*Binding
	Children []*Scope

	depth int32 // 0 for the file scope
}

// Wrapper is the completion wrapper (language.md §7):
// (quine NAME inert… (eval (do BODY…) extra…)).
type Wrapper struct {
	Quine *syntax.Node
	// Name is the quine name symbol.
	Name  *syntax.Node
	Inert []*syntax.Node
	Eval  *syntax.Node
	Do    *syntax.Node
	Body  []*syntax.Node
	// Extra are forms after the do inside eval (the do closed early).
	Extra []*syntax.Node
	// Trailing is the last body form when it is quoted (the trailing
	// expression run by eval), else nil.
	Trailing *syntax.Node
}

// Body is a sequence of forms evaluated like do.
type Body struct {
	// Kind is the form that owns the body: "do", "fn", "let", "loop",
	// "when", "try", "wrapper".
	Kind  string
	Form  *syntax.Node
	Forms []*syntax.Node
	Mode  Mode
}

// RecurUse is one (recur …).
type RecurUse struct {
	Node *syntax.Node
	Args int
	// Target is the fn or loop form recur returns to (nil: none).
	Target *syntax.Node
	// Tail reports whether the recur is in tail position of Target.
	Tail bool
	// Fn is the arity of Target when it is a function.
	Fn *FnInfo
}

// InlineDef is a definition inside a fn body, let or for.
type InlineDef struct {
	Node      *syntax.Node
	Head      string // def, defn, …
	Container string // fn, let, for
}

// EffectUse is a reference to an effect (effect builtin, effect namespace
// member or root, turn-producing macro).
type EffectUse struct {
	Ref *Reference
}

// Analysis is the result of Analyze.
type Analysis struct {
	File *syntax.File
	// Opts are the options the analysis ran with (nil Namespaces: the
	// default ones, DefaultNamespaces).
	Opts Options
	// Root is the file scope.
	Root *Scope
	// Scopes lists every scope in pre-order (Root first).
	Scopes []*Scope
	// Bindings lists every binding in source order.
	Bindings []*Binding
	// References lists every reference in source order.
	References []*Reference
	// Calls lists every call in source order of their open paren.
	Calls []*Call
	// Wrapper is the completion wrapper of the program (the first form),
	// or nil.
	Wrapper *Wrapper
	// Quoted are the data regions [start, end) that are not analysed as
	// code, in source order.
	Quoted [][2]int32
	// Bodies are the do-like bodies (for redundant-do, unused-value, …).
	Bodies []Body
	// Recurs are the recur forms.
	Recurs []RecurUse
	// Loops are the loop forms with whether some recur targets them.
	Loops map[*syntax.Node]bool
	// InlineDefs are the definitions that do not escape.
	InlineDefs []InlineDef
	// Effects are the references to effects.
	Effects []EffectUse
	// Persists are the (persist x) forms without an expression whose name
	// had no earlier definition.
	UnboundPersists []*Reference
	// Thinks are the think/rethink forms (for document symbols).
	Thinks []*syntax.Node

	defs     map[string][]*Binding // definitions by name
	byName   map[string][]*Binding // every binding by name
	freeInFn map[string]bool       // names used free inside function bodies
}

// DefinitionsOf returns every definition of name in the file (def, defn,
// define, persist, defmacro, quine), in source order. Because of dynamic
// scope all of them are candidates for a free use of the name.
func (a *Analysis) DefinitionsOf(name string) []*Binding { return a.defs[name] }

// BindingsNamed returns every binding of name (definitions and locals).
func (a *Analysis) BindingsNamed(name string) []*Binding { return a.byName[name] }

// ReferenceAt returns the reference whose symbol contains offset off (end
// inclusive, so a cursor just after a symbol finds it), or nil.
func (a *Analysis) ReferenceAt(off int32) *Reference {
	rs := a.References
	i := sort.Search(len(rs), func(i int) bool { return rs[i].End >= off })
	if i < len(rs) && rs[i].Start <= off {
		return rs[i]
	}
	return nil
}

// BindingAt returns the binding at offset off: the binding whose binding
// symbol contains off, or the binding a reference at off denotes (its
// lexical binding, else its first candidate definition). Nil when there is
// none.
func (a *Analysis) BindingAt(off int32) *Binding {
	bs := a.Bindings
	i := sort.Search(len(bs), func(i int) bool { return bs[i].End >= off })
	for ; i < len(bs) && bs[i].Start <= off; i++ {
		if bs[i].Node != nil && bs[i].Node.Kind == syntax.Symbol {
			return bs[i]
		}
	}
	if r := a.ReferenceAt(off); r != nil {
		if b := r.Bindings(); len(b) > 0 {
			return b[0]
		}
	}
	return nil
}

// ReferencesOf returns the references that may denote b, in source order.
// For a definition these are program-wide: every free use of the name.
func (a *Analysis) ReferencesOf(b *Binding) []*Reference { return b.Refs }

// ScopeAt returns the innermost scope containing off.
func (a *Analysis) ScopeAt(off int32) *Scope {
	s := a.Root
	for {
		var next *Scope
		for _, c := range s.Children {
			if c.Start <= off && off <= c.End {
				next = c
				break
			}
		}
		if next == nil {
			return s
		}
		s = next
	}
}

// VisibleAt returns the bindings visible at off: the locals of the
// enclosing scopes (innermost first, shadowed names left out), then every
// definition of the file (for completion).
func (a *Analysis) VisibleAt(off int32) []*Binding {
	seen := map[string]bool{}
	var out []*Binding
	for s := a.ScopeAt(off); s != nil; s = s.Parent {
		for i := len(s.Bindings) - 1; i >= 0; i-- {
			b := s.Bindings[i]
			if b.Start > off && s.Kind != ScopeFnLit {
				continue
			}
			if !seen[b.Name] {
				seen[b.Name] = true
				out = append(out, b)
			}
		}
	}
	for _, b := range a.Bindings {
		if b.Kind.IsDefinition() && !seen[b.Name] {
			seen[b.Name] = true
			out = append(out, b)
		}
	}
	return out
}

// callAt returns the call whose list is n, or nil.
func (a *Analysis) callAt(n *syntax.Node) *Call {
	cs := a.Calls
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Node.Start >= n.Start })
	for ; i < len(cs) && cs[i].Node.Start == n.Start; i++ {
		if cs[i].Node == n {
			return cs[i]
		}
	}
	return nil
}

// InQuote reports whether off lies in a quoted data region.
func (a *Analysis) InQuote(off int32) bool {
	q := a.Quoted
	i := sort.Search(len(q), func(i int) bool { return q[i][1] > off })
	for ; i < len(q) && q[i][0] <= off; i++ {
		if off < q[i][1] {
			return true
		}
	}
	return false
}
