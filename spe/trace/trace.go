// Package trace owns the run directory of the SPE runtime (runtime.md §14):
// its location and run ids, the append-only JSONL event log with its schema
// and typed event helpers, the program, leaf, effect and result files,
// redaction of secrets before anything is written, and reading runs back
// (events, programs, turns, run listings) for `spell trace` and resume.
//
// A run directory holds:
//
//	events.jsonl        append-only event log, one JSON object per line
//	NNNN.spl            program text of global turn NNNN (whole, or a delta)
//	NNNN.txt            prompt and response of a leaf call
//	effects/NNNN-K.edn  result of the K-th external effect of turn NNNN (> 4 KiB)
//	result.edn          final value (readable form) or error, written last
//
// A program file holds the whole text of the first program of a handle
// and a delta against the handle's previous program for every later one
// (delta.go), so a long run's trace grows with what its turns add:
//
//	;;spell-trace-delta 1 base=0007 ops=c0:1234,i56
//	<inserted text>
//
// Run.Program rebuilds the whole text; files written before deltas
// existed hold whole texts and read the same.
//
// Every event line has the keys v (schema version), t (RFC 3339 UTC time
// with fractional seconds) and ev first, then the event's fields in sorted
// key order. The package decides nothing about what is logged: the runtime
// builds events with the helpers of events.go and writes them with Writer.
package trace

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// SchemaVersion is the value of every event's "v" key.
const SchemaVersion = 1

// File names inside a run directory.
const (
	EventsFile = "events.jsonl"
	ResultFile = "result.edn"
	EffectsDir = "effects"
)

// EffectInlineMax is the size above which an effect result is written to
// effects/NNNN-K.edn instead of being kept whole in the effect.end event.
const EffectInlineMax = 4 << 10

// ValueMax caps the readable value of an eval.value event (64 KiB).
const ValueMax = 64 << 10

// NewRunID returns a run id YYYYMMDD-HHMMSS-xxxxxx: the UTC time of now and
// six lower-case base32 characters (RFC 4648's alphabet) of four bytes
// read from rnd, or drawn from math/rand/v2 when rnd is nil (its source
// is seeded from the operating system's entropy; run ids must differ, not
// be secret, and crypto/rand linked the FIPS 140 module, whose package
// initialisation cost every spell process its start-up, issue 11). Run
// ids sort by start time. The characters are encoded here for the same
// reason: encoding/base32's initialisation.
func NewRunID(now time.Time, rnd io.Reader) string {
	var b [4]byte
	if rnd == nil {
		binary.BigEndian.PutUint32(b[:], rand.Uint32())
	} else if _, err := io.ReadFull(rnd, b[:]); err != nil {
		// A failing source still yields a well-formed id.
		b = [4]byte{}
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	bits := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	var suffix [6]byte
	for i := range suffix {
		suffix[i] = alphabet[bits>>(27-5*i)&31]
	}
	return now.UTC().Format("20060102-150405") + "-" + string(suffix[:])
}

// IsRunID reports whether s has the shape of a run id made by NewRunID.
func IsRunID(s string) bool {
	if len(s) != 22 || s[8] != '-' || s[15] != '-' {
		return false
	}
	if _, err := time.Parse("20060102-150405", s[:15]); err != nil {
		return false
	}
	for _, c := range s[16:] {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// RunsDir returns the runs directory: $XDG_STATE_HOME/spell/runs, else
// $HOME/.local/state/spell/runs. env looks up an environment variable
// (os.Getenv). A relative XDG_STATE_HOME is ignored, as the XDG base
// directory specification requires. It returns "" when neither variable
// is usable.
func RunsDir(env func(string) string) string {
	if d := env("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "spell", "runs")
	}
	if h := env("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "spell", "runs")
	}
	return ""
}

// ProgramFile is the name of the program file of a global turn: 0001.spl.
func ProgramFile(turn int) string { return fmt.Sprintf("%04d.spl", turn) }

// LeafFile is the name of the leaf-call file of a global turn: 0001.txt.
func LeafFile(turn int) string { return fmt.Sprintf("%04d.txt", turn) }

// EffectFile is the path, relative to the run directory, of the K-th
// effect result of a turn: effects/0001-2.edn (with a forward slash).
func EffectFile(turn, k int) string { return fmt.Sprintf("%s/%04d-%d.edn", EffectsDir, turn, k) }
