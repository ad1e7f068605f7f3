// Settings the eval/run/status code reads, and the one error message for a missing or wrong
// binary: it names the setting, so a user in VS Code, code-server or a remote window knows what
// to change (issue 13 item 5).
import * as vscode from 'vscode';

export const SECTION = 'spell';

/** The `spell` CLI used for Run File, Run Task, evaluation, tests and traces (`spell.run.path`). */
export function spellPath(uri?: vscode.Uri): string {
  const config = vscode.workspace.getConfiguration(SECTION, uri);
  return (config.get<string>('run.path', 'spell') ?? 'spell').trim() || 'spell';
}

/** Extra arguments of `spell run` (`spell.run.args`). */
export function runArgs(uri?: vscode.Uri): string[] {
  const extra = vscode.workspace.getConfiguration(SECTION, uri).get<unknown>('run.args', []);
  return Array.isArray(extra) ? extra.map((a) => String(a)) : [];
}

/** `spell.eval.timeout` in milliseconds (seconds in the setting; at least 1 s, default 10 s). */
export function evalTimeoutMs(uri?: vscode.Uri): number {
  const s = Number(vscode.workspace.getConfiguration(SECTION, uri).get<number>('eval.timeout', 10));
  return Math.round((Number.isFinite(s) && s > 0 ? Math.max(s, 0.05) : 10) * 1000);
}

/** `spell.eval.maxSteps`: the evaluator's step budget per form. */
export function evalMaxSteps(uri?: vscode.Uri): number {
  const n = Number(vscode.workspace.getConfiguration(SECTION, uri).get<number>('eval.maxSteps', 100_000_000));
  return Number.isInteger(n) && n > 0 ? n : 100_000_000;
}

/** `spell.format.onSave`. */
export function formatOnSave(uri?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('format.onSave', false) === true;
}

/** Whether err is "executable not found" from child_process.spawn or vscode-languageclient. */
export function isNotFound(err: unknown): boolean {
  if (err && typeof err === 'object' && (err as { code?: unknown }).code === 'ENOENT') {
    return true;
  }
  return /\bENOENT\b/.test(errorText(err));
}

/** Whether err says the file exists but cannot be executed. */
export function isNotExecutable(err: unknown): boolean {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return code === 'EACCES' || /\bEACCES\b/.test(errorText(err));
}

/**
 * The message for a binary that could not be started: names the setting and its value, says
 * what went wrong (not found, not executable, other) and how to fix it.
 */
export function binaryErrorMessage(setting: string, path: string, err: unknown, install: string): string {
  let what: string;
  if (isNotFound(err)) {
    what = `was not found (ENOENT)`;
  } else if (isNotExecutable(err)) {
    what = `is not executable (EACCES)`;
  } else {
    what = `could not be started: ${errorText(err)}`;
  }
  return (
    `Spell: "${path}" ${what}. Set "${setting}" to the full path of the executable ` +
    `(User or Workspace settings; works in remote and code-server windows), or install it: ${install}.`
  );
}

export const INSTALL_SPELL = '`go install ./cmd/spell` in the Spell-Go repository';
export const INSTALL_LSP = '`go install ./cmd/spell-lsp` in the Spell-Go repository';

/** Shows a binary error with an "Open Settings" button that jumps to the setting. */
export function showBinaryError(setting: string, path: string, err: unknown, install: string): void {
  const message = binaryErrorMessage(setting, path, err, install);
  void Promise.resolve(vscode.window.showErrorMessage(message, 'Open Settings')).then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', setting);
    }
  });
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The working directory for a file: its workspace folder, else its directory. */
export function cwdFor(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder) {
    return folder.uri.fsPath;
  }
  return dirname(uri.fsPath);
}

export function dirname(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : p;
}

export function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * A URI from a command argument: a vscode.Uri (explorer, editor title), a URI string (a server
 * code lens sends JSON), or `{uri: string}`; undefined for anything else.
 */
export function uriArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) {
    return arg;
  }
  if (typeof arg === 'string' && arg !== '') {
    return /^[a-z][a-z0-9+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  }
  if (arg && typeof arg === 'object' && typeof (arg as { uri?: unknown }).uri === 'string') {
    return uriArg((arg as { uri: string }).uri);
  }
  return undefined;
}
