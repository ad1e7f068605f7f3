package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aymanbagabas/go-udiff"
	"github.com/aymanbagabas/go-udiff/lcs"
	ucli "github.com/urfave/cli/v2"

	"github.com/spell-go/spell/spe/trace"
	"github.com/spell-go/spell/syntax"
)

// traceCommand is `spell trace` (runtime.md §14.4).
func traceCommand() *ucli.Command {
	subs := []*ucli.Command{traceLsCommand(), traceShowCommand(), traceDiffCommand(), traceExportCommand()}
	for _, sub := range subs {
		name := "spell trace " + sub.Name
		sub.OnUsageError = func(_ *ucli.Context, err error, _ bool) error {
			return usageError(name, "%v", err)
		}
		sub.CustomHelpTemplate = commandHelp
	}
	return &ucli.Command{
		Name:      "trace",
		Usage:     "inspect run directories: list, summarise, compare and export runs",
		UsageText: "spell trace ls | show [RUN] | diff RUN1 RUN2 | export --html [-o FILE] [RUN]",
		Description: `Every 'spell run' writes a run directory (unless --no-trace): an append-only
event log events.jsonl, the program of every turn (0001.spl, ...), leaf calls
(0001.txt), large effect results (effects/) and result.edn. Run directories
live in the runs directory $XDG_STATE_HOME/spell/runs (default
~/.local/state/spell/runs), named by run id YYYYMMDD-HHMMSS-xxxxxx.

RUN is a run directory path or a run id in the runs directory; "latest" (the
default where RUN is optional) is the newest run there.

Commands:
  ls       one line per run, newest first
  show     summary of a run (turns, recovery, forms, namespaces, errors, cost)
  diff     first turn whose prompt or completion differs between two runs
  export   one self-contained HTML file showing every turn

Exit codes: 0 success; 1 diff found a difference; 2 usage errors or a
directory that is not a run.

Examples:
  spell trace ls                          list runs, newest first
  spell trace show                        summarise the newest run
  spell trace show --tree 20260102-030405-abcdef
  spell trace show --turn 3               program of turn 3 of the newest run
  spell trace diff run-a run-b            where did two runs diverge?
  spell trace export --html -o run.html   one HTML page for the newest run`,
		CustomHelpTemplate: commandHelp,
		Subcommands:        subs,
		Action: func(c *ucli.Context) error {
			if c.Args().Present() {
				return usageError("spell trace", "unknown subcommand %q", c.Args().First())
			}
			return ucli.ShowCommandHelp(c.Lineage()[1], "trace")
		},
	}
}

func traceLsCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "ls",
		Usage:     "list runs, newest first",
		UsageText: "spell trace ls",
		Description: `Prints one line per run directory in the runs directory, newest first: run
id, start time (UTC), status (ok, error, interrupted, or incomplete when the
run never logged its end), turns, cost and the task or program (first 60
characters).

Examples:
  spell trace ls
  XDG_STATE_HOME=/tmp/state spell trace ls`,
		Action: runTraceLs,
	}
}

func traceShowCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "summarise a run",
		UsageText: "spell trace show [--tree | --turn N | --skeleton N | --rethinks | --context | --tsv | --json] [RUN]",
		Description: `Prints a summary of RUN (default: latest): turns per handle, turn kinds,
recovery kinds, the tracked forms the model wrote (think prune rethink
!extend !call-now !peek !compact !llm-self !ask-await persist !print
!describe leaf-llm future defn fn), namespace usage, pruning statistics,
errors with the turn that recovered them, and cost.

Forms and namespaces are counted in the text each turn's model added, so a
form repeated in later prompts counts once.

Modes (at most one):
  --tree        turn tree (indented by depth): first 40 characters of each
                prompt, then the value or ✗ error
  --turn N      the program of turn N (a leaf call: prompt and response)
  --skeleton N  the program of turn N with long strings truncated
  --rethinks    each prune/rethink with the text it removed
  --context     per turn: prefix size, delta and characters pruned
  --tsv         one tab-separated row per turn, with a header
  --json        the summary and the per-turn rows as one JSON object

Examples:
  spell trace show
  spell trace show --tree
  spell trace show --turn 3 20260102-030405-abcdef
  spell trace show --skeleton 3 --string-truncate 20
  spell trace show --json ./my-run-dir`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "tree", Usage: "print the turn tree", DisableDefaultText: true},
			&ucli.IntFlag{Name: "turn", Usage: "print the program of turn `N`"},
			&ucli.IntFlag{Name: "skeleton", Usage: "print the program of turn `N` with strings truncated"},
			&ucli.IntFlag{Name: "string-truncate", Usage: "with --skeleton, keep `N` characters of each string", Value: 32},
			&ucli.BoolFlag{Name: "rethinks", Usage: "print each prune/rethink with the text it removed", DisableDefaultText: true},
			&ucli.BoolFlag{Name: "context", Usage: "print prefix size, delta and characters pruned per turn", DisableDefaultText: true},
			&ucli.BoolFlag{Name: "tsv", Usage: "print one tab-separated row per turn", DisableDefaultText: true},
			&ucli.BoolFlag{Name: "json", Usage: "print the summary as JSON", DisableDefaultText: true},
		},
		Action: runTraceShow,
	}
}

func traceDiffCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "diff",
		Usage:     "show the first turn where two runs differ",
		UsageText: "spell trace diff RUN1 RUN2",
		Description: `Compares two runs turn by turn, pairing turns by handle and call number
(main/1, main/2, ..., spawn-1/1, ...), in the order of RUN1. The first turn
whose prompt or completion differs is printed as unified diffs of its
prompt and completion; a turn present in only one run differs from an
empty one. Nothing is printed when the runs agree.

Exit codes: 0 the runs agree; 1 they differ; 2 usage errors or a directory
that is not a run.

Examples:
  spell trace diff 20260102-030405-abcdef latest
  spell trace diff ./before ./after`,
		Action: runTraceDiff,
	}
}

func traceExportCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "export a run as one self-contained HTML file",
		UsageText: "spell trace export --html [-o FILE] [RUN]",
		Description: `Writes one HTML file for RUN (default: latest) with no external scripts,
styles or fonts. For every turn it shows the program with the text the model
added highlighted, the forms removed by edit markers since the previous turn
struck through, text the runtime spliced in underlined, then the value or
error, usage and cost. Leaf calls show their prompt and response.

The default output is <run-id>.html in the working directory; -o - writes
to standard output. The name of the file written is printed.

Examples:
  spell trace export --html
  spell trace export --html -o run.html 20260102-030405-abcdef`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "html", Usage: "export as HTML (the only format)", DisableDefaultText: true},
			&ucli.StringFlag{Name: "o", Usage: "write to `FILE` (- for standard output)"},
		},
		Action: runTraceExport,
	}
}

// runsDir is the runs directory of this process.
func runsDir() string { return trace.RunsDir(os.Getenv) }

// openRun opens RUN for subcommand cmd, mapping failures to exit 2.
func openRun(cmd, arg string) (*trace.Run, error) {
	dir := runsDir()
	r, err := trace.Open(arg, dir)
	if err == nil {
		_, err = r.Events()
	}
	if err == nil {
		return r, nil
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, trace.ErrNoRuns):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: no runs in %s", cmd, dir)}
	case errors.Is(err, trace.ErrNotRun):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: not a run directory (no %s)", cmd, arg, trace.EventsFile)}
	case errors.Is(err, fs.ErrNotExist):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: no such run directory or run id", cmd, arg)}
	case errors.As(err, &pe):
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, arg, pe.Err)}
	}
	return nil, &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, arg, err)}
}

// optionalRun returns the single optional RUN argument (default latest).
func optionalRun(c *ucli.Context, cmd string) (string, error) {
	switch c.NArg() {
	case 0:
		return trace.Latest, nil
	case 1:
		a := c.Args().First()
		if strings.HasPrefix(a, "-") && a != "-" {
			return "", usageError(cmd, "flag %s must come before RUN", a)
		}
		return a, nil
	}
	return "", usageError(cmd, "too many arguments: expected at most one RUN")
}

// ---- ls ----

func runTraceLs(c *ucli.Context) error {
	if c.Args().Present() {
		return usageError("spell trace ls", "unexpected argument %q", c.Args().First())
	}
	list, err := trace.List(runsDir())
	if err != nil {
		return &exitError{code: 2, msg: "spell trace ls: " + err.Error()}
	}
	w := c.App.Writer
	for _, s := range list {
		start := "-"
		if !s.Start.IsZero() {
			start = s.Start.UTC().Format("2006-01-02T15:04:05Z")
		}
		line := fmt.Sprintf("%-22s  %-20s  %-11s  %4d  %9s  %s", s.ID, start, s.Status, s.Turns, fmtCost(s.Cost), s.Task)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	return nil
}

func fmtCost(c float64) string { return fmt.Sprintf("$%.4f", c) }

// ---- analysis shared by show, diff and export ----

// trackedForms are the list heads counted by `trace show`, in output order.
var trackedForms = []string{"think", "prune", "rethink", "!extend", "!call-now", "!peek", "!compact", "!llm-self",
	"!ask-await", "persist", "!print", "!describe", "leaf-llm", "future", "defn", "fn"}

// turnView is one turn with its texts and what changed since the previous
// turn of its handle.
type turnView struct {
	*trace.TurnInfo
	program  string // program text ("" for a leaf call)
	prompt   string
	promptOK bool
	response string // leaf response
	added    int    // offset in program where the model's text begins; -1 unknown
	prev     *turnView
	ops      []tokOp // token diff from prev.program to program[:added]
	pruned   int     // characters removed since prev
	forms    map[string]int
	ns       map[string]int
	markers  []string // prune/rethink forms the model wrote
}

// runView is a run read for display.
type runView struct {
	run     *trace.Run
	sum     trace.Summary
	events  []trace.Event
	turns   []*turnView
	byTurn  map[int]*turnView
	start   trace.Event // run.start (zero when missing)
	end     trace.Event // run.end (zero when missing)
	hasEnd  bool
	inTok   int64
	outTok  int64
	calls   int
	cost    float64
	results string // result.edn
}

func loadRun(r *trace.Run) (*runView, error) {
	events, err := r.Events()
	if err != nil {
		return nil, err
	}
	sum, err := r.Summarize()
	if err != nil {
		return nil, err
	}
	infos, err := r.Turns()
	if err != nil {
		return nil, err
	}
	v := &runView{run: r, sum: sum, events: events, byTurn: map[int]*turnView{}}
	for _, ev := range events {
		switch ev.Ev {
		case trace.EvRunStart:
			v.start = ev
		case trace.EvRunEnd:
			v.end, v.hasEnd = ev, true
		case trace.EvRunResume:
			v.hasEnd = false
		}
	}
	v.results, _ = r.Result()
	last := map[string]*turnView{} // last program turn per handle
	for _, info := range infos {
		t := &turnView{TurnInfo: info, added: -1}
		if info.HasCall {
			v.calls++
			v.cost += info.CostUSD
			in, out := usageTokens(info.Usage)
			v.inTok += in
			v.outTok += out
		}
		if info.Kind == trace.KindLeaf {
			t.prompt, t.response, err = r.Leaf(info.Turn)
			t.promptOK = err == nil
			if !t.promptOK && info.HasCompletion {
				t.response = info.Completion
			}
		} else {
			t.program = r.ProgramText(info)
			t.prompt, t.promptOK = r.Prompt(info)
			t.added = addedOffset(t)
			if p := last[info.Handle]; p != nil && t.added >= 0 {
				t.prev = p
				t.ops = tokenDiff(p.program, t.program[:t.added])
				if !sameContext(t.ops) {
					t.ops = nil
				}
				for _, op := range t.ops {
					// Closers dropped by reopening are not pruning.
					if op.kind == opDel && !trivialText(op.text) {
						t.pruned += utf8.RuneCountInString(strings.TrimSpace(op.text))
					}
				}
			}
			t.countForms()
			if t.program != "" {
				last[info.Handle] = t
			}
		}
		v.turns = append(v.turns, t)
		v.byTurn[info.Turn] = t
	}
	if v.hasEnd && v.end.Has(trace.KeyCostUSD) {
		v.cost = v.end.Float(trace.KeyCostUSD)
	}
	return v, nil
}

// usageTokens returns input and output tokens of a usage map (§8.9).
func usageTokens(u map[string]any) (in, out int64) {
	get := func(k string) int64 {
		switch x := u[k].(type) {
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				f, _ := x.Float64()
				n = int64(f)
			}
			return n
		case float64:
			return int64(x)
		}
		return 0
	}
	in = get("uncached_input_tokens") + get("cached_input_tokens") + get("cache_write_input_tokens")
	out = get("visible_output_tokens") + get("reasoning_output_tokens")
	return in, out
}

// addedOffset finds where the model's text begins in the program: after
// the prompt when the program starts with it, else after the longest
// common prefix with the prompt, else before the last occurrence of the
// completion. -1 when nothing is known.
func addedOffset(t *turnView) int {
	if t.program == "" {
		return -1
	}
	if t.promptOK {
		if strings.HasPrefix(t.program, t.prompt) {
			return len(t.prompt)
		}
		return commonPrefix(t.program, t.prompt)
	}
	if t.HasCompletion && t.Completion != "" {
		if i := strings.LastIndex(t.program, t.Completion); i >= 0 {
			return i
		}
	}
	return -1
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return n
}

// countForms counts tracked list heads, namespaces and edit markers in the
// model-written part of the program.
func (t *turnView) countForms() {
	t.forms, t.ns = map[string]int{}, map[string]int{}
	if t.program == "" || t.added < 0 {
		return
	}
	src := []byte(t.program)
	f := syntax.Parse(trace.ProgramFile(t.Turn), src)
	tracked := map[string]bool{}
	for _, name := range trackedForms {
		tracked[name] = true
	}
	for _, form := range f.Forms {
		syntax.Walk(form, func(n *syntax.Node) bool {
			if int(n.End) <= t.added {
				return false // entirely in the prompt
			}
			if int(n.Start) < t.added {
				return true // straddles: look inside
			}
			switch n.Kind {
			case syntax.List:
				if len(n.Kids) > 0 && n.Kids[0].Kind == syntax.Symbol {
					head := n.Kids[0].Text(src)
					if tracked[head] {
						t.forms[head]++
					}
					if head == "prune" || head == "rethink" {
						t.markers = append(t.markers, trace.Abbrev(n.Text(src), 80))
					}
				}
			case syntax.Symbol:
				name := n.Text(src)
				if i := strings.IndexByte(name, '/'); i > 0 && i < len(name)-1 {
					t.ns[name[:i]]++
				}
			}
			return true
		})
	}
}

// ---- token diff ----

type opKind int

const (
	opEq opKind = iota
	opDel
	opIns
)

type tokOp struct {
	kind opKind
	text string
}

// tokenize splits Spell text into tokens whose concatenation is the text:
// comments, strings, delimiters and atoms, each with the white space
// (and commas) that follows it, so that a diff never aligns on blanks.
func tokenize(s string) []string {
	var toks []string
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' }
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i > 0 {
		toks = append(toks, s[:i])
	}
	for i < len(s) {
		j := i + 1
		c := s[i]
		switch {
		case c == ';':
			for j < len(s) && s[j] != '\n' {
				j++
			}
		case c == '"':
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(s) {
				j++
			}
			if j > len(s) {
				j = len(s)
			}
		case strings.IndexByte("()[]{}'`~@^#", c) >= 0:
		default:
			for j < len(s) && !isSpace(s[j]) && strings.IndexByte(";\"()[]{}'`~@^", s[j]) < 0 {
				j++
			}
		}
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

// maxExactCells bounds the table of the exact token LCS; larger middles
// (after the common prefix and suffix are stripped) use the linear-space
// heuristic of the lcs package.
const maxExactCells = 4 << 20

// tokenDiff is a token-level diff from a to b, adjacent ops of one kind
// merged.
func tokenDiff(a, b string) []tokOp {
	ta, tb := tokenize(a), tokenize(b)
	var ops []tokOp
	add := func(k opKind, toks []string) {
		if len(toks) == 0 {
			return
		}
		text := strings.Join(toks, "")
		if n := len(ops); n > 0 && ops[n-1].kind == k {
			ops[n-1].text += text
			return
		}
		ops = append(ops, tokOp{k, text})
	}
	pre := 0
	for pre < len(ta) && pre < len(tb) && ta[pre] == tb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ta)-pre && suf < len(tb)-pre && ta[len(ta)-1-suf] == tb[len(tb)-1-suf] {
		suf++
	}
	add(opEq, ta[:pre])
	ma, mb := ta[pre:len(ta)-suf], tb[pre:len(tb)-suf]
	var diffs []lcs.Diff
	if (len(ma)+1)*(len(mb)+1) <= maxExactCells {
		diffs = exactDiff(ma, mb)
	} else {
		diffs = lcs.DiffLines(ma, mb)
	}
	ai := 0
	for _, d := range diffs {
		add(opEq, ma[ai:d.Start])
		add(opDel, ma[d.Start:d.End])
		add(opIns, mb[d.ReplStart:d.ReplEnd])
		ai = d.End
	}
	add(opEq, ma[ai:])
	add(opEq, ta[len(ta)-suf:])
	return cleanupOps(ops)
}

// exactDiff is a longest-common-subsequence diff by dynamic programming.
func exactDiff(a, b []string) []lcs.Diff {
	n, m := len(a), len(b)
	w := m + 1
	tab := make([]int32, (n+1)*w) // tab[i*w+j] = LCS of a[i:], b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				tab[i*w+j] = tab[(i+1)*w+j+1] + 1
			} else {
				tab[i*w+j] = max(tab[(i+1)*w+j], tab[i*w+j+1])
			}
		}
	}
	var diffs []lcs.Diff
	i, j := 0, 0
	var cur *lcs.Diff
	flush := func() {
		if cur != nil {
			diffs = append(diffs, *cur)
			cur = nil
		}
	}
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			flush()
			i++
			j++
			continue
		case j < m && (i == n || tab[i*w+j+1] >= tab[(i+1)*w+j]):
			if cur == nil {
				cur = &lcs.Diff{Start: i, End: i, ReplStart: j, ReplEnd: j}
			}
			j++
			cur.ReplEnd = j
		default:
			if cur == nil {
				cur = &lcs.Diff{Start: i, End: i, ReplStart: j, ReplEnd: j}
			}
			i++
			cur.End = i
		}
	}
	flush()
	return diffs
}

// cleanupOps makes a token diff read as whole forms: a change that starts
// just after an opening delimiter it also ends with is slid left so that it
// starts at the form's opener, equalities of only delimiters and blanks
// caught between changes are absorbed into them, and each run of changes
// becomes one deletion followed by one insertion.
func cleanupOps(ops []tokOp) []tokOp {
	for i := 1; i+1 < len(ops); i++ {
		prev, cur, next := &ops[i-1], &ops[i], &ops[i+1]
		if prev.kind != opEq || cur.kind == opEq || next.kind != opEq {
			continue
		}
		// Slide the change left over the suffix it shares with the
		// equality before it, to the position that reads best.
		k := 0
		for k < len(prev.text) && k < len(cur.text) && prev.text[len(prev.text)-1-k] == cur.text[len(cur.text)-1-k] {
			k++
		}
		best, bestScore := 0, -1
		for sh := 0; sh <= k; sh++ {
			before := prev.text[:len(prev.text)-sh]
			edit := prev.text[len(prev.text)-sh:] + cur.text[:len(cur.text)-sh]
			if sc := boundaryScore(before, edit); sc > bestScore || sc == bestScore && sh > best {
				best, bestScore = sh, sc
			}
		}
		if best > 0 {
			moved := cur.text[len(cur.text)-best:]
			cur.text = prev.text[len(prev.text)-best:] + cur.text[:len(cur.text)-best]
			prev.text = prev.text[:len(prev.text)-best]
			next.text = moved + next.text
		}
	}
	ops = groupChanges(ops)
	for i := 1; i+1 < len(ops); i++ {
		if ops[i].kind == opEq && ops[i-1].kind != opEq && ops[i+1].kind != opEq && trivialText(ops[i].text) {
			eq := ops[i].text
			ops = append(ops[:i], append([]tokOp{{opDel, eq}, {opIns, eq}}, ops[i+1:]...)...)
		}
	}
	return groupChanges(ops)
}

// boundaryScore rates a change placed after the text before: best when it
// starts a form after a blank and ends with a blank.
func boundaryScore(before, edit string) int {
	sc := 0
	if edit == "" {
		return 0
	}
	if before == "" || strings.IndexByte(" \t\r\n,([{", before[len(before)-1]) >= 0 {
		sc++
		if strings.IndexByte("([{'#\"", edit[0]) >= 0 {
			sc++
		}
	}
	if strings.IndexByte(" \t\r\n,", edit[len(edit)-1]) >= 0 {
		sc++
	}
	return sc
}

// trivialText reports whether s holds only delimiters, quotes and blanks.
func trivialText(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("()[]{}'#@^ \t\r\n,", s[i]) < 0 {
			return false
		}
	}
	return true
}

// groupChanges merges each run of deletions and insertions into one
// deletion and one insertion.
func groupChanges(ops []tokOp) []tokOp {
	var out []tokOp
	for i := 0; i < len(ops); {
		if ops[i].kind == opEq {
			if ops[i].text == "" {
				i++
				continue
			}
			if n := len(out); n > 0 && out[n-1].kind == opEq {
				out[n-1].text += ops[i].text
				i++
				continue
			}
			out = append(out, ops[i])
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(ops) && ops[i].kind != opEq; i++ {
			if ops[i].kind == opDel {
				del.WriteString(ops[i].text)
			} else {
				ins.WriteString(ops[i].text)
			}
		}
		if del.Len() > 0 {
			out = append(out, tokOp{opDel, del.String()})
		}
		// An empty equality left by sliding is dropped.
		if ins.Len() > 0 {
			out = append(out, tokOp{opIns, ins.String()})
		}
	}
	return out
}

// sameContext reports whether a diff relates an extension to its
// predecessor (most of the new prompt is kept text) rather than a fresh
// context such as a sub-task, whose prompt shares little.
func sameContext(ops []tokOp) bool {
	eq, ins := 0, 0
	for _, op := range ops {
		n := len(strings.TrimSpace(op.text))
		switch op.kind {
		case opEq:
			eq += n
		case opIns:
			ins += n
		}
	}
	return eq > 0 && eq >= ins
}

// ---- show ----

func runTraceShow(c *ucli.Context) error {
	const cmd = "spell trace show"
	modes := 0
	for _, f := range []string{"tree", "turn", "skeleton", "rethinks", "context", "tsv", "json"} {
		if c.IsSet(f) {
			modes++
		}
	}
	if modes > 1 {
		return usageError(cmd, "--tree, --turn, --skeleton, --rethinks, --context, --tsv and --json are exclusive")
	}
	if c.IsSet("string-truncate") && !c.IsSet("skeleton") {
		return usageError(cmd, "--string-truncate needs --skeleton")
	}
	arg, err := optionalRun(c, cmd)
	if err != nil {
		return err
	}
	r, err := openRun(cmd, arg)
	if err != nil {
		return err
	}
	v, err := loadRun(r)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
	}
	w := c.App.Writer
	switch {
	case c.IsSet("turn"), c.IsSet("skeleton"):
		n := c.Int("turn")
		if c.IsSet("skeleton") {
			n = c.Int("skeleton")
		}
		t := v.byTurn[n]
		if t == nil {
			return usageError(cmd, "run %s has no turn %d (turns: %d)", v.sum.ID, n, len(v.turns))
		}
		if c.IsSet("skeleton") {
			if c.Int("string-truncate") < 0 {
				return usageError(cmd, "--string-truncate must be at least 0")
			}
			return showSkeleton(w, t, c.Int("string-truncate"))
		}
		return showTurn(w, t)
	case c.Bool("tree"):
		return showTree(w, v)
	case c.Bool("rethinks"):
		return showRethinks(w, v)
	case c.Bool("context"):
		return showContext(w, v)
	case c.Bool("tsv"):
		return showTSV(w, v)
	case c.Bool("json"):
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v.summaryJSON())
	}
	return showSummary(w, v)
}

func showTurn(w io.Writer, t *turnView) error {
	if t.Kind == trace.KindLeaf {
		_, err := fmt.Fprintf(w, "=== prompt ===\n%s\n=== response ===\n%s\n", strings.TrimSuffix(t.prompt, "\n"), strings.TrimSuffix(t.response, "\n"))
		return err
	}
	text := t.program
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

// showSkeleton prints the program with every string literal longer than n
// characters cut to n characters and an ellipsis.
func showSkeleton(w io.Writer, t *turnView, n int) error {
	if t.Kind == trace.KindLeaf {
		return showTurn(w, t)
	}
	src := []byte(t.program)
	f := syntax.Parse(trace.ProgramFile(t.Turn), src)
	var b strings.Builder
	last := 0
	var visit func(n *syntax.Node) bool
	visit = func(node *syntax.Node) bool {
		if node.Kind != syntax.String {
			return true
		}
		body := string(src[node.Start+1 : node.End])
		body = strings.TrimSuffix(body, `"`)
		if utf8.RuneCountInString(body) > n {
			r := []rune(body)[:n]
			cut := string(r)
			// Do not end on a lone backslash of an escape.
			if strings.HasSuffix(cut, `\`) && !strings.HasSuffix(cut, `\\`) {
				cut = cut[:len(cut)-1]
			}
			b.Write(src[last:node.Start])
			b.WriteString(`"` + cut + `…"`)
			last = int(node.End)
		}
		return false
	}
	for _, form := range f.Forms {
		syntax.Walk(form, visit)
	}
	b.Write(src[last:])
	text := b.String()
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

// quoteAbbrev is the first n characters of s, white space collapsed, in
// double quotes.
func quoteAbbrev(s string, n int) string {
	a := trace.Abbrev(s, n)
	if utf8.RuneCountInString(strings.Join(strings.Fields(s), " ")) > n {
		a += "…"
	}
	return strconv.Quote(a)
}

func (t *turnView) outcome(n int) string {
	switch {
	case t.HasError:
		return "✗ " + trace.Abbrev(t.Error, n)
	case t.Kind == trace.KindLeaf && t.promptOK:
		return "⇒ " + quoteAbbrev(t.response, n)
	case t.HasValue:
		return "⇒ " + trace.Abbrev(t.Value, n)
	case t.Interrupt:
		return "… interrupted"
	}
	return "…"
}

func (t *turnView) label() string { return fmt.Sprintf("%s/%d", t.Handle, t.N) }

func showTree(w io.Writer, v *runView) error {
	for _, t := range v.turns {
		prompt := "?"
		if t.promptOK {
			prompt = quoteAbbrev(t.prompt, 40)
		}
		fmt.Fprintf(w, "%s%04d %s %s %s %s\n", strings.Repeat("  ", max(t.Depth, 0)), t.Turn, t.label(), t.Kind, prompt, t.outcome(60))
	}
	return nil
}

func showContext(w io.Writer, v *runView) error {
	fmt.Fprintf(w, "%-5s %-14s %-9s %8s %8s %8s\n", "turn", "call", "kind", "prefix", "delta", "pruned")
	for _, t := range v.turns {
		size, delta := t.contextSizes()
		fmt.Fprintf(w, "%04d  %-14s %-9s %8d %8s %8d\n", t.Turn, t.label(), t.Kind, size, delta, t.pruned)
	}
	return nil
}

// contextSizes returns the prefix size in characters and its change since
// the previous prefix of the handle ("" for the first).
func (t *turnView) contextSizes() (int, string) {
	size := utf8.RuneCountInString(t.prompt)
	if t.prev == nil || !t.prev.promptOK {
		return size, "+" + strconv.Itoa(size)
	}
	d := size - utf8.RuneCountInString(t.prev.prompt)
	if d >= 0 {
		return size, "+" + strconv.Itoa(d)
	}
	return size, strconv.Itoa(d)
}

func showTSV(w io.Writer, v *runView) error {
	fmt.Fprintln(w, "turn\thandle\tn\tkind\tdepth\tparent\tprefix_chars\tdelta\tpruned_chars\tinput_tokens\toutput_tokens\tcost_usd\trecovery\toutcome")
	clean := func(s string) string {
		return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
	}
	for _, t := range v.turns {
		size, delta := t.contextSizes()
		in, out := usageTokens(t.Usage)
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%.6f\t%s\t%s\n", t.Turn, t.Handle, t.N, t.Kind, t.Depth,
			t.Parent, size, delta, t.pruned, in, out, t.CostUSD, t.Recovery, clean(t.outcome(200)))
	}
	return nil
}

func showRethinks(w io.Writer, v *runView) error {
	for _, t := range v.turns {
		if len(t.markers) == 0 {
			continue
		}
		fmt.Fprintf(w, "turn %04d %s: %s\n", t.Turn, t.label(), strings.Join(t.markers, " "))
		next := v.nextOf(t)
		if next == nil {
			fmt.Fprintln(w, "  (no following turn)")
			continue
		}
		removed := false
		for _, op := range next.ops {
			if op.kind == opDel && strings.TrimSpace(op.text) != "" {
				fmt.Fprintf(w, "  - %s\n", trace.Abbrev(op.text, 200))
				removed = true
			}
		}
		if !removed {
			fmt.Fprintf(w, "  (nothing removed by turn %04d)\n", next.Turn)
		}
	}
	return nil
}

// nextOf returns the turn whose predecessor is t.
func (v *runView) nextOf(t *turnView) *turnView {
	for _, u := range v.turns {
		if u.prev == t {
			return u
		}
	}
	return nil
}

// errorInfo is one turn error for show.
type errorInfo struct {
	Turn        int    `json:"turn"`
	Handle      string `json:"handle"`
	N           int    `json:"n"`
	Error       string `json:"error"`
	Recovery    string `json:"recovery"`
	RecoveredBy int    `json:"recovered_by,omitempty"`
	note        string
}

func (v *runView) errors() []errorInfo {
	var list []errorInfo
	for i, t := range v.turns {
		if !t.HasError {
			continue
		}
		e := errorInfo{Turn: t.Turn, Handle: t.Handle, N: t.N, Error: t.Error, Recovery: t.Recovery}
		if t.Recovery == trace.RecoveryNamespaceFixup {
			e.note = "fixed by namespace fix-up"
		} else if t.Recovery != trace.RecoveryNone {
			for _, u := range v.turns[i+1:] {
				if u.Handle == t.Handle && u.Kind == trace.KindRecovery {
					e.RecoveredBy = u.Turn
					e.note = fmt.Sprintf("recovered by turn %d", u.Turn)
					break
				}
			}
		}
		if e.note == "" {
			e.note = "not recovered"
		}
		list = append(list, e)
	}
	return list
}

// counts of a string-keyed tally, in the given order or sorted.
type tally map[string]int

func (m tally) format(order []string) string {
	if len(m) == 0 {
		return "-"
	}
	if order == nil {
		for k := range m {
			order = append(order, k)
		}
		sort.Strings(order)
	}
	var parts []string
	for _, k := range order {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

type showTallies struct {
	handles, kinds, recovery, forms, ns tally
	markers, prunedTurns, pruned        int
}

func (v *runView) tallies() showTallies {
	s := showTallies{handles: tally{}, kinds: tally{}, recovery: tally{}, forms: tally{}, ns: tally{}}
	for _, t := range v.turns {
		s.handles[t.Handle]++
		s.kinds[t.Kind]++
		if t.Recovery != "" {
			s.recovery[t.Recovery]++
		}
		for k, n := range t.forms {
			s.forms[k] += n
		}
		for k, n := range t.ns {
			s.ns[k] += n
		}
		s.markers += len(t.markers)
		if t.pruned > 0 {
			s.prunedTurns++
			s.pruned += t.pruned
		}
	}
	return s
}

func (v *runView) status() string { return v.sum.Status }

// resultText is the run's value or error, from run.end or result.edn.
func (v *runView) resultText() string {
	switch {
	case v.hasEnd && v.end.Has(trace.KeyError):
		return "✗ " + v.end.Str(trace.KeyError)
	case v.hasEnd && v.end.Has(trace.KeyValue):
		return v.end.Str(trace.KeyValue)
	case v.results != "":
		return strings.TrimSuffix(v.results, "\n")
	}
	return "-"
}

func showSummary(w io.Writer, v *runView) error {
	s := v.tallies()
	start := "-"
	if !v.sum.Start.IsZero() {
		start = v.sum.Start.UTC().Format("2006-01-02T15:04:05Z")
	}
	p := func(label, value string) { fmt.Fprintf(w, "%-11s %s\n", label+":", value) }
	p("Run", v.sum.ID)
	p("Started", start)
	p("Status", v.status())
	if task := v.start.Str(trace.KeyTask); task != "" {
		p("Task", trace.Abbrev(task, 100))
	} else if prog := v.start.Str(trace.KeyProgram); prog != "" {
		p("Program", trace.Abbrev(prog, 100))
	}
	if m := v.start.Str(trace.KeyModel); m != "" {
		p("Model", m)
	}
	p("Result", trace.Abbrev(v.resultText(), 100))
	p("Turns", fmt.Sprintf("%d (%s)", len(v.turns), s.handles.format(nil)))
	p("Kinds", s.kinds.format([]string{trace.KindSelf, trace.KindLeaf, trace.KindRecovery, trace.KindCompactB, trace.KindCompactC}))
	p("Recovery", s.recovery.format(nil))
	p("Forms", tally(s.forms).format(trackedForms))
	p("Namespaces", s.ns.format(nil))
	p("Pruning", fmt.Sprintf("%d markers (prune=%d rethink=%d); %d characters removed in %d turns",
		s.markers, s.forms["prune"], s.forms["rethink"], s.pruned, s.prunedTurns))
	errs := v.errors()
	if len(errs) == 0 {
		p("Errors", "none")
	} else {
		p("Errors", strconv.Itoa(len(errs)))
		for _, e := range errs {
			fmt.Fprintf(w, "  turn %d (%s/%d): %s — %s\n", e.Turn, e.Handle, e.N, trace.Abbrev(e.Error, 100), e.note)
		}
	}
	p("Cost", fmt.Sprintf("%s (%d calls, %d input / %d output tokens)", fmtCost(v.cost), v.calls, v.inTok, v.outTok))
	return nil
}

type turnJSON struct {
	Turn        int     `json:"turn"`
	Handle      string  `json:"handle"`
	N           int     `json:"n"`
	Kind        string  `json:"kind"`
	Depth       int     `json:"depth"`
	Parent      int     `json:"parent"`
	PrefixChars int     `json:"prefix_chars"`
	Pruned      int     `json:"pruned_chars"`
	InputTok    int64   `json:"input_tokens"`
	OutputTok   int64   `json:"output_tokens"`
	CostUSD     float64 `json:"cost_usd"`
	Recovery    string  `json:"recovery"`
	Value       *string `json:"value"`
	Error       *string `json:"error"`
}

type summaryJSON struct {
	Run        string         `json:"run"`
	Start      string         `json:"start"`
	Status     string         `json:"status"`
	Task       string         `json:"task"`
	Turns      int            `json:"turns"`
	Handles    map[string]int `json:"handles"`
	Kinds      map[string]int `json:"kinds"`
	Recovery   map[string]int `json:"recovery"`
	Forms      map[string]int `json:"forms"`
	Namespaces map[string]int `json:"namespaces"`
	Pruned     int            `json:"pruned_chars"`
	Errors     []errorInfo    `json:"errors"`
	Calls      int            `json:"calls"`
	InputTok   int64          `json:"input_tokens"`
	OutputTok  int64          `json:"output_tokens"`
	CostUSD    float64        `json:"cost_usd"`
	PerTurn    []turnJSON     `json:"per_turn"`
}

func (v *runView) summaryJSON() summaryJSON {
	s := v.tallies()
	out := summaryJSON{
		Run: v.sum.ID, Status: v.status(), Task: v.sum.Task, Turns: len(v.turns),
		Handles: s.handles, Kinds: s.kinds, Recovery: s.recovery, Forms: s.forms, Namespaces: s.ns,
		Pruned: s.pruned, Errors: v.errors(), Calls: v.calls, InputTok: v.inTok, OutputTok: v.outTok, CostUSD: v.cost,
		PerTurn: []turnJSON{},
	}
	if !v.sum.Start.IsZero() {
		out.Start = v.sum.Start.UTC().Format("2006-01-02T15:04:05Z")
	}
	if out.Errors == nil {
		out.Errors = []errorInfo{}
	}
	for _, t := range v.turns {
		size, _ := t.contextSizes()
		in, o := usageTokens(t.Usage)
		tj := turnJSON{Turn: t.Turn, Handle: t.Handle, N: t.N, Kind: t.Kind, Depth: t.Depth, Parent: t.Parent,
			PrefixChars: size, Pruned: t.pruned, InputTok: in, OutputTok: o, CostUSD: t.CostUSD, Recovery: t.Recovery}
		if t.HasValue {
			val := t.Value
			tj.Value = &val
		}
		if t.HasError {
			e := t.Error
			tj.Error = &e
		}
		out.PerTurn = append(out.PerTurn, tj)
	}
	return out
}

// ---- diff ----

func runTraceDiff(c *ucli.Context) error {
	const cmd = "spell trace diff"
	if c.NArg() != 2 {
		return usageError(cmd, "expected two runs, got %d arguments", c.NArg())
	}
	var views [2]*runView
	for i, arg := range c.Args().Slice() {
		r, err := openRun(cmd, arg)
		if err != nil {
			return err
		}
		v, err := loadRun(r)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
		}
		views[i] = v
	}
	a, b := views[0], views[1]
	key := func(t *turnView) string { return t.label() }
	inB := map[string]*turnView{}
	for _, t := range b.turns {
		inB[key(t)] = t
	}
	inA := map[string]bool{}
	type pair struct{ x, y *turnView }
	var pairs []pair
	for _, t := range a.turns {
		inA[key(t)] = true
		pairs = append(pairs, pair{t, inB[key(t)]})
	}
	for _, t := range b.turns {
		if !inA[key(t)] {
			pairs = append(pairs, pair{nil, t})
		}
	}
	for _, p := range pairs {
		xp, xc := turnTexts(p.x)
		yp, yc := turnTexts(p.y)
		if p.x != nil && p.y != nil && xp == yp && xc == yc {
			continue
		}
		w := c.App.Writer
		switch {
		case p.y == nil:
			fmt.Fprintf(w, "turn %s: only in %s (turn %d)\n", key(p.x), a.sum.ID, p.x.Turn)
		case p.x == nil:
			fmt.Fprintf(w, "turn %s: only in %s (turn %d)\n", key(p.y), b.sum.ID, p.y.Turn)
		default:
			fmt.Fprintf(w, "turn %s differs (%s turn %d, %s turn %d)\n", key(p.x), a.sum.ID, p.x.Turn, b.sum.ID, p.y.Turn)
		}
		label := key(p.x)
		if p.x == nil {
			label = key(p.y)
		}
		io.WriteString(w, udiff.Unified(a.sum.ID+"/"+label+".prompt", b.sum.ID+"/"+label+".prompt", withNL(xp), withNL(yp)))
		io.WriteString(w, udiff.Unified(a.sum.ID+"/"+label+".completion", b.sum.ID+"/"+label+".completion", withNL(xc), withNL(yc)))
		return silentExit(1)
	}
	return nil
}

// withNL ends a non-empty text with a newline, so that diffs do not report
// a missing one.
func withNL(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// turnTexts returns the prompt and completion of a turn as compared by
// diff. An unrecoverable prompt is represented by its recorded hash.
func turnTexts(t *turnView) (prompt, completion string) {
	if t == nil {
		return "", ""
	}
	prompt = t.prompt
	if !t.promptOK {
		prompt = "<prompt not recoverable; sha256 " + t.PromptSHA + ">\n"
	}
	switch {
	case t.HasCompletion:
		completion = t.Completion
	case t.Kind == trace.KindLeaf:
		completion = t.response
	case t.added >= 0:
		completion = t.program[t.added:]
	}
	return prompt, completion
}

// ---- export ----

func runTraceExport(c *ucli.Context) error {
	const cmd = "spell trace export"
	if !c.Bool("html") {
		return usageError(cmd, "missing --html (the only export format)")
	}
	arg, err := optionalRun(c, cmd)
	if err != nil {
		return err
	}
	r, err := openRun(cmd, arg)
	if err != nil {
		return err
	}
	v, err := loadRun(r)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %s: %v", cmd, r.Dir, err)}
	}
	page := renderHTML(v)
	out := c.String("o")
	if out == "-" {
		_, err := io.WriteString(c.App.Writer, page)
		return err
	}
	if out == "" {
		out = v.sum.ID + ".html"
	}
	if err := os.WriteFile(out, []byte(page), 0o644); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %s: %v", cmd, out, err)}
	}
	fmt.Fprintln(c.App.Writer, filepath.ToSlash(out))
	return nil
}

const exportCSS = `body{font-family:system-ui,sans-serif;margin:2em;max-width:110ch;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}
pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;word-wrap:break-word;font-family:ui-monospace,monospace;font-size:.9em}
mark.added{background:#d6f5d6;color:inherit}
del.pruned{background:#fbdada;color:#8a1f1f}
ins.runtime{background:#dde8fb;text-decoration:underline dotted}
.value{color:#185c18}.error{color:#a11}.meta{color:#666;font-size:.9em}
table{border-collapse:collapse}td,th{padding:.1em .8em;text-align:left}
.legend span{margin-right:1em}`

// renderHTML renders the run as one self-contained page: inline style, no
// scripts, every text HTML-escaped.
func renderHTML(v *runView) string {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>spell run %s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n", esc(v.sum.ID), exportCSS)
	fmt.Fprintf(&b, "<h1>Run %s</h1>\n<table>\n", esc(v.sum.ID))
	row := func(k, val string) { fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", esc(k), esc(val)) }
	if !v.sum.Start.IsZero() {
		row("Started", v.sum.Start.UTC().Format("2006-01-02T15:04:05Z"))
	}
	row("Status", v.status())
	if task := v.start.Str(trace.KeyTask); task != "" {
		row("Task", task)
	} else if prog := v.start.Str(trace.KeyProgram); prog != "" {
		row("Program", prog)
	}
	if m := v.start.Str(trace.KeyModel); m != "" {
		row("Model", m)
	}
	row("Result", v.resultText())
	row("Turns", strconv.Itoa(len(v.turns)))
	row("Cost", fmt.Sprintf("%s (%d calls, %d input / %d output tokens)", fmtCost(v.cost), v.calls, v.inTok, v.outTok))
	b.WriteString("</table>\n")
	b.WriteString(`<p class="legend"><span><mark class="added">added by the model</mark></span>` +
		`<span><del class="pruned">removed since the previous turn</del></span>` +
		`<span><ins class="runtime">spliced in by the runtime</ins></span></p>` + "\n")
	for _, t := range v.turns {
		fmt.Fprintf(&b, "<section id=\"turn-%d\">\n<h2>Turn %d · %s · %s · depth %d", t.Turn, t.Turn, esc(t.label()), esc(t.Kind), t.Depth)
		if t.Parent > 0 {
			fmt.Fprintf(&b, ` · from <a href="#turn-%d">turn %d</a>`, t.Parent, t.Parent)
		}
		b.WriteString("</h2>\n")
		if t.Kind == trace.KindLeaf {
			fmt.Fprintf(&b, "<p class=\"meta\">Prompt</p>\n<pre>%s</pre>\n<p class=\"meta\">Response</p>\n<pre><mark class=\"added\">%s</mark></pre>\n",
				esc(t.prompt), esc(t.response))
		} else {
			b.WriteString("<pre class=\"program\">")
			b.WriteString(programHTML(t))
			b.WriteString("</pre>\n")
		}
		switch {
		case t.HasError:
			fmt.Fprintf(&b, "<p class=\"error\">✗ %s", esc(t.Error))
			if t.Recovery != "" {
				fmt.Fprintf(&b, " <span class=\"meta\">(recovery: %s)</span>", esc(t.Recovery))
			}
			b.WriteString("</p>\n")
		case t.HasValue:
			fmt.Fprintf(&b, "<p class=\"value\">⇒ %s</p>\n", esc(t.Value))
		}
		if t.HasCall {
			in, out := usageTokens(t.Usage)
			fmt.Fprintf(&b, "<p class=\"meta\">%s · %d input / %d output tokens · %s · %d ms</p>\n",
				esc(t.Model), in, out, fmtCost(t.CostUSD), t.LatencyMS)
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// programHTML marks up a program: the prompt part as a token diff against
// the previous turn's program, the model's text highlighted.
func programHTML(t *turnView) string {
	esc := html.EscapeString
	if t.added < 0 {
		return esc(t.program)
	}
	var b strings.Builder
	if t.prev != nil && t.ops != nil {
		for _, op := range t.ops {
			switch op.kind {
			case opEq:
				b.WriteString(esc(op.text))
			case opDel:
				b.WriteString(`<del class="pruned">` + esc(op.text) + `</del>`)
			case opIns:
				b.WriteString(`<ins class="runtime">` + esc(op.text) + `</ins>`)
			}
		}
	} else {
		b.WriteString(esc(t.program[:t.added]))
	}
	if rest := t.program[t.added:]; rest != "" {
		b.WriteString(`<mark class="added">` + esc(rest) + `</mark>`)
	}
	return b.String()
}
