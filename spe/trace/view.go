package trace

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spell-go/spell/syntax"
)

// TrackedForms are the list heads counted by `trace show`, in output order.
var TrackedForms = []string{"think", "prune", "rethink", "!extend", "!call-now", "!peek", "!compact", "!llm-self",
	"!ask-await", "persist", "!print", "!describe", "leaf-llm", "future", "defn", "fn"}

// TurnView is one turn with its texts and what changed since the previous
// turn of its handle.
type TurnView struct {
	*TurnInfo
	Program    string // program text ("" for a leaf call)
	Prompt     string
	PromptOK   bool   // the prompt was recovered exactly
	Response   string // leaf response
	Added      int    // offset in Program where the model's text begins; -1 unknown
	Prev       *TurnView
	Ops        []Op           // token diff from Prev.Program to Program[:Added]
	Pruned     int            // characters removed since Prev
	Forms      map[string]int // tracked forms the model wrote
	Namespaces map[string]int // namespaces the model used
	Markers    []string       // prune/rethink forms the model wrote
}

// RunView is a run read for display by trace show, diff and export.
type RunView struct {
	Run          *Run
	Summary      Summary
	Events       []Event
	Turns        []*TurnView
	ByTurn       map[int]*TurnView
	Start        Event // run.start (zero when missing)
	End          Event // run.end (zero when missing)
	HasEnd       bool
	InputTokens  int64
	OutputTokens int64
	Calls        int
	Cost         float64
	Result       string // result.edn
}

// LoadView reads a run for display: its turns with their texts, the token
// diff of each program against its handle's previous one, and the totals.
func LoadView(r *Run) (*RunView, error) {
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
	v := &RunView{Run: r, Summary: sum, Events: events, ByTurn: map[int]*TurnView{}}
	for _, ev := range events {
		switch ev.Ev {
		case EvRunStart:
			v.Start = ev
		case EvRunEnd:
			v.End, v.HasEnd = ev, true
		case EvRunResume:
			v.HasEnd = false
		}
	}
	v.Result, _ = r.Result()
	// The predecessor of a program turn is the last program turn of its
	// handle at its depth: a nested !llm-self runs one level deeper, and
	// its caller's next turn continues the caller's context, not the
	// child's.
	type level struct {
		handle string
		depth  int
	}
	last := map[level]*TurnView{}
	for _, info := range infos {
		t := &TurnView{TurnInfo: info, Added: -1}
		if info.HasCall {
			v.Calls++
			v.Cost += info.CostUSD
			in, out := UsageTokens(info.Usage)
			v.InputTokens += in
			v.OutputTokens += out
		}
		if info.Kind == KindLeaf {
			t.Prompt, t.Response, err = r.Leaf(info.Turn)
			t.PromptOK = err == nil
			if !t.PromptOK && info.HasCompletion {
				t.Response = info.Completion
			}
		} else {
			t.Program = r.ProgramText(info)
			t.Prompt, t.PromptOK = r.Prompt(info)
			t.Added = addedOffset(t)
			if p := last[level{info.Handle, info.Depth}]; p != nil && t.Added >= 0 {
				if ops := TokenDiff(p.Program, t.Program[:t.Added]); SameContext(ops) {
					// A fresh context (a sub-task in tail position) has no
					// predecessor.
					t.Prev, t.Ops = p, ops
				}
				for _, op := range t.Ops {
					// Closers dropped by reopening are not pruning.
					if op.Kind == OpDel && !trivialText(op.Text) {
						t.Pruned += utf8.RuneCountInString(strings.TrimSpace(op.Text))
					}
				}
			}
			t.countForms()
			if t.Program != "" {
				last[level{info.Handle, info.Depth}] = t
			}
		}
		v.Turns = append(v.Turns, t)
		v.ByTurn[info.Turn] = t
	}
	if v.HasEnd && v.End.Has(KeyCostUSD) {
		v.Cost = v.End.Float(KeyCostUSD)
	}
	return v, nil
}

// FormatCost formats a cost in US dollars as the trace commands print it.
func FormatCost(c float64) string { return fmt.Sprintf("$%.4f", c) }

// UsageTokens returns input and output tokens of a usage map (§8.9).
func UsageTokens(u map[string]any) (in, out int64) {
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
func addedOffset(t *TurnView) int {
	if t.Program == "" {
		return -1
	}
	if t.PromptOK {
		if strings.HasPrefix(t.Program, t.Prompt) {
			return len(t.Prompt)
		}
		return commonPrefix(t.Program, t.Prompt)
	}
	if t.HasCompletion && t.Completion != "" {
		if i := strings.LastIndex(t.Program, t.Completion); i >= 0 {
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
func (t *TurnView) countForms() {
	t.Forms, t.Namespaces = map[string]int{}, map[string]int{}
	if t.Program == "" || t.Added < 0 {
		return
	}
	src := []byte(t.Program)
	f := syntax.Parse(ProgramFile(t.Turn), src)
	tracked := map[string]bool{}
	for _, name := range TrackedForms {
		tracked[name] = true
	}
	for _, form := range f.Forms {
		syntax.Walk(form, func(n *syntax.Node) bool {
			if int(n.End) <= t.Added {
				return false // entirely in the prompt
			}
			if int(n.Start) < t.Added {
				return true // straddles: look inside
			}
			switch n.Kind {
			case syntax.List:
				if len(n.Kids) > 0 && n.Kids[0].Kind == syntax.Symbol {
					head := n.Kids[0].Text(src)
					if tracked[head] {
						t.Forms[head]++
					}
					if head == "prune" || head == "rethink" {
						t.Markers = append(t.Markers, Abbrev(n.Text(src), 80))
					}
				}
			case syntax.Symbol:
				name := n.Text(src)
				if i := strings.IndexByte(name, '/'); i > 0 && i < len(name)-1 {
					t.Namespaces[name[:i]]++
				}
			}
			return true
		})
	}
}

// QuoteAbbrev is the first n characters of s, white space collapsed, in
// double quotes.
func QuoteAbbrev(s string, n int) string {
	a := Abbrev(s, n)
	if utf8.RuneCountInString(strings.Join(strings.Fields(s), " ")) > n {
		a += "…"
	}
	return strconv.Quote(a)
}

// Outcome is the value or error of a turn, abbreviated to n characters.
func (t *TurnView) Outcome(n int) string {
	switch {
	case t.HasError:
		return "✗ " + Abbrev(t.Error, n)
	case t.Kind == KindLeaf && t.PromptOK:
		return "⇒ " + QuoteAbbrev(t.Response, n)
	case t.HasValue:
		return "⇒ " + Abbrev(t.Value, n)
	case t.Interrupt:
		return "… interrupted"
	}
	return "…"
}

// PromptValue is the prompt of a turn as a tree shows it (runtime.md
// §3.2 distinguishes the prompt value from the prefix it becomes): the
// leaf prompt of a leaf call; for a program turn, the task string T of the
// fresh context W(T) = (quine completion (eval (do (quine prompt "T") …
// that the prefix holds, else the prefix itself. ok is false when the
// prompt was not recovered.
func (t *TurnView) PromptValue() (string, bool) {
	if !t.PromptOK {
		return "", false
	}
	if t.Kind == KindLeaf {
		return t.Prompt, true
	}
	if task, ok := quinePrompt(t.Prompt); ok {
		return task, true
	}
	return t.Prompt, true
}

// quinePrompt finds the first (quine prompt "T") form of a program text
// outside strings and returns T.
func quinePrompt(text string) (string, bool) {
	src := []byte(text)
	f := syntax.Parse("prompt", src)
	found, task := false, ""
	for _, form := range f.Forms {
		syntax.Walk(form, func(n *syntax.Node) bool {
			if found {
				return false
			}
			k := n.Kids
			if n.Kind != syntax.List || len(k) != 3 || k[0].Kind != syntax.Symbol || k[1].Kind != syntax.Symbol ||
				k[2].Kind != syntax.String || k[0].Text(src) != "quine" || k[1].Text(src) != "prompt" {
				return true
			}
			s, err := syntax.UnquoteString(k[2].Text(src))
			found, task = err == nil, s
			return false
		})
		if found {
			break
		}
	}
	return task, found
}

// Label names the turn by handle and call number (main/2).
func (t *TurnView) Label() string { return fmt.Sprintf("%s/%d", t.Handle, t.N) }

// ContextSizes returns the prefix size in characters and its change since
// the previous prefix of the handle ("" for the first).
func (t *TurnView) ContextSizes() (int, string) {
	size := utf8.RuneCountInString(t.Prompt)
	if t.Prev == nil || !t.Prev.PromptOK {
		return size, "+" + strconv.Itoa(size)
	}
	d := size - utf8.RuneCountInString(t.Prev.Prompt)
	if d >= 0 {
		return size, "+" + strconv.Itoa(d)
	}
	return size, strconv.Itoa(d)
}

// Next returns the turn whose predecessor is t.
func (v *RunView) Next(t *TurnView) *TurnView {
	for _, u := range v.Turns {
		if u.Prev == t {
			return u
		}
	}
	return nil
}

// TurnError is one turn error and what recovered it.
type TurnError struct {
	Turn        int    `json:"turn"`
	Handle      string `json:"handle"`
	N           int    `json:"n"`
	Error       string `json:"error"`
	Recovery    string `json:"recovery"`
	RecoveredBy int    `json:"recovered_by,omitempty"`
	Note        string `json:"-"` // how it was recovered, for the summary
}

// Errors lists the turns that ended in an error.
func (v *RunView) Errors() []TurnError {
	var list []TurnError
	for i, t := range v.Turns {
		if !t.HasError {
			continue
		}
		e := TurnError{Turn: t.Turn, Handle: t.Handle, N: t.N, Error: t.Error, Recovery: t.Recovery}
		if t.Recovery == RecoveryNamespaceFixup {
			e.Note = "fixed by namespace fix-up"
		} else if t.Recovery != RecoveryNone {
			for _, u := range v.Turns[i+1:] {
				if u.Handle == t.Handle && u.Kind == KindRecovery {
					e.RecoveredBy = u.Turn
					e.Note = fmt.Sprintf("recovered by turn %d", u.Turn)
					break
				}
			}
		}
		if e.Note == "" {
			e.Note = "not recovered"
		}
		list = append(list, e)
	}
	return list
}

// Tally counts occurrences by name.
type Tally map[string]int

// Format lists the counts as name=n, in the given order or sorted.
func (m Tally) Format(order []string) string {
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

// Counts are a run's tallies for the summary.
type Counts struct {
	Handles, Kinds, Recovery, Forms, Namespaces Tally
	Markers, PrunedTurns, Pruned                int
}

func (v *RunView) Counts() Counts {
	s := Counts{Handles: Tally{}, Kinds: Tally{}, Recovery: Tally{}, Forms: Tally{}, Namespaces: Tally{}}
	for _, t := range v.Turns {
		s.Handles[t.Handle]++
		s.Kinds[t.Kind]++
		if t.Recovery != "" {
			s.Recovery[t.Recovery]++
		}
		for k, n := range t.Forms {
			s.Forms[k] += n
		}
		for k, n := range t.Namespaces {
			s.Namespaces[k] += n
		}
		s.Markers += len(t.Markers)
		if t.Pruned > 0 {
			s.PrunedTurns++
			s.Pruned += t.Pruned
		}
	}
	return s
}

// Status is the run status of the summary.
func (v *RunView) Status() string { return v.Summary.Status }

// ResultText is the run's value or error, from run.end or result.edn.
func (v *RunView) ResultText() string {
	switch {
	case v.HasEnd && v.End.Has(KeyError):
		return "✗ " + v.End.Str(KeyError)
	case v.HasEnd && v.End.Has(KeyValue):
		return v.End.Str(KeyValue)
	case v.Result != "":
		return strings.TrimSuffix(v.Result, "\n")
	}
	return "-"
}

// JSONTurn is one per-turn row of `trace show --json`.
type JSONTurn struct {
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

// JSONSummary is `trace show --json`.
type JSONSummary struct {
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
	Errors     []TurnError    `json:"errors"`
	Calls      int            `json:"calls"`
	InputTok   int64          `json:"input_tokens"`
	OutputTok  int64          `json:"output_tokens"`
	CostUSD    float64        `json:"cost_usd"`
	PerTurn    []JSONTurn     `json:"per_turn"`
}

// JSON is the summary with its per-turn rows.
func (v *RunView) JSON() JSONSummary {
	s := v.Counts()
	out := JSONSummary{
		Run: v.Summary.ID, Status: v.Status(), Task: v.Summary.Task, Turns: len(v.Turns),
		Handles: s.Handles, Kinds: s.Kinds, Recovery: s.Recovery, Forms: s.Forms, Namespaces: s.Namespaces,
		Pruned: s.Pruned, Errors: v.Errors(), Calls: v.Calls, InputTok: v.InputTokens, OutputTok: v.OutputTokens, CostUSD: v.Cost,
		PerTurn: []JSONTurn{},
	}
	if !v.Summary.Start.IsZero() {
		out.Start = v.Summary.Start.UTC().Format("2006-01-02T15:04:05Z")
	}
	if out.Errors == nil {
		out.Errors = []TurnError{}
	}
	for _, t := range v.Turns {
		size, _ := t.ContextSizes()
		in, o := UsageTokens(t.Usage)
		tj := JSONTurn{Turn: t.Turn, Handle: t.Handle, N: t.N, Kind: t.Kind, Depth: t.Depth, Parent: t.Parent,
			PrefixChars: size, Pruned: t.Pruned, InputTok: in, OutputTok: o, CostUSD: t.CostUSD, Recovery: t.Recovery}
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

// DiffTexts returns the prompt and completion of a turn as compared by
// diff. An unrecoverable prompt is represented by its recorded hash.
func DiffTexts(t *TurnView) (prompt, completion string) {
	if t == nil {
		return "", ""
	}
	prompt = t.Prompt
	if !t.PromptOK {
		prompt = "<prompt not recoverable; sha256 " + t.PromptSHA + ">\n"
	}
	switch {
	case t.HasCompletion:
		completion = t.Completion
	case t.Kind == KindLeaf:
		completion = t.Response
	case t.Added >= 0:
		completion = t.Program[t.Added:]
	}
	return prompt, completion
}

// FirstDifference pairs the turns of two runs by label (handle and call
// number), in the order of a and then the turns only in b, and returns the
// first pair whose prompt or completion differs (DiffTexts). One side is
// nil for a turn present in only one run. differ is false when the runs
// agree.
func FirstDifference(a, b *RunView) (x, y *TurnView, differ bool) {
	inB := map[string]*TurnView{}
	for _, t := range b.Turns {
		inB[t.Label()] = t
	}
	inA := map[string]bool{}
	type pair struct{ x, y *TurnView }
	var pairs []pair
	for _, t := range a.Turns {
		inA[t.Label()] = true
		pairs = append(pairs, pair{t, inB[t.Label()]})
	}
	for _, t := range b.Turns {
		if !inA[t.Label()] {
			pairs = append(pairs, pair{nil, t})
		}
	}
	for _, p := range pairs {
		xp, xc := DiffTexts(p.x)
		yp, yc := DiffTexts(p.y)
		if p.x != nil && p.y != nil && xp == yp && xc == yc {
			continue
		}
		return p.x, p.y, true
	}
	return nil, nil, false
}

// Skeleton is a program with every string literal longer than n characters
// cut to n characters and an ellipsis; turn names the program file in
// parse positions.
func Skeleton(program string, turn, n int) string {
	src := []byte(program)
	f := syntax.Parse(ProgramFile(turn), src)
	var b strings.Builder
	last := 0
	visit := func(node *syntax.Node) bool {
		if node.Kind != syntax.String {
			return true
		}
		body := string(src[node.Start+1 : node.End])
		body = strings.TrimSuffix(body, `"`)
		if utf8.RuneCountInString(body) > n {
			cut := string([]rune(body)[:n])
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
	return b.String()
}
