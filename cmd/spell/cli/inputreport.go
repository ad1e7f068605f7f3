package cli

import (
	"errors"
	"fmt"
	"io"
)

// inputReport is what spell fmt and spell lint share for the files they
// read: how a path is shown and how a file that cannot be read is
// reported. failed records that some input failed (exit 2).
type inputReport struct {
	cmd    string // "spell fmt", "spell lint": the prefix of general errors
	cwd    string
	stderr io.Writer
	failed bool
}

func (r *inputReport) errorf(format string, args ...any) {
	r.failed = true
	fmt.Fprintf(r.stderr, r.cmd+": "+format+"\n", args...)
}

// display is the name of path in output.
func (r *inputReport) display(path string) string { return displayPath(r.cwd, path) }

// pathError reports a failed file operation without Go's "stat"/"open" verb.
func (r *inputReport) pathError(path string, err error) {
	r.errorf("%s: %v", r.display(path), bareError(err))
}

// readError reports an input that could not be read: over --max-input as
// NAME: error: file is too large (…), others as CMD: NAME: ERROR.
func (r *inputReport) readError(name string, err error) {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		r.failed = true
		fmt.Fprintf(r.stderr, "%s: error: %v\n", name, err)
		return
	}
	r.errorf("%s: %v", name, bareError(err))
}
