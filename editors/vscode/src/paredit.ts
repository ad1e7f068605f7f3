// Structural editing (paredit) on plain strings: every command takes the text and the cursor
// (or selection) as offsets and returns the edits to apply and where the cursor goes, or
// undefined when the command does not apply (e.g. slurp with nothing to slurp). The edits keep
// the brackets balanced: they only move, remove or add delimiter pairs, never one half.
//
// The forms and their ranges come from sexp.ts (the client's reader of Spell's lexical syntax),
// so commands work on a buffer with errors and never wait for the server. The only command that
// asks the server is "expand selection", which prefers the server's selection ranges (the CST)
// and uses these ranges as the fallback (see paredit-commands.ts).
//
// No vscode import: tested under Node on strings (test/unit/paredit.test.js).

import { Form, Tree, WINDOW_FROM, enclosingCollection, enclosingString, formAt, isCollection, parse, siblings, topLevelWindow } from './sexp';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Result {
  /** Non-overlapping edits in offsets of the original text. */
  edits: Edit[];
  /** The cursor in the new text. */
  cursor: number;
  /** A selection in the new text (anchor = start, active = end), if the command selects. */
  selection?: { start: number; end: number };
  /** The text removed by kill. */
  killed?: string;
}

/** Applies edits (offsets of the original text) to text. */
export function applyEdits(text: string, edits: Edit[]): string {
  // Back to front; edits at the same position keep their list order in the result.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.e.end - a.e.end || b.i - a.i);
  let out = text;
  for (const { e } of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Maps an offset of the original text through the edits (insertions at the offset go after it). */
export function mapOffset(offset: number, edits: Edit[], stickAfter = false): number {
  let delta = 0;
  for (const e of edits) {
    if (e.end <= offset && (stickAfter || !(e.start === e.end && e.start === offset))) {
      delta += e.text.length - (e.end - e.start);
    } else if (e.start < offset && offset < e.end) {
      delta += e.start - offset; // inside a deleted range: move to its start
    }
  }
  return offset + delta;
}

function result(edits: Edit[], cursor: number, stickAfter = false): Result {
  return { edits, cursor: mapOffset(cursor, edits, stickAfter) };
}

/** The form as it appears among its parent's children: the collection with its prefixes. */
function outermost(f: Form): Form {
  let g = f;
  while (g.parent && (g.parent.kind === 'prefixed' || g.parent.kind === 'discard')) g = g.parent;
  return g;
}

/** The closed collection around offset, or undefined. */
function closedCollection(tree: Tree, offset: number): Form | undefined {
  const c = enclosingCollection(tree, offset);
  return c && c.close !== undefined ? c : undefined;
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /[\s,]/.test(ch);
}

/** `(a |b) c` → `(a |b c)`: the next form after the enclosing collection moves into it. */
function slurpForwardWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const coll = closedCollection(tree, offset);
  if (!coll) return undefined;
  const self = outermost(coll);
  const sibs = siblings(tree, self);
  const next = sibs[sibs.indexOf(self) + 1];
  if (!next) return undefined;
  const closer = text[coll.close!];
  // An empty collection also loses the space between it and the slurped form.
  const to = coll.children.length === 0 ? next.start : coll.close! + 1;
  return result(
    [
      { start: coll.close!, end: to, text: '' },
      { start: next.end, end: next.end, text: closer },
    ],
    offset,
  );
}

/** `(a b |c)` → `(a b) |c`: the last form of the enclosing collection moves out. */
function barfForwardWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const coll = closedCollection(tree, offset);
  if (!coll || coll.children.length === 0) return undefined;
  const closer = text[coll.close!];
  const kids = coll.children;
  const last = kids[kids.length - 1];
  const at = kids.length >= 2 ? kids[kids.length - 2].end : coll.innerStart!;
  const insert = isSpace(text[at]) ? closer : closer + ' ';
  // Delete the closer together with the whitespace before it (the last form's trailing space).
  let from = coll.close!;
  while (from > last.end && isSpace(text[from - 1])) from--;
  return result(
    [
      { start: at, end: at, text: insert },
      { start: from, end: coll.close! + 1, text: '' },
    ],
    offset,
  );
}

/** `a (|b)` → `(a |b)`: the form before the enclosing collection moves into it. */
function slurpBackwardWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const coll = closedCollection(tree, offset);
  if (!coll) return undefined;
  const self = outermost(coll);
  const sibs = siblings(tree, self);
  const i = sibs.indexOf(self);
  if (i <= 0) return undefined;
  const prev = sibs[i - 1];
  const opener = text.slice(self.start, coll.innerStart!);
  const from = coll.children.length === 0 ? prev.end : self.start;
  return result(
    [
      { start: prev.start, end: prev.start, text: opener },
      { start: from, end: coll.innerStart!, text: '' },
    ],
    offset,
  );
}

/** `(a| b c)` → `a| (b c)`: the first form of the enclosing collection moves out. */
function barfBackwardWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const coll = closedCollection(tree, offset);
  if (!coll || coll.children.length === 0) return undefined;
  const self = outermost(coll);
  const opener = text.slice(self.start, coll.innerStart!);
  const kids = coll.children;
  const first = kids[0];
  const edits: Edit[] = [];
  // Delete the opener together with the whitespace after it.
  let to = coll.innerStart!;
  while (to < first.start && isSpace(text[to])) to++;
  edits.push({ start: self.start, end: to, text: '' });
  if (kids.length >= 2) {
    edits.push({ start: kids[1].start, end: kids[1].start, text: opener });
  } else {
    edits.push({ start: coll.close!, end: coll.close!, text: ' ' + opener });
  }
  // A cursor on the second form stays on it, inside the moved opener.
  return result(edits, offset, kids.length >= 2 && offset === kids[1].start);
}

/** `(a (b |c) d)` → `(a |c d)`: the form at the cursor replaces its enclosing collection. */
function raiseWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const f = formAt(tree, offset);
  if (!f) return undefined;
  const coll = f.parent;
  if (!coll || !isCollection(coll) || coll.close === undefined) return undefined;
  const body = text.slice(f.start, f.end);
  const cursorIn = Math.min(Math.max(offset - f.start, 0), body.length);
  return { edits: [{ start: coll.start, end: coll.end, text: body }], cursor: coll.start + cursorIn };
}

/** `(a (b |c) d)` → `(a b |c d)`: the enclosing collection's delimiters go. */
function spliceWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  const coll = closedCollection(tree, offset);
  if (!coll) return undefined;
  return result(
    [
      { start: coll.start, end: coll.innerStart!, text: '' },
      { start: coll.close!, end: coll.end, text: '' },
    ],
    offset,
  );
}

/**
 * Wraps the selection, or the form at the cursor, in open/close; the cursor goes after the
 * opener. With neither, inserts an empty pair.
 */
function wrapWhole(text: string, start: number, end: number, open: string, close: string): Result {
  if (start === end) {
    const tree = parse(text);
    const f = formAt(tree, start);
    if (f) {
      start = outermost(f).start;
      end = outermost(f).end;
    }
  }
  if (start > end) [start, end] = [end, start];
  return {
    edits: [
      { start, end: start, text: open },
      { start: end, end, text: close },
    ],
    cursor: start + open.length,
  };
}

/**
 * Kill to the end of the form: deletes from the cursor to the end of the enclosing string or
 * collection (up to, not including, its closer). At the top level, deletes to the end of the
 * form at the cursor. The text removed is in `killed`.
 */
function killToEndWhole(text: string, offset: number): Result | undefined {
  const tree = parse(text);
  // Never split a character literal (`\)`): start at its backslash.
  const at = formAt(tree, offset);
  if (at && at.kind === 'atom' && text[at.start] === '\\' && at.start < offset && offset < at.end) offset = at.start;
  let end: number | undefined;
  const s = enclosingString(tree, offset);
  if (s) {
    end = s.terminated ? s.end - 1 : s.end;
  } else {
    const coll = enclosingCollection(tree, offset);
    if (coll) {
      end = coll.close ?? coll.end;
    } else {
      const f = formAt(tree, offset);
      if (f && f.end > offset) end = f.end;
    }
  }
  if (end === undefined || end <= offset) return undefined;
  return { edits: [{ start: offset, end, text: '' }], cursor: offset, killed: text.slice(offset, end) };
}

/**
 * The next larger range around [start, end) made of forms: the form at the cursor, then the
 * inside of the enclosing collection, then the collection itself, up to the top-level form.
 * Used when the server's selection ranges are not available.
 */
function expandSelectionWhole(text: string, start: number, end: number): { start: number; end: number } | undefined {
  const tree = parse(text);
  const candidates: { start: number; end: number }[] = [];
  const walk = (forms: Form[]): void => {
    for (const f of forms) {
      if (f.end < start || f.start > end) continue;
      candidates.push({ start: f.start, end: f.end });
      if (isCollection(f)) {
        candidates.push({ start: f.innerStart!, end: f.close ?? f.end });
      }
      if (f.kind === 'string' || f.kind === 'regex') {
        const open = f.kind === 'regex' ? 2 : 1;
        candidates.push({ start: f.start + open, end: f.terminated ? f.end - 1 : f.end });
      }
      walk(f.children);
    }
  };
  walk(tree.forms);
  let best: { start: number; end: number } | undefined;
  for (const c of candidates) {
    const contains = c.start <= start && end <= c.end;
    const larger = c.end - c.start > end - start;
    if (contains && larger && (!best || c.end - c.start < best.end - best.start)) best = c;
  }
  return best;
}
export const slurpForward = windowed(slurpForwardWhole);
export const barfForward = windowed(barfForwardWhole);
export const slurpBackward = windowed(slurpBackwardWhole);
export const barfBackward = windowed(barfBackwardWhole);
export const raise = windowed(raiseWhole);
export const splice = windowed(spliceWhole);
export const killToEnd = windowed(killToEndWhole);

// Big texts: the commands read only the window of top-level forms around the cursor
// (sexp.topLevelWindow), so a command costs the same in a 5 MB file as in a small one.

function shift(r: Result, by: number): Result {
  const out: Result = { ...r, edits: r.edits.map((e) => ({ start: e.start + by, end: e.end + by, text: e.text })), cursor: r.cursor + by };
  if (r.selection) out.selection = { start: r.selection.start + by, end: r.selection.end + by };
  return out;
}

function windowed(op: (text: string, offset: number) => Result | undefined) {
  return (text: string, offset: number): Result | undefined => {
    if (text.length < WINDOW_FROM) return op(text, offset);
    const w = topLevelWindow(text, offset);
    const r = op(text.slice(w.start, w.end), offset - w.start);
    return r && shift(r, w.start);
  };
}

/**
 * Wraps the selection, or the form at the cursor, in open/close; the cursor goes after the
 * opener. With neither, inserts an empty pair.
 */
export function wrap(text: string, start: number, end: number, open: string, close: string): Result {
  if (start !== end || text.length < WINDOW_FROM) return wrapWhole(text, start, end, open, close);
  const w = topLevelWindow(text, start);
  return shift(wrapWhole(text.slice(w.start, w.end), start - w.start, start - w.start, open, close), w.start);
}

/**
 * The next larger range around [start, end) made of forms: the form at the cursor, then the
 * inside of the enclosing collection, then the collection itself, up to the top-level form.
 * Used when the server's selection ranges are not available.
 */
export function expandSelection(text: string, start: number, end: number): { start: number; end: number } | undefined {
  if (text.length < WINDOW_FROM) return expandSelectionWhole(text, start, end);
  const w = topLevelWindow(text, start);
  if (end > w.end) return undefined;
  const r = expandSelectionWhole(text.slice(w.start, w.end), start - w.start, end - w.start);
  return r && { start: r.start + w.start, end: r.end + w.start };
}

/** The operations on the whole text, without the window (for tests). */
export const whole = {
  slurpForward: slurpForwardWhole,
  barfForward: barfForwardWhole,
  slurpBackward: slurpBackwardWhole,
  barfBackward: barfBackwardWhole,
  raise: raiseWhole,
  splice: spliceWhole,
  killToEnd: killToEndWhole,
  expandSelection: expandSelectionWhole,
};
