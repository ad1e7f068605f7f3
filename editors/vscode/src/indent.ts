// Lisp indentation of a line, by the formatter's rules (tooling.md §3.1 items 3–5), computed in
// the client from sexp.ts so it also works while the buffer is unbalanced (the server's
// formatter refuses files with syntax errors). Used for Enter (on-type formatting with "\n")
// and checked against `spell fmt`'s output in test/unit/indent.test.js.
//
// Columns count UTF-16 code units (VS Code's); the formatter counts code points, so the two
// differ only on lines with astral-plane characters before the opening delimiter.

import { Form, Tree, WINDOW_FROM, enclosingString, parse, topLevelWindow } from './sexp';

type Rule = { inner: true } | { block: number } | undefined;

const INNER0 = new Set(['fn', 'fn*', 'defn', 'defmacro', 'def', 'define', 'persist']);
const BLOCK0 = new Set(['do', 'try', 'future', 'cond', 'eval']);
const BLOCK1 = new Set([
  'let', 'loop', 'for', 'if', 'when', 'when-let', 'if-let', 'when-some', 'if-some', 'case', 'catch',
  'quine', 'think', 'rethink', 'reopen', 'cond->', 'cond->>', 'some->', 'some->>', 'blocking/plet',
]);

function headName(text: string, f: Form): string | undefined {
  const head = kids(f)[0];
  if (!head || head.kind !== 'atom') return undefined;
  const name = text.slice(head.start, head.end);
  return /^[^0-9:\\]/.test(name) && !/^[+-][0-9]/.test(name) ? name : undefined;
}

function ruleFor(text: string, f: Form): Rule {
  const name = headName(text, f);
  if (name === undefined) return undefined;
  if (INNER0.has(name)) return { inner: true };
  if (BLOCK0.has(name)) return { block: 0 };
  if (name === 'rethink') {
    const a = kids(f)[1];
    if (a && a.kind === 'atom' && /^[+-]?[0-9]/.test(text.slice(a.start, a.end))) return { block: 2 };
  }
  if (BLOCK1.has(name)) return { block: 1 };
  if (name === 'as->') return { block: 2 };
  return undefined;
}

/** Line-start offsets of text. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

class Lines {
  private starts: number[];
  constructor(private text: string) {
    this.starts = lineStarts(text);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  column(offset: number): number {
    return offset - this.starts[this.line(offset)];
  }
  /** Whether only whitespace precedes offset on its line. */
  startsLine(offset: number): boolean {
    const s = this.starts[this.line(offset)];
    return /^[ \t,]*$/.test(this.text.slice(s, offset));
  }
}

/** The innermost collection open at offset: opened before it, closed (if at all) at or after it. */
function openAt(tree: Tree, offset: number): Form | undefined {
  let best: Form | undefined;
  const walk = (forms: Form[]): void => {
    for (const f of forms) {
      if (f.start >= offset) return;
      if (f.innerStart !== undefined && f.innerStart <= offset && (f.close === undefined ? f.end >= offset : f.close >= offset)) {
        best = f;
        walk(f.children);
        return;
      }
      if (f.end > offset) {
        walk(f.children); // a prefixed collection
        return;
      }
    }
  };
  walk(tree.forms);
  return best;
}

/** The column of a collection's opening delimiter: its last character (the `{` of `#{`). */
function openColumn(lines: Lines, f: Form): number {
  return lines.column(f.innerStart! - 1);
}

/**
 * The indentation (in columns) of the line starting at lineStart, or undefined when the line
 * starts inside a string (never re-indented). The line's own content is part of text.
 */
export function indentAt(text: string, lineStart: number, tree: Tree = parse(text)): number | undefined {
  if (enclosingString(tree, lineStart)) return undefined;
  // Skip the line's leading whitespace: the indentation is computed for its first token.
  let first = lineStart;
  while (first < text.length && (text[first] === ' ' || text[first] === '\t')) first++;
  const f = openAt(tree, first);
  if (!f) return 0;
  const lines = new Lines(text);
  const col = openColumn(lines, f);
  if (f.kind === 'vector' || f.kind === 'map' || f.kind === 'set') return col + 1;
  // list style and the table
  const wrapper = wrapperQuine(text, f, lines);
  if (wrapper !== undefined) return wrapper;
  const rule = ruleFor(text, f);
  if (rule && 'inner' in rule) return col + 2;
  if (rule && 'block' in rule) {
    const arg = kids(f)[1 + rule.block];
    if (!arg || lines.startsLine(arg.start)) return col + 2;
  }
  return listStyle(f, lines, col, first);
}

function listStyle(f: Form, lines: Lines, col: number, first: number): number {
  const head = kids(f)[0];
  const arg = kids(f)[1];
  // Aligned with the first argument once it is printed (before this line), on the head's line.
  if (head && arg && arg.start < first && lines.line(arg.start) === lines.line(head.start)) return lines.column(arg.start);
  return col + 1;
}

/** The forms of a collection as the formatter sees them: `#_` discards are trivia. */
function kids(f: Form): Form[] {
  return f.children.filter((k) => k.kind !== 'discard');
}

/**
 * The wrapper rule (§3.1 item 5): in `(quine NAME (eval (do` opened on one line, the lines at the
 * direct level of that `do` are indented 2 from the quine's opening parenthesis.
 */
function wrapperQuine(text: string, f: Form, lines: Lines): number | undefined {
  if (headName(text, f) !== 'do') return undefined;
  const ev = f.parent;
  if (!ev || ev.kind !== 'list' || headName(text, ev) !== 'eval' || kids(ev)[1] !== f) return undefined;
  const q = ev.parent;
  if (!q || q.kind !== 'list' || headName(text, q) !== 'quine' || kids(q)[2] !== ev) return undefined;
  if (text.slice(q.start, f.innerStart!).includes('\n')) return undefined;
  return openColumn(lines, q) + 2;
}

/**
 * The edit that re-indents the line starting at lineStart: replaces its leading spaces/tabs.
 * Undefined when nothing changes.
 */
export function reindentLine(text: string, lineStart: number): { start: number; end: number; text: string } | undefined {
  let want: number | undefined;
  if (text.length < WINDOW_FROM) {
    want = indentAt(text, lineStart);
  } else {
    // a big text: read only the top-level forms around the line (the window starts a line)
    const w = topLevelWindow(text, lineStart);
    want = indentAt(text.slice(w.start, w.end), lineStart - w.start);
  }
  if (want === undefined) return undefined;
  let end = lineStart;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const have = text.slice(lineStart, end);
  const indent = ' '.repeat(want);
  return have === indent ? undefined : { start: lineStart, end, text: indent };
}
