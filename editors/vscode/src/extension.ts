// The Spell extension: starts the `spell-lsp` language server over stdio and adds the
// "Spell: Run File" and "Spell: Restart Server" commands (tooling.md §10).
//
// Everything that touches vscode-languageclient goes through a ClientFactory so the unit test
// can run `activate` against a stub `vscode` module without starting a real client.
import * as vscode from 'vscode';
import type {
  Executable,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { onTypeMiddleware, registerParedit } from './paredit-commands';

/** The language id, configuration section and LanguageClient id (so `spell.trace.server` works). */
export const LANGUAGE_ID = 'spell';
const CLIENT_NAME = 'Spell Language Server';

/** The part of a LanguageClient the extension uses. */
export interface SpellClient {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ClientFactory = (
  id: string,
  name: string,
  serverOptions: ServerOptions,
  clientOptions: LanguageClientOptions,
) => SpellClient;

/** Injection points for tests. */
export interface Deps {
  createClient?: ClientFactory;
}

/** Returned by `activate` (also handy for other extensions and tests). */
export interface SpellApi {
  /** The running client, if any. */
  readonly client: SpellClient | undefined;
  /** Stops the current client (if any) and starts a new one from the current settings. */
  restart(): Promise<void>;
  /** Resolves when the pending start/restart (if any) has finished. */
  idle(): Promise<void>;
}

/** The default factory: a real vscode-languageclient LanguageClient (loaded lazily). */
export const defaultClientFactory: ClientFactory = (id, name, serverOptions, clientOptions) => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lc = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
  return new lc.LanguageClient(id, name, serverOptions, clientOptions);
};

/** Server launch options: `spell.server.path` over stdio. */
export function serverOptions(config: vscode.WorkspaceConfiguration): ServerOptions {
  const command = config.get<string>('server.path', 'spell-lsp').trim() || 'spell-lsp';
  const exe: Executable = {
    command,
    args: [],
    transport: 0 as TransportKind.stdio, // TransportKind.stdio (type-only import: no runtime load)
  };
  return { run: exe, debug: exe };
}

/** Client options: Spell documents, and `{lint: false}` when `spell.lint.enable` is off. */
export function clientOptions(config: vscode.WorkspaceConfiguration): LanguageClientOptions {
  const lint = config.get<boolean>('lint.enable', true);
  return {
    documentSelector: [{ language: LANGUAGE_ID }],
    initializationOptions: { lint },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.spl'),
    },
    // Enter is indented by the client (paredit-commands.ts), also on unbalanced text.
    middleware: onTypeMiddleware,
  };
}

/** The command line of "Spell: Run File": `spell.run.path run <spell.run.args…> <file>`. */
export function runCommandLine(
  config: vscode.WorkspaceConfiguration,
  file: string,
): { command: string; args: string[] } {
  const command = config.get<string>('run.path', 'spell').trim() || 'spell';
  const extra = config.get<unknown>('run.args', []);
  const args = Array.isArray(extra) ? extra.map((a) => String(a)) : [];
  return { command, args: ['run', ...args, file] };
}

// Settings whose change needs a new server process (the trace level is read live by the client).
const RESTART_SETTINGS = ['spell.server.path', 'spell.lint.enable'];

export function activate(context: vscode.ExtensionContext, deps: Deps = {}): SpellApi {
  const createClient = deps.createClient ?? defaultClientFactory;
  let client: SpellClient | undefined;
  // Serialise restarts: a settings change while a restart is running queues behind it.
  let pending: Promise<void> = Promise.resolve();

  async function stopClient(): Promise<void> {
    const old = client;
    client = undefined;
    if (old) {
      try {
        await old.stop();
      } catch {
        // a server that failed to start cannot be stopped cleanly; nothing to do
      }
    }
  }

  async function startClient(): Promise<void> {
    const config = vscode.workspace.getConfiguration(LANGUAGE_ID);
    const c = createClient(LANGUAGE_ID, CLIENT_NAME, serverOptions(config), clientOptions(config));
    client = c;
    try {
      await c.start();
    } catch (err) {
      const path = config.get<string>('server.path', 'spell-lsp');
      void vscode.window.showErrorMessage(
        `Spell: could not start the language server (${path}): ${errorText(err)}. ` +
          'Install it with `go install ./cmd/spell-lsp` or set "spell.server.path".',
      );
    }
  }

  function restart(): Promise<void> {
    pending = pending.then(stopClient).then(startClient);
    return pending;
  }

  registerParedit(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('spell.restartServer', () => restart()),
    vscode.commands.registerCommand('spell.runFile', (uri?: vscode.Uri) => runFile(uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restart();
      }
    }),
    { dispose: () => void stopClient() },
  );

  void restart();

  return {
    get client() {
      return client;
    },
    restart,
    idle: () => pending,
  };
}

export async function deactivate(): Promise<void> {
  // The client is stopped by the disposable registered in activate.
}

/** "Spell: Run File": save the file, then run it in a new integrated terminal. */
async function runFile(uri?: vscode.Uri): Promise<void> {
  let document: vscode.TextDocument | undefined;
  if (uri instanceof vscode.Uri) {
    const target = uri.toString();
    document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target);
  } else {
    document = vscode.window.activeTextEditor?.document;
    uri = document?.uri;
  }
  if (!uri || uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Spell: Run File needs a saved .spl file.');
    return;
  }
  if (document?.isDirty) {
    await document.save();
  }
  const file = uri.fsPath;
  const config = vscode.workspace.getConfiguration(LANGUAGE_ID, uri);
  const { command, args } = runCommandLine(config, file);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const terminal = vscode.window.createTerminal({
    name: `Spell: ${basename(file)}`,
    shellPath: command,
    shellArgs: args,
    cwd: folder?.uri.fsPath ?? dirname(file),
  });
  terminal.show();
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function dirname(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : p;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
