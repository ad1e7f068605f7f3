package trace

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

const exportCSS = `body{font-family:system-ui,sans-serif;margin:2em;max-width:110ch;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}
pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;word-wrap:break-word;font-family:ui-monospace,monospace;font-size:.9em}
mark.added{background:#d6f5d6;color:inherit}
del.pruned{background:#fbdada;color:#8a1f1f}
ins.runtime{background:#dde8fb;text-decoration:underline dotted}
.value{color:#185c18}.error{color:#a11}.meta{color:#666;font-size:.9em}
table{border-collapse:collapse}td,th{padding:.1em .8em;text-align:left}
.legend span{margin-right:1em}`

// RenderHTML renders the run as one self-contained page: inline style, no
// scripts, every text HTML-escaped.
func RenderHTML(v *RunView) string {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>spell run %s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n", esc(v.Summary.ID), exportCSS)
	fmt.Fprintf(&b, "<h1>Run %s</h1>\n<table>\n", esc(v.Summary.ID))
	row := func(k, val string) { fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", esc(k), esc(val)) }
	if !v.Summary.Start.IsZero() {
		row("Started", v.Summary.Start.UTC().Format("2006-01-02T15:04:05Z"))
	}
	row("Status", v.Status())
	if task := v.Start.Str(KeyTask); task != "" {
		row("Task", task)
	} else if prog := v.Start.Str(KeyProgram); prog != "" {
		row("Program", prog)
	}
	if m := v.Start.Str(KeyModel); m != "" {
		row("Model", m)
	}
	row("Result", v.ResultText())
	row("Turns", strconv.Itoa(len(v.Turns)))
	row("Cost", fmt.Sprintf("%s (%d calls, %d input / %d output tokens)", FormatCost(v.Cost), v.Calls, v.InputTokens, v.OutputTokens))
	b.WriteString("</table>\n")
	b.WriteString(`<p class="legend"><span><mark class="added">added by the model</mark></span>` +
		`<span><del class="pruned">removed since the previous turn</del></span>` +
		`<span><ins class="runtime">spliced in by the runtime</ins></span></p>` + "\n")
	for _, t := range v.Turns {
		fmt.Fprintf(&b, "<section id=\"turn-%d\">\n<h2>Turn %d · %s · %s · depth %d", t.Turn, t.Turn, esc(t.Label()), esc(t.Kind), t.Depth)
		if t.Parent > 0 {
			fmt.Fprintf(&b, ` · from <a href="#turn-%d">turn %d</a>`, t.Parent, t.Parent)
		}
		b.WriteString("</h2>\n")
		if t.Kind == KindLeaf {
			fmt.Fprintf(&b, "<p class=\"meta\">Prompt</p>\n<pre>%s</pre>\n<p class=\"meta\">Response</p>\n<pre><mark class=\"added\">%s</mark></pre>\n",
				esc(t.Prompt), esc(t.Response))
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
			in, out := UsageTokens(t.Usage)
			fmt.Fprintf(&b, "<p class=\"meta\">%s · %d input / %d output tokens · %s · %d ms</p>\n",
				esc(t.Model), in, out, FormatCost(t.CostUSD), t.LatencyMS)
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// programHTML marks up a program: the prompt part as a token diff against
// the previous turn's program, the model's text highlighted.
func programHTML(t *TurnView) string {
	esc := html.EscapeString
	if t.Added < 0 {
		return esc(t.Program)
	}
	var b strings.Builder
	if t.Prev != nil && t.Ops != nil {
		for _, op := range t.Ops {
			switch op.Kind {
			case OpEq:
				b.WriteString(esc(op.Text))
			case OpDel:
				b.WriteString(`<del class="pruned">` + esc(op.Text) + `</del>`)
			case OpIns:
				b.WriteString(`<ins class="runtime">` + esc(op.Text) + `</ins>`)
			}
		}
	} else {
		b.WriteString(esc(t.Program[:t.Added]))
	}
	if rest := t.Program[t.Added:]; rest != "" {
		b.WriteString(`<mark class="added">` + esc(rest) + `</mark>`)
	}
	return b.String()
}
