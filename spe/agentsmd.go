package spe

import (
	"os"
	"path/filepath"
	"unicode/utf8"
)

// AgentsMDFile is the project instructions file --agents-md reads from the
// working directory (runtime.md §2).
const AgentsMDFile = "AGENTS.md"

// AgentsMDMax caps the injected instructions (bytes, cut on a UTF-8
// boundary).
const AgentsMDMax = 32 << 10

// WithAgentsMD prepends the instructions text to the task in the form of
// runtime.md §2: `Project instructions from AGENTS.md:\n<agents_md>\n…
// \n</agents_md>\n\nTask: T`. Text beyond AgentsMDMax bytes is dropped at
// the last rune boundary before the cap; one trailing newline of the file
// is dropped so the closing tag stays on its own line.
func WithAgentsMD(task string, text []byte) string {
	if len(text) > AgentsMDMax {
		i := AgentsMDMax
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		text = text[:i]
	}
	if n := len(text); n > 0 && text[n-1] == '\n' {
		text = text[:n-1]
	}
	return "Project instructions from AGENTS.md:\n<agents_md>\n" + string(text) + "\n</agents_md>\n\nTask: " + task
}

// agentsMD applies --agents-md: the task gets the working directory's
// AGENTS.md. A missing file or a run without a task is a configuration
// error (the flag is never silently ignored); a resumed run already
// recorded the injected task.
func (o *opening) agentsMD() error {
	if !o.cfg.AgentsMD || o.resume != nil {
		return nil
	}
	if o.cfg.Task == "" {
		return configErr("--agents-md needs a task (-p): it prepends %s to the task", AgentsMDFile)
	}
	b, err := os.ReadFile(filepath.Join(o.cfg.Cwd, AgentsMDFile))
	if err != nil {
		return configErr("--agents-md: %v", err)
	}
	o.cfg.Task = WithAgentsMD(o.cfg.Task, b)
	return nil
}
