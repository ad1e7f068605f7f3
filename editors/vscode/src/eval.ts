// Inline evaluation (issue 13 item 1): "Spell: Evaluate Top-Level Form", "Evaluate Current
// Form" and "Evaluate File". The buffer text (saved or not) goes to `spell eval --json` in a child
// process on stdin; the CLI picks the form at the cursor with the Go syntax tree (the same reader
// as everything else), evaluates it in the context of the forms before it with no effects and
// the step budget, and answers byte offsets. The language server never evaluates user code.
// `spell.eval.timeout` kills the child and says so. The buffer is never edited.
import * as vscode from 'vscode';
import { runProcess, ProcResult } from './proc';
import {
  INSTALL_SPELL,
  basename,
  cwdFor,
  evalMaxSteps,
  evalTimeoutMs,
  showBinaryError,
  spellPath,
} from './settings';

export type EvalMode = 'top' | 'current' | 'file';

/** One entry of `spell eval --json` results. */
export interface EvalResult {
  start: number;
  end: number;
  line: number;
  col: number;
  value: string | null;
  error: string | null;
  error_start?: number;
  hint?: string;
}

export interface EvalReply {
  file: string;
  results: EvalResult[];
}

/** What one evaluation ended with (returned by the commands, for tests and other extensions). */
export interface EvalOutcome {
  kind: 'ok' | 'error' | 'timeout' | 'missing' | 'bad-output' | 'no-editor' | 'cancelled';
  results: EvalResult[];
  message?: string;
}

/** Longest value shown inline; the hover and the output channel have the whole value. */
export const INLINE_MAX = 120;
/** Longest value put in a hover (a 100 MB value would make the hover useless anyway). */
const HOVER_MAX = 100_000;
/** Evaluate File decorates at most this many errors (plus the last value). */
const FILE_MAX_DECORATIONS = 200;

/** The arguments of `spell eval` for a mode (the text comes on stdin). */
export function evalArgs(mode: EvalMode, byteOffset: number, fileName: string, maxSteps: number): string[] {
  const args = ['eval', '--json', '--max-steps', String(maxSteps), '--stdin-filename', fileName];
  if (mode !== 'file') {
    args.push('--at', String(byteOffset), '--form', mode);
  }
  args.push('-');
  return args;
}

/** The UTF-8 byte offset of a UTF-16 offset into text. */
export function charToByteOffset(text: string, charOffset: number): number {
  return Buffer.byteLength(text.slice(0, charOffset), 'utf8');
}

/** Maps UTF-8 byte offsets into text to UTF-16 offsets, in one pass over the text. */
export function byteToCharOffsets(text: string, bytes: number[]): number[] {
  if (Buffer.byteLength(text, 'utf8') === text.length) {
    return bytes.map((b) => Math.max(0, Math.min(b, text.length)));
  }
  const order = bytes.map((_, i) => i).sort((a, b) => bytes[a] - bytes[b]);
  const out: number[] = new Array(bytes.length);
  let ci = 0;
  let bi = 0;
  for (const idx of order) {
    const target = bytes[idx];
    while (bi < target && ci < text.length) {
      const c = text.charCodeAt(ci);
      if (c < 0x80) {
        bi += 1;
        ci += 1;
      } else if (c < 0x800) {
        bi += 2;
        ci += 1;
      } else if (c >= 0xd800 && c <= 0xdbff && ci + 1 < text.length && (text.charCodeAt(ci + 1) & 0xfc00) === 0xdc00) {
        bi += 4;
        ci += 2;
      } else {
        bi += 3;
        ci += 1;
      }
    }
    out[idx] = ci;
  }
  return out;
}

/** The one-line inline text of a result: `=> value` or `✗ message`, shortened to INLINE_MAX. */
export function inlineText(r: EvalResult): string {
  const raw = r.error !== null ? `✗ ${r.error}` : `=> ${r.value ?? 'nil'}`;
  const one = raw.replace(/\s+/g, ' ');
  return one.length > INLINE_MAX ? one.slice(0, INLINE_MAX - 1) + '…' : one;
}

/** Parses the CLI's stdout; undefined when it is not a `spell eval --json` object. */
export function parseReply(stdout: string): EvalReply | undefined {
  try {
    const v = JSON.parse(stdout) as EvalReply;
    if (v && Array.isArray(v.results)) {
      return v;
    }
  } catch {
    // not JSON: a wrong binary or a crash
  }
  return undefined;
}

interface Shown {
  range: vscode.Range;
  result: EvalResult;
}

/** The evaluation commands and their inline results. */
export class Evaluator implements vscode.Disposable {
  private readonly valueType: vscode.TextEditorDecorationType;
  private readonly errorType: vscode.TextEditorDecorationType;
  private readonly shown = new Map<string, Shown[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.OutputChannel) {
    this.valueType = vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 1em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
      rangeBehavior: 1, // DecorationRangeBehavior.ClosedClosed
    });
    this.errorType = vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 1em', color: new vscode.ThemeColor('errorForeground') },
      rangeBehavior: 1,
    });
    this.disposables.push(
      this.valueType,
      this.errorType,
      // Results describe the text they were computed from: an edit clears them (as in Calva).
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.shown.has(e.document.uri.toString())) {
          this.clear(e.document);
        }
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const ed of editors) this.render(ed);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.shown.clear();
  }

  /** Results currently shown for a document (tests). */
  results(doc: vscode.TextDocument): EvalResult[] {
    return (this.shown.get(doc.uri.toString()) ?? []).map((s) => s.result);
  }

  /** Removes the inline results of a document (all documents when undefined). */
  clear(doc?: vscode.TextDocument): void {
    if (doc) {
      this.shown.delete(doc.uri.toString());
    } else {
      this.shown.clear();
    }
    for (const ed of vscode.window.visibleTextEditors) {
      if (!doc || ed.document.uri.toString() === doc.uri.toString()) this.render(ed);
    }
    void vscode.commands.executeCommand('setContext', 'spell.hasEvaluationResults', this.shown.size > 0);
  }

  /** Evaluates the form at the cursor (top or current) or the whole file of an editor. */
  async evaluate(editor: vscode.TextEditor | undefined, mode: EvalMode): Promise<EvalOutcome> {
    if (!editor) {
      void vscode.window.showErrorMessage('Spell: open a .spl file to evaluate.');
      return { kind: 'no-editor', results: [] };
    }
    const doc = editor.document;
    const text = doc.getText();
    const version = doc.version;
    const cursor = doc.offsetAt(editor.selection.active);
    const at = mode === 'file' ? 0 : charToByteOffset(text, cursor);
    const command = spellPath(doc.uri);
    const args = evalArgs(mode, at, doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.fileName, evalMaxSteps(doc.uri));
    const timeoutMs = evalTimeoutMs(doc.uri);
    const cwd = doc.uri.scheme === 'file' ? cwdFor(doc.uri) : undefined;

    const run = runProcess(command, args, { cwd, input: text, timeoutMs });
    vscode.window.setStatusBarMessage('$(sync~spin) Spell: evaluating…', run);
    const res = await run;
    return this.report(editor, doc, version, text, cursor, mode, command, timeoutMs, res);
  }

  private report(
    editor: vscode.TextEditor,
    doc: vscode.TextDocument,
    version: number,
    text: string,
    cursor: number,
    mode: EvalMode,
    command: string,
    timeoutMs: number,
    res: ProcResult,
  ): EvalOutcome {
    const where = `${basename(doc.fileName)}`;
    if (res.error) {
      showBinaryError('spell.run.path', command, res.error, INSTALL_SPELL);
      this.output.appendLine(`; ${where}: cannot run ${command}: ${res.error.message}`);
      return { kind: 'missing', results: [], message: res.error.message };
    }
    if (res.timedOut) {
      const secs = timeoutMs / 1000;
      const message = `Evaluation timed out after ${secs} s (spell.eval.timeout); the spell process was stopped.`;
      this.output.appendLine(`; ${where}: ${message}`);
      const pos = doc.positionAt(cursor);
      const end = doc.lineAt(pos.line).range.end;
      this.show(doc, [{ range: new vscode.Range(end, end), result: { start: 0, end: 0, line: 0, col: 0, value: null, error: message } }], mode === 'file');
      void vscode.window.showWarningMessage(`Spell: ${message}`);
      return { kind: 'timeout', results: [], message };
    }
    const reply = parseReply(res.stdout);
    if (!reply) {
      const detail = (res.stderr.trim().split('\n')[0] || res.stdout.trim().split('\n')[0] || '').slice(0, 300);
      const message =
        `Spell: "${command} eval" printed no result (exit ${res.code ?? res.signal}): ${detail || 'no output'}. ` +
        `Check that "spell.run.path" points at the spell CLI (spell eval needs a current version).`;
      this.output.appendLine(`; ${where}: ${message}`);
      void vscode.window.showErrorMessage(message);
      return { kind: 'bad-output', results: [], message };
    }
    // Map byte offsets back through the text that was evaluated.
    const bytes: number[] = [];
    for (const r of reply.results) bytes.push(r.start, r.end);
    const chars = byteToCharOffsets(text, bytes);
    const stale = doc.version !== version;
    const shown: Shown[] = [];
    let errors = 0;
    reply.results.forEach((r, i) => {
      const start = chars[2 * i];
      const end = chars[2 * i + 1];
      this.log(where, text, start, r);
      if (r.error !== null) errors++;
      if (stale) return; // the buffer changed meanwhile: log only
      const last = i === reply.results.length - 1;
      if (mode === 'file' && !last && (r.error === null || shown.length >= FILE_MAX_DECORATIONS)) return;
      const endPos = doc.positionAt(end);
      const startPos = doc.positionAt(Math.max(start, end - 1));
      shown.push({ range: new vscode.Range(startPos, endPos), result: r });
    });
    if (mode === 'file' && reply.results.length > 0) {
      this.output.appendLine(`; ${where}: ${reply.results.length} forms, ${errors} failed`);
    }
    this.show(doc, shown, mode === 'file');
    const failed = reply.results.some((r) => r.error !== null);
    return { kind: failed ? 'error' : 'ok', results: reply.results };
  }

  private log(where: string, text: string, start: number, r: EvalResult): void {
    const head = text.slice(start, start + 60).split('\n')[0];
    this.output.appendLine(`; ${where}:${r.line}:${r.col} ${head}${head.length >= 60 ? '…' : ''}`);
    if (r.error !== null) {
      this.output.appendLine(`; error: ${r.error}`);
      if (r.hint) this.output.appendLine(`;   hint: ${r.hint}`);
    } else {
      this.output.appendLine(`=> ${r.value}`);
    }
  }

  /** Adds results to a document's inline results (replacing those on the same lines). */
  private show(doc: vscode.TextDocument, add: Shown[], replaceAll: boolean): void {
    const key = doc.uri.toString();
    let list = replaceAll ? [] : (this.shown.get(key) ?? []);
    for (const a of add) {
      list = list.filter((s) => s.range.end.line !== a.range.end.line);
    }
    list.push(...add);
    if (list.length > 0) {
      this.shown.set(key, list);
    } else {
      this.shown.delete(key);
    }
    for (const ed of vscode.window.visibleTextEditors) {
      if (ed.document.uri.toString() === key) this.render(ed);
    }
    void vscode.commands.executeCommand('setContext', 'spell.hasEvaluationResults', this.shown.size > 0);
  }

  private render(editor: vscode.TextEditor): void {
    const list = this.shown.get(editor.document.uri.toString()) ?? [];
    const values: vscode.DecorationOptions[] = [];
    const errors: vscode.DecorationOptions[] = [];
    for (const s of list) {
      const r = s.result;
      const full = r.error !== null ? r.error + (r.hint ? `\n\nhint: ${r.hint}` : '') : (r.value ?? 'nil');
      const body = full.length > HOVER_MAX ? full.slice(0, HOVER_MAX) + '\n…' : full;
      const hover = new vscode.MarkdownString();
      hover.appendMarkdown(r.error !== null ? '**Spell evaluation error**\n\n' : '**Spell value**\n\n');
      hover.appendCodeblock(body, r.error !== null ? 'text' : 'spell');
      const opt: vscode.DecorationOptions = {
        range: s.range,
        hoverMessage: hover,
        renderOptions: { after: { contentText: inlineText(r) } },
      };
      (r.error !== null ? errors : values).push(opt);
    }
    editor.setDecorations(this.valueType, values);
    editor.setDecorations(this.errorType, errors);
  }
}

/** Registers the evaluation commands. */
export function registerEval(context: vscode.ExtensionContext, output: vscode.OutputChannel): Evaluator {
  const ev = new Evaluator(output);
  const active = () => vscode.window.activeTextEditor;
  context.subscriptions.push(
    ev,
    vscode.commands.registerCommand('spell.evaluateTopLevelForm', () => ev.evaluate(active(), 'top')),
    vscode.commands.registerCommand('spell.evaluateCurrentForm', () => ev.evaluate(active(), 'current')),
    vscode.commands.registerCommand('spell.evaluateFile', () => ev.evaluate(active(), 'file')),
    vscode.commands.registerCommand('spell.clearEvaluationResults', () => ev.clear()),
  );
  return ev;
}
