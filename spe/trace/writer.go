package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// TimeLayout is the layout of an event's "t": RFC 3339 in UTC with
// microseconds.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Writer appends to one run directory. It is safe for concurrent use (the
// agents of a multi-agent run share it).
type Writer struct {
	dir    string
	redact *Redactor

	mu     sync.Mutex
	log    *os.File
	closed bool
	// werr is the first failed event write: after it the log may end in
	// a torn line, so no later event is appended behind it.
	werr error

	write func([]byte) (int, error) // appends one line to the log (tests inject failures)

	now   func() time.Time     // clock (tests)
	fsync func(*os.File) error // datasync (tests count calls)

	// Delta bases of program files (delta.go), guarded by pmu.
	pmu     sync.Mutex
	turnKey map[int]programKey         // turn → handle and depth, from turn.start
	last    map[programKey]lastProgram // the last program written per handle and depth
	recent  lastProgram                // the last program written
}

// ErrRunExists is returned by Create for a directory that already holds a
// run's event log: one run directory holds one run (resume continues it
// with Append).
var ErrRunExists = errors.New("the directory already holds a run (" + EventsFile + ")")

// WriteError is a failed write to the run directory. The runtime stops the
// run on it: an effect that runs after a lost event would be repeated or
// lost by a resume.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "trace: " + e.Err.Error() }

// Unwrap returns the underlying error (errors.Is(err, syscall.ENOSPC)).
func (e *WriteError) Unwrap() error { return e.Err }

// Create makes the run directory dir of a new run (and its parents when
// needed) and creates its events.jsonl. A directory that already has an
// events.jsonl is refused with ErrRunExists. redact may be nil (nothing
// is redacted).
func Create(dir string, redact *Redactor) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &WriteError{err}
	}
	path := filepath.Join(dir, EventsFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrRunExists)
	}
	if err != nil {
		return nil, &WriteError{err}
	}
	return newWriter(dir, redact, f), nil
}

// Append opens the event log of an existing run directory for appending
// (a resumed run continues the same log): an existing log is never
// rewritten. A log whose last line was cut short by a crash is first
// terminated with a newline so that the next event starts on a line of
// its own.
func Append(dir string, redact *Redactor) (*Writer, error) {
	path := filepath.Join(dir, EventsFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &WriteError{err}
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if r, err := os.Open(path); err == nil {
			_, err = r.ReadAt(last, fi.Size()-1)
			r.Close()
			if err == nil && last[0] != '\n' {
				if _, err := f.Write([]byte{'\n'}); err != nil {
					f.Close()
					return nil, &WriteError{err}
				}
			}
		}
	}
	return newWriter(dir, redact, f), nil
}

func newWriter(dir string, redact *Redactor, f *os.File) *Writer {
	return &Writer{dir: dir, redact: redact, log: f, write: f.Write, now: time.Now, fsync: datasync}
}

// Dir returns the run directory.
func (w *Writer) Dir() string { return w.dir }

// Redactor returns the writer's redactor (possibly nil).
func (w *Writer) Redactor() *Redactor { return w.redact }

// ErrClosed is returned by a Writer after Finish or Close.
var ErrClosed = errors.New("trace: writer closed")

// reserved keys are written by Event itself; fields with these names are
// ignored.
func reserved(key string) bool { return key == "v" || key == "t" || key == "ev" }

// Event appends one event: {"v":1,"t":…,"ev":ev, then fields in sorted key
// order}. Field values are encoded with encoding/json (nested maps have
// sorted keys too); the encoded line is redacted before it is written. A
// field whose value cannot be encoded is written as its fmt %v text.
func (w *Writer) Event(ev string, fields map[string]any) error {
	if ev == EvTurnStart {
		w.noteTurn(fields)
	}
	line, err := w.encode(ev, fields)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.werr != nil {
		return w.werr
	}
	// One write per line: with O_APPEND concurrent writers never interleave
	// inside a line, and a crash cuts at most the last line.
	n, err := w.write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.werr = &WriteError{err}
		return w.werr
	}
	return nil
}

func (w *Writer) encode(ev string, fields map[string]any) ([]byte, error) {
	// One buffer and one encoder for the whole line (each value on one
	// line without HTML escaping, as marshalJSON).
	var b bytes.Buffer
	b.Grow(256)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err // (Encode writes nothing then)
		}
		b.Truncate(b.Len() - 1) // its newline
		return nil
	}
	b.WriteString(`{"v":`)
	fmt.Fprint(&b, SchemaVersion)
	b.WriteString(`,"t":`)
	put(w.now().UTC().Format(TimeLayout))
	b.WriteString(`,"ev":`)
	if err := put(ev); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if !reserved(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteByte(',')
		put(k)
		b.WriteByte(':')
		if err := put(fields[k]); err != nil {
			put(fmt.Sprintf("%v", fields[k]))
		}
	}
	b.WriteString("}\n")
	return w.redact.redactJSON(b.Bytes()), nil
}

// marshalJSON encodes v on one line without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeFile writes a redacted file inside the run directory; name is
// relative, with forward slashes.
func (w *Writer) writeFile(name, text string) (string, error) {
	return w.writeRaw(name, w.redact.Redact(text))
}

// writeRaw writes text, already redacted, to a file inside the run
// directory.
func (w *Writer) writeRaw(name, text string) (string, error) {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if closed {
		return "", ErrClosed
	}
	path := filepath.Join(w.dir, filepath.FromSlash(name))
	// The file is written first: its directory is usually there already
	// (a program file a turn: no MkdirAll's stat each time).
	err := os.WriteFile(path, []byte(text), 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", &WriteError{err}
		}
		err = os.WriteFile(path, []byte(text), 0o644)
	}
	if err != nil {
		return "", &WriteError{err}
	}
	return name, nil
}

// WriteProgram writes the program text of a global turn to NNNN.spl and
// returns that name. The file holds the whole text, or a delta against
// the previous program of the turn's handle (delta.go) when that is
// smaller: the handle is the one of the turn's turn.start event. Run.Program
// rebuilds the whole text either way.
func (w *Writer) WriteProgram(turn int, text string) (string, error) {
	return w.WriteProgramAfter(turn, text, "", 0)
}

// WriteProgramAfter is WriteProgram for a text whose first known bytes
// the caller knows to be those of base, the program it wrote before for
// the turn's handle (the runtime does when a turn's prompt extends the
// last one): a delta built on base compares only the bytes after them.
func (w *Writer) WriteProgramAfter(turn int, text, base string, known int) (string, error) {
	w.pmu.Lock()
	defer w.pmu.Unlock()
	key, keyed := w.turnKey[turn]
	delete(w.turnKey, turn)
	// Redaction searches only what follows known when the base was
	// clean (its bytes hold no secret): the program's new text.
	cleanKnown := 0
	for _, b := range []lastProgram{w.last[key], w.recent} {
		if b.turn != 0 && b.clean && sameString(b.text, base) {
			cleanKnown = known
			break
		}
	}
	red, clean := w.redact.redactAfter(text, cleanKnown)
	if !sameString(red, text) {
		known = 0 // (what the caller knows is about the unredacted texts)
	}
	text = red
	content := escapeWhole(text)
	for i, b := range []lastProgram{w.last[key], w.recent} {
		if b.turn == 0 || b.turn == turn || i == 1 && b.turn == w.last[key].turn {
			continue // (the same base twice: the usual turn)
		}
		k := 0
		if sameString(b.text, base) {
			k = known
		}
		var searched int
		if d, ok := encodeDeltaCounting(b.turn, b.text, text, k, &searched); ok && len(d) < len(content) {
			content = d
		}
	}
	name, err := w.writeRaw(ProgramFile(turn), content)
	if err != nil {
		return name, err
	}
	p := lastProgram{turn: turn, text: text, clean: clean}
	if keyed {
		if w.last == nil {
			w.last = map[programKey]lastProgram{}
		}
		w.last[key] = p
	}
	w.recent = p
	return name, nil
}

// Retains reports whether the writer keeps bytes of mem's memory (up to
// its capacity) as the base of a later program's delta: a text it was
// given without a copy. The caller then writes nothing into mem.
func (w *Writer) Retains(mem []byte) bool {
	w.pmu.Lock()
	defer w.pmu.Unlock()
	if within(w.recent.text, mem) {
		return true
	}
	for _, p := range w.last {
		if within(p.text, mem) {
			return true
		}
	}
	return false
}

// within reports whether any of s's bytes lie in mem[:cap(mem)].
func within(s string, mem []byte) bool {
	if len(s) == 0 || cap(mem) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	return p+uintptr(len(s)) > lo && p < lo+uintptr(cap(mem))
}

// sameString reports whether a and b are the same bytes in memory (not
// only equal).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// noteTurn records the handle and depth of a turn from its turn.start
// fields, for the delta base of its program.
func (w *Writer) noteTurn(fields map[string]any) {
	turn, ok1 := fields[KeyTurn].(int)
	handle, ok2 := fields[KeyHandle].(string)
	depth, _ := fields[KeyDepth].(int)
	if !ok1 || !ok2 {
		return
	}
	w.pmu.Lock()
	defer w.pmu.Unlock()
	if w.turnKey == nil {
		w.turnKey = map[int]programKey{}
	}
	w.turnKey[turn] = programKey{handle, depth}
}

// Leaf-file section markers (see WriteLeaf).
const (
	leafPrompt   = "=== prompt ===\n"
	leafResponse = "\n=== response ===\n"
)

// WriteLeaf writes the prompt and response of a leaf call to NNNN.txt and
// returns that name. The file reads
//
//	=== prompt ===
//	<prompt>
//	=== response ===
//	<response>
//
// (SplitLeaf splits it again; a text containing a line "=== response ==="
// is split at the last such line.)
func (w *Writer) WriteLeaf(turn int, prompt, response string) (string, error) {
	return w.writeFile(LeafFile(turn), leafPrompt+prompt+leafResponse+response)
}

// SplitLeaf splits the content of a leaf file into prompt and response.
func SplitLeaf(content string) (prompt, response string, ok bool) {
	body, found := strings.CutPrefix(content, leafPrompt)
	if !found {
		return "", "", false
	}
	i := strings.LastIndex(body, leafResponse)
	if i < 0 {
		return "", "", false
	}
	return body[:i], body[i+len(leafResponse):], true
}

// WriteEffect writes the full result of the K-th external effect of a turn
// to effects/NNNN-K.edn and returns that relative name. The runtime uses it
// when a result exceeds EffectInlineMax.
func (w *Writer) WriteEffect(turn, k int, text string) (string, error) {
	return w.writeFile(EffectFile(turn, k), text)
}

// Sync flushes the event log to stable storage. The runtime calls it at the
// end of every turn; a crash then loses at most the turn in progress.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if err := w.fsync(w.log); err != nil {
		return &WriteError{err}
	}
	return w.werr
}

// Finish writes result.edn — the run's value in readable form, or with
// isErr the error message as {:error "message"} — syncs and closes the log.
// The runtime logs run.end before calling Finish, so result.edn is the last
// file written.
func (w *Writer) Finish(result string, isErr bool) error {
	text := result
	if isErr {
		text = "{:error " + EDNString(result) + "}"
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := w.writeFile(ResultFile, text)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close syncs and closes the log and reports the first failed write of
// the log, if any. It is idempotent: after Finish it does nothing.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.werr
	if ferr := w.fsync(w.log); err == nil && ferr != nil {
		err = &WriteError{ferr}
	}
	if cerr := w.log.Close(); err == nil && cerr != nil {
		err = &WriteError{cerr}
	}
	return err
}

// EDNString quotes s as a Spell/EDN string literal: backslash, double
// quote, newline, tab, carriage return escaped.
func EDNString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
