package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// readmeSkipped are README commands no test runs, with the reason.
var readmeSkipped = map[string]string{
	`spell worker --task-queue spell`: "needs a Temporal server (spell-temporal's TestReadmeRunningAtScale runs it against the test server)",
	`spell run --engine temporal -p "Read examples/data/notes.txt and list its TODO lines." -a examples/read-file.agent.edn --model replay:examples/read-file.txtar`: "needs a Temporal server and a worker (spell-temporal's TestReadmeRunningAtScale runs it against the test server)",
	`spell run -p "Summarise README.md in three lines" --model haiku --budget 0.25`:                                                                                  "needs a real API key",
	`spell run -p "Summarise README.md" --model sonnet --budget 0.50`:                                                                                                "needs a real API key",
	`spell run -p "TASK" --model sonnet --record my_test.txtar`:                                                                                                      "needs a real API key",
	`spell run -p "TASK" --model sonnet --record my.txtar`:                                                                                                           "needs a real API key",
	`spell run -p "TASK" [--model SPEC] [-a AGENT] [limits] [--record FILE] [--stats] [--json]`:                                                                      "a usage synopsis, not a command",
	`spell run prog.spl | spell run -e '(+ 1 2)' | spell run -`:                                                                                                      "a usage synopsis, not a command",
}

// readmeCommand matches a command line of a sh block: it starts with
// spell, or pipes into spell.
var readmeCommand = regexp.MustCompile(`^(spell |echo .*\| spell|printf .*\| spell)`)

// readmeComment is a trailing shell comment.
var readmeComment = regexp.MustCompile(`\s+#\s.*$`)

// readmeTableCommand is a command in a table cell: `spell …`.
var readmeTableCommand = regexp.MustCompile("^\\|.*`(spell [^`]*)`")

// readmeCommands returns the commands of the sh code blocks of a Markdown
// file (continuation lines joined, trailing # comments dropped).
func readmeCommands(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	cont := ""
	for _, line := range strings.Split(string(b), "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "```sh"):
			in = true
			continue
		case strings.HasPrefix(trim, "```"):
			in = false
			continue
		}
		if !in {
			if strings.HasPrefix(trim, "|") {
				for _, cell := range strings.Split(trim, "|") {
					cell = strings.TrimSpace(cell)
					if strings.HasPrefix(cell, "`spell run ") && strings.HasSuffix(cell, "`") && strings.Count(cell, "`") == 2 {
						out = append(out, strings.Join(strings.Fields(strings.Trim(cell, "`")), " "))
					}
				}
			}
			continue
		}
		if cont != "" {
			trim = cont + " " + trim
			cont = ""
		}
		if strings.HasSuffix(trim, "\\") {
			cont = strings.TrimSpace(strings.TrimSuffix(trim, "\\"))
			continue
		}
		if loc := readmeComment.FindStringIndex(trim); loc != nil {
			trim = strings.TrimSpace(trim[:loc[0]])
		}
		if readmeCommand.MatchString(trim) {
			out = append(out, strings.Join(strings.Fields(trim), " "))
		}
	}
	return out
}

// TestReadmeCommandsRun checks that every command of README.md and
// examples/README.md is run by a testscript archive (the same command line
// after an exec, or a stdin-fed pipe written as `# README: COMMAND` above the
// exec that runs it), or is listed in readmeSkipped with the reason.
func TestReadmeCommandsRun(t *testing.T) {
	scripts, _ := filepath.Glob(filepath.Join(scriptDir, "*.txtar"))
	var tested strings.Builder
	for _, s := range scripts {
		a, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			line = strings.TrimSpace(line)
			line = strings.TrimPrefix(line, "! ")
			if rest, ok := strings.CutPrefix(line, "# README: "); ok {
				tested.WriteString(strings.Join(strings.Fields(rest), " ") + "\n")
			}
			if rest, ok := strings.CutPrefix(line, "exec "); ok {
				tested.WriteString("\x00" + strings.Join(scriptWords(rest), "\x01") + "\n")
			}
		}
	}
	all := tested.String()
	for _, doc := range []string{"../../../README.md", "../../../examples/README.md"} {
		cmds := readmeCommands(t, doc)
		if len(cmds) == 0 {
			t.Fatalf("%s: no commands found", doc)
		}
		for _, c := range cmds {
			if _, ok := readmeSkipped[c]; ok {
				continue
			}
			if strings.Contains(all, c+"\n") {
				continue
			}
			if argv, ok := shellWords(c); ok && strings.Contains(all, "\x00"+strings.Join(argv, "\x01")+"\n") {
				continue
			}
			t.Errorf("%s: no testscript runs %s", doc, c)
		}
	}
}

// shellWords splits a simple shell command (single and double quotes, no
// expansions) into words; ok is false for anything else.
func shellWords(s string) ([]string, bool) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, false
			}
			part := s[i+1 : i+1+j]
			if c == '"' && strings.ContainsAny(part, "$`\\") {
				return nil, false
			}
			cur.WriteString(part)
			inWord = true
			i += j + 1
		case strings.IndexByte("|<>;&$`\\", c) >= 0:
			return nil, false
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, true
}

// scriptWords splits a testscript command line: single quotes only, ”
// inside them is a quote.
func scriptWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			cur.WriteByte('\'')
			i++
		case c == '\'':
			quoted = !quoted
			inWord = true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
