// Package temporal runs Spell runs as Temporal workflows (docs/temporal.md):
// the workflow is the run, and each step is an activity that replays the
// run's log with the SPE runtime and performs at most one live action (one
// model call or one effect), returning what it appended to the log.
//
// The package links the Temporal SDK; only the spell-temporal executable
// imports it, so that the spell binary stays small and starts fast.
package temporal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spell-go/spell/spe/trace"
)

// Log is a run's trace directory carried in workflow state: its event log
// and its other files (programs, leaves, large effect results, the
// result), by slash-separated path relative to the directory.
type Log struct {
	Events []byte            `json:"events,omitempty"`
	Files  map[string][]byte `json:"files,omitempty"`
}

// Append adds a step's delta: its event lines after the log's, its new and
// changed files. It is a pure function of its arguments (workflow code).
func (l *Log) Append(d Log) {
	l.Events = append(l.Events, d.Events...)
	for name, b := range d.Files {
		if l.Files == nil {
			l.Files = map[string][]byte{}
		}
		l.Files[name] = b
	}
}

// Traced reports whether the log holds a model call or an effect: a local
// run writes its trace directory only then (a pure program leaves none).
func (l *Log) Traced() bool {
	return bytes.Contains(l.Events, []byte(`"ev":"`+trace.EvTurnStart+`"`)) || bytes.Contains(l.Events, []byte(`"ev":"`+trace.EvEffectBegin+`"`))
}

// Size is the number of bytes the log holds.
func (l *Log) Size() int {
	n := len(l.Events)
	for name, b := range l.Files {
		n += len(name) + len(b)
	}
	return n
}

// Write materialises the log as a trace directory at dir (created).
func (l *Log) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range l.Files {
		p, err := inside(dir, name)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	if len(l.Events) > 0 {
		return os.WriteFile(filepath.Join(dir, trace.EventsFile), l.Events, 0o644)
	}
	return nil
}

// AppendTo writes a delta into an existing trace directory: its event
// lines at the end of the log, its files whole.
func (l *Log) AppendTo(dir string) error {
	d := Log{Files: l.Files}
	if err := d.Write(dir); err != nil {
		return err
	}
	if len(l.Events) == 0 {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(dir, trace.EventsFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(l.Events); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadLog reads a trace directory as a Log (spell run --resume with
// --engine temporal). A torn last line (a crash in the middle of writing
// it) is left out and reported: the run's first step replays the log as
// after a lost attempt's effect (StepInput.Marker), which is what a local
// resume does with it.
func ReadLog(dir string) (log Log, torn bool, err error) {
	events, err := os.ReadFile(filepath.Join(dir, trace.EventsFile))
	if err != nil {
		return Log{}, false, err
	}
	if i := bytes.LastIndexByte(events, '\n'); i+1 < len(events) {
		events, torn = events[:i+1], true
	}
	files, err := snapshot(dir)
	if err != nil {
		return Log{}, false, err
	}
	return Log{Events: events, Files: files}, torn, nil
}

// inside joins a log file name to dir, refusing names that leave it.
func inside(dir, name string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("log file name %q leaves the trace directory", name)
	}
	return filepath.Join(dir, filepath.FromSlash(name)), nil
}

// snapshot reads the files of a trace directory other than the event log.
func snapshot(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == trace.EventsFile {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = b
		return nil
	})
	return files, err
}

// changed returns the files of now that before does not hold or holds
// with other contents.
func changed(before, now map[string][]byte) map[string][]byte {
	var out map[string][]byte
	for name, b := range now {
		if old, ok := before[name]; ok && bytes.Equal(old, b) {
			continue
		}
		if out == nil {
			out = map[string][]byte{}
		}
		out[name] = b
	}
	return out
}

// completeLines returns the event lines of b up to its last newline,
// without run.resume events: a step's replay ends where the log ended, and
// the run it continues is one run, not a resumed one.
func completeLines(b []byte) []byte {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	} else {
		return nil
	}
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b[:i+1]
		b = b[i+1:]
		if ev, ok := eventName(line); !ok || ev == trace.EvRunResume {
			// (A line that is not JSON is a torn line a step wrote to
			// stand for a lost attempt's effect; the log goes on after it.)
			continue
		}
		out = append(out, line...)
	}
	return out
}

// eventName returns the ev key of one event line.
func eventName(line []byte) (string, bool) {
	var e struct {
		Ev string `json:"ev"`
	}
	if json.Unmarshal(line, &e) != nil {
		return "", false
	}
	return e.Ev, true
}

// Event is one decoded event of a log.
type Event struct {
	Ev     string
	Fields map[string]any
}

// Events decodes the log's event lines (complete ones).
func (l *Log) EventList() []Event {
	var out []Event
	for _, line := range bytes.Split(l.Events, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(line))
		d.UseNumber()
		var f map[string]any
		if d.Decode(&f) != nil {
			continue
		}
		ev, _ := f["ev"].(string)
		out = append(out, Event{Ev: ev, Fields: f})
	}
	return out
}

func sortedNames(m map[string][]byte) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var _ = strings.TrimSpace
