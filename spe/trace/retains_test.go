package trace

import (
	"testing"
	"unsafe"
)

// TestWriterRetains: the writer says which buffers it keeps bytes of (the
// last program of each handle and depth and the last one written: delta
// bases); the runtime writes no other program into those.
func TestWriterRetains(t *testing.T) {
	w, err := Create(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a := append(make([]byte, 0, 64), "(quine completion (eval (do (def a 1) "...)
	b := append(make([]byte, 0, 64), "(quine completion (eval (do (def a 1) (def b 2) "...)
	str := func(p []byte) string { return unsafe.String(unsafe.SliceData(p), len(p)) }
	if w.Retains(a) {
		t.Fatal("retains a buffer before any program")
	}
	w.Event(EvTurnStart, map[string]any{KeyTurn: 1, KeyHandle: "main", KeyDepth: 0})
	if _, err := w.WriteProgram(1, str(a)); err != nil {
		t.Fatal(err)
	}
	if !w.Retains(a) || !w.Retains(a[10:20]) || w.Retains(b) {
		t.Fatalf("after program 1: retains a %v (a part %v), b %v; want true, true, false", w.Retains(a), w.Retains(a[10:20]), w.Retains(b))
	}
	w.Event(EvTurnStart, map[string]any{KeyTurn: 2, KeyHandle: "main", KeyDepth: 0})
	if _, err := w.WriteProgramAfter(2, str(b), str(a), len(a)); err != nil {
		t.Fatal(err)
	}
	if w.Retains(a) || !w.Retains(b) {
		t.Fatalf("after program 2: retains a %v, b %v; want false, true", w.Retains(a), w.Retains(b))
	}
}
