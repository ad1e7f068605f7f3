package trace

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spell-go/spell/syntax"
)

// Linear traces. A turn's program is mostly the previous program of its
// handle again (the prefix the model continued) plus the new completion,
// so storing every program whole makes a long run's trace quadratic. A
// program file therefore holds either the whole text (the first program
// of a handle, and every trace written before delta files existed) or a
// delta against the program of an earlier turn:
//
//	;;spell-trace-delta 1 base=0007 ops=c0:1234,i56,c1300:7700,i120
//	<the inserted text: the i operations' bytes, concatenated>
//
// The first line names the base turn (its NNNN.spl, itself possibly a
// delta) and the operations that rebuild the program from left to right:
// cOFF:LEN copies LEN bytes of the base program from byte offset OFF, iLEN
// takes the next LEN bytes of the text after the header line. The usual
// turn is one copy of the common prefix and one insert of what follows it;
// an edit (prune, rethink, compaction) adds a copy of the base text that
// survives after the edited form. base=0000 with one insert escapes a
// whole program whose text happens to begin with the header's magic.
// Byte offsets in messages (0007.spl:1:83) refer to the rebuilt program,
// which `spell trace show --turn N` prints.

// deltaMagic starts the header line of a delta program file.
const deltaMagic = ";;spell-trace-delta 1 "

// minCopy is the shortest run of base text worth a copy operation.
const minCopy = 32

// maxProbes bounds the places after a mismatch where encodeDelta looks for
// the base text again (each look is one substring search).
const maxProbes = 8

// deltaOp is one operation of a delta: a copy of base[off:off+n], or (off
// < 0) an insert of n bytes of the delta's body.
type deltaOp struct{ off, n int }

// encodeDelta returns the content of the program file of text against the
// base program of turn baseTurn, and whether a delta is worth it (it is
// not when text shares little with base).
func encodeDelta(baseTurn int, base, text string) (string, bool) {
	var n int
	return encodeDeltaCounting(baseTurn, base, text, 0, &n)
}

// searchWindow is how far past the current place in the base a probe
// looks first.
const searchWindow = 4096

// encodeDeltaCounting is encodeDelta adding the bytes of base it
// searched to *searched (tests).
func encodeDeltaCounting(baseTurn int, base, text string, known int, searched *int) (string, bool) {
	var ops []deltaOp
	var body strings.Builder
	insert := func(s string) {
		if s == "" {
			return
		}
		if k := len(ops) - 1; k >= 0 && ops[k].off < 0 {
			ops[k].n += len(s)
		} else {
			ops = append(ops, deltaOp{-1, len(s)})
		}
		body.WriteString(s)
	}
	known = max(min(known, len(base), len(text)), 0) // text[:known] is base[:known]
	p := known + syntax.SharedPrefix(base[known:], text[known:])
	if p < minCopy {
		return "", false
	}
	ops = append(ops, deltaOp{0, p})
	pos, from := p, p // next byte of text; base searched from here on
	for pos < len(text) {
		q, at := -1, pos
		// Probes look near from first (an edit is local: text reformatted
		// or inserted there); only when all of them miss is the rest of
		// base searched, once (a long deletion). Searching the whole rest
		// for every probe made a reformatted 1 MB program cost seconds.
		for probe := 0; probe < maxProbes && at+minCopy <= len(text); probe, at = probe+1, at+minCopy {
			near := base[from:min(len(base), from+searchWindow)]
			i := strings.Index(near, text[at:at+minCopy])
			if i < 0 {
				*searched += len(near)
				continue
			}
			*searched += i + minCopy
			q = from + i
			break
		}
		if q < 0 && len(base)-from > searchWindow && pos+minCopy <= len(text) {
			at = pos
			if i := strings.Index(base[from:], text[at:at+minCopy]); i >= 0 {
				*searched += i + minCopy
				q = from + i
			} else {
				*searched += len(base) - from
			}
		}
		if q < 0 {
			insert(text[pos:])
			break
		}
		for at > pos && q > from && text[at-1] == base[q-1] {
			at, q = at-1, q-1 // the match began before the probe
		}
		insert(text[pos:at])
		n := syntax.SharedPrefix(base[q:], text[at:])
		ops = append(ops, deltaOp{q, n})
		pos, from = at+n, q+n
	}
	var h strings.Builder
	fmt.Fprintf(&h, "%sbase=%04d ops=", deltaMagic, baseTurn)
	for i, op := range ops {
		if i > 0 {
			h.WriteByte(',')
		}
		if op.off < 0 {
			fmt.Fprintf(&h, "i%d", op.n)
		} else {
			fmt.Fprintf(&h, "c%d:%d", op.off, op.n)
		}
	}
	h.WriteByte('\n')
	if h.Len()+body.Len() >= len(text) {
		return "", false
	}
	return h.String() + body.String(), true
}

// escapeWhole returns the file content of a whole program: the text itself,
// or, when it begins with the delta magic, a delta with no base.
func escapeWhole(text string) string {
	if !strings.HasPrefix(text, deltaMagic) {
		return text
	}
	return fmt.Sprintf("%sbase=0000 ops=i%d\n%s", deltaMagic, len(text), text)
}

// ErrBadDelta is a program file whose delta header cannot be applied.
var ErrBadDelta = errors.New("malformed delta program file")

// parseDelta splits a program file into its base turn, operations and body;
// ok is false for a whole program.
func parseDelta(content string) (base int, ops []deltaOp, body string, ok bool, err error) {
	rest, found := strings.CutPrefix(content, deltaMagic)
	if !found {
		return 0, nil, "", false, nil
	}
	header, body, found := strings.Cut(rest, "\n")
	if !found {
		return 0, nil, "", true, ErrBadDelta
	}
	fields := strings.Fields(header)
	if len(fields) != 2 || !strings.HasPrefix(fields[0], "base=") || !strings.HasPrefix(fields[1], "ops=") {
		return 0, nil, "", true, ErrBadDelta
	}
	base, err = strconv.Atoi(strings.TrimPrefix(fields[0], "base="))
	if err != nil || base < 0 {
		return 0, nil, "", true, ErrBadDelta
	}
	inserted := 0
	for _, s := range strings.Split(strings.TrimPrefix(fields[1], "ops="), ",") {
		var op deltaOp
		switch {
		case strings.HasPrefix(s, "i"):
			op.off = -1
			op.n, err = strconv.Atoi(s[1:])
			inserted += op.n
		case strings.HasPrefix(s, "c"):
			o, n, found := strings.Cut(s[1:], ":")
			if !found {
				return 0, nil, "", true, ErrBadDelta
			}
			if op.off, err = strconv.Atoi(o); err == nil {
				op.n, err = strconv.Atoi(n)
			}
			if err == nil && (op.off < 0 || base == 0) {
				err = ErrBadDelta
			}
		default:
			err = ErrBadDelta
		}
		if err != nil || op.n < 0 {
			return 0, nil, "", true, ErrBadDelta
		}
		ops = append(ops, op)
	}
	if inserted != len(body) {
		return 0, nil, "", true, ErrBadDelta
	}
	return base, ops, body, true, nil
}

// applyDelta rebuilds a program from its base text and operations.
func applyDelta(base string, ops []deltaOp, body string) (string, error) {
	var b strings.Builder
	for _, op := range ops {
		if op.off < 0 {
			b.WriteString(body[:op.n])
			body = body[op.n:]
			continue
		}
		if op.off > len(base) || op.n > len(base)-op.off {
			return "", ErrBadDelta
		}
		b.WriteString(base[op.off : op.off+op.n])
	}
	return b.String(), nil
}

// programKey is what picks a program's delta base: the previous program
// of the same handle at the same depth (a nested !llm-self runs one level
// deeper and its caller's next turn continues the caller's program).
type programKey struct {
	handle string
	depth  int
}

// lastProgram is a program the Writer wrote, as written (redacted).
type lastProgram struct {
	turn int
	text string
	// clean: text holds no secret and no "bearer" in any case (the next
	// program that starts with its bytes is searched only after them).
	clean bool
}
