// VS Code commands for structural editing (paredit.ts) and Lisp indentation on Enter
// (indent.ts). Every command reads the document text, runs the string function and applies its
// edits as one undoable step.
import * as vscode from 'vscode';
import * as paredit from './paredit';
import { reindentLine } from './indent';

type Op = (text: string, offset: number) => paredit.Result | undefined;

/** Command id → string operation at the cursor. */
export const CURSOR_COMMANDS: Record<string, Op> = {
  'spell.paredit.slurpForward': paredit.slurpForward,
  'spell.paredit.barfForward': paredit.barfForward,
  'spell.paredit.slurpBackward': paredit.slurpBackward,
  'spell.paredit.barfBackward': paredit.barfBackward,
  'spell.paredit.raise': paredit.raise,
  'spell.paredit.splice': paredit.splice,
  'spell.paredit.killToEnd': paredit.killToEnd,
};

export const WRAP_COMMANDS: Record<string, [string, string]> = {
  'spell.paredit.wrapParens': ['(', ')'],
  'spell.paredit.wrapBrackets': ['[', ']'],
  'spell.paredit.wrapBraces': ['{', '}'],
};

async function apply(editor: vscode.TextEditor, r: paredit.Result): Promise<void> {
  const doc = editor.document;
  const ok = await editor.edit((b) => {
    for (const e of r.edits) {
      const range = new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end));
      if (e.text === '') b.delete(range);
      else if (e.start === e.end) b.insert(range.start, e.text);
      else b.replace(range, e.text);
    }
  });
  if (!ok) return;
  const at = editor.document.positionAt(r.cursor);
  editor.selection = r.selection
    ? new vscode.Selection(editor.document.positionAt(r.selection.start), editor.document.positionAt(r.selection.end))
    : new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at));
}

function spellEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  return e && e.document.languageId === 'spell' ? e : undefined;
}

/** Selections pushed by "expand", popped by "shrink" (per document, reset when the user moves). */
const expandHistory = new Map<string, vscode.Selection[]>();

/** The smallest range among candidates that strictly contains [start, end) (offsets). */
export function nextLarger(candidates: { start: number; end: number }[], start: number, end: number) {
  let best: { start: number; end: number } | undefined;
  for (const c of candidates) {
    if (c.start <= start && end <= c.end && c.end - c.start > end - start) {
      if (!best || c.end - c.start < best.end - best.start) best = c;
    }
  }
  return best;
}

/**
 * Expand selection: the next enclosing range from the language server's selection ranges (the
 * CST, lsp/selection.go); the client's reader when the server gives none (not running, or the
 * selection already covers its largest range).
 */
async function expandSelection(editor: vscode.TextEditor): Promise<void> {
  const doc = editor.document;
  const sel = editor.selection;
  const start = doc.offsetAt(sel.start);
  const end = doc.offsetAt(sel.end);
  const candidates: { start: number; end: number }[] = [];
  try {
    const ranges = await vscode.commands.executeCommand<vscode.SelectionRange[]>(
      'vscode.executeSelectionRangeProvider',
      doc.uri,
      [sel.active],
    );
    for (let r: vscode.SelectionRange | undefined = ranges?.[0]; r; r = r.parent) {
      candidates.push({ start: doc.offsetAt(r.range.start), end: doc.offsetAt(r.range.end) });
    }
  } catch {
    // no provider: use the client's reader
  }
  const next = nextLarger(candidates, start, end) ?? paredit.expandSelection(doc.getText(), start, end);
  if (!next) return;
  const key = doc.uri.toString();
  const stack = expandHistory.get(key) ?? [];
  stack.push(sel);
  expandHistory.set(key, stack);
  editor.selection = new vscode.Selection(doc.positionAt(next.start), doc.positionAt(next.end));
}

function shrinkSelection(editor: vscode.TextEditor): void {
  const stack = expandHistory.get(editor.document.uri.toString()) ?? [];
  const prev = stack.pop();
  if (prev) {
    editor.selection = prev;
  } else {
    const at = editor.selection.active;
    editor.selection = new vscode.Selection(at, at);
  }
}

/** The edits of Enter: re-indent the line of `position` by the formatter's rules. */
export function enterEdits(document: vscode.TextDocument, position: vscode.Position): vscode.TextEdit[] {
  const text = document.getText();
  const lineStart = document.offsetAt(new vscode.Position(position.line, 0));
  const e = reindentLine(text, lineStart);
  if (!e) return [];
  return [vscode.TextEdit.replace(new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text)];
}

/**
 * LanguageClient middleware: "\n" is answered by the client (works on unbalanced text, where the
 * server's formatter gives up); other characters go to the server.
 */
export const onTypeMiddleware = {
  provideOnTypeFormattingEdits(
    document: vscode.TextDocument,
    position: vscode.Position,
    ch: string,
    options: vscode.FormattingOptions,
    token: vscode.CancellationToken,
    next: (
      document: vscode.TextDocument,
      position: vscode.Position,
      ch: string,
      options: vscode.FormattingOptions,
      token: vscode.CancellationToken,
    ) => vscode.ProviderResult<vscode.TextEdit[]>,
  ): vscode.ProviderResult<vscode.TextEdit[]> {
    if (ch === '\n') return enterEdits(document, position);
    return next(document, position, ch, options, token);
  },
};

/** Registers the paredit commands and the Enter indentation (also without a server). */
export function registerParedit(context: vscode.ExtensionContext): void {
  const subs = context.subscriptions;
  for (const [id, op] of Object.entries(CURSOR_COMMANDS)) {
    subs.push(
      vscode.commands.registerCommand(id, async () => {
        const editor = spellEditor();
        if (!editor) return;
        const doc = editor.document;
        const r = op(doc.getText(), doc.offsetAt(editor.selection.active));
        if (!r) return;
        if (r.killed !== undefined) await vscode.env.clipboard.writeText(r.killed);
        await apply(editor, r);
      }),
    );
  }
  for (const [id, [open, close]] of Object.entries(WRAP_COMMANDS)) {
    subs.push(
      vscode.commands.registerCommand(id, async () => {
        const editor = spellEditor();
        if (!editor) return;
        const doc = editor.document;
        const s = editor.selection;
        await apply(editor, paredit.wrap(doc.getText(), doc.offsetAt(s.start), doc.offsetAt(s.end), open, close));
      }),
    );
  }
  subs.push(
    vscode.commands.registerCommand('spell.paredit.expandSelection', async () => {
      const editor = spellEditor();
      if (editor) await expandSelection(editor);
    }),
    vscode.commands.registerCommand('spell.paredit.shrinkSelection', () => {
      const editor = spellEditor();
      if (editor) shrinkSelection(editor);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      // A selection the user made (not one of ours) starts a new expand history.
      if (e.kind !== undefined && e.kind !== vscode.TextEditorSelectionChangeKind.Command) {
        expandHistory.delete(e.textEditor.document.uri.toString());
      }
    }),
    vscode.languages.registerOnTypeFormattingEditProvider(
      { language: 'spell' },
      { provideOnTypeFormattingEdits: (doc, pos) => enterEdits(doc, pos) },
      '\n',
    ),
  );
}
