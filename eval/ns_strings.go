package eval

// The strings namespace (language.md §10.1): 14 functions registered as
// "strings/NAME" plus the namespace map with its documentation keys (§11).

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/eval/value"
)

// registerStringsNS is part of loadBuiltins.
func registerStringsNS() {
	register("strings/index-of", func(c *Call, args []value.Value) (value.Value, error) {
		s, sub := value.Str(args[0]), value.Str(args[1])
		i := strings.Index(s, sub)
		if i < 0 {
			return nil, nil
		}
		return int64(utf8.RuneCountInString(s[:i])), nil
	})
	register("strings/last-index-of", func(c *Call, args []value.Value) (value.Value, error) {
		s, sub := value.Str(args[0]), value.Str(args[1])
		i := strings.LastIndex(s, sub)
		if i < 0 {
			return nil, nil
		}
		return int64(utf8.RuneCountInString(s[:i])), nil
	})
	register("strings/starts-with?", func(c *Call, args []value.Value) (value.Value, error) {
		return strings.HasPrefix(value.Str(args[0]), value.Str(args[1])), nil
	})
	register("strings/ends-with?", func(c *Call, args []value.Value) (value.Value, error) {
		return strings.HasSuffix(value.Str(args[0]), value.Str(args[1])), nil
	})
	register("strings/includes?", func(c *Call, args []value.Value) (value.Value, error) {
		return strings.Contains(value.Str(args[0]), value.Str(args[1])), nil
	})
	register("strings/blank?", func(c *Call, args []value.Value) (value.Value, error) {
		switch x := args[0].(type) {
		case nil:
			return true, nil
		case string:
			for _, r := range x {
				if !scIsWhitespace(r) {
					return false, nil
				}
			}
			return true, nil
		}
		return nil, Errorf("blank? expects a string or nil, got %s: %s", value.TypeName(args[0]), shown(args[0]))
	})
	register("strings/trim", func(c *Call, args []value.Value) (value.Value, error) {
		return strings.TrimFunc(value.Str(args[0]), scIsWhitespace), nil
	})
	register("strings/replace", func(c *Call, args []value.Value) (value.Value, error) {
		s, match, repl := value.Str(args[0]), value.Str(args[1]), value.Str(args[2])
		n := strings.Count(s, match)
		if n == 0 {
			return s, nil
		}
		if err := c.CheckBytes(len(s) + n*(len(repl)-len(match))); err != nil {
			return nil, err
		}
		return strings.ReplaceAll(s, match, repl), nil
	})
	register("strings/split", func(c *Call, args []value.Value) (value.Value, error) {
		s := value.Str(args[0])
		var re *regexp.Regexp
		var err error
		if r, ok := args[1].(*value.Regex); ok {
			re = r.Re
		} else {
			re, err = scRegex(value.Str(args[1]), false)
			if err != nil {
				return nil, err
			}
		}
		parts := scJavaSplit(re, s)
		if err := c.CheckCount(len(parts)); err != nil {
			return nil, err
		}
		return scStringVector(parts), nil
	})
	register("strings/split-lines", func(c *Call, args []value.Value) (value.Value, error) {
		parts := scJavaSplit(scLineBreak.Get(), value.Str(args[0]))
		if err := c.CheckCount(len(parts)); err != nil {
			return nil, err
		}
		return scStringVector(parts), nil
	})
	register("strings/join", func(c *Call, args []value.Value) (value.Value, error) {
		sep, coll := "", args[0]
		if len(args) == 2 {
			sep, coll = value.Str(args[0]), args[1]
		}
		xs, err := Seq(coll)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, x := range xs {
			if i > 0 {
				b.WriteString(sep)
			}
			value.WriteStr(&b, x)
			if err := c.CheckBytes(b.Len()); err != nil {
				return nil, err
			}
		}
		return b.String(), nil
	})
	register("strings/lower-case", func(c *Call, args []value.Value) (value.Value, error) {
		return scLower(value.Str(args[0])), nil
	})
	register("strings/upper-case", func(c *Call, args []value.Value) (value.Value, error) {
		return scUpperCase(value.Str(args[0])), nil
	})
	register("strings/capitalize", func(c *Call, args []value.Value) (value.Value, error) {
		s := value.Str(args[0])
		if s == "" {
			return s, nil
		}
		_, n := utf8.DecodeRuneInString(s)
		return scUpperCase(s[:n]) + scLower(s[n:]), nil
	})
}

// scIsWhitespace is Java's Character.isWhitespace (used by clojure.string
// trim and blank?): Unicode space separators except the no-break spaces,
// line and paragraph separators, and the ASCII controls \t \n \v \f \r and
// \x1c–\x1f.
func scIsWhitespace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f:
		return true
	case 0x00a0, 0x2007, 0x202f:
		return false
	}
	return r > 0x7f && unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) || r == ' '
}

var scLineBreak = LazyRegexp{Expr: `\r?\n`}

// scJavaSplit is Java's String.split(regex) with limit 0: a zero-width
// match at the start gives no leading empty string, no match gives [s],
// and trailing empty strings are removed.
func scJavaSplit(re *regexp.Regexp, s string) []string {
	locs := re.FindAllStringIndex(s, -1)
	var parts []string
	index := 0
	for _, loc := range locs {
		if loc[1] == 0 { // zero-width match at the very start
			continue
		}
		parts = append(parts, s[index:loc[0]])
		index = loc[1]
	}
	if index == 0 && len(parts) == 0 {
		return []string{s}
	}
	parts = append(parts, s[index:])
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	return parts[:n]
}

func scStringVector(parts []string) *value.Vector {
	out := make([]value.Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return value.NewVector(out)
}

var (
	scStringsOnce sync.Once
	scStringsNS   *value.Map
)

// StringsNamespace returns the `strings` namespace map: every member under
// its keyword plus :short-docs, :docs {:guide …} and :detail {:split …
// :replace …}.
func StringsNamespace() *value.Map {
	scStringsOnce.Do(func() {
		kvs := scMemberKVs("strings")
		sd := catalog.StringsDetail()
		detail := make([]value.Value, 0, 2*len(sd))
		for _, k := range []string{"split", "replace"} {
			if t, ok := sd[k]; ok {
				detail = append(detail, value.Kw(k), t)
			}
		}
		kvs = append(kvs,
			value.Kw("short-docs"), catalog.StringsShortDoc,
			value.Kw("docs"), value.NewMap(value.Kw("guide"), catalog.StringsGuide),
			value.Kw("detail"), value.NewMap(detail...))
		scStringsNS = value.NewMap(kvs...)
	})
	return scStringsNS
}

// scMemberKVs lists keyword → builtin for the registered function members
// of a namespace, in catalogue order.
func scMemberKVs(ns string) []value.Value {
	var kvs []value.Value
	for e := range catalog.Members(ns) {
		if e.Kind != catalog.NamespaceMember {
			continue
		}
		b, ok := builtinNamed(e.Name)
		if !ok {
			continue
		}
		kvs = append(kvs, value.Kw(strings.TrimPrefix(e.Name, ns+"/")), b)
	}
	return kvs
}
