// Package lineedit is spell repl's line editor on a terminal (readline).
// The line-editing library links package net (its remote mode), which
// makes a binary dynamically linked where cgo is available, so spell does
// not link it (issue 11, start-up): spell repl on a terminal runs in
// spell-net, which does (cli.NetParts.LineEditor).
package lineedit

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/chzyer/readline"
)

// Lines edits lines in place with the line-editing library: cursor
// movement, history recall and search, Tab completion. Every line entered
// is appended to the history file.
type Lines struct {
	rl          *readline.Instance
	interrupted error
}

// Completer completes the text before the cursor (readline.AutoCompleter):
// the candidates' remaining runes and the length of the prefix they
// complete.
type Completer interface {
	Do(line []rune, pos int) ([][]rune, int)
}

// New makes a line editor on the process's terminal with the history file
// histPath ("" for none) and the completer; ReadLine returns interrupted
// on Ctrl-C at the prompt.
func New(prompt, histPath string, stdout, stderr io.Writer, complete Completer, interrupted error) (*Lines, error) {
	return NewConfig(&readline.Config{}, prompt, histPath, stdout, stderr, complete, interrupted)
}

// NewConfig is New from cfg (tests set its Stdin and terminal functions).
func NewConfig(cfg *readline.Config, prompt, histPath string, stdout, stderr io.Writer, complete Completer, interrupted error) (*Lines, error) {
	cfg.Prompt = prompt
	cfg.AutoComplete = complete
	cfg.HistorySearchFold = true
	cfg.EOFPrompt = "\n" // nothing shown for Ctrl-D but the new line
	cfg.Stdout, cfg.Stderr = stdout, stderr
	if cfg.FuncGetWidth == nil {
		// A terminal that reports no size (some ptys) still completes.
		cfg.FuncGetWidth = func() int {
			if w := readline.GetScreenWidth(); w > 0 {
				return w
			}
			return 80
		}
	}
	if histPath != "" && prepareHistory(histPath) {
		cfg.HistoryFile = histPath
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, err
	}
	return &Lines{rl: rl, interrupted: interrupted}, nil
}

// prepareHistory creates the history file's directory and the file itself,
// readable by its owner only (typed lines may hold anything). It reports
// whether the file can be used.
func prepareHistory(path string) bool {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return false
	}
	return f.Close() == nil
}

// ReadLine reads one line after prompt.
func (t *Lines) ReadLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", t.interrupted
	}
	return line, err
}

// Close restores the terminal.
func (t *Lines) Close() error { return t.rl.Close() }
