// Unit test for out/extension.js (run `npm run compile` first; `npm test` does).
// The real `vscode` module only exists inside VS Code, so a module-resolution hook maps
// `require('vscode')` to ./vscode-stub.js, and a stub client factory replaces
// vscode-languageclient's LanguageClient.
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

/** A stub ClientFactory recording every client it creates. */
function stubFactory() {
  const clients = [];
  const factory = (id, name, serverOptions, clientOptions) => {
    const c = {
      id,
      name,
      serverOptions,
      clientOptions,
      started: 0,
      stopped: 0,
      start() {
        this.started++;
        return Promise.resolve();
      },
      stop() {
        this.stopped++;
        return Promise.resolve();
      },
    };
    clients.push(c);
    return c;
  };
  return { factory, clients };
}

function fakeContext() {
  return { subscriptions: [], extensionPath: path.join(__dirname, '..', '..') };
}

async function activateWith(settings) {
  vscode.__reset(settings);
  const { factory, clients } = stubFactory();
  const context = fakeContext();
  const api = ext.activate(context, { createClient: factory });
  await api.idle(); // wait for the initial start
  return { api, clients, context, state: vscode.__state };
}

test('activate registers both commands', async () => {
  const { state, context } = await activateWith({});
  assert.ok(state.calls.commands.has('spell.runFile'));
  assert.ok(state.calls.commands.has('spell.restartServer'));
  assert.ok(context.subscriptions.length >= 3);
});

test('client uses the configured server path and {lint: false} when linting is off', async () => {
  vscode.__reset({ 'server.path': '/opt/spell/bin/spell-lsp', 'lint.enable': false });
  const { factory, clients } = stubFactory();
  await ext.activate(fakeContext(), { createClient: factory }).idle();
  assert.equal(clients.length, 1);
  const c = clients[0];
  assert.equal(c.id, 'spell'); // the id makes `spell.trace.server` apply
  assert.equal(c.serverOptions.run.command, '/opt/spell/bin/spell-lsp');
  assert.equal(c.serverOptions.debug.command, '/opt/spell/bin/spell-lsp');
  assert.equal(c.serverOptions.run.transport, 0); // TransportKind.stdio
  assert.deepEqual(c.serverOptions.run.args, []);
  assert.deepEqual(c.clientOptions.initializationOptions, { lint: false });
  assert.deepEqual(c.clientOptions.documentSelector, [{ language: 'spell' }]);
  assert.equal(c.started, 1);
});

test('defaults: spell-lsp on PATH, lint on', async () => {
  const { clients } = await activateWith({});
  assert.equal(clients.length, 1);
  assert.equal(clients[0].serverOptions.run.command, 'spell-lsp');
  assert.deepEqual(clients[0].clientOptions.initializationOptions, { lint: true });
});

test('the restart command stops the client and starts a new one', async () => {
  const { clients } = await activateWith({});
  await vscode.commands.executeCommand('spell.restartServer');
  assert.equal(clients.length, 2);
  assert.equal(clients[0].stopped, 1);
  assert.equal(clients[1].started, 1);
  assert.equal(clients[1].stopped, 0);
});

test('changing spell.lint.enable or spell.server.path restarts the server', async () => {
  const { api, clients } = await activateWith({});
  vscode.__changeSettings({ 'lint.enable': false });
  await api.idle(); // the restart triggered by the change
  assert.equal(clients.length, 2);
  assert.deepEqual(clients[1].clientOptions.initializationOptions, { lint: false });
  vscode.__changeSettings({ 'server.path': 'my-lsp' });
  await api.idle();
  assert.equal(clients.length, 3);
  assert.equal(clients[2].serverOptions.run.command, 'my-lsp');
  assert.equal(clients.filter((c) => c.stopped === 0).length, 1);
});

test('changing spell.trace.server does not restart (the client reads it live)', async () => {
  const { clients } = await activateWith({});
  vscode.__changeSettings({ 'trace.server': 'verbose' });
  await new Promise((r) => setImmediate(r));
  assert.equal(clients.length, 1);
});

test('a server that fails to start reports an error instead of throwing', async () => {
  vscode.__reset({ 'server.path': 'missing-lsp' });
  const factory = () => ({
    start: () => Promise.reject(new Error('spawn missing-lsp ENOENT')),
    stop: () => Promise.reject(new Error('not running')),
  });
  const api = ext.activate(fakeContext(), { createClient: factory });
  await api.idle();
  assert.equal(vscode.__state.calls.errors.length, 1);
  await api.restart(); // stopping the failed client must not throw either
  assert.equal(vscode.__state.calls.errors.length, 2);
  assert.match(vscode.__state.calls.errors[0], /missing-lsp.*ENOENT/);
});

test('Spell: Run File runs `spell run <args> <file>` as a task', async () => {
  const { state } = await activateWith({ 'run.path': '/usr/local/bin/spell', 'run.args': ['--model', 'replay:t.txtar'] });
  let saved = 0;
  const uri = vscode.Uri.file('/work/proj/agent.spl');
  state.activeDocument = { uri, isDirty: true, save: async () => { saved++; return true; } };
  state.workspaceFolders = [{ uri: vscode.Uri.file('/work/proj') }];
  await vscode.commands.executeCommand('spell.runFile');
  assert.equal(saved, 1);
  assert.equal(state.more.tasks.length, 1);
  assert.deepEqual(state.more.tasks[0].definition, { type: 'spell', command: 'run', file: '/work/proj/agent.spl' });
});

test('Spell: Run File without a file on disk shows an error', async () => {
  const { state } = await activateWith({});
  await vscode.commands.executeCommand('spell.runFile');
  assert.equal(state.more.tasks.length, 0);
  assert.equal(state.calls.errors.length, 1);
});

test('disposing the subscriptions stops the client', async () => {
  const { context, clients } = await activateWith({});
  for (const d of context.subscriptions) d.dispose();
  await new Promise((r) => setImmediate(r));
  assert.equal(clients[0].stopped, 1);
});
