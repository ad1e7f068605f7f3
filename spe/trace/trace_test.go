package trace

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

const fakeKey = "sk-ant-FAKE0123456789secret"

var testTime = time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.FixedZone("X", 3600))

func newTestWriter(t *testing.T, dir string, red *Redactor) (*Writer, *int) {
	t.Helper()
	w, err := Create(dir, red)
	if err != nil {
		t.Fatal(err)
	}
	syncs := new(int)
	w.now = func() time.Time { return testTime }
	w.fsync = func(f *os.File) error { *syncs++; return f.Sync() }
	return w, syncs
}

func readLines(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestNewRunID(t *testing.T) {
	id := NewRunID(testTime, bytes.NewReader([]byte{0xff, 0x00, 0xab, 0xcd}))
	if id != "20260304-040607-74akxt" {
		t.Errorf("id = %q", id)
	}
	if !IsRunID(id) {
		t.Errorf("IsRunID(%q) = false", id)
	}
	for _, bad := range []string{"", "20260304-040607", "20260304-040607-ABCDEF", "2026030x-040607-abcdef", "20260304-040607-abcde1"} {
		if IsRunID(bad) {
			t.Errorf("IsRunID(%q) = true", bad)
		}
	}
	a, b := NewRunID(testTime, nil), NewRunID(testTime, nil)
	if a == b || !IsRunID(a) {
		t.Errorf("random ids %q %q", a, b)
	}
}

// TestRunIDSuffixIsBase32 checks the suffix against encoding/base32 (which
// NewRunID no longer links) for many four-byte inputs.
func TestRunIDSuffixIsBase32(t *testing.T) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for i := 0; i < 5000; i++ {
		b := []byte{byte(i * 7919 >> 8), byte(i * 31), byte(i >> 3), byte(i*104729 + 11)}
		want := strings.ToLower(enc.EncodeToString(b))[:6]
		if got := NewRunID(testTime, bytes.NewReader(b))[16:]; got != want {
			t.Fatalf("% x: suffix %q, base32 %q", b, got, want)
		}
	}
}

func TestRunsDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/spell/runs"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/h"}, "/h/.local/state/spell/runs"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/spell/runs"},
		{map[string]string{}, ""},
	}
	for _, c := range cases {
		if got := RunsDir(env(c.env)); got != filepath.FromSlash(c.want) {
			t.Errorf("RunsDir(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}

func TestEventShapeAndKeyOrder(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	if err := w.Event(TurnStart("main", 2, 3, 1, KindSelf, "abc", "0003.spl", 2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Event("custom", map[string]any{"z": 1, "a": map[string]any{"y": 2, "b": "<&>"}, "v": 9, "ev": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, dir)
	want := []string{
		`{"v":1,"t":"2026-03-04T04:06:07.891011Z","ev":"turn.start","depth":1,"handle":"main","kind":"self","n":2,"parent_turn":2,"prompt_file":"0003.spl","prompt_sha256":"abc","turn":3}`,
		`{"v":1,"t":"2026-03-04T04:06:07.891011Z","ev":"custom","a":{"b":"<&>","y":2},"z":1}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("lines:\n%s", strings.Join(lines, "\n"))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Errorf("line %d: %v", i+1, err)
		}
	}
	if err := w.Event("late", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Event after Close: %v", err)
	}
}

func TestAppendOnlyAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	w.Event(RunStart("id", "devel", []string{"spell", "run"}, "/c", "/r", "m", "cli", nil, 1, "t", ""))
	w.Close()
	// A crash cut the next line short.
	f, _ := os.OpenFile(filepath.Join(dir, EventsFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"v":1,"t":"2026`)
	f.Close()

	w, _ = Append(dir, nil)
	w.Event(RunResume(1, []string{"spell", "run", "--resume", "id"}))
	w.Close()
	lines := readLines(t, dir)
	if len(lines) != 3 || !strings.Contains(lines[0], `"ev":"run.start"`) || lines[1] != `{"v":1,"t":"2026` ||
		!strings.Contains(lines[2], `"ev":"run.resume"`) {
		t.Fatalf("log:\n%s", strings.Join(lines, "\n"))
	}
	r, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := r.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Ev != EvRunStart || evs[1].Ev != EvRunResume || evs[1].Line != 3 {
		t.Errorf("events = %+v", evs)
	}
}

func TestTruncatedLastLine(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	w.Event(RunStart("id", "devel", nil, "", "", "", "", nil, 0, "task", ""))
	w.Event(TurnStart("main", 1, 1, 0, KindSelf, "", "0001.spl", 0))
	w.Close()
	f, _ := os.OpenFile(filepath.Join(dir, EventsFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"v":1,"t":"2026-03-04T04:06:07Z","ev":"model.ca`)
	f.Close()
	r, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := r.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Ev != EvTurnStart || evs[1].Int(KeyN) != 1 || evs[1].Str(KeyKind) != "self" {
		t.Errorf("events = %+v", evs)
	}
	if !evs[0].T.Equal(testTime) || evs[0].V != 1 {
		t.Errorf("t/v = %v %d", evs[0].T, evs[0].V)
	}

	// A malformed line in the middle is an error.
	os.WriteFile(filepath.Join(dir, EventsFile), []byte("{\"v\":1,\"ev\":\"a\"}\nnot json\n{\"v\":1,\"ev\":\"b\"}\n"), 0o644)
	r, _ = Open(dir, "")
	if _, err := r.Events(); err == nil || !strings.Contains(err.Error(), "events.jsonl:2: malformed event") {
		t.Errorf("middle malformed line: %v", err)
	}
}

func TestSyncAndFinish(t *testing.T) {
	dir := t.TempDir()
	w, syncs := newTestWriter(t, dir, nil)
	w.Event(TurnStart("main", 1, 1, 0, KindSelf, "", "0001.spl", 0))
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if *syncs != 1 {
		t.Errorf("syncs after Sync = %d", *syncs)
	}
	w.Event(RunEnd(StatusError, "", "boom \"x\"", nil, 0.5, 10))
	if err := w.Finish("boom \"x\"\n", true); err != nil {
		t.Fatal(err)
	}
	if *syncs != 2 {
		t.Errorf("syncs after Finish = %d", *syncs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ResultFile))
	if string(b) != "{:error \"boom \\\"x\\\"\\n\"}\n" {
		t.Errorf("result.edn = %q", b)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Sync(); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Finish: %v", err)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	name, err := w.WriteProgram(3, "(quine completion)")
	if err != nil || name != "0003.spl" {
		t.Fatalf("WriteProgram = %q, %v", name, err)
	}
	name, err = w.WriteLeaf(4, "Say hi\n=== response ===\n", "hi")
	if err != nil || name != "0004.txt" {
		t.Fatalf("WriteLeaf = %q, %v", name, err)
	}
	name, err = w.WriteEffect(12, 2, strings.Repeat("x", EffectInlineMax+1))
	if err != nil || name != "effects/0012-2.edn" {
		t.Fatalf("WriteEffect = %q, %v", name, err)
	}
	w.Finish("42", false)
	r, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Program(3); p != "(quine completion)" {
		t.Errorf("Program = %q", p)
	}
	if p, resp, err := r.Leaf(4); err != nil || p != "Say hi\n=== response ===\n" || resp != "hi" {
		t.Errorf("Leaf = %q %q %v", p, resp, err)
	}
	if res, _ := r.Result(); res != "42\n" {
		t.Errorf("Result = %q", res)
	}
	if fi, err := os.Stat(filepath.Join(dir, "effects", "0012-2.edn")); err != nil || fi.Size() != EffectInlineMax+1 {
		t.Errorf("effect file: %v", err)
	}
}

func TestRedaction(t *testing.T) {
	env := []string{
		"ANTHROPIC_API_KEY=" + fakeKey,
		"GITHUB_TOKEN=ghp_fake_token_1234",
		"my_db_password=hunter2hunter2",
		"CLIENT_SECRET_ID=quote\"and\\slash",
		"SHORT_KEY=abc",
		"HOME=/home/someone-long",
		"X=notasecretvalue",
	}
	red := NewRedactor(env)
	red.Add("mcp-secret-value")
	got := red.Redact("key " + fakeKey + " tok ghp_fake_token_1234 pw hunter2hunter2 abc /home/someone-long mcp-secret-value q quote\"and\\slash")
	want := "key [REDACTED] tok [REDACTED] pw [REDACTED] abc /home/someone-long [REDACTED] q [REDACTED]"
	if got != want {
		t.Errorf("Redact:\n got %q\nwant %q", got, want)
	}
	if got := red.Redact("Authorization: Bearer abc.DEF-123_x/y+z=="); got != "Authorization: Bearer [REDACTED]" {
		t.Errorf("bearer: %q", got)
	}
	var nilR *Redactor
	if nilR.Redact(fakeKey) != fakeKey {
		t.Error("nil redactor changed text")
	}

	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, red)
	w.Event(ModelCompletion("main", 1, 1, "(io/write \""+fakeKey+"\") quote\"and\\slash"))
	w.Event(EffectEnd("main", 1, 1, "web/get", "{:headers {\"Authorization\" \"Bearer "+fakeKey+"\"}}", "", 3))
	w.WriteProgram(1, "(def k \""+fakeKey+"\")")
	w.WriteLeaf(2, "key "+fakeKey, "ok")
	w.WriteEffect(1, 1, "{:body \""+fakeKey+"\"}")
	w.Finish(fakeKey, false)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, []byte(fakeKey)) || bytes.Contains(b, []byte("FAKE0123")) || bytes.Contains(b, []byte(`quote\"and`)) {
			t.Errorf("%s leaks a secret: %s", path, b)
		}
		if !bytes.Contains(b, []byte(Redacted)) {
			t.Errorf("%s has no [REDACTED]: %s", path, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, dir)
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("redacted line is not JSON: %s", l)
		}
	}
}

// makeRun writes a minimal run directory.
func makeRun(t *testing.T, dir string, start time.Time, task string, end bool) {
	t.Helper()
	w, _ := newTestWriter(t, dir, nil)
	w.now = func() time.Time { return start }
	w.Event(RunStart(filepath.Base(dir), "devel", nil, "", "", "", "", nil, 1, task, ""))
	w.Event(TurnStart("main", 1, 1, 0, KindSelf, "", "0001.spl", 0))
	w.Event(ModelCall("main", 1, 1, "test", "m", "tc", 1, 5, map[string]any{"visible_output_tokens": 3}, 0.25, "end_turn", ""))
	if end {
		w.Event(RunEnd(StatusOK, "42", "", nil, 0.5, 100))
		w.Finish("42", false)
	} else {
		w.Close()
	}
}

func TestListAndLatest(t *testing.T) {
	runs := t.TempDir()
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	makeRun(t, filepath.Join(runs, "20260102-030405-aaaaaa"), t1, "first task\nwith   lines", true)
	makeRun(t, filepath.Join(runs, "20260102-030406-bbbbbb"), t1.Add(time.Second), strings.Repeat("é", 70), false)
	os.MkdirAll(filepath.Join(runs, "not-a-run"), 0o755)
	os.WriteFile(filepath.Join(runs, "stray.txt"), nil, 0o644)

	list, err := List(runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("List = %+v", list)
	}
	a, b := list[0], list[1]
	if a.ID != "20260102-030406-bbbbbb" || a.Status != StatusIncomplete || a.Turns != 1 || a.Cost != 0.25 || a.Task != strings.Repeat("é", 60) {
		t.Errorf("newest = %+v", a)
	}
	if b.ID != "20260102-030405-aaaaaa" || b.Status != StatusOK || b.Cost != 0.5 || b.Task != "first task with lines" || !b.Start.Equal(t1) {
		t.Errorf("oldest = %+v", b)
	}

	r, err := Open(Latest, runs)
	if err != nil || r.ID != "20260102-030406-bbbbbb" {
		t.Errorf("Open(latest) = %+v, %v", r, err)
	}
	r, err = Open("20260102-030405-aaaaaa", runs)
	if err != nil || r.Dir != filepath.Join(runs, "20260102-030405-aaaaaa") {
		t.Errorf("Open(id) = %+v, %v", r, err)
	}
	if _, err := Open(filepath.Join(runs, "not-a-run"), runs); !errors.Is(err, ErrNotRun) {
		t.Errorf("Open(not a run) = %v", err)
	}
	if _, err := Open("20990101-000000-zzzzzz", runs); err == nil {
		t.Error("Open(missing id) succeeded")
	}
	empty := t.TempDir()
	if _, err := Open("", empty); !errors.Is(err, ErrNoRuns) {
		t.Errorf("Open(latest) in empty dir = %v", err)
	}
	if l, err := List(filepath.Join(empty, "missing")); err != nil || len(l) != 0 {
		t.Errorf("List(missing) = %v, %v", l, err)
	}
}

func TestTurnsAndPrompt(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	prompt := "(quine completion (eval (do (quine prompt \"T\") (quote (!extend)) "
	suffix := "(+ 1 2))))"
	w.Event(TurnStart("main", 1, 1, 0, KindSelf, PromptSHA256(prompt), "0001.spl", 0))
	w.Event(ModelCompletion("main", 1, 1, suffix))
	w.WriteProgram(1, prompt+suffix)
	w.Event(Program("main", 1, 1, "0001.spl", nil, nil))
	w.Event(EvalValue("main", 1, 1, 0, "3", RecoveryNone, 0))
	// Repairs appended closers the completion lacked.
	w.Event(TurnStart("main", 2, 2, 0, KindSelf, PromptSHA256(prompt), "0002.spl", 1))
	w.Event(ModelCompletion("main", 2, 2, "```\n(+ 1 2"))
	w.WriteProgram(2, prompt+"(+ 1 2))))")
	w.Event(EvalError("main", 2, 2, 0, "boom", RecoveryInert, 1))
	w.Event(TurnStart("main", 3, 3, 1, KindLeaf, "", "0003.txt", 2))
	w.WriteLeaf(3, "Say hi", "hi")
	w.Close()

	r, _ := Open(dir, "")
	turns, err := r.Turns()
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 3 {
		t.Fatalf("turns = %d", len(turns))
	}
	if p, ok := r.Prompt(turns[0]); !ok || p != prompt {
		t.Errorf("prompt 1 = %q %v", p, ok)
	}
	if p, ok := r.Prompt(turns[1]); !ok || p != prompt {
		t.Errorf("prompt 2 (by hash) = %q %v", p, ok)
	}
	if p, ok := r.Prompt(turns[2]); !ok || p != "Say hi" {
		t.Errorf("leaf prompt = %q %v", p, ok)
	}
	if !turns[0].HasValue || turns[0].Value != "3" || !turns[1].HasError || turns[1].Recovery != RecoveryInert || turns[2].Parent != 2 {
		t.Errorf("turns = %+v %+v %+v", turns[0], turns[1], turns[2])
	}
}

// TestWriteErrorSticky (issue 8 item 5): a failed event write is returned
// as a *WriteError, and no later event is appended behind the torn line.
func TestWriteErrorSticky(t *testing.T) {
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	if err := w.Event(EvRunStart, nil); err != nil {
		t.Fatal(err)
	}
	real := w.write
	w.write = func(b []byte) (int, error) { // the disk fills mid-line
		n, _ := real(b[:len(b)-5])
		return n, syscall.ENOSPC
	}
	err := w.Event(EvTurnStart, Fields{KeyTurn: 1})
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "trace: ") {
		t.Fatalf("write error %v", err)
	}
	w.write = real // space is freed
	if err2 := w.Event(EvModelCall, nil); !errors.Is(err2, syscall.ENOSPC) {
		t.Fatalf("event after a failed write: %v", err2)
	}
	if err := w.Close(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Close after a failed write: %v", err)
	}
	r, _ := Open(dir, "")
	events, err := r.Events()
	if err != nil || len(events) != 1 {
		t.Fatalf("events %v %v", events, err)
	}
	if tn := r.Torn(); tn == nil || tn.Line != 2 || tn.Ev() != EvTurnStart {
		t.Fatalf("torn %+v", tn)
	}
}

// TestWriteDevFull: a log on a full device fails the first event.
func TestWriteDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, EventsFile)); err != nil {
		t.Fatal(err)
	}
	w, err := Append(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Event(EvRunStart, nil); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("event on /dev/full: %v", err)
	}
}

// TestCreateRefusesExistingRun: one run directory holds one run.
func TestCreateRefusesExistingRun(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Create(dir, nil); !errors.Is(err, ErrRunExists) {
		t.Fatalf("second Create: %v", err)
	}
	if _, err := Create(filepath.Join(dir, EventsFile, "x"), nil); err == nil {
		t.Fatal("Create under a file succeeded")
	}
}

func TestTornEv(t *testing.T) {
	for text, want := range map[string]string{
		`{"v":1,"t":"2026`:                          "",
		`{"v":1,"t":"x","ev":"effect.be`:            "",
		`{"v":1,"t":"x","ev":"effect.begin","args"`: EvEffectBegin,
	} {
		if got := (&Torn{Text: text}).Ev(); got != want {
			t.Errorf("Ev(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestWriterSyncsData: a Writer syncs its log with datasync (fdatasync on
// Linux, a third of fsync's cost per turn), and Sync reports its failure.
func TestWriterSyncsData(t *testing.T) {
	w, err := Create(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(w.fsync).Pointer() != reflect.ValueOf(datasync).Pointer() {
		t.Error("the log is not synced with datasync")
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	w.log.Close()
	if err := datasync(w.log); err == nil {
		t.Error("datasync of a closed file: no error")
	}
}

// TestRedactProgramNoCopy: redacting a long program that holds no secret
// and no bearer token allocates nothing (it ran strings.ToLower over the
// whole program every turn), and "bearer" is found in any case.
func TestRedactProgramNoCopy(t *testing.T) {
	red := NewRedactor([]string{"ANTHROPIC_API_KEY=" + fakeKey})
	prog := strings.Repeat("(def b {:bee \"Beer\" :bear 1}) ", 4000)
	if n := testing.AllocsPerRun(10, func() { red.Redact(prog) }); n != 0 {
		t.Errorf("Redact of a %d-byte program: %v allocations", len(prog), n)
	}
	for s, want := range map[string]bool{"": false, "bearer": true, "x BEARER y": true, "bEaReR": true, "beare": false,
		"bb Bearer": true, "Bbearer": true, "bear er": false, "Bearer tok": true} {
		if got := containsBearer(s); got != want {
			t.Errorf("containsBearer(%q) = %v", s, got)
		}
	}
}

// TestRedactAfter: for a text whose first known bytes are a clean text's,
// redactAfter gives Redact's result, also for a secret or a bearer token
// that starts before known and ends after it, and tells clean texts
// apart; it searches only near and after known (a turn's program that
// shares all but its end with the last, clean one is not searched whole).
func TestRedactAfter(t *testing.T) {
	const key = "sk-secret-value-123456"
	red := NewRedactor([]string{"MY_API_KEY=" + key})
	base := strings.Repeat("(def b {:bee 1}) ", 200)
	for _, add := range []string{"", "(def c 2)", key, "x" + key, "Bearer abc", "bearer", "BEARER\n\ttok", "bEaReR"} {
		for cut := 0; cut <= len(add); cut++ {
			// known ends inside the addition: its first cut bytes were
			// in the clean base already.
			text := base + add + " (def d 3)"
			known := len(base) + cut
			if prefix := text[:known]; red.Redact(prefix) != prefix || containsBearer(prefix) || strings.Contains(prefix, key) {
				continue // the base would not have been clean
			}
			got, clean := red.redactAfter(text, known)
			if want := red.Redact(text); got != want {
				t.Errorf("add %q cut %d: %q, want %q", add, cut, got, want)
			}
			if wantClean := !containsBearer(text) && !strings.Contains(text, key); clean != wantClean {
				t.Errorf("add %q cut %d: clean %v", add, cut, clean)
			}
		}
	}
	var nilRed *Redactor
	if s, clean := nilRed.redactAfter("Bearer x", 0); s != "Bearer x" || !clean {
		t.Error("a nil Redactor redacts or is not clean")
	}
	// Only the end is searched: bytes before known (less the longest
	// secret) are taken for clean, whatever they hold.
	long := "Bearer tok " + key + strings.Repeat("(def b {:bee 1}) ", 60000)
	if got, _ := red.redactAfter(long, len(long)-10); got != long {
		t.Error("the bytes before known were searched")
	}
}
