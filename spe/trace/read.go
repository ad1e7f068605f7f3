package trace

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spell-go/spell/spe/trace/internal/sha256"
)

// ErrNotRun is returned for a directory that is not a run directory (it
// has no events.jsonl).
var ErrNotRun = errors.New("not a run directory (no " + EventsFile + ")")

// ErrNoRuns is returned by Open("latest") when the runs directory holds no
// run.
var ErrNoRuns = errors.New("no runs")

// Latest is the RUN argument that names the newest run.
const Latest = "latest"

// Run is a run directory opened for reading.
type Run struct {
	Dir string // the run directory
	ID  string // its base name

	events []Event // cached by Events
	torn   *Torn   // set by Events

	programs map[int]string // rebuilt program texts, by turn (Program)
}

// Torn is a last line of events.jsonl that was cut short (by a crash or a
// full disk): whatever it was recording has an unknown outcome.
type Torn struct {
	Line int    // 1-based line in events.jsonl
	Text string // the fragment
}

// Ev returns the event name the fragment shows, or "" when the line was
// cut before it.
func (t *Torn) Ev() string {
	_, rest, ok := strings.Cut(t.Text, `"ev":"`)
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, `"`)
	if !ok {
		return ""
	}
	return name
}

// Torn returns the log's torn last line, or nil when the log ends with a
// whole event. It is known after Events.
func (r *Run) Torn() *Torn { return r.torn }

// Open opens a run: a directory path, a run id under runsDir, or "latest"
// (also "") for the newest run in runsDir. A path is taken as such when it
// names an existing directory or contains a path separator.
func Open(dirOrID string, runsDir string) (*Run, error) {
	if dirOrID == "" || dirOrID == Latest {
		runs, err := List(runsDir)
		if err != nil {
			return nil, err
		}
		if len(runs) == 0 {
			return nil, fmt.Errorf("%w in %s", ErrNoRuns, runsDir)
		}
		return openDir(runs[0].Dir)
	}
	if fi, err := os.Stat(dirOrID); err == nil && fi.IsDir() {
		return openDir(dirOrID)
	}
	if strings.ContainsAny(dirOrID, `/\`) || runsDir == "" {
		return openDir(dirOrID)
	}
	return openDir(filepath.Join(runsDir, dirOrID))
}

func openDir(dir string) (*Run, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRun)
	}
	if fi, err := os.Stat(filepath.Join(dir, EventsFile)); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRun)
	}
	return &Run{Dir: dir, ID: filepath.Base(filepath.Clean(dir))}, nil
}

// Event is one decoded event line.
type Event struct {
	Line   int       // 1-based line in events.jsonl
	V      int       // schema version
	T      time.Time // zero when missing or malformed
	Ev     string
	Fields map[string]any // every key but v, t and ev; numbers are json.Number
}

// Str returns a string field ("" when missing or not a string).
func (e Event) Str(key string) string {
	s, _ := e.Fields[key].(string)
	return s
}

// Int returns an integer field (0 when missing or not a number).
func (e Event) Int(key string) int {
	switch v := e.Fields[key].(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		if f, err := v.Float64(); err == nil {
			return int(f)
		}
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}

// Float returns a numeric field (0 when missing or not a number).
func (e Event) Float(key string) float64 {
	switch v := e.Fields[key].(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case float64:
		return v
	case int:
		return float64(v)
	}
	return 0
}

// Has reports whether the event has the field.
func (e Event) Has(key string) bool {
	_, ok := e.Fields[key]
	return ok
}

// Handle returns the event's handle ("" when it has none).
func (e Event) Handle() string { return e.Str(KeyHandle) }

// Turn returns the event's global turn (0 when it has none).
func (e Event) Turn() int { return e.Int(KeyTurn) }

// Events reads the event log. A malformed last line (a write cut short by
// a crash) is skipped, and so is a malformed line directly followed by a
// run.resume event (the crash fragment of a resumed run); any other
// malformed line is an error naming it.
func (r *Run) Events() ([]Event, error) {
	if r.events != nil {
		return r.events, nil
	}
	data, err := os.ReadFile(filepath.Join(r.Dir, EventsFile))
	if err != nil {
		return nil, err
	}
	var events []Event
	var bad []int // lines that failed to decode, pending a verdict
	var badText string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		ev, err := decodeEvent(text)
		if err != nil {
			bad = append(bad, line)
			badText = string(text)
			continue
		}
		ev.Line = line
		if len(bad) > 0 {
			if len(bad) > 1 || ev.Ev != EvRunResume {
				return nil, fmt.Errorf("%s:%d: malformed event", EventsFile, bad[0])
			}
			bad = bad[:0]
		}
		events = append(events, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(bad) > 1 {
		return nil, fmt.Errorf("%s:%d: malformed event", EventsFile, bad[0])
	}
	if len(bad) == 1 {
		r.torn = &Torn{Line: bad[0], Text: badText}
	}
	if events == nil {
		events = []Event{}
	}
	r.events = events
	return events, nil
}

func decodeEvent(text []byte) (Event, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return Event{}, err
	}
	if dec.More() {
		return Event{}, errors.New("trailing data")
	}
	ev := Event{Fields: m}
	s, ok := m["ev"].(string)
	if !ok || s == "" {
		return Event{}, errors.New("missing ev")
	}
	ev.Ev = s
	if n, ok := m["v"].(json.Number); ok {
		v, _ := n.Int64()
		ev.V = int(v)
	}
	if ts, ok := m["t"].(string); ok {
		ev.T, _ = time.Parse(time.RFC3339Nano, ts)
	}
	delete(m, "v")
	delete(m, "t")
	delete(m, "ev")
	return ev, nil
}

// ReadFile reads a file of the run by its relative name (forward slashes).
func (r *Run) ReadFile(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", fmt.Errorf("%s: invalid file name", name)
	}
	b, err := os.ReadFile(filepath.Join(r.Dir, filepath.FromSlash(name)))
	return string(b), err
}

// Program returns the whole program text of a global turn: NNNN.spl, or
// the text it rebuilds when it is a delta against an earlier turn's
// program (delta.go). Traces written before delta files hold whole texts
// and read the same.
func (r *Run) Program(turn int) (string, error) {
	if text, ok := r.programs[turn]; ok {
		return text, nil
	}
	// Follow the chain of bases back to a whole text, then rebuild forward
	// (iteratively: a long run's chain has a link per turn).
	type link struct {
		turn int
		ops  []deltaOp
		body string
	}
	var chain []link
	var text string
	seen := map[int]bool{}
	for t := turn; ; {
		if cached, ok := r.programs[t]; ok {
			text = cached
			break
		}
		if seen[t] {
			return "", fmt.Errorf("%s: %w (its bases form a cycle)", ProgramFile(turn), ErrBadDelta)
		}
		seen[t] = true
		content, err := r.ReadFile(ProgramFile(t))
		if err != nil {
			return "", err
		}
		base, ops, body, isDelta, err := parseDelta(content)
		if err != nil {
			return "", fmt.Errorf("%s: %w", ProgramFile(t), err)
		}
		if !isDelta {
			r.cacheProgram(t, content)
			text = content
			break
		}
		chain = append(chain, link{t, ops, body})
		if base == 0 {
			break
		}
		t = base
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		next, err := applyDelta(text, l.ops, l.body)
		if err != nil {
			return "", fmt.Errorf("%s: %w", ProgramFile(l.turn), err)
		}
		text = next
		r.cacheProgram(l.turn, text)
	}
	return text, nil
}

func (r *Run) cacheProgram(turn int, text string) {
	if r.programs == nil {
		r.programs = map[int]string{}
	}
	r.programs[turn] = text
}

// Leaf returns the prompt and response of a leaf call (NNNN.txt).
func (r *Run) Leaf(turn int) (prompt, response string, err error) {
	text, err := r.ReadFile(LeafFile(turn))
	if err != nil {
		return "", "", err
	}
	p, resp, ok := SplitLeaf(text)
	if !ok {
		return "", "", fmt.Errorf("%s: not a leaf file", LeafFile(turn))
	}
	return p, resp, nil
}

// Result returns the content of result.edn ("" and an error when missing).
func (r *Run) Result() (string, error) { return r.ReadFile(ResultFile) }

// TurnInfo gathers what the log says about one global turn.
type TurnInfo struct {
	Turn       int // global turn number
	Handle     string
	N          int // call number on the handle
	Depth      int
	Kind       string
	Parent     int
	PromptSHA  string
	PromptFile string
	Start      time.Time

	Completion    string // the model's suffix (model.completion)
	HasCompletion bool
	ProgramFile   string // from the program event ("" when none)

	Model     string
	Usage     map[string]any
	CostUSD   float64
	LatencyMS int
	HasCall   bool // a model.call event was logged

	Value     string // eval.value
	HasValue  bool
	Error     string // eval.error
	HasError  bool
	Recovery  string
	Effects   int  // effect.begin events
	Interrupt bool // an effect began but never ended
}

// Turns assembles the turns of the run from its events, in order of
// turn.start.
func (r *Run) Turns() ([]*TurnInfo, error) {
	events, err := r.Events()
	if err != nil {
		return nil, err
	}
	var turns []*TurnInfo
	byTurn := map[int]*TurnInfo{}
	open := map[[2]int]bool{}
	for _, ev := range events {
		if ev.Ev == EvTurnStart {
			t := &TurnInfo{
				Turn: ev.Turn(), Handle: ev.Handle(), N: ev.Int(KeyN), Depth: ev.Int(KeyDepth),
				Kind: ev.Str(KeyKind), Parent: ev.Int(KeyParentTurn), PromptSHA: ev.Str(KeyPromptSHA),
				PromptFile: ev.Str(KeyPromptFile), Start: ev.T,
			}
			if old, ok := byTurn[t.Turn]; ok {
				// A resumed run logs the turn again; keep the newest.
				*old = *t
				continue
			}
			byTurn[t.Turn] = t
			turns = append(turns, t)
			continue
		}
		if !ev.Has(KeyTurn) {
			continue
		}
		t := byTurn[ev.Turn()]
		if t == nil {
			continue
		}
		switch ev.Ev {
		case EvModelCall:
			t.HasCall = true
			t.Model = ev.Str(KeyModel)
			t.Usage, _ = ev.Fields[KeyUsage].(map[string]any)
			t.CostUSD = ev.Float(KeyCostUSD)
			t.LatencyMS = ev.Int(KeyLatencyMS)
		case EvModelCompletion:
			t.Completion = ev.Str(KeyText)
			t.HasCompletion = true
		case EvProgram:
			t.ProgramFile = ev.Str(KeyFile)
		case EvEffectBegin:
			t.Effects++
			open[[2]int{t.Turn, ev.Int(KeyK)}] = true
		case EvEffectEnd:
			delete(open, [2]int{t.Turn, ev.Int(KeyK)})
		case EvEvalValue:
			t.Value, t.HasValue = ev.Str(KeyValue), true
			t.Recovery = ev.Str(KeyRecovery)
		case EvEvalError:
			t.Error, t.HasError = ev.Str(KeyError), true
			t.Recovery = ev.Str(KeyRecovery)
		}
	}
	for k := range open {
		if t := byTurn[k[0]]; t != nil {
			t.Interrupt = true
		}
	}
	return turns, nil
}

// ProgramText returns the program text of a turn, "" when it has none (a
// leaf call) or the file is missing.
func (r *Run) ProgramText(t *TurnInfo) string {
	turn := t.Turn
	if t.ProgramFile != "" {
		// The program event names the file; it is NNNN.spl of the turn.
		if n, ok := programFileTurn(t.ProgramFile); ok {
			turn = n
		} else if text, err := r.ReadFile(t.ProgramFile); err == nil {
			return text
		}
	}
	text, err := r.Program(turn)
	if err != nil {
		return ""
	}
	return text
}

// programFileTurn is the turn of a program file name NNNN.spl.
func programFileTurn(name string) (int, bool) {
	num, ok := strings.CutSuffix(name, ".spl")
	if !ok || len(num) < 4 {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || ProgramFile(n) != name {
		return 0, false
	}
	return n, true
}

// Prompt reconstructs the prompt of a turn: the prompt section of a leaf
// file, or the beginning of the program text that precedes the model's
// completion (checked against the recorded prompt SHA-256 when there is
// one). ok is false when the prompt cannot be recovered exactly.
func (r *Run) Prompt(t *TurnInfo) (prompt string, ok bool) {
	if t.Kind == KindLeaf || strings.HasSuffix(t.PromptFile, ".txt") {
		p, _, err := r.Leaf(t.Turn)
		return p, err == nil
	}
	if t.PromptFile != "" && !strings.HasSuffix(t.PromptFile, ".spl") {
		if text, err := r.ReadFile(t.PromptFile); err == nil && shaOK(text, t.PromptSHA) {
			return text, true
		}
	}
	prog := r.ProgramText(t)
	if prog == "" {
		return "", false
	}
	if t.HasCompletion && t.Completion != "" {
		if i := strings.LastIndex(prog, t.Completion); i >= 0 && shaOK(prog[:i], t.PromptSHA) {
			return prog[:i], true
		}
	}
	if t.HasCompletion && t.Completion == "" && shaOK(prog, t.PromptSHA) {
		return prog, true
	}
	if t.PromptSHA != "" {
		// Repairs changed the completion: find the prefix with the
		// recorded hash, hashing incrementally.
		want, err := hex.DecodeString(t.PromptSHA)
		if err == nil {
			h := sha256.New()
			var sum []byte
			for i := 0; i <= len(prog); i++ {
				if i > 0 {
					h.Write([]byte{prog[i-1]})
				}
				sum = h.Sum(sum[:0])
				if bytes.Equal(sum, want) {
					return prog[:i], true
				}
			}
		}
	}
	return "", false
}

func shaOK(text, sha string) bool { return sha == "" || PromptSHA256(text) == sha }

// Summary describes one run for listings.
type Summary struct {
	ID     string
	Dir    string
	Start  time.Time // time of the first event (zero when unknown)
	Status string    // run.end status, or StatusIncomplete
	Turns  int       // turn.start events
	Cost   float64   // run.end cost, else the sum of model.call costs
	Task   string    // task or program, whitespace collapsed, at most 60 characters
	Error  string    // run.end error message
}

// TaskWidth is the number of characters of the task or program a Summary
// keeps.
const TaskWidth = 60

// Summarize summarises the run.
func (r *Run) Summarize() (Summary, error) {
	s := Summary{ID: r.ID, Dir: r.Dir, Status: StatusIncomplete}
	events, err := r.Events()
	if err != nil {
		return s, err
	}
	var cost float64
	ended := false
	for _, ev := range events {
		if s.Start.IsZero() {
			s.Start = ev.T
		}
		switch ev.Ev {
		case EvRunStart:
			if !ev.T.IsZero() {
				s.Start = ev.T
			}
			text := ev.Str(KeyTask)
			if text == "" {
				text = ev.Str(KeyProgram)
			}
			s.Task = Abbrev(text, TaskWidth)
		case EvTurnStart:
			s.Turns++
		case EvModelCall:
			cost += ev.Float(KeyCostUSD)
		case EvRunEnd:
			ended = true
			s.Status = ev.Str(KeyStatus)
			if s.Status == "" {
				s.Status = StatusOK
				if ev.Has(KeyError) {
					s.Status = StatusError
				}
			}
			s.Error = ev.Str(KeyError)
			if ev.Has(KeyCostUSD) {
				s.Cost = ev.Float(KeyCostUSD)
			} else {
				s.Cost = cost
			}
		case EvRunResume:
			ended = false
			s.Status = StatusIncomplete
		}
	}
	if !ended {
		s.Cost = cost
	}
	return s, nil
}

// Abbrev collapses runs of white space in s to one space and keeps at most
// n characters (runes).
func Abbrev(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// List summarises every run directory directly under runsDir, newest
// first (by start time, then by name). Subdirectories without an event log
// are skipped; a missing runsDir is an empty list. A run whose log cannot
// be read is listed with status "unreadable".
func List(runsDir string) ([]Summary, error) {
	if runsDir == "" {
		return nil, errors.New("no runs directory (neither XDG_STATE_HOME nor HOME is set)")
	}
	entries, err := os.ReadDir(runsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Summary{}, nil
	}
	if err != nil {
		return nil, err
	}
	list := []Summary{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		r, err := openDir(filepath.Join(runsDir, e.Name()))
		if err != nil {
			continue
		}
		s, err := r.Summarize()
		if err != nil {
			s = Summary{ID: r.ID, Dir: r.Dir, Status: "unreadable"}
		}
		if s.Start.IsZero() && IsRunID(s.ID) {
			s.Start, _ = time.Parse("20060102-150405", s.ID[:15])
		}
		list = append(list, s)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.After(b.Start)
		}
		return a.ID > b.ID
	})
	return list, nil
}
