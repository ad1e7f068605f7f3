// The language server's state in the status bar (issue 13 item 5): starting, ready, crashed,
// not found. Clicking it offers Restart Server, Show Server Log and the setting to fix.
import * as vscode from 'vscode';

export type ServerState = 'starting' | 'ready' | 'stopped' | 'crashed' | 'missing' | 'failed';

/** vscode-languageclient's State enum values (imported type-only elsewhere). */
export const ClientState = { Stopped: 1, Running: 2, Starting: 3 } as const;

const LOOK: Record<ServerState, { icon: string; label: string; error: boolean }> = {
  starting: { icon: '$(sync~spin)', label: 'starting', error: false },
  ready: { icon: '$(check)', label: 'ready', error: false },
  stopped: { icon: '$(circle-slash)', label: 'stopped', error: false },
  crashed: { icon: '$(error)', label: 'crashed', error: true },
  missing: { icon: '$(error)', label: 'not found', error: true },
  failed: { icon: '$(error)', label: 'failed to start', error: true },
};

export interface StatusHooks {
  restart(): Promise<void>;
  showLog(): void;
}

export class ServerStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private current: ServerState = 'stopped';
  private detailText = '';

  constructor() {
    this.item = vscode.window.createStatusBarItem('spell.server', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Spell Language Server';
    this.item.command = 'spell.serverStatus';
    this.set('stopped');
    this.item.show();
  }

  get state(): ServerState {
    return this.current;
  }

  get detail(): string {
    return this.detailText;
  }

  /** Shows a state; detail (the error, the binary) goes into the tooltip. */
  set(state: ServerState, detail = ''): void {
    this.current = state;
    this.detailText = detail;
    const look = LOOK[state];
    this.item.text = `${look.icon} Spell`;
    const tip = `Spell language server: ${look.label}${detail ? ` — ${detail}` : ''}. Click to restart or show the log.`;
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: tip };
    this.item.backgroundColor = look.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Creates the status item and its click command. */
export function registerStatus(context: vscode.ExtensionContext, hooks: StatusHooks): ServerStatus {
  const status = new ServerStatus();
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand('spell.serverStatus', async () => {
      const items = [
        { label: '$(debug-restart) Restart Server', action: 'restart' },
        { label: '$(output) Show Server Log', action: 'log' },
        { label: '$(settings-gear) Open Settings: spell.server.path', action: 'settings' },
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: `Spell language server: ${LOOK[status.state].label}`,
        placeHolder: status.detail || undefined,
      });
      switch (pick?.action) {
        case 'restart':
          await hooks.restart();
          break;
        case 'log':
          hooks.showLog();
          break;
        case 'settings':
          await vscode.commands.executeCommand('workbench.action.openSettings', 'spell.server.path');
          break;
      }
    }),
  );
  return status;
}
