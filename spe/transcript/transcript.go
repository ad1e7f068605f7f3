// Package transcript reads and writes replay transcripts (runtime.md §13).
//
// A transcript is a txtar archive, or a directory with the same layout. An
// entry is exactly a path `<handle>/<n>.<kind>` relative to the root — one
// handle segment, n a decimal call number without leading zeros (≥ 1),
// kind one of completion, prompt, delay — optionally followed by `.quoted`
// (the text is then a Go-quoted string literal; used for texts holding a
// line that looks like a txtar marker). Every other entry or file is
// ignored and never counts as unused: `b/main/1.completion` (three
// segments) belongs to another transcript rooted at `b`.
//
// Text encoding: the writer appends exactly one "\n" to each text, the
// reader removes exactly one (in both forms). Trailing spaces are
// significant.
package transcript

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// Kind is the kind of a transcript entry.
type Kind string

const (
	KindCompletion Kind = "completion"
	KindPrompt     Kind = "prompt"
	KindDelay      Kind = "delay"
)

// QuotedSuffix marks an entry whose text is a Go-quoted string literal.
const QuotedSuffix = ".quoted"

// Key names one model call: the n-th call (1-based) of a handle.
type Key struct {
	Handle string
	N      int
}

func (k Key) String() string { return k.Handle + "/" + strconv.Itoa(k.N) }

// EntryName is the canonical (unquoted) entry path `<handle>/<n>.<kind>`.
func EntryName(handle string, n int, kind Kind) string {
	return handle + "/" + strconv.Itoa(n) + "." + string(kind)
}

// ParseEntryName reports whether name (slash-separated, relative to the
// transcript root) is a transcript entry and returns its parts. Names with
// more or fewer than two segments, handles starting with '.', call numbers
// with leading zeros or < 1, and unknown kinds are not entries.
func ParseEntryName(name string) (handle string, n int, kind Kind, quoted bool, ok bool) {
	handle, file, found := strings.Cut(name, "/")
	if !found || handle == "" || strings.HasPrefix(handle, ".") || strings.Contains(file, "/") {
		return "", 0, "", false, false
	}
	if rest, q := strings.CutSuffix(file, QuotedSuffix); q {
		file, quoted = rest, true
	}
	num, k, found := strings.Cut(file, ".")
	if !found || num == "" || num[0] == '0' || len(num) > 9 {
		return "", 0, "", false, false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return "", 0, "", false, false
		}
	}
	switch Kind(k) {
	case KindCompletion, KindPrompt, KindDelay:
	default:
		return "", 0, "", false, false
	}
	n, _ = strconv.Atoi(num)
	return handle, n, Kind(k), quoted, true
}

// NeedsQuote reports whether text must be stored in the `.quoted` form: it
// holds a line that a txtar reader would take for a file marker.
func NeedsQuote(text string) bool {
	return txtar.NeedsQuote([]byte(text + "\n"))
}

// Encode returns the stored file content of text and whether the entry
// name takes the `.quoted` suffix. The content always ends in exactly one
// added "\n".
func Encode(text string) (data []byte, quoted bool) {
	if NeedsQuote(text) {
		return []byte(strconv.Quote(text) + "\n"), true
	}
	return []byte(text + "\n"), false
}

// Decode is the inverse of Encode: it removes exactly one trailing "\n"
// and unquotes when quoted.
func Decode(data []byte, quoted bool) (string, error) {
	s := strings.TrimSuffix(string(data), "\n")
	if !quoted {
		return s, nil
	}
	u, err := strconv.Unquote(strings.TrimRight(s, "\r"))
	if err != nil {
		return "", fmt.Errorf("invalid Go string literal: %v", err)
	}
	return u, nil
}

type call struct {
	completion, prompt       string
	hasCompletion, hasPrompt bool
	used                     bool // MarkUsed (no map of its own: a long replay adds nothing a turn)
	delay                    time.Duration
	hasDelay                 bool
}

// Transcript is a loaded transcript. It is safe for concurrent use.
type Transcript struct {
	path    string
	dir     bool
	comment string

	mu    sync.Mutex
	calls map[Key]*call
}

// New returns an empty transcript (for tests and for resume logs).
func New() *Transcript {
	return &Transcript{calls: map[Key]*call{}}
}

// Load reads a transcript: a directory, or a txtar archive file.
func Load(path string) (*Transcript, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	if st.IsDir() {
		return loadDir(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	t, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Parse reads a transcript in txtar archive form; name is used in errors.
func Parse(name string, data []byte) (*Transcript, error) {
	a := txtar.Parse(data)
	t := New()
	t.path = name
	t.comment = string(a.Comment)
	seen := map[string]string{}
	for _, f := range a.Files {
		if err := t.add(name, f.Name, f.Data, seen); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func loadDir(root string) (*Transcript, error) {
	t := New()
	t.path = root
	t.dir = true
	seen := map[string]string{}
	handles, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	for _, h := range handles {
		if !h.IsDir() || strings.HasPrefix(h.Name(), ".") {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, h.Name()))
		if err != nil {
			return nil, fmt.Errorf("transcript: %w", err)
		}
		for _, f := range files {
			name := h.Name() + "/" + f.Name()
			if _, _, _, _, ok := ParseEntryName(name); !ok || f.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(root, h.Name(), f.Name()))
			if err != nil {
				return nil, fmt.Errorf("transcript: %w", err)
			}
			if err := t.add(root, name, data, seen); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// add records one entry; seen maps canonical names to the stored name to
// reject duplicates (`x.prompt` and `x.prompt.quoted`, or a repeated
// archive entry).
func (t *Transcript) add(src, name string, data []byte, seen map[string]string) error {
	handle, n, kind, quoted, ok := ParseEntryName(name)
	if !ok {
		return nil
	}
	canon := EntryName(handle, n, kind)
	if prev, dup := seen[canon]; dup {
		return fmt.Errorf("transcript %s: duplicate entry %s (also %s)", src, name, prev)
	}
	seen[canon] = name
	text, err := Decode(data, quoted)
	if err != nil {
		return fmt.Errorf("transcript %s: entry %s: %v", src, name, err)
	}
	k := Key{handle, n}
	c := t.calls[k]
	if c == nil {
		c = &call{}
		t.calls[k] = c
	}
	switch kind {
	case KindCompletion:
		c.completion, c.hasCompletion = text, true
	case KindPrompt:
		c.prompt, c.hasPrompt = text, true
	case KindDelay:
		d, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil || d < 0 {
			return fmt.Errorf("transcript %s: entry %s: invalid duration %q (want a Go duration such as 250ms)", src, name, strings.TrimSpace(text))
		}
		c.delay, c.hasDelay = d, true
	}
	return nil
}

// Path is the path the transcript was loaded from ("" for New/Parse of
// in-memory data without a name).
func (t *Transcript) Path() string { return t.path }

// IsDir reports whether the transcript is in directory form.
func (t *Transcript) IsDir() bool { return t.dir }

// Dir is the directory holding the transcript: the root itself for the
// directory form, the archive's directory otherwise.
func (t *Transcript) Dir() string {
	if t.dir {
		return t.path
	}
	return filepath.Dir(t.path)
}

// Comment is the archive comment (text before the first entry); "" for
// the directory form.
func (t *Transcript) Comment() string { return t.comment }

// Completion returns the completion entry of call n of handle.
func (t *Transcript) Completion(handle string, n int) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.calls[Key{handle, n}]; c != nil && c.hasCompletion {
		return c.completion, true
	}
	return "", false
}

// Prompt returns the prompt entry of call n of handle.
func (t *Transcript) Prompt(handle string, n int) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.calls[Key{handle, n}]; c != nil && c.hasPrompt {
		return c.prompt, true
	}
	return "", false
}

// Delay returns the delay entry of call n of handle.
func (t *Transcript) Delay(handle string, n int) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.calls[Key{handle, n}]; c != nil && c.hasDelay {
		return c.delay, true
	}
	return 0, false
}

// Set stores texts for call n of handle (in-memory; see Recorder for
// files). Empty pointers leave the existing entry alone.
func (t *Transcript) Set(handle string, n int, prompt, completion *string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := Key{handle, n}
	c := t.calls[k]
	if c == nil {
		c = &call{}
		t.calls[k] = c
	}
	if prompt != nil {
		c.prompt, c.hasPrompt = *prompt, true
	}
	if completion != nil {
		c.completion, c.hasCompletion = *completion, true
	}
}

// MarkUsed records that the completion of call n of handle was served.
func (t *Transcript) MarkUsed(handle string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.calls[Key{handle, n}]; c != nil {
		c.used = true
	}
}

// Unused returns the completion entries never marked used, as canonical
// entry names (`main/3.completion`), sorted by handle then call number.
func (t *Transcript) Unused() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []Key
	for k, c := range t.calls {
		if c.hasCompletion && !c.used {
			keys = append(keys, k)
		}
	}
	sortKeys(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = EntryName(k.Handle, k.N, KindCompletion)
	}
	return out
}

// Calls returns the keys of every call with at least one entry, sorted by
// handle then call number.
func (t *Transcript) Calls() []Key {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]Key, 0, len(t.calls))
	for k := range t.calls {
		keys = append(keys, k)
	}
	sortKeys(keys)
	return keys
}

func sortKeys(keys []Key) {
	slices.SortFunc(keys, func(a, b Key) int {
		if c := strings.Compare(a.Handle, b.Handle); c != 0 {
			return c
		}
		return a.N - b.N
	})
}

// WriteDirEntry writes one entry of a directory-form transcript rooted at
// root atomically (temporary file + rename), creating the handle folder.
// The stale other form (`.quoted` or not) of the same entry is removed.
func WriteDirEntry(root, handle string, n int, kind Kind, text string) error {
	if !validHandle(handle) || n < 1 {
		return fmt.Errorf("transcript: invalid entry %s/%d.%s", handle, n, kind)
	}
	data, quoted := Encode(text)
	dir := filepath.Join(root, handle)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	base := strconv.Itoa(n) + "." + string(kind)
	name, stale := base, base+QuotedSuffix
	if quoted {
		name, stale = stale, name
	}
	if err := WriteFileAtomic(filepath.Join(dir, name), data); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, stale)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("transcript: %w", err)
	}
	return nil
}

func validHandle(h string) bool {
	return h != "" && !strings.HasPrefix(h, ".") && !strings.ContainsAny(h, "/\\")
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename, keeping the mode of an existing file.
func WriteFileAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("transcript: %w", err)
	}
	return nil
}
