// The evaluation, run and test commands against the real `spell` CLI of this repository (built
// with `go build` into a temporary directory): the contract between src/eval.ts / run.ts and
// `spell eval --json` / `spell test --json` — byte offsets with multi-byte text, effects refused,
// the step budget, the timeout, unbalanced brackets. Skipped when Go is not installed.
'use strict';

const nodeTest = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const stubPath = path.join(__dirname, 'vscode-stub.js');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return stubPath;
  return originalResolve.call(this, request, ...rest);
};
const vscode = require('vscode');
const ext = require('../../out/extension.js');

const repo = path.join(__dirname, '..', '..', '..', '..');
// $SPELL (a built spell binary with spell-net beside it, as run-ci.sh provides for the e2e
// tests) is used as is; otherwise the repository's cmd/spell and spell-net are built when Go is
// installed.
const given = process.env.SPELL && fs.existsSync(process.env.SPELL) ? path.resolve(process.env.SPELL) : undefined;
const hasGo = !!given || (fs.existsSync(path.join(repo, 'go.mod')) && spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0);
// Hang guards only (go build on a loaded machine), never speed assertions.
const test = (name, fn) => nodeTest(name, { timeout: 600_000, skip: hasGo ? false : 'go is not installed' }, fn);

let tmp;
let spell;
nodeTest.before(() => {
  if (!hasGo) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spell-real-'));
  if (given) {
    spell = given;
    return;
  }
  // spell-net beside spell: `spell test` (and web/, MCP) run in it.
  spell = path.join(tmp, 'spell');
  const b = spawnSync('go', ['build', '-o', tmp + path.sep, './cmd/spell', './cmd/spell/spell-net'], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
  if (b.status !== 0) throw new Error(`go build ./cmd/spell ./cmd/spell/spell-net failed:\n${b.stderr}`);
});
nodeTest.after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function activate(settings = {}) {
  vscode.__reset({ 'run.path': spell, ...settings });
  const factory = () => ({ start: () => Promise.resolve(), stop: () => Promise.resolve() });
  await ext.activate({ subscriptions: [], extensionPath: path.join(__dirname, '..', '..') }, { createClient: factory }).idle();
  vscode.__state.workspaceFolders = [{ uri: vscode.Uri.file(tmp), name: 'w', index: 0 }];
  return vscode.__state;
}

function editorAt(state, text, file, offset) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const d = {};
  Object.assign(d, {
    uri: vscode.Uri.file(file),
    fileName: file,
    languageId: 'spell',
    version: 1,
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
  });
  const ed = {
    document: d,
    selection: { active: d.positionAt(offset) },
    decorations: new Map(),
    setDecorations(type, list) {
      this.decorations.set(type.key, list);
    },
  };
  state.activeEditor = ed;
  state.more.visibleEditors = [ed];
  return ed;
}

function shown(state, ed) {
  const [v, e] = state.more.decorationTypes;
  const text = (list) => (list ?? []).map((d) => d.renderOptions.after.contentText);
  return { values: text(ed.decorations.get(v.key)), errors: text(ed.decorations.get(e.key)), all: [...(ed.decorations.get(v.key) ?? []), ...(ed.decorations.get(e.key) ?? [])] };
}

const PROGRAM = '; é😀 — multi-byte text before the forms\n(def x 41)\n(inc x)\n(str "ü😀" (inc x))\n(do (def y 2) (* y (inc x)))\n';

test('real spell eval: top-level and current forms, values placed after the form through multi-byte text', async () => {
  const state = await activate();
  const file = path.join(tmp, 'prog.spl');
  let ed = editorAt(state, PROGRAM, file, PROGRAM.indexOf('(inc x)') + 1);
  let out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(out.kind, 'ok', JSON.stringify(out));
  assert.deepEqual(shown(state, ed).values, ['=> 42']);
  assert.deepEqual(shown(state, ed).all[0].range.end, new vscode.Position(2, 7));

  const strAt = PROGRAM.indexOf('(str');
  ed = editorAt(state, PROGRAM, file, strAt + 3);
  out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  // Results of other lines stay (as in Calva); this one is added after the (inc x) result.
  assert.deepEqual(shown(state, ed).values, ['=> 42', '=> "ü😀42"']);
  const line3 = PROGRAM.split('\n')[3];
  assert.deepEqual(shown(state, ed).all[1].range.end, new vscode.Position(3, line3.length), 'UTF-16 end of the line');

  // Current form inside a do: (inc x) with y defined by the do's earlier form as context.
  const inner = PROGRAM.indexOf('(inc x)))');
  ed = editorAt(state, PROGRAM, file, inner + 5);
  out = await vscode.commands.executeCommand('spell.evaluateCurrentForm');
  assert.equal(shown(state, ed).values.at(-1), '=> 41');
  ed = editorAt(state, PROGRAM, file, inner);
  out = await vscode.commands.executeCommand('spell.evaluateCurrentForm');
  assert.equal(shown(state, ed).values.at(-1), '=> 42');
  assert.equal(shown(state, ed).values.length, 3, 'a new result on the same line replaces the old one');

  out = await vscode.commands.executeCommand('spell.evaluateFile');
  assert.equal(out.kind, 'ok');
  assert.deepEqual(out.results.map((r) => r.value), ['41', '42', '"ü😀42"', '84']);
});

test('real spell eval: effects refused, step budget, timeout, unbalanced brackets', async () => {
  let state = await activate({ 'eval.maxSteps': 10000 });
  const file = path.join(tmp, 'bad.spl');
  let text = '(print "hi")\n(eval \'(io/read-file "x"))\n(loop [] (recur))\n';
  let ed = editorAt(state, text, file, 0);
  let out = await vscode.commands.executeCommand('spell.evaluateFile');
  assert.equal(out.kind, 'error');
  const errs = shown(state, ed).errors;
  assert.match(errs[0], /^✗ print is an effect/);
  assert.match(errs[1], /io\/ is not granted/);
  assert.match(errs[2], /Step limit exceeded: 10000 steps/);

  state = await activate({ 'eval.maxSteps': 1e15, 'eval.timeout': 1 });
  ed = editorAt(state, '(loop [] (recur))', file, 0);
  out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(out.kind, 'timeout');
  assert.match(shown(state, ed).errors[0], /timed out after 1 s \(spell\.eval\.timeout\)/);

  state = await activate();
  text = '(def z 1)\n(+ z (foo\n(+ 1 2)\n';
  ed = editorAt(state, text, file, text.indexOf('(+ z') + 1);
  out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(out.kind, 'error');
  assert.deepEqual(shown(state, ed).errors, ['✗ unclosed ( opened at 2:6']);
  assert.equal(ed.document.getText(), text);
});

test('real spell eval on a 5 MB file with multi-byte text: the form at the cursor, positions right', async () => {
  const state = await activate({ 'eval.timeout': 300 });
  const file = path.join(tmp, 'big.spl');
  const parts = ['(def head "début")\n'];
  let size = 0;
  for (let i = 0; size < 5 * 1024 * 1024; i++) {
    const line = `(defn f${i} [x] (str "é😀" x ${i}))\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  parts.push('(f7 "ü")\n');
  const text = parts.join('');
  // The first form: only parsing the rest.
  let ed = editorAt(state, text, file, 1);
  let out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(out.kind, 'ok', JSON.stringify(out).slice(0, 300));
  assert.deepEqual(shown(state, ed).values, ['=> "début"']);
  // The last form, after every definition (the timeout is a hang guard here).
  const last = text.lastIndexOf('(f7');
  ed = editorAt(state, text, file, last + 1);
  out = await vscode.commands.executeCommand('spell.evaluateTopLevelForm');
  assert.equal(out.kind, 'ok', JSON.stringify(out).slice(0, 300));
  assert.equal(shown(state, ed).values.at(-1), '=> "é😀ü7"');
  const lastLine = text.split('\n').length - 2;
  assert.deepEqual(shown(state, ed).all.at(-1).range.end, new vscode.Position(lastLine, '(f7 "ü")'.length));
});

test('real spell test --json: a failing script becomes a diagnostic on its failing line', async () => {
  const state = await activate();
  const dir = path.join(tmp, 'tests');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bad_test.txtar'), "# fails\nexec spell run prog.spl\nstdout '^4$'\n-- prog.spl --\n(+ 1 2)\n");
  fs.writeFileSync(path.join(dir, 'good_test.txtar'), "exec spell run prog.spl\nstdout '^3$'\n-- prog.spl --\n(+ 1 2)\n");
  const report = await vscode.commands.executeCommand('spell.runTests', vscode.Uri.file(dir));
  assert.equal(report.passed, 1);
  assert.equal(report.failed, 1);
  const diags = state.more.diagnostics.find((d) => d.name === 'spell-test');
  const list = diags.map.get(path.join(dir, 'bad_test.txtar'));
  assert.equal(list[0].range.start.line, 2);
  assert.match(list[0].message, /no match for `\^4\$` found in stdout/);
});

test('real spell run in the task terminal: the program error and exit code stay visible', async () => {
  const state = await activate();
  const file = path.join(tmp, 'fail.spl');
  fs.writeFileSync(file, '(do (def n 1)\n  (/ n 0))\n');
  await vscode.commands.executeCommand('spell.runFile', vscode.Uri.file(file));
  const pty = await state.more.tasks[0].execution.callback({});
  let written = '';
  pty.onDidWrite((s) => (written += s));
  pty.open(undefined);
  assert.equal(await pty.done, 1);
  assert.match(written, /fail\.spl:2:3: error: .*Divide by zero/);
  assert.match(written, /spell exited with code 1/);
});
