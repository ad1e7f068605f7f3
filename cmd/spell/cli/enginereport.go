package cli

import (
	"io"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/syntax"
)

// What EngineBinary shares with spell run, so that a run on Temporal
// reports exactly as a local one.

// FormatRunError renders a run's failure as spell run does: text for
// stderr (file:line:col in the program the user gave, the message, the
// call trace, a hint) and the --json message. program is the program's
// text (nil for a task).
func FormatRunError(err error, name string, program []byte) (text, message string) {
	var rr *syntax.Completion
	var lines *syntax.LineTable
	if program != nil {
		rr, lines = syntax.ReadCompletion(name, program), syntax.NewLineTable(program)
	}
	return formatError(err, name, rr, lines), errMessage(err)
}

// EngineReaderRepairs reports the reader's repairs of a program before it
// is submitted, as spell run does before it runs one; under --strict
// with repairs it reports the failure and returns its exit.
func EngineReaderRepairs(c *cmdline.Command, cfg spe.Config) error {
	if cfg.Task != "" || cfg.Resume != "" {
		return nil
	}
	if _, _, strictErr := readerRepairs(c, c.Root().ErrWriter, cfg.ProgramName, cfg.Program); strictErr != nil {
		return reportResult(c, c.Root().Writer, nil, strictErr, nil, nil)
	}
	return nil
}

// PrintEpilogue prints what follows a run on stderr (its error as
// FormatRunError renders it, cost, trace directory, -v usage, --stats).
func PrintEpilogue(c *cmdline.Command, stderr io.Writer, errText string, st spe.Stats, traceDir string) {
	printEpilogue(c, stderr, errText, st, traceDir)
}

// WriteRunJSON prints the --json object of a run (value in pr-str form,
// or error).
func WriteRunJSON(stdout io.Writer, value, errMsg *string, st *spe.Stats, traceDir string) {
	writeRunJSON(stdout, value, errMsg, st, traceDir)
}
