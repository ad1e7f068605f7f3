// `spell.format.onSave`: format Spell documents with the language server before saving, without
// depending on the global editor.formatOnSave. A broken file (the server answers an error or no
// edits) is saved unchanged: nothing is lost from the buffer.
import * as vscode from 'vscode';
import { formatOnSave } from './settings';

export function registerFormatOnSave(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.onWillSaveTextDocument((e) => {
      const doc = e.document;
      if (doc.languageId !== 'spell' || !formatOnSave(doc.uri) || e.reason === vscode.TextDocumentSaveReason.AfterDelay) {
        return;
      }
      e.waitUntil(formatEdits(doc));
    }),
  );
}

/** The server's formatting edits, or none when it fails (the save goes on unformatted). */
export async function formatEdits(doc: vscode.TextDocument): Promise<vscode.TextEdit[]> {
  try {
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>(
      'vscode.executeFormatDocumentProvider',
      doc.uri,
      { tabSize: 2, insertSpaces: true },
    );
    return Array.isArray(edits) ? edits : [];
  } catch {
    return [];
  }
}
