package spellmcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/spell-go/spell/eval/value"
)

// Redacted replaces every secret value.
const Redacted = "[REDACTED]"

// minSecret is the shortest value redacted: shorter ones would wreck
// every text that happens to contain them.
const minSecret = 4

// Redactor replaces the secret values of the servers of a run.
type Redactor struct {
	secrets []string // longest first
}

// Add registers secret values.
func (r *Redactor) Add(vals ...string) {
	for _, v := range vals {
		if len(v) < minSecret {
			continue
		}
		dup := false
		for _, s := range r.secrets {
			dup = dup || s == v
		}
		if !dup {
			r.secrets = append(r.secrets, v)
		}
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Secrets returns the registered values (for the trace's redactor).
func (r *Redactor) Secrets() []string { return append([]string(nil), r.secrets...) }

// Redact replaces every secret in s.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}

// Error returns err with its text redacted, keeping its identity for
// errors.Is.
func (r *Redactor) Error(err error) error {
	if err == nil || r == nil {
		return err
	}
	msg := err.Error()
	red := r.Redact(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, cause: err}
}

type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// ErrArguments is the cause of a tool argument that is not JSON data.
var ErrArguments = errors.New("MCP arguments must be JSON data")

// ToJSON converts a Spell value to JSON data: maps need string keys,
// vectors, lists and sets become arrays, keywords and symbols their names.
func ToJSON(v value.Value) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64:
		return x, nil
	case float32:
		return float64(x), nil
	case *big.Int:
		return json.Number(x.String()), nil
	case *value.Keyword:
		return x.FullName(), nil
	case *value.Symbol:
		return x.FullName(), nil
	case *value.Map:
		out := make(map[string]any, x.Count())
		var err error
		x.Range(func(k, val value.Value) bool {
			ks, ok := k.(string)
			if !ok {
				err = fmt.Errorf("%w: map keys must be strings, got %s", ErrArguments, value.PrStr(k))
				return false
			}
			out[ks], err = ToJSON(val)
			return err == nil
		})
		return out, err
	case *value.Vector:
		out := make([]any, 0, x.Count())
		for i := 0; i < x.Count(); i++ {
			e, _ := x.Nth(i)
			j, err := ToJSON(e)
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	case *value.List:
		out := []any{}
		for l := x; l.Count() > 0; l = l.Rest() {
			j, err := ToJSON(l.First())
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: cannot send %s", ErrArguments, value.TypeName(v))
}

// FromJSON decodes JSON text into Spell data: objects become maps with
// string keys in the text's order, arrays vectors, integers longs (bigints
// past 64 bits), other numbers doubles.
func FromJSON(b []byte) (value.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

const maxDepth = 1000

func decodeValue(dec *json.Decoder, depth int) (value.Value, error) {
	if depth > maxDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		switch x {
		case '{':
			var kvs []value.Value
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				kvs = append(kvs, k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			m := value.EmptyMap
			for i := 0; i < len(kvs); i += 2 {
				m = m.Assoc(kvs[i], kvs[i+1]) // a repeated key keeps the last value, as JSON decoders do
			}
			return m, nil
		case '[':
			var items []value.Value
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return value.NewVector(items), nil
		}
		return nil, fmt.Errorf("unexpected %v", x)
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := x.Int64(); err == nil {
				return i, nil
			}
			if b, ok := new(big.Int).SetString(s, 10); ok && b.BitLen() <= 4096 {
				return b, nil
			}
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("number %s out of range", capStr(s, 40))
		}
		return f, nil
	case string, bool, nil:
		return x, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", t)
}

func capStr(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
