package trace

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/spell-go/spell/spe/secret"
)

// Redacted replaces every secret in traced text.
const Redacted = "[REDACTED]"

// MinSecretLen is the length below which a value is never redacted (short
// values such as "1" or "true" would wreck every program that contains
// them).
const MinSecretLen = 8

// bearerRE matches an HTTP bearer credential; the token is replaced. It
// is compiled on first use (sync.Once, not a sync.OnceValue called at
// package level: that would be work at every start of spell).
func bearerRE() *regexp.Regexp {
	bearerOnce.Do(func() { bearer = regexp.MustCompile(`(?i)\b(bearer)(\s+)[A-Za-z0-9\-._~+/]+=*`) })
	return bearer
}

var (
	bearerOnce sync.Once
	bearer     *regexp.Regexp
)

// Redactor replaces secrets by [REDACTED] (runtime.md §14.2): the values of
// secret environment variables (exact-value replacement, values shorter
// than MinSecretLen characters excepted), values added with Add (MCP
// secrets), and bearer tokens. A nil *Redactor redacts nothing. A Redactor
// must not be changed (Add) while it is in use by a Writer.
type Redactor struct {
	secrets []string // longest first
	json    []string // JSON-escaped forms that differ from the raw value
}

// NewRedactor builds a Redactor from an environment in os.Environ form
// (NAME=value): the values of the variables secret.IsName names.
func NewRedactor(environ []string) *Redactor {
	r := &Redactor{}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if ok && secret.IsName(name) {
			r.Add(val)
		}
	}
	return r
}

// Add registers more secret values (for example MCP server secrets).
// Values shorter than MinSecretLen characters are ignored.
func (r *Redactor) Add(values ...string) {
	for _, v := range values {
		if len([]rune(v)) < MinSecretLen || contains(r.secrets, v) {
			continue
		}
		r.secrets = append(r.secrets, v)
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	r.json = r.json[:0]
	for _, s := range r.secrets {
		if e := jsonEscape(s); e != s {
			r.json = append(r.json, e)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Redact returns s with every secret and bearer token replaced by
// [REDACTED].
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return redactBearer(s)
}

// redactJSON redacts encoded JSON: a secret appears there in its escaped
// form when it contains quotes, backslashes or control characters.
func (r *Redactor) redactJSON(b []byte) []byte {
	if r == nil {
		return b
	}
	// The usual line holds no secret and no "bearer": it is returned as
	// it is (not copied twice).
	view := unsafe.String(unsafe.SliceData(b), len(b))
	dirty := containsBearer(view)
	for _, e := range r.json {
		dirty = dirty || strings.Contains(view, e)
	}
	for _, e := range r.secrets {
		dirty = dirty || strings.Contains(view, e)
	}
	if !dirty {
		return b
	}
	s := string(b)
	for _, e := range r.json {
		if strings.Contains(s, e) {
			s = strings.ReplaceAll(s, e, Redacted)
		}
	}
	return []byte(r.Redact(s))
}

// redactAfter is Redact(s) for a text whose first known bytes are those
// of a clean text (no secret, no "bearer" in any case: lastProgram.clean),
// and whether s is clean too. Every secret or "bearer" in s then reaches
// past those bytes, so only the bytes from known less the longest of
// them are searched: a turn's program is searched where it changed, not
// whole. known 0 searches s whole.
func (r *Redactor) redactAfter(s string, known int) (string, bool) {
	if r == nil {
		return s, true
	}
	from := 0
	if known > 0 {
		longest := len("bearer")
		if len(r.secrets) > 0 {
			longest = max(longest, len(r.secrets[0])) // longest first
		}
		from = max(0, min(known, len(s))-longest+1)
	}
	tail := s[from:]
	clean := !containsBearer(tail)
	for _, sec := range r.secrets {
		clean = clean && !strings.Contains(tail, sec)
	}
	if clean {
		return s, true
	}
	return r.Redact(s), false
}

func redactBearer(s string) string {
	if !containsBearer(s) {
		return s
	}
	return bearerRE().ReplaceAllString(s, "${1}${2}"+Redacted)
}

// containsBearer reports whether s contains "bearer" in any case, without
// copying s (a turn's program is redacted whole every turn).
func containsBearer(s string) bool {
	const word = "bearer"
	// The next 'b' and the next 'B' at or after from (-1: none left).
	next := func(c byte, from int) int {
		if k := strings.IndexByte(s[from:], c); k >= 0 {
			return from + k
		}
		return -1
	}
	lo, up := next('b', 0), next('B', 0)
	for lo >= 0 || up >= 0 {
		i := lo
		if i < 0 || (up >= 0 && up < i) {
			i = up
		}
		if i+len(word) > len(s) {
			return false
		}
		if strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
		if i == lo {
			lo = next('b', i+1)
		} else {
			up = next('B', i+1)
		}
	}
	return false
}

// jsonEscape is s as it appears inside a JSON string (without quotes).
func jsonEscape(s string) string {
	b, _ := marshalJSON(s)
	return string(b[1 : len(b)-1])
}
