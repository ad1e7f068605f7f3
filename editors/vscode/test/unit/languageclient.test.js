// Checks the real vscode-languageclient dependency: it loads (under a permissive `vscode` stub),
// exports LanguageClient, and TransportKind.stdio is the value src/extension.ts hard-codes
// (it imports the enum type-only so the client library is loaded lazily).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');

test('vscode-languageclient/node loads and TransportKind.stdio is 0', () => {
  const base = require('./vscode-stub.js');
  // vscode-languageclient subclasses vscode API classes at load time: give it empty classes.
  const permissive = new Proxy(base, { get: (t, k) => (k in t ? t[k] : class {}) });
  const id = path.join(__dirname, '__permissive_vscode__.js');
  require.cache[id] = { id, filename: id, loaded: true, exports: permissive };
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return id;
    return originalResolve.call(this, request, ...rest);
  };
  try {
    const lc = require('vscode-languageclient/node');
    assert.equal(typeof lc.LanguageClient, 'function');
    assert.equal(lc.TransportKind.stdio, 0);
    const ext = require('../../out/extension.js');
    const opts = ext.serverOptions({ get: (k, d) => (k === 'server.path' ? ' /x/spell-lsp ' : d) });
    assert.equal(opts.run.transport, lc.TransportKind.stdio);
    assert.equal(opts.run.command, '/x/spell-lsp');
  } finally {
    Module._resolveFilename = originalResolve;
  }
});

test('the esbuild bundle (dist/extension.js) holds the client and activates', async () => {
  const fs = require('node:fs');
  const pkg = require('../../package.json');
  assert.equal(pkg.main, './dist/extension.js');
  const bundle = path.join(__dirname, '..', '..', 'dist', 'extension.js');
  assert.ok(fs.existsSync(bundle), 'run `npm run bundle` first (npm test does)');
  const src = fs.readFileSync(bundle, 'utf8');
  // vscode stays external; vscode-languageclient is inside (no require of it at run time)
  assert.match(src, /require\("vscode"\)/);
  assert.doesNotMatch(src, /require\("vscode-languageclient/);
  const base = require('./vscode-stub.js');
  const permissive = new Proxy(base, { get: (t, k) => (k in t ? t[k] : class {}) });
  const id = path.join(__dirname, '__permissive_vscode_bundle__.js');
  require.cache[id] = { id, filename: id, loaded: true, exports: permissive };
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return id;
    return originalResolve.call(this, request, ...rest);
  };
  try {
    const ext = require(bundle);
    base.__reset({});
    const made = [];
    const api = ext.activate({ subscriptions: [] }, {
      createClient: (...a) => {
        made.push(a);
        return { start: () => Promise.resolve(), stop: () => Promise.resolve() };
      },
    });
    await api.idle();
    assert.equal(made.length, 1);
    assert.ok(base.__state.calls.commands.has('spell.paredit.slurpForward'));
    // the real LanguageClient class is in the bundle
    assert.equal(typeof ext.defaultClientFactory, 'function');
  } finally {
    Module._resolveFilename = originalResolve;
  }
});
