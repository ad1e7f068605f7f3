// Unit tests of the evaluation, run, test, trace, status bar and settings code (src/eval.ts,
// run.ts, status.ts, settings.ts, formatonsave.ts) against the stub `vscode` module and a fake
// `spell` CLI (fake-spell.js, a real child process). No test asserts wall-clock time.
'use strict';

const nodeTest = require('node:test');
// A hang guard (child processes are involved), not a speed assertion.
const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);
test.before = nodeTest.before;
test.after = nodeTest.after;
const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const stubPath = path.join(__dirname, 'vscode-stub.js');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return stubPath;
  return originalResolve.call(this, request, ...rest);
};

const vscode = require('vscode');
const ext = require('../../out/extension.js');
const evalMod = require('../../out/eval.js');
const runMod = require('../../out/run.js');
const settings = require('../../out/settings.js');

const FAKE = path.join(__dirname, 'fake-spell.js');
const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));

// ---- helpers ----

function stubFactory(start = () => Promise.resolve()) {
  const clients = [];
  const factory = (id, name, serverOptions, clientOptions) => {
    const listeners = [];
    const c = {
      serverOptions,
      started: 0,
      stopped: 0,
      outputChannel: { shown: 0, show() { this.shown++; } },
      start() {
        this.started++;
        return start(c);
      },
      stop() {
        this.stopped++;
        return Promise.resolve();
      },
      onDidChangeState(l) {
        listeners.push(l);
        return { dispose() {} };
      },
      fireState(oldState, newState) {
        for (const l of listeners) l({ oldState, newState });
      },
    };
    clients.push(c);
    return c;
  };
  return { factory, clients };
}

let tmp;
test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spell-vscode-'));
});
test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Activates with settings; the fake spell is spell.run.path unless overridden. */
async function activate(settingsMap = {}, factoryStart) {
  vscode.__reset({ 'run.path': FAKE, ...settingsMap });
  const { factory, clients } = stubFactory(factoryStart);
  const context = { subscriptions: [], extensionPath: root };
  const api = ext.activate(context, { createClient: factory });
  await api.idle();
  return { api, clients, context, state: vscode.__state, more: vscode.__state.more };
}

/** Sets the fake CLI's behaviour and a fresh call log; returns a reader of the calls. */
function fake(mode, extra = {}) {
  const log = path.join(tmp, `calls-${Math.random().toString(36).slice(2)}.jsonl`);
  for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_SPELL_')) delete process.env[k];
  process.env.FAKE_SPELL_MODE = mode;
  process.env.FAKE_SPELL_LOG = log;
  for (const [k, v] of Object.entries(extra)) process.env[`FAKE_SPELL_${k}`] = v;
  return () =>
    fs.existsSync(log)
      ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      : [];
}

function makeDoc(text, fsPath) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const doc = {
    uri: vscode.Uri.file(fsPath),
    fileName: fsPath,
    languageId: 'spell',
    version: 1,
    isDirty: true,
    saved: 0,
    getText: () => text,
    offsetAt: (p) => starts[p.line] + p.character,
    positionAt(o) {
      let l = 0;
      while (l + 1 < starts.length && starts[l + 1] <= o) l++;
      return new vscode.Position(l, o - starts[l]);
    },
    lineAt(l) {
      const end = (l + 1 < starts.length ? starts[l + 1] - 1 : text.length) - starts[l];
      return { range: { end: new vscode.Position(l, end) } };
    },
    async save() {
      this.saved++;
      this.isDirty = false;
      return true;
    },
  };
  return doc;
}

function makeEditor(more, doc, offset) {
  const ed = {
    document: doc,
    selection: { active: doc.positionAt(offset) },
    decorations: new Map(),
    setDecorations(type, list) {
      this.decorations.set(type.key, list);
    },
  };
  vscode.__state.activeEditor = ed;
  more.visibleEditors = [ed];
  return ed;
}

/** The decorations of an editor: values (first type) and errors (second type). */
function decorations(more, ed) {
  const [valueType, errorType] = more.decorationTypes;
  return { values: ed.decorations.get(valueType.key) ?? [], errors: ed.decorations.get(errorType.key) ?? [] };
}

function reply(results) {
  return JSON.stringify({ file: 'x.spl', results });
}

// ---- pure helpers ----

test('byte offsets map to UTF-16 offsets and back, with multi-byte text', () => {
  const text = 'é😀(+ 1 2) "ü"';
  // é = 2 bytes, 😀 = 4 bytes (2 UTF-16 units)
  assert.equal(evalMod.charToByteOffset(text, 3), 6);
  assert.deepEqual(evalMod.byteToCharOffsets(text, [6, 0, 13, 6 + 7 + 1 + 4]), [3, 0, 10, 14]);
  assert.deepEqual(evalMod.byteToCharOffsets('(+ 1 2)', [0, 7, 99]), [0, 7, 7]);
});

test('evalArgs: --at and --form for a form, none for the file; text on stdin', () => {
  assert.deepEqual(evalMod.evalArgs('top', 12, '/p/a.spl', 1000), [
    'eval', '--json', '--max-steps', '1000', '--stdin-filename', '/p/a.spl', '--at', '12', '--form', 'top', '-',
  ]);
  assert.deepEqual(evalMod.evalArgs('file', 0, 'a.spl', 5), ['eval', '--json', '--max-steps', '5', '--stdin-filename', 'a.spl', '-']);
});

test('inline text is one line, shortened; the full value stays for the hover', () => {
  const long = '[' + '1 '.repeat(200) + ']';
  const t = evalMod.inlineText({ value: long, error: null });
  assert.ok(t.startsWith('=> [1 1'));
  assert.ok(t.length <= evalMod.INLINE_MAX && t.endsWith('…'));
  assert.equal(evalMod.inlineText({ value: null, error: 'Unbound symbol: x\n  more' }), '✗ Unbound symbol: x more');
});

test('binary errors name the setting and the cause', () => {
  const m = settings.binaryErrorMessage('spell.run.path', '/no/spell', Object.assign(new Error('spawn /no/spell ENOENT'), { code: 'ENOENT' }), 'x');
  assert.match(m, /"\/no\/spell" was not found \(ENOENT\)/);
  assert.match(m, /Set "spell\.run\.path"/);
  assert.match(settings.binaryErrorMessage('spell.server.path', 'lsp', { code: 'EACCES' }, 'x'), /not executable.*spell\.server\.path/);
});

// ---- evaluation ----

test('Evaluate Top-Level Form sends the unsaved buffer and shows the value inline, in a hover and in the output', async () => {
  const { more } = await activate({ 'eval.maxSteps': 5000 });
  const text = '; é\n(def x 41)\n(inc x)\n';
  const doc = makeDoc(text, path.join(tmp, 'a.spl'));
  const ed = makeEditor(more, doc, text.indexOf('(inc') + 2);
  // Byte offsets: the é before the form takes two bytes.
  const start = Buffer.byteLength(text.slice(0, text.indexOf('(inc')));
  const calls = fake('reply', { REPLY: reply([{ start, end: start + 7, line: 3, col: 1, value: '42', error: null }]) });
  const outcome = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(outcome.kind, 'ok');
  const [call] = calls();
  assert.equal(call.stdin, text, 'the buffer text goes on stdin (unsaved changes included)');
  assert.deepEqual(call.argv.slice(0, 4), ['eval', '--json', '--max-steps', '5000']);
  const at = call.argv[call.argv.indexOf('--at') + 1];
  assert.equal(Number(at), Buffer.byteLength(text.slice(0, text.indexOf('(inc') + 2)));
  assert.equal(call.argv[call.argv.indexOf('--form') + 1], 'top');
  assert.equal(call.argv.at(-1), '-');
  const { values, errors } = decorations(more, ed);
  assert.equal(errors.length, 0);
  assert.equal(values.length, 1);
  assert.equal(values[0].renderOptions.after.contentText, '=> 42');
  assert.deepEqual(values[0].range.end, new vscode.Position(2, 7), 'after the form (UTF-16 positions)');
  assert.match(values[0].hoverMessage.value, /```spell\n42\n```/);
  const out = more.outputs.find((o) => o.name === 'Spell');
  assert.match(out.text, /=> 42/);
  assert.equal(more.contexts['spell.hasEvaluationResults'], true);
  assert.equal(doc.saved, 0, 'evaluation never saves or edits the buffer');
});

test('Evaluate Current Form asks for the innermost form; errors show in red with the message', async () => {
  const { more } = await activate();
  const text = '(do (def y 3) (+ y (nope 1)))';
  const doc = makeDoc(text, path.join(tmp, 'b.spl'));
  const ed = makeEditor(more, doc, 15);
  const calls = fake('reply', {
    REPLY: reply([{ start: 14, end: 28, line: 1, col: 15, value: null, error: 'Unbound symbol: nope', error_start: 20, hint: 'did you mean note?' }]),
    EXIT: '1',
  });
  const outcome = await vscode.commands.executeCommand('spell.evaluateCurrentForm');
  assert.equal(outcome.kind, 'error');
  assert.equal(calls()[0].argv[calls()[0].argv.indexOf('--form') + 1], 'current');
  const { values, errors } = decorations(more, ed);
  assert.equal(values.length, 0);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].renderOptions.after.contentText, '✗ Unbound symbol: nope');
  assert.match(errors[0].hoverMessage.value, /hint: did you mean note\?/);
  assert.equal(more.decorationTypes[1].options.after.color.id, 'errorForeground');
  assert.match(more.outputs.find((o) => o.name === 'Spell').text, /; error: Unbound symbol: nope/);
});

test('Evaluate File evaluates every form: errors and the last value inline', async () => {
  const { more } = await activate();
  const text = '(def a 1)\n(/ 1 0)\n(+ a 1)\n';
  const doc = makeDoc(text, path.join(tmp, 'c.spl'));
  const ed = makeEditor(more, doc, 0);
  const calls = fake('reply', {
    REPLY: reply([
      { start: 0, end: 9, line: 1, col: 1, value: '1', error: null },
      { start: 10, end: 17, line: 2, col: 1, value: null, error: 'Divide by zero' },
      { start: 18, end: 25, line: 3, col: 1, value: '2', error: null },
    ]),
    EXIT: '1',
  });
  await vscode.commands.executeCommand('spell.evaluateFile');
  assert.ok(!calls()[0].argv.includes('--at'));
  const { values, errors } = decorations(more, ed);
  assert.deepEqual(values.map((d) => d.renderOptions.after.contentText), ['=> 2']);
  assert.deepEqual(errors.map((d) => d.renderOptions.after.contentText), ['✗ Divide by zero']);
  assert.match(more.outputs.find((o) => o.name === 'Spell').text, /3 forms, 1 failed/);
});

test('an endless evaluation is killed at spell.eval.timeout and the editor says so', async () => {
  const { more } = await activate({ 'eval.timeout': 0.3 });
  const doc = makeDoc('(loop [] (recur))', path.join(tmp, 'd.spl'));
  const ed = makeEditor(more, doc, 1);
  fake('loop');
  const outcome = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(outcome.kind, 'timeout');
  assert.match(outcome.message, /timed out after 0\.3 s \(spell\.eval\.timeout\); the spell process was stopped/);
  assert.equal(more.warnings.length, 1);
  const { errors } = decorations(more, ed);
  assert.equal(errors.length, 1);
  assert.match(errors[0].renderOptions.after.contentText, /timed out/);
  assert.equal(doc.getText(), '(loop [] (recur))');
});

test('a missing spell binary: an error naming spell.run.path, no exception', async () => {
  const { more, state } = await activate({ 'run.path': path.join(tmp, 'no-such-spell') });
  makeEditor(more, makeDoc('(+ 1 2)', path.join(tmp, 'e.spl')), 0);
  const outcome = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(outcome.kind, 'missing');
  const msg = state.calls.errors.at(-1);
  assert.match(msg, /no-such-spell" was not found \(ENOENT\)/);
  assert.match(msg, /"spell\.run\.path"/);
  assert.deepEqual(more.errorButtons.at(-1), ['Open Settings']);
});

test('a wrong binary (no JSON) or a crashing one: a clear error, no decoration', async () => {
  for (const mode of ['garbage', 'crash']) {
    const { more, state } = await activate();
    const ed = makeEditor(more, makeDoc('(+ 1 2)', path.join(tmp, 'f.spl')), 0);
    fake(mode);
    const outcome = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
    assert.equal(outcome.kind, 'bad-output', mode);
    assert.match(state.calls.errors.at(-1), /printed no result .*spell\.run\.path/);
    assert.deepEqual(decorations(more, ed), { values: [], errors: [] });
  }
});

test('an unbalanced form: the syntax error is shown inline; editing clears the results; Esc clears them', async () => {
  const { more } = await activate();
  const text = '(def z 1)\n(+ z (foo\n';
  const doc = makeDoc(text, path.join(tmp, 'g.spl'));
  const ed = makeEditor(more, doc, 12);
  fake('reply', { REPLY: reply([{ start: 10, end: 19, line: 2, col: 1, value: null, error: 'unclosed ( opened at 2:6', error_start: 15 }]), EXIT: '1' });
  await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(decorations(more, ed).errors[0].renderOptions.after.contentText, '✗ unclosed ( opened at 2:6');
  for (const l of more.changeListeners) l({ document: doc, contentChanges: [{ text: ')' }] });
  assert.deepEqual(decorations(more, ed), { values: [], errors: [] });
  assert.equal(more.contexts['spell.hasEvaluationResults'], false);
  assert.equal(doc.getText(), text, 'nothing changed in the buffer');
});

// ---- run, tests, trace ----

async function openTask(task) {
  assert.ok(task.execution instanceof vscode.CustomExecution);
  const pty = await task.execution.callback({});
  let written = '';
  let closed;
  pty.onDidWrite((s) => (written += s));
  pty.onDidClose((c) => (closed = c));
  pty.open(undefined);
  const code = await pty.done;
  return { pty, code, closed, written: () => written };
}

test('Run File runs `spell run <args> FILE` in a task terminal that keeps the output, the error and the trace', async () => {
  const { more, state } = await activate({ 'run.args': ['--model', 'replay:t.txtar'] });
  const file = path.join(tmp, 'agent.spl');
  const doc = makeDoc('(+ 1 2)', file);
  state.activeDocument = doc;
  state.workspaceFolders = [{ uri: vscode.Uri.file(tmp), name: 'w', index: 0 }];
  const calls = fake('run', { EXIT: '1', TRACE: '/tmp/spell-runs/run-1' });
  await vscode.commands.executeCommand('spell.runFile');
  assert.equal(doc.saved, 1, 'a dirty file is saved first');
  assert.equal(more.tasks.length, 1);
  const task = more.tasks[0];
  assert.deepEqual(task.definition, { type: 'spell', command: 'run', file });
  assert.equal(task.presentationOptions.reveal, vscode.TaskRevealKind.Always);
  const { code, closed, written } = await openTask(task);
  assert.equal(code, 1);
  assert.equal(closed, 1, 'the task ends with the exit code; VS Code keeps its terminal open');
  assert.deepEqual(calls()[0].argv, ['run', '--model', 'replay:t.txtar', file]);
  assert.equal(fs.realpathSync(calls()[0].cwd), fs.realpathSync(tmp));
  const out = written();
  assert.match(out, /hello from the program\r\n/);
  assert.match(out, /agent\.spl:3:5: error: Unbound symbol: lenght/);
  assert.match(out, /Trace: \/tmp\/spell-runs\/run-1/);
  assert.match(out, /spell exited with code 1/);
  // The trace line is a link that opens Show Trace.
  const links = more.linkProviders[0].provideTerminalLinks({ line: 'Trace: /tmp/spell-runs/run-1' });
  assert.equal(links.length, 1);
  assert.equal(links[0].dir, '/tmp/spell-runs/run-1');
});

test('Run File accepts the URI string of a server code lens; a missing spell is reported in the terminal', async () => {
  const { more, state } = await activate({ 'run.path': path.join(tmp, 'missing-spell') });
  const file = path.join(tmp, 'lens.spl');
  await vscode.commands.executeCommand('spell.runFile', `file://${file}`);
  assert.equal(more.tasks[0].definition.file, file);
  const { code, written } = await openTask(more.tasks[0]);
  assert.equal(code, 127);
  assert.match(written(), /missing-spell" was not found \(ENOENT\).*spell\.run\.path/);
  assert.match(state.calls.errors.at(-1), /spell\.run\.path/);
});

test('Run Task asks for a task and runs `spell run -p TASK`', async () => {
  const { more } = await activate();
  more.inputBox = 'Say hello';
  const calls = fake('run');
  await vscode.commands.executeCommand('spell.runTask');
  const { code } = await openTask(more.tasks[0]);
  assert.equal(code, 0);
  assert.deepEqual(calls()[0].argv, ['run', '-p', 'Say hello']);
  more.inputBox = undefined;
  await vscode.commands.executeCommand('spell.runTask'); // cancelled input: nothing runs
  assert.equal(more.tasks.length, 1);
});

test('Show Trace opens `spell trace export --html` of the last run in a webview', async () => {
  const { more, state } = await activate();
  state.activeDocument = makeDoc('(+ 1 2)', path.join(tmp, 'agent.spl'));
  fake('run', { TRACE: '/tmp/spell-runs/run-7' });
  await vscode.commands.executeCommand('spell.runFile');
  await openTask(more.tasks[0]);
  const calls = fake('reply', { REPLY: '<!DOCTYPE html><html><head><title>t</title></head><body>turn 1</body></html>' });
  const panel = await vscode.commands.executeCommand('spell.showTrace');
  assert.deepEqual(calls()[0].argv, ['trace', 'export', '--html', '-o', '-', '/tmp/spell-runs/run-7']);
  assert.equal(more.webviews.length, 1);
  assert.equal(panel.options.enableScripts, false);
  assert.match(panel.webview.html, /<head>\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.match(panel.webview.html, /turn 1/);
  // No run yet in a fresh window: latest; a failing export is an error message, no webview.
  const again = await activate();
  const calls2 = fake('reply', { EXIT: '2' });
  assert.equal(await vscode.commands.executeCommand('spell.showTrace'), undefined);
  assert.equal(calls2()[0].argv.at(-1), 'latest');
  assert.match(again.state.calls.errors.at(-1), /no trace to show/);
});

test('Run Tests runs `spell test --json` and shows failures as diagnostics on the failing line', async () => {
  const { more, state } = await activate();
  state.workspaceFolders = [{ uri: vscode.Uri.file(tmp), name: 'w', index: 0 }];
  const report = {
    scripts: [
      { path: 'tests/bad_test.txtar', passed: false, elapsed_s: 0.1, failure: { line: 3, message: 'no match for `^4$` found in stdout' }, log: '> stdout\nFAIL: tests/bad_test.txtar:3: no match\n' },
      { path: 'tests/good_test.txtar', passed: true, elapsed_s: 0.1, failure: null, log: 'PASS\n' },
    ],
    passed: 1,
    failed: 1,
  };
  const calls = fake('reply', { REPLY: JSON.stringify(report), EXIT: '1' });
  const got = await vscode.commands.executeCommand('spell.runTests', vscode.Uri.file(path.join(tmp, 'tests')));
  assert.equal(got.failed, 1);
  assert.deepEqual(calls()[0].argv, ['test', '--json', 'tests']);
  const diags = more.diagnostics.find((d) => d.name === 'spell-test');
  const list = diags.map.get(path.join(tmp, 'tests', 'bad_test.txtar'));
  assert.equal(list.length, 1);
  assert.equal(list[0].range.start.line, 2);
  assert.equal(list[0].message, 'no match for `^4$` found in stdout');
  assert.equal(list[0].source, 'spell test');
  assert.match(state.calls.errors.at(-1), /1 of 2 test scripts failed/);
  // A .spl file runs the tests of its folder; all passing clears the diagnostics.
  const calls2 = fake('reply', { REPLY: JSON.stringify({ scripts: [report.scripts[1]], passed: 1, failed: 0 }) });
  await vscode.commands.executeCommand('spell.runTests', path.join(tmp, 'tests', 'prog.spl'));
  assert.deepEqual(calls2()[0].argv, ['test', '--json', 'tests']);
  assert.equal(diags.map.size, 0);
  assert.match(more.infos.at(-1), /1 test scripts passed/);
});

test('Run Tests with a CLI that has no --json: the error says which setting to check', async () => {
  const { state } = await activate();
  state.workspaceFolders = [{ uri: vscode.Uri.file(tmp), name: 'w', index: 0 }];
  fake('reply', { REPLY: 'Incorrect Usage: flag provided but not defined: -json\n', EXIT: '2' });
  assert.equal(await vscode.commands.executeCommand('spell.runTests', vscode.Uri.file(tmp)), undefined);
  assert.match(state.calls.errors.at(-1), /spell test failed \(exit 2\).*spell\.run\.path/);
});

test('tasks.json: a {"type": "spell"} task resolves to a spell run', async () => {
  const { more } = await activate();
  const { provider } = more.taskProviders.find((p) => p.type === 'spell');
  const folder = { uri: vscode.Uri.file(tmp), name: 'w', index: 0 };
  const t = provider.resolveTask(new vscode.Task({ type: 'spell', command: 'run', file: 'x.spl' }, folder, 'x', 'spell'));
  assert.ok(t.execution instanceof vscode.CustomExecution);
  assert.equal(provider.resolveTask(new vscode.Task({ type: 'spell', command: 'bogus' }, folder, 'x', 'spell')), undefined);
  assert.deepEqual(runMod.runCommandArgs({ type: 'spell', command: 'task', task: 'hi' }, ['-t']), ['run', '-t', '-p', 'hi']);
});

// ---- status bar ----

test('the status bar shows starting, ready and crashed; clicking offers restart and the log', async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  vscode.__reset({});
  const { factory, clients } = stubFactory(() => gate);
  const api = ext.activate({ subscriptions: [], extensionPath: root }, { createClient: factory });
  const more = vscode.__state.more;
  const item = more.statusItems.find((i) => i.id === 'spell.server');
  assert.ok(item.visible);
  await new Promise((r) => setImmediate(r));
  assert.match(item.text, /sync~spin/);
  assert.match(item.tooltip, /starting/);
  release();
  await api.idle();
  assert.match(item.text, /\$\(check\) Spell/);
  assert.match(item.tooltip, /ready/);
  assert.equal(item.command, 'spell.serverStatus');
  // The server process dies: the client reports Stopped without being asked to stop.
  clients[0].fireState(2, 1);
  assert.match(item.text, /\$\(error\)/);
  assert.match(item.tooltip, /crashed/);
  assert.equal(item.backgroundColor.id, 'statusBarItem.errorBackground');
  // Click: Show Server Log, then Restart Server.
  more.quickPick = (items) => items.find((i) => i.action === 'log');
  await vscode.commands.executeCommand('spell.serverStatus');
  assert.equal(clients[0].outputChannel.shown, 1);
  more.quickPick = (items) => items.find((i) => i.action === 'restart');
  await vscode.commands.executeCommand('spell.serverStatus');
  await api.idle();
  assert.equal(clients.length, 2);
  assert.equal(clients[0].stopped, 1);
  assert.match(item.text, /\$\(check\)/);
  // Stopping on purpose (restart) is not a crash.
  clients[0].fireState(2, 1);
  assert.match(item.text, /\$\(check\)/);
});

test('a missing server: the status bar says not found and the error names spell.server.path', async () => {
  const err = Object.assign(new Error('Launching server using command no-lsp failed. Error: spawn no-lsp ENOENT'), { code: 'ENOENT' });
  const { more, state } = await activate({ 'server.path': 'no-lsp' }, () => Promise.reject(err));
  const item = more.statusItems.find((i) => i.id === 'spell.server');
  assert.match(item.tooltip, /not found/);
  assert.match(item.tooltip, /no-lsp/);
  assert.match(item.text, /\$\(error\)/);
  const msg = state.calls.errors.at(-1);
  assert.match(msg, /"no-lsp" was not found \(ENOENT\)\. Set "spell\.server\.path"/);
  assert.deepEqual(more.errorButtons.at(-1), ['Open Settings', 'Show Log']);
});

// ---- settings and format on save ----

test('manifest: path settings are window/resource scoped; eval, format and test settings; commands and keys', () => {
  const p = pkg.contributes.configuration.properties;
  assert.equal(p['spell.server.path'].scope, 'window');
  assert.equal(p['spell.run.path'].scope, 'resource');
  for (const [k, v] of Object.entries(p)) assert.notEqual(v.scope, 'machine-overridable', k);
  assert.equal(p['spell.eval.timeout'].default, 10);
  assert.equal(p['spell.format.onSave'].default, false);
  assert.equal(p['spell.lint.enable'].default, true);
  assert.ok(p['spell.eval.maxSteps'].default > 0);
  const cmds = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(cmds['spell.evaluateTopLevelForm'], 'Spell: Evaluate Top-Level Form');
  assert.equal(cmds['spell.evaluateCurrentForm'], 'Spell: Evaluate Current Form');
  assert.equal(cmds['spell.evaluateFile'], 'Spell: Evaluate File');
  assert.equal(cmds['spell.runTests'], 'Spell: Run Tests');
  assert.equal(cmds['spell.showTrace'], 'Spell: Show Trace');
  assert.ok(cmds['spell.runTask']);
  const keys = pkg.contributes.keybindings.map((k) => `${k.key}=${k.command}`);
  for (const k of ['alt+enter=spell.evaluateTopLevelForm', 'ctrl+enter=spell.evaluateCurrentForm', 'ctrl+alt+c space=spell.evaluateTopLevelForm', 'ctrl+alt+c enter=spell.evaluateFile']) {
    assert.ok(keys.includes(k), k);
  }
  assert.ok(pkg.contributes.taskDefinitions.some((d) => d.type === 'spell'));
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['spell.server.path', 'spell.run.path']);
});

test('every registered command is contributed in package.json', async () => {
  const { state } = await activate();
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const id of state.calls.commands.keys()) {
    if (id.startsWith('spell.') && !id.startsWith('spell.paredit') && !id.startsWith('spell.internal')) {
      assert.ok(contributed.has(id), id);
    }
  }
});

test('spell.format.onSave formats Spell documents before saving; failures save unchanged', async () => {
  const { more } = await activate({ 'format.onSave': true });
  const doc = makeDoc('(+ 1  2)', path.join(tmp, 'h.spl'));
  const edit = { range: new vscode.Range(new vscode.Position(0, 4), new vscode.Position(0, 6)), newText: ' ' };
  more.formatEdits = () => [edit];
  const waits = [];
  const event = (d, reason = vscode.TextDocumentSaveReason.Manual) => ({ document: d, reason, waitUntil: (p) => waits.push(p) });
  for (const l of more.willSaveListeners) l(event(doc));
  assert.equal(waits.length, 1);
  assert.deepEqual(await waits[0], [edit]);
  more.formatEdits = () => {
    throw new Error('the file has syntax errors');
  };
  for (const l of more.willSaveListeners) l(event(doc));
  assert.deepEqual(await waits[1], []);
  // Other languages and auto-save after delay are left alone.
  for (const l of more.willSaveListeners) l(event({ ...doc, languageId: 'go' }));
  for (const l of more.willSaveListeners) l(event(doc, vscode.TextDocumentSaveReason.AfterDelay));
  assert.equal(waits.length, 2);
  const off = await activate({ 'format.onSave': false });
  const w2 = [];
  for (const l of off.more.willSaveListeners) l({ document: doc, reason: 1, waitUntil: (p) => w2.push(p) });
  assert.equal(w2.length, 0);
});
