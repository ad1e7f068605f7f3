// The paredit commands and Enter indentation as registered by activate (out/extension.js under
// the vscode stub): each command edits the active editor's text and moves the cursor.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');

const stubPath = path.join(__dirname, 'vscode-stub.js');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return stubPath;
  return originalResolve.call(this, request, ...rest);
};

const vscode = require('vscode');
const ext = require('../../out/extension.js');
const pkg = require('../../package.json');

async function activated() {
  vscode.__reset({});
  const factory = () => ({ start: () => Promise.resolve(), stop: () => Promise.resolve() });
  const context = { subscriptions: [], extensionPath: path.join(__dirname, '..', '..') };
  await ext.activate(context, { createClient: factory }).idle();
  return context;
}

/** Runs command id on `marked` (| = cursor) and returns the text with | at the new cursor. */
async function run(id, marked) {
  const at = marked.indexOf('|');
  const editor = vscode.__textEditor(marked.slice(0, at) + marked.slice(at + 1), at);
  await vscode.commands.executeCommand(id);
  const text = editor.document.getText();
  const c = editor.document.offsetAt(editor.selection.active);
  return text.slice(0, c) + '|' + text.slice(c);
}

test('every paredit command in package.json is registered, with a keybinding limited to Spell', async () => {
  await activated();
  const ids = pkg.contributes.commands.map((c) => c.command).filter((c) => c.startsWith('spell.paredit.'));
  assert.equal(ids.length, 12);
  for (const id of ids) assert.ok(vscode.__state.calls.commands.has(id), id);
  for (const kb of pkg.contributes.keybindings.filter((k) => k.command.startsWith('spell.paredit.'))) {
    assert.match(kb.when, /editorLangId == spell/);
  }
});

test('commands edit the active editor', async () => {
  await activated();
  assert.equal(await run('spell.paredit.slurpForward', '(a |b) c'), '(a |b c)');
  assert.equal(await run('spell.paredit.barfForward', '(a |b c)', ''), '(a |b) c');
  assert.equal(await run('spell.paredit.raise', '(a (b |c) d)'), '(a |c d)');
  assert.equal(await run('spell.paredit.splice', '(a [b |c])'), '(a b |c)');
  assert.equal(await run('spell.paredit.wrapBrackets', '(let |x)'), '(let [|x])');
  assert.equal(await run('spell.paredit.killToEnd', '(f |a\n  b)'), '(f |)');
  assert.equal(vscode.__state.clipboard, 'a\n  b');
  // a command that does not apply leaves the text alone
  assert.equal(await run('spell.paredit.slurpForward', '(a |b)'), '(a |b)');
});

test('expand/shrink selection use the server ranges, then the client reader', async () => {
  await activated();
  const editor = vscode.__textEditor('(a (b cd) e)', 7);
  const sel = () => editor.document.getText().slice(editor.document.offsetAt(editor.selection.start), editor.document.offsetAt(editor.selection.end));
  // no selection-range provider: the client's reader
  await vscode.commands.executeCommand('spell.paredit.expandSelection');
  assert.equal(sel(), 'cd');
  await vscode.commands.executeCommand('spell.paredit.expandSelection');
  assert.equal(sel(), 'b cd');
  await vscode.commands.executeCommand('spell.paredit.shrinkSelection');
  assert.equal(sel(), 'cd');
  // with a server: its chain (here it skips the inside of the list) is used
  const doc = editor.document;
  const r = (s, e, parent) => ({ range: new vscode.Range(doc.positionAt(s), doc.positionAt(e)), parent });
  vscode.commands.registerCommand('vscode.executeSelectionRangeProvider', () => [r(6, 8, r(3, 9, r(0, 12)))]);
  await vscode.commands.executeCommand('spell.paredit.expandSelection');
  assert.equal(sel(), '(b cd)');
  await vscode.commands.executeCommand('spell.paredit.expandSelection');
  assert.equal(sel(), '(a (b cd) e)');
});

test('Enter: the on-type provider ("\\n") and the client middleware indent the new line', async () => {
  await activated();
  const onType = vscode.__state.calls.onType;
  assert.equal(onType.length, 1);
  assert.deepEqual(onType[0].chars, ['\n']);
  // `(let [x 1` Enter with auto-closed brackets: the new line holds `])`
  const doc = vscode.__textDocument('(let [x 1\n])');
  const edits = onType[0].provider.provideOnTypeFormattingEdits(doc, new vscode.Position(1, 0), '\n');
  assert.equal(edits.length, 1);
  assert.equal(edits[0].newText, '      ');
  // the language client routes "\n" to the same code and anything else to the server
  const opts = ext.clientOptions({ get: (k, d) => d });
  let forwarded = 0;
  const next = () => {
    forwarded++;
    return [];
  };
  const viaClient = opts.middleware.provideOnTypeFormattingEdits(doc, new vscode.Position(1, 0), '\n', {}, {}, next);
  assert.equal(viaClient[0].newText, '      ');
  opts.middleware.provideOnTypeFormattingEdits(doc, new vscode.Position(1, 0), ';', {}, {}, next);
  assert.equal(forwarded, 1);
});

test('editor defaults: brackets are typed over and Enter formats', () => {
  const d = pkg.contributes.configurationDefaults['[spell]'];
  assert.equal(d['editor.autoClosingOvertype'], 'always');
  assert.equal(d['editor.formatOnType'], true);
});
