package cli

import (
	"bufio"
	"errors"
	"io"
	"sort"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/spell-go/spell/eval"
	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// errLineInterrupted is returned by a lineSource when Ctrl-C is pressed
// while a line is being typed.
var errLineInterrupted = errors.New("interrupted")

// lineSource reads the REPL's input one line at a time.
type lineSource interface {
	// ReadLine returns the next line without its newline: io.EOF at the
	// end of input, errLineInterrupted on Ctrl-C at the prompt.
	ReadLine(prompt string) (string, error)
	Close() error
}

// plainLines reads lines as they come: piped input, or a terminal whose
// output is not one. Prompts are printed only when asked for.
type plainLines struct {
	in      *bufio.Reader
	out     io.Writer
	prompts bool
}

func (p *plainLines) ReadLine(prompt string) (string, error) {
	if p.prompts {
		io.WriteString(p.out, prompt)
	}
	line, err := p.in.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		if errors.Is(err, io.EOF) && p.prompts {
			// Leave the terminal on a fresh line after Ctrl-D.
			io.WriteString(p.out, "\n")
		}
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}

func (p *plainLines) Close() error { return nil }

// replCompleter completes the symbol before the cursor with the names of
// the catalogue (special forms, macros, builtins, namespace members,
// effect builtins) and the names bound in the session.
type replCompleter struct {
	static  []string // sorted
	session atomic.Pointer[[]string]
}

func newREPLCompleter() *replCompleter {
	return &replCompleter{static: catalog.Names()}
}

// learn records the names bound in env; the line editor may call Do from
// its own goroutine, so the list is swapped atomically.
func (c *replCompleter) learn(env *eval.Env) {
	var names []string
	env.Range(func(s *value.Symbol, _ value.Value) {
		if s.NS != "" {
			names = append(names, s.NS+"/"+s.Name)
		} else {
			names = append(names, s.Name)
		}
	})
	sort.Strings(names)
	c.session.Store(&names)
}

// Candidates returns the known names that start with prefix, sorted and
// without duplicates.
func (c *replCompleter) Candidates(prefix string) []string {
	var out []string
	add := func(sorted []string) {
		i := sort.SearchStrings(sorted, prefix)
		for ; i < len(sorted) && strings.HasPrefix(sorted[i], prefix); i++ {
			out = append(out, sorted[i])
		}
	}
	add(c.static)
	if s := c.session.Load(); s != nil {
		add(*s)
	}
	sort.Strings(out)
	return compactStrings(out)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Do is the line editor's completion (lineedit.Completer): the candidates' remaining runes
// after the symbol prefix that ends at pos, and the prefix's length.
func (c *replCompleter) Do(line []rune, pos int) ([][]rune, int) {
	if pos > len(line) {
		pos = len(line)
	}
	start := pos
	for start > 0 && isSymbolRune(line[start-1]) {
		start--
	}
	prefix := string(line[start:pos])
	if prefix == "" || prefix[0] == ':' || unicode.IsDigit(line[start]) {
		// Nothing typed yet, a keyword or a number: nothing to complete.
		return nil, 0
	}
	var out [][]rune
	for _, name := range c.Candidates(prefix) {
		out = append(out, []rune(name[len(prefix):]))
	}
	return out, utf8.RuneCountInString(prefix)
}

// isSymbolRune reports whether r can be part of a symbol or keyword:
// anything but white space, commas, delimiters, strings, comments and the
// reader's prefix characters.
func isSymbolRune(r rune) bool {
	if unicode.IsSpace(r) {
		return false
	}
	return !strings.ContainsRune("()[]{}\",;'`~@^#\\", r)
}
