// End-to-end: the extension's client code against the real `spell-lsp` over stdio (JSON-RPC with
// vscode-jsonrpc, the library vscode-languageclient uses) and the real `spell` CLI.
//
// A real VS Code is not started here: @vscode/test-electron downloads VS Code from outside the
// package registries, and code-server from npm needs native modules built at install time (see
// the README's "Manual check" for the scripted check in a real editor).
//
// Needs SPELL_LSP and SPELL (paths of the binaries; run-ci.sh builds them with `go build`).
// Without them the tests are skipped with a message.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { spawn, execFileSync } = require('node:child_process');
const rpc = require('vscode-jsonrpc/node');

const root = path.join(__dirname, '..', '..');
const LSP = process.env.SPELL_LSP;
const SPELL = process.env.SPELL;
const skip = !LSP || !SPELL ? 'set SPELL_LSP and SPELL (run-ci.sh builds them)' : false;

// The extension's modules under the vscode stub (for clientOptions and the paredit code).
const stubPath = path.join(__dirname, '..', 'unit', 'vscode-stub.js');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return stubPath;
  return originalResolve.call(this, request, ...rest);
};
const vscode = require('vscode');
const ext = require('../../out/extension.js');
const paredit = require('../../out/paredit.js');
const commands = require('../../out/paredit-commands.js');
const { indentAt } = require('../../out/indent.js');
const { THEMES, semanticStyle, textmateStyle } = require('../theme.js');

const GUARD_MS = 60_000; // hang guard only, never a speed assertion

function withTimeout(p, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`no answer to ${what} within ${GUARD_MS / 1000}s`)), GUARD_MS);
    }),
  ]);
}

/** Starts spell-lsp the way the client does (serverOptions/clientOptions) and initializes it. */
async function startServer() {
  vscode.__reset({ 'server.path': LSP });
  const config = vscode.workspace.getConfiguration('spell');
  const server = ext.serverOptions(config).run;
  const options = ext.clientOptions(config);
  assert.equal(server.command, LSP);
  const child = spawn(server.command, server.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const diagnostics = new Map();
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  conn.onRequest(() => null); // workspace/configuration, client/registerCapability, …
  conn.listen();
  const init = await withTimeout(
    conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: {
          semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
          selectionRange: {},
          onTypeFormatting: {},
          publishDiagnostics: {},
        },
      },
      initializationOptions: options.initializationOptions,
    }),
    'initialize',
  );
  await conn.sendNotification('initialized', {});
  let version = 0;
  const api = {
    init,
    conn,
    stderr: () => stderr,
    async open(uri, text) {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'spell', version: ++version, text } });
    },
    /** Waits for the diagnostics of uri (published after a debounce). */
    diagnostics(uri) {
      return withTimeout(
        new Promise((resolve) => {
          const check = () => (diagnostics.has(uri) ? resolve(diagnostics.get(uri)) : waiters.push(check));
          check();
        }),
        `diagnostics for ${uri}`,
      );
    },
    request(method, params) {
      return withTimeout(conn.sendRequest(method, params), method);
    },
    async stop() {
      try {
        await withTimeout(conn.sendRequest('shutdown'), 'shutdown');
        await conn.sendNotification('exit');
      } finally {
        conn.dispose();
        child.kill();
      }
    },
  };
  return api;
}

function lineStarts(text) {
  const s = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') s.push(i + 1);
  return s;
}
const offsetOf = (starts, pos) => starts[pos.line] + pos.character;
function positionOf(starts, off) {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= off) line++;
  return { line, character: off - starts[line] };
}

const agentFile = path.join(root, 'docs', 'agent.spl');
const agentText = fs.readFileSync(agentFile, 'utf8');
const agentUri = 'file://' + agentFile;

test('e2e: the demo file docs/agent.spl has no diagnostics from spell-lsp (lint on)', { skip }, async () => {
  const s = await startServer();
  try {
    await s.open(agentUri, agentText);
    const diags = await s.diagnostics(agentUri);
    assert.deepEqual(diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}: ${d.message}`), []);
  } finally {
    await s.stop();
  }
});

test('e2e: semantic tokens of spell-lsp are covered by the extension and agree with the grammar', { skip }, async () => {
  const s = await startServer();
  try {
    const legend = s.init.capabilities.semanticTokensProvider.legend;
    const scopes = require('../../package.json').contributes.semanticTokenScopes[0].scopes;
    for (const t of ['keyword', 'macro', 'function']) assert.ok(legend.tokenTypes.includes(t), `legend type ${t}`);
    for (const m of ['effect', 'inert']) assert.ok(legend.tokenModifiers.includes(m), `legend modifier ${m}`);
    assert.ok(scopes['*.effect'] && scopes['function.defaultLibrary.inert']);

    const text = agentText + "\n(quine c (eval (do '(!call-now a (io/ls \".\")) (map inc [1]))))\n";
    const uri = 'file:///tmp/spell-e2e-colours.spl';
    await s.open(uri, text);
    const res = await s.request('textDocument/semanticTokens/full', { textDocument: { uri } });
    const tokens = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < res.data.length; i += 5) {
      const [dl, dc, len, type, mods] = res.data.slice(i, i + 5);
      line += dl;
      ch = dl === 0 ? ch + dc : dc;
      const modifiers = legend.tokenModifiers.filter((_, b) => mods & (1 << b));
      tokens.push({ line, ch, len, type: legend.tokenTypes[type], modifiers });
    }
    const lines = text.split('\n');
    const name = (t) => lines[t.line].slice(t.ch, t.ch + t.len);
    const find = (n) => tokens.find((t) => name(t) === n);
    // issue 13: special forms are keywords, built-in macros macros, builtins functions
    for (const n of ['do', 'eval', 'quine', 'def', 'persist', 'think', 'rethink']) assert.equal(find(n)?.type, 'keyword', n);
    for (const n of ['defn', 'when', '->>']) assert.equal(find(n)?.type, 'macro', n);
    for (const n of ['filter', 'seq', 'take']) assert.equal(find(n)?.type, 'function', n);
    assert.ok(find('!call-now').modifiers.includes('effect'), '!call-now is an effect');

    // The grammar gives every builtin, special form, macro, effect and namespace token the same
    // colour and boldness as the server's token does (Dark+ and Light+). Inert tokens are the
    // server's alone (a TextMate grammar cannot tell a non-final form of the wrapper's do).
    const { tokenize } = await import(path.join(root, 'scripts', 'tokenize.mjs'));
    const tm = await tokenize(text);
    const scopesAt = (l, c) => {
      let col = 0;
      for (const tok of tm[l]) {
        if (c >= col && c < col + tok.text.length) return tok.scopes;
        col += tok.text.length;
      }
      return [];
    };
    let compared = 0;
    const wrong = [];
    for (const t of tokens) {
      if (t.modifiers.includes('inert')) continue;
      const builtin = t.modifiers.includes('defaultLibrary') || t.modifiers.includes('effect');
      if (!(builtin || t.type === 'namespace')) continue;
      for (const [theme, rules] of Object.entries(THEMES)) {
        const want = semanticStyle(rules, t.type, t.modifiers);
        const got = textmateStyle(rules, scopesAt(t.line, t.ch));
        compared++;
        if (want.foreground !== got.foreground || want.bold !== got.bold) {
          wrong.push(`${theme} ${t.line + 1}:${t.ch + 1} ${name(t)} server ${t.type}[${t.modifiers}] ${JSON.stringify(want)} grammar ${JSON.stringify(got)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(compared >= 40, `only ${compared} tokens compared`);
    // inert tokens exist and are comment-coloured
    const inert = tokens.filter((t) => t.modifiers.includes('inert'));
    assert.ok(inert.length > 0, 'the old trailing expression is inert');
    for (const [, rules] of Object.entries(THEMES)) {
      const comment = semanticStyle(rules, 'comment', []).foreground;
      for (const t of inert) assert.equal(semanticStyle(rules, t.type, t.modifiers).foreground, comment, name(t));
    }
  } finally {
    await s.stop();
  }
});

test("e2e: expand selection follows the server's selection ranges, which are forms of the client's reader", { skip }, async () => {
  const s = await startServer();
  try {
    await s.open(agentUri, agentText);
    const starts = lineStarts(agentText);
    const probe = agentText.indexOf('strings/trim path');
    const res = await s.request('textDocument/selectionRange', {
      textDocument: { uri: agentUri },
      positions: [positionOf(starts, probe + 2)],
    });
    const chain = [];
    for (let r = res[0]; r; r = r.parent) chain.push({ start: offsetOf(starts, r.range.start), end: offsetOf(starts, r.range.end) });
    assert.ok(chain.length >= 4, JSON.stringify(chain));
    // Walk the chain with the command's choice function, from the cursor to the top-level form.
    let sel = { start: probe + 2, end: probe + 2 };
    const seen = [];
    for (let next; (next = commands.nextLarger(chain, sel.start, sel.end)); sel = next) seen.push(agentText.slice(next.start, next.end));
    assert.equal(seen[0], 'strings/trim');
    assert.equal(seen[1], '(strings/trim path)');
    assert.ok(seen[seen.length - 1].startsWith('(quine completion'));
    // Every range the server gives is a form (or a collection's inside) for the client's reader,
    // so the fallback and the server select the same things.
    for (const r of chain) {
      let ok = false;
      let a = { start: r.start, end: r.start };
      for (let n; (n = paredit.expandSelection(agentText, a.start, a.end)); a = n) {
        if (n.start === r.start && n.end === r.end) ok = true;
        if (n.end - n.start >= r.end - r.start) break;
      }
      assert.ok(ok || (r.start === r.end), `server range ${JSON.stringify(agentText.slice(r.start, r.end))} is not a form`);
    }
  } finally {
    await s.stop();
  }
});

test("e2e: Enter indentation matches the server's on-type formatting where the server answers", { skip }, async () => {
  const s = await startServer();
  try {
    const cases = ['(let [x 1]\ny)', '(defn f [x]\nx)', '(foo a\nb)', '{:a 1\n:b 2}', '(quine completion (eval (do\n(quine prompt "p"))))'];
    let answered = 0;
    for (const [i, text] of cases.entries()) {
      const uri = `file:///tmp/spell-e2e-enter-${i}.spl`;
      await s.open(uri, text);
      const nl = text.indexOf('\n');
      const edits = await s.request('textDocument/onTypeFormatting', {
        textDocument: { uri },
        position: { line: 1, character: 0 },
        ch: '\n',
        options: { tabSize: 2, insertSpaces: true },
      });
      const ours = indentAt(text, nl + 1);
      if (!edits || edits.length === 0) {
        assert.equal(ours, 0, `${JSON.stringify(text)}: server leaves the line at 0, client says ${ours}`);
        continue;
      }
      answered++;
      const e = edits.find((x) => x.range.start.line === 1 && x.range.start.character === 0);
      assert.ok(e, JSON.stringify(edits));
      assert.equal(e.newText.length, ours, `${JSON.stringify(text)}: server ${JSON.stringify(e.newText)}`);
    }
    assert.ok(answered >= 3, `server answered ${answered} cases`);
  } finally {
    await s.stop();
  }
});

test('e2e: the snippets expand to fmt-clean, lint-clean Spell', { skip }, () => {
  const snippets = require('../../snippets/spell.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spell-snippets-'));
  try {
    for (const [name, sn] of Object.entries(snippets)) {
      if (name === 'agent profile') continue; // EDN data, checked below
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.spl`);
      fs.writeFileSync(file, expand(sn.body.join('\n')) + '\n');
      execFileSync(SPELL, ['fmt', '--check', file], { stdio: 'pipe' });
      // exit 0 and not a single finding (stdout lists findings; the summary goes to stderr)
      const lint = execFileSync(SPELL, ['lint', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(lint.trim(), '', `${name}: ${lint}`);
    }
    // the agent profile snippet is a profile `spell run` accepts
    const profile = path.join(dir, 'e2e.agent.edn');
    fs.writeFileSync(profile, expand(snippets['agent profile'].body.join('\n')) + '\n');
    const prog = path.join(dir, 'p.spl');
    fs.writeFileSync(prog, '(+ 1 2)\n');
    const out = execFileSync(SPELL, ['run', '--agent', profile, prog], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /3/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Expands a snippet body with every placeholder's default (first choice, mirrors as their value). */
function expand(body) {
  const values = {};
  let prev;
  do {
    prev = body;
    body = body.replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, n, choices) => (values[n] = choices.split(',')[0]));
    body = body.replace(/\$\{(\d+):([^${}]*)\}/g, (_, n, text) => (values[n] = text));
    body = body.replace(/\$(\d+)/g, (m, n) => (n in values ? values[n] : n === '0' ? '' : m));
  } while (body !== prev);
  return body.replace(/\$(\d+)/g, '');
}
module.exports = { expand };
