// Snippets (snippets/*.json, contributed in package.json): the expected ones exist, and each
// expands (placeholders at their defaults) to balanced forms indented by the formatter's rules.
// test/e2e/lsp.test.js also runs `spell fmt --check` and `spell lint` on them.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { parse } = require('../../out/sexp.js');
const { indentAt } = require('../../out/indent.js');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));

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

test('snippets for defn, let, loop, the wrapper and an agent profile are contributed', () => {
  const contributed = pkg.contributes.snippets.map((s) => `${s.language}:${s.path}`);
  assert.deepEqual(contributed, ['spell:./snippets/spell.json', 'clojure:./snippets/agent-profile.json']);
  const spell = require(path.join(root, 'snippets', 'spell.json'));
  const prefixes = Object.values(spell).flatMap((s) => [].concat(s.prefix));
  for (const p of ['defn', 'let', 'loop', 'wrapper', 'agent-profile']) assert.ok(prefixes.includes(p), p);
  const edn = require(path.join(root, 'snippets', 'agent-profile.json'));
  assert.deepEqual(edn['agent profile'], spell['agent profile']);
});

test('every snippet expands to balanced forms with formatter indentation', () => {
  const spell = require(path.join(root, 'snippets', 'spell.json'));
  for (const [name, s] of Object.entries(spell)) {
    const text = expand(s.body.join('\n')) + '\n';
    const tree = parse(text);
    const open = [];
    const walk = (fs) => fs.forEach((f) => {
      if (f.innerStart !== undefined && f.close === undefined) open.push(f.start);
      if (f.kind === 'string' && !f.terminated) open.push(f.start);
      walk(f.children);
    });
    walk(tree.forms);
    assert.deepEqual(open, [], `${name}: unclosed`);
    let at = 0;
    for (const line of text.split('\n')) {
      if (line.trim() !== '') {
        assert.equal(line.length - line.trimStart().length, indentAt(text, at, tree), `${name}: ${line}`);
      }
      at += line.length + 1;
    }
  }
  // the wrapper is the canonical shape: (quine NAME … (eval (do …)))
  const w = expand(spell.wrapper.body.join('\n'));
  assert.match(w, /^\(quine completion \(eval \(do\n/);
});
