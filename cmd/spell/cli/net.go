package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spell-go/spell/cmd/spell/cli/cmdline"
	"github.com/spell-go/spell/spe"
	"github.com/spell-go/spell/spe/provider"
	"github.com/spell-go/spell/spe/provider/offline"
)

// NetBinary is the sibling executable with what reaches the network: the
// model SDK clients (anthropic, openai, compat), MCP servers and web/
// (net/http), and spell repl's line editor (its library links package
// net). spell links none of them, since Go initialises every linked
// package at every start (issue 11, start-up). It is spell's own command
// line, and spell execs it, git-style, for a command that needs them: spell
// run and spell repl -a with a model of those providers or with an agent
// (or one of its workers) granted MCP servers, spell mcp, and spell repl on
// a terminal. web/ calls of
// a run spell runs itself go to NetBinary one call at a time (webProxy).
const NetBinary = "spell-net"

// netInstall is how to get NetBinary.
const netInstall = "go install github.com/spell-go/spell/cmd/spell/...@latest (or go install ./cmd/... in a checkout)"

// NetParts are what NetBinary links and spell does not.
type NetParts struct {
	// Providers are all the providers (spe/provider/builtin.Registry).
	Providers provider.Registry
	// Effects are spe's network effects (spe/online.Effects).
	Effects spe.NetEffects
	// MCP are the actions of spell mcp list, inspect and call
	// (cmd/spell/cli/mcpcli.Actions).
	MCP map[string]cmdline.ActionFunc
	// Test is the action of spell test (cmd/spell/cli/testcli.Host.Run):
	// go-internal's testscript engine links the testing and go/build
	// packages.
	Test cmdline.ActionFunc
	// LineEditor is spell repl's line editor on a terminal
	// (cmd/spell/cli/lineedit.New): its library links package net.
	LineEditor func(prompt, histPath string, stdout, stderr io.Writer, complete Completer, interrupted error) (LineReader, error)
}

// LineReader reads the REPL's input one line at a time: ReadLine returns
// the next line without its newline, io.EOF at the end of input, and the
// interrupted error of LineEditor on Ctrl-C at the prompt.
type LineReader interface {
	ReadLine(prompt string) (string, error)
	Close() error
}

// Completer completes the text before the cursor: the candidates'
// remaining runes and the length of the prefix they complete.
type Completer interface {
	Do(line []rune, pos int) ([][]rune, int)
}

// netParts are NetBinary's parts; nil in spell.
var netParts *NetParts

// UseNet makes this command line NetBinary's: Main runs everything
// itself with p. NetBinary's main calls it first.
func UseNet(p NetParts) { netParts = &p }

// wireNet registers spe's network effects for the sessions Main opens:
// NetBinary's own, or in spell the web/ members that ask NetBinary.
func wireNet() {
	if netParts != nil {
		spe.RegisterNet(netParts.Effects)
		return
	}
	spe.RegisterNet(spe.NetEffects{Web: webProxy, WebOpen: webProxyOpen})
}

// errNeedsNet is the cause of building a network provider in spell (which
// execs NetBinary before that: needsNet).
var errNeedsNet = errors.New("this provider needs " + NetBinary)

// providers are the providers a session may build: all of them in
// NetBinary; in spell the offline ones, and for every other name a
// factory that fails with errNeedsNet.
func providers() provider.Registry {
	if netParts != nil {
		return netParts.Providers
	}
	r := offline.Registry()
	for _, name := range []string{"anthropic", "openai", "compat"} {
		r[name] = func(provider.Setup) (provider.Provider, error) { return nil, errNeedsNet }
	}
	return r
}

// needsNet says what of the run cfg describes needs NetBinary ("" for
// nothing, or in NetBinary): a model whose provider is not offline, or MCP
// servers. It resolves the model and profiles as spe.Open does; when that
// fails it says nothing, and Open reports the error.
func needsNet(cfg spe.Config) string {
	what, _ := needsNetOf(cfg)
	return what
}

// needsNetOf is needsNet with the resolution, for spe.Config.Needs (nil
// when there is none).
func needsNetOf(cfg spe.Config) (string, *spe.Needs) {
	if netParts != nil {
		return "", nil
	}
	n, err := spe.NeedsOf(cfg)
	if err != nil {
		return "", nil
	}
	if n.Provider != "" && offline.Registry()[n.Provider] == nil {
		return "the " + n.Provider + " provider", nil
	}
	if n.MCP {
		return "MCP", nil
	}
	return "", &n
}

// findSibling returns the path of the executable name: next to the
// running spell, else on PATH.
func findSibling(name string) (string, error) {
	file := name
	if runtime.GOOS == "windows" {
		file += ".exe"
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			p := filepath.Join(filepath.Dir(exe), file)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	return exec.LookPath(name)
}

// missingNet is the error of a command that needs NetBinary when it is
// not installed.
func missingNet(cmd, what string) error {
	return &exitError{code: 2, msg: fmt.Sprintf("%s: %s", cmd, notInstalled(what))}
}

// notInstalled says that what is in NetBinary, which is missing.
func notInstalled(what string) string {
	return fmt.Sprintf("%s is in the %s executable, which is neither next to spell nor on PATH; install it with: %s", what, NetBinary, netInstall)
}

// execNet runs NetBinary with this process's command line, in place of
// this process where the system allows it (the same standard streams,
// signals and exit status; the secrets as Protect keeps them). what names
// what needs it, for the error when it is missing.
func execNet(c *cmdline.Command, cmd, what string) error {
	path, err := findSibling(NetBinary)
	if err != nil {
		return missingNet(cmd, what)
	}
	argv := append([]string{path}, argsOf(c)[1:]...)
	code, err := runNet(path, argv)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: cannot start %s: %v", cmd, path, err)}
	}
	return silentExit(code)
}
