package trace

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// TestEncodeLine: an event line is its fields encoded one by one (sorted
// keys, no HTML escaping, a value JSON cannot encode as its %v text), with
// secrets redacted, whether or not the line holds one.
func TestEncodeLine(t *testing.T) {
	fields := map[string]any{
		"text": "<a & b> \"q\" \u00e9 \n", "n": 3, "f": 1.5, "nested": map[string]any{"z": 1, "a": []int{1, 2}},
		"ch": make(chan int), "nil": nil, "v": "reserved", "tok": "Authorization: Bearer abcdef123", "sec": "x s3cr3t-value y",
	}
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, red := range []*Redactor{nil, NewRedactor([]string{"API_KEY=s3cr3t-value"})} {
		w := &Writer{redact: red, now: func() time.Time { return now }}
		got, err := w.encode("turn.start", fields)
		if err != nil {
			t.Fatal(err)
		}
		// The reference: each part encoded on its own.
		var b bytes.Buffer
		tb, _ := marshalJSON(now.Format(TimeLayout))
		fmt.Fprintf(&b, `{"v":%d,"t":%s,"ev":"turn.start"`, SchemaVersion, tb)
		var keys []string
		for k := range fields {
			if !reserved(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			kb, _ := marshalJSON(k)
			vb, err := marshalJSON(fields[k])
			if err != nil {
				vb, _ = marshalJSON(fmt.Sprintf("%v", fields[k]))
			}
			fmt.Fprintf(&b, ",%s:%s", kb, vb)
		}
		b.WriteString("}\n")
		want := string(red.redactJSON(b.Bytes()))
		if string(got) != want {
			t.Fatalf("redactor %v:\n got %s\nwant %s", red != nil, got, want)
		}
		if red != nil && (bytes.Contains(got, []byte("s3cr3t-value")) || bytes.Contains(got, []byte("abcdef123"))) {
			t.Fatalf("secret left in %s", got)
		}
	}
	// A clean line is not copied.
	r := NewRedactor([]string{"API_KEY=s3cr3t-value"})
	line := []byte(`{"v":1,"text":"nothing to hide"}` + "\n")
	if out := r.redactJSON(line); &out[0] != &line[0] {
		t.Error("a clean line was copied")
	}
}

// TestWriteRawMakesDirs: a file is written into its directory, made when
// it is not there yet (the first file of a subdirectory), and a failure
// is a WriteError.
func TestWriteRawMakesDirs(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, name := range []string{"0001.spl", "sub/deeper/x.txt", "sub/deeper/y.txt"} {
		if _, err := w.writeRaw(name, "text "+name); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || string(b) != "text "+name {
			t.Fatalf("%s: %q, %v", name, b, err)
		}
	}
	var we *WriteError
	if _, err := w.writeRaw("0001.spl/under-a-file.txt", "x"); !errors.As(err, &we) {
		t.Fatalf("writing under a file: %v, want a WriteError", err)
	}
}
