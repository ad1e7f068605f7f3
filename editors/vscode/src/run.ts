// Run File, Run Task, Run Tests and Show Trace (issue 13 item 2).
//
// Runs go through a VS Code Task whose execution is a Pseudoterminal driving the `spell` child
// process: the task terminal stays open after the program ends (VS Code's "press any key to
// close"), so the output and the program's error stay visible; the exit code and the trace
// directory are printed at the end, and "Trace: DIR" lines are links that open Show Trace.
// tasks.json can use the same runs: {"type": "spell", "command": "run", "file": "agent.spl"}.
import * as path from 'path';
import * as vscode from 'vscode';
import { spawn, ChildProcess } from 'child_process';
import { runProcess } from './proc';
import {
  INSTALL_SPELL,
  basename,
  binaryErrorMessage,
  cwdFor,
  dirname,
  runArgs,
  showBinaryError,
  spellPath,
  uriArg,
} from './settings';

export const TASK_TYPE = 'spell';

/** The task definition (package.json taskDefinitions). */
export interface SpellTaskDefinition extends vscode.TaskDefinition {
  type: 'spell';
  command: 'run' | 'task';
  /** command run: the program file. */
  file?: string;
  /** command task: the natural-language task. */
  task?: string;
  /** Extra `spell run` arguments (default: spell.run.args). */
  args?: string[];
}

/** State shared by the run commands: the last trace directory, for Show Trace. */
export interface RunState {
  lastTraceDir?: string;
}

const TRACE_LINE = /^Trace: (.+)$/m;

/** The `spell run` command line of a definition. */
export function runCommandArgs(def: SpellTaskDefinition, extra: string[]): string[] {
  const args = ['run', ...(def.args ?? extra)];
  if (def.command === 'task') {
    args.push('-p', def.task ?? '');
  } else {
    args.push(def.file ?? '');
  }
  return args;
}

/**
 * The terminal of one `spell run`: starts the child on open, streams its output, prints the
 * exit status and the trace directory, and closes with the exit code (the task terminal stays
 * open). Ctrl-C interrupts the program; closing the terminal kills it.
 */
export class SpellRunTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;
  private stderrTail = '';
  /** Resolves with the exit code when the run is over (tests, Run Tests). */
  readonly done: Promise<number>;
  private resolveDone!: (code: number) => void;

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly cwd: string,
    private readonly onTrace: (dir: string) => void,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  open(): void {
    this.write(`\x1b[2m$ ${[this.command, ...this.args].map(quote).join(' ')}\x1b[0m\n`);
    let child: ChildProcess;
    try {
      child = spawn(this.command, this.args, { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      this.failToStart(err);
      return;
    }
    this.child = child;
    child.stdout?.on('data', (b: Buffer) => this.write(b.toString('utf8')));
    child.stderr?.on('data', (b: Buffer) => {
      const s = b.toString('utf8');
      this.stderrTail = (this.stderrTail + s).slice(-65536);
      this.write(s);
    });
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => this.failToStart(err));
    child.on('close', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const status = code ?? (signal ? 128 + signalNumber(signal) : 1);
      const m = TRACE_LINE.exec(this.stderrTail.split(/\r?\n/).filter((l) => l.startsWith('Trace: ')).pop() ?? '');
      if (m) {
        const dir = path.resolve(this.cwd, m[1].trim());
        this.onTrace(dir);
        this.write(`\x1b[2mRun "Spell: Show Trace" (or click the Trace line) to open the trace.\x1b[0m\n`);
      }
      if (status === 0) {
        this.write(`\n\x1b[32mspell exited with code 0\x1b[0m\n`);
      } else {
        this.write(`\n\x1b[31mspell exited with code ${status}${signal ? ` (${signal})` : ''}\x1b[0m\n`);
      }
      this.finish(status);
    });
  }

  private failToStart(err: unknown): void {
    if (this.child === undefined && this.closed) return;
    this.child = undefined;
    const message = binaryErrorMessage('spell.run.path', this.command, err, INSTALL_SPELL);
    this.write(`\x1b[31m${message}\x1b[0m\n`);
    void vscode.window.showErrorMessage(message);
    this.finish(127);
  }

  private closed = false;

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.resolveDone(code);
    this.closeEmitter.fire(code);
  }

  close(): void {
    const c = this.child;
    this.child = undefined;
    if (c) {
      c.kill('SIGTERM');
      this.finish(143);
    }
  }

  handleInput(data: string): void {
    if (data.includes('\x03') && this.child) {
      this.write('^C\n');
      this.child.kill('SIGINT');
    } else if (this.child?.stdin?.writable) {
      this.child.stdin.write(data === '\r' ? '\n' : data);
      this.write(data === '\r' ? '\n' : data);
    }
  }

  private write(s: string): void {
    this.writeEmitter.fire(s.replace(/\r?\n/g, '\r\n'));
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const n = (require('os') as typeof import('os')).constants.signals[signal];
  return typeof n === 'number' ? n : 0;
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Builds the VS Code Task of a definition. */
export function spellTask(
  def: SpellTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope,
  cwd: string,
  state: RunState,
  onTerminal?: (t: SpellRunTerminal) => void,
): vscode.Task {
  const resource = def.file ? vscode.Uri.file(path.resolve(cwd, def.file)) : undefined;
  const command = spellPath(resource);
  const args = runCommandArgs(def, runArgs(resource));
  const name = def.command === 'task' ? `run task: ${shorten(def.task ?? '', 40)}` : `run ${basename(def.file ?? '')}`;
  const exec = new vscode.CustomExecution(async () => {
    const t = new SpellRunTerminal(command, args, cwd, (dir) => (state.lastTraceDir = dir));
    onTerminal?.(t);
    return t;
  });
  const task = new vscode.Task(def, scope, name, 'spell', exec);
  task.presentationOptions = {
    reveal: vscode.TaskRevealKind.Always,
    panel: vscode.TaskPanelKind.Dedicated,
    clear: true,
    showReuseMessage: true,
    focus: false,
  };
  return task;
}

function shorten(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** The file a command acts on: its argument, else the active editor's document. */
function targetDocument(arg: unknown): { uri?: vscode.Uri; document?: vscode.TextDocument } {
  const uri = uriArg(arg);
  if (uri) {
    const key = uri.toString();
    return { uri, document: vscode.workspace.textDocuments.find((d) => d.uri.toString() === key) };
  }
  const document = vscode.window.activeTextEditor?.document;
  return { uri: document?.uri, document };
}

/** Test results as diagnostics: the failing command's line in each failing archive. */
export interface TestReport {
  scripts: { path: string; passed: boolean; elapsed_s: number; failure: { line: number; message: string } | null; log: string }[];
  passed: number;
  failed: number;
}

export class Runner implements vscode.Disposable {
  readonly state: RunState = {};
  readonly diagnostics: vscode.DiagnosticCollection;
  /** The terminals started by Run File / Run Task (the newest last; tests read them). */
  readonly terminals: SpellRunTerminal[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.OutputChannel) {
    this.diagnostics = vscode.languages.createDiagnosticCollection('spell-test');
    this.disposables.push(this.diagnostics);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private track = (t: SpellRunTerminal): void => {
    this.terminals.push(t);
    if (this.terminals.length > 20) this.terminals.shift();
  };

  /** "Spell: Run File": saves the file and runs `spell run <args> FILE` in a task. */
  async runFile(arg?: unknown): Promise<vscode.TaskExecution | undefined> {
    const { uri, document } = targetDocument(arg);
    if (!uri || uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Spell: Run File needs a saved .spl file.');
      return undefined;
    }
    if (document?.isDirty) {
      await document.save();
    }
    const cwd = cwdFor(uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const def: SpellTaskDefinition = { type: TASK_TYPE, command: 'run', file: uri.fsPath };
    return vscode.tasks.executeTask(spellTask(def, folder ?? vscode.TaskScope.Workspace, cwd, this.state, this.track));
  }

  /** "Spell: Run Task": asks for a natural-language task and runs `spell run -p TASK` in a task. */
  async runTask(arg?: unknown): Promise<vscode.TaskExecution | undefined> {
    const task =
      typeof arg === 'string' && arg.trim() !== ''
        ? arg
        : await vscode.window.showInputBox({
            title: 'Spell: Run Task',
            prompt: 'A natural-language task for `spell run -p` (the model comes from spell.run.args or SPELL_MODEL)',
            placeHolder: 'Summarise README.md',
            ignoreFocusOut: true,
          });
    if (!task || task.trim() === '') {
      return undefined;
    }
    const base = vscode.window.activeTextEditor?.document.uri;
    const folder = (base && vscode.workspace.getWorkspaceFolder(base)) ?? vscode.workspace.workspaceFolders?.[0];
    const cwd = folder?.uri.fsPath ?? (base?.scheme === 'file' ? dirname(base.fsPath) : process.cwd());
    const def: SpellTaskDefinition = { type: TASK_TYPE, command: 'task', task };
    return vscode.tasks.executeTask(spellTask(def, folder ?? vscode.TaskScope.Workspace, cwd, this.state, this.track));
  }

  /**
   * "Spell: Run Tests": `spell test --json` on a *_test.txtar file, or on the folder of a .spl
   * file or the given folder; failures become diagnostics on the archive line that failed.
   */
  async runTests(arg?: unknown): Promise<TestReport | undefined> {
    const { uri, document } = targetDocument(arg);
    const folderUri = uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folderUri || folderUri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Spell: Run Tests needs a file or folder on disk.');
      return undefined;
    }
    if (document?.isDirty) {
      await document.save();
    }
    const p = folderUri.fsPath;
    const target = /\.txtar$/.test(p) || !/\.spl$/.test(p) ? p : dirname(p);
    const folder = vscode.workspace.getWorkspaceFolder(folderUri);
    const cwd = folder?.uri.fsPath ?? (target === p && !/\.txtar$/.test(p) ? p : dirname(target));
    const command = spellPath(folderUri);
    const rel = path.relative(cwd, target) || '.';
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Spell: running tests in ${rel}`, cancellable: true },
      (_progress, token) =>
        runProcess(command, ['test', '--json', rel], {
          cwd,
          onStart: (kill) => token.onCancellationRequested(kill),
        }),
    );
    if (res.error) {
      showBinaryError('spell.run.path', command, res.error, INSTALL_SPELL);
      return undefined;
    }
    if (res.cancelled) {
      this.output.appendLine('; spell test: cancelled');
      return undefined;
    }
    let report: TestReport | undefined;
    try {
      report = JSON.parse(res.stdout) as TestReport;
      if (!Array.isArray(report.scripts)) report = undefined;
    } catch {
      report = undefined;
    }
    if (!report) {
      const detail = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(0, 3).join(' ');
      const message = `Spell: spell test failed (exit ${res.code ?? res.signal}): ${detail || 'no output'}. Check "spell.run.path" points at a current spell CLI.`;
      this.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    this.output.appendLine(`; spell test ${rel} (in ${cwd})`);
    for (const s of report.scripts) {
      this.output.appendLine(`${s.passed ? 'ok  ' : '--- FAIL: '}${s.path} (${s.elapsed_s.toFixed(1)}s)`);
      if (s.passed || !s.failure) continue;
      for (const l of s.log.replace(/\n$/, '').split('\n')) this.output.appendLine(`    ${l}`);
      const file = path.resolve(cwd, s.path);
      const line = Math.max(0, (s.failure.line || 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(new vscode.Position(line, 0), new vscode.Position(line, 1000)), s.failure.message, vscode.DiagnosticSeverity.Error);
      d.source = 'spell test';
      const list = byFile.get(file) ?? [];
      list.push(d);
      byFile.set(file, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    this.output.appendLine(`${report.passed} passed, ${report.failed} failed`);
    if (report.failed > 0) {
      void Promise.resolve(
        vscode.window.showErrorMessage(`Spell: ${report.failed} of ${report.scripts.length} test scripts failed.`, 'Show Output'),
      ).then((c) => c === 'Show Output' && this.output.show(true));
    } else {
      void vscode.window.showInformationMessage(`Spell: ${report.passed} test scripts passed.`);
    }
    return report;
  }

  /** "Spell: Show Trace": `spell trace export --html` of the last run (else latest) in a webview. */
  async showTrace(arg?: unknown): Promise<vscode.WebviewPanel | undefined> {
    const dir = typeof arg === 'string' && arg !== '' ? arg : (this.state.lastTraceDir ?? 'latest');
    const base = vscode.window.activeTextEditor?.document.uri;
    const command = spellPath(base);
    const cwd = base?.scheme === 'file' ? cwdFor(base) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const res = await runProcess(command, ['trace', 'export', '--html', '-o', '-', dir], { cwd, maxOutput: 256 << 20 });
    if (res.error) {
      showBinaryError('spell.run.path', command, res.error, INSTALL_SPELL);
      return undefined;
    }
    if (res.code !== 0) {
      const detail = res.stderr.trim().split('\n')[0] || `exit ${res.code ?? res.signal}`;
      void vscode.window.showErrorMessage(`Spell: no trace to show (${dir}): ${detail}`);
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel(
      'spell.trace',
      `Spell Trace: ${basename(dir)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, enableFindWidget: true },
    );
    panel.webview.html = withCsp(res.stdout);
    return panel;
  }
}

/** Adds a Content-Security-Policy allowing only inline styles (the export has no scripts). */
export function withCsp(html: string): string {
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">`;
  if (/<head[^>]*>/i.test(html)) {
    return html.replace(/<head[^>]*>/i, (m) => `${m}\n${csp}`);
  }
  return `${csp}\n${html}`;
}

/** tasks.json support: {"type": "spell", "command": "run", "file": "…"} or {"command": "task", "task": "…"}. */
class SpellTaskProvider implements vscode.TaskProvider {
  constructor(private readonly runner: Runner) {}
  provideTasks(): vscode.Task[] {
    return [];
  }
  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as SpellTaskDefinition;
    if (def.type !== TASK_TYPE || (def.command !== 'run' && def.command !== 'task')) {
      return undefined;
    }
    const scope = task.scope ?? vscode.TaskScope.Workspace;
    const folder = typeof scope === 'object' ? (scope as vscode.WorkspaceFolder) : vscode.workspace.workspaceFolders?.[0];
    const cwd = folder?.uri.fsPath ?? process.cwd();
    return spellTask(def, scope, cwd, this.runner.state);
  }
}

/** Registers Run File, Run Task, Run Tests, Show Trace, the task provider and the trace links. */
export function registerRun(context: vscode.ExtensionContext, output: vscode.OutputChannel): Runner {
  const runner = new Runner(output);
  context.subscriptions.push(
    runner,
    vscode.commands.registerCommand('spell.runFile', (arg?: unknown) => runner.runFile(arg)),
    vscode.commands.registerCommand('spell.runTask', (arg?: unknown) => runner.runTask(arg)),
    vscode.commands.registerCommand('spell.runTests', (arg?: unknown) => runner.runTests(arg)),
    vscode.commands.registerCommand('spell.showTrace', (arg?: unknown) => runner.showTrace(arg)),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new SpellTaskProvider(runner)),
    vscode.window.registerTerminalLinkProvider({
      provideTerminalLinks(ctx: vscode.TerminalLinkContext) {
        const m = /Trace: (\S.*)$/.exec(ctx.line);
        if (!m) return [];
        const dir = m[1].trim();
        return [{ startIndex: m.index, length: m[0].length, tooltip: 'Open the trace (Spell: Show Trace)', dir }];
      },
      handleTerminalLink(link: vscode.TerminalLink & { dir?: string }) {
        void runner.showTrace(link.dir);
      },
    }),
  );
  return runner;
}
