package syntax

import "errors"

// Kind classifies a node of the syntax tree.
type Kind uint8

const (
	KindInvalid Kind = iota

	// Composite forms: open token, children, close token.
	List          // ( … )
	Vector        // [ … ]
	Map           // { … }
	Set           // #{ … }
	FnLit         // #( … )
	NamespacedMap // #:ns{ … }

	// Prefix forms: prefix token followed by target form(s).
	Quote    // 'x
	Meta     // ^meta x (two children: the metadata and the target)
	Discard  // #_x (only in File.Discards; trivia of the next token)
	Rejected // ` ~ ~@ @ #' #= #? #?@ #tag and ::kw (D8): always an error

	// Atoms: one token.
	Symbol
	Keyword
	Number
	String
	Char
	Regex
	Nil
	Bool

	// Error is a token the scanner could not classify or an unexpected closer.
	Error
)

var kindNames = [...]string{
	KindInvalid: "invalid", List: "list", Vector: "vector", Map: "map", Set: "set",
	FnLit: "fn literal", NamespacedMap: "namespaced map", Quote: "quote", Meta: "meta",
	Discard: "discard", Rejected: "rejected", Symbol: "symbol", Keyword: "keyword",
	Number: "number", String: "string", Char: "character", Regex: "regex", Nil: "nil",
	Bool: "boolean", Error: "error",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// IsComposite reports whether nodes of this kind have open and close tokens.
func (k Kind) IsComposite() bool { return k >= List && k <= NamespacedMap }

// IsPrefix reports whether nodes of this kind are a prefix token plus targets.
func (k Kind) IsPrefix() bool { return k >= Quote && k <= Rejected }

// IsAtom reports whether nodes of this kind are a single token.
func (k Kind) IsAtom() bool { return k >= Symbol }

// Node flags.
const (
	FlagUnclosed uint8 = 1 << iota // composite without its close token (end of text)
	FlagBad                        // the token itself is invalid (an error was reported)
)

// Node is one node of the concrete syntax tree. Offsets are byte offsets into
// File.Src. A node's leading trivia is Src[Lead:Start].
//
// For composites the open token is Src[Start:OpenEnd] and the close token is
// Src[CloseStart:End] (CloseStart is -1 when the form is unclosed). For prefix
// forms the prefix token is Src[Start:OpenEnd]. For atoms OpenEnd == End.
type Node struct {
	Kind       Kind
	Flags      uint8
	Lead       int32
	Start      int32
	OpenEnd    int32
	CloseStart int32
	End        int32
	Kids       []*Node
}

// Unclosed reports whether a composite form lacks its close token.
func (n *Node) Unclosed() bool { return n.Flags&FlagUnclosed != 0 }

// Bad reports whether the node's own token is invalid.
func (n *Node) Bad() bool { return n.Flags&FlagBad != 0 }

// Text returns the node's source text (without leading trivia).
func (n *Node) Text(src []byte) string { return string(src[n.Start:n.End]) }

// Token returns the node's own token text: the whole atom, or the open/prefix
// token of a composite or prefix form.
func (n *Node) Token(src []byte) string { return string(src[n.Start:n.OpenEnd]) }

// Closer returns the expected close delimiter of a composite kind.
func (k Kind) Closer() byte {
	switch k {
	case List, FnLit:
		return ')'
	case Vector:
		return ']'
	case Map, Set, NamespacedMap:
		return '}'
	}
	return 0
}

// File is a parsed source text.
type File struct {
	Name string
	Src  []byte
	// Forms are the top-level forms in order.
	Forms []*Node
	// TrailStart is where the trailing trivia of the file begins.
	TrailStart int32
	// Discards holds every #_ discard node, in source order. A discard is
	// trivia of the token that follows it.
	Discards []*Node
	// Errors are the syntax errors, sorted by position, at most MaxErrors.
	Errors []*SyntaxError
	// Truncated reports that more than MaxErrors errors were found.
	Truncated bool

	lines []int32   // byte offset of each line start
	wide  *wideRuns // with lines: Src's runs of bytes >= 0x80 (wide.go)
}

// MaxErrors bounds the errors reported per file.
const MaxErrors = 100

// SyntaxError is a syntax error.
type SyntaxError struct {
	Off, End int32
	// Msg is the message tools show (`unclosed ( opened at 3:5`).
	Msg string
	// Lang is the language-level message a program sees (`EOF while
	// reading`) when it differs from Msg; empty otherwise.
	Lang string
	// Related is the offset of a related location (the opener of an
	// unclosed form), or -1.
	Related int32
	// Cause is a sentinel naming the kind of error when tools treat it
	// apart (ErrDuplicateKey), else nil.
	Cause error
}

// ErrDuplicateKey is the cause of a duplicate literal key in a map or set
// literal (the linter reports it as its own rule).
var ErrDuplicateKey = errors.New("duplicate key")

func (e *SyntaxError) Error() string { return e.Msg }

// Unwrap returns the cause (errors.Is(e, syntax.ErrDuplicateKey)).
func (e *SyntaxError) Unwrap() error { return e.Cause }

// LangMessage returns the message a Spell program sees for this error.
func (e *SyntaxError) LangMessage() string {
	if e.Lang != "" {
		return e.Lang
	}
	return e.Msg
}

// Walk calls fn for n and every descendant in source order (pre-order),
// without recursion on the Go stack. Discards are not visited (they live in
// File.Discards). If fn returns false the node's children are skipped.
func Walk(n *Node, fn func(*Node) bool) {
	stack := []*Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !fn(x) {
			continue
		}
		for i := len(x.Kids) - 1; i >= 0; i-- {
			stack = append(stack, x.Kids[i])
		}
	}
}
