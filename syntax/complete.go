package syntax

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// RepairKind classifies a repair made by the completion reader.
type RepairKind uint8

const (
	RepairFence         RepairKind = iota // code fence stripped
	RepairCommentMarker                   // `//`, `/*` or `*/` at a line start turned into a comment
	RepairEscape                          // invalid string escape: backslash doubled
	RepairBalance                         // missing closing parentheses appended
	RepairStrayCloser                     // one stray closing delimiter after the form stripped
	RepairTrailing                        // text after the first form ignored
)

var repairNames = [...]string{"fence", "comment-marker", "escape", "balance", "stray-closer", "trailing-text"}

func (k RepairKind) String() string { return repairNames[k] }

// Repair is one change the completion reader made, at a byte offset of the
// original text.
type Repair struct {
	Kind RepairKind
	Off  int
	Msg  string
}

// Completion is the result of reading a text in completion mode
// (language.md §1.3): the repaired text, its tree, the first form and the
// repairs made.
type Completion struct {
	Original []byte
	Text     []byte // the repaired text
	File     *File  // strict parse of Text
	Form     *Node  // the first form, nil when the text holds none
	// Err is the reader error of the first form, if any (its LangMessage is
	// what a program sees; its offsets are in Text).
	Err     *SyntaxError
	Repairs []Repair

	base int   // offset in Original where Text's source begins
	ins  []int // offsets in Text of inserted bytes, ascending
	// body is the long child list this reading handed over (a resumed
	// reading's program body), which the next resumed reading extends in
	// place (resume.go); nil: none.
	body *handed
}

// OrigOffset maps an offset of the repaired text back to the original text.
func (c *Completion) OrigOffset(off int) int {
	n := sort.SearchInts(c.ins, off)
	o := c.base + off - n
	if o > len(c.Original) {
		o = len(c.Original)
	}
	return o
}

// ReadCompletion reads text in completion mode: strip a code fence, turn
// foreign comment markers into comments, double invalid string escapes,
// balance parentheses, then read the first form. Every step is token-aware:
// strings, regex literals, character literals and comments are never
// mistaken for code (D9).
func ReadCompletion(name string, text []byte) *Completion {
	c := &Completion{Original: text}
	t := c.stripFence(text)
	c.Text = c.sanitise(t, true)
	c.File = Parse(name, c.Text)
	c.first()
	return c
}

func (c *Completion) note(kind RepairKind, origOff int, msg string) {
	c.Repairs = append(c.Repairs, Repair{Kind: kind, Off: origOff, Msg: msg})
}

func (c *Completion) stripFence(text []byte) []byte {
	body, base, fence, ok := StripFence(text)
	if !ok {
		c.base = 0
		return text
	}
	c.note(RepairFence, fence, "stripped a markdown code fence")
	c.base = base
	return body
}

// StripFence applies the completion reader's first step (language.md
// §1.3): if the trimmed text starts with three backticks, it drops the
// first line (fence and language tag) and everything from the last closing
// fence on, then trims. It returns the kept text, its offset in text, the
// offset of the opening fence, and whether a fence was found. Providers
// use the same rule on model responses (runtime.md §8.4).
func StripFence(text []byte) (body []byte, base, fence int, ok bool) {
	lead := len(text) - len(bytes.TrimLeft(text, " \t\r\n\f\v"))
	trimmed := bytes.TrimSpace(text)
	if !bytes.HasPrefix(trimmed, []byte("```")) {
		return text, 0, 0, false
	}
	body = trimmed
	start := lead
	if i := bytes.IndexByte(body, '\n'); i >= 0 {
		body, start = body[i+1:], start+i+1
	} else {
		body, start = nil, start+len(body)
	}
	if j := bytes.LastIndex(body, []byte("```")); j >= 0 {
		body = body[:j]
	}
	l := len(body) - len(bytes.TrimLeft(body, " \t\r\n\f\v"))
	return bytes.TrimSpace(body), start + l, lead, true
}

// validEscapeStart reports whether a backslash followed by b starts a valid
// string escape (or one the strict reader will judge: \u).
func validEscapeStart(b byte) bool {
	switch b {
	case 't', 'b', 'n', 'r', 'f', '\\', '"', 'u':
		return true
	}
	return b >= '0' && b <= '7'
}

func (c *Completion) sanitise(t []byte, balance bool) []byte {
	return c.sanitiseFrom(t, 0, make([]byte, 0, len(t)+16), 0, true, balance)
}

// sanitiseFrom is sanitise from byte i of t on, with out holding the output
// for t[:i] and depth and lineStart the state after it (an incremental
// read resumes there, resume.go).
func (c *Completion) sanitiseFrom(t []byte, i int, out []byte, depth int, lineStart bool, balance bool) []byte {
	orig := func(i int) int { return c.base + i }
	copyToEOL := func(i int) int {
		j := bytes.IndexByte(t[i:], '\n')
		if j < 0 {
			j = len(t) - i
		}
		out = append(out, t[i:i+j]...)
		return i + j
	}
	for i < len(t) {
		ch := t[i]
		if lineStart {
			switch {
			case ch == ' ' || ch == '\t' || ch == '\r':
				out = append(out, ch)
				i++
				continue
			case i+1 < len(t) && (ch == '/' && (t[i+1] == '/' || t[i+1] == '*') || ch == '*' && t[i+1] == '/'):
				c.note(RepairCommentMarker, orig(i), fmt.Sprintf("%s at the start of a line read as a comment", t[i:i+2]))
				out = append(out, ';')
				i = copyToEOL(i + 1)
				lineStart = false
				continue
			}
			lineStart = false
		}
		switch ch {
		case '\n':
			out = append(out, ch)
			lineStart = true
			i++
		case ';':
			i = copyToEOL(i)
		case '#':
			switch {
			case i+1 < len(t) && t[i+1] == '!':
				i = copyToEOL(i)
			case i+1 < len(t) && t[i+1] == '"':
				end, _ := scanString(t, i+1)
				out = append(out, t[i:end]...)
				i = end
			default:
				out = append(out, ch)
				i++
			}
		case '"':
			out = append(out, ch)
			i++
			for i < len(t) {
				b := t[i]
				if b == '"' {
					out = append(out, b)
					i++
					break
				}
				if b == '\\' && i+1 < len(t) {
					if validEscapeStart(t[i+1]) {
						out = append(out, b, t[i+1])
						i += 2
						continue
					}
					r, _ := utf8.DecodeRune(t[i+1:])
					c.note(RepairEscape, orig(i), fmt.Sprintf("invalid escape \\%c in a string: backslash doubled", r))
					c.ins = append(c.ins, len(out))
					out = append(out, '\\', '\\')
					i++
					continue
				}
				out = append(out, b)
				i++
			}
		case '\\':
			end := i + 1
			if end < len(t) {
				_, size := utf8.DecodeRune(t[end:])
				end = scanRun(t, end+size)
			}
			out = append(out, t[i:end]...)
			i = end
		case '(':
			depth++
			out = append(out, ch)
			i++
		case ')':
			depth--
			out = append(out, ch)
			i++
		default:
			out = append(out, ch)
			i++
		}
	}
	if balance && depth > 0 {
		c.note(RepairBalance, c.base+len(t), fmt.Sprintf("added %d missing closing %s", depth, plural(depth, "parenthesis", "parentheses")))
		for k := 0; k <= depth; k++ {
			c.ins = append(c.ins, len(out)+k)
		}
		out = append(out, '\n')
		out = append(out, strings.Repeat(")", depth)...)
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (c *Completion) first() {
	f := c.File
	if len(f.Forms) == 0 {
		return
	}
	form := f.Forms[0]
	c.Form = form
	for _, e := range f.Errors {
		if (e.Off < form.End && e.Off >= form.Lead) || (e.Related >= form.Start && e.Related < form.End) {
			c.Err = e
			break
		}
	}
	onlyTrivia := len(f.Forms) == 1
	for _, e := range f.Errors {
		if e.Off >= form.End && e.Related < form.Start {
			onlyTrivia = false
		}
	}
	rest := bytes.TrimSpace(c.Text[form.End:])
	if len(rest) == 0 || onlyTrivia {
		return
	}
	restOff := int(form.End) + bytes.Index(c.Text[form.End:], rest[:1])
	if len(rest) == 1 && (rest[0] == ')' || rest[0] == ']' || rest[0] == '}') {
		c.note(RepairStrayCloser, c.OrigOffset(restOff), "stripped a stray closing "+string(rest))
		return
	}
	c.note(RepairTrailing, c.OrigOffset(restOff), "ignored trailing text after the first form")
}

// Position returns the position of an offset of the original text.
func (c *Completion) Position(origOff int) Position {
	return NewLineTable(c.Original).Position(origOff)
}

// Sanitise applies only the comment-marker and string-escape repairs of the
// completion reader (what read-string does, language.md §1.4).
func Sanitise(text []byte) []byte {
	c := &Completion{Original: text}
	return c.sanitise(text, false)
}
