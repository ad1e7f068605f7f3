package trace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeltaRoundTrip: every delta encodeDelta makes rebuilds the text it
// was made from, for appends, edits in the middle and unrelated texts.
func TestDeltaRoundTrip(t *testing.T) {
	prefix := `(quine completion (eval (do (quine prompt "count") (quote (!extend)) `
	var forms []string
	for i := range 40 {
		forms = append(forms, fmt.Sprintf(`(def v%d {:n %d :name "item %d"}) `, i, i, i))
	}
	base := prefix + strings.Join(forms, "") + `'(!extend)`
	cases := map[string]string{
		"append":      prefix + strings.Join(forms, "") + `(quote (!extend)) (def w 1) '(!extend)`,
		"prune":       prefix + strings.Join(forms[:10], "") + strings.Join(forms[12:], "") + `(def w 1) '(!extend)`,
		"rethink":     prefix + strings.Join(forms[:10], "") + `(think "changed my mind") ` + strings.Join(forms[11:], "") + `:done`,
		"unrelated":   strings.Repeat("(+ 1 2) ", 50),
		"same":        base,
		"shorter":     base[:len(base)/2],
		"early edit":  `(quine completion (eval (do (quine prompt "other") ` + base[len(prefix)-30:],
		"multi-byte":  prefix + "(def ü \"äöü—€\") " + strings.Join(forms, ""),
		"empty":       "",
		"magic start": deltaMagic + base,
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			d, ok := encodeDelta(7, base, text)
			if !ok {
				if name == "append" || name == "prune" || name == "rethink" {
					t.Fatalf("no delta for a %s of a %d-byte program", name, len(base))
				}
				return
			}
			if len(d) >= len(text) {
				t.Errorf("delta of %d bytes for a %d-byte text", len(d), len(text))
			}
			b, ops, body, isDelta, err := parseDelta(d)
			if err != nil || !isDelta || b != 7 {
				t.Fatalf("parseDelta(%q) = base %d, delta %v, %v", d, b, isDelta, err)
			}
			got, err := applyDelta(base, ops, body)
			if err != nil || got != text {
				t.Fatalf("rebuilt %q, %v\nwant %q\ndelta %q", got, err, text, d)
			}
		})
	}
	// An edit keeps the text after it as a copy, not as new text.
	d, _ := encodeDelta(7, base, cases["prune"])
	if len(d) > 200 {
		t.Errorf("prune delta is %d bytes: the forms after the edit were not copied\n%s", len(d), d)
	}
}

// TestDeltaMalformed: a damaged header or a base that does not fit is
// ErrBadDelta, never a panic.
func TestDeltaMalformed(t *testing.T) {
	for _, content := range []string{
		deltaMagic + "base=0001 ops=c0:10",                  // no newline
		deltaMagic + "base=0001 ops=i5\nabc",                // body too short
		deltaMagic + "base=0001 ops=x5\nabcde",              // unknown op
		deltaMagic + "base=0001 ops=c-1:5\n",                // negative offset
		deltaMagic + "base=0001\n",                          // no ops
		deltaMagic + "base=0000 ops=c0:5\n",                 // copy without a base
		deltaMagic + "base=abc ops=i1\nx",                   // bad base
		deltaMagic + "base=0001 ops=c0:5,i99999999999999\n", // overflow
	} {
		if _, _, _, isDelta, err := parseDelta(content); !isDelta || !errors.Is(err, ErrBadDelta) {
			t.Errorf("parseDelta(%q): delta %v, %v; want ErrBadDelta", content, isDelta, err)
		}
	}
	if _, err := applyDelta("short", []deltaOp{{0, 50}}, ""); !errors.Is(err, ErrBadDelta) {
		t.Errorf("copy beyond the base: %v", err)
	}
	// Through Run.Program: a delta whose base is missing or damaged.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, EventsFile), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "0002.spl"), []byte(deltaMagic+"base=0001 ops=c0:3,i2\nxy"), 0o644)
	os.WriteFile(filepath.Join(dir, "0003.spl"), []byte(deltaMagic+"base=0003 ops=c0:3\n"), 0o644)
	r, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Program(2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing base: %v", err)
	}
	if _, err := r.Program(3); !errors.Is(err, ErrBadDelta) {
		t.Errorf("self-based delta: %v", err)
	}
}

// oldFixture is a run written before delta program files: every NNNN.spl
// holds its whole program (a replay of testdata/edits.txtar: a rethink,
// a prune and plain extensions).
const oldFixture = "testdata/whole-programs"

// TestOldTraceReadable: a trace of whole programs reads as before.
func TestOldTraceReadable(t *testing.T) {
	r, err := Open(oldFixture, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := LoadView(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Turns) != 5 {
		t.Fatalf("%d turns, want 5", len(v.Turns))
	}
	for _, tv := range v.Turns {
		raw, err := os.ReadFile(filepath.Join(oldFixture, ProgramFile(tv.Turn)))
		if err != nil {
			t.Fatal(err)
		}
		if tv.Program != string(raw) || !tv.PromptOK {
			t.Errorf("turn %d: program %q (prompt ok %v), want the file", tv.Turn, tv.Program, tv.PromptOK)
		}
	}
}

// TestWriterDeltaPrograms: the Writer stores each program as a delta
// against the previous program of its handle (handles interleaved, a
// nested handle one level deeper), Run.Program and View give back the
// whole texts, and the files hold only the new text.
func TestWriterDeltaPrograms(t *testing.T) {
	old, err := Open(oldFixture, "")
	if err != nil {
		t.Fatal(err)
	}
	oldView, err := LoadView(old)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, nil)
	want := map[int]string{}
	turn := 0
	for _, ev := range old.events {
		switch ev.Ev {
		case EvTurnStart, EvProgram, EvModelCompletion, EvModelCall, EvEvalValue, EvRunStart, EvRunEnd:
			f := map[string]any{}
			for k, v := range ev.Fields {
				f[k] = v
			}
			if ev.Has(KeyTurn) {
				f[KeyTurn], f[KeyDepth], f[KeyN] = ev.Turn(), ev.Int(KeyDepth), ev.Int(KeyN)
			}
			if err := w.Event(ev.Ev, f); err != nil {
				t.Fatal(err)
			}
			if ev.Ev == EvTurnStart {
				turn = ev.Turn()
				text, err := old.Program(turn)
				if err != nil {
					t.Fatal(err)
				}
				want[turn] = text
				if _, err := w.WriteProgram(turn, text); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// A second handle interleaved with a growing main, and a nested call.
	grow := want[turn]
	for i := range 30 {
		for _, h := range []struct {
			handle string
			depth  int
		}{{"main", 0}, {"worker", 0}, {"main", 1}} {
			turn++
			_ = w.Event(TurnStart(h.handle, i+1, turn, h.depth, KindSelf, "", ProgramFile(turn), 0))
			text := fmt.Sprintf("(%s %d) ", h.handle, h.depth) + grow
			if h.handle == "main" && h.depth == 0 {
				grow += fmt.Sprintf("(def m%d %d) ", i, i)
				text = grow
			}
			want[turn] = text
			if _, err := w.WriteProgram(turn, text); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Finish(":done", false); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var whole, stored int
	firstOfHandle := map[int]bool{1: true, 7: true, 8: true}
	for n, text := range want {
		got, err := r.Program(n)
		if err != nil || got != text {
			t.Fatalf("turn %d: %q, %v\nwant %q", n, got, err, text)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, ProgramFile(n)))
		whole += len(text)
		stored += len(raw)
		if !firstOfHandle[n] && !strings.HasPrefix(string(raw), deltaMagic) {
			t.Errorf("turn %d is stored whole", n)
		}
	}
	if stored*5 > whole {
		t.Errorf("program files hold %d bytes for %d bytes of programs", stored, whole)
	}
	// The view of the old run and of its delta copy agree turn by turn.
	r, _ = Open(dir, "")
	v, err := LoadView(r)
	if err != nil {
		t.Fatal(err)
	}
	for i, ot := range oldView.Turns {
		nt := v.Turns[i]
		if nt.Program != ot.Program || nt.Prompt != ot.Prompt || nt.Added != ot.Added || nt.Pruned != ot.Pruned {
			t.Errorf("turn %d: view differs from the whole-program trace", ot.Turn)
		}
	}
}

// TestWriterDeltaRedacts: the delta is made of the redacted texts, so a
// secret never reaches a program file and the rebuilt text is redacted.
func TestWriterDeltaRedacts(t *testing.T) {
	const key = "sk-secret-value-123456"
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, NewRedactor([]string{"MY_API_KEY=" + key}))
	p1 := `(quine completion (eval (do (quine prompt "use the key") (quote (!extend)) (def k "` + key + `") '(!extend)`
	p2 := strings.Replace(p1, "'(!extend)", "(quote (!extend)) (def n 1) '(!extend)", 1)
	for i, p := range []string{p1, p2} {
		_ = w.Event(TurnStart("main", i+1, i+1, 0, KindSelf, "", ProgramFile(i+1), 0))
		if _, err := w.WriteProgram(i+1, p); err != nil {
			t.Fatal(err)
		}
	}
	w.Finish("1", false)
	r, _ := Open(dir, "")
	for i, p := range []string{p1, p2} {
		got, err := r.Program(i + 1)
		if want := strings.ReplaceAll(p, key, Redacted); err != nil || got != want {
			t.Errorf("turn %d: %q, %v", i+1, got, err)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, ProgramFile(i+1)))
		if strings.Contains(string(raw), key) {
			t.Errorf("turn %d file holds the secret", i+1)
		}
	}
}

// TestDeltaReformattedProgramLinear: a program whose every form moved by
// a byte (the prompt reprints the model's forms with other whitespace)
// is encoded searching the base a bounded distance per form, not the
// whole rest of it per probe (1 MB took seconds), and still rebuilds.
func TestDeltaReformattedProgramLinear(t *testing.T) {
	var raw, printed strings.Builder
	for i := 0; raw.Len() < 1<<20; i++ {
		form := fmt.Sprintf("(def w%d {:n %d :name \"filler %d\" :tags [:a :b %d]})", i, i, i, i)
		raw.WriteString(form + "\n")
		printed.WriteString(form + " ")
	}
	base := "(quine completion (eval (do (quine prompt \"count\") " + raw.String()
	text := "(quine completion (eval (do (quine prompt \"count\") " + printed.String() + "(def more 1) "
	searched := 0
	d, ok := encodeDeltaCounting(1, base, text, 0, &searched)
	if !ok {
		t.Fatal("no delta")
	}
	_, ops, body, isDelta, err := parseDelta(d)
	if err != nil || !isDelta {
		t.Fatal(err)
	}
	got, err := applyDelta(base, ops, body)
	if err != nil || got != text {
		t.Fatalf("rebuilt %d bytes (err %v), want %d", len(got), err, len(text))
	}
	t.Logf("%d B program, delta %d B, searched %d B", len(text), len(d), searched)
	if searched > 200*len(text) {
		t.Errorf("searched %d B of base for a %d B program", searched, len(text))
	}
}

// TestWriterRedactsAfterKnown: a program that extends a clean one
// (WriteProgramAfter with the bytes it shares with it known) is searched
// for secrets only where it changed, and a secret or a bearer token
// written there, even one that begins in the shared bytes, is redacted
// in that program and the ones after it.
func TestWriterRedactsAfterKnown(t *testing.T) {
	const key = "sk-secret-value-123456"
	dir := t.TempDir()
	w, _ := newTestWriter(t, dir, NewRedactor([]string{"MY_API_KEY=" + key}))
	p1 := `(quine completion (eval (do (quine prompt "use the key") (def a "sk-secret-`
	p2 := p1 + `value-123456") '(!extend)`
	p3 := p2 + ` (def h "Bearer abc.def") '(!extend)`
	p4 := p3 + ` (def n 1) '(!extend)`
	progs := []string{p1, p2, p3, p4}
	for i, p := range progs {
		_ = w.Event(TurnStart("main", i+1, i+1, 0, KindSelf, "", ProgramFile(i+1), 0))
		base, known := "", 0
		if i > 0 {
			base, known = progs[i-1], len(progs[i-1])
		}
		if _, err := w.WriteProgramAfter(i+1, p, base, known); err != nil {
			t.Fatal(err)
		}
	}
	w.Finish("1", false)
	r, _ := Open(dir, "")
	for i, p := range progs {
		want := strings.ReplaceAll(p, key, Redacted)
		want = strings.ReplaceAll(want, "Bearer abc.def", "Bearer "+Redacted)
		if got, err := r.Program(i + 1); err != nil || got != want {
			t.Errorf("turn %d: %q, %v, want %q", i+1, got, err, want)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, ProgramFile(i+1)))
		if strings.Contains(string(raw), key) || strings.Contains(string(raw), "abc.def") {
			t.Errorf("turn %d file holds the secret", i+1)
		}
	}
}
