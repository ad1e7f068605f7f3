// A small, tolerant reader of Spell's lexical structure (language.md §1.2) for structural editing
// and indentation in the client. It knows exactly what paredit needs: where every form starts
// and ends, which forms are collections (and where their delimiters are), and what is trivia
// (whitespace, commas, `;` and `#!` comments). It never fails: an unclosed collection runs to the
// end of the text (close === undefined) and a stray closer is skipped, so commands keep working
// on a buffer that is being typed.
//
// No vscode import: everything here runs under Node's test runner on plain strings.

export type Kind = 'list' | 'vector' | 'map' | 'set' | 'fn' | 'string' | 'regex' | 'atom' | 'prefixed' | 'discard';

export interface Form {
  kind: Kind;
  /** Offset of the first character (the prefix or opening delimiter included). */
  start: number;
  /** Offset just past the last character (past the closer; the end of the text when unclosed). */
  end: number;
  /** Collections: offset just past the opening delimiter. */
  innerStart?: number;
  /** Collections: offset of the closing delimiter, undefined when unclosed. */
  close?: number;
  /** Collections: the forms inside; prefixed/discard forms: the one form they apply to. */
  children: Form[];
  parent?: Form;
  /** Collections: the opening delimiter text (`(`, `#(`, `#{`, `#:ns{`, `[`, `{`). */
  open?: string;
  /** Strings/regexes: false when the closing quote is missing. */
  terminated?: boolean;
}

export interface Tree {
  text: string;
  forms: Form[];
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === ',';
}

/** A character that ends a symbol/number/keyword token (language.md §1.2). */
export function isDelimiter(ch: string): boolean {
  return isWhitespace(ch) || '()[]{}";@^`~\\'.includes(ch);
}

export function isCollection(f: Form): boolean {
  return f.innerStart !== undefined;
}

/** Reads the whole text. */
export function parse(text: string): Tree {
  const root: Form = { kind: 'list', start: 0, end: text.length, children: [] };
  const stack: Form[] = [root];
  // Prefix forms (`'`, `^`, `#_`) waiting for the form they apply to.
  const pending: Form[][] = [[]];
  let i = 0;
  const n = text.length;

  const top = (): Form => stack[stack.length - 1];
  const attach = (f: Form): void => {
    // Fill pending prefixes innermost first: `'#_x` etc.
    let form = f;
    const waiting = pending[pending.length - 1];
    while (waiting.length > 0) {
      const p = waiting[waiting.length - 1];
      p.children.push(form);
      form.parent = p;
      p.end = form.end;
      // `^meta form`: the metadata prefix holds two forms
      if (text[p.start] === '^' && p.children.length < 2) return;
      waiting.pop();
      form = p;
    }
    form.parent = top();
    top().children.push(form);
  };

  while (i < n) {
    const ch = text[i];
    if (isWhitespace(ch)) {
      i++;
      continue;
    }
    if (ch === ';' || (ch === '#' && text[i + 1] === '!')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '"' || (ch === '#' && text[i + 1] === '"')) {
      const start = i;
      i += ch === '#' ? 2 : 1;
      let terminated = false;
      while (i < n) {
        if (text[i] === '\\') {
          i += 2;
          continue;
        }
        if (text[i] === '"') {
          i++;
          terminated = true;
          break;
        }
        i++;
      }
      if (i > n) i = n;
      attach({ kind: ch === '#' ? 'regex' : 'string', start, end: i, children: [], terminated });
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{' || (ch === '#' && (text[i + 1] === '(' || text[i + 1] === '{'))) {
      const start = i;
      let open = ch;
      if (ch === '#') {
        open = text.slice(i, i + 2);
        i += 2;
      } else {
        i++;
      }
      const c = open[open.length - 1];
      const kind: Kind = open === '#(' ? 'fn' : open === '#{' ? 'set' : c === '(' ? 'list' : c === '[' ? 'vector' : 'map';
      const f: Form = { kind, start, end: n, innerStart: i, children: [], open };
      // The prefixes before the collection apply to it once it is closed; keep them aside.
      stack.push(f);
      pending.push([]);
      continue;
    }
    if (ch === '#' && text[i + 1] === ':' && /[^\s,()[\]{}";@^`~\\]/.test(text[i + 2] ?? ' ')) {
      // namespaced map #:ns{…}
      let j = i + 2;
      while (j < n && !isDelimiter(text[j])) j++;
      if (text[j] === '{') {
        const f: Form = { kind: 'map', start: i, end: n, innerStart: j + 1, children: [], open: text.slice(i, j + 1) };
        i = j + 1;
        stack.push(f);
        pending.push([]);
        continue;
      }
    }
    if (ch === ')' || ch === ']' || ch === '}') {
      const f = top();
      if (stack.length > 1 && CLOSERS[f.open![f.open!.length - 1]] === ch) {
        stack.pop();
        pending.pop();
        f.close = i;
        f.end = i + 1;
        i++;
        attach(f);
      } else if (stack.length > 1 && stack.slice(1).some((s) => CLOSERS[s.open![s.open!.length - 1]] === ch)) {
        // A closer of an outer collection: the inner ones are unclosed. Close them here
        // (without a closer) so the outer one gets its delimiter.
        while (CLOSERS[top().open![top().open!.length - 1]] !== ch) {
          const u = stack.pop()!;
          pending.pop();
          u.end = i;
          attach(u);
        }
        continue;
      } else {
        i++; // a stray closer: skip it
      }
      continue;
    }
    if (ch === "'" || ch === '^' || ch === '@' || ch === '`' || ch === '~' || (ch === '#' && (text[i + 1] === '_' || text[i + 1] === "'"))) {
      const start = i;
      let len = ch === '#' || (ch === '~' && text[i + 1] === '@') ? 2 : 1;
      const kind: Kind = ch === '#' && text[i + 1] === '_' ? 'discard' : 'prefixed';
      i += len;
      pending[pending.length - 1].push({ kind, start, end: i, children: [] });
      continue;
    }
    // An atom: symbol, number, keyword, character literal (`\a`, `\newline`, `\(`).
    const start = i;
    if (ch === '\\') {
      i += 2; // the escaped character itself, even a delimiter
    } else {
      i++;
    }
    while (i < n && !isDelimiter(text[i])) i++;
    if (i > n) i = n;
    attach({ kind: 'atom', start, end: i, children: [] });
  }
  // Unclosed collections run to the end of the text.
  while (stack.length > 1) {
    const u = stack.pop()!;
    pending.pop();
    u.end = n;
    attach(u);
  }
  // Dangling prefixes at the end: keep them as forms of their own.
  for (const p of pending[0]) {
    p.parent = root;
    root.children.push(p);
  }
  root.children.sort((a, b) => a.start - b.start);
  return { text, forms: root.children };
}

/** The parent's children list of f (the top-level forms for a top-level form). */
export function siblings(tree: Tree, f: Form): Form[] {
  return f.parent?.children ?? tree.forms;
}

/** The innermost collection whose inside contains offset (between its delimiters). */
export function enclosingCollection(tree: Tree, offset: number): Form | undefined {
  let best: Form | undefined;
  let level = tree.forms;
  for (;;) {
    let next: Form | undefined;
    for (const f of level) {
      const inner = descendToCollection(f, offset);
      if (inner) {
        next = inner;
        break;
      }
    }
    if (!next) return best;
    best = next;
    level = next.children;
  }
}

/** f itself or the collection under its prefixes, if offset lies inside its delimiters. */
function descendToCollection(f: Form, offset: number): Form | undefined {
  let g: Form | undefined = f;
  while (g && (g.kind === 'prefixed' || g.kind === 'discard')) g = g.children[0];
  if (!g || !isCollection(g)) return undefined;
  const closeAt = g.close ?? g.end;
  return g.innerStart! <= offset && offset <= closeAt ? g : undefined;
}

/** The string or regex whose inside contains offset (strictly after the opening quote). */
export function enclosingString(tree: Tree, offset: number): Form | undefined {
  const walk = (forms: Form[]): Form | undefined => {
    for (const f of forms) {
      if (f.start >= offset) return undefined;
      if (f.end < offset) continue;
      if (f.kind === 'string' || f.kind === 'regex') {
        const openLen = f.kind === 'regex' ? 2 : 1;
        const innerEnd = f.terminated ? f.end - 1 : f.end;
        if (f.start + openLen <= offset && offset <= innerEnd) return f;
        continue;
      }
      const r = walk(f.children);
      if (r) return r;
    }
    return undefined;
  };
  return walk(tree.forms);
}

/**
 * The form at offset among the children of the innermost collection (or the top level): the
 * child that contains offset, else the one starting right at offset, else the one ending right
 * before it.
 */
export function formAt(tree: Tree, offset: number): Form | undefined {
  const coll = enclosingCollection(tree, offset);
  const level = coll ? coll.children : tree.forms;
  let before: Form | undefined;
  for (const f of level) {
    if (f.start < offset && offset < f.end) return f;
    if (f.start === offset) return f;
    if (f.end === offset) before = f;
  }
  return before;
}

/**
 * A window of text around offset that the commands can read instead of the whole text (big
 * files): it starts at the beginning of a line, outside any string or collection, at or before
 * the top-level form before the one holding offset, and ends after the top-level form that
 * follows it (or at the end of the text). One scan without allocation; the caller parses only
 * the window.
 */
export function topLevelWindow(text: string, offset: number): { start: number; end: number } {
  const n = text.length;
  const starts: number[] = []; // top-level token starts at column 0, before offset
  let lastTop = -1; // the latest top-level token start <= offset
  let prevTop = -1; // the one before it
  let after = 0; // top-level forms started after offset
  let depth = 0;
  let afterPrefix = false;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ',' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === ';' || (ch === '#' && text[i + 1] === '!')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    // prefixes (`'`, `^`, `@`, `` ` ``, `~`, `#_`, `#'`) belong to the form that follows
    const prefix = ch === "'" || ch === '^' || ch === '@' || ch === '`' || ch === '~' || (ch === '#' && (text[i + 1] === '_' || text[i + 1] === "'"));
    if (depth === 0 && ch !== ')' && ch !== ']' && ch !== '}' && !afterPrefix) {
      if (i <= offset) {
        if (i > lastTop) {
          prevTop = lastTop;
          lastTop = i;
        }
        if (i === 0 || text[i - 1] === '\n') starts.push(i);
      } else if (++after === 4) {
        return { start: windowStart(starts, prevTop), end: i };
      }
    }
    afterPrefix = prefix && depth === 0; // the form after a prefix starts no new top-level form
    if (prefix) {
      i += ch === '#' ? 2 : 1;
      continue;
    }
    if (ch === '"' || (ch === '#' && text[i + 1] === '"')) {
      i += ch === '#' ? 2 : 1;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    i++;
  }
  return { start: windowStart(starts, prevTop), end: n };
}

function windowStart(starts: number[], before: number): number {
  // the latest column-0 top-level start at or before `before` (0 if none)
  let s = 0;
  for (let k = starts.length - 1; k >= 0; k--) {
    if (starts[k] <= before) {
      s = starts[k];
      break;
    }
  }
  return before < 0 ? 0 : s;
}

/** Text size from which the commands read a window instead of the whole text. */
export const WINDOW_FROM = 100_000;
