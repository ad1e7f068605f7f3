package provider

import (
	"strings"
	"sync"

	"github.com/spell-go/spell/syntax"
)

// PostProcess applies the response post-processing of runtime.md §8.4 to the
// raw text a transport extracted:
//
//   - pf: code-fence stripping;
//   - msg, tc: code-fence stripping, then echo stripping of the prefix;
//   - text (leaf calls): the text is returned unmodified.
//
// Think-block conversion (§8.4 step 4) is separate: see ConvertThink.
func PostProcess(t Transport, prefix, text string) string {
	switch t {
	case Prefill:
		return StripFence(text)
	case Message, ToolCall:
		return StripEcho(prefix, StripFence(text))
	}
	return text
}

// StripFence is the completion reader's code-fence rule (language.md §1.3
// step 1): if the trimmed text starts with three backticks, drop the first
// line (the fence and any language tag) and everything from the last closing
// triple backtick on, then trim. Other text is returned unchanged.
func StripFence(text string) string {
	body, _, _, ok := syntax.StripFence([]byte(text))
	if !ok {
		return text
	}
	return string(body)
}

// StripEcho drops an echoed prefix (§8.4 step 2): if text starts with prefix
// it is dropped; otherwise, if the whitespace-trimmed text starts with the
// whitespace-trimmed prefix, that part is dropped.
func StripEcho(prefix, text string) string {
	if prefix == "" {
		return text
	}
	if strings.HasPrefix(text, prefix) {
		return text[len(prefix):]
	}
	tp := strings.TrimSpace(prefix)
	if tp == "" {
		return text
	}
	tt := strings.TrimSpace(text)
	if strings.HasPrefix(tt, tp) {
		return tt[len(tp):]
	}
	return text
}

// ConvertThink turns a leading `<think>…</think>` block (after optional
// whitespace) into `(think "<escaped text>") ` at the start of the suffix
// (§8.4 step 4, OpenAI-compatible prefill with :convert-think?). The think
// text is trimmed; backslash, double quote, newline and tab are escaped.
// Text without a complete leading think block is returned unchanged.
func ConvertThink(text string) string {
	s := strings.TrimLeft(text, " \t\r\n")
	const open, closing = "<think>", "</think>"
	if !strings.HasPrefix(s, open) {
		return text
	}
	end := strings.Index(s, closing)
	if end < 0 {
		return text
	}
	inner := strings.TrimSpace(s[len(open):end])
	rest := strings.TrimLeft(s[end+len(closing):], " \t\r\n")
	return `(think "` + escapeThink(inner) + `") ` + rest
}

// thinkEscaper is built on first use, not at every start of spell
// (issue 11, start-up).
var (
	thinkEscaperOnce sync.Once
	thinkEscaper     *strings.Replacer
)

func escapeThink(s string) string {
	thinkEscaperOnce.Do(func() {
		thinkEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	})
	return thinkEscaper.Replace(s)
}
