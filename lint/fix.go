package lint

import (
	"errors"
	"sort"

	"github.com/spell-go/spell/eval/catalog"
	"github.com/spell-go/spell/syntax"
)

// ErrFixBreaksSyntax is returned by FixSource when the fixed text would not
// read: the fixes are then not applied (a defect of a rule's fix, never
// of the user's file).
var ErrFixBreaksSyntax = errors.New("the fixes would leave a syntax error")

// ErrSyntax is returned by FixSource for a file with syntax errors: it is
// not fixed, since its forms may not be what the author wrote.
var ErrSyntax = errors.New("the file has syntax errors")

// maxFixPasses bounds the rounds of FixSource: a fix may expose another
// (a redundant do inside a redundant do).
const maxFixPasses = 8

// Applied is a fix FixSource applied: the finding it resolved, located in
// the text of the pass that applied it (the original text for the first).
type Applied struct {
	Diagnostic
	Fix Fix
	// File is the text the finding's offsets refer to.
	File *syntax.File
}

// SafeFixes picks the first safe fix of each finding, leaving out any fix
// whose edits overlap or touch those already picked, so the result can be
// applied in one go. Findings come in position order.
func SafeFixes(diags []Diagnostic) []Applied {
	var out []Applied
	var taken []Edit
	for _, d := range diags {
		for _, fx := range d.Fixes {
			if !fx.Safe {
				continue
			}
			if !overlaps(fx.Edits, taken) {
				out = append(out, Applied{Diagnostic: d, Fix: fx})
				taken = append(taken, fx.Edits...)
			}
			break
		}
	}
	return out
}

// overlaps reports whether an edit of es shares a byte, or an insertion
// point, with one of taken.
func overlaps(es, taken []Edit) bool {
	for _, a := range es {
		for _, b := range taken {
			if a.Start < b.End && b.Start < a.End || a.Start == b.Start || a.End == b.End {
				return true
			}
		}
	}
	return false
}

// FixSource applies the safe fixes of the findings that run reports for
// src, pass after pass until none is left, and returns the fixed text and
// the fixes applied. The text is re-read after every pass: a pass whose
// result does not read is not applied and ErrFixBreaksSyntax is returned
// with the text fixed so far. A file with syntax errors is returned
// unchanged with ErrSyntax.
func FixSource(name string, src []byte, run func(*syntax.File) []Diagnostic) ([]byte, []Applied, error) {
	f := syntax.Parse(name, src)
	if len(f.Errors) > 0 {
		return src, nil, ErrSyntax
	}
	var applied []Applied
	for pass := 0; pass < maxFixPasses; pass++ {
		diags := run(f)
		sort.SliceStable(diags, func(i, j int) bool { return diags[i].Start < diags[j].Start })
		fixes := SafeFixes(diags)
		if len(fixes) == 0 {
			break
		}
		var edits []Edit
		for i := range fixes {
			fixes[i].File = f
			edits = append(edits, fixes[i].Fix.Edits...)
		}
		next := syntax.Parse(name, ApplyEdits(f.Src, edits))
		if len(next.Errors) > 0 {
			return f.Src, applied, ErrFixBreaksSyntax
		}
		applied = append(applied, fixes...)
		f = next
	}
	return f.Src, applied, nil
}

// uniqueQualification reports whether replacing the unbound name by s only
// qualifies it with the one pure namespace that has it (trim →
// strings/trim), as the runtime's namespace fix-up would: a safe fix,
// unlike a did-you-mean guess.
func uniqueQualification(name, s string) bool {
	n := 0
	for _, ns := range []string{"strings", "math"} {
		if e, ok := catalog.Lookup(ns + "/" + name); ok && e.Kind != catalog.Constant {
			n++
			if e.Name != s {
				return false
			}
		}
	}
	return n == 1
}
