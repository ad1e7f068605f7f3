// The Spell extension: starts the `spell-lsp` language server over stdio, shows its state in the
// status bar (status.ts), and adds evaluation (eval.ts), Run File/Task/Tests and Show Trace
// (run.ts) and format on save (formatonsave.ts) (tooling.md §10, issue 13).
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
import { registerEval } from './eval';
import { registerFormatOnSave } from './formatonsave';
import { registerRun } from './run';
import { INSTALL_LSP, binaryErrorMessage, errorText, isNotFound } from './settings';
import { ClientState, registerStatus } from './status';

/** The language id, configuration section and LanguageClient id (so `spell.trace.server` works). */
export const LANGUAGE_ID = 'spell';
const CLIENT_NAME = 'Spell Language Server';

/** The part of a LanguageClient the extension uses. */
export interface SpellClient {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** vscode-languageclient's state changes (1 stopped, 2 running, 3 starting). */
  onDidChangeState?(listener: (e: { oldState: number; newState: number }) => void): vscode.Disposable;
  /** The server's log. */
  readonly outputChannel?: vscode.OutputChannel;
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
  const output = vscode.window.createOutputChannel('Spell');
  context.subscriptions.push(output);
  const status = registerStatus(context, {
    restart: () => restart(),
    showLog: () => (client?.outputChannel ?? output).show(true),
  });
  // Clients stopped on purpose: their "stopped" is not a crash.
  const stopping = new WeakSet<SpellClient>();

  async function stopClient(): Promise<void> {
    const old = client;
    client = undefined;
    if (old) {
      stopping.add(old);
      try {
        await old.stop();
      } catch {
        // a server that failed to start cannot be stopped cleanly; nothing to do
      }
    }
  }

  async function startClient(): Promise<void> {
    const config = vscode.workspace.getConfiguration(LANGUAGE_ID);
    const opts = serverOptions(config);
    const path = (opts as { run: Executable }).run.command;
    const c = createClient(LANGUAGE_ID, CLIENT_NAME, opts, clientOptions(config));
    client = c;
    status.set('starting', path);
    c.onDidChangeState?.((e) => {
      if (client !== c) return;
      if (e.newState === ClientState.Starting) status.set('starting', path);
      else if (e.newState === ClientState.Running) status.set('ready', path);
      else if (e.newState === ClientState.Stopped && !stopping.has(c) && status.state !== 'missing' && status.state !== 'failed') {
        status.set('crashed', `${path} stopped; click to restart`);
      }
    });
    try {
      await c.start();
      if (client === c && status.state === 'starting') status.set('ready', path);
    } catch (err) {
      const message = isNotFound(err)
        ? binaryErrorMessage('spell.server.path', path, err, INSTALL_LSP)
        : `Spell: could not start the language server (${path}): ${errorText(err)}. ` +
          'Install it with `go install ./cmd/spell-lsp` or set "spell.server.path".';
      if (client === c) status.set(isNotFound(err) ? 'missing' : 'failed', `${path}: ${errorText(err)}`);
      void Promise.resolve(vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log')).then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'spell.server.path');
        if (choice === 'Show Log') (c.outputChannel ?? output).show(true);
      });
    }
  }

  function restart(): Promise<void> {
    pending = pending.then(stopClient).then(startClient);
    return pending;
  }

  registerParedit(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('spell.restartServer', () => restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restart();
      }
    }),
    { dispose: () => void stopClient() },
  );

  registerEval(context, output);
  registerRun(context, output);
  registerFormatOnSave(context);
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
