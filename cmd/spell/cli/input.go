package cli

import (
	"fmt"
	"io"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/eval"
)

// defaultMaxInput bounds the source text fmt, lint and run read (a file,
// standard input or a task file): far above any program a person or a
// model writes, far below what would exhaust memory (parsing and linting
// cost a few dozen bytes per input byte).
const defaultMaxInput = 16 << 20

// defaultMaxInputText is defaultMaxInput as FormatSize writes it, the
// default help shows: a constant, not formatted at every start (issue 11,
// start-up; TestMaxInputDefault).
const defaultMaxInputText = "16MB"

// maxInputFlag is the --max-input flag of fmt, lint and run.
func maxInputFlag() cmdline.Flag {
	return &cmdline.StringFlag{Name: "max-input", Value: defaultMaxInputText,
		Usage: "refuse source files larger than `SIZE` (e.g. 512KB, 64MB)"}
}

// maxInput reads the --max-input flag.
func maxInput(c *cmdline.Command, cmd string) (int64, error) {
	if !c.IsSet("max-input") {
		// The default needs no parsing (its text is defaultMaxInputText:
		// TestMaxInputDefault), and a run that parses nothing touches
		// none of ParseSize's code (issue 11, start-up).
		return defaultMaxInput, nil
	}
	n, err := eval.ParseSize(c.String("max-input"))
	if err != nil {
		return 0, usageError(cmd, "--max-input: %v", err)
	}
	if n <= 0 {
		return 0, usageError(cmd, "--max-input must be positive")
	}
	return n, nil
}

// tooLargeError reports an input over the --max-input limit.
type tooLargeError struct {
	size  int64 // the file's size, or -1 when only "more than limit" is known
	limit int64
}

func (e *tooLargeError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("file is too large (more than the limit %s; see --max-input)", eval.FormatSize(e.limit))
	}
	return fmt.Sprintf("file is too large (%s > limit %s; see --max-input)", eval.FormatSize(e.size), eval.FormatSize(e.limit))
}

// readLimited reads r to its end, failing with *tooLargeError past limit
// bytes. It never holds more than limit+1 bytes, so an endless stream
// (/dev/zero, a pipe) cannot exhaust memory.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	return readSized(r, -1, limit)
}

// readSized is readLimited of a reader expected to hold size bytes (-1:
// unknown). Its first buffer is that size and one byte more, for the
// read that finds the end: a small source file is one allocation of its
// size, where io.ReadAll's first 512 bytes are a size class nothing else
// in spell fmt or lint uses (issue 11, start-up). A reader holding more
// than expected (a file that grew) grows the buffer as io.ReadAll does.
func readSized(r io.Reader, size, limit int64) ([]byte, error) {
	n := int64(512) // io.ReadAll's
	if size >= 0 {
		n = min(size, limit) + 1
	}
	b := make([]byte, 0, n)
	lr := io.LimitedReader{R: r, N: limit + 1}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		m, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > limit {
		return nil, &tooLargeError{size: -1, limit: limit}
	}
	return b, nil
}

// readSourceFile reads a source file of at most limit bytes. A regular
// file's size is checked before reading.
func readSourceFile(path string, limit int64) ([]byte, error) {
	f, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > limit {
			return nil, &tooLargeError{size: fi.Size(), limit: limit}
		}
		size = fi.Size()
	}
	return readSized(f, size, limit)
}

// defaultMaxMemory is the default --max-memory of spell run.
const defaultMaxMemory = 2 << 30

// defaultMaxMemoryText is defaultMaxMemory as FormatSize writes it
// (TestMaxMemoryDefault).
const defaultMaxMemoryText = "2GB"
