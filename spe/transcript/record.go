package transcript

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/rogpeppe/go-internal/txtar"
)

// Recorder writes a transcript while a run goes (`--record FILE`, §13):
// after each call it stores `<handle>/<n>.completion` and
// `<handle>/<n>.prompt` and rewrites the archive atomically (temporary
// file + rename), or writes the two files atomically in directory form.
//
// Recording onto an existing transcript updates it in place: the archive
// comment and every other entry (foreign files, `.delay` entries, calls
// not made in this run) are preserved, entries of recorded calls are
// replaced where they stand (switching to or from the `.quoted` form as
// needed) and new ones are inserted after the last entry of the same
// handle with a call number ≤ n, else after the last transcript entry. So a
// replay run recorded onto its own file refreshes its `.prompt` entries.
// A Recorder is safe for concurrent use.
type Recorder struct {
	path string
	dir  bool

	// Redact, when set, is applied to every prompt, completion and comment
	// before it is stored: secrets never reach the transcript, as they
	// never reach a trace (runtime.md §14.2). Set it before recording.
	Redact func(string) string

	mu      sync.Mutex
	comment []byte
	files   []txtar.File
}

// NewRecorder prepares recording to path: an existing directory is written
// in directory form, an existing file is parsed and updated, a missing path
// becomes a new archive (written on the first Record or Flush).
func NewRecorder(path string) (*Recorder, error) {
	r := &Recorder{path: path}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		r.dir = true
	case err == nil:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("transcript: %w", err)
		}
		a := txtar.Parse(data)
		r.comment, r.files = a.Comment, a.Files
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("transcript: %w", err)
	}
	return r, nil
}

// Path is the recorded transcript's path.
func (r *Recorder) Path() string { return r.path }

// Comment returns the archive comment.
func (r *Recorder) Comment() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.comment)
}

// SetComment replaces the archive comment (ignored in directory form). A
// missing final newline is added.
func (r *Recorder) SetComment(c string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c = r.redact(c)
	if c != "" && c[len(c)-1] != '\n' {
		c += "\n"
	}
	r.comment = []byte(c)
}

// Record stores the prompt and completion of call n of handle and writes
// the transcript.
func (r *Recorder) Record(handle string, n int, prompt, completion string) error {
	if !validHandle(handle) || n < 1 {
		return fmt.Errorf("transcript: invalid call %s/%d", handle, n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	prompt, completion = r.redact(prompt), r.redact(completion)
	if r.dir {
		if err := WriteDirEntry(r.path, handle, n, KindCompletion, completion); err != nil {
			return err
		}
		return WriteDirEntry(r.path, handle, n, KindPrompt, prompt)
	}
	r.set(handle, n, KindCompletion, completion)
	r.set(handle, n, KindPrompt, prompt)
	return r.flush()
}

func (r *Recorder) redact(s string) string {
	if r.Redact == nil {
		return s
	}
	return r.Redact(s)
}

// Flush writes the archive as it stands (creating it when new).
func (r *Recorder) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir {
		return nil
	}
	return r.flush()
}

func (r *Recorder) flush() error {
	return WriteFileAtomic(r.path, txtar.Format(&txtar.Archive{Comment: r.comment, Files: r.files}))
}

// set replaces or inserts one entry of the archive.
func (r *Recorder) set(handle string, n int, kind Kind, text string) {
	data, quoted := Encode(text)
	name := EntryName(handle, n, kind)
	if quoted {
		name += QuotedSuffix
	}
	last, lastSame := -1, -1
	for i, f := range r.files {
		h, fn, k, _, ok := ParseEntryName(f.Name)
		if !ok {
			continue
		}
		if h == handle && fn == n && k == kind {
			r.files[i] = txtar.File{Name: name, Data: data}
			return
		}
		last = i
		if h == handle && fn <= n {
			lastSame = i
		}
	}
	if lastSame >= 0 {
		last = lastSame
	}
	f := txtar.File{Name: name, Data: data}
	if last < 0 {
		r.files = append(r.files, f)
		return
	}
	r.files = append(r.files[:last+1], append([]txtar.File{f}, r.files[last+1:]...)...)
}
